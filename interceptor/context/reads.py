"""JSONPath reads (jsonpath-ng, the syntax cicdstatemgr's ``--get`` takes) and printing the result.

``find`` returns every match; :func:`collapse` turns them into cicdstatemgr's result: nothing, the
single value, or a list of all values when several nodes match (``state.tags[*]``).

Most reads are plain dotted field paths (``state.appTag``). For those :func:`compile_reader` walks
the dicts itself, with jsonpath-ng's exact result, so a one-shot ``context get`` does not import
jsonpath-ng and ply; anything else goes to jsonpath-ng.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from interceptor.errors import InvalidInput

NO_MATCH = object()
Reader = Callable[[Any], list[Any]]
# A field name as jsonpath-ng's lexer reads an ID token, ASCII only (its CJK and emoji ranges are
# left to it): [A-Za-z_@][A-Za-z0-9_@-]*. Its reserved words are not field names.
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_@"
_FIELD_START = frozenset(_LETTERS)
_FIELD_REST = frozenset(_LETTERS + "0123456789-")
_RESERVED = frozenset({"where", "wherenot"})


def compile_reader(expression: str) -> Reader:
    """A function returning the values of every node ``expression`` matches in a document.

    A bad expression raises :class:`InvalidInput` here, before any document is read.
    """
    fields = plain_fields(expression)
    if fields is not None:
        return lambda document: _walk(document, fields)
    parsed = compile_jsonpath(expression)
    return lambda document: [match.value for match in parsed.find(document)]


def plain_fields(expression: str) -> list[str] | None:
    """The field names of a plain dotted path (``state.appTag``, ``$.state.appTag``), else ``None``."""
    fields = expression.removeprefix("$.").split(".")
    for field in fields:
        if not field or field[0] not in _FIELD_START or field in _RESERVED:
            return None
        if not _FIELD_REST.issuperset(field):
            return None
    return fields


def _walk(document: Any, fields: list[str]) -> list[Any]:
    """jsonpath-ng's ``a.b.c`` on JSON data: each field of a dict, no match below anything else."""
    node = document
    for field in fields:
        if not isinstance(node, dict) or field not in node:
            return []
        node = node[field]
    return [node]


def compile_jsonpath(expression: str) -> Any:
    """The parsed expression; a bad one raises :class:`InvalidInput` quoting it and the reason."""
    # jsonpath-ng pulls in ply; import it only on the read path.
    import jsonpath_ng
    from jsonpath_ng.exceptions import JSONPathError

    try:
        return jsonpath_ng.parse(expression)
    except JSONPathError as exc:
        raise InvalidInput(f"JSONPath {expression!r} is not valid: {exc}".strip()) from exc


def find(document: Any, expression: str) -> list[Any]:
    """Values of every node ``expression`` matches. A bad expression raises :class:`InvalidInput`."""
    return compile_reader(expression)(document)


def try_find(document: Any, expression: str) -> list[Any] | None:
    """Like :func:`find`, but ``None`` when ``expression`` does not parse as JSONPath."""
    try:
        return find(document, expression)
    except InvalidInput:
        return None


def collapse(values: list[Any]) -> Any:
    """``NO_MATCH`` for no values, the value for one, a list for several."""
    if not values:
        return NO_MATCH
    return values[0] if len(values) == 1 else values


def format_value(value: Any, output: str) -> str:
    """Text for stdout: ``raw`` prints strings as-is, other scalars, lists and objects as JSON."""
    if output == "yaml":
        import yaml

        text = str(
            yaml.dump(
                value, Dumper=_literal_dumper(), default_flow_style=False, sort_keys=False, allow_unicode=True
            )
        )
        return text.removesuffix("\n").removesuffix("\n...")  # a bare scalar ends with a document marker
    if output == "json" or not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def _literal_dumper() -> type:
    """A SafeDumper writing multi-line strings as ``|`` blocks, as people write them in configs."""
    import yaml

    class LiteralDumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        style = (
            "|" if "\n" in data and not any(c in data for c in "\r\t") and data == data.rstrip(" ") else None
        )
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    LiteralDumper.add_representer(str, represent_str)
    return LiteralDumper
