"""``POST /webhooks/slack``: a Tekton ``webhook`` interceptor that replaces slack-payload-handler.

The EventListener POSTs the event's body and headers (Tekton §3); the JSON we answer replaces the
body for the rest of the chain and for the TriggerBindings (shape: ``legacy_webhook_shape``).
Any non-200 stops the chain, so a refusal is 401 (signature) or 400 (malformed body) with
``{"error": …}`` naming the problem; the EventListener logs that body.

Accepted bodies: the raw form (always, when this interceptor is first in the chain on Tekton
≥ v0.37, and for single-field ``payload=`` bodies on every version), the EventListener's
pre-parsed ``{"k": ["v"]}`` JSON, and Events API JSON. The Slack signature covers the raw
bytes, so a pre-parsed body cannot be verified: it is refused unless the URL says ``?verify=false``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from interceptor.errors import InvalidInput, Unauthenticated
from interceptor.gojson import marshal
from interceptor.json_types import describe_json_type
from interceptor.services import Services
from interceptor.slack.event import EVENTS_API_TYPES, INTERACTIVE_TYPES
from interceptor.slack.field_reader import parse_json
from interceptor.slack.form import first_values, parse_form, payload_field
from interceptor.slack.legacy_webhook_shape import interactive_shape, webhook_body
from interceptor.slack.payload import body_text, is_converted_form
from interceptor.slack.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_for_service

log = logging.getLogger(__name__)

PRE_PARSED_UNVERIFIABLE = (
    'the EventListener pre-parsed this form into JSON {"field": ["value"]}, so the raw bytes the '
    "Slack signature covers are gone: put this webhook first in the interceptor chain (Tekton "
    "v0.37+ then sends the raw body) or call /webhooks/slack?verify=false"
)


class SlackWebhook:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            verify = _verify_flag(request.query.get("verify"))
        except InvalidInput as exc:
            return _refuse(400, exc.message)
        if verify:
            # Authenticate before decoding anything the sender controls.
            try:
                if _is_pre_parsed(raw):
                    raise Unauthenticated(PRE_PARSED_UNVERIFIABLE)
                self._verify(raw, request)
            except Unauthenticated as exc:
                return _refuse(401, exc.message)
        try:
            body = _decode(body_text(raw))
        except InvalidInput as exc:
            return _refuse(400, exc.message)
        # slack-payload-handler wrote its answer with json.Encoder, which ends it with a newline.
        return web.Response(status=200, body=(marshal(body) + "\n").encode(), content_type="application/json")

    def _verify(self, raw: bytes, request: web.Request) -> None:
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        verify_for_service(self._services, raw, timestamp, signature)


def _decode(text: str) -> dict[str, Any]:
    """The replacement body for a raw form, a pre-parsed form or Slack JSON."""
    if not text.strip():
        raise InvalidInput("empty body: expected a Slack form (payload=… or a slash command) or Slack JSON")
    if text.lstrip()[:1] == "{":
        data = parse_json(text, "body")
        if is_converted_form(data):
            return webhook_body(first_values(data))
        if isinstance(data, dict) and data.get("type") in (*EVENTS_API_TYPES, *INTERACTIVE_TYPES):
            return data
        raise InvalidInput(
            'JSON body is neither the EventListener\'s pre-parsed form {"field": ["value"]} nor a '
            f"Slack JSON body with a known 'type' (got {describe_json_type(data)})"
        )
    payload = payload_field(text)
    if payload is not None:
        return interactive_shape(payload)
    return webhook_body(first_values(parse_form(text)))


def _is_pre_parsed(raw: bytes) -> bool:
    if raw.lstrip()[:1] != b"{":
        return False
    try:
        return is_converted_form(json.loads(raw))
    except ValueError:
        return False


def _verify_flag(value: str | None) -> bool:
    if value is None:
        return True
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise InvalidInput(f"query parameter verify: expected true or false, got {value[:40]!r}")
    return lowered == "true"


def _refuse(status: int, message: str) -> web.Response:
    log.warning("slack webhook refused", extra={"status": status, "reason": message})
    return web.json_response({"error": message}, status=status)
