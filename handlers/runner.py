"""Running one event: ``pipelines.<pipeline>.event-handlers.<event>`` of a context document.

:func:`handle_event` is the one entry point for the CLI (``event handle``), the ``event``
interceptor and the cicdstatemgr drop-in (``--handle-event``). Order of operations, as
cicdstatemgr: apply ``sets`` to the document, run every handler block in merged YAML order (later
blocks see earlier writes), then persist. Persisting is ONE ``store.update`` that replays the
recorded writes (sets first, then the handlers', in order) onto the freshly read stored document
and appends one history entry, so concurrent events on one context never lose each other's writes.
That entry is written for every event run, even one that wrote nothing (``paths: []``): its
``details`` name the event and every block's outcome (:func:`history_details`).

A block's failure is a result (``status: failed``), not an exception; the other blocks still run
and their writes are still stored. Exceptions are for the run itself: a missing context, pipeline
or event (:class:`NotFound`) and store errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from handlers.blocks import Block, HandlerType, split_blocks
from handlers.gate import flag, skip_reason
from handlers.registry import HANDLERS
from handlers.result import FAILED, SKIPPED, EventResult, HandlerResult
from handlers.runtime import Runtime
from handlers.workspace import Workspace, replay, text_assignment
from interceptor.context.paths import Assignment, parse_assignment
from interceptor.errors import InterceptorError, InvalidInput, NotFound
from interceptor.store.base import Change, Document

Sets = Sequence[str | Assignment] | Mapping[str, Any]
TmplCtxVars = Sequence[str] | Mapping[str, Any]


def event_handlers(document: Document, context_id: str, pipeline: str, event: str) -> dict[str, Any]:
    """The handler map of ``pipeline``/``event``; :class:`NotFound` names what is missing and lists
    what exists."""
    pipelines = document.get("pipelines")
    if not isinstance(pipelines, dict) or pipeline not in pipelines:
        known = ", ".join(sorted(pipelines)) if isinstance(pipelines, dict) and pipelines else "none"
        raise NotFound(
            f"pipeline {pipeline!r} not found in context {context_id!r} (known pipelines: {known})"
        )
    handlers = (
        (pipelines[pipeline] or {}).get("event-handlers") if isinstance(pipelines[pipeline], dict) else None
    )
    if not isinstance(handlers, dict) or event not in handlers:
        known = ", ".join(sorted(handlers)) if isinstance(handlers, dict) and handlers else "none"
        raise NotFound(f"event {event!r} has no handlers in pipeline {pipeline!r} (known events: {known})")
    config = handlers[event]
    return config if isinstance(config, dict) else {}


def parse_sets(sets: Sets) -> list[Assignment]:
    """``--set`` expressions (``P=V``, ``P:=JSON``, ``P[]=A,B``, ``file://`` read locally), already
    parsed assignments, or a posted ``{path: value}`` map: a string value is stored as text (never
    read as ``file://`` on this host), any other JSON value as typed JSON."""
    if isinstance(sets, Mapping):
        parsed = []
        for path, value in sets.items():
            if isinstance(value, str):
                assignment = text_assignment(str(path), value, f"set {path!r}", keep_empty=True)
            else:
                assignment = parse_assignment(f"{str(path).removesuffix(':')}:={json.dumps(value)}")
            if assignment is not None:
                parsed.append(assignment)
        return parsed
    result = []
    for item in sets:
        if isinstance(item, Assignment):
            result.append(item)
        else:
            assignment = parse_assignment(item)
            if assignment is not None:
                result.append(assignment)
    return result


def tmpl_var_items(tmpl_ctx_vars: TmplCtxVars) -> list[str]:
    if isinstance(tmpl_ctx_vars, Mapping):
        return [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in tmpl_ctx_vars.items()]
    return list(tmpl_ctx_vars)


async def run_handlers(
    runtime: Runtime, workspace: Workspace, handlers: Mapping[str, Any]
) -> list[HandlerResult]:
    """Run every block of ``handlers`` in order against ``workspace``."""
    results: list[HandlerResult] = []
    for type_name, config in handlers.items():
        handler = HANDLERS.get(type_name)
        if handler is None:
            known = ", ".join(HANDLERS)
            results.append(
                HandlerResult(
                    str(type_name), "", FAILED, f"unknown handler type {type_name!r} (known: {known})"
                )
            )
            continue
        for block in split_blocks(handler, config):
            results.append(await run_block(runtime, workspace, handler, block))
    return results


async def run_block(
    runtime: Runtime, workspace: Workspace, handler: HandlerType, block: Block
) -> HandlerResult:
    result = HandlerResult(block.type, block.name, FAILED)
    try:
        result.optional = any(
            flag(config.get("optional"), f"{label}.optional", default=False)
            for label, config in block.levels()
        )
        if block.error:
            disabled = [
                label
                for label, config in block.levels()
                if not flag(config.get("enabled"), label, default=True)
            ]
            if disabled:
                result.status, result.detail = SKIPPED, f"disabled ({disabled[0]}.enabled: false)"
            else:
                result.detail = block.error
            return _finish(result)
        context = workspace.context(handler.context_key, block.config)
        reason = skip_reason(block.levels(), workspace, context, runtime)
        if reason:
            result.status, result.detail = SKIPPED, reason
            return result
        outcome = await handler.run(block, workspace, context, runtime)
        result.status, result.detail = outcome.status, outcome.detail
        unknown = block.unknown_keys(handler)
        if unknown:
            result.detail += f"; warning: unknown key {', '.join(map(repr, unknown))} ignored"
    except InterceptorError as exc:
        result.status, result.detail = FAILED, exc.message
    return _finish(result)


def history_details(result: EventResult) -> dict[str, Any]:
    """What the history entry of an event run records besides its paths: the event and every
    block's outcome, so a failed (or skipped) handler is part of the audit trail."""
    return {
        "event": f"{result.pipeline}={result.event}",
        "handlers": [handler.to_json() for handler in result.handlers],
    }


def _finish(result: HandlerResult) -> HandlerResult:
    if result.status == FAILED and result.optional:
        result.detail = f"optional, ignored: {result.detail}"
    return result


async def handle_event(
    runtime: Runtime,
    context_id: str,
    pipeline: str,
    event: str,
    *,
    sets: Sets = (),
    tmpl_ctx_vars: TmplCtxVars = (),
    document: Document | None = None,
    persist: bool = True,
    allow_missing_event: bool = False,
    actor: str = "interceptor",
    source: str = "event",
) -> EventResult:
    """Apply ``sets``, run ``pipeline``/``event``'s handlers, persist the writes; see the module doc.

    ``document``: run on this in-memory document instead of reading the store (the drop-in's
    ``--init-new``/``--load``). ``persist=False`` (or ``runtime.dry_run``) stores nothing; the
    caller then finds the new document in ``result.document`` and the writes in ``result.paths``.
    ``allow_missing_event``: an event without handlers runs nothing instead of raising
    :class:`NotFound` (cicdstatemgr's behaviour; an unknown *pipeline* always raises).
    """
    if document is None:
        if runtime.store is None:
            raise InvalidInput("handle_event: neither a document nor a store was given")
        document = await runtime.store.get(context_id)
        if document is None:
            raise NotFound(f"context {context_id!r} not found")
    items = tmpl_var_items(tmpl_ctx_vars)
    try:
        handlers = event_handlers(document, context_id, pipeline, event)
    except NotFound:
        if not allow_missing_event or not isinstance((document.get("pipelines") or {}).get(pipeline), dict):
            raise
        handlers = {}
    payload = {
        "contextId": context_id,
        "pipeline": pipeline,
        "event": event,
        "vars": dict(item.partition("=")[::2] for item in items),
    }
    workspace = Workspace(document, runtime.config_data, tmpl_ctx_vars=items, event=payload)
    for assignment in parse_sets(sets):
        workspace.apply(assignment)
    results = await run_handlers(runtime, workspace, handlers)
    result = EventResult(context_id, pipeline, event, results, workspace.document, workspace.paths)
    if persist and not runtime.dry_run and runtime.store is not None:
        change = Change(
            actor=actor,
            source=f"{source} {pipeline}={event}",
            paths=workspace.paths,
            details=history_details(result),
        )
        result.document = await runtime.store.update(context_id, replay(workspace.writes), change)
    return result
