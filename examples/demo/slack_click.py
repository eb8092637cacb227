"""A button click as Slack sends it: a signed ``block_actions`` interaction to the Request URL.

The payload is built from the button actually posted (its ``action_id``, ``block_id`` and
``value``) and the message that holds it (``container.message_ts`` is the ``ts`` the fake Slack
returned). The ``response_url`` points at the fake Slack, which replaces that message when a
handler answers with ``replace_original``. The body is ``payload=<form-encoded JSON>``, signed
with Slack's v0 scheme (reference/slack.md §1).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from examples.demo.http_client import Reply, request
from examples.demo.slack_view import Button

TEAM = {"id": "T0DEMO0001", "domain": "acme"}
APP_ID = "A0DEMOAPP1"


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str


def click_payload(button: Button, user: SlackUser, response_base: str) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` clicks ``button``."""
    message = {k: v for k, v in button.message.items() if k not in ("channel", "channelName", "history")}
    channel, ts = button.message["channel"], button.message["ts"]
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    if button.message.get("thread_ts"):
        container["thread_ts"] = button.message["thread_ts"]
    action = {
        "action_id": button.action_id,
        "block_id": button.block_id,
        "text": button.element.get("text"),
        "value": button.value,
        "type": "button",
        "action_ts": f"{time.time():.6f}",
    }
    if button.element.get("style"):
        action["style"] = button.element["style"]
    return {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": TEAM["id"]},
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "container": container,
        "trigger_id": f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}",
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": button.message.get("channelName", "")},
        "message": message,
        "state": {"values": {}},
        "response_url": f"{response_base}/actions/{channel}/{ts}/{secrets.token_urlsafe(12)}",
        "actions": [action],
    }


def form_body(payload: dict[str, Any]) -> bytes:
    """``payload=`` + the compact JSON, form-encoded exactly as Slack does."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


def signed_headers(signing_secret: str, body: bytes, now: Callable[[], float] = time.time) -> dict[str, str]:
    timestamp = str(int(now()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def post_interaction(request_url: str, body: bytes, headers: dict[str, str]) -> Reply:
    """POST to the app's Request URL (our ``/slack``), as Slack's servers would."""
    return request(
        "POST", request_url, body, {**headers, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
    )
