"""Loading and validating Tekton Triggers YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from interceptor.emulator.manifests import load_manifests
from interceptor.emulator.model import CLUSTER_INTERCEPTOR, NAMESPACED_INTERCEPTOR
from interceptor.errors import ConfigError
from tests.emulator.conftest import write_manifests

GOOD = """
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: el, namespace: ci, annotations: {tekton.dev/payload-validation: "false"}}
spec:
  namespaceSelector: {matchNames: ["*"]}
  triggers:
    - triggerRef: shared
    - name: inline
      interceptors:
        - cel: {filter: "true"}
        - ref: {name: local, kind: NamespacedInterceptor}
          params: [{name: n, value: 3}]
      bindings: [{ref: b}, {ref: cb, kind: ClusterTriggerBinding}, {name: x, value: 1}]
      template: {ref: tt}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: ci}
data: {token: MTIzNDU2Nw==}
stringData: {plain: text}
"""


def test_loads_the_kinds_the_sink_reads(tmp_path: Path) -> None:
    manifests = load_manifests(write_manifests(tmp_path / "m" / "nested", GOOD).parent)
    el = manifests.listeners[("ci", "el")]
    assert el.payload_validation is False
    assert el.selector.namespaces == ("*",)
    assert el.triggers[0].trigger_ref == "shared"
    inline = el.triggers[1].inline
    assert inline is not None and inline.namespace == "ci"
    legacy, local = inline.interceptors
    assert (legacy.ref_name, legacy.ref_kind, legacy.params[0].value) == ("cel", CLUSTER_INTERCEPTOR, "true")
    assert (local.ref_kind, local.params[0].value) == (NAMESPACED_INTERCEPTOR, 3)
    assert [(b.ref, b.kind, b.name, b.value) for b in inline.bindings] == [
        ("b", "TriggerBinding", "", None),
        ("cb", "ClusterTriggerBinding", "", None),
        ("", "TriggerBinding", "x", "1"),
    ]
    assert manifests.secrets[("ci", "s")] == {"token": "1234567", "plain": "text"}
    assert manifests.skipped_kinds == {"ConfigMap": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: Trigger\nmetadata: {namespace: ci}\n", "metadata.name: required string is missing"),
        ("kind: EventListener\nmetadata: {name: el}\nspec: {triggers: [{name: t}]}\n", "expected either template or triggerRef"),
        ("kind: EventListener\nmetadata: {name: el}\nspec: {triggers: {}}\n", "spec.triggers: expected a list, got dict"),
        ("kind: Trigger\nmetadata: {name: t}\nspec: {interceptors: [{ref: {}}]}\n", "spec.interceptors.[0].ref.name: required string is missing"),
        ("kind: Trigger\nmetadata: {name: t}\nspec: {interceptors: [{ref: {name: x, kind: Pod}}]}\n", "ref.kind: expected ClusterInterceptor or NamespacedInterceptor"),
        ("kind: ClusterInterceptor\nmetadata: {name: c}\nspec: {clientConfig: {url: 'http://x', service: {name: s, namespace: n}}}\n", "url and service are mutually exclusive"),
        ("kind: ClusterInterceptor\nmetadata: {name: c}\nspec: {clientConfig: {service: {name: s}}}\n", "clientConfig.service.namespace: required string is missing"),
        ("kind: EventListener\nmetadata: {name: el}\nspec: {triggerGroups: [{name: g, interceptors: []}]}\n", "a trigger group needs at least one interceptor"),
        ("kind: Trigger\nmetadata: {name: t}\nspec: {interceptors: [{webhook: {header: [{name: X}]}}]}\n", "expected objectRef (a Service) or url"),
        ("a: [\n", "not valid YAML"),
        ("kind: Secret\nmetadata: {name: s}\ndata: {k: '***'}\n", "data.k: expected base64"),
    ],
)  # fmt: skip
def test_bad_manifests_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_manifests(write_manifests(tmp_path, "apiVersion: triggers.tekton.dev/v1beta1\n" + text))
    assert message in caught.value.message
    assert "listener.yaml" in caught.value.message
