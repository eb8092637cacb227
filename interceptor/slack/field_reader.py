"""Typed reads from decoded Slack JSON; every error names the dotted path of the field.

Slack payloads are deep and loosely typed. Reading them through :class:`FieldReader` turns a
wrong type anywhere (``payload.actions[0].action_id`` is a number) into one :class:`InvalidInput`
that says where and what was expected, instead of a ``KeyError`` or a 500.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type


def parse_json(text: str, what: str) -> Any:
    """``text`` decoded as JSON; :class:`InvalidInput` "<what> is not JSON: <where it broke>" if not."""
    try:
        return json.loads(text)
    except ValueError as exc:
        detail = f"{exc.msg} at char {exc.pos}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise InvalidInput(f"{what} is not JSON: {detail}") from exc


class FieldReader:
    """Typed access to a decoded JSON object; errors name the dotted path of the field."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if isinstance(value, str):
            return value
        if value is None and not required:
            return None
        raise InvalidInput(f"{self.path}.{key}: expected a string, got {describe_json_type(value)}")

    def child(self, key: str, *, required: bool = False) -> FieldReader:
        value = self.data.get(key)
        if isinstance(value, Mapping):
            return FieldReader(value, f"{self.path}.{key}")
        if value is None and not required:
            return FieldReader({}, f"{self.path}.{key}")
        raise InvalidInput(f"{self.path}.{key}: expected an object, got {describe_json_type(value)}")

    def items(self, key: str) -> list[FieldReader]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidInput(f"{self.path}.{key}: expected a list, got {describe_json_type(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise InvalidInput(
                    f"{self.path}.{key}[{index}]: expected an object, got {describe_json_type(item)}"
                )
        return [FieldReader(item, f"{self.path}.{key}[{index}]") for index, item in enumerate(value)]
