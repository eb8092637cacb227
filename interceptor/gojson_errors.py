"""Go's ``encoding/json`` decoding as users see it: its error texts, word for word.

Tekton's status messages quote Go's errors (``failed to parse the body as JSON: invalid character
'p' looking for beginning of value``, ``json: cannot unmarshal array into Go value of type
map[string]interface {}``), and users match on them. Python's decoder finds where a document
breaks; the message is rebuilt with the words Go's scanner uses in that state. Go checks the whole
document's syntax before it looks at types, and so does :func:`loads`.

Also here: ``strconv.Quote`` (:func:`go_quote`), which Go's error texts use to show values.
"""

from __future__ import annotations

import json
import re
from typing import Any

from interceptor.json_types import json_type

_JSON_SPACE = " \t\r\n"
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.DOTALL)
_HEX = frozenset("0123456789abcdefABCDEF")
_GO_KINDS = {
    "null": "null",
    "boolean": "bool",
    "integer": "number",
    "float": "number",
    "string": "string",
    "array": "array",
}


class GoJsonError(ValueError):
    """Carries Go's ``encoding/json`` error text (``invalid character 'p' looking for ...``)."""


def loads(text: str, *, numbers_as_float: bool = False) -> Any:
    """Decode ``text`` as Go's ``json.Unmarshal`` accepts it (no NaN/Infinity); a syntax error
    raises :class:`GoJsonError` with Go's text. ``numbers_as_float``: every number becomes a float,
    as Go decodes into ``interface{}``."""
    try:
        return (_FLOAT_DECODER if numbers_as_float else _DECODER).decode(text)
    except json.JSONDecodeError as exc:
        raise GoJsonError(_syntax_error(text, exc)) from exc
    except _ConstantFound as exc:
        raise GoJsonError(_constant_error(text)) from exc


def decode_problem(text: str) -> str | None:
    """Go's syntax-error text for ``text`` as a JSON document, or ``None`` when it is valid JSON."""
    try:
        loads(text)
    except GoJsonError as exc:
        return str(exc)
    return None


def _syntax_error(text: str, exc: json.JSONDecodeError) -> str:
    """Go's wording for the syntax error Python's decoder reported as ``exc`` in ``text``."""
    pos = exc.pos
    if exc.msg.startswith("Unterminated string") or not text[pos:].strip(_JSON_SPACE):
        return "unexpected end of JSON input"
    char = quote_char(text[pos])
    if exc.msg == "Expecting value":
        if text[pos] == "-":
            return _at(text, pos + 1, "in numeric literal")
        return _literal_error(text, pos) or f"invalid character {char} looking for beginning of value"
    number = _number_error(text, pos)
    if number:
        return number
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if exc.msg.startswith("Expecting ':'"):
        return f"invalid character {char} after object key"
    if exc.msg.startswith("Expecting ','"):
        where = "object key:value pair" if _innermost(text, pos) == "{" else "array element"
        return f"invalid character {char} after {where}"
    if exc.msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    if exc.msg.startswith("Invalid \\escape"):  # ``pos`` is the backslash; Go names what follows
        return _at(text, pos + 1, "in string escape code")
    if exc.msg.startswith("Invalid \\u"):
        bad = next((i for i in range(pos + 2, pos + 6) if i >= len(text) or text[i] not in _HEX), pos + 2)
        return _at(text, bad, "in \\u hexadecimal character escape")
    if exc.msg.startswith("Extra data"):
        return f"invalid character {char} after top-level value"
    return f"invalid character {char} looking for beginning of value"


def json_kind(value: Any) -> str:
    """Go's name of a JSON value's kind, as in ``json: cannot unmarshal <kind> into ...``."""
    return _GO_KINDS.get(json_type(value) or "", "object")


def type_mismatch(value: Any, go_type: str) -> str:
    """``json: cannot unmarshal <kind> into Go value of type <go_type>``."""
    return f"json: cannot unmarshal {json_kind(value)} into Go value of type {go_type}"


def field_mismatch(value: Any, field: str, go_type: str) -> str:
    """``json: cannot unmarshal <kind> into Go struct field <Struct.field> of type <go_type>``."""
    return f"json: cannot unmarshal {json_kind(value)} into Go struct field {field} of type {go_type}"


class _ConstantFound(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _ConstantFound(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_FLOAT_DECODER = json.JSONDecoder(parse_int=float, parse_constant=_reject_constant)


def _constant_error(text: str) -> str:
    """Go's scanner has no NaN/Infinity: it stops at the first letter (after a ``-``)."""
    match = next((m for m in _CONSTANT.finditer(text) if m.group(1)), None)
    pos = match.start() if match else 0
    if text[pos : pos + 1] == "-":
        return _at(text, pos + 1, "in numeric literal")
    return _at(text, pos, "looking for beginning of value")


def _number_error(text: str, pos: int) -> str | None:
    """Python ends a number before a ``.`` or exponent it cannot complete (``1.x``, ``1e``) and
    complains about what follows; Go's scanner stops inside the number."""
    char = text[pos]
    if char not in ".eE" or not text[pos - 1 : pos].isdigit():
        return None
    start = pos
    while start and text[start - 1] in "0123456789.eE+-":
        start -= 1
    number = text[start:pos]
    if "e" in number or "E" in number or (char == "." and "." in number):
        return None  # the number was complete: Go ends it here too
    if char == ".":
        return _at(text, pos + 1, "after decimal point in numeric literal")
    return _at(
        text, pos + 2 if text[pos + 1 : pos + 2] in ("+", "-") else pos + 1, "in exponent of numeric literal"
    )


def _literal_error(text: str, pos: int) -> str | None:
    """Go stops a broken ``true``/``false``/``null`` at its first wrong letter."""
    for word in ("true", "false", "null"):
        if text[pos] == word[0]:
            for offset, expected in enumerate(word[1:], start=1):
                if text[pos + offset : pos + offset + 1] != expected:
                    return _at(text, pos + offset, f"in literal {word} (expecting '{expected}')")
    return None


def _at(text: str, pos: int, where: str) -> str:
    """``invalid character <text[pos]> <where>``, or the end of input when ``pos`` is past it."""
    if pos >= len(text):
        return "unexpected end of JSON input"
    return f"invalid character {quote_char(text[pos])} {where}"


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


def quote_char(ch: str) -> str:
    """Go's ``quoteChar``: ``'p'``, ``'\\''``, ``'"'``, or a Go-quoted escape. Go's scanner works
    on bytes, so a non-ASCII character shows as its first UTF-8 byte read as Latin-1 (``'Ã'``)."""
    if ord(ch) > 0x7F:
        ch = chr(ch.encode("utf-8", "surrogatepass")[0])
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return f"'{go_quote(ch)[1:-1]}'"


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: double quotes, backslash escapes, non-printable runes as ``\\x``/``\\u``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in BACKSLASH_ESCAPES:
            out.append(BACKSLASH_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


# The characters Go writes as backslash escapes by name (strconv.Quote; cel-go's strings.quote).
BACKSLASH_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
