"""Hypothesis profiles and a live service for the fuzz tests.

``HYPOTHESIS_PROFILE`` picks the profile: ``ci`` (default; small, so the whole fuzz package stays
around a minute inside ``make test``) or ``long`` (``make fuzz``). Hypothesis cannot drive async
tests, so the real app runs on its own event loop in a background thread and the tests talk to
it over real HTTP with a blocking keep-alive client. Every log record at ERROR or above from the
app is captured: an unhandled exception is a failure even when the answer looked fine.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, settings

from interceptor.settings import load_settings
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.web.app import create_app
from tests.fakes.recorder import Recorder

SIGNING_SECRET = "3f9a6c1d2b8e4f7a0c5d9e1b2a4f6c8d"
LISTENER_SECRET = "listener-secret-for-fuzz"

settings.register_profile(
    "ci", max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``make fuzz`` runs far more examples than the suite's 60 s per-test timeout allows."""
    if PROFILE == "long":
        for item in items:
            if item.get_closest_marker("fuzz"):
                item.add_marker(pytest.mark.timeout(1800))


class ErrorRecords(logging.Handler):
    """Collects ERROR+ records from the app's loggers (interceptor.*, handlers.*, aiohttp.*)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._lock2 = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in ("interceptor", "handlers", "aiohttp", "asyncio"):
            with self._lock2:
                self.records.append(record)

    def take(self) -> list[str]:
        with self._lock2:
            taken, self.records = self.records, []
        return [f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in taken]


class LiveService:
    """The app on a private loop in a thread; ``post`` is a blocking HTTP call to it."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-service", daemon=True)
        self.thread.start()
        self.tmp = tmp
        self.store_url = f"sqlite:///{tmp}/fuzz.db"
        self.listener = Recorder()
        self.run(self.listener.__aenter__())
        config = tmp / "config.yaml"
        config.write_text(
            f"store: {{url: '{self.store_url}'}}\n"
            f"slack: {{signingSecret: {SIGNING_SECRET}}}\n"
            f"listener: {{url: '{self.listener.url}/listener', secret: {LISTENER_SECRET}, retries: 0}}\n"
            "outbound: {allowHosts: ['127.0.0.1'], retries: 0, totalTimeoutSeconds: 2.0}\n"
        )
        self.settings = load_settings(str(config), environ={})
        self.store: ContextStore = open_store(self.store_url)
        self.server = TestServer(create_app(self.settings, store=self.store), host="127.0.0.1")
        self.run(self.server.start_server())
        self.port = self.server.port
        self._local = threading.local()

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._local.connection = connection
        return connection

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request("POST", path, body=body, headers=headers or {})
                response = connection.getresponse()
                data = response.read()
                if response.will_close:
                    connection.close()
                    self._local.connection = None
                return response.status, data
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self.run(self.server.close())
        self.run(self.store.close())
        self.run(self.listener.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    service = LiveService(tmp_path_factory.mktemp("fuzz"))
    yield service
    service.close()


@pytest.fixture(scope="module")
def error_log() -> Iterator[ErrorRecords]:
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
