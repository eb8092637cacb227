"""The Slack Web API misbehaves (429 + Retry-After, 500, a timeout, ``ok: false``): handlers retry
within their bounds, then report the failure in the event result; ``event handle`` exits non-zero.
Slack is a recording fake on loopback; the store is a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from interceptor.store import open_store
from interceptor.store.base import Change
from tests.fakes.recorder import Recorder, Reply
from tests.faults.conftest import base_config, settings_for, write_config

pytestmark = pytest.mark.fault

CONTEXT_ID = "fault-slack-ctx"
RETRIES = 2  # outbound.retries: at most 1 + RETRIES attempts
NOTIFY_TEMPLATE = '{"channel": {{ channel | tojson }}, "text": {{ notify.message | tojson }}}'
DOCUMENT = {
    "channel": "C06B4N7R2PD",
    "state": {"cicdContextDataId": CONTEXT_ID, "appTag": "2.7.0"},
    "pipelines": {"deploy": {"event-handlers": {"success": {"notify": {"message": "deployed 2.7.0"}}}}},
}
INTERCEPTOR = Path(sys.executable).parent / "interceptor"

FAILURES = [
    pytest.param(
        Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
        1 + RETRIES,
        "429",
        id="429-retry-after",
    ),
    pytest.param(Reply(500, "internal error"), 1 + RETRIES, "500", id="500"),
    pytest.param(Reply(200, {"ok": True}, delay=2.0), 1 + RETRIES, "timed out", id="timeout"),
    pytest.param(
        Reply(200, {"ok": False, "error": "channel_not_found"}), 1, "channel_not_found", id="ok-false"
    ),
]


def config(tmp_path: Path, slack_url: str) -> dict[str, Any]:
    return base_config(
        f"sqlite:///{tmp_path}/contexts.db",
        slack={"botToken": "xoxb-fault-test"},
        outbound={"retries": RETRIES, "totalTimeoutSeconds": 0.5, "connectTimeoutSeconds": 0.5},
        cicdstatemgr={
            "slack": {"url": f"{slack_url}/api/chat.postMessage"},
            "templates": {"notify": NOTIFY_TEMPLATE},
        },
    )


async def seed(store_url: str) -> None:
    store = open_store(store_url)
    try:
        await store.create(
            CONTEXT_ID, json.loads(json.dumps(DOCUMENT)), Change("test", "seed", []), force=True
        )
    finally:
        await store.close()


@pytest.mark.parametrize(("reply", "attempts", "detail"), FAILURES)
async def test_cli_event_handle_retries_then_fails(
    tmp_path: Path, reply: Reply, attempts: int, detail: str
) -> None:
    async with Recorder(default=reply) as slack:
        data = config(tmp_path, slack.url)
        await seed(data["store"]["url"])
        path = write_config(tmp_path / "config.yaml", data)
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            str(INTERCEPTOR),
            "event",
            "handle",
            CONTEXT_ID,
            "deploy=success",
            "--config",
            str(path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 30)
        elapsed = time.monotonic() - started
    assert process.returncode != 0, out.decode()
    assert "notify" in out.decode() and "failed" in out.decode()
    assert detail in out.decode(), out.decode()
    assert err.decode().strip(), "a failure must say why on stderr"
    assert len(slack.requests) == attempts, [r.path for r in slack.requests]
    assert all(r.path == "/api/chat.postMessage" for r in slack.requests)
    if reply.status == 429:
        assert elapsed >= RETRIES * 1.0, "Retry-After: 1 must be honoured between attempts"


@pytest.mark.parametrize(("reply", "attempts", "detail"), FAILURES)
async def test_event_interceptor_reports_the_failure_in_the_event_result(
    tmp_path: Path, start_service: Any, reply: Reply, attempts: int, detail: str
) -> None:
    async with Recorder(default=reply) as slack:
        settings = settings_for(tmp_path, config(tmp_path, slack.url))
        await seed(settings.store.url)
        service = await start_service(settings)
        request = {
            "body": json.dumps({"contextId": CONTEXT_ID, "pipeline": "deploy", "event": "success"}),
            "header": {"Content-Type": ["application/json"]},
            "interceptor_params": {"verify": False},
            "context": {"event_id": f"evt-{reply.status}-{attempts}", "event_url": "/", "trigger_id": ""},
        }
        status, answer = await service.post("/interceptors/event", json.dumps(request).encode())
    assert status == 200
    assert answer["continue"] is True, answer  # a handler failure is reported, not a stopped trigger
    handlers = answer["extensions"]["event"]["handlers"]
    assert [(h["type"], h["status"]) for h in handlers] == [("notify", "failed")]
    assert detail in handlers[0]["detail"]
    assert len(slack.requests) == attempts


async def test_handler_failure_is_recorded_in_the_history(tmp_path: Path) -> None:
    async with Recorder(default=Reply(500, "internal error")) as slack:
        data = config(tmp_path, slack.url)
        await seed(data["store"]["url"])
        path = write_config(tmp_path / "config.yaml", data)
        process = await asyncio.create_subprocess_exec(
            str(INTERCEPTOR),
            "event",
            "handle",
            CONTEXT_ID,
            "deploy=success",
            "--config",
            str(path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        await asyncio.wait_for(process.communicate(), 30)
    store = open_store(data["store"]["url"])
    try:
        history = await store.history(CONTEXT_ID)
    finally:
        await store.close()
    text = json.dumps([entry.to_json() for entry in history])
    assert "failed" in text and "notify" in text, text
    last = history[-1]
    assert last.paths == []  # the failed event wrote nothing, and the history says so
    (handler,) = last.details["handlers"]
    assert last.details["event"] == "deploy=success"
    assert (handler["type"], handler["block"], handler["status"]) == ("notify", "default", "failed")
    assert "500" in handler["detail"]
    # The audit trail as an operator reads it.
    shown = await asyncio.create_subprocess_exec(
        str(INTERCEPTOR),
        "context",
        "history",
        CONTEXT_ID,
        "--config",
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(shown.communicate(), 30)
    assert shown.returncode == 0, err.decode()
    row = json.loads(out.decode().splitlines()[-1])
    assert row["paths"] == [] and row["details"] == last.details
