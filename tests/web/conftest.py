"""A real service on loopback: the app factory, a real SQLite store, real HTTP."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from interceptor.settings import Settings, load_settings

SIGNING_SECRET = "3f9a6c1d2b8e4f7a0c5d9e1b2a4f6c8d"
LISTENER_SECRET = "listener-secret-for-tests"


@dataclasses.dataclass
class Service:
    url: str
    http: aiohttp.ClientSession
    settings: Settings

    async def post_json(self, path: str, payload: Any) -> tuple[int, Any]:
        async with self.http.post(f"{self.url}{path}", json=payload) as resp:
            return resp.status, await resp.json(content_type=None)


ServiceFactory = Callable[..., Any]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path}/contexts.db'}}\n"
        f"slack: {{signingSecret: {SIGNING_SECRET}}}\n"
        f"listener: {{secret: {LISTENER_SECRET}}}\n"
    )
    return load_settings(str(config), environ={})


@pytest.fixture
async def start_service() -> AsyncIterator[ServiceFactory]:
    servers: list[TestServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def start(settings: Settings, **kwargs: Any) -> Service:
        from interceptor.web.app import create_app  # the app needs every component; import when used

        server = TestServer(create_app(settings, **kwargs), host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        http = aiohttp.ClientSession()
        sessions.append(http)
        return Service(str(server.make_url("")).rstrip("/"), http, settings)

    yield start
    for http in sessions:
        await http.close()
    for server in servers:
        await server.close()


@pytest.fixture
async def service(start_service: ServiceFactory, settings: Settings) -> Service:
    return await start_service(settings)  # type: ignore[no-any-return]
