"""Our interceptors' params (the Tekton ``params`` of an interceptor reference), read one way.

Params arrive as JSON values. Tekton users often write booleans as strings, so ``"true"`` and
``"false"`` (any case) count as booleans. Every problem raises :class:`InvalidInput` (code 3)
naming the param and what was expected: ``param verify: expected true or false, got a string
'maybe'``. (The ``cel`` interceptor is the exception: it mirrors Tekton's Go struct decoding and
its error texts.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type

if TYPE_CHECKING:
    from interceptor.cel import CelEnvironment

_SHOWN_CHARS = 40


def bool_param(params: Mapping[str, Any], name: str, *, default: bool) -> bool:
    """``true``/``false`` as a JSON boolean or a string; absent or ``null`` is ``default``."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidInput(f"param {name}: expected true or false, got {shown(value)}")


def expression_param(params: Mapping[str, Any], name: str, default: str) -> str:
    """A CEL expression string; absent, ``null`` or blank is ``default``."""
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str):
        raise InvalidInput(f"param {name}: expected a CEL expression string, got {shown(value)}")
    return value


def list_param(params: Mapping[str, Any], name: str, default: Sequence[str], *, items: str) -> list[str]:
    """A list of strings, or one comma-separated string; absent or ``null`` is ``default``.
    ``items`` names what the strings are, for the error (``top-level keys``)."""
    value = params.get(name)
    if value is None:
        return list(default)
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise InvalidInput(f"param {name}: expected a list of {items}, got {shown(value)}")


def evaluate_string(cel: CelEnvironment, name: str, expression: str, variables: Mapping[str, Any]) -> str:
    """Evaluate the expression param ``name``; it must give a non-empty string."""
    try:
        value = cel.evaluate(expression, variables)
    except InvalidInput as exc:
        raise InvalidInput(f"param {name}: {exc.message}") from exc
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"param {name}: {expression!r} gave {shown(value)}, expected a non-empty string")
    return value


def shown(value: Any) -> str:
    """The value for an error message, with its type: ``a string 'yes'``, ``a list [1]``, ``null``."""
    if value is None:
        return "null"
    text = (
        repr(value[:_SHOWN_CHARS])
        if isinstance(value, str)
        else json.dumps(value, default=str)[:_SHOWN_CHARS]
    )
    return f"{describe_json_type(value)} {text}"
