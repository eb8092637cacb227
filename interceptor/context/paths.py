"""Write expressions (``P=V``, ``P:=JSON``, ``P[]=A,B``, ``P{}=A,B``) and applying them to a document.

A path is split on ``.`` only, as in cicdstatemgr (keys cannot contain dots). Forms:

==============  ===============================================================================
``p=v``         store the string ``v`` (``file://F`` loads F as JSON, else YAML, else text)
``p:=json``     store the typed JSON value
``p[]=a,b``     append ``a`` and ``b`` to the list at ``p`` (``[]`` as the value clears it)
``p{}=a,b``     the same, then drop duplicates keeping the first occurrence
``p[]:=json``   append a JSON value (a JSON list appends each of its items); ``{}:=`` likewise
==============  ===============================================================================

Missing intermediate objects (and ``null`` ones) are created. Unlike cicdstatemgr, writing *below*
a scalar or a list is an error instead of silently replacing it and dropping the rest of the path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from interceptor.context.yaml_files import YamlSyntaxError, json_keys, parse_yaml, read_text
from interceptor.errors import InvalidInput
from interceptor.json_types import describe_json_type, preview

Mode = Literal["set", "append", "union"]
FILE_PREFIX = "file://"
FORMS = "PATH=VALUE, PATH:=JSON, PATH[]=A,B or PATH{}=A,B"


@dataclass(frozen=True)
class Assignment:
    """One parsed write. For ``append``/``union`` ``value`` is the list of items to add."""

    argument: str
    path: tuple[str, ...]
    mode: Mode
    value: Any
    clear: bool = False

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def parse_path(text: str, argument: str) -> tuple[str, ...]:
    """Split a dotted path, refusing empty segments and misplaced ``[]``/``{}`` markers."""
    segments = tuple(segment.strip() for segment in text.split("."))
    for segment in segments:
        if not segment:
            raise InvalidInput(f"{argument!r}: path {text!r} has an empty segment; expected a.b.c")
        if "[]" in segment or "{}" in segment:
            raise InvalidInput(f"{argument!r}: [] or {{}} may only end the path, as in state.tags[]=a,b")
    return segments


def parse_assignment(argument: str, *, compat: bool = False) -> Assignment | None:
    """Parse one write expression; :class:`InvalidInput` names the argument and the expected forms.

    ``compat`` is cicdstatemgr's ``--set``: the value is stripped and an empty value is skipped
    (``None`` is returned), so ``--set "state.x=$MAYBE_EMPTY"`` keeps working as before.
    """
    key, equals, value = argument.partition("=")
    key = key.strip()
    if not equals or not key:
        raise InvalidInput(f"{argument!r}: expected {FORMS}")
    if compat:
        value = value.strip()
        if not value:
            return None
    typed = key.endswith(":")
    if typed:
        key = key[:-1].rstrip()
    mode: Mode = "set"
    if key.endswith("[]"):
        mode, key = "append", key[:-2]
    elif key.endswith("{}"):
        mode, key = "union", key[:-2]
    if not key:
        raise InvalidInput(f"{argument!r}: expected {FORMS}")
    path = parse_path(key, argument)
    if typed:
        try:
            resolved = json.loads(value)
        except ValueError as exc:
            raise InvalidInput(f"{argument!r}: the value after ':=' must be JSON: {exc}") from exc
    else:
        resolved = resolve_value(value, argument)
    if mode == "set":
        return Assignment(argument, path, mode, resolved)
    if not typed and value.strip() == "[]":
        return Assignment(argument, path, mode, [], clear=True)
    return Assignment(argument, path, mode, _items(resolved, from_json=typed))


def resolve_value(value: str, argument: str) -> Any:
    """``value`` itself, or the content of the file a ``file://`` value names."""
    stripped = value.strip()
    if not stripped.startswith(FILE_PREFIX):
        return value
    return load_file_value(stripped[len(FILE_PREFIX) :], argument)


def load_file_value(path: str, argument: str) -> Any:
    """A file's content as JSON, else YAML, else plain text (cicdstatemgr's order)."""
    if not path:
        raise InvalidInput(f"{argument!r}: file:// needs a file path")
    text = read_text(Path(path), f"{argument!r}: file")
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json_keys(parse_yaml(text))
    except YamlSyntaxError:
        return text


def _items(value: Any, *, from_json: bool) -> list[Any]:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str) and not from_json:
        return value.split(",")
    return [value]


def apply_assignment(document: dict[str, Any], assignment: Assignment) -> None:
    """Apply one write to ``document`` in place. Nothing is changed when it raises."""
    node = document
    for depth, segment in enumerate(assignment.path[:-1]):
        child = node.get(segment)
        if child is None:
            child = node[segment] = {}
        elif not isinstance(child, dict):
            where = ".".join(assignment.path[: depth + 1])
            raise InvalidInput(
                f"{assignment.argument!r}: cannot write below {where}: it holds {describe(child)}, "
                "not an object (set it to an object first, e.g. " + f"{where}:={{}})"
            )
        node = child
    last = assignment.path[-1]
    if assignment.mode == "set":
        node[last] = json.loads(json.dumps(assignment.value))  # a private, JSON-clean copy
        return
    current = node.get(last)
    if assignment.clear:
        node[last] = []
        return
    if current and not isinstance(current, list):
        raise InvalidInput(
            f"{assignment.argument!r}: {assignment.dotted} holds {describe(current)}, not a list; "
            f"[] and {{}} append to lists only"
        )
    items = (current or []) + json.loads(json.dumps(assignment.value))
    node[last] = _unique(items) if assignment.mode == "union" else items


def apply_assignments(document: dict[str, Any], assignments: Sequence[Assignment]) -> list[str]:
    """Apply writes in order; returns the dotted paths touched (for the history)."""
    for assignment in assignments:
        apply_assignment(document, assignment)
    return list(dict.fromkeys(a.dotted for a in assignments))


def _unique(items: list[Any]) -> list[Any]:
    seen: set[str] = set()
    unique = []
    for item in items:
        marker = json.dumps(item, sort_keys=True)
        if marker not in seen:
            seen.add(marker)
            unique.append(item)
    return unique


def describe(value: Any) -> str:
    """A short description of a stored value for error messages: ``a string ('1.2.0')``."""
    return f"{describe_json_type(value)} ({preview(value)})"
