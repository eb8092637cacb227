"""Every YAML file under manifests/ and examples/ parses; every object validates: core kinds with
kubernetes-validate (strict, pinned Kubernetes version), Tekton kinds with our JSON Schemas
(tests/manifests/schemas, written from the Tekton Go types), cert-manager kinds structurally."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import referencing
import yaml

from tests.manifests import kustomize
from tests.manifests.conftest import EXAMPLE, MANIFESTS, REPO, SCHEMAS

# The Kubernetes API version the manifests are validated against (kubernetes-validate==1.37.0 ships
# schemas up to 1.37; 1.33 is the oldest release still supported upstream when this was written).
KUBERNETES_VERSION = "1.33.0"

TEKTON_SCHEMAS = {
    ("triggers.tekton.dev/v1alpha1", "ClusterInterceptor"): "clusterinterceptor.json",
    ("triggers.tekton.dev/v1beta1", "EventListener"): "eventlistener.json",
    ("triggers.tekton.dev/v1beta1", "TriggerBinding"): "triggerbinding.json",
    ("triggers.tekton.dev/v1beta1", "TriggerTemplate"): "triggertemplate.json",
    ("tekton.dev/v1", "Task"): "task.json",
    ("tekton.dev/v1", "Pipeline"): "pipeline.json",
}
CERT_MANAGER_KINDS = {"Issuer": ("selfSigned", "ca"), "Certificate": ("secretName", "issuerRef")}
NOT_OBJECTS = {"kustomization.yaml", "config.yaml", "redis.conf"}

YAML_FILES = sorted(
    p
    for root in (MANIFESTS, REPO / "examples")
    for p in root.rglob("*.y*ml")
    if "tls" not in p.relative_to(root).parts
)


def _object_files() -> list[Path]:
    """Files that hold Kubernetes objects (not kustomizations, configs, app configs or bases)."""
    skip_dirs = {"bases", "app"}
    return [
        p
        for p in YAML_FILES
        if p.name not in NOT_OBJECTS
        and not skip_dirs & set(p.parts)
        and (p.is_relative_to(MANIFESTS) or p.is_relative_to(EXAMPLE))
    ]


def _id(path: Path) -> str:
    return str(path.relative_to(REPO))


@cache
def _registry() -> referencing.Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    return referencing.Registry().with_resources(resources)


def _tekton_errors(document: dict[str, Any]) -> list[str]:
    schema = _registry().contents(f"tekton/{TEKTON_SCHEMAS[(document['apiVersion'], document['kind'])]}")
    validator = jsonschema.Draft202012Validator(schema, registry=_registry())
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def validate(document: dict[str, Any]) -> list[str]:
    """Errors of one object, by whichever validator owns its kind. An unknown kind is an error."""
    key = (document.get("apiVersion"), document.get("kind"))
    if key in TEKTON_SCHEMAS:
        return _tekton_errors(document)
    if document.get("apiVersion") == "cert-manager.io/v1" and document["kind"] in CERT_MANAGER_KINDS:
        spec = document.get("spec") or {}
        return [] if any(k in spec for k in CERT_MANAGER_KINDS[document["kind"]]) else ["spec is incomplete"]
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
    except kubernetes_validate.utils.SchemaNotFoundError as exc:
        return [exc.message]
    return []


@pytest.mark.parametrize("path", YAML_FILES, ids=_id)
def test_every_yaml_file_parses(path: Path) -> None:
    documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    assert any(d is not None for d in documents)


@pytest.mark.parametrize("path", _object_files(), ids=_id)
def test_every_object_validates(path: Path) -> None:
    for document in kustomize.load_documents(path):
        assert validate(document) == [], f"{document['kind']}/{document['metadata'].get('name')}"


@pytest.mark.parametrize(
    "directory", ["base", "overlays/redis", "overlays/external-redis", "ingress", "cert-manager"]
)
def test_every_rendered_object_validates(manifests_with_tls: Path, directory: str) -> None:
    for document in kustomize.render(manifests_with_tls / directory):
        assert validate(document) == [], f"{document['kind']}/{document['metadata'].get('name')}"


def test_every_rendered_example_object_validates() -> None:
    for document in kustomize.render(EXAMPLE):
        assert validate(document) == [], f"{document['kind']}/{document['metadata'].get('name')}"


# --- the validators reject what Tekton and Kubernetes reject ------------------------------------------

CLUSTER_INTERCEPTOR = {
    "apiVersion": "triggers.tekton.dev/v1alpha1",
    "kind": "ClusterInterceptor",
    "metadata": {"name": "cicd-x", "labels": {"server/type": "https"}},
    "spec": {
        "clientConfig": {
            "caBundle": "TFMwdA==",
            "service": {"name": "s", "namespace": "n", "path": "/p", "port": 8443},
        }
    },
}
EVENT_LISTENER = {
    "apiVersion": "triggers.tekton.dev/v1beta1",
    "kind": "EventListener",
    "metadata": {"name": "el", "namespace": "n"},
    "spec": {
        "triggers": [
            {
                "name": "t",
                "interceptors": [
                    {
                        "ref": {"name": "cicd-slack", "kind": "ClusterInterceptor"},
                        "params": [{"name": "verify", "value": True}],
                    }
                ],
                "bindings": [{"ref": "b", "kind": "TriggerBinding"}],
                "template": {"ref": "tt"},
            }
        ]
    },
}


def _with(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with ``value`` at the dotted ``path`` (``None`` deletes the key)."""
    document = copy.deepcopy(base)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = document
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return document


