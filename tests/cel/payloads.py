"""Realistic event payloads (own data) and helpers that build EventListener-like requests."""

from __future__ import annotations

import json
from typing import Any

GITHUB_PUSH: dict[str, Any] = {
    "ref": "refs/heads/main",
    "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    "after": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73",
    "created": False,
    "deleted": False,
    "forced": False,
    "compare": "https://github.com/acme/shop/compare/6113728f27ae...28911bbb5a3e",
    "repository": {
        "id": 461234987,
        "name": "shop",
        "full_name": "acme/shop",
        "private": True,
        "owner": {"login": "acme", "id": 5551234, "type": "Organization"},
        "html_url": "https://github.com/acme/shop",
        "clone_url": "https://github.com/acme/shop.git",
        "default_branch": "main",
        "stargazers_count": 42,
        "topics": ["retail", "tekton"],
    },
    "pusher": {"name": "dana", "email": "dana@example.com"},
    "sender": {"login": "dana", "id": 9912, "type": "User"},
    "head_commit": {
        "id": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73",
        "message": "Fix checkout rounding <urgent> & release\n\nCloses #12",
        "timestamp": "2026-03-02T10:15:42+01:00",
        "author": {"name": "Dana Ivers", "email": "dana@example.com", "username": "dana"},
        "added": ["docs/rounding.md"],
        "modified": ["src/checkout.py", "src/cart.py"],
        "removed": [],
    },
    "commits": [
        {"id": "a1b2c3d4", "message": "WIP", "distinct": True, "modified": ["src/cart.py"]},
        {
            "id": "28911bbb",
            "message": "Fix checkout rounding",
            "distinct": True,
            "modified": ["src/checkout.py"],
        },
    ],
}

GITLAB_PUSH: dict[str, Any] = {
    "object_kind": "push",
    "event_name": "push",
    "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
    "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    "ref": "refs/heads/release/2.7",
    "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    "user_username": "jsmith",
    "project_id": 15,
    "project": {
        "id": 15,
        "name": "Orders",
        "path_with_namespace": "platform/orders",
        "web_url": "https://gitlab.example.com/platform/orders",
        "git_http_url": "https://gitlab.example.com/platform/orders.git",
        "default_branch": "main",
    },
    "commits": [
        {"id": "b6568db1", "message": "Bump version to 2.7.0", "author": {"name": "J Smith"}},
        {"id": "da156088", "message": "Release notes", "author": {"name": "J Smith"}},
    ],
    "total_commits_count": 2,
}

SLACK_FORWARDED: dict[str, Any] = {
    "slack": {
        "type": "block_actions",
        "user": {"id": "U024BE7LH", "name": "dana"},
        "channel": {"id": "C06B4N7R2PD", "name": "deploys"},
        "team": {"id": "T0AB12CD3"},
        "action": {
            "id": "approve",
            "blockId": "b1",
            "value": "deploy|eyJhcHAiOiJzaG9wIn0=",
            "data": {"app": "shop"},
        },
        "actionValues": ["deploy", "shop", "1.2.0"],
        "text": "deploy shop 1.2.0",
        "args": ["deploy", "shop", "1.2.0"],
    }
}

SLACK_FORM_BODY = "payload=%7B%22type%22%3A%22block_actions%22%7D"

GITHUB_HEADERS: dict[str, list[str]] = {
    "Accept": ["*/*"],
    "Content-Type": ["application/json"],
    "User-Agent": ["GitHub-Hookshot/5a1f2c3"],
    "X-Github-Delivery": ["72d3162e-cc78-11e3-81ab-4c9367dc0958"],
    "X-Github-Event": ["push"],
    "X-Hub-Signature-256": ["sha256=c26dd919ebe335852219c49f74c4b24f1c62c93c77294be3ac6d8f2e4691a023"],
}

GITLAB_HEADERS: dict[str, list[str]] = {
    "Content-Type": ["application/json"],
    "User-Agent": ["GitLab/16.9.1"],
    "X-Gitlab-Event": ["Push Hook"],
    "X-Gitlab-Token": ["gl-s3cr3t"],
    "X-Gitlab-Instance": ["https://gitlab.example.com"],
}

SLACK_HEADERS: dict[str, list[str]] = {
    "Content-Type": ["application/json"],
    "X-Interceptor-Timestamp": ["1767225600"],
    "X-Interceptor-Signature": ["v1=0f3c"],
}

PAYLOADS: dict[str, tuple[dict[str, Any], dict[str, list[str]]]] = {
    "github": (GITHUB_PUSH, GITHUB_HEADERS),
    "gitlab": (GITLAB_PUSH, GITLAB_HEADERS),
    "slack": (SLACK_FORWARDED, SLACK_HEADERS),
}


def go_json(value: Any) -> str:
    """Marshal like Go's encoding/json: compact, and <, >, & written as \\u003c \\u003e \\u0026."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def el_request(
    body: str,
    header: dict[str, list[str]],
    params: dict[str, Any],
    *,
    extensions: dict[str, Any] | None = None,
    context: dict[str, str] | bool | None = True,
) -> bytes:
    """An InterceptorRequest as the EventListener sends it (key order, omitempty, context)."""
    header = {**header, "Content-Length": [str(len(body.encode()))]} if body else dict(header)
    envelope: dict[str, Any] = {}
    if body:
        envelope["body"] = body
    envelope["header"] = dict(sorted(header.items()))
    if extensions:
        envelope["extensions"] = extensions
    if params:
        envelope["interceptor_params"] = params
    if context is True:
        envelope["context"] = {
            "event_url": "/hooks?source=ci",
            "event_id": "5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b",
            "trigger_id": "namespaces/ci/triggers/github-push",
        }
    else:
        envelope["context"] = context or None
    return go_json(envelope).encode()
