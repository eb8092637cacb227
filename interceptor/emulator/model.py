"""The Tekton Triggers objects the emulator understands, as plain frozen dataclasses.

Only the fields the sink reads are kept. ``manifests`` builds these from YAML and validates them;
everything downstream works on these types, never on raw dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CLUSTER_INTERCEPTOR = "ClusterInterceptor"
NAMESPACED_INTERCEPTOR = "NamespacedInterceptor"
CORE_INTERCEPTORS = ("cel", "github", "gitlab", "bitbucket", "slack")


@dataclass(frozen=True)
class Param:
    """``{name, value}``: an interceptor param (any JSON) or a binding param (a string)."""

    name: str
    value: Any


@dataclass(frozen=True)
class LabelSelector:
    """Kubernetes ``metav1.LabelSelector``: ``matchLabels`` and ``matchExpressions``, ANDed."""

    match_labels: Mapping[str, str] = field(default_factory=dict)
    match_expressions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if any(labels.get(k) != v for k, v in self.match_labels.items()):
            return False
        for key, operator, values in self.match_expressions:
            present = key in labels
            if operator == "In" and not (present and labels[key] in values):
                return False
            if operator == "NotIn" and present and labels[key] in values:
                return False
            if operator == "Exists" and not present:
                return False
            if operator == "DoesNotExist" and present:
                return False
        return True


@dataclass(frozen=True)
class WebhookSpec:
    """The deprecated ``webhook`` interceptor: a raw POST to ``url`` or to a Service."""

    url: str = ""
    service_name: str = ""
    service_namespace: str = ""
    headers: tuple[Param, ...] = ()


@dataclass(frozen=True)
class InterceptorUse:
    """One entry of a trigger's ``interceptors[]``: a ref with params, or a webhook."""

    label: str = ""
    ref_name: str = ""
    ref_kind: str = CLUSTER_INTERCEPTOR
    params: tuple[Param, ...] = ()
    webhook: WebhookSpec | None = None

    @property
    def display_name(self) -> str:
        if self.webhook is not None:
            return self.label or "webhook"
        return self.label or self.ref_name


@dataclass(frozen=True)
class BindingUse:
    """A ``bindings[]`` entry: a ref to a (Cluster)TriggerBinding, or an inline ``{name, value}``."""

    ref: str = ""
    kind: str = "TriggerBinding"
    name: str = ""
    value: str | None = None


@dataclass(frozen=True)
class TemplateParam:
    name: str
    default: str | None = None


@dataclass(frozen=True)
class TriggerTemplate:
    name: str
    namespace: str
    params: tuple[TemplateParam, ...] = ()
    resourcetemplates: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TriggerBinding:
    name: str
    namespace: str
    params: tuple[Param, ...] = ()


@dataclass(frozen=True)
class Trigger:
    """A ``Trigger`` object, or a trigger written inline in the EventListener."""

    name: str
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    interceptors: tuple[InterceptorUse, ...] = ()
    bindings: tuple[BindingUse, ...] = ()
    template_ref: str = ""
    template_spec: TriggerTemplate | None = None
    service_account: str = ""


@dataclass(frozen=True)
class TriggerSelector:
    """Which ``Trigger`` objects a listener or a trigger group pulls in."""

    namespaces: tuple[str, ...] = ()
    labels: LabelSelector | None = None


@dataclass(frozen=True)
class TriggerGroup:
    name: str
    interceptors: tuple[InterceptorUse, ...]
    selector: TriggerSelector


@dataclass(frozen=True)
class ListenerTrigger:
    """``spec.triggers[]``: an inline trigger, or ``triggerRef`` to a Trigger in the EL namespace."""

    inline: Trigger | None = None
    trigger_ref: str = ""


@dataclass(frozen=True)
class EventListener:
    name: str
    namespace: str
    uid: str = ""
    payload_validation: bool = True
    triggers: tuple[ListenerTrigger, ...] = ()
    groups: tuple[TriggerGroup, ...] = ()
    selector: TriggerSelector = field(default_factory=TriggerSelector)


@dataclass(frozen=True)
class InterceptorObject:
    """A ``ClusterInterceptor`` (``namespace == ""``) or a namespaced ``Interceptor``."""

    kind: str
    name: str
    namespace: str = ""
    url: str = ""
    service_name: str = ""
    service_namespace: str = ""
    service_path: str = ""
    service_port: int | None = None
    ca_bundle: str = ""
    status_url: str = ""


@dataclass
class Manifests:
    """Everything loaded from the manifests directory, indexed as the sink's listers are."""

    listeners: dict[tuple[str, str], EventListener] = field(default_factory=dict)
    triggers: dict[tuple[str, str], Trigger] = field(default_factory=dict)
    bindings: dict[tuple[str, str], TriggerBinding] = field(default_factory=dict)
    cluster_bindings: dict[str, TriggerBinding] = field(default_factory=dict)
    templates: dict[tuple[str, str], TriggerTemplate] = field(default_factory=dict)
    cluster_interceptors: dict[str, InterceptorObject] = field(default_factory=dict)
    interceptors: dict[tuple[str, str], InterceptorObject] = field(default_factory=dict)
    secrets: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    skipped_kinds: dict[str, int] = field(default_factory=dict)
