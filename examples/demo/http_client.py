"""Small blocking HTTP helpers over urllib: the demo talks to loopback servers only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from examples.demo.errors import DemoError

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise DemoError(f"expected a JSON reply, got HTTP {self.status}: {self.text[:200]}") from exc


def request(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Reply:
    """Send one request; any HTTP status is a reply (only a connection failure raises)."""
    prepared = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310 - loopback
            return Reply(
                response.status, dict(response.headers.items()), response.read().decode("utf-8", "replace")
            )
    except urllib.error.HTTPError as error:
        try:
            return Reply(error.code, dict(error.headers.items()), error.read().decode("utf-8", "replace"))
        finally:
            error.close()
    except (urllib.error.URLError, OSError) as exc:
        raise DemoError(f"{method} {url} failed: {getattr(exc, 'reason', exc)}") from exc


def get_json(url: str, timeout: float = TIMEOUT_SECONDS) -> Any:
    reply = request("GET", url, timeout=timeout)
    if reply.status != 200:
        raise DemoError(f"GET {url} answered HTTP {reply.status}: {reply.text[:200]}")
    return reply.json()
