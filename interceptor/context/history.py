"""Who made a change (the actor) and how a context's history is printed.

The actor is ``--actor``, else ``$INTERCEPTOR_ACTOR``, else the OS user. ``history`` prints one JSON
object per line (``{"at": ..., "actor": ..., "paths": [...], "source": ...}``, oldest first), which
``jq`` and ``grep`` read directly; ``--format yaml`` prints a YAML list instead.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

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
    rows = [{**entry.to_json(), "time": _iso(entry.at)} for entry in entries]
    if output == "yaml":
        import yaml

        return (
            str(yaml.safe_dump(rows, default_flow_style=False, sort_keys=False)).rstrip("\n") if rows else ""
        )
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
