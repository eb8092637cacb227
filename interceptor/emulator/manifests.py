"""Load Tekton Triggers YAML from a directory into :mod:`interceptor.emulator.model` objects.

Every ``*.yaml``/``*.yml`` file below the directory is read (multi-document, ``kind: List`` too).
EventListener, Trigger, TriggerBinding, ClusterTriggerBinding, TriggerTemplate,
ClusterInterceptor, Interceptor and Secret are kept; other kinds are counted and ignored.
Objects without ``metadata.namespace`` land in ``default``, as ``kubectl apply`` would put them.
A malformed object raises :class:`ConfigError` naming the file, the object and the field.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import yaml

from interceptor.emulator import fields
from interceptor.emulator.fields import Where
from interceptor.emulator.model import (
    CLUSTER_INTERCEPTOR,
    EventListener,
    InterceptorObject,
    ListenerTrigger,
    Manifests,
    Param,
    TemplateParam,
    Trigger,
    TriggerBinding,
    TriggerGroup,
    TriggerTemplate,
)
from interceptor.errors import ConfigError

DEFAULT_NAMESPACE = "default"
_KINDS = (
    "EventListener",
    "Trigger",
    "TriggerBinding",
    "ClusterTriggerBinding",
    "TriggerTemplate",
    "ClusterInterceptor",
    "Interceptor",
    "Secret",
)


def load_manifests(directory: str | Path, into: Manifests | None = None) -> Manifests:
    """Read every YAML file below ``directory`` (into ``into`` when given, to merge several
    directories). Raises :class:`ConfigError` on bad input."""
    root = Path(directory)
    if not root.is_dir():
        raise ConfigError(f"--manifests {directory}: not a directory")
    manifests = Manifests() if into is None else into
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
        for index, document in enumerate(documents):
            for item in _items(document):
                add_object(manifests, item, f"{path}#{index}")
    return manifests


def _items(document: Any) -> list[Any]:
    if isinstance(document, dict) and document.get("kind") == "List":
        return list(document.get("items") or [])
    return [] if document is None else [document]


def add_object(manifests: Manifests, obj: Any, source: str) -> None:
    """Validate one Kubernetes object and index it (ignoring kinds the sink never reads)."""
    kind = obj.get("kind") if isinstance(obj, dict) else None
    if not isinstance(obj, dict) or not isinstance(kind, str) or "apiVersion" not in obj:
        # Not a Kubernetes object (an app config, a kustomization's neighbour): not ours to judge.
        manifests.skipped_kinds["(not a Kubernetes object)"] = (
            manifests.skipped_kinds.get("(not a Kubernetes object)", 0) + 1
        )
        return
    if kind not in _KINDS:
        manifests.skipped_kinds[kind] = manifests.skipped_kinds.get(kind, 0) + 1
        return
    meta = fields.mapping(obj.get("metadata"), Where(source, "metadata"))
    name = fields.string(meta.get("name"), Where(source, "metadata.name"), required=True)
    namespace = fields.string(meta.get("namespace"), Where(source, "metadata.namespace")) or DEFAULT_NAMESPACE
    where = Where(f"{source} {kind}/{name}", "spec")
    spec = fields.mapping(obj.get("spec"), where)
    if kind == "EventListener":
        manifests.listeners[(namespace, name)] = _listener(obj, meta, spec, name, namespace, where)
    elif kind == "Trigger":
        manifests.triggers[(namespace, name)] = _trigger(
            spec, name, namespace, fields.labels(meta, where), where
        )
    elif kind in ("TriggerBinding", "ClusterTriggerBinding"):
        binding = TriggerBinding(name, namespace, _binding_params(spec, where))
        if kind == "TriggerBinding":
            manifests.bindings[(namespace, name)] = binding
        else:
            manifests.cluster_bindings[name] = binding
    elif kind == "TriggerTemplate":
        manifests.templates[(namespace, name)] = template_from_spec(spec, name, namespace, where)
    elif kind in ("ClusterInterceptor", "Interceptor"):
        status = fields.mapping(obj.get("status"), Where(where.source, "status"))
        address = fields.mapping(status.get("address"), Where(where.source, "status.address"))
        status_url = fields.string(address.get("url"), Where(where.source, "status.address.url"))
        ns = "" if kind == "ClusterInterceptor" else namespace
        interceptor = _interceptor_object(kind, name, ns, spec, status_url, where)
        if kind == "ClusterInterceptor":
            manifests.cluster_interceptors[name] = interceptor
        else:
            manifests.interceptors[(namespace, name)] = interceptor
    else:
        manifests.secrets[(namespace, name)] = _secret_data(obj, where)


def _listener(
    obj: dict[str, Any], meta: dict[str, Any], spec: dict[str, Any], name: str, namespace: str, where: Where
) -> EventListener:
    annotations = fields.mapping(meta.get("annotations"), Where(where.source, "metadata.annotations"))
    triggers = []
    for i, entry in enumerate(fields.sequence(spec.get("triggers"), where.at("triggers"))):
        at = where.at(f"triggers[{i}]")
        entry = fields.mapping(entry, at)
        ref = fields.string(entry.get("triggerRef"), at.at("triggerRef"))
        if ref and entry.get("template") is None:
            triggers.append(ListenerTrigger(trigger_ref=ref))
            continue
        if entry.get("template") is None:
            raise ConfigError(
                f"{at}: expected either template or triggerRef (EventListenerTrigger not defined)"
            )
        trigger_name = fields.string(entry.get("name"), at.at("name"))
        triggers.append(ListenerTrigger(inline=_trigger(entry, trigger_name, namespace, {}, at)))
    groups = []
    for i, entry in enumerate(fields.sequence(spec.get("triggerGroups"), where.at("triggerGroups"))):
        at = where.at(f"triggerGroups[{i}]")
        entry = fields.mapping(entry, at)
        interceptors = fields.interceptors(entry.get("interceptors"), at.at("interceptors"))
        if not interceptors:
            raise ConfigError(f"{at.at('interceptors')}: a trigger group needs at least one interceptor")
        selector = fields.trigger_selector(entry.get("triggerSelector"), at.at("triggerSelector"))
        groups.append(TriggerGroup(fields.string(entry.get("name"), at.at("name")), interceptors, selector))
    validation = annotations.get("tekton.dev/payload-validation")
    return EventListener(
        name=name,
        namespace=namespace,
        uid=fields.string(meta.get("uid"), Where(where.source, "metadata.uid")),
        payload_validation=str(validation).lower() != "false" if validation is not None else True,
        triggers=tuple(triggers),
        groups=tuple(groups),
        selector=fields.trigger_selector(
            {"namespaceSelector": spec.get("namespaceSelector"), "labelSelector": spec.get("labelSelector")},
            where,
        ),
    )


def _trigger(
    spec: dict[str, Any], name: str, namespace: str, labels: dict[str, str], where: Where
) -> Trigger:
    template = fields.mapping(spec.get("template"), where.at("template"))
    template_ref = fields.string(template.get("ref") or template.get("name"), where.at("template.ref"))
    inline = None
    if template.get("spec") is not None:
        inline = template_from_spec(
            fields.mapping(template.get("spec"), where.at("template.spec")),
            f"{name}-template",
            namespace,
            where.at("template.spec"),
        )
    return Trigger(
        name=name,
        namespace=namespace,
        labels=labels,
        interceptors=fields.interceptors(spec.get("interceptors"), where.at("interceptors")),
        bindings=fields.binding_uses(spec.get("bindings"), where.at("bindings")),
        template_ref=template_ref,
        template_spec=inline,
        service_account=fields.string(spec.get("serviceAccountName"), where.at("serviceAccountName")),
    )


def _binding_params(spec: dict[str, Any], where: Where) -> tuple[Param, ...]:
    params = []
    for i, entry in enumerate(fields.sequence(spec.get("params"), where.at("params"))):
        at = where.at(f"params[{i}]")
        entry = fields.mapping(entry, at)
        name = fields.string(entry.get("name"), at.at("name"), required=True)
        params.append(Param(name, fields.scalar_text(entry.get("value"), at.at("value"))))
    return tuple(params)


def template_from_spec(spec: dict[str, Any], name: str, namespace: str, where: Where) -> TriggerTemplate:
    """A TriggerTemplate's ``spec``: ``params[{name, default}]`` and ``resourcetemplates[]``."""
    params = []
    for i, entry in enumerate(fields.sequence(spec.get("params"), where.at("params"))):
        at = where.at(f"params[{i}]")
        entry = fields.mapping(entry, at)
        default = entry.get("default")
        params.append(
            TemplateParam(
                fields.string(entry.get("name"), at.at("name"), required=True),
                None if default is None else fields.scalar_text(default, at.at("default")),
            )
        )
    resources = fields.sequence(spec.get("resourcetemplates"), where.at("resourcetemplates"))
    for i, resource in enumerate(resources):
        fields.mapping(resource, where.at(f"resourcetemplates[{i}]"))
    return TriggerTemplate(name, namespace, tuple(params), tuple(resources))


