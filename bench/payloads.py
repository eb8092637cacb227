"""Realistic request bodies for the benchmark: signed Slack forms, InterceptorRequests, CEL inputs.

Everything is invented data in the shapes of Slack's and GitHub's real payloads (see
/work/shared/reference/slack.md §3.1 and cicdstatemgr.md §10.5), sized like production traffic.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "3f9a6c1d2b8e4f7a0c5d9e1b2a4f6c8d"
LISTENER_SECRET = "bench-listener-secret"


def button_value(verb: str, context_id: str) -> str:
    """cicdstatemgr's ``<verb>-<cicdVersion>-<app>|base64(tojson(obj))`` button value (~500 chars)."""
    obj = {
        "cicdContextDataId": context_id,
        "cicdContextName": "dev",
        "cicdVersion": "v1",
        "gitCloneUrl": "https://git.example.org/shop/orders.git",
        "relatedCicdContextDataId": context_id,
        "relatedPipelineName": "build",
        "relatedPipelineRunUid": "build-dev-orders-k8x2p",
        "targetAppName": "orders",
        "targetAppTag": "2.7.0",
        "trigger": verb,
    }
    encoded = base64.b64encode(json.dumps(obj, sort_keys=True).encode()).decode()
    return f"{verb}-v1-orders|{encoded}"


DEFAULT_RESPONSE_URL = "https://hooks.slack.com/actions/T07QX2M4ND/8240057319801/Qm9WcH2kZtR8yN3vL6xJ1aPd"


def block_actions_payload(
    unique: int,
    context_id: str = "orders-2.7.0-v1-dev-9f2c1e7",
    response_url: str = DEFAULT_RESPONSE_URL,
) -> dict[str, Any]:
    """A block_actions click on a manual-choice message with two buttons (Tekton example style)."""
    buttons = [
        {
            "type": "button",
            "action_id": f"act{i}",
            "block_id": "choices",
            "text": {"type": "plain_text", "text": text, "emoji": True},
            "value": button_value(verb, context_id),
        }
        for i, (verb, text) in enumerate([("deploy", "Apply 2.7.0 to: apps-dev"), ("test", "test")])
    ]
    return {
        "type": "block_actions",
        "user": {"id": "U05LZ8P2KQ", "username": "maria.chen", "name": "maria.chen", "team_id": "T07QX2M4ND"},
        "api_app_id": "A06HW3K9T1Z",
        "token": "Lg4kQm2VwX9pZr7TnB3cYd8s",
        "container": {
            "type": "message",
            "message_ts": f"1767225541.{unique % 1000000:06d}",
            "channel_id": "C06B4N7R2PD",
            "is_ephemeral": False,
            "thread_ts": "1767221002.000200",
        },
        "trigger_id": f"8240057319846.7123456789012.{unique:032x}",
        "team": {"id": "T07QX2M4ND", "domain": "northwind"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": "C06B4N7R2PD", "name": "release-train"},
        "message": {
            "bot_id": "B06HW3KA7Q2",
            "type": "message",
            "text": "orders 2.7.0 is built",
            "user": "U06HW3KBOT",
            "ts": f"1767225541.{unique % 1000000:06d}",
            "team": "T07QX2M4ND",
            "blocks": [
                {
                    "type": "section",
                    "block_id": "hdr",
                    "text": {"type": "mrkdwn", "text": "*orders:2.7.0* is built: pick the next step"},
                },
                {"type": "actions", "block_id": "choices", "elements": buttons},
            ],
            "thread_ts": "1767221002.000200",
        },
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{**buttons[0], "style": "primary", "action_ts": f"1767225599.{unique % 1000000:06d}"}],
    }


def slack_form(
    unique: int, timestamp: int, secret: str = SIGNING_SECRET, response_url: str = DEFAULT_RESPONSE_URL
) -> tuple[bytes, dict[str, str]]:
    """A signed ``payload=…`` form body as Slack sends it, and its headers. ``unique`` varies the
    message timestamp, so /slack's double-click dedupe treats each body as a new decision."""
    payload = block_actions_payload(unique, response_url=response_url)
    body = urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()
    return body, slack_headers(body, timestamp, secret)


