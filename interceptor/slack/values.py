"""What a user chose: the value(s) of a Block Kit element, a legacy action, or a modal's inputs.

A button has ``value``; selects have ``selected_option`` or ``selected_options``; pickers have
``selected_date``/``selected_user``/...; inputs in ``view.state.values`` use the same keys. All
values come back as strings, in the order Slack sent them; malformed entries are skipped rather
than raised (slack-payload-handler crashed on a non-string ``value``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SINGLE_KEYS = (
    "selected_date",
    "selected_time",
    "selected_date_time",
    "selected_user",
    "selected_channel",
    "selected_conversation",
)
_MULTI_KEYS = ("selected_users", "selected_channels", "selected_conversations")


def element_values(element: Mapping[str, Any]) -> list[str]:
    """Every value an action or input element carries, as strings."""
    value = element.get("value")
    if isinstance(value, str):
        return [value]
    option = element.get("selected_option")
    if isinstance(option, Mapping):
        return _option_values([option])
    options = element.get("selected_options")
    if isinstance(options, list):
        return _option_values(options)
    for key in _SINGLE_KEYS:
        single = element.get(key)
        if isinstance(single, str) or (isinstance(single, int) and not isinstance(single, bool)):
            return [str(single)]
    for key in _MULTI_KEYS:
        many = element.get(key)
        if isinstance(many, list):
            return [item for item in many if isinstance(item, str)]
    return []


def element_value(element: Mapping[str, Any]) -> str | list[str] | None:
    """One input's value: a string, a list for multi-selects, ``None`` when empty."""
    values = element_values(element)
    if "selected_options" in element or any(key in element for key in _MULTI_KEYS):
        return values
    return values[0] if values else None


def actions_values(actions: list[Any]) -> list[str]:
    """The values of every action in a payload's ``actions`` list, flattened in order."""
    values: list[str] = []
    for action in actions:
        if isinstance(action, Mapping):
            values.extend(element_values(action))
    return values


def view_state_values(view: Mapping[str, Any]) -> dict[str, str | list[str] | None]:
    """A modal's inputs flattened as ``{"<block_id>.<action_id>": value}``, in Slack's order."""
    state = view.get("state")
    blocks = state.get("values") if isinstance(state, Mapping) else None
    flat: dict[str, str | list[str] | None] = {}
    if not isinstance(blocks, Mapping):
        return flat
    for block_id, elements in blocks.items():
        if not isinstance(elements, Mapping):
            continue
        for action_id, element in elements.items():
            if isinstance(element, Mapping):
                flat[f"{block_id}.{action_id}"] = element_value(element)
    return flat


def _option_values(options: list[Any]) -> list[str]:
    return [
        option["value"]
        for option in options
        if isinstance(option, Mapping) and isinstance(option.get("value"), str)
    ]
