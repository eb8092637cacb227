"""Generators (``interceptor context generate ID JSONPATH``, cicdstatemgr's ``--generate``).

The JSONPath must select exactly one node of the document: ``{cfgName: {set: [{key, value}], ...}}``.
Each cfg, in order, gets a template context with the config under ``generator`` plus the
tmpl-ctx-vars, passes the gate (``enabled``/``when``/``if``, the same rule as handlers), and for
each entry renders ``key``; when ``key`` is non-empty and ``value`` is set, ``value`` is rendered,
stripped and stored at ``key`` (which may end in ``:=``, ``[]`` or ``{}``). Later cfgs see earlier
results. An empty rendered value is stored as ``""``, as cicdstatemgr does.

The caller persists: ``store.update(id, replay(result.assignments), change)``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from handlers.gate import GATE_KEYS, CelSource, Evaluator, flag, skip_reason
from handlers.result import FAILED, OK, SKIPPED, HandlerResult
from handlers.workspace import Workspace, replay
from interceptor.context.paths import Assignment
from interceptor.context.reads import find
from interceptor.errors import InterceptorError, InvalidInput, NotFound
from interceptor.settings import Settings
from interceptor.store.base import Change, ContextStore, Document, Mutation


@dataclass
class Generated:
    """The document after the generators ran, the writes to replay, and one result per cfg."""

    document: Document
    assignments: list[Assignment] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    results: list[HandlerResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.status == FAILED and not r.optional for r in self.results)

    def mutation(self) -> Mutation:
        return Mutation(self.document, self.paths)

    def mutate(self) -> Callable[[Document], Mutation]:
        """``mutate`` for ``store.update``: replays these writes onto the stored document."""
        return replay(self.assignments)


class _LazyCel:
    def __init__(self, cel: Evaluator | None) -> None:
        self._cel = cel

    def cel_env(self) -> Evaluator:
        if self._cel is None:
            from interceptor.cel import CelEnvironment

            self._cel = CelEnvironment()
        return self._cel


def generate(
    document: Document,
    jsonpath: str,
    tmpl_ctx_vars: Sequence[str] = (),
    *,
    config_data: Mapping[str, Any],
    cel: Evaluator | None = None,
    event: Mapping[str, Any] | None = None,
) -> Generated:
    """Run the generator block at ``jsonpath`` on a copy of ``document``.

    Raises :class:`NotFound` when the path selects nothing and :class:`InvalidInput` when it
    selects several nodes or something that is not a mapping of generator configs.
    """
    matches = find(document, jsonpath)
    if not matches:
        raise NotFound(f"generate: {jsonpath!r} selects nothing in the context document")
    if len(matches) > 1:
        raise InvalidInput(f"generate: {jsonpath!r} selects {len(matches)} nodes; it must select exactly one")
    configs = matches[0]
    if not isinstance(configs, dict):
        raise InvalidInput(
            f"generate: {jsonpath!r} must select a mapping of generator configs, got {type(configs).__name__}"
        )
    workspace = Workspace(document, config_data, tmpl_ctx_vars=tmpl_ctx_vars, event=event)
    source = _LazyCel(cel)
    results = [
        _run_one(str(name), config, workspace, source) for name, config in copy.deepcopy(configs).items()
    ]
    return Generated(workspace.document, workspace.writes, workspace.paths, results)


def _run_one(name: str, config: Any, workspace: Workspace, cel: CelSource) -> HandlerResult:
    result = HandlerResult("generator", name, OK)
    try:
        if not isinstance(config, dict):
            raise InvalidInput(
                f"generator {name}: expected a mapping with 'set', got {type(config).__name__}"
            )
        result.optional = flag(config.get("optional"), f"generator {name}.optional", default=False)
        context = workspace.context("generator", config)
        reason = skip_reason([(f"generator {name}", config)], workspace, context, cel)
        if reason:
            result.status, result.detail = SKIPPED, reason
            return result
        result.detail = _apply(name, config, workspace, context)
        unknown = sorted(set(config) - {"set", *GATE_KEYS})
        if unknown:
            result.detail += f"; warning: unknown key {', '.join(map(repr, unknown))} ignored"
    except InterceptorError as exc:
        result.status = FAILED
        result.detail = f"optional, ignored: {exc.message}" if result.optional else exc.message
    return result


def _apply(name: str, config: dict[str, Any], workspace: Workspace, context: dict[str, Any]) -> str:
    entries = config.get("set")
    if not isinstance(entries, list):
        raise InvalidInput(f"generator {name}.set: expected a list of {{key, value}}")
    written = []
    for index, entry in enumerate(entries):
        where = f"generator {name}.set[{index}]"
        if not isinstance(entry, dict) or "key" not in entry:
            raise InvalidInput(f"{where}: expected a mapping with 'key' and 'value'")
        unknown = sorted(set(entry) - {"key", "value"})
        if unknown:
            raise InvalidInput(f"{where}: unknown key {unknown[0]!r} (expected 'key' and 'value')")
        key = workspace.render(entry["key"], context, f"{where}.key")
        if not key.strip() or not entry.get("value"):
            continue
        value = workspace.render(entry["value"], context, f"{where}.value")
        path = workspace.write_rendered(key, value, where, keep_empty=True)
        if path:
            written.append(path)
    return f"set {', '.join(written)}" if written else "nothing to set"


async def run_generator(
    store: ContextStore,
    settings: Settings,
    context_id: str,
    jsonpath: str,
    tmpl_ctx_vars: Sequence[str],
    change: Change,
) -> Document | None:
    """``context generate`` / ``--generate`` on a stored context (what
    :mod:`interceptor.context.generate` calls). Returns the stored document when something was
    set, ``None`` when nothing was. A failed cfg (not ``optional``) raises and stores nothing."""
    document = await store.get(context_id)
    if document is None:
        raise NotFound(f"context {context_id!r} not found")
    result = generate(document, jsonpath, tmpl_ctx_vars, config_data=settings.cicdstatemgr)
    if result.failed:
        failed = [r.line() for r in result.results if r.status == FAILED and not r.optional]
        raise InvalidInput(f"generate {jsonpath}: " + "; ".join(failed))
    if not result.paths:
        return None
    return await store.update(context_id, result.mutate(), Change(change.actor, change.source, result.paths))
