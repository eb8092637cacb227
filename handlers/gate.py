"""Whether a block runs: ``enabled``, ``when`` (CEL) and ``if`` (jinja2), and whether it is ``optional``.

The rule, the same for every handler type and for generators (cicdstatemgr applied it three
different ways):

1. ``enabled``: ``false`` (the boolean, or the string ``false``/``no``/``off``/``0``, any case)
   disables. It is honoured at the handler-type level (beside the named blocks) and on each block.
   Anything other than a boolean or those strings is an error, not a silent "enabled".
2. ``when``: a CEL expression over ``state`` (the document's state), ``event`` (``contextId``,
   ``pipeline``, ``event``, ``vars``) and ``vars`` (the resolved tmpl-ctx-vars). It must give a
   boolean; ``false`` skips.
3. ``if``: a jinja2 template. It runs when the rendered text, **stripped**, is non-empty (so
   ``"False"`` and ``"None"`` still count as true, as in cicdstatemgr; use ``when`` for boolean
   logic). A template that fails to render counts as empty (cicdstatemgr's blank-on-error, which
   configs rely on to skip when e.g. ``event.data`` is absent); the skip detail names the error.
   A sandbox violation is a failure, never a skip.

The type level is checked before the block level; a block with both ``when`` and ``if`` runs only
when both pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from handlers.workspace import Workspace
from interceptor.errors import InvalidInput

GATE_KEYS = ("enabled", "if", "when", "optional")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class Evaluator(Protocol):
    def evaluate(self, expression: str, variables: Mapping[str, Any]) -> Any: ...


class CelSource(Protocol):
    def cel_env(self) -> Evaluator: ...


def flag(value: Any, where: str, *, default: bool) -> bool:
    """A boolean setting written as a YAML boolean or as a string (``"false"``); ``null`` = default."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise InvalidInput(f"{where}: expected true or false, got {value!r}")


def skip_reason(
    levels: Sequence[tuple[str, Mapping[str, Any]]],
    workspace: Workspace,
    context: Mapping[str, Any],
    cel: CelSource,
) -> str | None:
    """``None`` when the block runs, else why it is skipped. ``levels`` are (label, config) pairs,
    outermost first; the label prefixes messages (``notify.enabled``)."""
    for label, config in levels:
        if not flag(config.get("enabled"), f"{label}.enabled", default=True):
            return f"disabled ({label}.enabled: {config.get('enabled')})"
    for label, config in levels:
        expression = config.get("when")
        if expression is None:
            continue
        if not isinstance(expression, str) or not expression.strip():
            raise InvalidInput(f"{label}.when: expected a CEL expression string, got {expression!r}")
        if not _when(expression, workspace, cel, f"{label}.when"):
            return f"{label}.when is false: {expression.strip()}"
    for label, config in levels:
        if "if" not in config or config["if"] is None:
            continue
        text, error = workspace.render_gate(config["if"], context, f"{label}.if")
        if not text.strip():
            cause = f" (template error: {error})" if error else ""
            return f"{label}.if rendered empty{cause}"
    return None


def _when(expression: str, workspace: Workspace, cel: CelSource, where: str) -> bool:
    variables = {
        "state": workspace.document.get("state") or {},
        "event": workspace.event,
        "vars": workspace.vars_view(),
    }
    try:
        result = cel.cel_env().evaluate(expression, variables)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc.message}") from exc
    if not isinstance(result, bool):
        raise InvalidInput(f"{where}: expected a boolean, got {result!r} from {expression.strip()!r}")
    return result
