"""Typed field readers for manifest YAML: each names the file, object and field when it fails."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from interceptor.emulator.model import (
    CLUSTER_INTERCEPTOR,
    NAMESPACED_INTERCEPTOR,
    BindingUse,
    InterceptorUse,
    LabelSelector,
    Param,
    TriggerSelector,
    WebhookSpec,
)
from interceptor.errors import ConfigError
from interceptor.gojson import ordered_from_yaml

_LEGACY_INLINE = ("cel", "github", "gitlab", "bitbucket")


@dataclass(frozen=True)
class Where:
    """``source`` is ``file#doc Kind/name``; ``path`` the dotted field inside the object."""

    source: str
    path: str

    def at(self, child: str) -> Where:
        return Where(self.source, f"{self.path}.{child}" if self.path else child)

    def __str__(self) -> str:
        return f"{self.source}: {self.path}"


def mapping(value: Any, where: Where) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def sequence(value: Any, where: Where) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def string(value: Any, where: Where, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise ConfigError(f"{where}: required string is missing")
        return ""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def scalar_text(value: Any, where: Where) -> str:
    """A binding value or template default: strings as-is, other scalars as their JSON text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")


def labels(meta: dict[str, Any], where: Where) -> dict[str, str]:
    raw = mapping(meta.get("labels"), Where(where.source, "metadata.labels"))
    return {str(k): str(v) for k, v in raw.items()}


def label_selector(value: Any, where: Where) -> LabelSelector | None:
    if value is None:
        return None
    raw = mapping(value, where)
    expressions = []
    for i, entry in enumerate(sequence(raw.get("matchExpressions"), where.at("matchExpressions"))):
        at = where.at(f"matchExpressions[{i}]")
        entry = mapping(entry, at)
        operator = string(entry.get("operator"), at.at("operator"), required=True)
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise ConfigError(f"{at.at('operator')}: expected In, NotIn, Exists or DoesNotExist")
        values = tuple(str(v) for v in sequence(entry.get("values"), at.at("values")))
        expressions.append((string(entry.get("key"), at.at("key"), required=True), operator, values))
    match = mapping(raw.get("matchLabels"), where.at("matchLabels"))
    return LabelSelector({str(k): str(v) for k, v in match.items()}, tuple(expressions))


def trigger_selector(value: Any, where: Where) -> TriggerSelector:
    raw = mapping(value, where)
    ns = mapping(raw.get("namespaceSelector"), where.at("namespaceSelector"))
    names = tuple(str(n) for n in sequence(ns.get("matchNames"), where.at("namespaceSelector.matchNames")))
    return TriggerSelector(names, label_selector(raw.get("labelSelector"), where.at("labelSelector")))


def interceptors(value: Any, where: Where) -> tuple[InterceptorUse, ...]:
    return tuple(_interceptor(entry, where.at(f"[{i}]")) for i, entry in enumerate(sequence(value, where)))


def _interceptor(value: Any, where: Where) -> InterceptorUse:
    raw = mapping(value, where)
    label = string(raw.get("name"), where.at("name"))
    if raw.get("webhook") is not None:
        return InterceptorUse(label=label, webhook=_webhook(raw["webhook"], where.at("webhook")))
    for legacy in _LEGACY_INLINE:  # v1alpha1 inline forms, rewritten as Tekton's defaulting does
        if raw.get(legacy) is not None:
            inline = mapping(raw[legacy], where.at(legacy))
            return InterceptorUse(
                label,
                legacy,
                CLUSTER_INTERCEPTOR,
                tuple(Param(k, ordered_from_yaml(v)) for k, v in inline.items()),
            )
    ref = mapping(raw.get("ref"), where.at("ref"))
    name = string(ref.get("name"), where.at("ref.name"), required=True)
    kind = string(ref.get("kind"), where.at("ref.kind")) or CLUSTER_INTERCEPTOR
    if kind not in (CLUSTER_INTERCEPTOR, NAMESPACED_INTERCEPTOR):
        raise ConfigError(
            f"{where.at('ref.kind')}: expected {CLUSTER_INTERCEPTOR} or {NAMESPACED_INTERCEPTOR}"
        )
    params = []
    for i, entry in enumerate(sequence(raw.get("params"), where.at("params"))):
        at = where.at(f"params[{i}]")
        entry = mapping(entry, at)
        params.append(
            Param(
                string(entry.get("name"), at.at("name"), required=True), ordered_from_yaml(entry.get("value"))
            )
        )
    return InterceptorUse(label, name, kind, tuple(params))


def _webhook(value: Any, where: Where) -> WebhookSpec:
    raw = mapping(value, where)
    obj = mapping(raw.get("objectRef"), where.at("objectRef"))
    url = string(raw.get("url"), where.at("url"))
    if not url and not obj:
        raise ConfigError(f"{where}: expected objectRef (a Service) or url")
    headers = []
    for i, entry in enumerate(sequence(raw.get("header"), where.at("header"))):
        at = where.at(f"header[{i}]")
        entry = mapping(entry, at)
        header_value = entry.get("value")
        if not isinstance(header_value, str | list) or not header_value:
            raise ConfigError(f"{at.at('value')}: expected a non-empty string or list of strings")
        headers.append(Param(string(entry.get("name"), at.at("name"), required=True), header_value))
    return WebhookSpec(
        url=url,
        service_name=string(obj.get("name"), where.at("objectRef.name")),
        service_namespace=string(obj.get("namespace"), where.at("objectRef.namespace")),
        headers=tuple(headers),
    )


def binding_uses(value: Any, where: Where) -> tuple[BindingUse, ...]:
    uses = []
    for i, entry in enumerate(sequence(value, where)):
        at = where.at(f"[{i}]")
        raw = mapping(entry, at)
        ref = string(raw.get("ref"), at.at("ref"))
        kind = string(raw.get("kind"), at.at("kind")) or "TriggerBinding"
        if kind not in ("TriggerBinding", "ClusterTriggerBinding"):
            raise ConfigError(f"{at.at('kind')}: expected TriggerBinding or ClusterTriggerBinding")
        if ref:
            uses.append(BindingUse(ref=ref, kind=kind))
            continue
        name = string(raw.get("name"), at.at("name"), required=True)
        if raw.get("value") is None:
            raise ConfigError(f"{at}: expected ref, or name and value")
        uses.append(BindingUse(name=name, value=scalar_text(raw.get("value"), at.at("value"))))
    return tuple(uses)
