"""The emulated sink end to end: real HTTP in, real fake ClusterInterceptors out, files written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.emulator.conftest import EVENT_ID, EmulatorFactory
from tests.fakes.recorder import Recorder, Reply

GITHUB_BODY = (
    '{"action": "opened", "pull_request":{"head":{"sha": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73"}},'
    '"repository":{"clone_url": "https://github.com/tektoncd/triggers.git"}}'
)
CURL_HEADERS = {
    "Accept": "*/*",
    "Content-Type": "application/json",
    "User-Agent": "curl/8.5.0",
    "X-GitHub-Event": "pull_request",
    "X-Hub-Signature-256": "sha256=c26dd919ebe335852219c49f74c4b24f1c62c93c77294be3ac6d8f2e4691a023",
}
# Reference §1.3, byte for byte: the second interceptor's InterceptorRequest.
GOLDEN_SECOND_REQUEST = (
    r'{"body":"{\"action\": \"opened\", \"pull_request\":{\"head\":{\"sha\": \"28911bbb5a3e2ea034daf1f6be0a822d50e31e73\"}},\"repository\":{\"clone_url\": \"https://github.com/tektoncd/triggers.git\"}}",'
    r'"header":{"Accept":["*/*"],"Content-Length":["168"],"Content-Type":["application/json"],"User-Agent":["curl/8.5.0"],"X-Github-Event":["pull_request"],"X-Hub-Signature-256":["sha256=c26dd919ebe335852219c49f74c4b24f1c62c93c77294be3ac6d8f2e4691a023"]},'
    r'"extensions":{"source":{"team":"platform"}},'
    r'"interceptor_params":{"filter":"body.action in ['
    + "'opened', 'reopened'"
    + r"] \u0026\u0026 header.match("
    + "'X-GitHub-Event', 'pull_request'"
    + r')","overlays":[{"key":"truncated_sha","expression":"body.pull_request.head.sha.truncate(7)"}]},'
    r'"context":{"event_url":"/","event_id":"5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b","trigger_id":"namespaces/default/triggers/github-listener"}}'
)

GITHUB_LISTENER = """
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: source-team}
spec:
  clientConfig: {service: {name: source-team, namespace: ci, path: team}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: github, namespace: default}
spec:
  triggers:
    - name: github-listener
      interceptors:
        - ref: {name: source-team}
        - ref: {name: cel}
          params:
            - name: filter
              value: "body.action in ['opened', 'reopened'] && header.match('X-GitHub-Event', 'pull_request')"
            - name: overlays
              value: [{key: truncated_sha, expression: "body.pull_request.head.sha.truncate(7)"}]
      bindings:
        - {name: sha, value: $(extensions.truncated_sha)}
        - {name: team, value: $(extensions.source.team)}
        - {name: event, value: $(header.X-Github-Event)}
      template: {ref: build}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata: {name: build, namespace: default}
spec:
  params: [{name: sha}, {name: team}, {name: event}]
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {generateName: build-$(tt.params.team)-}
      spec:
        params: [{name: sha, value: $(tt.params.sha)}, {name: event, value: $(tt.params.event)}]
