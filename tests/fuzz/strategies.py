"""Hypothesis strategies shared by the fuzz tests: JSON values, CEL-ish text, Slack payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from tests.fuzz.conftest import SIGNING_SECRET

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)
CEL_TOKENS = [
    "body",
    "header",
    "extensions",
    "requestURL",
    ".",
    "ref",
    "contextId",
    "actions",
    "[0]",
    "[",
    "]",
    "(",
    ")",
    "'x'",
    '"y"',
    "==",
    "!=",
    "&&",
    "||",
    "!",
    "?",
    ":",
    "+",
    "-",
    "*",
    "/",
    "%",
    "in",
    "size",
    "has(",
    "exists(",
    "all(",
    "map(",
    "filter(",
    "e",
    ",",
    "1",
    "0",
    "-1",
    "1.5",
    "true",
    "false",
    "null",
    "{",
    "}",
    "'k': 1",
    "match(",
    "split(",
    "'/'",
    "parseJSON()",
    "base64.decode(",
    "string(",
    "int(",
    "truncate(",
    "compareSecret(",
    "  ",
    "\\",
    "'",
    "\n",
    "9223372036854775807",
    "b'x'",
    "dyn(",
    "type(",
]
CEL_TEXT = st.lists(st.sampled_from(CEL_TOKENS), max_size=14).map("".join) | st.text(max_size=60)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "Content-Type",
            "X-Slack-Signature",
            "X-Slack-Request-Timestamp",
            "X-Interceptor-Signature",
            "X-Interceptor-Timestamp",
            "X-GitHub-Event",
        ]
    )
    | st.text(max_size=12),
    st.lists(st.text(max_size=40), max_size=3),
    max_size=5,
)
PARAM_NAMES = ["filter", "overlays", "contextId", "select", "required", "verify", "pipeline", "event", "x"]
PARAM_VALUES = (
    CEL_TEXT
    | JSON_VALUES
    | st.lists(st.fixed_dictionaries({"key": st.text(max_size=10), "expression": CEL_TEXT}), max_size=3)
)


def sign(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={mac}"}


def block_actions() -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U05LZ8P2KQ", "username": "maria.chen", "name": "maria.chen", "team_id": "T07QX2M4ND"},
        "api_app_id": "A06HW3K9T1Z",
        "team": {"id": "T07QX2M4ND", "domain": "northwind"},
        "channel": {"id": "C06B4N7R2PD", "name": "release-train"},
        "container": {"type": "message", "message_ts": "1767225541.004900", "channel_id": "C06B4N7R2PD"},
        "message": {"ts": "1767225541.004900", "text": "orders 2.7.0 is built"},
        "trigger_id": "8240057319846.7123456789012.3c1f0b9e8d7a6c5b4a3f2e1d0c9b8a7f",
        "response_url": "http://127.0.0.1:9/actions/T07QX2M4ND/1/abc",
        "actions": [
            {
                "action_id": "deploy_prod",
                "block_id": "promote",
                "type": "button",
                "value": "deploy|eyJ0YXJnZXRBcHBUYWciOiAiMi43LjAifQ==",
                "action_ts": "1767225599.812345",
            }
        ],
    }


def view_submission() -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T07QX2M4ND"},
        "user": {"id": "U05LZ8P2KQ", "name": "maria.chen"},
        "view": {
            "id": "V1",
            "callback_id": "rollback_reason",
            "private_metadata": "ctx-1",
            "state": {"values": {"reason": {"reason_text": {"type": "plain_text_input", "value": "why"}}}},
        },
    }


SLASH_COMMAND = {
    "token": "Lg4k",
    "team_id": "T07QX2M4ND",
    "channel_id": "C06B4N7R2PD",
    "user_id": "U05LZ8P2KQ",
    "user_name": "maria.chen",
    "command": "/cicd",
    "text": "deploy orders 2.7.0 prod",
    "response_url": "http://127.0.0.1:9/commands/1/abc",
    "trigger_id": "1.2.3",
}


@st.composite
def mutated_payload(draw: st.DrawFn) -> dict[str, Any]:
    """A real payload with a few values replaced, removed or added at random paths."""
    payload = draw(st.sampled_from([block_actions, view_submission]))()
    for _ in range(draw(st.integers(0, 4))):
        node: Any = payload
        while isinstance(node, dict) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict | list):
                break
            node = node[key]
            if isinstance(node, list):
                if not node:
                    break
                node = node[0]
        if not isinstance(node, dict):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        keys = sorted(node)
        if action == "add" or not keys:
            node[draw(st.text(max_size=10))] = draw(JSON_VALUES)
        elif action == "delete":
            del node[draw(st.sampled_from(keys))]
        else:
            node[draw(st.sampled_from(keys))] = draw(JSON_VALUES)
    if draw(st.booleans()):
        payload["type"] = draw(
            st.sampled_from(
                [
                    "block_actions",
                    "interactive_message",
                    "view_submission",
                    "shortcut",
                    "message_action",
                    "block_suggestion",
                    "url_verification",
                    "event_callback",
                    "view_closed",
                ]
            )
            | st.text(max_size=10)
        )
    return payload


@st.composite
def slack_bodies(draw: st.DrawFn) -> bytes:
    """A Slack-like raw body: payload form, slash-command form, Events API JSON, or mutated bytes."""
    kind = draw(st.sampled_from(["payload", "command", "json", "bytes"]))
    if kind == "payload":
        body = urlencode({"payload": json.dumps(draw(mutated_payload()))}).encode()
    elif kind == "command":
        fields = dict(SLASH_COMMAND)
        fields.update(
            draw(
                st.dictionaries(
                    st.sampled_from(sorted(fields)) | st.text(max_size=8), st.text(max_size=30), max_size=3
                )
            )
        )
        body = urlencode(fields).encode()
    elif kind == "json":
        body = json.dumps(draw(mutated_payload() | JSON_VALUES)).encode()
    else:
        base = urlencode({"payload": json.dumps(block_actions())}).encode()
        start = draw(st.integers(0, len(base)))
        end = draw(st.integers(start, min(len(base), start + 40)))
        body = base[:start] + draw(st.binary(max_size=20)) + base[end:]
    return body
