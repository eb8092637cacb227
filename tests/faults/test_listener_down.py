"""The EventListener is down (connection refused) or failing (HTTP 503) while ``/slack`` forwards:
Slack still gets its 200 ack at once, the forward is retried, and then the user is told through
``response_url``. Slack's response_url and the listener are recording fakes on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fakes.recorder import Recorder, Reply
from tests.faults.conftest import SIGNING_SECRET, base_config, settings_for, wait_for

pytestmark = pytest.mark.fault

LISTENER_RETRIES = 2


def signed_click(response_url: str) -> tuple[bytes, dict[str, str]]:
    payload = {
        "type": "block_actions",
        "user": {"id": "U05LZ8P2KQ", "username": "maria.chen", "name": "maria.chen", "team_id": "T07QX2M4ND"},
        "team": {"id": "T07QX2M4ND", "domain": "northwind"},
        "channel": {"id": "C06B4N7R2PD", "name": "release-train"},
        "container": {"type": "message", "message_ts": f"{time.time():.6f}", "channel_id": "C06B4N7R2PD"},
        "message": {"ts": f"{time.time():.6f}", "text": "orders 2.7.0 is built"},
        "trigger_id": "8240057319846.7123456789012.3c1f0b9e8d7a6c5b4a3f2e1d0c9b8a7f",
        "response_url": response_url,
        "actions": [
            {
                "action_id": "deploy_prod",
                "block_id": "promote",
                "type": "button",
                "value": "deploy|orders-2.7.0-v1-dev-9f2c1e7|prod",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(int(time.time()))
    signature = (
        "v0="
        + hmac.new(
            SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
    )
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("failure", ["connection-refused", "http-503"])
async def test_forward_is_retried_then_the_user_is_told(
    tmp_path: Path, start_service: Any, failure: str
) -> None:
    async with (
        Recorder(default=Reply(503, "unavailable")) as listener,
        Recorder(default=Reply(200, "ok")) as slack,
    ):
        listener_url = (
            f"http://127.0.0.1:{closed_port()}/" if failure == "connection-refused" else listener.url
        )
        settings = settings_for(
            tmp_path,
            base_config(
                f"sqlite:///{tmp_path}/contexts.db",
                listener={"url": listener_url, "retries": LISTENER_RETRIES, "timeoutSeconds": 2.0},
            ),
        )
        service = await start_service(settings)
        body, headers = signed_click(f"{slack.url}/actions/T07QX2M4ND/1/abc")
        started = time.monotonic()
        status, _ = await service.post("/slack", body, headers)
        ack_seconds = time.monotonic() - started

        async def told() -> bool:
            return len(slack.requests) >= 1

        notified = await wait_for(told, 15.0)
    assert status == 200
    assert ack_seconds < 3.0, "Slack must get its ack within 3 s whatever the listener does"
    assert notified, "the user was never told through response_url"
    notice = slack.requests[0]
    assert notice.path == "/actions/T07QX2M4ND/1/abc"
    message = notice.json()
    assert "could not be delivered" in message["text"]
    assert message.get("replace_original") is False
    if failure == "http-503":
        assert len(listener.requests) == 1 + LISTENER_RETRIES, "the forward must be retried within its bound"
        forwarded = listener.requests[0]
        assert "X-Interceptor-Signature" in forwarded.headers
        assert forwarded.json()["slack"]["type"] == "block_actions"
        assert "503" in message["text"]
