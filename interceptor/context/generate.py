"""``context generate`` / ``cicdstatemgr --generate``: run the generator block at a JSONPath.

The generator engine (cicdstatemgr §6.11 semantics) lives with the event handlers in
:mod:`handlers.generators`; this module only finds it, so the context CLI works (and says so
clearly) while that package is absent.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from interceptor.errors import Code, InterceptorError
from interceptor.settings import Settings
from interceptor.store.base import Change, ContextStore, Document


class NotAvailable(InterceptorError):
    """A feature whose implementing package is not installed in this build."""

    code = Code.UNIMPLEMENTED


async def run_generator(
    store: ContextStore,
    settings: Settings,
    context_id: str,
    jsonpath: str,
    tmpl_ctx_vars: Sequence[str],
    change: Change,
) -> Document | None:
    """Run the generator at ``jsonpath``; returns the stored document when something was set."""
    try:
        generators: Any = importlib.import_module("handlers.generators")
    except ModuleNotFoundError as exc:
        if exc.name not in ("handlers", "handlers.generators"):
            raise
        raise NotAvailable(
            "generate is not available: the handlers.generators module is not installed"
        ) from exc
    result: Document | None = await generators.run_generator(
        store, settings, context_id, jsonpath, list(tmpl_ctx_vars), change
    )
    return result
