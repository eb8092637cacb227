"""cel-go's ``ext.Math`` library."""

from __future__ import annotations

import math
from typing import Any

from celpy import celtypes

from interceptor.cel.library import CelRuntimeError, Function, NoSuchOverload
from interceptor.cel.operators import INT_MAX, INT_MIN, compare
from interceptor.cel.values import is_int, is_number

_MASK64 = 2**64 - 1


def _numbers(args: tuple[Any, ...], name: str) -> list[Any]:
    values = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
    if not values:
        raise CelRuntimeError(f"{name}(list) argument must not be empty")
    for value in values:
        if not is_number(value):
            raise NoSuchOverload
    return values


def greatest(*args: Any) -> Any:
    values = _numbers(args, "math.greatest")
    best = values[0]
    for value in values[1:]:
        if (compare(value, best) or 0) > 0:
            best = value
    return best


def least(*args: Any) -> Any:
    values = _numbers(args, "math.least")
    best = values[0]
    for value in values[1:]:
        if (compare(value, best) or 0) < 0:
            best = value
    return best


def _double(value: Any) -> float:
    if not isinstance(value, float):
        raise NoSuchOverload
    return float(value)


def ceil(value: Any) -> Any:
    number = _double(value)
    return celtypes.DoubleType(number if not math.isfinite(number) else float(math.ceil(number)))


def floor(value: Any) -> Any:
    number = _double(value)
    return celtypes.DoubleType(number if not math.isfinite(number) else float(math.floor(number)))


def round_(value: Any) -> Any:
    """Half away from zero, like Go's ``math.Round``."""
    number = _double(value)
    if not math.isfinite(number):
        return celtypes.DoubleType(number)
    return celtypes.DoubleType(math.copysign(math.floor(abs(number) + 0.5), number))


def trunc(value: Any) -> Any:
    number = _double(value)
    return celtypes.DoubleType(number if not math.isfinite(number) else float(math.trunc(number)))


def abs_(value: Any) -> Any:
    if is_int(value):
        if int(value) == INT_MIN:
            raise CelRuntimeError("integer overflow")
        return celtypes.IntType(abs(int(value)))
    if isinstance(value, celtypes.UintType):
        return value
    return celtypes.DoubleType(abs(_double(value)))


def sign(value: Any) -> Any:
    if is_int(value):
        return celtypes.IntType((int(value) > 0) - (int(value) < 0))
    if isinstance(value, celtypes.UintType):
        return celtypes.UintType(1 if int(value) else 0)
    number = _double(value)
    if math.isnan(number):
        return celtypes.DoubleType(number)
    return celtypes.DoubleType(float((number > 0) - (number < 0)))


def is_inf(value: Any) -> Any:
    return celtypes.BoolType(math.isinf(_double(value)))


def is_nan(value: Any) -> Any:
    return celtypes.BoolType(math.isnan(_double(value)))


def is_finite(value: Any) -> Any:
    return celtypes.BoolType(math.isfinite(_double(value)))


def sqrt(value: Any) -> Any:
    if not is_number(value):
        raise NoSuchOverload
    number = float(value)
    return celtypes.DoubleType(math.sqrt(number) if number >= 0 else math.nan)


def _same_ints(left: Any, right: Any) -> tuple[int, int, bool]:
    if is_int(left) and is_int(right):
        return int(left), int(right), False
    if isinstance(left, celtypes.UintType) and isinstance(right, celtypes.UintType):
        return int(left), int(right), True
    raise NoSuchOverload


def _wrap(value: int, unsigned: bool) -> Any:
    value &= _MASK64
    if unsigned:
        return celtypes.UintType(value)
    return celtypes.IntType(value - 2**64 if value > INT_MAX else value)


def bit_and(left: Any, right: Any) -> Any:
    a, b, unsigned = _same_ints(left, right)
    return _wrap(a & b, unsigned)


def bit_or(left: Any, right: Any) -> Any:
    a, b, unsigned = _same_ints(left, right)
    return _wrap(a | b, unsigned)


def bit_xor(left: Any, right: Any) -> Any:
    a, b, unsigned = _same_ints(left, right)
    return _wrap(a ^ b, unsigned)


def bit_not(value: Any) -> Any:
    if is_int(value):
        return celtypes.IntType(~int(value))
    if isinstance(value, celtypes.UintType):
        return celtypes.UintType(~int(value) & _MASK64)
    raise NoSuchOverload


def _shift_args(value: Any, shift: Any, name: str) -> tuple[int, int, bool]:
    if not is_int(shift):
        raise NoSuchOverload
    if int(shift) < 0:
        raise CelRuntimeError(f"math.{name}() negative offset: {int(shift)}")
    if is_int(value):
        return int(value), int(shift), False
    if isinstance(value, celtypes.UintType):
        return int(value), int(shift), True
    raise NoSuchOverload


def bit_shift_left(value: Any, shift: Any) -> Any:
    number, offset, unsigned = _shift_args(value, shift, "bitShiftLeft")
    return _wrap(number << offset if offset < 64 else 0, unsigned)


def bit_shift_right(value: Any, shift: Any) -> Any:
    """A logical shift on the 64-bit pattern, for ints too (cel-go documents this)."""
    number, offset, unsigned = _shift_args(value, shift, "bitShiftRight")
    return _wrap((number & _MASK64) >> offset if offset < 64 else 0, unsigned)


MEMBER: dict[str, Function] = {}
GLOBAL: dict[str, Function] = {
    "math.greatest": greatest,
    "math.least": least,
    "math.ceil": ceil,
    "math.floor": floor,
    "math.round": round_,
    "math.trunc": trunc,
    "math.abs": abs_,
    "math.sign": sign,
    "math.isInf": is_inf,
    "math.isNaN": is_nan,
    "math.isFinite": is_finite,
    "math.sqrt": sqrt,
    "math.bitAnd": bit_and,
    "math.bitOr": bit_or,
    "math.bitXor": bit_xor,
    "math.bitNot": bit_not,
    "math.bitShiftLeft": bit_shift_left,
    "math.bitShiftRight": bit_shift_right,
}
