"""Tekton's interceptor wire format: InterceptorRequest in, InterceptorResponse out.

The EventListener marshals with Go's ``encoding/json``: ``header`` keys are Go-canonical and values
are lists, ``extensions`` and ``interceptor_params`` may be absent, and ``context`` may be null.
Headers are therefore looked up case-insensitively here, whatever casing the sender used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from interceptor.errors import Code, InvalidInput
from interceptor.json_types import describe_json_type


@dataclass(frozen=True)
class TriggerContext:
    event_url: str = ""
    event_id: str = ""
    trigger_id: str = ""

    @property
    def namespace(self) -> str:
        """The trigger's namespace, split from ``namespaces/<ns>/triggers/<name>`` as Tekton does."""
        parts = self.trigger_id.split("/")
        return parts[1] if len(parts) == 4 else ""


@dataclass(frozen=True)
class InterceptorRequest:
    body: str = ""
    header: dict[str, list[str]] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    context: TriggerContext | None = None

    def first_header(self, name: str) -> str:
        """The first value of header ``name`` (case-insensitive), or ``""`` when absent."""
        return header_lookup(self.header, name)


@dataclass(frozen=True)
class InterceptorResponse:
    """``continue`` and ``status`` are always emitted; ``code`` 0 and an empty message are omitted."""

    continue_: bool
    extensions: dict[str, Any] = field(default_factory=dict)
    code: Code = Code.OK
    message: str = ""

    @classmethod
    def proceed(cls, extensions: dict[str, Any] | None = None) -> InterceptorResponse:
        return cls(True, extensions or {})

    @classmethod
    def stop(cls, code: Code, message: str) -> InterceptorResponse:
        return cls(False, {}, code, message)

    def to_json(self) -> dict[str, Any]:
        status: dict[str, Any] = {}
        if self.code != Code.OK:
            status["code"] = int(self.code)
        if self.message:
            status["message"] = self.message
        out: dict[str, Any] = {}
        if self.extensions:
            out["extensions"] = self.extensions
        out["continue"] = self.continue_
        out["status"] = status
        return out


def parse_request(raw: bytes) -> InterceptorRequest:
    """Decode an InterceptorRequest, naming the field that is wrong. Raises :class:`InvalidInput`."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"failed to parse body as InterceptorRequest: {_json_error(exc)}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            f"failed to parse body as InterceptorRequest: expected a JSON object, got {describe_json_type(data)}"
        )
    body = data.get("body")
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise InvalidInput(
            f"InterceptorRequest.body: expected a string (the raw event body), got {describe_json_type(body)}"
        )
    return InterceptorRequest(
        body=body,
        header=_header(data.get("header")),
        extensions=_object(data.get("extensions"), "extensions"),
        params=_object(data.get("interceptor_params"), "interceptor_params"),
        context=_context(data.get("context")),
    )


def _header(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(
            f"InterceptorRequest.header: expected an object of string lists, got {describe_json_type(value)}"
        )
    header: dict[str, list[str]] = {}
    for key, values in value.items():
        if values is None:
            values = []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidInput(
                f"InterceptorRequest.header.{key}: expected a list of strings, got {describe_json_type(values)}"
            )
        header[key] = values
    return header


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"InterceptorRequest.{name}: expected an object, got {describe_json_type(value)}")
    return value


def _context(value: Any) -> TriggerContext | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput(
            f"InterceptorRequest.context: expected an object or null, got {describe_json_type(value)}"
        )
    fields = {}
    for name in ("event_url", "event_id", "trigger_id"):
        item = value.get(name, "")
        if item is None:
            item = ""
        if not isinstance(item, str):
            raise InvalidInput(
                f"InterceptorRequest.context.{name}: expected a string, got {describe_json_type(item)}"
            )
        fields[name] = item
    return TriggerContext(**fields)


def canonical_header_key(name: str) -> str:
    """Go's ``http.CanonicalHeaderKey``: ``x-github-event`` becomes ``X-Github-Event``."""
    if not name or any(c in name for c in " \t\r\n:") or not name.isascii():
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def header_lookup(header: Mapping[str, list[str]], name: str) -> str:
    """First value of ``name`` in a Tekton header map, case-insensitively; ``""`` when absent."""
    wanted = name.lower()
    for key, values in header.items():
        if key.lower() == wanted:
            return values[0] if values else ""
    return ""


def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})"
    return str(exc)
