"""``POST /slack``: Slack's Request URL for interactivity, slash commands and the Events API.

Order of work, each step cheap so Slack gets its ack within 3 seconds:

1. read the raw body (``client_max_size`` answers 413 for oversize bodies);
2. ``ssl_check=1`` → empty 200 (Bolt answers it before verifying too);
3. verify the Slack signature on the raw bytes → 401 ``{"error": "<which check failed>"}``;
4. decode → 400 ``{"error": …}`` for malformed bodies or unknown payload types;
5. ``url_verification`` → the challenge; ``app_rate_limited`` → empty 200;
6. dedupe Slack retries (``event_id``) and double clicks through ``store.claim`` with a short
   timeout (a store outage is logged and the event processed: a lost ack is worse than a repeat);
7. hand the event to the :class:`Forwarder` (asynchronous, never awaited here) and ack.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from aiohttp import web

from interceptor.errors import InterceptorError, InvalidInput, Unauthenticated
from interceptor.services import Services
from interceptor.slack.event import SlackEvent
from interceptor.slack.form import parse_form
from interceptor.slack.forwarder import Forwarder
from interceptor.slack.payload import body_text, decode_body
from interceptor.slack.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_for_service
from interceptor.templating import TemplateError, render

log = logging.getLogger(__name__)

CLAIM_TIMEOUT_SECONDS = 0.5
EVENT_DEDUPE_SECONDS = 3600.0  # Slack retries a failed event for about 5 minutes; keep well beyond
CLICK_TYPES = ("block_actions", "interactive_message")
ACK_REPLY_TYPES = ("block_actions", "interactive_message", "message_action")


class SlackRequestUrl:
    def __init__(self, services: Services, forwarder: Forwarder) -> None:
        self._services = services
        self._forwarder = forwarder

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        if _is_ssl_check(raw):
            return web.Response(status=200)
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        try:
            verify_for_service(self._services, raw, timestamp, signature)
        except Unauthenticated as exc:
            log.warning("slack request refused", extra={"reason": exc.message})
            return web.json_response({"error": exc.message}, status=401)
        try:
            event = decode_body(body_text(raw), accept_forwarded=False)
        except InvalidInput as exc:
            log.warning("slack request not understood", extra={"reason": exc.message})
            return web.json_response({"error": exc.message}, status=400)
        if event.type == "url_verification":
            return web.json_response({"challenge": event.payload["challenge"]})
        if event.is_control:
            log.warning("slack notice", extra={"type": event.type, "team": event.team_id})
            return web.Response(status=200)
        retry = request.headers.get("X-Slack-Retry-Num")
        if retry:
            log.info(
                "slack retried a delivery",
                extra={
                    "retry": retry,
                    "why": request.headers.get("X-Slack-Retry-Reason", ""),
                    "id": event.event_id,
                },
            )
        if await self._is_duplicate(event):
            return web.Response(status=200, headers={"X-Slack-No-Retry": "1"})
        if event.type == "block_suggestion":
            # Options must come back in this very response; a pipeline cannot provide them.
            return web.json_response({"options": []})
        self._forwarder.submit(event)
        return self._ack(event)

    def _ack(self, event: SlackEvent) -> web.StreamResponse:
        text = self._ack_text(event)
        if text and event.type == "slash_command":
            return web.json_response({"response_type": "ephemeral", "text": text})
        if text and event.response_url and event.type in ACK_REPLY_TYPES:
            # Slack ignores the ack body of a click (and an interactive_message ack would replace
            # the original message), so the ack message goes through response_url instead.
            self._forwarder.reply(event.response_url, text)
        return web.Response(status=200)

    def _ack_text(self, event: SlackEvent) -> str | None:
        template = self._services.settings.slack.ackMessage
        if not template:
            return None
        extension = event.to_extension()
        try:
            text = render(template, {**extension, "slack": extension})
        except TemplateError as exc:
            log.error("slack.ackMessage failed to render; acking without it", extra={"reason": exc.message})
            return None
        return text.strip() or None

    async def _is_duplicate(self, event: SlackEvent) -> bool:
        key, ttl = _dedupe_key(event, self._services.settings.slack.dedupeWindowSeconds)
        if key is None:
            return False
        try:
            async with asyncio.timeout(CLAIM_TIMEOUT_SECONDS):
                first = await self._services.store.claim(key, ttl)
        except (InterceptorError, TimeoutError, OSError) as exc:
            log.warning("dedupe skipped: the store did not answer", extra={"reason": str(exc) or "timed out"})
            return False
        if not first:
            log.info("duplicate slack request ignored", extra={"type": event.type, "key": key})
        return not first


def _dedupe_key(event: SlackEvent, click_window: float) -> tuple[str | None, float]:
    """The claim key and TTL for ``event``, or ``None`` when it is never deduplicated."""
    if event.type == "event_callback" and event.event_id:
        return f"slack-event:{event.team_id or ''}:{event.event_id}", EVENT_DEDUPE_SECONDS
    if event.type in CLICK_TYPES and click_window > 0:
        # Same user, same button (id and value), same message: a double click, not a new decision.
        parts = (event.team_id, event.user_id, event.action.id, event.action.value, event.message_ts)
        digest = hashlib.sha256("\0".join(part or "" for part in parts).encode()).hexdigest()
        return f"slack-click:{digest}", click_window
    return None, 0.0


def _is_ssl_check(raw: bytes) -> bool:
    if b"ssl_check=1" not in raw or raw.startswith((b"payload=", b"{")):
        return False
    fields = parse_form(raw.decode("ascii", errors="replace"))
    return fields.get("ssl_check") == ["1"] and "command" not in fields
