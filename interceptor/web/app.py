"""The app factory: the only place that wires settings, clients, interceptors and routes together.

Clients (store, outbound HTTP session, Slack forwarder) are opened in ``cleanup_ctx`` and closed
with the app, so nothing does I/O at import time and a test can build as many apps as it likes.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from aiohttp import web

from interceptor.cel import CelEnvironment
from interceptor.interceptors.registry import build_interceptors
from interceptor.metrics import Metrics
from interceptor.outbound import OutboundClient
from interceptor.services import Clock, Services
from interceptor.settings import Settings
from interceptor.slack.forwarder import Forwarder
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.web import health
from interceptor.web.interceptor_route import handle_interceptor
from interceptor.web.keys import (
    FORWARDER,
    INTERCEPTORS,
    METRICS,
    SERVICES,
    SLACK_REQUEST_URL,
    SLACK_WEBHOOK,
)
from interceptor.web.middleware import outer_layer
from interceptor.web.slack_request_url import SlackRequestUrl
from interceptor.web.slack_webhook import SlackWebhook


def create_app(
    settings: Settings, *, store: ContextStore | None = None, clock: Clock = time.time
) -> web.Application:
    """Build the service. ``store`` may be passed in (tests, benchmarks); otherwise it is opened
    from ``settings.store.url`` when the app starts and closed when it stops."""
    app = web.Application(client_max_size=settings.server.maxBodyBytes, middlewares=[outer_layer])
    app[METRICS] = Metrics()

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        context_store = store or open_store(settings.store.url, ttl_days=settings.store.ttlDays, clock=clock)
        outbound = OutboundClient(settings.outbound)
        services = Services(
            settings=settings,
            store=context_store,
            cel=CelEnvironment(secrets=settings.cel.secrets, cache_size=settings.cel.cacheSize),
            outbound=outbound,
            metrics=app[METRICS],
            clock=clock,
        )
        forwarder = Forwarder(services)
        app[SERVICES] = services
        app[INTERCEPTORS] = build_interceptors(services)
        app[FORWARDER] = forwarder
        app[SLACK_REQUEST_URL] = SlackRequestUrl(services, forwarder)
        app[SLACK_WEBHOOK] = SlackWebhook(services)
        try:
            yield
        finally:
            await forwarder.close()
            await outbound.close()
            if store is None:
                await context_store.close()

    async def slack_request_url(request: web.Request) -> web.StreamResponse:
        return await request.app[SLACK_REQUEST_URL].handle(request)

    async def slack_webhook(request: web.Request) -> web.StreamResponse:
        return await request.app[SLACK_WEBHOOK].handle(request)

    app.cleanup_ctx.append(lifetime)
    app.router.add_post("/interceptors/{name}", handle_interceptor)
    app.router.add_post("/slack", slack_request_url)
    app.router.add_post("/webhooks/slack", slack_webhook)
    app.router.add_get("/ready", health.ready)
    app.router.add_get("/live", health.live)
    app.router.add_get("/metrics", health.metrics)
    return app
