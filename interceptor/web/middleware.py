"""The outer layer of every HTTP request: request id, access log, metrics, and the one place
where an unexpected exception is caught, logged, and answered with a JSON 500 that carries the
request id instead of a stack trace."""

from __future__ import annotations

import logging
import time
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler

from interceptor.log_format import request_id
from interceptor.web.keys import METRICS

log = logging.getLogger("interceptor.http")


@web.middleware
async def outer_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    token = request_id.set(rid)
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            # 404/405/413 from aiohttp itself: answer JSON with a message that names the limit.
            response = web.json_response({"error": exc.text or exc.reason}, status=exc.status)
        except Exception:
            log.exception("unhandled error", extra={"route": route})
            response = web.json_response({"error": "internal error", "requestId": rid}, status=500)
        status = response.status
        response.headers["X-Request-Id"] = rid
        return response
    finally:
        elapsed = time.perf_counter() - started
        metrics = request.app[METRICS]
        metrics.requests.labels(route, str(status)).inc()
        metrics.latency.labels(route).observe(elapsed)
        if status >= 400 or log.isEnabledFor(logging.DEBUG):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
        request_id.reset(token)
