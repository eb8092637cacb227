"""A tag push as GitHub's webhook sends it: a JSON ``push`` event signed with the hook's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class TagPush:
    app: str
    tag: str
    clone_url: str
    pusher: str

    def body(self) -> bytes:
        """The fields the ``git-tag-push`` trigger reads, in GitHub's push event shape."""
        event = {
            "ref": f"refs/tags/{self.tag}",
            "before": "0" * 40,
            "after": hashlib.sha1(f"{self.clone_url}@{self.tag}".encode()).hexdigest(),  # noqa: S324
            "created": True,
            "deleted": False,
            "forced": False,
            "repository": {"name": self.app, "full_name": f"acme/{self.app}", "clone_url": self.clone_url},
            "pusher": {"name": self.pusher, "email": f"{self.pusher}@example.com"},
            "sender": {"login": self.pusher},
        }
        return json.dumps(event).encode()

    def headers(self, body: bytes, webhook_secret: str) -> dict[str, str]:
        """GitHub's headers: ``X-Hub-Signature-256`` is HMAC-SHA256 of the body with the hook secret."""
        signature = hmac.new(webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/demo",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": f"sha256={signature}",
        }
