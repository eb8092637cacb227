"""One decoded Slack request, whatever its kind, and its ``extensions.slack`` form (DESIGN §3).

Every key of the extension is always present so CEL expressions and TriggerBindings never meet a
missing key: absent strings are ``null``, ``user``/``channel``/``team``/``action`` are always
objects, ``actionValues`` and ``args`` are always lists. ``/slack`` forwards exactly this shape as
``{"slack": …}``, and :meth:`SlackEvent.from_extension` reads it back with every field checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type

INTERACTIVE_TYPES = (
    "block_actions",
    "interactive_message",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
)
EVENTS_API_TYPES = ("event_callback", "url_verification", "app_rate_limited")
# Requests that check or throttle the endpoint: answered by /slack, never a reason to run a pipeline.
CONTROL_TYPES = ("url_verification", "app_rate_limited", "ssl_check")
EVENT_TYPES = (*INTERACTIVE_TYPES, "slash_command", *EVENTS_API_TYPES, "ssl_check")


@dataclass(frozen=True)
class SlackAction:
    """What was clicked, chosen or submitted (for modals: the view's callback_id and metadata)."""

    id: str | None = None
    block_id: str | None = None
    value: str | None = None
    data: Any = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "blockId": self.block_id, "value": self.value, "data": self.data}


@dataclass(frozen=True)
class SlackEvent:
    type: str
    payload: dict[str, Any]
    user_id: str | None = None
    user_name: str | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    team_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    action: SlackAction = field(default_factory=SlackAction)
    action_values: list[str] = field(default_factory=list)
    command: str | None = None
    text: str | None = None
    args: list[str] = field(default_factory=list)
    # Not part of the extension: what /slack dedupes on.
    event_id: str | None = None
    message_ts: str | None = None

    @property
    def is_control(self) -> bool:
        """True for endpoint checks and notices (url_verification, ssl_check, app_rate_limited)."""
        return self.type in CONTROL_TYPES

    def to_extension(self) -> dict[str, Any]:
        """``extensions.slack`` exactly as DESIGN §3 shows it; every value typed JSON."""
        return {
            "type": self.type,
            "payload": self.payload,
            "user": {"id": self.user_id, "name": self.user_name},
            "channel": {"id": self.channel_id, "name": self.channel_name},
            "team": {"id": self.team_id},
            "responseUrl": self.response_url,
            "triggerId": self.trigger_id,
            "action": self.action.to_json(),
            "actionValues": list(self.action_values),
            "command": self.command,
            "text": self.text,
            "args": list(self.args),
        }

    @classmethod
    def from_extension(cls, ext: Any, where: str = "slack") -> SlackEvent:
        """Read back what :meth:`to_extension` produced; raises :class:`InvalidInput` naming the field."""
        if not isinstance(ext, Mapping):
            raise InvalidInput(f"{where}: expected an object, got {describe_json_type(ext)}")
        kind = ext.get("type")
        if not isinstance(kind, str) or kind not in EVENT_TYPES:
            raise InvalidInput(
                f"{where}.type: expected one of {', '.join(EVENT_TYPES)}, got {describe_json_type(kind)}"
            )
        payload = ext.get("payload")
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise InvalidInput(f"{where}.payload: expected an object, got {describe_json_type(payload)}")
        user = _object(ext, "user", where)
        channel = _object(ext, "channel", where)
        action = _object(ext, "action", where)
        return cls(
            type=kind,
            payload=payload,
            user_id=_string(user, "id", f"{where}.user"),
            user_name=_string(user, "name", f"{where}.user"),
            channel_id=_string(channel, "id", f"{where}.channel"),
            channel_name=_string(channel, "name", f"{where}.channel"),
            team_id=_string(_object(ext, "team", where), "id", f"{where}.team"),
            response_url=_string(ext, "responseUrl", where),
            trigger_id=_string(ext, "triggerId", where),
            action=SlackAction(
                id=_string(action, "id", f"{where}.action"),
                block_id=_string(action, "blockId", f"{where}.action"),
                value=_string(action, "value", f"{where}.action"),
                data=action.get("data"),
            ),
            action_values=_strings(ext, "actionValues", where),
            command=_string(ext, "command", where),
            text=_string(ext, "text", where),
            args=_strings(ext, "args", where),
        )


def _object(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where}.{key}: expected an object, got {describe_json_type(value)}")
    return value


def _string(parent: Mapping[str, Any], key: str, where: str) -> str | None:
    value = parent.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InvalidInput(f"{where}.{key}: expected a string or null, got {describe_json_type(value)}")


def _strings(parent: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where}.{key}: expected a list of strings, got {describe_json_type(value)}")
    return value
