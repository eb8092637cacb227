"""A running emulator on loopback, built from YAML written into a temp directory."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import BaseTestServer, TestServer

from interceptor.emulator.options import EmulatorOptions, load
from interceptor.web.emulator_server import create_emulator_app

EVENT_ID = "5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b"


class Emulator:
    def __init__(self, server: BaseTestServer, session: aiohttp.ClientSession, out_dir: Path) -> None:
        self.server = server
        self.session = session
        self.out_dir = out_dir

    def url(self, path: str = "/") -> str:
        return str(self.server.make_url(path))

    async def post(
        self,
        body: bytes | str,
        headers: dict[str, str] | None = None,
        path: str = "/",
        skip: tuple[str, ...] = ("Accept-Encoding",),
    ) -> tuple[int, Any]:
        data = body.encode() if isinstance(body, str) else body
        async with self.session.post(
            self.url(path),
            data=data,
            headers=headers or {"Content-Type": "application/json"},
            skip_auto_headers=skip,
        ) as reply:
            return reply.status, await reply.json()

    async def event(self, event_id: str) -> dict[str, Any]:
        async with self.session.get(self.url(f"/emulator/events/{event_id}?wait=1&timeout=20")) as reply:
            assert reply.status == 200, await reply.text()
            result: dict[str, Any] = await reply.json()
            return result

    async def send(
        self, body: bytes | str, headers: dict[str, str] | None = None, path: str = "/"
    ) -> dict[str, Any]:
        """POST an event, assert the 202, and return the finished event record."""
        status, reply = await self.post(body, headers, path)
        assert status == 202, reply
        return await self.event(reply["eventID"])


def write_manifests(directory: Path, text: str, name: str = "listener.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(textwrap.dedent(text))
    return directory


EmulatorFactory = Callable[..., Any]


@pytest.fixture
def emulator(tmp_path: Path) -> EmulatorFactory:
    """``async with emulator(yaml_text, resolve=[...], secrets=[...]) as emu:``"""

    @asynccontextmanager
    async def start(
        manifests: str,
        *,
        resolve: list[str] | None = None,
        secrets: list[str] | None = None,
        fixed_id: bool = False,
    ) -> AsyncIterator[Emulator]:
        directory = write_manifests(tmp_path / "manifests", manifests)
        options = EmulatorOptions(
            manifests_dirs=(directory,),
            resolve=tuple(resolve or ()),
            secrets=tuple(secrets or ()),
            out_dir=tmp_path / "out",
        )
        counter = itertools.count()
        new_id = (lambda: EVENT_ID if next(counter) == 0 else f"event-{next(counter)}") if fixed_id else None
        app = create_emulator_app(options, load(options), new_event_id=new_id)
        async with TestServer(app, host="127.0.0.1", port=0) as server, aiohttp.ClientSession() as session:
            yield Emulator(server, session, tmp_path / "out")

    return start
