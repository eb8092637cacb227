"""The working copy of a context document while one event's handlers run, and every write they make.

Handlers never write the store directly. Each write is parsed into an
:class:`~interceptor.context.paths.Assignment`, applied to the working copy (so later blocks see it,
as in cicdstatemgr) and recorded. Persisting replays the recorded assignments onto the *freshly
read* stored document inside one atomic ``store.update``, so two events running on one context at
the same time both keep their writes instead of the last one overwriting the other.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jinja2

from interceptor.context.paths import FILE_PREFIX, Assignment, apply_assignment, parse_assignment
from interceptor.context.tmpl_vars import template_context
from interceptor.errors import InvalidInput
from interceptor.store.base import Document, Mutation
from interceptor.templating import TemplateError, render


class Workspace:
    """One event run's document, configuration and template inputs."""

    def __init__(
        self,
        document: Document,
        config_data: Mapping[str, Any],
        *,
        tmpl_ctx_vars: Sequence[str] = (),
        event: Mapping[str, Any] | None = None,
    ) -> None:
        self.document: Document = copy.deepcopy(document)
        self.config_data = config_data
        self.tmpl_ctx_vars = list(tmpl_ctx_vars)
        self.event = dict(event or {})
        self.writes: list[Assignment] = []

    @property
    def macros(self) -> str:
        """``jinja2Macros.all``: prepended to every template so the app's macros are callable."""
        macros = self.document.get("jinja2Macros")
        value = macros.get("all") if isinstance(macros, dict) else None
        return value if isinstance(value, str) else ""

    def context(self, key: str | None = None, config: Any = None) -> dict[str, Any]:
        """cicdstatemgr's template context, built from the *current* working copy: the document,
        ``configData``, the tmpl-ctx-vars, and the handler's own config (a copy) under ``key``."""
        context = template_context(self.document, self.config_data, self.tmpl_ctx_vars)
        if key is not None:
            context[key] = copy.deepcopy(config)
        return context

    def vars_view(self) -> dict[str, Any]:
        """The resolved tmpl-ctx-vars alone (CEL's ``vars``): ``event.data=state.x`` gives
        ``{"event": {"data": <state.x>}}``."""
        if not self.tmpl_ctx_vars:
            return {}
        full = template_context(self.document, {}, self.tmpl_ctx_vars)
        tops = {item.partition("=")[0].strip().split(".")[0].rstrip("[]{}") for item in self.tmpl_ctx_vars}
        return {top: full[top] for top in tops if top in full}

    def render(self, template: Any, context: Mapping[str, Any], where: str) -> str:
        """Render ``template`` (non-strings are rendered as ``str(value)``, as cicdstatemgr does).
        A failure raises :class:`TemplateError` naming ``where``."""
        try:
            return render(str(template), context, macros=self.macros)
        except TemplateError as exc:
            raise TemplateError(f"{where}: {exc.message}") from exc

    def render_gate(self, template: Any, context: Mapping[str, Any], where: str) -> tuple[str, str]:
        """Render an ``if``: returns ``(text, error)``; a render error gives ``("", message)``
        (cicdstatemgr's blank-on-error), but a sandbox violation raises."""
        try:
            return render(str(template), context, macros=self.macros), ""
        except TemplateError as exc:
            if isinstance(exc.__cause__, jinja2.exceptions.SecurityError):
                raise TemplateError(f"{where}: {exc.message}") from exc
            return "", exc.message

    def apply(self, assignment: Assignment) -> None:
        """Apply one write to the working copy and record it for persisting."""
        apply_assignment(self.document, assignment)
        self.writes.append(assignment)

    def write_rendered(self, target: str, value: str, where: str, *, keep_empty: bool = False) -> str | None:
        """Write a rendered ``value`` at the rendered ``target`` path (see :func:`text_assignment`);
        returns the dotted path written, or ``None`` when the value was empty."""
        assignment = text_assignment(target, value, where, keep_empty=keep_empty)
        if assignment is None:
            return None
        try:
            self.apply(assignment)
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc.message}") from exc
        return assignment.dotted

    @property
    def paths(self) -> list[str]:
        return list(dict.fromkeys(a.dotted for a in self.writes))


def replay(assignments: Sequence[Assignment]) -> Callable[[Document], Mutation]:
    """A pure ``mutate`` for ``store.update``: the recorded writes, re-applied to the stored document."""
    writes = list(assignments)

    def mutate(document: Document) -> Mutation:
        fresh = copy.deepcopy(document)
        for assignment in writes:
            apply_assignment(fresh, assignment)
        return Mutation(fresh, list(dict.fromkeys(a.dotted for a in writes)))

    return mutate


def text_assignment(target: str, value: str, where: str, *, keep_empty: bool = False) -> Assignment | None:
    """The write of text ``value`` at ``target``, which takes the forms of ``--set``: ``a.b`` (a
    string), ``a.b:=`` (the value is JSON), ``a.b[]`` / ``a.b{}`` (append / de-duplicated append).

    The value is stripped; an empty value gives ``None`` unless ``keep_empty``. ``file://`` is
    *not* followed: these values come from rendered data (Slack replies, user text, posted
    events) and must never read files on this host.
    """
    target = target.strip()
    if target.endswith(":="):
        target = target[:-1]
    if not target or "=" in target:
        raise InvalidInput(
            f"{where}: target path {target!r} is not a path (expected a.b, a.b:=, a.b[] or a.b{{}})"
        )
    value = value.strip()
    if not value and not keep_empty:
        return None
    argument = f"{target}={value}"
    try:
        if value.startswith(FILE_PREFIX) and not target.endswith(":"):
            return _literal(argument, target, value)
        return parse_assignment(argument)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc.message}") from exc


def _literal(argument: str, target: str, value: str) -> Assignment:
    """The assignment for ``target=value`` with ``value`` kept as text (no ``file://`` loading)."""
    shape = parse_assignment(f"{target}=placeholder")
    assert shape is not None  # compat is off, so a value is always returned
    if shape.mode == "set":
        return dataclasses.replace(shape, argument=argument, value=value)
    return dataclasses.replace(shape, argument=argument, value=value.split(","))
