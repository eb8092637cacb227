"""SIGTERM while requests are in flight: ``interceptor serve`` (a real process) lets them finish,
and every event's writes are stored completely or not at all (no partial write)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from interceptor.store import open_store
from interceptor.store.base import Change
from tests.fakes.recorder import Recorder, Reply
from tests.faults.conftest import base_config, write_config

pytestmark = pytest.mark.fault

CONTEXT_ID = "fault-sigterm-ctx"
IN_FLIGHT = 4
SLACK_DELAY_SECONDS = 1.5
NOTIFY_TEMPLATE = '{"channel": {{ channel | tojson }}, "text": {{ notify.message | tojson }}}'
DOCUMENT = {
    "channel": "C06B4N7R2PD",
    "state": {"cicdContextDataId": CONTEXT_ID},
    "pipelines": {
        "deploy": {
            "event-handlers": {
                "success": {
                    "notify": {"message": "deployed"},
                    "set-values": {"set": [{"from": "notified", "to": "state.lastStatus"}]},
                }
            }
        }
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_listening(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        if process.returncode is not None:
            raise AssertionError("interceptor serve exited before listening")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"interceptor serve is not listening on {port}")


def event_request(n: int) -> bytes:
    body = {
        "contextId": CONTEXT_ID,
        "pipeline": "deploy",
        "event": "success",
        "set": {f"state.events.e{n}.a": "1", f"state.events.e{n}.b": "2"},
    }
    return json.dumps(
        {
            "body": json.dumps(body),
            "header": {},
            "interceptor_params": {"verify": False},
            "context": {"event_id": f"sigterm-{n}", "event_url": "/", "trigger_id": ""},
        }
    ).encode()


async def test_sigterm_lets_in_flight_requests_finish_without_partial_writes(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path}/contexts.db"
    store = open_store(store_url)
    await store.create(CONTEXT_ID, json.loads(json.dumps(DOCUMENT)), Change("test", "seed", []))
    await store.close()
    port = free_port()
    async with Recorder(
        default=Reply(200, {"ok": True, "ts": "1.000", "channel": "C1"}, delay=SLACK_DELAY_SECONDS)
    ) as slack:
        config = write_config(
            tmp_path / "config.yaml",
            base_config(
                store_url,
                slack={"botToken": "xoxb-fault-test"},
                server={"shutdownTimeoutSeconds": 10.0},
                cicdstatemgr={
                    "slack": {"url": f"{slack.url}/api/chat.postMessage"},
                    "templates": {"notify": NOTIFY_TEMPLATE},
                },
            ),
        )
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "interceptor"),
            "serve",
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await wait_listening(port, process)
            async with aiohttp.ClientSession() as http:

                async def post(n: int) -> tuple[int, Any]:
                    async with http.post(
                        f"http://127.0.0.1:{port}/interceptors/event", data=event_request(n)
                    ) as r:
                        return r.status, await r.json(content_type=None)

                requests = [asyncio.create_task(post(n)) for n in range(IN_FLIGHT)]
                await slack.wait_for(IN_FLIGHT)  # every request is now inside its notify handler
                process.send_signal(signal.SIGTERM)
                answers = await asyncio.wait_for(asyncio.gather(*requests, return_exceptions=True), 20)
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    assert process.returncode == 0, stderr.decode()[-2000:]
    for answer in answers:
        assert not isinstance(answer, BaseException), f"an in-flight request was cut off: {answer!r}"
        status, body = answer
        assert status == 200
        assert body["continue"] is True, body
        assert [h["status"] for h in body["extensions"]["event"]["handlers"]] == ["ok", "ok"], body
    store = open_store(store_url)
    try:
        document = await store.get(CONTEXT_ID)
    finally:
        await store.close()
    assert document is not None
    events = document["state"].get("events", {})
    for n in range(IN_FLIGHT):
        assert events.get(f"e{n}") == {"a": "1", "b": "2"}, f"event {n}: {events.get(f'e{n}')}"
    assert document["state"]["lastStatus"] == "notified"
