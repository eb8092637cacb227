"""Who made a change (the actor) and how a context's history is printed.

The actor is ``--actor``, else ``$INTERCEPTOR_ACTOR``, else the OS user. ``history`` prints one JSON
object per line (``{"at": ..., "actor": ..., "paths": [...], "source": ..., "time": ...}``, oldest
first), which ``jq`` and ``grep`` read directly; ``--format yaml`` prints a YAML list instead. An
entry written by an event run also has ``"details": {"event": "<pipeline>=<event>", "handlers":
[{"type", "block", "status", "detail"}]}``, so a handler that failed is visible in the audit trail.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from interceptor.store.base import HistoryEntry


def resolve_actor(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``explicit``, else ``INTERCEPTOR_ACTOR``, else the OS user name (``uid:<n>`` without one)."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    if env.get("INTERCEPTOR_ACTOR"):
        return env["INTERCEPTOR_ACTOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return f"uid:{os.getuid()}"


def format_history(entries: Sequence[HistoryEntry], output: str = "json") -> str:
    """JSON lines (default) or a YAML list; ``at`` is unix seconds, ``time`` the same in ISO 8601."""
    rows = [_row(entry) for entry in entries]
    if output == "yaml":
        import yaml

        return (
            str(yaml.safe_dump(rows, default_flow_style=False, sort_keys=False)).rstrip("\n") if rows else ""
        )
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)


def _row(entry: HistoryEntry) -> dict[str, Any]:
    """The entry with ``time`` beside ``at``; the (long) ``details`` come last."""
    row = entry.to_json()
    details = row.pop("details", None)
    row["time"] = _iso(entry.at)
    if details:
        row["details"] = details
    return row


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
