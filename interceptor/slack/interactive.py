"""Decoders for Slack's interactive payloads (the JSON in a ``payload=`` form field).

One function per ``payload.type``; each fills the :class:`SlackEvent` fields the kind carries:

* ``block_actions``: ``actions[0]`` is the element used (also inside a ``message_attachment``
  container); ``action.id`` is its ``action_id``.
* ``interactive_message`` (legacy attachment buttons): ``action.id`` is the action's ``name``.
* ``view_submission``/``view_closed``: ``action.id`` is the view's ``callback_id`` and
  ``action.value``/``data`` its ``private_metadata``, so modals route like buttons;
  ``actionValues`` lists the inputs' values.
* ``shortcut``/``message_action``: ``action.id`` is the ``callback_id``.
* ``block_suggestion``: ``action`` is the external select, ``value`` the typed text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type
from interceptor.slack.action_data import decode_action_data
from interceptor.slack.event import INTERACTIVE_TYPES, SlackAction, SlackEvent
from interceptor.slack.field_reader import FieldReader, parse_json
from interceptor.slack.values import actions_values, element_values, view_state_values


def decode_interactive(text: str) -> SlackEvent:
    """The JSON of a ``payload=`` field."""
    return decode_interactive_object(parse_json(text, "payload"))


def decode_interactive_object(payload: Any) -> SlackEvent:
    if not isinstance(payload, dict):
        raise InvalidInput(f"payload: expected a JSON object, got {describe_json_type(payload)}")
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise InvalidInput(
            f"payload.type: expected a string naming the payload kind, got {describe_json_type(kind)}"
        )
    decoder = _INTERACTIVE_DECODERS.get(kind)
    if decoder is None:
        raise InvalidInput(
            f"unsupported Slack payload type {kind[:60]!r} (supported: {', '.join(INTERACTIVE_TYPES)})"
        )
    return decoder(FieldReader(payload, "payload"))


def _common(p: FieldReader, kind: str, **fields: Any) -> SlackEvent:
    """The fields every interactive payload shares: user, team, channel, response_url, trigger_id."""
    user = p.child("user")
    channel = p.child("channel")
    team_id = p.child("team").string("id") or user.string("team_id")
    defaults: dict[str, Any] = {
        "user_id": user.string("id"),
        "user_name": user.string("username") or user.string("name"),
        "channel_id": channel.string("id"),
        "channel_name": channel.string("name"),
        "team_id": team_id,
        "response_url": p.string("response_url"),
        "trigger_id": p.string("trigger_id"),
    }
    defaults.update(fields)
    return SlackEvent(type=kind, payload=dict(p.data), **defaults)


def _block_actions(p: FieldReader) -> SlackEvent:
    actions = p.items("actions")
    container = p.child("container")
    first = actions[0] if actions else FieldReader({}, "payload.actions[0]")
    values = element_values(first.data)
    value = values[0] if values else None
    event = _common(
        p,
        "block_actions",
        action=SlackAction(
            first.string("action_id"), first.string("block_id"), value, decode_action_data(value)
        ),
        action_values=actions_values([a.data for a in actions]),
        message_ts=container.string("message_ts") or p.child("message").string("ts"),
    )
    if event.channel_id is None:  # Slack omits `channel` for clicks in App Home and some containers
        return replace(event, channel_id=container.string("channel_id"))
    return event


def _interactive_message(p: FieldReader) -> SlackEvent:
    actions = p.items("actions")
    first = actions[0] if actions else FieldReader({}, "payload.actions[0]")
    values = element_values(first.data)
    value = values[0] if values else None
    return _common(
        p,
        "interactive_message",
        action=SlackAction(first.string("name"), None, value, decode_action_data(value)),
        action_values=actions_values([a.data for a in actions]),
        message_ts=p.string("message_ts"),
    )


def _view(p: FieldReader, kind: str) -> SlackEvent:
    view = p.child("view", required=True)
    metadata = view.string("private_metadata")
    response_urls = p.items("response_urls")
    state_values = view_state_values(view.data)
    flat: list[str] = []
    for value in state_values.values():
        if isinstance(value, list):
            flat.extend(value)
        elif value is not None:
            flat.append(value)
    return _common(
        p,
        kind,
        response_url=response_urls[0].string("response_url") if response_urls else None,
        action=SlackAction(view.string("callback_id"), None, metadata, decode_action_data(metadata)),
        action_values=flat,
    )


def _shortcut(p: FieldReader, kind: str) -> SlackEvent:
    message = p.child("message")
    text = message.string("text") if kind == "message_action" else None
    return _common(p, kind, action=SlackAction(id=p.string("callback_id")), text=text)


def _block_suggestion(p: FieldReader) -> SlackEvent:
    value = p.string("value")
    event = _common(
        p,
        "block_suggestion",
        action=SlackAction(p.string("action_id"), p.string("block_id"), value),
        action_values=[value] if value is not None else [],
    )
    if event.channel_id is None:
        return replace(event, channel_id=p.child("container").string("channel_id"))
    return event


_INTERACTIVE_DECODERS: dict[str, Callable[[FieldReader], SlackEvent]] = {
    "block_actions": _block_actions,
    "interactive_message": _interactive_message,
    "view_submission": lambda p: _view(p, "view_submission"),
    "view_closed": lambda p: _view(p, "view_closed"),
    "shortcut": lambda p: _shortcut(p, "shortcut"),
    "message_action": lambda p: _shortcut(p, "message_action"),
    "block_suggestion": _block_suggestion,
}
