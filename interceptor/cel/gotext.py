"""Go's text forms that Tekton's messages and outputs are made of.

``encoding/json`` marshalling (sorted keys, HTML escaping, Go's float format), its decode error
messages, and ``strconv.Quote``. Matching them keeps our interceptor's messages and outputs
byte-for-byte comparable with Tekton's where users (and their tests) see them.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

from interceptor.cel.values import format_go_float

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def marshal(value: Any, *, html_escape: bool = True) -> str:
    """Go's ``json.Marshal`` of a plain Python value: compact, map keys sorted, bytes as base64."""
    parts: list[str] = []
    _encode(value, parts, html_escape)
    return "".join(parts)


def _encode(value: Any, out: list[str], html_escape: bool) -> None:
    if value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"json: unsupported value: {format_go_float(value)}")
        out.append(format_go_float(value, "json"))
    elif isinstance(value, str):
        out.append(quote_json(value, html_escape))
    elif isinstance(value, bytes):
        out.append('"' + base64.b64encode(value).decode("ascii") + '"')
    elif isinstance(value, dict):
        out.append("{")
        for index, key in enumerate(sorted(value, key=str)):
            if index:
                out.append(",")
            out.append(quote_json(str(key), html_escape))
            out.append(":")
            _encode(value[key], out, html_escape)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out, html_escape)
        out.append("]")
    else:
        raise ValueError(f"json: unsupported type: {type(value).__name__}")


def quote_json(text: str, html_escape: bool = True) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    # Python leaves U+007F and U+2028/2029 alone like Go, but Go writes control characters other
    # than \n \r \t as \u00XX (Python does the same) and also escapes <, >, & when asked.
    if html_escape:
        for char, escape in _HTML_ESCAPES.items():
            quoted = quoted.replace(char, escape)
    else:
        quoted = quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return quoted.replace("\\b", "\\u0008").replace("\\f", "\\u000c")


def unmarshal_error(text: str, exc: json.JSONDecodeError | None = None) -> str:
    """The message Go's ``json.Unmarshal`` gives for ``text`` (which Python already rejected)."""
    if exc is None:
        try:
            json.loads(text)
        except json.JSONDecodeError as caught:
            exc = caught
        else:
            return "unexpected end of JSON input"
    pos = exc.pos
    if pos >= len(text) or not text[pos:].strip():
        return "unexpected end of JSON input"
    char = _go_char(text[pos])
    msg = exc.msg
    literal = _literal_error(text, pos)
    if literal:
        return literal
    if msg.startswith("Extra data"):
        return f"invalid character {char} after top-level value"
    if msg.startswith("Expecting ':'"):
        return f"invalid character {char} after object key"
    if msg.startswith("Expecting ',' delimiter"):
        inside = _innermost(text, pos)
        where = "object key:value pair" if inside == "{" else "array element"
        return f"invalid character {char} after {where}"
    if msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    if msg.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        return f"invalid character {char} in string escape code"
    return f"invalid character {char} looking for beginning of value"


def _literal_error(text: str, pos: int) -> str | None:
    """Go reports a broken ``true``/``false``/``null`` at the first wrong letter."""
    for word, name in (("true", "true"), ("false", "false"), ("null", "null")):
        if text[pos] == word[0]:
            for offset, expected in enumerate(word[1:], start=1):
                if pos + offset >= len(text):
                    return "unexpected end of JSON input"
                if text[pos + offset] != expected:
                    got = _go_char(text[pos + offset])
                    return f"invalid character {got} in literal {name} (expecting '{expected}')"
    return None


def type_mismatch(value: Any, target: str) -> str:
    """Go's ``json: cannot unmarshal <kind> into Go value of type <target>``."""
    return f"json: cannot unmarshal {json_kind(value)} into Go value of type {target}"


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _innermost(text: str, pos: int) -> str:
    depth: list[str] = []
    in_string = escaped = False
    for char in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth.append(char)
        elif char in "]}" and depth:
            depth.pop()
    return depth[-1] if depth else ""


def _go_char(char: str) -> str:
    """Go's ``quoteChar``: ``'p'``, ``'\\''``, ``'"'``, ``'\\n'``."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    inner = go_quote(char)[1:-1]
    return f"'{inner}'"


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: double quotes, backslash escapes, non-printable runes as ``\\x``/``\\u``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in _CONTROL_ESCAPES:
            out.append(_CONTROL_ESCAPES[char])
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_CONTROL_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}
