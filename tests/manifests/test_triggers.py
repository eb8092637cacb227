"""Consistency of the Tekton example, as far as it can be checked without a cluster:

- every ``$(extensions.X…)`` a binding reads, and every ``extensions.X`` a CEL expression reads, is
  produced by an interceptor EARLIER in the same trigger, given that interceptor's params;
- TriggerTemplates declare every ``$(tt.params.X)`` and get every param without a default;
- PipelineRuns, Pipelines and Tasks agree on params, results and task names;
- Slack buttons route on decoded ``action.data`` fields, never on substrings of the raw value.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from typing import Any

import jinja2.sandbox
import pytest
import yaml

from tests.manifests import kustomize
from tests.manifests.conftest import EXAMPLE

# What each of our interceptors adds to `extensions` (DESIGN §3), by top-level key and its fields.
SLACK_FIELDS = {
    "type",
    "payload",
    "user",
    "channel",
    "team",
    "responseUrl",
    "triggerId",
    "action",
    "actionValues",
    "command",
    "text",
    "args",
}
EVENT_FIELDS = {"contextId", "pipeline", "event", "handlers"}
DEFAULT_CONTEXT_SELECT = ["state", "variables"]
EXTENSION_REF = re.compile(r"\$\(extensions\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?")
CEL_EXTENSION_REF = re.compile(r"\bextensions\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
TT_PARAM = re.compile(r"\$\(tt\.params\.([_a-zA-Z][_a-zA-Z0-9.-]*)\)")


@cache
def _example() -> tuple[dict[str, Any], ...]:
    return tuple(kustomize.render(EXAMPLE))


def _objects(kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in _example() if o["kind"] == kind}


def _params(interceptor: dict[str, Any]) -> dict[str, Any]:
    return {p["name"]: p["value"] for p in interceptor.get("params", [])}


def produced_extensions(interceptor: dict[str, Any]) -> dict[str, set[str] | None]:
    """Top-level extension keys an interceptor adds, each with its known fields (None: any field)."""
    name, params = interceptor["ref"]["name"], _params(interceptor)
    if name == "cicd-slack":
        return {"slack": SLACK_FIELDS}
    if name == "cicd-context":
        return {"context": {"id", *params.get("select", DEFAULT_CONTEXT_SELECT)}}
    if name == "cicd-event":
        return {"event": EVENT_FIELDS}
    if name in ("cel", "cicd-cel"):
        produced: dict[str, set[str] | None] = {}
        for overlay in params.get("overlays", []):
            # sjson key: `a.b` nests under `a`; `\.` is a literal dot.
            parts = re.split(r"(?<!\\)\.", overlay["key"])
            if len(parts) == 1:
                produced[parts[0]] = None
            else:
                fields = produced.setdefault(parts[0], set())
                if fields is not None:
                    fields.add(parts[1])
        return produced
    if name == "github":
        return {"changed_files": None} if (params.get("addChangedFiles") or {}).get("enabled") else {}
    raise AssertionError(f"unknown interceptor {name!r}: teach produced_extensions what it adds")


def _expressions(interceptor: dict[str, Any]) -> list[str]:
    """The CEL expressions an interceptor evaluates (filters, overlays, our expression params)."""
    params = _params(interceptor)
    found = [params["filter"]] if "filter" in params else []
    found += [o["expression"] for o in params.get("overlays", [])]
    if interceptor["ref"]["name"] in ("cicd-context", "cicd-event"):
        found += [
            v for k, v in params.items() if k in ("contextId", "pipeline", "event") and isinstance(v, str)
        ]
    return found


def _binding_params(trigger: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for binding in trigger.get("bindings", []):
        if "ref" in binding:
            pairs += [
                (p["name"], p["value"]) for p in _objects("TriggerBinding")[binding["ref"]]["spec"]["params"]
            ]
        else:
            pairs.append((binding["name"], binding["value"]))
    return pairs


def _check_reference(
    available: dict[str, set[str] | None], key: str, field: str | None, where: str
) -> list[str]:
    if key not in available:
        return [f"{where}: extensions.{key} is not produced by an earlier interceptor"]
    fields = available[key]
    if field and fields is not None and field not in fields:
        return [f"{where}: extensions.{key}.{field} is not among the fields it produces ({sorted(fields)})"]
    return []


def extension_errors(trigger: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    available: dict[str, set[str] | None] = {}
    for index, interceptor in enumerate(trigger.get("interceptors", [])):
        for expression in _expressions(interceptor):
            for key, field in CEL_EXTENSION_REF.findall(expression):
                errors += _check_reference(
                    available, key, field or None, f"{trigger['name']} interceptor {index}"
                )
        for key, fields in produced_extensions(interceptor).items():
            before = available.get(key, set())
            available[key] = None if fields is None or before is None else before | fields
    for name, value in _binding_params(trigger):
        for key, field in EXTENSION_REF.findall(value):
            errors += _check_reference(available, key, field or None, f"{trigger['name']} binding {name}")
    return errors


TRIGGERS = [t for el in _objects("EventListener").values() for t in el["spec"]["triggers"]]


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: t["name"])
def test_every_extension_read_is_produced_earlier_in_the_trigger(trigger: dict[str, Any]) -> None:
    assert extension_errors(trigger) == []


@pytest.mark.parametrize(
    ("interceptors", "binding", "error"),
    [
        ([], "$(extensions.slack.user.id)", "extensions.slack is not produced"),
        (
            [{"ref": {"name": "cicd-context"}}],
            "$(extensions.slack.user.id)",
            "extensions.slack is not produced",
        ),
        (
            [{"ref": {"name": "cicd-slack"}}],
            "$(extensions.slack.usr.id)",
            "extensions.slack.usr is not among",
        ),
        (
            [{"ref": {"name": "cicd-context"}, "params": [{"name": "select", "value": ["state"]}]}],
            "$(extensions.context.variables.x)",
            "extensions.context.variables is not among",
        ),
        (
            [
                {
                    "ref": {"name": "cel"},
                    "params": [{"name": "overlays", "value": [{"key": "a\\.b", "expression": "1"}]}],
                }
            ],
            "$(extensions.a.b)",
            "extensions.a is not produced",
        ),
        (
            [
                {
                    "ref": {"name": "cel"},
                    "params": [{"name": "filter", "value": "extensions.slack.type == 'x'"}],
                },
                {"ref": {"name": "cicd-slack"}},
            ],
            "x",
            "interceptor 0: extensions.slack is not produced",
        ),
    ],
)
def test_extension_check_catches_mistakes(
    interceptors: list[dict[str, Any]], binding: str, error: str
) -> None:
    trigger = {"name": "t", "interceptors": interceptors, "bindings": [{"name": "p", "value": binding}]}
    errors = extension_errors(trigger)
    assert len(errors) == 1
    assert error in errors[0]


def test_overlay_keys_nest_like_sjson() -> None:
    cel = {
        "ref": {"name": "cicd-cel"},
        "params": [
            {
                "name": "overlays",
                "value": [
                    {"key": "git.appName", "expression": "x"},
                    {"key": "git.appTag", "expression": "x"},
                    {"key": "flat", "expression": "x"},
                ],
            }
        ],
    }
    assert produced_extensions(cel) == {"git": {"appName", "appTag"}, "flat": None}


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: t["name"])
def test_bindings_provide_every_required_template_param(trigger: dict[str, Any]) -> None:
    template = _objects("TriggerTemplate")[trigger["template"]["ref"]]
    declared = {p["name"]: p for p in template["spec"].get("params", [])}
    bound = [name for name, _ in _binding_params(trigger)]
    assert len(bound) == len(set(bound)), f"a param is bound twice: {bound}"
    missing = [name for name, p in declared.items() if "default" not in p and name not in bound]
    assert missing == []
    assert set(bound) <= set(declared), f"bound but not declared: {set(bound) - set(declared)}"


@pytest.mark.parametrize(
    "template", list(_objects("TriggerTemplate").values()), ids=lambda t: t["metadata"]["name"]
)
def test_templates_declare_their_params_and_match_the_pipeline(template: dict[str, Any]) -> None:
    declared = {p["name"] for p in template["spec"].get("params", [])}
    for resource in template["spec"]["resourcetemplates"]:
        used = set(TT_PARAM.findall(json.dumps(resource)))
        assert used <= declared, f"undeclared: {used - declared}"
        assert declared <= used, f"declared but unused: {declared - used}"
        spec = resource["spec"]
        target = _objects("Pipeline" if "pipelineRef" in spec else "Task")[
            (spec.get("pipelineRef") or spec.get("taskRef"))["name"]
        ]
        _check_param_passing(target, spec.get("params", []), f"{template['metadata']['name']}")
        wanted = {w["name"] for w in target["spec"].get("workspaces", [])}
        assert {w["name"] for w in spec.get("workspaces", [])} == wanted


def _check_param_passing(target: dict[str, Any], given: list[dict[str, Any]], where: str) -> None:
    declared = {p["name"]: p for p in target["spec"].get("params", [])}
    names = [p["name"] for p in given]
    assert set(names) <= set(declared), f"{where}: unknown params {set(names) - set(declared)}"
    required = {n for n, p in declared.items() if "default" not in p}
    assert required <= set(names), f"{where}: missing params {required - set(names)}"


@pytest.mark.parametrize("pipeline", list(_objects("Pipeline").values()), ids=lambda p: p["metadata"]["name"])
def test_pipelines_and_tasks_agree(pipeline: dict[str, Any]) -> None:
    tasks = _objects("Task")
    spec = pipeline["spec"]
    pipeline_tasks = {t["name"]: t for t in spec["tasks"] + spec.get("finally", [])}
    declared = {p["name"] for p in spec.get("params", [])}
    for name, pipeline_task in pipeline_tasks.items():
        task = tasks[pipeline_task["taskRef"]["name"]]
        _check_param_passing(task, pipeline_task.get("params", []), f"{pipeline['metadata']['name']}/{name}")
        text = json.dumps(pipeline_task)
        assert set(re.findall(r"\$\(params\.([\w-]+)\)", text)) <= declared
        for ref_task, result in re.findall(r"\$\(tasks\.([\w-]+)\.results\.([\w-]+)\)", text):
            assert result in {
                r["name"]
                for r in tasks[pipeline_tasks[ref_task]["taskRef"]["name"]]["spec"].get("results", [])
            }
        for after in pipeline_task.get("runAfter", []):
            assert after in pipeline_tasks
        wanted = {w["name"] for w in task["spec"].get("workspaces", [])}
        assert {w["name"] for w in pipeline_task.get("workspaces", [])} == wanted


# --- Slack buttons: the value the app config renders is routed on its decoded data ----------------


def _render_macro(call: str, state: dict[str, Any]) -> str:
    """Render a button macro of bases/core.yaml the way handlers do: all macros prepended."""
    macros = yaml.safe_load((EXAMPLE / "bases" / "core.yaml").read_text())["jinja2-macros"]
    environment = jinja2.sandbox.SandboxedEnvironment()
    environment.filters["to_base64"] = lambda s: base64.b64encode(s.encode()).decode()
    template = environment.from_string("".join(m.strip() for m in macros.values()) + "{{ " + call + " }}")
    return template.render(state=state, event={"pipeline": "build", "run": "build-dev-orders-x1"})


def _decode(value: str) -> dict[str, Any]:
    """What cicd-slack puts in extensions.slack.action.data for a `prefix|base64(JSON)` value."""
    _prefix, _, encoded = value.partition("|")
    return json.loads(base64.b64decode(encoded))


def _route_filters() -> dict[str, str]:
    (listener,) = _objects("EventListener").values()
    return {
        t["name"]: _params(i)["filter"]
        for t in listener["spec"]["triggers"]
        for i in t["interceptors"]
        if i["ref"]["name"] == "cel"
        and "extensions.slack.action.data.trigger" in _params(i).get("filter", "")
    }


STATE = {
    "cicdVersion": "v1",
    "gitAppName": "deploy-validate-test",
    "appTag": "2.7.0",
    "cicdContextDataId": "deploy-validate-test-2.7.0-v1-dev-9f2c1e7",
    "cicdContextName": "dev",
}


@pytest.mark.parametrize(
    ("call", "trigger", "route"),
    [
        ("deployButtonValue()", "deploy", "slack-deploy"),
        ("changeContextButtonValue('prod')", "changeContext", "slack-promote"),
    ],
)
def test_button_values_decode_to_the_data_the_listener_routes_on(call: str, trigger: str, route: str) -> None:
    value = _render_macro(call, STATE)
    assert len(value) <= 2000  # Slack's limit for a button value
    prefix, _, _ = value.partition("|")
    assert prefix == f"{trigger}-v1-deploy-validate-test"
    data = _decode(value)
    assert data["trigger"] == trigger
    assert data["cicdContextDataId"] == STATE["cicdContextDataId"]
    filters = _route_filters()
    assert f"extensions.slack.action.data.trigger == '{trigger}'" in filters[route]
    # The app is called "deploy-validate-test": its name is in every value, yet exactly one trigger
    # matches each button, because routing compares the decoded field, not a substring.
    matching = [name for name, f in filters.items() if f"action.data.trigger == '{data['trigger']}'" in f]
    assert matching == [route]


def test_no_trigger_routes_on_a_substring_of_the_raw_value() -> None:
    text = json.dumps([t for el in _objects("EventListener").values() for t in el["spec"]["triggers"]])
    assert "action.value" not in text
    assert "actionValues" not in text
    assert ".indexOf(" not in text
    assert "contains(" not in text
