"""Go ``encoding/json`` as the EventListener speaks it: encoding, decoding and error messages.

The emulator must put the same bytes on the wire as the Go sink, so values are encoded the way
``json.Marshal`` does it: compact, map keys sorted, ``<`` ``>`` ``&`` U+2028 U+2029 escaped,
invalid UTF-8 replaced byte by byte with U+FFFD, floats in Go's shortest form (``2`` not ``2.0``,
exponent only below 1e-6 or from 1e21). Decoding follows Go's ``interface{}`` rules: every
number becomes a float64.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class Ordered(dict[str, Any]):
    """An object whose key order is kept when encoded (a ``json.RawMessage`` from YAML), where a
    plain ``dict`` is a Go map and gets sorted keys."""


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
    """``encoding/json``'s float64 text: shortest round-trip digits, 'f' or cleaned-up 'e' form."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {value!r}")
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
    cleaned = _SURROGATE.sub("\ufffd", value)
    return json.dumps(cleaned, ensure_ascii=False).translate(_HTML)


def dumps(value: Any) -> str:
    """Compact JSON as ``json.Marshal`` writes it. ``dict`` keys are sorted; :class:`Ordered` kept."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return go_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, Mapping):
        items = value.items() if isinstance(value, Ordered) else sorted(value.items())
        return "{" + ",".join(f"{go_string(str(k))}:{dumps(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    raise TypeError(f"json: unsupported type: {type(value).__name__}")


def loads_go(text: str) -> Any:
    """Decode like Go into ``interface{}``: numbers are float64. Raises :class:`GoJsonError`."""
    problem = decode_problem(text)
    if problem is not None:
        raise GoJsonError(problem)
    return json.loads(text, parse_int=float, parse_constant=_reject_constant)


def ordered_from_yaml(value: Any) -> Any:
    """Mark every mapping of a YAML value as :class:`Ordered` (its key order is the user's)."""
    if isinstance(value, Mapping):
        return Ordered((str(k), ordered_from_yaml(v)) for k, v in value.items())
    if isinstance(value, list):
        return [ordered_from_yaml(v) for v in value]
    return value


class GoJsonError(ValueError):
    """Carries Go's ``encoding/json`` error text (``invalid character 'p' looking for ...``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid constant {name}")


def decode_problem(text: str) -> str | None:
    """Go's syntax-error text for ``text`` as a JSON document, or ``None`` when it is valid JSON.

    Python's decoder finds the position; the message is rebuilt with Go's wording for the scanner
    state at that position, which covers the errors senders actually make (a form body, a
    truncated document, trailing data).
    """
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _go_syntax_message(text, exc)
    except ValueError:  # NaN / Infinity: Go's scanner stops at the first letter
        match = re.search(r"[NI-]", text)
        pos = match.start() if match else 0
        return f"invalid character {_quote_char(text[pos])} looking for beginning of value"
    return None


def _go_syntax_message(text: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    if exc.msg.startswith("Unterminated string") or pos >= len(text):
        return "unexpected end of JSON input"
    char = _quote_char(text[pos])
    if exc.msg == "Expecting value":
        literal = _literal_problem(text, pos)
        if literal:
            return literal
        if text[pos] == "-" or text[pos].isdigit():
            return f"invalid character {char} in numeric literal"
        return f"invalid character {char} looking for beginning of value"
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if exc.msg.startswith("Expecting ':'"):
        return f"invalid character {char} after object key"
    if exc.msg.startswith("Expecting ','"):
        where = "after object key:value pair" if _innermost(text, pos) == "{" else "after array element"
        return f"invalid character {char} {where}"
    if exc.msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    if exc.msg.startswith("Invalid \\escape"):
        return f"invalid character {_quote_char(text[pos + 1 : pos + 2] or ' ')} in string escape code"
    if exc.msg.startswith("Extra data"):
        return f"invalid character {char} after top-level value"
    return f"invalid character {char} looking for beginning of value"


def _literal_problem(text: str, pos: int) -> str:
    """Go stops a broken ``true``/``false``/``null`` at its first wrong letter."""
    for word in ("true", "false", "null"):
        if text[pos] == word[0]:
            for offset, expected in enumerate(word[1:], start=1):
                if pos + offset >= len(text):
                    return "unexpected end of JSON input"
                if text[pos + offset] != expected:
                    got = _quote_char(text[pos + offset])
                    return f"invalid character {got} in literal {word} (expecting '{expected}')"
    return ""


def _innermost(text: str, pos: int) -> str:
    """The innermost open bracket before ``pos``, skipping strings."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _quote_char(ch: str) -> str:
    """Go's ``quoteChar``: ``'p'``, ``'\\''``, ``'"'``, or a Go-quoted escape."""
    if ord(ch) > 0x7F:  # Go's scanner works on bytes: the first byte, read as Latin-1
        ch = chr(ch.encode("utf-8", "surrogatepass")[0])
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    if ch.isprintable():
        return f"'{ch}'"
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
    if ch in named:
        return f"'{named[ch]}'"
    return f"'\\x{ord(ch):02x}'" if ord(ch) < 0x80 else f"'\\u{ord(ch):04x}'"


def type_name(value: Any) -> str:
    """Go's name of a JSON value's kind in ``cannot unmarshal <kind> into ...`` errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
