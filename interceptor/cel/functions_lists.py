"""cel-go's ``ext.Lists`` and ``ext.Sets`` libraries (``sortBy`` is not supported)."""

from __future__ import annotations

import functools
from typing import Any

from celpy import celtypes

from interceptor.cel.library import CelRuntimeError, Function, NoSuchOverload
from interceptor.cel.operators import compare, equals
from interceptor.cel.values import is_int, type_name


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise NoSuchOverload
    return value


def _int(value: Any) -> int:
    if not is_int(value):
        raise NoSuchOverload
    return int(value)


def slice_(values: Any, start: Any, end: Any) -> Any:
    items, begin, finish = _list(values), _int(start), _int(end)
    if begin < 0 or finish < 0:
        raise CelRuntimeError(f"cannot slice({begin}, {finish}), negative indexes not supported")
    if begin > finish:
        raise CelRuntimeError(
            f"cannot slice({begin}, {finish}), start index must be less than or equal to end index"
        )
    if finish > len(items):
        raise CelRuntimeError(f"cannot slice({begin}, {finish}), list is length {len(items)}")
    return celtypes.ListType(items[begin:finish])


def flatten(values: Any, depth: Any = None) -> Any:
    levels = 1 if depth is None else _int(depth)
    if levels < 0:
        raise CelRuntimeError("level must be non-negative")
    return celtypes.ListType(_flatten(_list(values), levels))


def _flatten(items: list[Any], levels: int) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, list) and levels > 0:
            out.extend(_flatten(item, levels - 1))
        else:
            out.append(item)
    return out


def sort(values: Any) -> Any:
    items = _list(values)
    if not items:
        return celtypes.ListType()
    kind = type_name(items[0])
    for item in items:
        if type_name(item) != kind:
            raise CelRuntimeError(f"list elements must have the same type: {kind} and {type_name(item)}")
        if compare(item, items[0]) is None:
            raise CelRuntimeError(f"list elements must be comparable: {kind}")
    return celtypes.ListType(sorted(items, key=functools.cmp_to_key(lambda a, b: compare(a, b) or 0)))


def range_(count: Any) -> Any:
    return celtypes.ListType([celtypes.IntType(i) for i in range(max(_int(count), 0))])


def distinct(values: Any) -> Any:
    out: list[Any] = []
    for item in _list(values):
        if not any(equals(item, seen) for seen in out):
            out.append(item)
    return celtypes.ListType(out)


def _contains_all(container: list[Any], items: list[Any]) -> bool:
    return all(any(equals(item, element) for element in container) for item in items)


def sets_contains(container: Any, items: Any) -> Any:
    return celtypes.BoolType(_contains_all(_list(container), _list(items)))


def sets_equivalent(left: Any, right: Any) -> Any:
    a, b = _list(left), _list(right)
    return celtypes.BoolType(_contains_all(a, b) and _contains_all(b, a))


def sets_intersects(left: Any, right: Any) -> Any:
    a, b = _list(left), _list(right)
    return celtypes.BoolType(any(equals(x, y) for x in a for y in b))


MEMBER: dict[str, Function] = {
    "slice": slice_,
    "flatten": flatten,
    "sort": sort,
    "distinct": distinct,
}
GLOBAL: dict[str, Function] = {
    "lists.range": range_,
    "sets.contains": sets_contains,
    "sets.equivalent": sets_equivalent,
    "sets.intersects": sets_intersects,
}
