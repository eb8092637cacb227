"""Fault-injection fixtures: a private Redis we may kill, config files, a running service.

The private Redis listens on a port in 7200-7299 (never the shared 6379) with ``appendonly yes``
and ``appendfsync always``, so every write Redis acknowledged survives ``SIGKILL`` + restart.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer

from interceptor.settings import Settings, load_settings
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.web.app import create_app

SIGNING_SECRET = "3f9a6c1d2b8e4f7a0c5d9e1b2a4f6c8d"
LISTENER_SECRET = "listener-secret-for-fault-tests"
PORT_RANGE = range(7200, 7300)


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RedisServer:
    """``redis-server`` in a temp dir; ``kill()`` is SIGKILL (no graceful save), ``start()`` reuses the
    same dir, so the append-only file brings acknowledged writes back."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--logfile",
                "redis.log",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer; see {self.directory}/redis.log")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    # Spread parallel sessions over the range by pid; skip ports in use.
    ports = [p for p in PORT_RANGE[os.getpid() % 100 :] if _port_is_free(p)] or [
        p for p in PORT_RANGE if _port_is_free(p)
    ]
    if not ports:
        pytest.skip("no free port in 7200-7299 for a private redis-server")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory, ports[0])
    server.start()
    yield server
    server.kill()


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def base_config(store_url: str, **sections: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "store": {"url": store_url},
        "slack": {"signingSecret": SIGNING_SECRET},
        "listener": {"secret": LISTENER_SECRET},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    return config


def settings_for(tmp_path: Path, config: dict[str, Any]) -> Settings:
    return load_settings(str(write_config(tmp_path / "config.yaml", config)), environ={})


class RunningService:
    def __init__(self, server: TestServer, http: aiohttp.ClientSession, store: ContextStore) -> None:
        self.server = server
        self.http = http
        self.store = store
        self.url = str(server.make_url("")).rstrip("/")

    async def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with self.http.post(f"{self.url}{path}", data=body, headers=headers or {}) as resp:
            text = await resp.text()
            try:
                import json

                return resp.status, json.loads(text) if text else None
            except ValueError:
                return resp.status, text


@pytest.fixture
async def start_service() -> AsyncIterator[Any]:
    """Start the real app on loopback with the store opened here (so the test can reach it too)."""
    started: list[RunningService] = []

    async def start(settings: Settings) -> RunningService:
        store = open_store(settings.store.url)
        server = TestServer(create_app(settings, store=store), host="127.0.0.1")
        await server.start_server()
        service = RunningService(server, aiohttp.ClientSession(), store)
        started.append(service)
        return service

    yield start
    for service in started:
        await service.http.close()
        await service.server.close()
        await service.store.close()


async def wait_for(predicate: Any, limit: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(interval)
    return False
