"""``--tmpl-ctx-var KEY=EXPR``: extra template context entries, resolved exactly like cicdstatemgr.

For each entry, ``EXPR`` is tried as a JSONPath against the **document**: a parse error or no match
gives the literal ``EXPR``; one match its value; several a list of the values. Falsy results are
not set. The value is placed at dotted path ``KEY`` of the *template context* with the ``--set``
setter (``[]``/``{}`` intents and ``file://`` apply). Because the JSONPath is tried first, a literal
that equals a top-level key (``state``, ``channel``) resolves to that object: that is cicdstatemgr's
behaviour and is kept so existing Task steps render the same.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from interceptor.context.paths import (
    FILE_PREFIX,
    Assignment,
    Mode,
    apply_assignment,
    load_file_value,
    parse_path,
)
from interceptor.context.reads import NO_MATCH, collapse, try_find
from interceptor.errors import InvalidInput


def resolve_expression(document: Mapping[str, Any], expression: str) -> Any:
    """The value of ``expression`` as a JSONPath over ``document``, else the literal string."""
    values = try_find(document, expression)
    if values is None:
        return expression
    value = collapse(values)
    return expression if value is NO_MATCH else value


def template_context(
    document: Mapping[str, Any], config_data: Mapping[str, Any], tmpl_ctx_vars: Sequence[str] = ()
) -> dict[str, Any]:
    """cicdstatemgr's template context: a copy of the document, ``configData`` and the extra vars."""
    context = copy.deepcopy(dict(document))
    context["configData"] = config_data
    for item in tmpl_ctx_vars:
        key, equals, expression = item.partition("=")
        if not equals or not key.strip():
            raise InvalidInput(
                f"--tmpl-ctx-var {item!r}: expected KEY=EXPRESSION, e.g. event.data=state.build.run-1"
            )
        value = resolve_expression(document, expression)
        if value:
            apply_assignment(context, _assignment(item, key.strip(), value))
    return context


def _assignment(argument: str, key: str, value: Any) -> Assignment:
    mode: Mode = "set"
    if key.endswith("[]"):
        mode, key = "append", key[:-2]
    elif key.endswith("{}"):
        mode, key = "union", key[:-2]
    path = parse_path(key, argument)
    if isinstance(value, str):
        value = value.strip()
        if value.startswith(FILE_PREFIX):
            value = load_file_value(value[len(FILE_PREFIX) :], argument)
    if mode == "set":
        return Assignment(argument, path, mode, value)
    if value == "[]":
        return Assignment(argument, path, mode, [], clear=True)
    items = value if isinstance(value, list) else value.split(",") if isinstance(value, str) else [value]
    return Assignment(argument, path, mode, list(items))
