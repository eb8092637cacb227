"""``set-values``: write rendered values into the document.

Config ``{set: [{from, to}], ...gate keys}`` or named blocks of those. The template context is
built once per block (later ``from``s of the same block do not see earlier writes; later blocks
do). Every ``from`` of the block is rendered before anything is written, so a template error
leaves the block's writes out entirely. A ``from`` that renders empty sets nothing. ``to`` is a
rendered path and may end in ``:=`` (typed JSON), ``[]`` or ``{}``.
"""

from __future__ import annotations

from typing import Any

from handlers.blocks import Block, Outcome
from handlers.result import OK
from handlers.runtime import Runtime
from handlers.workspace import Workspace
from interceptor.errors import InvalidInput

KEYS = frozenset({"set"})


async def run(block: Block, workspace: Workspace, context: dict[str, Any], runtime: Runtime) -> Outcome:
    entries = block.config["set"]
    if not isinstance(entries, list):
        raise InvalidInput(
            f"{block.label}.set: expected a list of {{from, to}}, got {type(entries).__name__}"
        )
    pending: list[tuple[str, str, str]] = []
    for index, entry in enumerate(entries):
        where = f"{block.label}.set[{index}]"
        if not isinstance(entry, dict) or "from" not in entry or "to" not in entry:
            raise InvalidInput(f"{where}: expected a mapping with 'from' and 'to', got {entry!r}"[:300])
        unknown = sorted(set(entry) - {"from", "to"})
        if unknown:
            raise InvalidInput(f"{where}: unknown key {unknown[0]!r} (expected 'from' and 'to')")
        value = workspace.render(entry["from"], context, f"{where}.from")
        if value.strip():
            pending.append((workspace.render(entry["to"], context, f"{where}.to"), value, where))
    written = [path for to, value, where in pending if (path := workspace.write_rendered(to, value, where))]
    if not written:
        return Outcome(OK, "nothing to set (every 'from' rendered empty)")
    return Outcome(OK, f"set {', '.join(written)}")
