"""Fixtures for the handler tests: fake Slack / EventListener servers, settings, a real store."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers.runtime import Runtime
from interceptor.cel import CelEnvironment
from interceptor.context.document import build_document
from interceptor.context.paths import parse_assignment
from interceptor.outbound import OutboundClient
from interceptor.settings import Settings, load_settings
from interceptor.store import open_store
from interceptor.store.base import Change, ContextStore
from tests.fakes.recorder import Recorder, Reply

PRESETS = Path(__file__).resolve().parents[2] / "examples" / "presets"
SLACK_TOKEN = "xoxb-test-token-1234"
TRIGGER_TOKEN = "s3cret-trigger!"
LISTENER_SECRET = "listener-secret-5678"


def slack_reply(ts: str, channel: str = "C0DEVDEPLOYS", **extra: Any) -> Reply:
    return Reply(body={"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, **extra}})


@pytest.fixture
async def slack() -> AsyncIterator[Recorder]:
    async with Recorder(default=slack_reply("1700000000.000100")) as fake:
        yield fake


@pytest.fixture
async def listener() -> AsyncIterator[Recorder]:
    async with Recorder(default=Reply(status=202, body={"eventListener": "cicd", "eventID": "e-1"})) as fake:
        yield fake


def write_config(
    directory: Path,
    preset: str,
    *,
    slack_url: str = "",
    listener_url: str = "",
    token: str | None = SLACK_TOKEN,
    overrides: dict[str, Any] | None = None,
    store_url: str = "",
    outbound: dict[str, Any] | None = None,
) -> tuple[Path, Path]:
    """The preset's config.yaml with the fake servers' URLs, and a secrets file."""
    config = yaml.safe_load((PRESETS / preset / "config.yaml").read_text())
    legacy = config["cicdstatemgr"]
    if slack_url and "slack" in legacy:
        legacy["slack"]["url"] = f"{slack_url}/api/chat.postMessage"
    if slack_url and "url" in (legacy.get("notify") or {}):
        legacy["notify"]["url"] = f"{slack_url}/webhook"
    if listener_url and "trigger" in legacy:
        legacy["trigger"]["url"] = f"{listener_url}/"
    for key, value in (overrides or {}).items():
        legacy[key] = value
    config["listener"] = {"url": listener_url or None, "secret": LISTENER_SECRET, "retries": 1}
    config["outbound"] = {"retries": 2, "totalTimeoutSeconds": 2.0, **(outbound or {})}
    if store_url:
        config["store"] = {"url": store_url}
    secrets: dict[str, Any] = {"cicdstatemgr": {"trigger": {"token": TRIGGER_TOKEN}}}
    if token:
        secrets["cicdstatemgr"]["slack"] = {"token": token}
    config_path, secrets_path = directory / "config.yaml", directory / "secrets.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    secrets_path.write_text(yaml.safe_dump(secrets, sort_keys=False))
    return config_path, secrets_path


def settings_for(directory: Path, preset: str = "slack", **kwargs: Any) -> Settings:
    config, secrets = write_config(directory, preset, **kwargs)
    return load_settings(str(config), str(secrets), environ={})


@dataclass
class Harness:
    """A runtime on a real SQLite store, with fake servers and captured print output."""

    settings: Settings
    store: ContextStore
    runtime: Runtime
    printed: list[str] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    async def init(self, preset: str = "slack", app: dict[str, Any] | None = None, *sets: str) -> str:
        """Create a context from the preset's app config (or ``app`` written over its bases)."""
        context_id = f"orders-{uuid.uuid4().hex[:8]}"
        bases = PRESETS / preset / "bases"
        app_path = PRESETS / preset / "app.yaml"
        if app is not None:
            app_path = Path(self.settings.sources[0]).parent / "app.yaml"
            app_path.write_text(yaml.safe_dump(app, sort_keys=False))
        assignments = [parse_assignment(s) for s in ("state.appName=orders", "state.appTag=2.7.0", *sets)]
        document = build_document(context_id, "dev", app_path, bases, [a for a in assignments if a])
        await self.store.create(context_id, document, Change("test", "init", []))
        return context_id


@pytest.fixture
async def harnesses(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """``await harnesses(preset, dry_run=..., slack_url=..., token=...)`` makes a :class:`Harness`."""
    created: list[Harness] = []

    async def make(preset: str = "slack", *, dry_run: bool = False, **kwargs: Any) -> Harness:
        directory = tmp_path / f"h{len(created)}"
        directory.mkdir()
        settings = settings_for(directory, preset, **kwargs)
        store = open_store(f"sqlite:///{directory}/contexts.db")
        sleeps: list[float] = []
        printed: list[str] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        outbound = OutboundClient(settings.outbound, sleep=sleep)
        runtime = Runtime(
            settings, outbound, store, CelEnvironment(), printer=printed.append, dry_run=dry_run
        )
        harness = Harness(settings, store, runtime, printed, sleeps)
        created.append(harness)
        return harness

    yield make
    for harness in created:
        await harness.runtime.outbound.close()
        await harness.store.close()


def app_with(
    handlers: dict[str, Any], *, pipeline: str = "build", event: str = "success", **context: Any
) -> dict[str, Any]:
    """An app config with one pipeline event's handlers (no bases)."""
    dev = {
        "channel": "C0DEVDEPLOYS",
        "pipelines": {pipeline: {"event-handlers": {event: copy.deepcopy(handlers)}}},
    }
    dev.update(context)
    return {"cicd-contexts": {"dev": dev}}