def test_the_valid_samples_are_valid() -> None:
    assert validate(CLUSTER_INTERCEPTOR) == []
    assert validate(EVENT_LISTENER) == []


@pytest.mark.parametrize(
    ("document", "why"),
    [
        (
            _with(CLUSTER_INTERCEPTOR, "spec.clientConfig.url", "https://x.example/"),
            "url together with service",
        ),
        (_with(CLUSTER_INTERCEPTOR, "spec.clientConfig.service", None), "neither url nor service"),
        (
            _with(CLUSTER_INTERCEPTOR, "spec.clientConfig.service.namespace", None),
            "service without namespace",
        ),
        (_with(CLUSTER_INTERCEPTOR, "spec.clientConfig.service.timeout", 5), "unknown field in service"),
        (_with(CLUSTER_INTERCEPTOR, "spec.caBundle", "TFMwdA=="), "caBundle outside clientConfig"),
        (_with(CLUSTER_INTERCEPTOR, "metadata.namespace", "n"), "namespace on a cluster-scoped kind"),
        (_with(CLUSTER_INTERCEPTOR, "metadata.labels.server/type", "tls"), "bad server/type label"),
        (
            _with(CLUSTER_INTERCEPTOR, "apiVersion", "triggers.tekton.dev/v1beta1"),
            "ClusterInterceptor is v1alpha1 only",
        ),
        (_with(CLUSTER_INTERCEPTOR, "spec.clientConfig.caBundle", "not base64!"), "caBundle not base64"),
        (
            _with(EVENT_LISTENER, "spec.triggers.0.interceptors.0", {"webhook": {"url": "http://x"}}),
            "webhook without objectRef",
        ),
        (
            _with(
                EVENT_LISTENER,
                "spec.triggers.0.interceptors.0",
                {"webhook": {"objectRef": {"kind": "Pod", "apiVersion": "v1", "name": "x"}}},
            ),
            "webhook objectRef not a Service",
        ),
        (
            _with(
                EVENT_LISTENER,
                "spec.triggers.0.interceptors.0",
                {
                    "webhook": {
                        "objectRef": {"kind": "Service", "apiVersion": "v1", "name": "x"},
                        "header": [{"name": "x-lower", "value": "v"}],
                    }
                },
            ),
            "non-canonical webhook header name",
        ),
        (
            _with(EVENT_LISTENER, "spec.triggers.0.interceptors.0", {"params": []}),
            "interceptor with neither ref.name nor webhook",
        ),
        (_with(EVENT_LISTENER, "spec.triggers.0.interceptors.0.ref.kind", "Interceptor"), "bad ref kind"),
        (
            _with(EVENT_LISTENER, "spec.triggers.0.interceptors.0.cel", {"filter": "true"}),
            "unknown interceptor field",
        ),
        (_with(EVENT_LISTENER, "spec.triggers.0.interceptors.0.params.0.val", 1), "param without value"),
        (_with(EVENT_LISTENER, "spec.triggers.0.template", None), "trigger without template"),
        (_with(EVENT_LISTENER, "spec.triggers.0.triggerRef", "other"), "triggerRef together with template"),
        (_with(EVENT_LISTENER, "spec.triggers.0.bindings.0.name", "p"), "binding with both ref and name"),
        (
            _with(
                EVENT_LISTENER,
                "spec.triggers.0.template",
                {"ref": "a", "spec": {"resourcetemplates": [{"apiVersion": "v1", "kind": "ConfigMap"}]}},
            ),
            "template ref and spec",
        ),
        (_with(EVENT_LISTENER, "spec.triggerz", []), "unknown spec field"),
        (
            _with(EVENT_LISTENER, "metadata.annotations", {"tekton.dev/payload-validation": False}),
            "annotation not a string",
        ),
        (
            {
                "apiVersion": "triggers.tekton.dev/v1beta1",
                "kind": "TriggerTemplate",
                "metadata": {"name": "t", "namespace": "n"},
                "spec": {"resourcetemplates": []},
            },
            "TriggerTemplate without resourcetemplates",
        ),
        (
            {
                "apiVersion": "triggers.tekton.dev/v1beta1",
                "kind": "TriggerBinding",
                "metadata": {"name": "b", "namespace": "n"},
                "spec": {"params": [{"name": "a", "value": {"x": 1}}]},
            },
            "binding value not a string",
        ),
        (
            {
                "apiVersion": "tekton.dev/v1",
                "kind": "Task",
                "metadata": {"name": "t", "namespace": "n"},
                "spec": {"steps": [{"name": "s", "image": "i", "script": "x", "command": ["y"]}]},
            },
            "step with script and command",
        ),
        (
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "d"},
                "spec": {"replica": 2, "selector": {}, "template": {}},
            },
            "core kind with an unknown field (kubernetes-validate strict)",
        ),
        ({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}}, "unknown kind"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_validators_reject(document: dict[str, Any], why: str) -> None:
    assert validate(document), why
