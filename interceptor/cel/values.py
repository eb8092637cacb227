"""Conversion between plain JSON-like Python values and cel-python's CEL values.

Tekton decodes every JSON number as a double, so :func:`to_cel` turns every Python number (int or
float, but not bool) into a ``double``. :func:`to_python` goes the other way and gives plain
dict/list/str/int/float/bool/None/bytes; timestamps and durations become their RFC 3339 / ``"1.5s"``
strings there (the cel interceptor rejects them before that, as Tekton does).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from celpy import celtypes

CelValue = Any  # cel-python's Value union is too loose to be useful in signatures


# cel-python's constructors run Python-level checks for every value; for the exact JSON types the
# result is the same object the base type's ``__new__`` makes, so conversion calls that directly.
_new_str = str.__new__
_new_float = float.__new__
TRUE = celtypes.BoolType(True)
FALSE = celtypes.BoolType(False)


def to_cel(value: Any) -> CelValue:
    """A JSON-like Python value as a CEL value; numbers become doubles like Tekton's. Converts
    everything, eagerly (:func:`interceptor.cel.json_map.to_cel_lazy` converts on first read)."""
    kind = type(value)
    if kind is str:
        return _new_str(celtypes.StringType, value)
    if kind is dict:
        converted = celtypes.MapType()
        dict.update(converted, {cel_key(k): to_cel(v) for k, v in value.items()})
        return converted
    if kind is list:
        return celtypes.ListType([to_cel(item) for item in value])
    if kind is float or kind is int:
        return _new_float(celtypes.DoubleType, value)
    if kind is bool:
        return TRUE if value else FALSE
    return convert_uncommon(value, to_cel)


def cel_key(key: Any) -> Any:
    """A map key as CEL sees it: always a string (JSON object keys are)."""
    if type(key) is str:
        return _new_str(celtypes.StringType, key)
    return celtypes.StringType(str(key))


def convert_uncommon(value: Any, convert: Any) -> CelValue:
    """Every value that is not exactly one of the JSON types (subclasses included)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, int | float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, bytes):
        return celtypes.BytesType(value)
    if isinstance(value, Mapping):
        converted = celtypes.MapType()
        dict.update(converted, {cel_key(k): convert(v) for k, v in value.items()})
        return converted
    if isinstance(value, list | tuple):
        return celtypes.ListType([convert(item) for item in value])
    if isinstance(value, datetime.datetime | datetime.date):
        return celtypes.StringType(value.isoformat())
    raise TypeError(f"cannot convert {type(value).__name__} to a CEL value")


def type_name(value: Any) -> str:
    """cel-go's name for the type of a CEL value, as its error messages print it."""
    if value is None:
        return "null_type"
    if isinstance(value, celtypes.BoolType | bool):
        return "bool"
    if isinstance(value, celtypes.UintType):
        return "uint"
    if isinstance(value, celtypes.IntType):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, celtypes.TimestampType):
        return "google.protobuf.Timestamp"
    if isinstance(value, celtypes.DurationType):
        return "google.protobuf.Duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, type):
        return "type"
    if isinstance(value, int):
        return "int"
    return type(value).__name__


def is_int(value: Any) -> bool:
    return isinstance(value, celtypes.IntType) or (
        isinstance(value, int) and not isinstance(value, bool | celtypes.BoolType | celtypes.UintType)
    )


def is_number(value: Any) -> bool:
    return isinstance(value, float | celtypes.UintType) or is_int(value)


def to_python(value: CelValue) -> Any:
    """A CEL value as plain JSON-compatible Python (bytes stay bytes)."""
    if value is None:
        return None
    if isinstance(value, celtypes.BoolType | bool):
        return bool(value)
    if isinstance(value, celtypes.TimestampType):
        return format_timestamp(value)
    if isinstance(value, celtypes.DurationType):
        return format_duration(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, dict):
        return {_key(k): to_python(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_python(item) for item in value]
    if isinstance(value, type):
        return type_name_of_type(value)
    raise TypeError(f"cannot convert {type_name(value)} to JSON")


def _key(key: Any) -> str:
    if isinstance(key, celtypes.BoolType | bool):
        return "true" if key else "false"
    return str(key)


def type_name_of_type(cls: type) -> str:
    names = {
        celtypes.BoolType: "bool",
        celtypes.IntType: "int",
        celtypes.UintType: "uint",
        celtypes.DoubleType: "double",
        celtypes.StringType: "string",
        celtypes.BytesType: "bytes",
        celtypes.ListType: "list",
        celtypes.MapType: "map",
        celtypes.TimestampType: "google.protobuf.Timestamp",
        celtypes.DurationType: "google.protobuf.Duration",
        type(None): "null_type",
    }
    return names.get(cls, "type")


def format_timestamp(value: datetime.datetime) -> str:
    text = value.astimezone(datetime.UTC).isoformat()
    return text.replace("+00:00", "Z")


def format_duration(value: datetime.timedelta) -> str:
    seconds = value.total_seconds()
    return f"{format_go_float(seconds)}s"


def format_go_float(value: float) -> str:
    """Go's ``strconv.FormatFloat(v, 'g', -1, 64)``, CEL's ``string(double)``: shortest round-trip
    digits. (``encoding/json``'s float text is :func:`interceptor.gojson.go_float`.)"""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    digits, exponent = _shortest_digits(abs(value))
    sign = "-" if value < 0 else ""
    # Go's %g with the shortest precision uses an exponent when exp < -4 or exp >= 6.
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        exp_sign = "+" if exponent >= 0 else "-"
        return f"{sign}{mantissa}e{exp_sign}{abs(exponent):02d}"
    return sign + _fixed(digits, exponent)


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of a positive float and its decimal exponent."""
    text = repr(value)
    if "e" in text:
        mantissa, _, exp_text = text.partition("e")
        digits = mantissa.replace(".", "")
        exponent = int(exp_text)
    else:
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0")
        if whole != "0":
            digits = (whole + frac).lstrip("0")
            exponent = len(whole) - 1
        else:
            stripped = frac.lstrip("0")
            exponent = -(len(frac) - len(stripped)) - 1
            digits = stripped
    return digits.rstrip("0") or "0", exponent


def _fixed(digits: str, exponent: int) -> str:
    if exponent < 0:
        return "0." + "0" * (-exponent - 1) + digits
    if len(digits) <= exponent + 1:
        return digits + "0" * (exponent + 1 - len(digits))
    return digits[: exponent + 1] + "." + digits[exponent + 1 :]