"""


def _read_yaml(path: str) -> Any:
    return yaml.safe_load(Path(path).read_text())


TEAM_REPLY = Reply(body={"extensions": {"source": {"team": "platform"}}, "continue": True})


async def test_reproduces_the_reference_exchange_byte_for_byte(emulator: EmulatorFactory) -> None:
    async with Recorder(TEAM_REPLY) as team, Recorder() as cel:
        cel.script(Reply(body={"extensions": {"truncated_sha": "28911bb"}, "continue": True, "status": {}}))
        resolve = [f"source-team.ci={team.url}", f"cel={cel.url}/cel"]
        async with emulator(GITHUB_LISTENER, resolve=resolve, fixed_id=True) as emu:
            status, reply = await emu.post(GITHUB_BODY, CURL_HEADERS)
            assert (status, reply) == (
                202,
                {
                    "eventListener": "github",
                    "namespace": "default",
                    "eventListenerUID": "",
                    "eventID": EVENT_ID,
                },
            )
            event = await emu.event(EVENT_ID)
    assert cel.requests[0].body.decode() == GOLDEN_SECOND_REQUEST
    first = team.requests[0]
    assert first.path == "/team"
    assert "extensions" not in first.json() and "interceptor_params" not in first.json()
    assert {k: first.headers[k] for k in ("Content-Type", "User-Agent", "Accept-Encoding")} == {
        "Content-Type": "application/json",
        "User-Agent": "Go-http-client/1.1",
        "Accept-Encoding": "gzip",
    }
    assert "Accept" not in first.headers
    (trigger,) = event["triggers"]
    assert trigger["status"] == "created"
    assert [s["continue"] for s in trigger["interceptors"]] == [True, True]
    (resource,) = trigger["resources"]
    assert resource["generateName"] == "build-platform-"
    assert resource["resource"]["spec"]["params"] == [
        {"name": "sha", "value": "28911bb"},
        {"name": "event", "value": "pull_request"},
    ]
    written = _read_yaml(trigger["files"][0])
    assert written["metadata"]["labels"]["triggers.tekton.dev/triggers-eventid"] == EVENT_ID
    assert written["metadata"]["namespace"] == "default"


@pytest.mark.parametrize(
    ("action", "status", "stop"),
    [
        ("opened", "created", None),
        (
            "closed",
            "stopped",
            {
                "interceptor": "cel",
                "code": 9,
                "message": "expression body.action in ['opened', 'reopened'] && "
                "header.match('X-GitHub-Event', 'pull_request') did not return true",
            },
        ),
    ],
)
async def test_core_cel_runs_in_process(
    emulator: EmulatorFactory, action: str, status: str, stop: dict[str, Any] | None
) -> None:
    async with (
        Recorder(TEAM_REPLY) as team,
        emulator(GITHUB_LISTENER, resolve=[f"source-team.ci={team.url}"]) as emu,
    ):
        event = await emu.send(GITHUB_BODY.replace('"opened"', f'"{action}"'), CURL_HEADERS)
    (trigger,) = event["triggers"]
    assert (trigger["status"], trigger["stop"]) == (status, stop)
    cel_step = trigger["interceptors"][1]
    assert cel_step["kind"] == "core"
    if status == "created":
        assert cel_step["extensions"] == {"truncated_sha": "28911bb"}


CHAIN_LISTENER = """
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: first}
spec: {clientConfig: {url: "http://first.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: second}
spec: {clientConfig: {url: "http://second.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: chain, namespace: ci}
spec:
  triggers:
    - name: t
      interceptors: [{ref: {name: first}}, {ref: {name: second}}]
      bindings: [{name: a, value: $(extensions.a)}, {name: b, value: $(extensions.b)}]
      template:
        spec:
          params: [{name: a}, {name: b}]
          resourcetemplates:
            - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: run}, spec: {a: $(tt.params.a), b: $(tt.params.b)}}
"""


@pytest.mark.parametrize(
    ("first_reply", "status", "reached_second", "detail"),
    [
        (Reply(body={"continue": False, "status": {"code": 7, "message": "no"}}), "stopped", False, "no"),
        (Reply(body={"extensions": {"a": 1}}), "stopped", False, ""),  # missing continue reads false
        (Reply(status=500, body="boom"), "error", False, "interceptor response was not 200: boom"),
        (Reply(body="not json"), "error", False, "invalid character 'o' in literal null (expecting 'u')"),
        (Reply(body={"continue": "yes"}), "error", False, "cannot unmarshal string"),
        (Reply(body={"continue": True, "status": {"code": 17}}), "error", False, "invalid code: 17"),
        (Reply(body={"Continue": True, "extensions": {"a": {"x": 1}, "b": "one"}}), "created", True, ""),
    ],
)
async def test_chain_outcomes(
    emulator: EmulatorFactory, first_reply: Reply, status: str, reached_second: bool, detail: str
) -> None:
    second_reply = Reply(body={"continue": True, "extensions": {"b": "two"}})
    async with (
        Recorder(first_reply) as first,
        Recorder(second_reply) as second,
        emulator(CHAIN_LISTENER, resolve=[f"first={first.url}", f"second={second.url}"]) as emu,
    ):
        event = await emu.send('{"k": "v"}')
    (trigger,) = event["triggers"]
    assert trigger["status"] == status
    assert bool(second.requests) == reached_second
    if status == "stopped" and detail:
        assert trigger["stop"]["message"] == detail
    if status == "error":
        assert detail in trigger["error"]
    if reached_second:
        # shallow merge: the second interceptor sees the first one's extensions; "b" is overwritten
        assert second.requests[0].json()["extensions"] == {"a": {"x": 1}, "b": "one"}
        assert trigger["resources"][0]["resource"]["spec"] == {"a": '{"x":1}', "b": "two"}


@pytest.mark.parametrize(
    ("annotation", "body", "status", "message"),
    [
        (
            "",
            "payload=%7B%7D",
            400,
            "Invalid event body format : invalid character 'p' looking for beginning of value",
        ),
        (
            "",
            "[1]",
            400,
            "Invalid event body format : json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        ("", "", 400, "Invalid event body format : unexpected end of JSON input"),
        ("", '{"a":1}', 202, None),
        ('tekton.dev/payload-validation: "false"', "payload=%7B%7D", 202, None),
    ],
)
async def test_payload_validation(
    emulator: EmulatorFactory, annotation: str, body: str, status: int, message: str | None
) -> None:
    manifests = f"""
    apiVersion: triggers.tekton.dev/v1beta1
    kind: EventListener
    metadata:
      name: el
      namespace: ci
      annotations: {{{annotation}}}
    spec: {{triggers: []}}
    """
    async with emulator(manifests) as emu:
        got_status, reply = await emu.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert got_status == status
    if message is not None:
        assert reply == {
            "eventListener": "el",
            "namespace": "ci",
            "eventListenerUID": "",
            "errorMessage": message,
        }


FORM_LISTENER = """
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: spy}
spec: {clientConfig: {url: "http://spy.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata:
  name: el
  namespace: ci
  annotations: {tekton.dev/payload-validation: "false"}
spec:
  triggers:
    - name: ref-first
      interceptors: [{ref: {name: spy}}]
      template: {ref: none}
    - name: webhook-first
      interceptors: [{webhook: {url: "WEBHOOK"}}, {ref: {name: spy}}]
      template: {ref: none}
"""


@pytest.mark.parametrize(
    ("content_type", "body", "ref_first_body", "webhook_first_raw"),
    [
        (
            "application/x-www-form-urlencoded",
            "a=1&b=x+y&a=2",
            '{"a":["1","2"],"b":["x y"]}',
            "a=1&b=x+y&a=2",
        ),
        ("application/x-www-form-urlencoded; charset=utf-8", "a=1&b=2", "a=1&b=2", "a=1&b=2"),
        ("application/x-www-form-urlencoded", "payload=%7B%22x%22%3A1%7D", "payload=%7B%22x%22%3A1%7D", None),
        ("application/json", "a=1&b=2", "a=1&b=2", None),
    ],
)
async def test_form_conversion(
    emulator: EmulatorFactory,
    content_type: str,
    body: str,
    ref_first_body: str,
    webhook_first_raw: str | None,
) -> None:
    async with Recorder(Reply(body={"continue": False})) as spy, Recorder(Reply(body="{}")) as hook:
        manifests = FORM_LISTENER.replace("WEBHOOK", hook.url + "/hook")
        async with emulator(manifests, resolve=[f"spy={spy.url}"]) as emu:
            event = await emu.send(body, {"Content-Type": content_type})
    by_trigger = {t["name"]: t for t in event["triggers"]}
    ref_request = next(r.json() for r in spy.requests if "ref-first" in r.json()["context"]["trigger_id"])
    assert ref_request["body"] == ref_first_body
    assert by_trigger["ref-first"]["formConverted"] == (ref_first_body != body)
    assert hook.requests[0].body.decode() == body  # the webhook always sees the raw form first
    assert by_trigger["webhook-first"]["formConverted"] is False
    if webhook_first_raw is not None:
        assert hook.requests[0].body.decode() == webhook_first_raw


GROUP_LISTENER = """
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: gate}
spec: {clientConfig: {url: "http://gate.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: member}
spec: {clientConfig: {url: "http://member.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: el, namespace: ci}
spec:
  triggerGroups:
    - name: github
      interceptors: [{ref: {name: gate}}]
      triggerSelector:
        labelSelector: {matchLabels: {team: a}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: Trigger
metadata: {name: selected, namespace: ci, labels: {team: a}}
spec:
  interceptors: [{ref: {name: member}}]
  bindings: [{name: who, value: $(extensions.group.who)}, {name: mine, value: $(extensions.mine)}]
  template: {ref: tt}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: Trigger
metadata: {name: other-team, namespace: ci, labels: {team: b}}
spec:
  template: {ref: tt}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata: {name: tt, namespace: ci}
spec:
  params: [{name: who}, {name: mine, default: none}]
  resourcetemplates:
    - {apiVersion: tekton.dev/v1, kind: PipelineRun, metadata: {name: pr}, spec: {who: $(tt.params.who), mine: $(tt.params.mine)}}
"""


@pytest.mark.parametrize("gate_continues", [True, False])
async def test_trigger_groups(emulator: EmulatorFactory, gate_continues: bool) -> None:
    gate_reply = Reply(body={"continue": gate_continues, "extensions": {"group": {"who": "gate"}}})
    member_reply = Reply(body={"continue": True, "extensions": {"mine": "yes"}})
    async with (
        Recorder(gate_reply) as gate,
        Recorder(member_reply) as member,
        emulator(GROUP_LISTENER, resolve=[f"gate={gate.url}", f"member={member.url}"]) as emu,
    ):
        event = await emu.send('{"x": 1}')
    (group,) = event["triggerGroups"]
    assert gate.requests[0].json()["context"]["trigger_id"] == "namespaces/ci/triggerGroups/github"
    if not gate_continues:
        assert group["status"] == "stopped" and event["triggers"] == [] and not member.requests
        return
    (trigger,) = event["triggers"]
    assert (trigger["name"], trigger["group"], trigger["status"]) == ("selected", "github", "created")
    sent = member.requests[0].json()
    assert sent["extensions"] == {"group": {"who": "gate"}}
    assert sent["context"]["trigger_id"] == "namespaces/ci/triggers/selected"
    assert trigger["resources"][0]["resource"]["spec"] == {"who": "gate", "mine": "yes"}


async def test_events_listing_and_unknown_event(emulator: EmulatorFactory) -> None:
    async with (
        Recorder(TEAM_REPLY) as team,
        emulator(GITHUB_LISTENER, resolve=[f"source-team.ci={team.url}"]) as emu,
    ):
        first = await emu.send(GITHUB_BODY, CURL_HEADERS, path="/hooks?x=1")
        async with emu.session.get(emu.url("/emulator/events?wait=1")) as reply:
            listing = await reply.json()
        async with emu.session.get(emu.url("/emulator/events/nope")) as missing:
            assert missing.status == 404
        async with emu.session.get(emu.url("/emulator/events?wait=1&timeout=soon")) as bad:
            assert bad.status == 400
    assert [e["eventID"] for e in listing["events"]] == [first["eventID"]]
    assert listing["events"][0]["eventURL"] == "/hooks?x=1"
    assert (
        json.loads(first["triggers"][0]["interceptors"][0]["request"])["context"]["event_url"] == "/hooks?x=1"
    )


async def test_an_unreachable_interceptor_abandons_the_trigger(emulator: EmulatorFactory) -> None:
    manifests = CHAIN_LISTENER.replace(
        'url: "http://first.invalid/"', "service: {name: first, namespace: ci}"
    )
    async with emulator(manifests, resolve=["first.ci=http://127.0.0.1:9"]) as emu:
        event = await emu.send("{}")
    (trigger,) = event["triggers"]
    assert trigger["status"] == "error"
    assert trigger["error"].startswith('Post "http://127.0.0.1:9/": ')
    assert trigger["interceptors"][0]["url"] == "http://127.0.0.1:9/"
