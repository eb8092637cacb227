"""Rendering of manifests/ (base, overlays, ingress, cert-manager) and examples/tekton, and what the
rendered service must look like: TLS-complete ClusterInterceptors, probes, hardening."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from interceptor import certs
from tests.manifests import kustomize
from tests.manifests.conftest import EXAMPLE, MANIFESTS

KUSTOMIZATIONS = ["base", "overlays/redis", "overlays/external-redis", "ingress", "cert-manager"]
OUR_PATHS = {"/interceptors/slack", "/interceptors/context", "/interceptors/event", "/interceptors/cel"}
CORE_NAMES = {"cel", "github", "gitlab", "bitbucket", "slack"}


def _by_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["kind"] == kind]


def _deployment(resources: list[dict[str, Any]]) -> dict[str, Any]:
    (deployment,) = [
        r for r in _by_kind(resources, "Deployment") if r["metadata"]["name"] == "cicd-interceptor"
    ]
    return deployment


@pytest.mark.parametrize("directory", KUSTOMIZATIONS)
def test_every_kustomization_renders(manifests_with_tls: Path, directory: str) -> None:
    assert kustomize.render(manifests_with_tls / directory)


def test_example_renders() -> None:
    resources = kustomize.render(EXAMPLE)
    assert {r["kind"] for r in resources} >= {
        "EventListener",
        "TriggerBinding",
        "TriggerTemplate",
        "Pipeline",
        "Task",
    }
    (bases,) = [r for r in resources if r["metadata"]["name"] == "cicd-bases"]
    assert sorted(bases["data"]) == ["core.yaml", "dev.yaml", "prod.yaml"]


@pytest.mark.parametrize("directory", ["base", "overlays/redis", "overlays/external-redis"])
def test_without_the_tls_component_nothing_renders(manifests_without_tls: Path, directory: str) -> None:
    # An https-labelled ClusterInterceptor with an empty caBundle crash-loops every EventListener:
    # base refuses to render at all until `interceptor certs` has written manifests/tls.
    with pytest.raises(kustomize.KustomizeError, match="tls"):
        kustomize.render(manifests_without_tls / directory)


@pytest.mark.parametrize("directory", ["base", "overlays/redis", "overlays/external-redis"])
def test_every_https_clusterinterceptor_trusts_the_generated_ca(
    manifests_with_tls: Path, ca: certs.KeyPair, directory: str
) -> None:
    interceptors = _by_kind(kustomize.render(manifests_with_tls / directory), "ClusterInterceptor")
    assert {ci["metadata"]["name"] for ci in interceptors} == {
        "cicd-slack",
        "cicd-context",
        "cicd-event",
        "cicd-cel",
    }
    for ci in interceptors:
        assert ci["metadata"]["labels"]["server/type"] == "https"
        assert base64.b64decode(ci["spec"]["clientConfig"]["caBundle"]) == ca.cert_pem


def test_clusterinterceptors_use_our_paths_and_never_core_names() -> None:
    interceptors = _by_kind(
        kustomize.load_documents(MANIFESTS / "base" / "clusterinterceptors.yaml"), "ClusterInterceptor"
    )
    assert {ci["spec"]["clientConfig"]["service"]["path"] for ci in interceptors} == OUR_PATHS
    for ci in interceptors:
        service = ci["spec"]["clientConfig"]["service"]
        assert ci["metadata"]["name"] not in CORE_NAMES
        assert ci["metadata"]["name"] == "cicd-" + service["path"].rsplit("/", 1)[1]
        assert (service["name"], service["namespace"], service["port"]) == (
            "cicd-interceptor",
            "cicd-interceptor",
            8443,
        )
        # base itself never ships a caBundle, empty or not: it comes from manifests/tls.
        assert "caBundle" not in ci["spec"]["clientConfig"]


def test_tls_secret_is_the_one_the_deployment_mounts(manifests_with_tls: Path) -> None:
    resources = kustomize.render(manifests_with_tls / "base")
    volumes = {v["name"]: v for v in _deployment(resources)["spec"]["template"]["spec"]["volumes"]}
    (secret,) = [
        r
        for r in _by_kind(resources, "Secret")
        if r["metadata"]["name"] == volumes["tls"]["secret"]["secretName"]
    ]
    assert secret["type"] == "kubernetes.io/tls"
    config = yaml.safe_load(_by_kind(resources, "ConfigMap")[0]["data"]["config.yaml"])
    mount = next(
        m
        for m in _deployment(resources)["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        if m["name"] == "tls"
    )
    assert config["server"]["tls"] == {
        "cert": f"{mount['mountPath']}/tls.crt",
        "key": f"{mount['mountPath']}/tls.key",
    }


def test_deployment_is_hardened_and_probed_over_https(manifests_with_tls: Path) -> None:
    resources = kustomize.render(manifests_with_tls / "overlays" / "redis")
    deployment = _deployment(resources)
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert deployment["spec"]["replicas"] == 2
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert set(container["resources"]) == {"requests", "limits"}
    probes = {
        name: container[name]["httpGet"] for name in ("readinessProbe", "livenessProbe", "startupProbe")
    }
    assert probes["readinessProbe"]["path"] == "/ready"
    assert probes["livenessProbe"]["path"] == "/live"
    assert all(p["scheme"] == "HTTPS" and p["port"] == "https" for p in probes.values())
    assert container["command"] == [
        "interceptor",
        "serve",
        "--config",
        "/etc/interceptor/config.yaml",
        "--secrets",
        "/etc/interceptor/secrets/secrets.yaml",
    ]
    assert container["image"] == "ghcr.io/example/tekton-slack-interceptor:0.1.0"
    env = [e["name"] for e in container["env"]]
    # $(REDIS_PASSWORD) only expands when it is defined before INTERCEPTOR_STORE.
    assert env.index("REDIS_PASSWORD") < env.index("INTERCEPTOR_STORE")
    assert {
        "INTERCEPTOR_SLACK_SIGNING_SECRET",
        "INTERCEPTOR_SLACK_BOT_TOKEN",
        "INTERCEPTOR_LISTENER_SECRET",
    } <= set(env)
    (service,) = [s for s in _by_kind(resources, "Service") if s["metadata"]["name"] == "cicd-interceptor"]
    assert service["spec"]["ports"] == [
        {"name": "https", "port": 8443, "targetPort": "https", "protocol": "TCP"}
    ]
    assert _by_kind(resources, "PodDisruptionBudget")[0]["spec"]["minAvailable"] == 1
    (redis,) = _by_kind(resources, "StatefulSet")
    assert redis["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


def test_external_redis_takes_the_store_url_from_a_secret(manifests_with_tls: Path) -> None:
    resources = kustomize.render(manifests_with_tls / "overlays" / "external-redis")
    env = {e["name"]: e for e in _deployment(resources)["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["INTERCEPTOR_STORE"]["valueFrom"]["secretKeyRef"] == {
        "name": "cicd-interceptor-store",
        "key": "url",
    }
    assert not _by_kind(resources, "StatefulSet")


def test_network_policy_admits_only_eventlisteners_and_the_slack_route(manifests_with_tls: Path) -> None:
    resources = kustomize.render(manifests_with_tls / "base")
    (policy,) = _by_kind(resources, "NetworkPolicy")
    sources = [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]
    assert sources == [
        {
            "namespaceSelector": {},
            "podSelector": {"matchLabels": {"app.kubernetes.io/managed-by": "EventListener"}},
        },
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
    ]
    egress_ports = sorted({p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]})
    assert egress_ports == [53, 443, 6379, 8080]


def test_ingress_exposes_only_slack(manifests_with_tls: Path) -> None:
    (ingress,) = kustomize.render(manifests_with_tls / "ingress")
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert [(p["path"], p["pathType"]) for p in paths] == [("/slack", "Exact")]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"path": "nope.yaml", "target": {"kind": "Deployment"}}, "nope.yaml"),
        (
            {"patch": "- {op: add, path: /x, value: 1}", "target": {"kind": "NoSuchKind"}},
            "matches no resource",
        ),
        ({"patch": "a: b", "target": {"kind": "Namespace"}}, "not a JSON6902 list"),
    ],
)
def test_renderer_rejects_what_it_cannot_do(tmp_path: Path, patch: dict[str, Any], message: str) -> None:
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
    kustomization = {"resources": ["ns.yaml"], "patches": [patch]}
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    with pytest.raises((kustomize.KustomizeError, OSError), match=message):
        kustomize.render(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump({"resources": ["ns.yaml"], "namespace": "y"}))
    with pytest.raises(kustomize.KustomizeError, match="not supported by the test renderer: namespace"):
        kustomize.render(tmp_path)


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed; the Python renderer alone is checked")
@pytest.mark.parametrize("directory", [*KUSTOMIZATIONS, "EXAMPLE"])
def test_python_renderer_agrees_with_kubectl_kustomize(manifests_with_tls: Path, directory: str) -> None:
    path = EXAMPLE if directory == "EXAMPLE" else manifests_with_tls / directory
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr

    def keyed(resources: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {(r["kind"], r["metadata"].get("namespace", ""), r["metadata"]["name"]): r for r in resources}

    expected = keyed([d for d in yaml.safe_load_all(result.stdout) if d])
    assert keyed(kustomize.render(path)) == expected


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_also_refuses_base_without_tls(manifests_without_tls: Path) -> None:
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(manifests_without_tls / "base")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "tls" in result.stderr
