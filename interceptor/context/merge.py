"""cicdstatemgr's merge of an app pipeline config over its ``bases``.

The rules are cicdstatemgr's ``dict_merge`` exactly, so merged documents are identical:

* a key that is missing or **falsy** in the base (``None``, ``""``, ``0``, ``False``, ``{}``,
  ``[]``) takes the later value with no type check;
* two mappings merge recursively;
* any other value of the same type (scalars, **lists**) is replaced: later wins, lists are never
  appended;
* a truthy value meeting a value of another type is an error. cicdstatemgr raised a bare
  ``TypeError``; here the message names the key path and both files.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from interceptor.errors import InvalidInput
from interceptor.json_types import describe_yaml_type, preview

KeyPath = tuple[str, ...]


class MergeTrace:
    """Remembers which file last set each key path, to name both sides of a type conflict."""

    def __init__(self) -> None:
        self._origins: dict[KeyPath, str] = {}

    def record(self, path: KeyPath, source: str) -> None:
        # Everything below ``path`` now comes from ``source``: forget deeper records.
        for known in [p for p in self._origins if p[: len(path)] == path and len(p) > len(path)]:
            del self._origins[known]
        self._origins[path] = source

    def origin(self, path: KeyPath) -> str:
        for length in range(len(path), 0, -1):
            if path[:length] in self._origins:
                return self._origins[path[:length]]
        return "an earlier file"


def merge_config(
    base: Mapping[str, Any], over: Mapping[str, Any], source: str, trace: MergeTrace, path: KeyPath = ()
) -> dict[str, Any]:
    """Merge ``over`` (read from file ``source``) into a copy of ``base`` by cicdstatemgr's rules."""
    merged = dict(base)
    for key, value in over.items():
        key_path = (*path, key)
        current = merged.get(key)
        if not current:
            merged[key] = copy.deepcopy(value)
            trace.record(key_path, source)
        elif type(value) is not type(current):
            raise InvalidInput(
                f"cannot merge {source}: key {'.'.join(key_path)} is {_kind(current)} in "
                f"{trace.origin(key_path)} but {_kind(value)} in {source}; a file may override a "
                "value only with one of the same type"
            )
        elif isinstance(current, dict):
            merged[key] = merge_config(current, value, source, trace, key_path)
        else:
            merged[key] = copy.deepcopy(value)
            trace.record(key_path, source)
    return merged


def _kind(value: Any) -> str:
    return f"{describe_yaml_type(value)} ({preview(value)})"
