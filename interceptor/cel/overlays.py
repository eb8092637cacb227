"""Turning overlay results into extension JSON, and placing them at sjson-style key paths."""

from __future__ import annotations

import base64
import functools
import math
import re
from typing import Any

from celpy import celtypes

from interceptor.cel.errors import CelError
from interceptor.cel.values import type_name
from interceptor.errors import Code

_REJECTED = {
    "uint": "uint",
    "null_type": "null_type",
    "google.protobuf.Timestamp": "google.protobuf.Timestamp",
    "google.protobuf.Duration": "google.protobuf.Duration",
    "type": "type",
}


def overlay_json(value: Any) -> Any:
    """Tekton's conversion of an overlay's CEL value to JSON; raises :class:`CelError` code 13.

    Bytes become standard padded base64; integral doubles become ints so they print as ``2``
    (Go's float format); null, uint, timestamp, duration and type values are rejected.
    """
    kind = type_name(value)
    if kind in _REJECTED or isinstance(value, type):
        raise _conversion_error(kind)
    if isinstance(value, celtypes.BoolType | bool):
        return bool(value)
    if isinstance(value, float):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise CelError(
                f"failed to convert overlay result to type: json: unsupported value: {number}",
                code=Code.INTERNAL,
            )
        return int(number) if number.is_integer() and abs(number) < 1e21 else number
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list):
        return [_element(item) for item in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value, key=str):
            if not isinstance(key, str):
                raise CelError(
                    f"failed to convert overlay result to type: unsupported map key type: {type_name(key)}",
                    code=Code.INTERNAL,
                )
            out[str(key)] = _element(value[key])
        return out
    raise _conversion_error(kind)


def _element(value: Any) -> Any:
    # Inside lists and maps a null is a valid JSON null (structpb.Value's NullValue).
    return None if value is None else overlay_json(value)


def _conversion_error(kind: str) -> CelError:
    return CelError(
        f"failed to convert overlay result to type: type conversion error from '{kind}' to '*structpb.Value'",
        code=Code.INTERNAL,
    )


_INDEX = re.compile(r"^(0|[1-9][0-9]*|-1)$")


def split_path(key: str) -> list[tuple[str, bool]]:
    """sjson's path components: ``a.b`` nests, ``\\.`` is a literal dot, a leading ``:`` forces an
    object key. Each component is ``(name, forced_key)``."""
    return list(_split_path(key))


@functools.lru_cache(maxsize=1024)
def _split_path(key: str) -> tuple[tuple[str, bool], ...]:
    # Every request of a trigger has the same overlay keys: split each once.
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    index = 0
    while index < len(key):
        char = key[index]
        if char == "\\" and index + 1 < len(key):
            current.append(key[index + 1])
            index += 2
            continue
        if char == ".":
            parts.append(_component("".join(current)))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append(_component("".join(current)))
    return tuple(parts)


def _component(text: str) -> tuple[str, bool]:
    if text.startswith(":"):
        return text[1:], True
    return text, False


def set_path(document: dict[str, Any], key: str, value: Any) -> None:
    """Place ``value`` at sjson path ``key`` inside ``document`` (later writes overwrite)."""
    if not key:
        raise CelError(
            f"failed to sjson for key '{key}' to '{value}': path cannot be empty", code=Code.INTERNAL
        )
    parts = _split_path(key)
    container: Any = document
    for position, (name, forced) in enumerate(parts):
        last = position == len(parts) - 1
        next_name, next_forced = parts[position + 1] if not last else ("", False)
        if isinstance(container, list):
            if not _INDEX.match(name) or forced:
                raise CelError(
                    f"failed to sjson for key '{key}' to '{value}': cannot set object key '{name}' in an array",
                    code=Code.INTERNAL,
                )
            slot = len(container) if name == "-1" else int(name)
            while len(container) <= slot:
                container.append(None)
            if last:
                container[slot] = value
                return
            if not isinstance(container[slot], dict | list):
                container[slot] = _new_parent(next_name, next_forced)
            container = container[slot]
            continue
        if last:
            container[name] = value
            return
        child = container.get(name)
        if not isinstance(child, dict | list):
            child = _new_parent(next_name, next_forced)
            container[name] = child
        container = child


def _new_parent(next_name: str, next_forced: bool) -> Any:
    """A numeric component under a new parent creates an array (padded with nulls), like sjson."""
    return [] if (not next_forced and _INDEX.match(next_name)) else {}
