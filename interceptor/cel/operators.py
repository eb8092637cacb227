"""CEL's operators with cel-go's semantics, replacing cel-python's stricter ones.

cel-go (and so Tekton) uses heterogeneous equality: ``1 == 1.0`` is true, ``1 == 'a'`` is false,
``2 in [1.0, 2.0]`` is true, and numbers of different types compare with ``<``. Arithmetic stays
strict: ``double + int`` is ``no such overload``, which is why ``body.count + 1`` fails in Tekton.
Every function here returns a :class:`CELEvalError` instead of raising, so ``&&``/``||`` can
absorb it exactly like cel-go does.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError

from interceptor.cel.values import is_int, is_number, type_name

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
UINT_MAX = 2**64 - 1
NO_OVERLOAD = "no such overload"


def error(message: str) -> CELEvalError:
    return CELEvalError(message)


def first_error(*values: Any) -> CELEvalError | None:
    for value in values:
        if isinstance(value, CELEvalError):
            return value
    return None


def equals(left: Any, right: Any) -> bool:
    """cel-go's heterogeneous equality on two non-error values."""
    if is_number(left) and is_number(right):
        return bool(plain_number(left) == plain_number(right))
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, celtypes.BoolType) or isinstance(right, celtypes.BoolType):
        return isinstance(left, celtypes.BoolType) and isinstance(right, celtypes.BoolType) and left == right
    if isinstance(left, str) and isinstance(right, str):
        return str.__eq__(left, right)
    if isinstance(left, bytes) and isinstance(right, bytes):
        return bytes.__eq__(left, right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(equals(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        if len(left) != len(right):
            return False
        for key, value in left.items():
            found, other = map_lookup(right, key)
            if not found or not equals(value, other):
                return False
        return True
    if isinstance(left, celtypes.TimestampType) and isinstance(right, celtypes.TimestampType):
        return datetime.datetime.__eq__(left, right) is True
    if isinstance(left, celtypes.DurationType) and isinstance(right, celtypes.DurationType):
        return datetime.timedelta.__eq__(left, right) is True
    if isinstance(left, type) and isinstance(right, type):
        return left is right
    return False


def plain_number(value: Any) -> int | float:
    """A Python int or float: mixed int/float comparisons are exact, unlike cel-python's types."""
    return float(value) if isinstance(value, float) else int(value)


def _nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def op_eq(left: Any, right: Any) -> Any:
    return first_error(left, right) or celtypes.BoolType(equals(left, right))


def op_ne(left: Any, right: Any) -> Any:
    return first_error(left, right) or celtypes.BoolType(not equals(left, right))


def compare(left: Any, right: Any) -> int | None:
    """-1/0/1, or None when cel-go has no ordering between the two (``no such overload``)."""
    if is_number(left) and is_number(right):
        if _nan(left) or _nan(right):
            return None
        a, b = plain_number(left), plain_number(right)
        return (a > b) - (a < b)
    if isinstance(left, celtypes.BoolType) and isinstance(right, celtypes.BoolType):
        return int(left) - int(right)
    for kind in (str, bytes, celtypes.TimestampType, celtypes.DurationType):
        if isinstance(left, kind) and isinstance(right, kind):
            lhs: Any = left
            return int(lhs > right) - int(lhs < right)
    return None


def _ordering(test: Callable[[int], bool]) -> Callable[[Any, Any], Any]:
    def operator(left: Any, right: Any) -> Any:
        failed = first_error(left, right)
        if failed is not None:
            return failed
        order = compare(left, right)
        if order is None:
            if _nan(left) or _nan(right):
                return celtypes.BoolType(False)
            return error(NO_OVERLOAD)
        return celtypes.BoolType(test(order))

    return operator


op_lt = _ordering(lambda order: order < 0)
op_le = _ordering(lambda order: order <= 0)
op_gt = _ordering(lambda order: order > 0)
op_ge = _ordering(lambda order: order >= 0)


def _int_result(value: int) -> Any:
    if not INT_MIN <= value <= INT_MAX:
        return error("integer overflow")
    return celtypes.IntType(value)


def _uint_result(value: int) -> Any:
    if not 0 <= value <= UINT_MAX:
        return error("unsigned integer overflow")
    return celtypes.UintType(value)


def _same_number_kind(left: Any, right: Any) -> str | None:
    if is_int(left) and is_int(right):
        return "int"
    if isinstance(left, celtypes.UintType) and isinstance(right, celtypes.UintType):
        return "uint"
    if isinstance(left, float) and isinstance(right, float):
        return "double"
    return None


def op_add(left: Any, right: Any) -> Any:
    failed = first_error(left, right)
    if failed is not None:
        return failed
    kind = _same_number_kind(left, right)
    if kind == "int":
        return _int_result(int(left) + int(right))
    if kind == "uint":
        return _uint_result(int(left) + int(right))
    if kind == "double":
        return celtypes.DoubleType(float(left) + float(right))
    if isinstance(left, str) and isinstance(right, str):
        return celtypes.StringType(str(left) + str(right))
    if isinstance(left, bytes) and isinstance(right, bytes):
        return celtypes.BytesType(bytes(left) + bytes(right))
    if isinstance(left, list) and isinstance(right, list):
        return celtypes.ListType([*left, *right])
    if isinstance(left, celtypes.TimestampType | celtypes.DurationType) and isinstance(
        right, celtypes.DurationType
    ):
        return left + right
    if isinstance(left, celtypes.DurationType) and isinstance(right, celtypes.TimestampType):
        return right + left
    return error(NO_OVERLOAD)


def op_sub(left: Any, right: Any) -> Any:
    failed = first_error(left, right)
    if failed is not None:
        return failed
    kind = _same_number_kind(left, right)
    if kind == "int":
        return _int_result(int(left) - int(right))
    if kind == "uint":
        return _uint_result(int(left) - int(right))
    if kind == "double":
        return celtypes.DoubleType(float(left) - float(right))
    if isinstance(left, celtypes.TimestampType) and isinstance(
        right, celtypes.TimestampType | celtypes.DurationType
    ):
        return left - right
    if isinstance(left, celtypes.DurationType) and isinstance(right, celtypes.DurationType):
        return celtypes.DurationType(datetime.timedelta.__sub__(left, right))
    return error(NO_OVERLOAD)


def op_mul(left: Any, right: Any) -> Any:
    failed = first_error(left, right)
    if failed is not None:
        return failed
    kind = _same_number_kind(left, right)
    if kind == "int":
        return _int_result(int(left) * int(right))
    if kind == "uint":
        return _uint_result(int(left) * int(right))
    if kind == "double":
        return celtypes.DoubleType(float(left) * float(right))
    return error(NO_OVERLOAD)


def op_div(left: Any, right: Any) -> Any:
    failed = first_error(left, right)
    if failed is not None:
        return failed
    kind = _same_number_kind(left, right)
    if kind in ("int", "uint"):
        if int(right) == 0:
            return error("division by zero")
        quotient = abs(int(left)) // abs(int(right))
        if (int(left) < 0) != (int(right) < 0):
            quotient = -quotient
        return _int_result(quotient) if kind == "int" else _uint_result(quotient)
    if kind == "double":
        if float(right) == 0.0:
            if float(left) == 0.0 or math.isnan(left):
                return celtypes.DoubleType(math.nan)
            return celtypes.DoubleType(math.copysign(math.inf, left) * math.copysign(1.0, right))
        return celtypes.DoubleType(float(left) / float(right))
    return error(NO_OVERLOAD)


def op_mod(left: Any, right: Any) -> Any:
    failed = first_error(left, right)
    if failed is not None:
        return failed
    kind = _same_number_kind(left, right)
    if kind in ("int", "uint"):
        if int(right) == 0:
            return error("modulus by zero")
        remainder = abs(int(left)) % abs(int(right))
        if int(left) < 0:
            remainder = -remainder  # Go's % takes the sign of the dividend
        return celtypes.IntType(remainder) if kind == "int" else celtypes.UintType(remainder)
    return error(NO_OVERLOAD)


def op_neg(value: Any) -> Any:
    if isinstance(value, CELEvalError):
        return value
    if is_int(value):
        return _int_result(-int(value))
    if isinstance(value, float):
        return celtypes.DoubleType(-float(value))
    return error(NO_OVERLOAD)


def op_not(value: Any) -> Any:
    if isinstance(value, CELEvalError):
        return value
    if isinstance(value, celtypes.BoolType):
        return celtypes.BoolType(not value)
    return error(NO_OVERLOAD)


def op_and(left: Any, right: Any) -> Any:
    """``false && error`` and ``error && false`` are false, like cel-go."""
    if isinstance(left, celtypes.BoolType) and not left:
        return left
    if isinstance(right, celtypes.BoolType) and not right:
        return right
    if isinstance(left, celtypes.BoolType) and isinstance(right, celtypes.BoolType):
        return celtypes.BoolType(True)
    return first_error(left, right) or error(NO_OVERLOAD)


def op_or(left: Any, right: Any) -> Any:
    if isinstance(left, celtypes.BoolType) and left:
        return left
    if isinstance(right, celtypes.BoolType) and right:
        return right
    if isinstance(left, celtypes.BoolType) and isinstance(right, celtypes.BoolType):
        return celtypes.BoolType(False)
    return first_error(left, right) or error(NO_OVERLOAD)


def op_conditional(condition: Any, when_true: Any, when_false: Any) -> Any:
    if isinstance(condition, CELEvalError):
        return condition
    if not isinstance(condition, celtypes.BoolType):
        return error(NO_OVERLOAD)
    return when_true if condition else when_false


def map_lookup(mapping: dict[Any, Any], key: Any) -> tuple[bool, Any]:
    """Find ``key`` in a CEL map; numeric keys match across int/uint/double like cel-go."""
    if isinstance(key, str | celtypes.BoolType):
        if key in mapping:
            return True, mapping[key]
        return False, None
    if is_number(key):
        if isinstance(key, float) and not key.is_integer():
            return False, None
        for candidate, value in mapping.items():
            if is_number(candidate) and plain_number(candidate) == plain_number(key):
                return True, value
    return False, None


def describe_key(key: Any) -> str:
    return str(key) if not isinstance(key, celtypes.BoolType) else ("true" if key else "false")


def op_index(container: Any, index: Any) -> Any:
    failed = first_error(container, index)
    if failed is not None:
        return failed
    if isinstance(container, dict):
        if not isinstance(index, str | celtypes.BoolType) and not is_number(index):
            return error(f"unsupported key type: {type_name(index)}")
        found, value = map_lookup(container, index)
        return value if found else error(f"no such key: {describe_key(index)}")
    if isinstance(container, list):
        if isinstance(index, float):
            if not index.is_integer():
                return error(f"unsupported index value {index} in list")
            index = int(index)
        if not is_number(index):
            return error(f"unsupported index type '{type_name(index)}' in list")
        position = int(index)
        if not 0 <= position < len(container):
            return error(f"index '{position}' out of range in list size '{len(container)}'")
        return container[position]
    return error(NO_OVERLOAD)


def op_in(item: Any, container: Any) -> Any:
    failed = first_error(item, container)
    if failed is not None:
        return failed
    if isinstance(container, list):
        return celtypes.BoolType(any(equals(item, element) for element in container))
    if isinstance(container, dict):
        return celtypes.BoolType(map_lookup(container, item)[0])
    return error(NO_OVERLOAD)


OPERATORS: dict[str, Callable[..., Any]] = {
    "_==_": op_eq,
    "_!=_": op_ne,
    "_<_": op_lt,
    "_<=_": op_le,
    "_>_": op_gt,
    "_>=_": op_ge,
    "_+_": op_add,
    "_-_": op_sub,
    "_*_": op_mul,
    "_/_": op_div,
    "_%_": op_mod,
    "-_": op_neg,
    "!_": op_not,
    "_&&_": op_and,
    "_||_": op_or,
    "_?_:_": op_conditional,
    "_[_]": op_index,
    "_in_": op_in,
}
