"""Go's ``encoding/json`` output, byte for byte: what ``json.Marshal`` writes for a plain value.

Tekton (the EventListener, its ``cel`` interceptor's ``marshalJSON``) and slack-payload-handler
are Go programs; users compare their bytes with ours, and signatures cover them. So values are
written the way ``json.Marshal`` does it (Go 1.22 or later):

* compact, map keys sorted (a plain ``dict`` is a Go map); an :class:`Ordered` keeps its order
  (a ``json.RawMessage`` from YAML, or a struct's fields);
* ``<`` ``>`` ``&`` U+2028 U+2029 escaped as ``\\u003c`` …, other controls as ``\\n`` ``\\b``
  ``\\f`` ``\\u0001`` (Go 1.22 writes ``\\b``/``\\f`` as such), everything else as UTF-8; a lone
  surrogate (which no Go string can hold) becomes U+FFFD;
* floats in Go's shortest form (``2`` not ``2.0``; an exponent only below 1e-6 or from 1e21);
* ``bytes`` as base64 (Go's ``[]byte``).

Decoding and Go's error texts are in :mod:`interceptor.gojson_errors`.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class Ordered(dict[str, Any]):
    """An object whose key order is kept when encoded, where a plain ``dict`` gets sorted keys."""


def go_utf8(raw: bytes) -> str:
    """Decode bytes the way Go turns them into a JSON string: each invalid byte becomes U+FFFD.

    Python's ``errors="replace"`` folds a truncated sequence into one U+FFFD; Go does not.
    """
    parts: list[str] = []
    start = 0
    while True:
        try:
            parts.append(raw[start:].decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(raw[start : start + exc.start].decode("utf-8"))
            parts.append("\ufffd")
            start += exc.start + 1


def go_float(value: float) -> str:
    """``encoding/json``'s float64 text: shortest round-trip digits, 'f' or cleaned-up 'e' form.

    NaN and the infinities raise :class:`ValueError` with Go's ``json: unsupported value: NaN``.
    """
    if math.isnan(value) or math.isinf(value):
        shown = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        raise ValueError(f"json: unsupported value: {shown}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    shortest = Decimal(repr(value)).normalize()
    if 1e-6 <= abs(value) < 1e21:
        return format(shortest, "f")
    sign, digits, exponent = shortest.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    power = len(digits) - 1 + exponent
    return f"{'-' if sign else ''}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}".replace("e-0", "e-")


def go_string(value: str) -> str:
    """A JSON string literal exactly as Go writes it (HTML-safe escaping)."""
    return encode_basestring(_SURROGATE.sub("\ufffd", value)).translate(_HTML)


def marshal(value: Any) -> str:
    """Compact JSON as ``json.Marshal`` writes it; see the module docstring.

    Raises :class:`ValueError` for NaN/±Inf and :class:`TypeError` for a value JSON cannot hold,
    with Go's ``json: unsupported …`` text.
    """
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, str):
        out.append(go_string(value))
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(go_float(value))
    elif isinstance(value, Mapping):
        keys = list(value) if isinstance(value, Ordered) else sorted(value, key=str)
        out.append("{")
        for index, key in enumerate(keys):
            if index:
                out.append(",")
            out.append(go_string(str(key)))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, bytes):
        out.append('"' + base64.b64encode(value).decode("ascii") + '"')
    else:
        raise TypeError(f"json: unsupported type: {type(value).__name__}")


def ordered_from_yaml(value: Any) -> Any:
    """Mark every mapping of a YAML value as :class:`Ordered` (its key order is the user's)."""
    if isinstance(value, Mapping):
        return Ordered((str(k), ordered_from_yaml(v)) for k, v in value.items())
    if isinstance(value, list):
        return [ordered_from_yaml(v) for v in value]
    return value
