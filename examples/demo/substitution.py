"""Tekton's ``$(…)`` variable substitution, for the parts of Tasks and Pipelines the demo runs.

Only Tekton's own namespaces are replaced (``params``, ``workspaces``, ``results``, ``context``,
``tasks``), so shell command substitutions such as ``$(date -u +%s)`` pass through untouched.
A reference to something that does not exist is an error, as Tekton's validation would make it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from examples.demo.errors import DemoError

VARIABLE = re.compile(r"\$\(((?:params|workspaces|results|context|tasks)\.[A-Za-z0-9_.\-]+)\)")
WHOLE_ARRAY = re.compile(r"^\$\((params\.[A-Za-z0-9_\-]+)\[\*\]\)$")
Value = str | list[str]


def substitute(text: str, values: Mapping[str, str], where: str) -> str:
    """``text`` with every ``$(name)`` replaced by ``values[name]``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise DemoError(f"{where}: $({name}) does not refer to anything")
        return values[name]

    return VARIABLE.sub(replace, text)


def substitute_list(
    items: Sequence[str], values: Mapping[str, str], arrays: Mapping[str, list[str]], where: str
) -> list[str]:
    """Args or array values: an item that is exactly ``$(params.x[*])`` expands to the array."""
    expanded: list[str] = []
    for item in items:
        whole = WHOLE_ARRAY.match(item)
        if whole:
            if whole.group(1) not in arrays:
                raise DemoError(f"{where}: $({whole.group(1)}[*]) is not an array param")
            expanded.extend(arrays[whole.group(1)])
        else:
            expanded.append(substitute(item, values, where))
    return expanded


def resolve_params(
    declared: Sequence[Mapping[str, object]], given: Mapping[str, Value], where: str
) -> dict[str, Value]:
    """Declared params with their given values or defaults; a missing one without default fails."""
    resolved: dict[str, Value] = {}
    for param in declared:
        name = str(param["name"])
        if name in given:
            resolved[name] = given[name]
        elif "default" in param:
            default = param["default"]
            resolved[name] = [str(v) for v in default] if isinstance(default, list) else str(default)
        else:
            raise DemoError(f"{where}: param {name!r} has no value and no default")
    return resolved


def split_values(
    params: Mapping[str, Value], prefix: str = "params."
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """String params for ``$(params.x)`` and array params for ``$(params.x[*])``."""
    strings = {f"{prefix}{k}": v for k, v in params.items() if isinstance(v, str)}
    arrays = {f"{prefix}{k}": v for k, v in params.items() if isinstance(v, list)}
    return strings, arrays
