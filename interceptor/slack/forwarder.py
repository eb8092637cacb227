"""Background work behind ``/slack``'s ack: forward events to the EventListener, post replies.

``/slack`` must answer Slack within 3 seconds whatever happens downstream, so it only calls
:meth:`Forwarder.submit` and returns. The forward is signed JSON ``{"slack": <extensions.slack>}``
(DESIGN §2 hop signature, signed once per event: the retries of one forward re-send the same signed
bytes, and each is a new delivery to the EventListener, so at most one of them creates runs),
POSTed with retries and backoff. When it finally fails, or
``listener.url`` is not set, the user is told through ``response_url`` and the failure is logged:
nothing is dropped silently. Every task is tracked; :meth:`close` drains them on shutdown and
cancels (and logs) whatever outlives the grace period.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any

from interceptor import hop_signature
from interceptor.errors import OutboundError
from interceptor.services import Services
from interceptor.slack.event import SlackEvent

log = logging.getLogger(__name__)

_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class Forwarder:
    """One per app: created and closed by the app factory's ``cleanup_ctx``."""

    def __init__(self, services: Services, *, drain_seconds: float = 10.0) -> None:
        self._services = services
        self._drain_seconds = drain_seconds
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def pending(self) -> int:
        """How many forwards and replies are still running."""
        return len(self._tasks)

    def submit(self, event: SlackEvent) -> None:
        """Forward ``event`` to ``listener.url`` in the background; never blocks, never raises."""
        self._spawn(self._forward(event), f"forward slack {event.type}")

    def reply(self, response_url: str, text: str) -> None:
        """Post an ephemeral ``text`` to ``response_url`` in the background (the optional ack message)."""
        message = {"response_type": "ephemeral", "replace_original": False, "text": text}
        self._spawn(self._post_response_url(response_url, message, "ack message"), "slack ack message")

    async def wait_idle(self) -> None:
        """Wait until every task submitted so far (and any they started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Stop accepting work, wait up to ``drain_seconds`` for running tasks, cancel the rest."""
        self._closed = True
        if not self._tasks:
            return
        _, late = await asyncio.wait(list(self._tasks), timeout=self._drain_seconds)
        for task in late:
            log.error("slack forward cancelled at shutdown", extra={"task": task.get_name()})
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        if self._closed:
            work.close()
            log.error("slack forward refused: the service is shutting down", extra={"task": name})
            return
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The one place a background failure could vanish: log it with its traceback.
            log.error(
                "slack background task failed", exc_info=task.exception(), extra={"task": task.get_name()}
            )

    async def _forward(self, event: SlackEvent) -> None:
        listener = self._services.settings.listener
        if not listener.url:
            await self._undelivered(event, "listener.url is not configured")
            return
        body = json.dumps({"slack": event.to_extension()}, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"}
        if listener.secret:
            headers.update(hop_signature.sign(listener.secret, body, self._services.clock()))
        else:
            log.warning("forwarding a Slack event unsigned: listener.secret is not configured")
        # listener.timeoutSeconds bounds each attempt; this bounds the whole retry sequence.
        deadline = listener.timeoutSeconds * (listener.retries + 1) + 1.0
        try:
            async with asyncio.timeout(deadline):
                response = await self._services.outbound.post(
                    listener.url,
                    body,
                    headers,
                    purpose="forward to the EventListener",
                    retries=listener.retries,
                    attempt_timeout=listener.timeoutSeconds,
                )
        except OutboundError as exc:
            await self._undelivered(event, exc.message)
            return
        except TimeoutError:
            await self._undelivered(event, f"the EventListener did not answer within {deadline:g} s")
            return
        if not response.ok:
            detail = response.text.strip()[:200]
            reason = f"the EventListener answered HTTP {response.status}" + (f": {detail}" if detail else "")
            if response.attempts > 1:
                reason += f" (after {response.attempts} attempts)"
            await self._undelivered(event, reason)
            return
        log.info(
            "slack event forwarded",
            extra={"type": event.type, "status": response.status, "attempts": response.attempts},
        )

    async def _undelivered(self, event: SlackEvent, reason: str) -> None:
        log.error(
            "slack event not delivered to the pipeline",
            extra={"type": event.type, "user": event.user_id, "action": event.action.id, "reason": reason},
        )
        if not event.response_url:
            log.error(
                "no response_url to tell the user about the undelivered event", extra={"type": event.type}
            )
            return
        text = f":warning: {describe(event)} could not be delivered to the pipeline: {reason.translate(_SLACK_ESCAPES)}"
        message = {"response_type": "ephemeral", "replace_original": False, "text": text}
        await self._post_response_url(event.response_url, message, "delivery failure notice")

    async def _post_response_url(self, url: str, message: dict[str, Any], what: str) -> None:
        body = json.dumps(message)
        try:
            # One retry at most: a response_url allows only 5 uses, so do not burn them.
            response = await self._services.outbound.post(
                url, body, {"Content-Type": "application/json"}, purpose="response_url", retries=1
            )
        except OutboundError as exc:
            log.error("could not post to response_url", extra={"what": what, "reason": exc.message})
            return
        reply = response.json()
        if not response.ok or (isinstance(reply, dict) and reply.get("ok") is False):
            log.error(
                "response_url refused the message",
                extra={"what": what, "status": response.status, "body": response.text[:200]},
            )


def describe(event: SlackEvent) -> str:
    """How the user's request is named in the failure notice."""
    if event.type == "slash_command":
        return f"`{' '.join(filter(None, (event.command, event.text)))}`"
    if event.type in ("block_actions", "interactive_message") and event.action.id:
        return f"Your click on `{event.action.id}`"
    return f"Your {event.type.replace('_', ' ')}"
