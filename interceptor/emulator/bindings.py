"""Binding params resolved against one event, as Tekton's ``pkg/template/event.go`` does (§2.9).

The event the paths read is ``{"body": <decoded final body>, "header": {"K": "v1,v2"},
"extensions": {...}, "context": {"eventID": "<uuid>"}}``. Each ``$(...)`` in a binding value is
replaced by its JSONPath result. A failing path is an error, unless the TriggerTemplate declares
a default for that param, which is then used. The body must be empty or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interceptor.emulator import jsonpath
from interceptor.emulator.model import BindingUse, Manifests, Param, Trigger, TriggerTemplate
from interceptor.gojson_errors import GoJsonError, loads


class BindingError(Exception):
    """Params could not be resolved; the message follows Tekton's wording."""


@dataclass(frozen=True)
class ResolvedParam:
    name: str
    value: str
    source: str  # "binding", "default", or "default (binding failed: ...)"


def binding_params(trigger: Trigger, manifests: Manifests) -> list[Param]:
    """All binding params of ``trigger`` in order (later entries override earlier ones)."""
    params: list[Param] = []
    for use in trigger.bindings:
        params.extend(_binding(use, trigger.namespace, manifests))
    return params


def _binding(use: BindingUse, namespace: str, manifests: Manifests) -> list[Param]:
    if not use.ref:
        return [Param(use.name, use.value or "")]
    if use.kind == "ClusterTriggerBinding":
        found = manifests.cluster_bindings.get(use.ref)
        if found is None:
            raise BindingError(
                f'error getting ClusterTriggerBinding {use.ref}: clustertriggerbinding.triggers.tekton.dev "{use.ref}" not found'
            )
    else:
        found = manifests.bindings.get((namespace, use.ref))
        if found is None:
            raise BindingError(
                f'error getting TriggerBinding {use.ref}: triggerbinding.triggers.tekton.dev "{use.ref}" not found'
            )
    return list(found.params)


def event_document(
    body: str, header: dict[str, list[str]], extensions: dict[str, Any], event_id: str
) -> dict[str, Any]:
    """The JSON document binding paths are evaluated against."""
    data: Any = None
    if body:
        try:
            data = loads(body, numbers_as_float=True)
        except GoJsonError as exc:
            raise BindingError(
                f"failed to ApplyEventValuesToParams: failed to marshal event: failed to unmarshal request body: {exc}"
            ) from exc
    return {
        "body": data,
        "header": {key: ",".join(values) for key, values in header.items()},
        "extensions": extensions,
        "context": {"eventID": event_id},
    }


def expressions(value: str) -> list[str]:
    """Every ``$(...)`` in ``value`` (balanced parentheses), outermost first."""
    found = []
    i = 0
    while i < len(value) - 1:
        if value[i] == "$" and value[i + 1] == "(":
            depth, j = 1, i + 2
            while j < len(value) and depth:
                depth += {"(": 1, ")": -1}.get(value[j], 0)
                j += 1
            if depth == 0:
                found.append(value[i:j])
                i = j
                continue
        i += 1
    return found


def resolve_params(
    params: list[Param], template: TriggerTemplate, document: dict[str, Any]
) -> list[ResolvedParam]:
    """Template defaults overlaid with the binding values, sorted by name like Tekton's output."""
    defaults = {p.name: p.default for p in template.params if p.default is not None}
    resolved = {name: ResolvedParam(name, value, "default") for name, value in defaults.items()}
    for param in params:
        value = str(param.value)
        try:
            for original in expressions(value):
                results = jsonpath.find(document, original[2:-1])
                value = value.replace(original, " ".join(jsonpath.text_value(r) for r in results))
        except jsonpath.JsonPathError as exc:
            if param.name in defaults:
                resolved[param.name] = ResolvedParam(
                    param.name, defaults[param.name], f"default (binding failed: {exc})"
                )
                continue
            raise BindingError(
                f"failed to ApplyEventValuesToParams: failed to replace JSONPath value for param "
                f"{param.name}: {param.value}: {exc}"
            ) from exc
        resolved[param.name] = ResolvedParam(param.name, value, "binding")
    return [resolved[name] for name in sorted(resolved)]
