"""The EventListener emulator's HTTP face: the sink on every path, and ``/emulator/events``.

* ``<any method> <any path>`` — the EventListener: 202 with Tekton's reply JSON (or 400 when
  payload validation fails); processing continues in the background.
* ``GET /emulator/events[?wait=1]`` — every recorded event, newest last; ``wait=1`` first waits
  until all of them have finished processing (``timeout`` seconds, default 30).
* ``GET /emulator/events/{eventID}[?wait=1]`` — one event; 404 for an unknown id.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web

from interceptor.emulator.chain import ChainRunner
from interceptor.emulator.core_interceptors import CoreInterceptors
from interceptor.emulator.options import EmulatorOptions, Loaded
from interceptor.emulator.resolution import Resolver
from interceptor.emulator.sink import Sink

SINK = web.AppKey("emulator_sink", Sink)
MAX_EVENT_BYTES = 32 * 1024 * 1024


def create_emulator_app(
    options: EmulatorOptions, loaded: Loaded, *, new_event_id: Callable[[], str] | None = None
) -> web.Application:
    """Build the app; the HTTP client session is opened and closed with it. ``new_event_id``
    replaces the random UUIDs (tests compare exact InterceptorRequest bytes)."""
    app = web.Application(client_max_size=MAX_EVENT_BYTES)

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        session = aiohttp.ClientSession(auto_decompress=True)
        runner = ChainRunner(
            session,
            Resolver(loaded.manifests, loaded.resolve),
            CoreInterceptors(loaded.secrets, options.cel_cache_size),
            loaded.listener.namespace,
        )
        sink = Sink(loaded.listener, loaded.manifests, runner, options.out_dir)
        if new_event_id is not None:
            sink.new_event_id = new_event_id
        app[SINK] = sink
        try:
            yield
        finally:
            await app[SINK].close()
            await session.close()

    app.cleanup_ctx.append(lifetime)
    app.router.add_get("/emulator/events", list_events)
    app.router.add_get("/emulator/events/{event_id}", get_event)
    app.router.add_route("*", "/{tail:.*}", receive_event)
    return app


async def receive_event(request: web.Request) -> web.Response:
    body = await request.read()
    reply = request.app[SINK].accept(request.method, request.raw_path, list(request.raw_headers), body)
    return web.Response(status=reply.status, text=reply.body, content_type="application/json")


async def list_events(request: web.Request) -> web.Response:
    sink = request.app[SINK]
    if _wants_wait(request) and not await _wait(sink.events.wait_all(), request):
        return _timeout()
    return web.json_response({"events": [record.to_json() for record in sink.events.all()]})


async def get_event(request: web.Request) -> web.Response:
    event_id = request.match_info["event_id"]
    record = request.app[SINK].events.get(event_id)
    if record is None:
        return web.json_response({"error": f"no event with eventID {event_id!r} was received"}, status=404)
    if _wants_wait(request) and not await _wait(record.done.wait(), request):
        return _timeout()
    return web.json_response(record.to_json())


def _wants_wait(request: web.Request) -> bool:
    return request.query.get("wait", "").lower() in ("1", "true", "yes")


async def _wait(awaitable: Coroutine[Any, Any, Any], request: web.Request) -> bool:
    try:
        limit = float(request.query.get("timeout", "30"))
    except ValueError:
        awaitable.close()
        raise web.HTTPBadRequest(
            text='{"error": "timeout: expected a number of seconds"}', content_type="application/json"
        ) from None
    try:
        async with asyncio.timeout(max(0.0, min(limit, 300.0))):
            await awaitable
    except TimeoutError:
        return False
    return True


def _timeout() -> web.Response:
    return web.json_response({"error": "events still processing when the wait timed out"}, status=504)