def _interceptor_object(
    kind: str, name: str, namespace: str, spec: dict[str, Any], status_url: str, where: Where
) -> InterceptorObject:
    config = fields.mapping(spec.get("clientConfig"), where.at("clientConfig"))
    url = fields.string(config.get("url"), where.at("clientConfig.url"))
    service = fields.mapping(config.get("service"), where.at("clientConfig.service"))
    if url and service:
        raise ConfigError(f"{where.at('clientConfig')}: url and service are mutually exclusive")
    port = service.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
        raise ConfigError(f"{where.at('clientConfig.service.port')}: expected an integer")
    if service:
        for key in ("name", "namespace"):
            fields.string(service.get(key), where.at(f"clientConfig.service.{key}"), required=True)
    return InterceptorObject(
        kind=CLUSTER_INTERCEPTOR if kind == "ClusterInterceptor" else "Interceptor",
        name=name,
        namespace=namespace,
        url=url,
        service_name=str(service.get("name") or ""),
        service_namespace=str(service.get("namespace") or ""),
        service_path=fields.string(service.get("path"), where.at("clientConfig.service.path")),
        service_port=port,
        ca_bundle=fields.string(config.get("caBundle"), where.at("clientConfig.caBundle")),
        status_url=status_url,
    )


def _secret_data(obj: dict[str, Any], where: Where) -> dict[str, str]:
    data: dict[str, str] = {}
    for key, value in fields.mapping(obj.get("data"), Where(where.source, "data")).items():
        try:
            data[str(key)] = base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError) as exc:
            raise ConfigError(f"{where.source}: data.{key}: expected base64") from exc
    for key, value in fields.mapping(obj.get("stringData"), Where(where.source, "stringData")).items():
        data[str(key)] = str(value)
    return data
