"""cel-go's ``ext.Strings`` and ``ext.Encoders`` libraries. Indexes count Unicode code points."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from celpy import celtypes

from interceptor.cel.library import CelRuntimeError, Function, NoSuchOverload
from interceptor.cel.values import is_int
from interceptor.gojson_errors import BACKSLASH_ESCAPES


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise NoSuchOverload
    return str(value)


def _int(value: Any) -> int:
    if not is_int(value):
        raise NoSuchOverload
    return int(value)


def char_at(text: Any, index: Any) -> Any:
    source, position = _text(text), _int(index)
    if position < 0 or position > len(source):
        raise CelRuntimeError(f"index out of range: {position}")
    return celtypes.StringType(source[position : position + 1])


def index_of(text: Any, sub: Any, offset: Any = None) -> Any:
    source, needle = _text(text), _text(sub)
    start = 0 if offset is None else _int(offset)
    if start < 0 or start > len(source):
        raise CelRuntimeError(f"index out of range: {start}")
    return celtypes.IntType(source.find(needle, start))


def last_index_of(text: Any, sub: Any, offset: Any = None) -> Any:
    source, needle = _text(text), _text(sub)
    end = len(source) if offset is None else _int(offset)
    if end < 0 or end > len(source):
        raise CelRuntimeError(f"index out of range: {end}")
    # The match may start at ``end`` at the latest.
    return celtypes.IntType(source.rfind(needle, 0, end + len(needle)))


def lower_ascii(text: Any) -> Any:
    return celtypes.StringType("".join(c.lower() if c.isascii() else c for c in _text(text)))


def upper_ascii(text: Any) -> Any:
    return celtypes.StringType("".join(c.upper() if c.isascii() else c for c in _text(text)))


def replace(text: Any, old: Any, new: Any, count: Any = None) -> Any:
    limit = -1 if count is None else _int(count)
    source, before, after = _text(text), _text(old), _text(new)
    if limit < 0:
        return celtypes.StringType(source.replace(before, after))
    return celtypes.StringType(source.replace(before, after, limit))


def split(text: Any, separator: Any, count: Any = None) -> Any:
    """Go's ``strings.SplitN``: n == 0 gives [], n < 0 all parts, "" splits into characters."""
    source, sep = _text(text), _text(separator)
    limit = -1 if count is None else _int(count)
    if limit == 0:
        return celtypes.ListType()
    if sep == "":
        parts = list(source)
        if 0 < limit < len(parts):
            parts = [*parts[: limit - 1], "".join(parts[limit - 1 :])]
    else:
        parts = source.split(sep) if limit < 0 else source.split(sep, limit - 1)
    return celtypes.ListType([celtypes.StringType(part) for part in parts])


def substring(text: Any, start: Any, end: Any = None) -> Any:
    source = _text(text)
    begin = _int(start)
    finish = len(source) if end is None else _int(end)
    if begin < 0 or begin > len(source):
        raise CelRuntimeError(f"index out of range: {begin}")
    if finish < 0 or finish > len(source):
        raise CelRuntimeError(f"index out of range: {finish}")
    if begin > finish:
        raise CelRuntimeError(f"invalid substring range. start: {begin}, end: {finish}")
    return celtypes.StringType(source[begin:finish])


def trim(text: Any) -> Any:
    return celtypes.StringType(
        _text(text).strip(
            " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
        )
    )


def join(values: Any, separator: Any = None) -> Any:
    if not isinstance(values, list):
        raise NoSuchOverload
    sep = "" if separator is None else _text(separator)
    for value in values:
        if not isinstance(value, str):
            raise CelRuntimeError("join: list contains non-string value")
    return celtypes.StringType(sep.join(str(value) for value in values))


def reverse(value: Any) -> Any:
    """``s.reverse()`` (strings) and ``l.reverse()`` (lists) share the method name."""
    if isinstance(value, str):
        return celtypes.StringType(str(value)[::-1])
    if isinstance(value, list):
        return celtypes.ListType(list(reversed(value)))
    raise NoSuchOverload


def quote(text: Any) -> Any:
    out = ['"']
    for char in _text(text):
        out.append(BACKSLASH_ESCAPES.get(char, char))
    out.append('"')
    return celtypes.StringType("".join(out))


def base64_decode(text: Any) -> Any:
    """Standard alphabet; padding is optional, as in cel-go."""
    source = _text(text)
    padded = source + "=" * (-len(source) % 4)
    try:
        return celtypes.BytesType(base64.b64decode(padded, validate=True))
    except (binascii.Error, ValueError) as exc:
        bad = next((i for i, c in enumerate(source) if not (c.isalnum() or c in "+/=")), len(source))
        raise CelRuntimeError(f"illegal base64 data at input byte {bad}") from exc


def base64_encode(data: Any) -> Any:
    if not isinstance(data, bytes):
        raise NoSuchOverload
    return celtypes.StringType(base64.b64encode(bytes(data)).decode("ascii"))


MEMBER: dict[str, Function] = {
    "charAt": char_at,
    "indexOf": index_of,
    "lastIndexOf": last_index_of,
    "lowerAscii": lower_ascii,
    "upperAscii": upper_ascii,
    "replace": replace,
    "split": split,
    "substring": substring,
    "trim": trim,
    "join": join,
    "reverse": reverse,
}
GLOBAL: dict[str, Function] = {
    "strings.quote": quote,
    "base64.decode": base64_decode,
    "base64.encode": base64_encode,
}
