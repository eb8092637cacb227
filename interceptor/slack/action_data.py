"""Structured data carried in a button value, decoded for ``extensions.slack.action.data``.

Two conventions are understood:

* the value *is* JSON: ``{"trigger": "deploy", "targetAppTag": "1.2.0"}``;
* cicdstatemgr's ``<verb>-<cicdVersion>-<appName>|<base64(tojson(object))>``: the part after the
  **last** ``|`` is JSON, or base64 (standard or URL-safe, padding optional) of UTF-8 JSON.

Only JSON objects and arrays count as data: a plain value such as ``prod`` or ``42`` stays in
``action.value`` and ``data`` is ``None``, so a button value never changes type by accident.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

_URLSAFE = str.maketrans("-_", "+/")


def decode_action_data(value: str | None) -> Any:
    """The object or array encoded in ``value``, or ``None`` when it carries none."""
    if not value:
        return None
    data = _json_container(value)
    if data is None and "|" in value:
        tail = value.rsplit("|", 1)[1]
        data = _json_container(tail)
        if data is None:
            data = _json_container(_unbase64(tail))
    return data


def _json_container(text: str | None) -> Any:
    if not text:
        return None
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    return data if isinstance(data, dict | list) else None


def _unbase64(text: str) -> str | None:
    compact = text.strip().translate(_URLSAFE)
    if not compact:
        return None
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
