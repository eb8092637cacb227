"""The JSON body slack-payload-handler produced, so EventListeners written for it keep working.

* ``payload=<json>``: the decoded object plus ``action_values`` (each action's value, in order).
  Where the handler answered an empty body (no ``actions``: modals, shortcuts) we still answer
  the object, with ``action_values: []``; a ``view_submission``/``view_closed`` also gets
  ``values: {"<block_id>.<action_id>": value}`` flattened from ``view.state.values``.
* a slash command: every field mapped to its first value.
* any other form: ``{}``, as the handler did.

The web layer writes it as the handler's ``json.Encoder`` did: :func:`interceptor.gojson.marshal`
plus a trailing newline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type
from interceptor.slack.field_reader import parse_json
from interceptor.slack.values import actions_values, view_state_values

_VIEW_TYPES = ("view_submission", "view_closed")


def webhook_body(fields: Mapping[str, str]) -> dict[str, Any]:
    """The replacement body for a form's fields (first values)."""
    if "payload" in fields:
        return interactive_shape(fields["payload"])
    if "command" in fields:
        return dict(fields)
    return {}


def interactive_shape(payload_text: str) -> dict[str, Any]:
    payload = parse_json(payload_text, "payload")
    if not isinstance(payload, dict):
        raise InvalidInput(f"payload: expected a JSON object, got {describe_json_type(payload)}")
    shaped = dict(payload)
    actions = payload.get("actions")
    shaped["action_values"] = actions_values(actions) if isinstance(actions, list) else []
    view = payload.get("view")
    if payload.get("type") in _VIEW_TYPES and isinstance(view, Mapping):
        shaped["values"] = view_state_values(view)
    return shaped
