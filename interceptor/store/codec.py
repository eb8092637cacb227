"""How documents, history entries and records are written as JSON text, and read back safely.

Both backends store the same text, so a document moves between SQLite and Redis unchanged. Key
order is kept (cicdstatemgr's files depend on it); NaN and other non-JSON values are refused
before anything is written. A stored value that does not decode is reported, never repaired.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from interceptor.errors import CorruptDocument, InvalidInput
from interceptor.store.base import Change, Document, HistoryEntry, Mutation

WHOLE_DOCUMENT = "."  # the history path of a write that replaced the whole document (create)


def dump_json(value: Any, what: str) -> str:
    """Compact JSON text for ``value``; :class:`InvalidInput` names ``what`` when it is not JSON."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what}: not JSON-serialisable: {exc}") from exc


def dump_document(context_id: str, document: object) -> str:
    if not isinstance(document, dict):
        raise InvalidInput(
            f"context {context_id}: a document must be a JSON object, got {type(document).__name__}"
        )
    return dump_json(document, f"context {context_id}")


def load_document(context_id: str, raw: str | bytes) -> Document:
    """The stored document; :class:`CorruptDocument` when ``raw`` is not a JSON object."""
    value = _load(raw, f"context {context_id}")
    if not isinstance(value, dict):
        raise CorruptDocument(
            f"context {context_id}: the stored value is a JSON {type(value).__name__}, not an object; "
            "it was left untouched"
        )
    return value


def load_record(key: str, raw: str | bytes) -> Any:
    return _load(raw, f"record {key}")


def creation_entry(at: float, change: Change) -> HistoryEntry:
    """The history entry of a ``create``: the change's paths, else the whole document."""
    return HistoryEntry(
        at, change.actor, change.source, list(change.paths) or [WHOLE_DOCUMENT], change.details
    )


def update_entry(at: float, change: Change, mutation: Mutation) -> HistoryEntry:
    """The history entry of an ``update``: the mutation's paths when it states them (an empty list
    included: nothing was written), else the change's."""
    paths = change.paths if mutation.paths is None else mutation.paths
    return HistoryEntry(at, change.actor, change.source, list(paths), change.details)


def dump_history_entry(entry: HistoryEntry) -> str:
    return dump_json(entry.to_json(), "history entry")


def load_history(context_id: str, raws: Sequence[str | bytes]) -> list[HistoryEntry]:
    entries = []
    for index, raw in enumerate(raws):
        value = _load(raw, f"context {context_id}: history entry {index}")
        try:
            if not isinstance(value, dict):
                raise TypeError(f"expected an object, got {type(value).__name__}")
            details = value.get("details", {})
            if not isinstance(details, dict):
                raise TypeError(f"details must be an object, got {type(details).__name__}")
            entries.append(
                HistoryEntry(
                    at=float(value["at"]),
                    actor=str(value["actor"]),
                    source=str(value["source"]),
                    paths=[str(path) for path in value["paths"]],
                    details=details,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptDocument(
                f"context {context_id}: history entry {index} lacks a valid {exc} field"
                if isinstance(exc, KeyError)
                else f"context {context_id}: history entry {index} is malformed: {exc}"
            ) from exc
    return entries


def _load(raw: str | bytes, what: str) -> Any:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise CorruptDocument(f"{what}: the stored value is not UTF-8 text; it was left untouched") from exc
    except json.JSONDecodeError as exc:
        raise CorruptDocument(
            f"{what}: the stored value is not valid JSON ({exc}); it was left untouched"
        ) from exc
