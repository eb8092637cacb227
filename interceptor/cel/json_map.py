"""A CEL map over decoded JSON that converts each value the first time an expression reads it.

Tekton's variables are whole request bodies, but a filter or an overlay typically reads a handful
of fields: converting every value of a 3.6 KB push event to cel-python values costs more than
evaluating the expressions. :func:`to_cel_lazy` gives a :class:`JsonMap` instead of a converted
``MapType``: its keys are converted up front (so ``size()``, ``in``, ``has()`` and iteration in
macros see them all), its values when first read, through any of the read paths CEL's operators
and functions use (``m[k]``, ``get``, ``items``, ``values``, iteration, equality, ``repr``).
A converted value replaces the raw one, so each is converted at most once.

The values are the ones :func:`interceptor.cel.values.to_cel` gives (numbers become doubles),
except that nested objects are :class:`JsonMap` too; lists are converted one level at a time
(their objects lazily), because ``list`` has C-level readers (``[*a, *b]``) that would bypass a
lazy subclass. The input must be JSON-like: a value of a type :func:`to_cel` rejects raises its
``TypeError`` when read, not when the map is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from celpy import celtypes

from interceptor.cel.values import FALSE, TRUE, CelValue, cel_key, convert_uncommon

_new_str = str.__new__
_new_float = float.__new__


def to_cel_lazy(value: Any) -> CelValue:
    """Like :func:`interceptor.cel.values.to_cel`, but objects become :class:`JsonMap`."""
    kind = type(value)
    if kind is str:
        return _new_str(celtypes.StringType, value)
    if kind is dict:
        return JsonMap(value)
    if kind is list:
        return celtypes.ListType([to_cel_lazy(item) for item in value])
    if kind is float or kind is int:
        return _new_float(celtypes.DoubleType, value)
    if kind is bool:
        return TRUE if value else FALSE
    if value is not None and isinstance(value, dict):
        return JsonMap(value)
    return convert_uncommon(value, to_cel_lazy)


# What to_cel_lazy returns; a stored value of any other type is still raw JSON.
_CONVERTED = frozenset(
    {
        type(None),
        celtypes.StringType,
        celtypes.DoubleType,
        celtypes.BoolType,
        celtypes.BytesType,
        celtypes.ListType,
        celtypes.MapType,
    }
)


class JsonMap(celtypes.MapType):
    """A CEL map whose values are converted from JSON when first read."""

    def __init__(self, raw: dict[Any, Any]) -> None:
        super().__init__()
        dict.update(self, {cel_key(key): value for key, value in raw.items()})

    def _converted(self, key: Any, value: Any) -> Any:
        kind = type(value)
        if kind in _CONVERTED or kind is JsonMap:
            return value
        converted = to_cel_lazy(value)
        dict.__setitem__(self, key, converted)
        return converted

    def __getitem__(self, key: Any) -> Any:
        return self._converted(key, super().__getitem__(key))

    def get(self, key: Any, default: Any = None) -> Any:
        # MapType.get's own rules (a missing key without a default raises KeyError), then convert.
        value = super().get(key, default)
        if key in self:
            return self._converted(key, value)
        return value

    def __iter__(self) -> Iterator[Any]:
        # Defining __iter__ also makes dict(m) and {**m} read values through __getitem__
        # instead of copying the raw storage.
        return dict.__iter__(self)

    def items(self) -> Any:
        self.materialize()
        return dict.items(self)

    def values(self) -> Any:
        self.materialize()
        return dict.values(self)

    def copy(self) -> celtypes.MapType:
        self.materialize()
        copied = celtypes.MapType()
        dict.update(copied, dict.items(self))
        return copied

    def __repr__(self) -> str:
        self.materialize()
        return super().__repr__()

    def materialize(self) -> None:
        """Convert every value that is still raw (its nested objects stay lazy)."""
        for key, value in list(dict.items(self)):
            kind = type(value)
            if not (kind in _CONVERTED or kind is JsonMap):
                dict.__setitem__(self, key, to_cel_lazy(value))
