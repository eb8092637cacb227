"""Kubernetes probes and Prometheus metrics."""

from __future__ import annotations

import asyncio

from aiohttp import web

from interceptor.errors import StoreUnavailable
from interceptor.web.keys import METRICS, SERVICES

READY_TIMEOUT_SECONDS = 2.0


async def live(request: web.Request) -> web.Response:
    """Liveness checks only the process: a store outage must not get healthy pods killed."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness checks the store, so a replica that cannot reach it leaves the Service."""
    store = request.app[SERVICES].store
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await store.ping()
    except (StoreUnavailable, TimeoutError) as exc:
        reason = str(exc) or f"no answer within {READY_TIMEOUT_SECONDS:g} s"
        return web.json_response(
            {"status": "unavailable", "store": store.url_for_display, "reason": reason}, status=503
        )
    return web.json_response({"status": "ok", "store": store.url_for_display})


async def metrics(request: web.Request) -> web.Response:
    body = request.app[METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})