def slack_headers(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature,
    }


def interceptor_request(
    body: str, header: dict[str, list[str]] | None = None, params: dict[str, Any] | None = None
) -> bytes:
    """A Tekton InterceptorRequest as the EventListener marshals it."""
    return json.dumps(
        {
            "body": body,
            "header": header or {"Content-Type": ["application/json"]},
            "extensions": {},
            "interceptor_params": params or {},
            "context": {
                "event_url": "http://el-cicd.tekton-pipelines.svc:8080",
                "event_id": "0f2b1c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
                "trigger_id": "namespaces/tekton-pipelines/triggers/slack-deploy",
            },
        }
    ).encode()


def slack_interceptor_request(timestamp: int) -> bytes:
    """What /interceptors/slack receives in the legacy topology: the raw signed form, byte-exact."""
    body, headers = slack_form(1, timestamp)
    header = {
        "Content-Type": ["application/x-www-form-urlencoded"],
        "X-Slack-Request-Timestamp": [headers["X-Slack-Request-Timestamp"]],
        "X-Slack-Signature": [headers["X-Slack-Signature"]],
        "User-Agent": ["Slackbot 1.0 (+https://api.slack.com/robots)"],
    }
    return interceptor_request(body.decode(), header, {"verify": True})


def context_interceptor_request(context_id: str) -> bytes:
    return interceptor_request(json.dumps({"contextId": context_id}), params={"contextId": "body.contextId"})


def push_event(size: int) -> dict[str, Any]:
    """A GitHub tag-push event padded with commits to about ``size`` bytes of JSON."""
    event: dict[str, Any] = {
        "ref": "refs/tags/2.7.0",
        "before": "0" * 40,
        "after": "9f2c1e7" + "a" * 33,
        "repository": {
            "id": 123456789,
            "name": "orders",
            "full_name": "shop/orders",
            "clone_url": "https://git.example.org/shop/orders.git",
            "default_branch": "main",
        },
        "pusher": {"name": "maria.chen", "email": "maria.chen@example.org"},
        "sender": {"login": "maria-chen", "id": 5551212},
        "head_commit": {
            "id": "9f2c1e7" + "a" * 33,
            "message": "Release 2.7.0 [deploy]",
            "timestamp": "2026-01-01T00:00:00Z",
            "author": {"name": "Maria Chen", "email": "maria.chen@example.org"},
        },
        "button": button_value("deploy", "orders-2.7.0-v1-dev-9f2c1e7"),
        "commits": [],
    }
    index = 0
    while len(json.dumps(event)) < size:
        event["commits"].append(
            {
                "id": f"{index:040x}",
                "message": f"Change number {index}: tidy the order service",
                "timestamp": "2026-01-01T00:00:00Z",
                "author": {"name": "Maria Chen", "email": "maria.chen@example.org"},
                "added": [],
                "removed": [],
                "modified": [f"src/orders/module_{index}.py"],
            }
        )
        index += 1
    return event


PUSH_HEADERS = {"Content-Type": ["application/json"], "X-Github-Event": ["push"]}

# Tekton's example start-interceptor: one filter and four overlays (cicdstatemgr.md §10.2).
CEL_FILTER = "header.match('X-GitHub-Event', 'push') && body.ref.startsWith('refs/tags/')"
CEL_OVERLAYS = [
    {"key": "gitAppName", "expression": "body.repository.name"},
    {"key": "appTag", "expression": "body.ref.split('/')[2]"},
    {"key": "commitMsg", "expression": "body.head_commit.message"},
    {"key": "commitId", "expression": "body.head_commit.id"},
]
# Three typical single expressions: a header/prefix filter, a list macro, a button-value decode.
CEL_TYPICAL = {
    "filter": CEL_FILTER,
    "exists": "body.commits.exists(c, c.message.contains('[deploy]')) || body.head_commit.message.contains('[deploy]')",
    "decode": "string(base64.decode(body.button.split('|')[1])).parseJSON().targetAppTag == '2.7.0'",
}


def cel_request(size: int, params: dict[str, Any]) -> bytes:
    return interceptor_request(json.dumps(push_event(size)), PUSH_HEADERS, params)
