"""CEL's standard functions where cel-python differs from cel-go (conversions, size, matches)."""

from __future__ import annotations

import math
from typing import Any

import re2
from celpy import celtypes
from celpy.evaluation import base_functions

from interceptor.cel.json_map import JsonMap
from interceptor.cel.library import CelRuntimeError, Function, NoSuchOverload
from interceptor.cel.operators import INT_MAX, INT_MIN, UINT_MAX
from interceptor.cel.values import format_duration, format_go_float, format_timestamp, is_int

_QUIET = re2.Options()
_QUIET.log_errors = False


def type_of(value: Any) -> Any:
    """``type(x)``: cel-python's ``TypeType``, except that a lazily converted map is a ``map``
    (its Python class is a subclass of cel-python's)."""
    if isinstance(value, JsonMap):
        return celtypes.MapType
    return celtypes.TypeType(value)


def size(value: Any) -> Any:
    if isinstance(value, str | bytes | list | dict):
        return celtypes.IntType(len(value))
    raise NoSuchOverload


def contains(text: Any, sub: Any) -> Any:
    if not isinstance(text, str) or not isinstance(sub, str):
        raise NoSuchOverload
    return celtypes.BoolType(str(sub) in str(text))


def starts_with(text: Any, prefix: Any) -> Any:
    if not isinstance(text, str) or not isinstance(prefix, str):
        raise NoSuchOverload
    return celtypes.BoolType(str(text).startswith(str(prefix)))


def ends_with(text: Any, suffix: Any) -> Any:
    if not isinstance(text, str) or not isinstance(suffix, str):
        raise NoSuchOverload
    return celtypes.BoolType(str(text).endswith(str(suffix)))


def matches(text: Any, pattern: Any) -> Any:
    """RE2 search, as cel-go's ``matches``."""
    if not isinstance(text, str) or not isinstance(pattern, str):
        raise NoSuchOverload
    try:
        regex = re2.compile(str(pattern), _QUIET)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise CelRuntimeError(f"error parsing regexp: {reason}") from exc
    return celtypes.BoolType(regex.search(str(text)) is not None)


def to_string(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        return celtypes.StringType("true" if value else "false")
    if isinstance(value, float):
        return celtypes.StringType(format_go_float(float(value)))
    if isinstance(value, int):
        return celtypes.StringType(str(int(value)))
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, bytes):
        try:
            return celtypes.StringType(bytes(value).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CelRuntimeError("invalid UTF-8 in bytes, cannot convert to string") from exc
    if isinstance(value, celtypes.TimestampType):
        return celtypes.StringType(format_timestamp(value))
    if isinstance(value, celtypes.DurationType):
        return celtypes.StringType(format_duration(value))
    raise NoSuchOverload


def to_int(value: Any) -> Any:
    if is_int(value):
        return value
    if isinstance(value, celtypes.BoolType):
        raise NoSuchOverload
    if isinstance(value, celtypes.UintType):
        if int(value) > INT_MAX:
            raise CelRuntimeError("integer overflow")
        return celtypes.IntType(int(value))
    if isinstance(value, float):
        if math.isnan(value) or not INT_MIN <= float(value) < 2.0**63:
            raise CelRuntimeError("integer overflow")
        return celtypes.IntType(math.trunc(value))
    if isinstance(value, str):
        try:
            number = int(str(value), 10)
        except ValueError as exc:
            raise CelRuntimeError(f"strconv.ParseInt: parsing {str(value)!r}: invalid syntax") from exc
        if not INT_MIN <= number <= INT_MAX:
            raise CelRuntimeError("integer overflow")
        return celtypes.IntType(number)
    if isinstance(value, celtypes.TimestampType):
        return celtypes.IntType(int(value.timestamp()))
    raise NoSuchOverload


def to_uint(value: Any) -> Any:
    if isinstance(value, celtypes.UintType):
        return value
    if isinstance(value, celtypes.BoolType):
        raise NoSuchOverload
    if is_int(value) or isinstance(value, float):
        if isinstance(value, float) and (math.isnan(value) or not 0 <= float(value) < 2.0**64):
            raise CelRuntimeError("unsigned integer overflow")
        number = math.trunc(value)
        if not 0 <= number <= UINT_MAX:
            raise CelRuntimeError("unsigned integer overflow")
        return celtypes.UintType(number)
    if isinstance(value, str):
        try:
            number = int(str(value), 10)
        except ValueError as exc:
            raise CelRuntimeError(f"strconv.ParseUint: parsing {str(value)!r}: invalid syntax") from exc
        if not 0 <= number <= UINT_MAX:
            raise CelRuntimeError("unsigned integer overflow")
        return celtypes.UintType(number)
    raise NoSuchOverload


def to_double(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        raise NoSuchOverload
    if isinstance(value, int | float):
        return celtypes.DoubleType(float(value))
    if isinstance(value, str):
        try:
            return celtypes.DoubleType(float(str(value)))
        except ValueError as exc:
            raise CelRuntimeError(f"strconv.ParseFloat: parsing {str(value)!r}: invalid syntax") from exc
    raise NoSuchOverload


_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True}
_BOOLS.update({"0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False})


def to_bool(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        return value
    if isinstance(value, str):
        if str(value) not in _BOOLS:
            raise CelRuntimeError(f"strconv.ParseBool: parsing {str(value)!r}: invalid syntax")
        return celtypes.BoolType(_BOOLS[str(value)])
    raise NoSuchOverload


def to_bytes(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return celtypes.BytesType(value)
    raise NoSuchOverload


def to_timestamp(value: Any) -> Any:
    if isinstance(value, celtypes.TimestampType):
        return value
    if isinstance(value, str) or is_int(value):
        try:
            return celtypes.TimestampType(value)
        except ValueError as exc:
            raise CelRuntimeError(f"timestamp conversion error: {exc}") from exc
    raise NoSuchOverload


def to_duration(value: Any) -> Any:
    if isinstance(value, celtypes.DurationType):
        return value
    if isinstance(value, str):
        try:
            return celtypes.DurationType(value)
        except ValueError as exc:
            raise CelRuntimeError(f"duration conversion error: {exc}") from exc
    raise NoSuchOverload


_TIME_ACCESSORS = (
    "getDate",
    "getDayOfMonth",
    "getDayOfWeek",
    "getDayOfYear",
    "getFullYear",
    "getMonth",
    "getHours",
    "getMilliseconds",
    "getMinutes",
    "getSeconds",
)

MEMBER: dict[str, Function] = {
    "size": size,
    "contains": contains,
    "startsWith": starts_with,
    "endsWith": ends_with,
    "matches": matches,
    **{name: base_functions[name] for name in _TIME_ACCESSORS},
}
GLOBAL: dict[str, Function] = {
    "size": size,
    "matches": matches,
    "string": to_string,
    "int": to_int,
    "uint": to_uint,
    "double": to_double,
    "bool": to_bool,
    "bytes": to_bytes,
    "timestamp": to_timestamp,
    "duration": to_duration,
    "type": type_of,
}
