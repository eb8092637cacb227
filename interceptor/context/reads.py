"""JSONPath reads (jsonpath-ng, the syntax cicdstatemgr's ``--get`` takes) and printing the result.

``find`` returns every match; :func:`collapse` turns them into cicdstatemgr's result: nothing, the
single value, or a list of all values when several nodes match (``state.tags[*]``).
"""

from __future__ import annotations

import json
from typing import Any

from interceptor.errors import InvalidInput

NO_MATCH = object()


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
    return [match.value for match in compile_jsonpath(expression).find(document)]


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
