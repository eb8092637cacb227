"""``cicdstatemgr --handle-event``: run a pipeline event's handlers through :mod:`handlers.runner`,
turning a failed (non-optional) block into a non-zero exit, which cicdstatemgr never did."""

from __future__ import annotations

from collections.abc import Sequence

from interceptor.errors import InterceptorError
from interceptor.settings import Settings
from interceptor.store.base import Change, ContextStore, Document


class EventFailed(InterceptorError):
    """A handler block that is not ``optional`` failed; the message lists the failed blocks."""


async def handle_event(
    store: ContextStore,
    settings: Settings,
    context_id: str,
    pipeline: str,
    event: str,
    tmpl_ctx_vars: Sequence[str],
    change: Change,
) -> Document:
    """Run ``pipeline=event`` on the stored context; returns the document as stored afterwards.
    Print-mode output (no Slack token) goes to stdout."""
    # Imported here: plain reads never pay for the handlers.
    from handlers.runner import handle_event as run_handlers
    from handlers.runtime import Runtime
    from interceptor.outbound import OutboundClient

    outbound = OutboundClient(settings.outbound)
    try:
        result = await run_handlers(
            Runtime(settings, outbound, store, printer=print),
            context_id,
            pipeline,
            event,
            tmpl_ctx_vars=list(tmpl_ctx_vars),
            allow_missing_event=True,  # cicdstatemgr runs nothing for an event without handlers
            actor=change.actor,
            source=change.source,
        )
    finally:
        await outbound.close()
    failed = [h.line() for h in result.handlers if h.status == "failed" and not h.optional]
    if failed:
        raise EventFailed(f"{pipeline}={event} on context {context_id!r}: " + "; ".join(failed))
    if result.document is not None:
        return dict(result.document)
    document = await store.get(context_id)
    return document or {}
