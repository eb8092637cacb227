"""Fixtures for the Slack area: real SQLite store, real outbound client, real loopback servers.

``slack_service`` wires the two Slack web handlers into a small aiohttp app (the lead's
``create_app`` routes the same handlers; switching means replacing ``_app`` with it).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from interceptor.outbound import OutboundClient
from interceptor.services import Services
from interceptor.settings import ListenerSettings, OutboundSettings, ServerSettings, Settings, SlackSettings
from interceptor.slack.forwarder import Forwarder
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.web.slack_request_url import SlackRequestUrl
from interceptor.web.slack_webhook import SlackWebhook
from tests.slack import examples

FORM = "application/x-www-form-urlencoded"
LISTENER_SECRET = "hop-secret-for-tests"


class FakeClock:
    """A settable clock, injected wherever time matters (signature windows, claim TTLs)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def slack_headers(
    body: str | bytes,
    timestamp: str,
    *,
    secret: str = examples.SECRET,
    content_type: str = FORM,
    **extra: str,
) -> dict[str, str]:
    """Headers exactly as Slack sends them, signed by slack_sdk (the independent oracle)."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        **extra,
    }


def make_settings(
    *,
    listener_url: str | None = None,
    listener_secret: str | None = LISTENER_SECRET,
    retries: int = 2,
    max_body: int = 64 * 1024,
    **slack: Any,
) -> Settings:
    slack_settings = dataclasses.replace(SlackSettings(signingSecret=examples.SECRET), **slack)
    return Settings(
        server=ServerSettings(maxBodyBytes=max_body),
        slack=slack_settings,
        listener=ListenerSettings(
            url=listener_url, secret=listener_secret, retries=retries, timeoutSeconds=10.0
        ),
        outbound=OutboundSettings(connectTimeoutSeconds=2.0, totalTimeoutSeconds=10.0),
    )


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackService:
    url: str
    services: Services
    forwarder: Forwarder
    http: aiohttp.ClientSession

    async def post(self, path: str, body: str | bytes, headers: dict[str, str]) -> HttpReply:
        async with self.http.post(self.url + path, data=body, headers=headers) as response:
            return HttpReply(response.status, dict(response.headers), await response.read())


StartService = Callable[..., Awaitable[SlackService]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(float(examples.TIMESTAMP) + 5)


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ContextStore]:
    opened = open_store(f"sqlite:///{tmp_path}/slack.db", clock=clock)
    yield opened
    await opened.close()


def _app(services: Services, forwarder: Forwarder) -> web.Application:
    app = web.Application(client_max_size=services.settings.server.maxBodyBytes)
    app.router.add_post("/slack", SlackRequestUrl(services, forwarder).handle)
    app.router.add_post("/webhooks/slack", SlackWebhook(services).handle)
    return app


@pytest.fixture
async def start_service(store: ContextStore, clock: FakeClock) -> AsyncIterator[StartService]:
    """``await start_service(settings, store=...)`` → a running :class:`SlackService`."""
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def start(settings: Settings, *, store_override: ContextStore | None = None) -> SlackService:
        outbound = OutboundClient(settings.outbound, base_backoff=0.01)
        services = Services(
            settings=settings,
            store=store_override or store,
            cel=None,  # type: ignore[arg-type]  # not used by the Slack handlers
            outbound=outbound,
            metrics=None,  # type: ignore[arg-type]
            clock=clock,
        )
        forwarder = Forwarder(services, drain_seconds=5.0)
        runner = web.AppRunner(_app(services, forwarder), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        http = aiohttp.ClientSession()

        async def stop() -> None:
            await http.close()
            await runner.cleanup()
            await forwarder.close()
            await outbound.close()

        cleanups.append(stop)
        return SlackService(f"http://127.0.0.1:{port}", services, forwarder, http)

    yield start
    for stop in reversed(cleanups):
        await stop()
