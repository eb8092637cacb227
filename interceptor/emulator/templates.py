"""TriggerTemplate rendering (Tekton ``pkg/template/resource.go`` and ``pkg/resources``).

Each resource template is taken as JSON text; every ``$(tt.params.<name>)`` is replaced by the
param value escaped for a JSON string (so quotes and newlines in values stay valid JSON), and
``$(uid)`` by one random id per template. The deprecated ``$(params.<name>)`` is replaced too, with
a warning. Like the EventListener, the emulator then adds the labels
``triggers.tekton.dev/{eventlistener,trigger,triggers-eventid}`` and the trigger's namespace.
``generateName`` is kept as is (the API server would add the suffix).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from interceptor.emulator.bindings import BindingError, ResolvedParam
from interceptor.emulator.model import Manifests, Trigger, TriggerTemplate
from interceptor.gojson import go_string, marshal, ordered_from_yaml

_UNRESOLVED = re.compile(r"\$\((?:tt\.)?params\.([^)]*)\)")


@dataclass(frozen=True)
class RenderedResource:
    api_version: str
    kind: str
    name: str
    generate_name: str
    namespace: str
    document: dict[str, Any]

    def to_yaml(self) -> str:
        return yaml.safe_dump(_plain(self.document), sort_keys=False, allow_unicode=True)

    def summary(self) -> dict[str, Any]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.name,
            "generateName": self.generate_name,
            "namespace": self.namespace,
            "resource": _plain(self.document),
        }


@dataclass
class Rendering:
    resources: list[RenderedResource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_template(trigger: Trigger, manifests: Manifests) -> TriggerTemplate:
    if trigger.template_spec is not None:
        return trigger.template_spec
    found = manifests.templates.get((trigger.namespace, trigger.template_ref))
    if found is None:
        raise BindingError(
            f"error getting TriggerTemplate {trigger.template_ref}: "
            f'triggertemplate.triggers.tekton.dev "{trigger.template_ref}" not found'
        )
    return found


def render(
    template: TriggerTemplate,
    params: list[ResolvedParam],
    *,
    trigger: Trigger,
    listener: str,
    event_id: str,
    new_uid: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Rendering:
    """Render every resource template. Raises :class:`BindingError` if a result is not JSON."""
    rendering = Rendering()
    uid = new_uid()
    for index, resource in enumerate(template.resourcetemplates):
        text = marshal(ordered_from_yaml(resource))
        for param in params:
            escaped = go_string(param.value)[1:-1]
            text = text.replace(f"$(tt.params.{param.name})", escaped)
            deprecated = f"$(params.{param.name})"
            if deprecated in text:
                rendering.warnings.append(
                    f"resourcetemplates[{index}]: {deprecated} is deprecated; write $(tt.params.{param.name})"
                )
                text = text.replace(deprecated, escaped)
        text = text.replace("$(uid)", uid)
        for missing in sorted(set(_UNRESOLVED.findall(text))):
            rendering.warnings.append(
                f"resourcetemplates[{index}]: param {missing!r} has no value (no binding and no default); left as is"
            )
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise BindingError(
                f"resourcetemplates[{index}] is not valid JSON after substitution: {exc}"
            ) from exc
        rendering.resources.append(_finish(document, trigger, listener, event_id))
    return rendering


def _finish(document: dict[str, Any], trigger: Trigger, listener: str, event_id: str) -> RenderedResource:
    metadata = document.setdefault("metadata", {})
    metadata.setdefault("namespace", trigger.namespace)
    labels = metadata.setdefault("labels", {})
    labels["triggers.tekton.dev/eventlistener"] = listener
    labels["triggers.tekton.dev/trigger"] = trigger.name
    labels["triggers.tekton.dev/triggers-eventid"] = event_id
    return RenderedResource(
        api_version=str(document.get("apiVersion", "")),
        kind=str(document.get("kind", "")),
        name=str(metadata.get("name", "")),
        generate_name=str(metadata.get("generateName", "")),
        namespace=str(metadata["namespace"]),
        document=document,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
