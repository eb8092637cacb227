"""TriggerTemplate rendering: escaping, deprecated $(params.x), $(uid), labels, generateName."""

from __future__ import annotations

import pytest
import yaml

from interceptor.emulator.bindings import ResolvedParam
from interceptor.emulator.model import TemplateParam, Trigger, TriggerTemplate
from interceptor.emulator.templates import render

TRIGGER = Trigger("deploy", "ci")


def template(spec: dict[str, object]) -> TriggerTemplate:
    resource = {
        "apiVersion": "tekton.dev/v1",
        "kind": "PipelineRun",
        "metadata": {"generateName": "run-"},
        "spec": spec,
    }
    return TriggerTemplate("tt", "ci", (TemplateParam("msg"),), (resource,))


@pytest.mark.parametrize(
    ("spec", "value", "expected", "warning"),
    [
        ({"m": "$(tt.params.msg)"}, 'say "hi"\nnow', {"m": 'say "hi"\nnow'}, ""),
        ({"m": "pre-$(tt.params.msg)-post"}, "<&>", {"m": "pre-<&>-post"}, ""),
        ({"m": "$(params.msg)"}, "old", {"m": "old"}, "deprecated"),
        ({"m": "$(tt.params.other)"}, "x", {"m": "$(tt.params.other)"}, "'other' has no value"),
        ({"id": "$(uid)"}, "x", {"id": "fixed-uid"}, ""),
    ],
)
def test_render(spec: dict[str, object], value: str, expected: dict[str, str], warning: str) -> None:
    rendering = render(
        template(spec), [ResolvedParam("msg", value, "binding")], trigger=TRIGGER, listener="el",
        event_id="e1", new_uid=lambda: "fixed-uid",
    )  # fmt: skip
    (resource,) = rendering.resources
    assert resource.document["spec"] == expected
    assert (warning in " ".join(rendering.warnings)) if warning else rendering.warnings == []
    assert resource.generate_name == "run-" and resource.namespace == "ci"
    loaded = yaml.safe_load(resource.to_yaml())
    assert list(loaded) == ["apiVersion", "kind", "metadata", "spec"]
    assert loaded["metadata"]["labels"] == {
        "triggers.tekton.dev/eventlistener": "el",
        "triggers.tekton.dev/trigger": "deploy",
        "triggers.tekton.dev/triggers-eventid": "e1",
    }
