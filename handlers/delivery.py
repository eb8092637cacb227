"""Sending a handler's HTTP request, or printing it instead.

Three modes: *send* (through the shared :class:`OutboundClient`: timeouts, bounded retries,
``Retry-After``, allowHosts); *print* for Slack-bound requests when no Slack token is configured,
so ``make run`` works without a workspace; *dry-run*, which prints every request with secrets
masked and sends nothing. A reply counts as a failure when it is not 2xx or is JSON with
``"ok": false`` (Slack's way of failing with HTTP 200); Slack's error code is kept in the detail.
Header values are never logged: they carry the bot token and the trigger secret.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from handlers.result import FAILED, OK, Status
from interceptor.errors import OutboundError
from interceptor.outbound import OutboundClient
from interceptor.settings import Settings

log = logging.getLogger(__name__)
MASK = "***"
PRINTED = "printed (no Slack token configured)"


@dataclass(frozen=True)
class HttpRequest:
    url: str
    headers: dict[str, str]
    body: str
    slack: bool  # authenticated with the Slack token: printed instead of sent when there is none


@dataclass(frozen=True)
class Delivered:
    status: Status
    detail: str
    reply: Any = None  # the parsed JSON reply of a successful send, else None


def slack_token(settings: Settings) -> str | None:
    """The bot token: cicdstatemgr's ``secrets: cicdstatemgr.slack.token``, else ``slack.botToken``."""
    slack = settings.cicdstatemgrSecrets.get("slack")
    token = slack.get("token") if isinstance(slack, dict) else None
    return str(token) if token else settings.slack.botToken or None


def slack_delivery_mode(settings: Settings) -> str:
    """``"send"`` when a Slack token is configured, else ``"print"`` (Slack-bound messages are
    printed to stdout by the CLI and logged by the service instead of being sent)."""
    return "send" if slack_token(settings) else "print"


def describe_slack_delivery(settings: Settings) -> str:
    """One line for the service's startup log."""
    if slack_delivery_mode(settings) == "send":
        return "Slack messages are sent with the configured bot token"
    return (
        "no Slack token configured (secrets cicdstatemgr.slack.token or slack.botToken): "
        "Slack messages are printed, not sent"
    )


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret string, longest first, for masking printed requests."""
    found = set(_strings(settings.cicdstatemgrSecrets))
    for value in (settings.slack.botToken, settings.listener.secret, *settings.signing_secrets):
        if value:
            found.add(value)
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


class Delivery:
    def __init__(
        self,
        outbound: OutboundClient,
        *,
        token: str | None,
        secrets: Iterable[str],
        printer: Callable[[str], None],
        dry_run: bool = False,
    ) -> None:
        self._outbound = outbound
        self._token = token
        self._secrets = list(secrets)
        self._printer = printer
        self._dry_run = dry_run

    @property
    def token(self) -> str:
        return self._token or ""

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    async def send(self, request: HttpRequest, purpose: str) -> Delivered:
        if self._dry_run:
            self._printer(self._describe(request, headers=True))
            return Delivered(OK, f"dry-run: not sent to {_host(request.url)}")
        if request.slack and not self._token:
            self._printer(self._describe(request, headers=False))
            return Delivered(OK, PRINTED)
        try:
            response = await self._outbound.post(
                request.url, request.body.encode(), request.headers, purpose=purpose
            )
        except OutboundError as exc:
            return Delivered(FAILED, exc.message)
        reply = response.json()
        tries = f", {response.attempts} attempts" if response.attempts > 1 else ""
        if not response.ok:
            return Delivered(
                FAILED,
                f"{_host(request.url)} answered HTTP {response.status}{tries}: {_snippet(response.text)}",
            )
        if isinstance(reply, dict) and reply.get("ok") is False:
            extra = f" (needed: {reply['needed']})" if reply.get("needed") else ""
            return Delivered(FAILED, f"Slack answered ok:false, error {reply.get('error', '?')}{extra}")
        return Delivered(OK, f"sent to {_host(request.url)} (HTTP {response.status}{tries})", reply)

    def _describe(self, request: HttpRequest, *, headers: bool) -> str:
        lines = [f"POST {request.url}"]
        if headers:
            lines += [f"{name}: {self._mask_header(name, value)}" for name, value in request.headers.items()]
        lines += ["", self.mask(request.body)]
        return "\n".join(lines)

    def _mask_header(self, name: str, value: str) -> str:
        if name.lower() == "authorization":
            scheme, _, credential = value.partition(" ")
            return f"{scheme} {MASK}" if credential else MASK
        return self.mask(value)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def _host(url: str) -> str:
    return urlsplit(url).netloc or url[:80]


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text[:200] + ("..." if len(text) > 200 else "") if text else "(empty body)"


def json_error(payload: str) -> str | None:
    """``None`` when ``payload`` is valid JSON, else the error with its line and column."""
    try:
        json.loads(payload)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return None
