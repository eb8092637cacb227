"""The context operations the CLI, the cicdstatemgr drop-in and the interceptors share.

Each takes an open :class:`~interceptor.store.base.ContextStore`. Writes go through
``store.update`` with a pure ``mutate`` that touches only its own paths, so concurrent writers of
different paths never lose each other's updates; files named by ``file://`` are read *before*
the update, never inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from interceptor.context.paths import Assignment, apply_assignments
from interceptor.errors import NotFound
from interceptor.store.base import Change, ContextStore, Document, Mutation


async def require_document(store: ContextStore, context_id: str) -> Document:
    """The stored document; :class:`NotFound` naming the id and the store when there is none."""
    document = await store.get(context_id)
    if document is None:
        raise NotFound(f"context {context_id!r} not found in {store.url_for_display}")
    return document


def assignment_update(
    assignments: Sequence[Assignment], change: Change
) -> tuple[Callable[[Document], Mutation], Change]:
    """The ``mutate`` and the history :class:`Change` of one write of ``assignments``: what every
    store's atomic ``update`` (async, or the CLI's one-shot writer) is given."""
    paths = list(dict.fromkeys(a.dotted for a in assignments))

    def mutate(document: Document) -> Mutation:
        return Mutation(document, apply_assignments(document, assignments))

    return mutate, Change(change.actor, change.source, paths)


async def set_values(
    store: ContextStore,
    context_id: str,
    assignments: Sequence[Assignment],
    change: Change,
    *,
    lock_token: int | None = None,
) -> Document:
    """Apply ``assignments`` atomically; returns the stored document. A failed write changes nothing."""
    mutate, recorded = assignment_update(assignments, change)
    return await store.update(context_id, mutate, recorded, lock_token=lock_token)


def render_result(
    value: Any,
    document: Mapping[str, Any],
    config_data: Mapping[str, Any],
    tmpl_ctx_vars: Sequence[str] = (),
) -> Any:
    """A non-empty string result rendered as a template (macros prepended, cicdstatemgr's context).

    Anything else is returned as is. Rendering runs in the sandbox; stored data is executed as a
    template only when the caller asks for it (``--render``, and always in the drop-in).
    """
    if not isinstance(value, str) or not value:
        return value
    from interceptor.context.tmpl_vars import template_context
    from interceptor.templating import render

    macros = document.get("jinja2Macros")
    all_macros = macros.get("all", "") if isinstance(macros, dict) else ""
    context = template_context(document, config_data, tmpl_ctx_vars)
    return render(value, context, macros=all_macros if isinstance(all_macros, str) else "")
