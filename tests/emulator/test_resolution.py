"""Interceptor URL resolution (Tekton §2.3) and --resolve."""

from __future__ import annotations

import pytest

from interceptor.emulator.model import NAMESPACED_INTERCEPTOR, InterceptorObject, InterceptorUse, Manifests
from interceptor.emulator.resolution import ResolutionError, Resolver, Target, parse_resolve_options
from interceptor.errors import ConfigError


def manifests() -> Manifests:
    found = Manifests()
    objects = [
        InterceptorObject(
            "ClusterInterceptor", "status", status_url="http://from-status/", url="http://ignored/"
        ),
        InterceptorObject("ClusterInterceptor", "plain", url="https://any.example/x"),
        InterceptorObject(
            "ClusterInterceptor", "svc", service_name="s", service_namespace="ci", service_path="cel"
        ),
        InterceptorObject(
            "ClusterInterceptor",
            "tls",
            service_name="s",
            service_namespace="ci",
            service_path="/p",
            ca_bundle="LS0t",
        ),
        InterceptorObject(
            "ClusterInterceptor", "port", service_name="s", service_namespace="ci", service_port=8080
        ),
        InterceptorObject("ClusterInterceptor", "nil"),
        InterceptorObject(
            "ClusterInterceptor",
            "cicd-cel",
            service_name="interceptor",
            service_namespace="cicd",
            service_path="/interceptors/cel",
            service_port=8080,
        ),
    ]
    for obj in objects:
        found.cluster_interceptors[obj.name] = obj
    found.interceptors[("el-ns", "mine")] = InterceptorObject(
        "Interceptor", "mine", "el-ns", url="http://mine/"
    )
    return found


@pytest.mark.parametrize(
    ("name", "kind", "overrides", "expected"),
    [
        ("status", "ClusterInterceptor", {}, Target(url="http://from-status/")),
        ("plain", "ClusterInterceptor", {}, Target(url="https://any.example/x")),
        ("svc", "ClusterInterceptor", {}, Target(url="http://s.ci.svc:80/cel")),
        ("tls", "ClusterInterceptor", {}, Target(url="https://s.ci.svc:8443/p")),
        ("port", "ClusterInterceptor", {}, Target(url="http://s.ci.svc:8080")),
        ("cel", "ClusterInterceptor", {}, Target(core="cel")),
        ("cel", "ClusterInterceptor", {"cel": "http://127.0.0.1:1/cel"}, Target(url="http://127.0.0.1:1/cel")),
        ("cicd-cel", "ClusterInterceptor", {"interceptor.cicd": "http://127.0.0.1:8080/"}, Target(url="http://127.0.0.1:8080/interceptors/cel")),
        ("cicd-cel", "ClusterInterceptor", {"cicd-cel": "http://127.0.0.1:9/x"}, Target(url="http://127.0.0.1:9/x")),
        ("mine", NAMESPACED_INTERCEPTOR, {}, Target(url="http://mine/")),
    ],
)  # fmt: skip
def test_resolve(name: str, kind: str, overrides: dict[str, str], expected: Target) -> None:
    assert (
        Resolver(manifests(), overrides).resolve(InterceptorUse(ref_name=name, ref_kind=kind), "el-ns")
        == expected
    )


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("gone", "ClusterInterceptor", 'url resolution failed for interceptor gone with: clusterinterceptor.triggers.tekton.dev "gone" not found'),
        ("gone", NAMESPACED_INTERCEPTOR, 'url resolution failed for interceptor gone with: interceptor.triggers.tekton.dev "gone" not found'),
        ("nil", "ClusterInterceptor", "url resolution failed for interceptor nil with: interceptor URL was nil"),
    ],
)  # fmt: skip
def test_resolution_errors(name: str, kind: str, message: str) -> None:
    with pytest.raises(ResolutionError) as caught:
        Resolver(manifests(), {}).resolve(InterceptorUse(ref_name=name, ref_kind=kind), "el-ns")
    assert str(caught.value) == message


@pytest.mark.parametrize("option", ["nourl", "=http://x", "name=ftp://x"])
def test_bad_resolve_options(option: str) -> None:
    with pytest.raises(ConfigError, match="--resolve"):
        parse_resolve_options([option])
