"""What a CEL function implementation may raise, and how the libraries are declared.

Each ``functions_*`` module declares two tables: ``MEMBER`` (called as ``receiver.name(args)``, the
receiver is the first argument) and ``GLOBAL`` (called as ``name(args)``, including namespaced
names such as ``math.greatest``). The checker rejects calls that are in neither; the evaluator
turns :class:`CelRuntimeError` into cel-go's error value and a ``TypeError`` into
``no such overload``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Function = Callable[..., Any]


class CelRuntimeError(Exception):
    """A function failed with cel-go's message (``index out of range: 4``)."""


class NoSuchOverload(TypeError):
    """The arguments' types have no overload (mapped to ``no such overload: name(types)``)."""
