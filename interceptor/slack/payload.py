"""Recognise and decode every Slack request body into a :class:`SlackEvent`.

Accepted bodies (the kind is told from the content, not from ``Content-Type``, because the
EventListener may have rewritten the body):

* a raw form: ``payload=<json>`` (interactivity), a slash command, or ``ssl_check=1``;
* the EventListener's converted form, JSON ``{"k": ["v", …]}`` (Tekton §2.2);
* an Events API envelope (``event_callback``, ``url_verification``, ``app_rate_limited``);
* ``{"slack": <extensions.slack>}`` as forwarded by our ``/slack``.

Malformed input raises :class:`InvalidInput` naming the field and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type
from interceptor.slack.event import (
    EVENTS_API_TYPES,
    INTERACTIVE_TYPES,
    SlackEvent,
)
from interceptor.slack.field_reader import FieldReader, parse_json
from interceptor.slack.form import first_values, parse_form, payload_field
from interceptor.slack.interactive import decode_interactive, decode_interactive_object


def decode_body(body: str, *, accept_forwarded: bool = True) -> SlackEvent:
    """Decode a request body of any accepted kind (``{"slack": …}`` only if ``accept_forwarded``)."""
    if body.lstrip()[:1] == "{":
        return decode_json_body(parse_json(body, "body"), accept_forwarded=accept_forwarded)
    payload = payload_field(body)
    if payload is not None:
        return decode_interactive(payload)
    return decode_fields(first_values(parse_form(body)))


def body_text(raw: bytes) -> str:
    """A raw request body as text; Slack sends UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"body is not UTF-8 text (invalid byte at offset {exc.start})") from exc


def is_converted_form(data: Any) -> bool:
    """True for the EventListener's ``{"k": ["v"]}`` rewrite of a form body (Tekton §2.2)."""
    return (
        isinstance(data, dict)
        and bool(data)
        and all(
            isinstance(values, list) and all(isinstance(v, str) for v in values) for values in data.values()
        )
    )


def decode_json_body(data: Any, *, accept_forwarded: bool = True) -> SlackEvent:
    if not isinstance(data, dict):
        raise InvalidInput(f"body: expected a JSON object, got {describe_json_type(data)}")
    if accept_forwarded and "slack" in data and "type" not in data:
        return SlackEvent.from_extension(data["slack"])
    if is_converted_form(data):
        return decode_fields(first_values(data))
    kind = data.get("type")
    if kind in INTERACTIVE_TYPES:
        return decode_interactive_object(data)
    if isinstance(kind, str):
        return decode_events_api(data)
    raise InvalidInput(
        "JSON body is not a Slack request: expected an Events API envelope with a 'type', the "
        'EventListener\'s converted form {"field": ["value"]}, or {"slack": {…}} forwarded by /slack'
    )


def decode_fields(fields: Mapping[str, str]) -> SlackEvent:
    """A form's fields (first values): interactivity, a slash command, or an ``ssl_check``."""
    if "payload" in fields:
        return decode_interactive(fields["payload"])
    if "command" in fields:
        return decode_slash_command(dict(fields))
    if fields.get("ssl_check") == "1":
        return SlackEvent(type="ssl_check", payload=dict(fields))
    names = ", ".join(sorted(fields)[:10]) or "none"
    raise InvalidInput(
        "form body has neither a 'payload' field (interactivity) nor a 'command' field "
        f"(slash command); fields: {names}"
    )


def decode_slash_command(fields: dict[str, str]) -> SlackEvent:
    text = fields.get("text", "")
    return SlackEvent(
        type="slash_command",
        payload=fields,
        user_id=fields.get("user_id"),
        user_name=fields.get("user_name"),
        channel_id=fields.get("channel_id"),
        channel_name=fields.get("channel_name"),
        team_id=fields.get("team_id"),
        response_url=fields.get("response_url"),
        trigger_id=fields.get("trigger_id"),
        command=fields.get("command"),
        text=text,
        args=text.split(),
    )


def decode_events_api(envelope: dict[str, Any]) -> SlackEvent:
    kind = envelope.get("type")
    top = FieldReader(envelope, "body")
    if kind == "url_verification":
        top.string("challenge", required=True)
        return SlackEvent(type="url_verification", payload=envelope)
    if kind == "app_rate_limited":
        return SlackEvent(type="app_rate_limited", payload=envelope, team_id=top.string("team_id"))
    if kind != "event_callback":
        supported = ", ".join((*EVENTS_API_TYPES, *INTERACTIVE_TYPES))
        raise InvalidInput(f"unsupported Slack request type {str(kind)[:60]!r} (supported: {supported})")
    event = top.child("event", required=True)
    channel = event.data.get("channel")
    if isinstance(channel, Mapping):  # channel_created and friends carry an object
        channel = channel.get("id")
    user = event.data.get("user")
    text = event.data.get("text")
    text = text if isinstance(text, str) else None
    return SlackEvent(
        type="event_callback",
        payload=envelope,
        user_id=user if isinstance(user, str) else None,
        channel_id=channel if isinstance(channel, str) else None,
        team_id=top.string("team_id"),
        text=text,
        args=text.split() if text else [],
        event_id=top.string("event_id"),
    )
