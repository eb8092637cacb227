"""The Kubernetes JSONPath subset Tekton evaluates inside ``$(...)`` in TriggerBinding values.

``body.a.b``, ``header.X-Foo``, ``body.list[0]``, ``body.list[-1]``, ``body.list[*].name``,
``body['key.with.dots']`` and ``body.list[1:3]`` are supported. Results print like Tekton's
``textValue``: strings bare, ``null`` for nil, maps and lists as Go JSON, numbers and bools with
Go's ``%v`` (so ``1000000.0`` prints ``1e+06``, as it does in a real cluster); several results
are joined with a space. A missing key fails with ``<key> is not found``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from interceptor.gojson import marshal

_TOKEN = re.compile(
    r"""\[\s*(?:'([^']*)'|"([^"]*)"|(\*)|(-?\d*)\s*:\s*(-?\d*)|(-?\d+))\s*\]|\.?([^.\[\]]+)"""
)


class JsonPathError(Exception):
    """The path did not match; the message is Kubernetes JSONPath's."""


def _steps(expression: str) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise JsonPathError(f"unrecognized character in action: {text[position:]!r}")
        single, double, star, start, stop, index, name = match.groups()
        if single is not None or double is not None:
            steps.append(("key", single if single is not None else double))
        elif star:
            steps.append(("all", None))
        elif index is not None:
            steps.append(("index", int(index)))
        elif start is not None or stop is not None:
            steps.append(("slice", (int(start) if start else None, int(stop) if stop else None)))
        else:
            steps.append(("key", name))
        position = match.end()
    return steps


def find(document: Any, expression: str) -> list[Any]:
    """Every value ``expression`` selects in ``document``. Raises :class:`JsonPathError`."""
    current = [document]
    for kind, arg in _steps(expression):
        following: list[Any] = []
        for value in current:
            if kind == "key":
                if not isinstance(value, dict) or arg not in value:
                    raise JsonPathError(f"{arg} is not found")
                following.append(value[arg])
            elif kind == "index":
                if not isinstance(value, list):
                    raise JsonPathError(f"{arg} is not found")
                position = arg + len(value) if arg < 0 else arg
                if not 0 <= position < len(value):
                    raise JsonPathError(f"array index out of bounds: index {arg}, length {len(value)}")
                following.append(value[position])
            elif kind == "slice":
                if not isinstance(value, list):
                    raise JsonPathError("not a list")
                following.extend(value[arg[0] : arg[1]])
            else:
                following.extend(
                    value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
                )
        current = following
    return current


def text_value(value: Any) -> str:
    """Tekton's ``textValue`` of one JSONPath result."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return marshal(value)
    if isinstance(value, float):
        return go_general(value)
    return str(value)


def go_general(value: float) -> str:
    """Go's ``%v`` of a float64 (strconv 'g', shortest): ``2``, ``0.5``, ``1e+06``, ``1.5e-05``."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(str(d) for d in digit_tuple).rstrip("0") or "0"
    exponent += len(digit_tuple) - len(digits)
    point = len(digits) + exponent  # digits.dp in strconv
    minus = "-" if sign else ""
    power = point - 1
    if power < -4 or power >= 6:  # shortest 'g' switches to an exponent from 1e+06 and below 1e-04
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{minus}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{minus}{digits}{'0' * (point - len(digits))}"
    return f"{minus}{digits[:point]}.{digits[point:]}"
