"""``POST /interceptors/{name}``: Tekton's InterceptorRequest in, InterceptorResponse out.

Once the envelope parses the answer is always HTTP 200: a refusal is ``continue: false`` with a
gRPC status, because the EventListener treats any other status as a transport failure and logs
nothing useful. Each request gets a processing deadline (3 s by default, like Tekton's core
interceptors), so a slow store answers code 4 instead of holding the EventListener for 10 s.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging

from aiohttp import web

from interceptor.errors import Code, InterceptorError, InvalidInput
from interceptor.protocol import InterceptorResponse, parse_request
from interceptor.web.keys import INTERCEPTORS, SERVICES

log = logging.getLogger(__name__)

# Compact like Go's encoding/json: the answer goes to a machine, and a Slack extension is ~4 KB.
compact_json = functools.partial(json.dumps, separators=(",", ":"), ensure_ascii=False)


async def handle_interceptor(request: web.Request) -> web.Response:
    name = request.match_info["name"].lower()
    interceptor = request.app[INTERCEPTORS].get(name)
    if interceptor is None:
        known = ", ".join(sorted(request.app[INTERCEPTORS].keys()))
        return web.json_response(
            {"error": f"path did not match any interceptors: {name!r} (known: {known})"}, status=404
        )
    try:
        envelope = parse_request(await request.read())
    except InvalidInput as exc:
        return web.json_response({"error": exc.message}, status=400)
    services = request.app[SERVICES]
    deadline = services.settings.server.deadlineSeconds
    try:
        async with asyncio.timeout(deadline):
            response = await interceptor.process(envelope)
    except TimeoutError:
        response = InterceptorResponse.stop(
            Code.DEADLINE_EXCEEDED, f"{name} interceptor did not finish within {deadline:g} s"
        )
    except InterceptorError as exc:
        response = InterceptorResponse.stop(exc.code, exc.message)
    services.metrics.decisions.labels(name, str(response.continue_).lower(), str(int(response.code))).inc()
    if not response.continue_:
        log.info(
            "interceptor stopped the trigger",
            extra={"interceptor": name, "code": int(response.code), "reason": response.message},
        )
    return web.json_response(response.to_json(), dumps=compact_json)
