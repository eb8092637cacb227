"""InterceptorRequest bytes as the Go EventListener marshals them, and its response decoding.

Encoding (``encoding/json`` of ``InterceptorRequest``): struct order ``body``, ``header``,
``extensions``, ``interceptor_params``, ``context``; the first four are ``omitempty``; ``context``
is always written; maps have sorted keys; param values keep the order the user wrote them in
(they are ``json.RawMessage``); HTML characters and U+2028/9 are escaped.

Decoding (Tekton §1.2): keys match case-insensitively, ``continue`` must be a bool (missing reads
``false``), ``status.code`` is ``null``, 0-16 or an upper-snake name, extension numbers become
float64. Any decode problem is a :class:`WireError`, which aborts the trigger like in Go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from interceptor.errors import Code
from interceptor.gojson import Ordered, go_string, marshal
from interceptor.gojson_errors import decode_problem, field_mismatch, type_mismatch


class WireError(Exception):
    """The response could not be used; the message is what the Go sink would log."""


@dataclass(frozen=True)
class RequestEnvelope:
    """The fields the sink fills in, before encoding."""

    body: str
    header: dict[str, list[str]]
    extensions: dict[str, Any]
    params: dict[str, Any]
    event_url: str
    event_id: str
    trigger_id: str


def encode_request(envelope: RequestEnvelope) -> bytes:
    """The exact bytes Go's ``json.Marshal(InterceptorRequest)`` writes."""
    parts: list[str] = []
    if envelope.body:
        parts.append(f'"body":{go_string(envelope.body)}')
    if envelope.header:
        parts.append(f'"header":{marshal(envelope.header)}')
    if envelope.extensions:
        parts.append(f'"extensions":{marshal(envelope.extensions)}')
    if envelope.params:
        # The map is sorted; each value is a RawMessage whose own key order is kept.
        params = ",".join(f"{go_string(k)}:{marshal(v)}" for k, v in sorted(envelope.params.items()))
        parts.append(f'"interceptor_params":{{{params}}}')
    context = Ordered()
    for key, value in (
        ("event_url", envelope.event_url),
        ("event_id", envelope.event_id),
        ("trigger_id", envelope.trigger_id),
    ):
        if value:
            context[key] = value
    parts.append(f'"context":{marshal(context)}')
    return ("{" + ",".join(parts) + "}").encode("utf-8")


@dataclass(frozen=True)
class DecodedResponse:
    continue_: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    code: int = 0
    message: str = ""

    @property
    def status_error(self) -> str:
        """Go's ``status.Err()`` text: ``rpc error: code = NotFound desc = <message>``."""
        return f"rpc error: code = {code_name(self.code)} desc = {self.message}"


_CODE_NAMES = {
    Code.OK: "OK",
    Code.CANCELLED: "Canceled",
    Code.UNKNOWN: "Unknown",
    Code.INVALID_ARGUMENT: "InvalidArgument",
    Code.DEADLINE_EXCEEDED: "DeadlineExceeded",
    Code.NOT_FOUND: "NotFound",
    Code.ALREADY_EXISTS: "AlreadyExists",
    Code.PERMISSION_DENIED: "PermissionDenied",
    Code.RESOURCE_EXHAUSTED: "ResourceExhausted",
    Code.FAILED_PRECONDITION: "FailedPrecondition",
    Code.ABORTED: "Aborted",
    Code.OUT_OF_RANGE: "OutOfRange",
    Code.UNIMPLEMENTED: "Unimplemented",
    Code.INTERNAL: "Internal",
    Code.UNAVAILABLE: "Unavailable",
    Code.DATA_LOSS: "DataLoss",
    Code.UNAUTHENTICATED: "Unauthenticated",
}
_JSON_CODE_NAMES = {code.name: int(code) for code in Code}
_JSON_CODE_NAMES["CANCELLED"] = int(Code.CANCELLED)


def code_name(code: int) -> str:
    """gRPC's ``codes.Code.String()``: ``NotFound``, ``Code(17)`` for unknown values."""
    try:
        return _CODE_NAMES[Code(code)]
    except ValueError:
        return f"Code({code})"


class _FloatLiteral(float):
    """A number written with a fraction or exponent (``3.0``), which Go's code decoder rejects."""


class _Pairs(dict[str, Any]):
    """A decoded object that remembers its key/value pairs in order (duplicates included)."""

    pairs: list[tuple[str, Any]]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs(pairs)
    obj.pairs = pairs
    return obj


def decode_response(status: int, raw: bytes) -> DecodedResponse:
    """Decode an interceptor's HTTP answer as the sink does. Raises :class:`WireError`."""
    text = raw.decode("utf-8", "replace")
    if status != 200:
        raise WireError(f"interceptor response was not 200: {text}")
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        raise WireError("EOF")
    try:  # json.Decoder.Decode reads one value and ignores what follows
        value, _ = json.JSONDecoder(
            object_pairs_hook=_pairs_hook,
            parse_int=float,
            parse_float=_FloatLiteral,
            parse_constant=_no_constant,
        ).raw_decode(stripped)
    except ValueError as exc:
        raise WireError(decode_problem(stripped) or str(exc)) from exc
    if value is None:
        return DecodedResponse()
    if not isinstance(value, _Pairs):
        raise WireError(type_mismatch(value, "v1beta1.InterceptorResponse"))
    result: dict[str, Any] = {"continue": False, "extensions": {}, "code": 0, "message": ""}
    for key, item in value.pairs:
        name = _field(key, ("extensions", "continue", "status"))
        if name == "continue":
            if item is not None:
                if not isinstance(item, bool):
                    raise WireError(_type_error("continue", item, "bool"))
                result["continue"] = item
        elif name == "extensions":
            if item is not None and not isinstance(item, dict):
                raise WireError(_type_error("extensions", item, "map[string]interface {}"))
            result["extensions"] = _plain(item) if item is not None else {}
        elif name == "status" and item is not None:
            if not isinstance(item, _Pairs):
                raise WireError(_type_error("status", item, "v1beta1.Status"))
            _status(item, result)
    return DecodedResponse(result["continue"], result["extensions"], result["code"], result["message"])


def _status(obj: _Pairs, result: dict[str, Any]) -> None:
    for key, item in obj.pairs:
        name = _field(key, ("code", "message"))
        if name == "code":
            result["code"] = _code(item)
        elif name == "message" and item is not None:
            if not isinstance(item, str):
                raise WireError(_type_error("status.message", item, "string"))
            result["message"] = item


def _code(item: Any) -> int:
    if item is None:
        return 0
    if isinstance(item, float) and not isinstance(item, _FloatLiteral) and item >= 0:
        if item < 17:
            return int(item)
        raise WireError(f"invalid code: {int(item)}")
    if isinstance(item, str) and item in _JSON_CODE_NAMES:
        return _JSON_CODE_NAMES[item]
    raw = repr(float(item)) if isinstance(item, _FloatLiteral) else marshal(item)
    raise WireError(f"invalid code: {json.dumps(raw)}")  # Go: %q of the raw JSON text


def _field(key: str, names: tuple[str, ...]) -> str:
    if key in names:
        return key
    folded = key.casefold()
    return next((n for n in names if n.casefold() == folded), "")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return float(value) if isinstance(value, float) else value


def _type_error(field_name: str, value: Any, go_type: str) -> str:
    return field_mismatch(value, f"InterceptorResponse.{field_name}", go_type)


def _no_constant(name: str) -> Any:
    raise ValueError(f"invalid constant {name}")
