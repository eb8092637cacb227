"""Outbound HTTP: one shared client session with timeouts, bounded retries and a host allowlist.

Everything the service sends (Slack Web API, ``response_url``, webhooks, the EventListener) goes
through :class:`OutboundClient`. Connection errors, timeouts, 5xx and 429 are retried with jittered
exponential backoff; a 429's ``Retry-After`` is honoured. Headers are never logged: they carry
bearer tokens and signatures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from interceptor.errors import OutboundError
from interceptor.settings import OutboundSettings

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    attempts: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any | None:
        """The body as JSON, or ``None`` when it is not JSON (Slack's ``response_url`` answers ``ok``)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class OutboundClient:
    """Create once per process (the app's ``cleanup_ctx`` or the CLI command), then ``close()``."""

    def __init__(
        self,
        settings: OutboundSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        max_retry_after: float = 30.0,
        base_backoff: float = 0.2,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._max_retry_after = max_retry_after
        self._base_backoff = base_backoff
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(
                total=self._settings.totalTimeoutSeconds, connect=self._settings.connectTimeoutSeconds
            )
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def check_allowed(self, url: str) -> None:
        """Raise :class:`OutboundError` unless ``url`` is http(s) and its host is allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundError(f"outbound URL {url[:200]!r} is not an absolute http(s) URL")
        allowed = self._settings.allowHosts
        if allowed is not None and parts.hostname not in allowed:
            raise OutboundError(f"host {parts.hostname} is not in outbound.allowHosts ({', '.join(allowed)})")

    async def post(
        self,
        url: str,
        body: bytes | str,
        headers: Mapping[str, str] | None = None,
        *,
        purpose: str = "request",
        retries: int | None = None,
        attempt_timeout: float | None = None,
    ) -> OutboundResponse:
        """POST ``body`` to ``url``, retrying transient failures; returns the last response.

        A non-2xx response that is not retryable (or still failing after the retries) is returned,
        not raised, so the caller can report Slack's or the listener's own error. Connection failures
        that outlast the retries raise :class:`OutboundError` naming the host and the cause.
        ``attempt_timeout`` overrides ``outbound.totalTimeoutSeconds`` for each attempt of this call.
        """
        self.check_allowed(url)
        data = body.encode() if isinstance(body, str) else body
        budget = self._settings.retries if retries is None else retries
        host = urlsplit(url).hostname
        per_call: dict[str, Any] = {}
        if attempt_timeout is not None:
            per_call["timeout"] = aiohttp.ClientTimeout(
                total=attempt_timeout, connect=self._settings.connectTimeoutSeconds
            )
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._client().post(
                    url, data=data, headers=dict(headers or {}), **per_call
                ) as resp:
                    response = OutboundResponse(resp.status, dict(resp.headers), await resp.read(), attempt)
            except (aiohttp.ClientError, TimeoutError) as exc:
                cause = _describe(exc)
                if attempt > budget:
                    raise OutboundError(
                        f"{purpose} to {host} failed after {attempt} attempts: {cause}"
                    ) from exc
                log.warning("outbound retry", extra={"purpose": purpose, "host": host, "cause": cause})
                await self._sleep(self._backoff(attempt))
                continue
            if response.status not in RETRYABLE_STATUS or attempt > budget:
                return response
            delay = self._retry_after(response) if response.status == 429 else self._backoff(attempt)
            log.warning("outbound retry", extra={"purpose": purpose, "host": host, "status": response.status})
            await self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        # Full jitter: spreads retries of many replicas instead of synchronising them.
        return random.uniform(0, self._base_backoff * 2 ** (attempt - 1))

    def _retry_after(self, response: OutboundResponse) -> float:
        try:
            seconds = float(response.headers.get("Retry-After", "1"))
        except ValueError:
            seconds = 1.0
        return min(max(seconds, 0.0), self._max_retry_after)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
