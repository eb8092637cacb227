"""The local files ``load`` writes, in cicdstatemgr's formats: yaml, json, id and sourceable shell.

The shell file flattens the document as cicdstatemgr does (``CICD_`` + keys joined by ``__``, list
items by index, runs of characters outside ``[0-9A-Za-z_]`` turned into one ``_``, keys named in
``excludeKeyNames`` skipped at any depth), with these fixes: every value is single-quoted (a ``'``
becomes ``'\\''``), so sourcing is safe for any content; top-level lists keep their indexes;
``0``, ``False`` and ``""`` are written instead of dropped; a list inside a list is written as JSON.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interceptor.errors import InvalidInput

FORMATS = ("yaml", "json", "sh", "id")
DATASOURCE_FOR_FORMAT = {"yaml": "yamlfile", "json": "jsonfile", "sh": "shellfile", "id": "idfile"}
DEFAULT_BASENAME = "cicdContextData"
_UNSAFE_NAME_RUN = re.compile(r"[^0-9A-Za-z_]+")


@dataclass(frozen=True)
class LocalFile:
    format: str
    path: Path


def parse_formats(text: str) -> list[str]:
    """``"yaml,json"`` → ``["yaml", "json"]``; unknown names raise :class:`InvalidInput`."""
    formats = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in formats if item not in FORMATS]
    if unknown or not formats:
        raise InvalidInput(f"--formats {text!r}: expected a comma-separated subset of {','.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def planned_files(
    out_dir: str | None, formats: Sequence[str] | None, datasources: Mapping[str, Any]
) -> list[LocalFile]:
    """Where each format goes: ``out_dir/cicdContextData.<ext>``, else cicdstatemgr's datasource paths."""
    if out_dir:
        chosen = list(formats or FORMATS)
        return [LocalFile(fmt, Path(out_dir) / f"{DEFAULT_BASENAME}.{fmt}") for fmt in chosen]
    configured = {
        fmt: block["path"]
        for fmt, name in DATASOURCE_FOR_FORMAT.items()
        if isinstance(block := datasources.get(name), dict) and block.get("path")
    }
    if formats is None:
        if not configured:
            raise InvalidInput(
                "no --out directory given and no cicdstatemgr.datasources yamlfile/jsonfile/shellfile/idfile "
                "path configured"
            )
        return [LocalFile(fmt, Path(str(path))) for fmt, path in configured.items()]
    missing = [fmt for fmt in formats if fmt not in configured]
    if missing:
        raise InvalidInput(
            f"--formats {','.join(missing)}: no --out directory given and no "
            f"cicdstatemgr.datasources.{DATASOURCE_FOR_FORMAT[missing[0]]}.path configured"
        )
    return [LocalFile(fmt, Path(str(configured[fmt]))) for fmt in formats]


def exclude_key_names(datasources: Mapping[str, Any]) -> list[str]:
    block = datasources.get("shellfile")
    names = block.get("excludeKeyNames") if isinstance(block, dict) else None
    return [str(name) for name in names] if isinstance(names, list) else []


def render_file(fmt: str, context_id: str, document: Mapping[str, Any], exclude: Iterable[str] = ()) -> str:
    """The content of one local file."""
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(dict(document), default_flow_style=False, sort_keys=False))
    if fmt == "json":
        return json.dumps(document, indent=2)
    if fmt == "id":
        return context_id  # no trailing newline, as cicdstatemgr writes it
    if fmt == "sh":
        return shell_file(document, exclude)
    raise InvalidInput(f"unknown local file format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_files(
    files: Sequence[LocalFile], context_id: str, document: Mapping[str, Any], exclude: Iterable[str] = ()
) -> None:
    """Write each file atomically (a reader never sees half a file); parent directories are created."""
    excluded = list(exclude)
    for local in files:
        content = render_file(local.format, context_id, document, excluded)
        _write_atomically(local.path, content)


def _write_atomically(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(temp_name, path)
        except BaseException:
            os.unlink(temp_name)
            raise
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc


def shell_file(document: Mapping[str, Any], exclude: Iterable[str] = ()) -> str:
    """``CICD_<name>='<value>'`` lines, one per flattened scalar."""
    variables: dict[str, str] = {}
    for key, value in flatten(document, frozenset(exclude)):
        variables[_UNSAFE_NAME_RUN.sub("_", key)] = value
    return "".join(f"CICD_{name}={shell_quote(value)}\n" for name, value in variables.items())


def flatten(node: Mapping[str, Any], exclude: frozenset[str], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(``a__b__0``, text) pairs for every scalar below ``node``; empty lists and objects give nothing."""
    for key, value in node.items():
        if key in exclude:
            continue
        name = f"{prefix}__{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from flatten(value, exclude, name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from flatten(item, exclude, f"{name}__{index}")
                else:
                    yield f"{name}__{index}", _text(item)
        else:
            yield name, _text(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)  # True, 5, 1.5 as cicdstatemgr writes them


def shell_quote(value: str) -> str:
    """Single-quote ``value`` for POSIX shells; nothing inside is expanded."""
    return "'" + value.replace("'", "'\\''") + "'"
