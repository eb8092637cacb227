"""The deprecated webhook interceptor: body merge, header mutation, replies replacing the event."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.emulator.model import Param, WebhookSpec
from interceptor.emulator.webhook import WebhookError, extend_body_with_extensions, mutate_headers
from tests.emulator.conftest import EmulatorFactory
from tests.fakes.recorder import Recorder, Reply


@pytest.mark.parametrize(
    ("body", "extensions", "expected"),
    [
        ('{"a": 1}', {}, '{"a": 1}'),
        (
            '{"a": 1}',
            {"b": {"c": 2.0}, "a2": "<x>"},
            '{"a": 1,"extensions":{"a2":"\\u003cx\\u003e","b":{"c":2}}}',
        ),
        ("{}", {"k": True}, '{"extensions":{"k":true}}'),
        ("", {"k": 1}, '{"extensions":{"k":1}}'),
        ('{"extensions": {"old": 1}}', {"new": 2}, '{"extensions":{"new":2,"old":1}}'),
    ],
)
def test_extensions_are_merged_into_the_body(body: str, extensions: dict[str, Any], expected: str) -> None:
    assert extend_body_with_extensions(body, extensions) == expected


def test_a_non_json_body_cannot_take_extensions() -> None:
    with pytest.raises(WebhookError, match="could not merge extensions with body"):
        extend_body_with_extensions("payload=x", {"k": 1})


def test_header_mutation() -> None:
    header = {"X-Decoder-Tags": ["old"], "X-Decoder-Mode": ["loose"], "Content-Type": ["application/json"]}
    spec = WebhookSpec(
        url="http://x/", headers=(Param("X-Decoder-Mode", "strict"), Param("X-Decoder-Tags", ["a", "b"]))
    )
    mutate_headers(header, spec, "/hooks?x=1")
    assert header == {
        "X-Decoder-Tags": ["a", "b"],
        "X-Decoder-Mode": ["strict"],
        "Content-Type": ["application/json"],
        "Eventlistener-Request-Url": ["/hooks?x=1"],
    }


LISTENER = """
apiVersion: triggers.tekton.dev/v1alpha1
kind: ClusterInterceptor
metadata: {name: before}
spec: {clientConfig: {url: "http://before.invalid/"}}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata:
  name: el
  namespace: ci
  annotations: {tekton.dev/payload-validation: "false"}
spec:
  triggers:
    - name: legacy
      interceptors:
        - ref: {name: before}
        - webhook:
            objectRef: {kind: Service, apiVersion: v1, name: decoder}
            header:
              - {name: X-Decoder-Mode, value: strict}
              - {name: X-Decoder-Tags, value: [a, b]}
      bindings: [{name: user, value: $(body.user)}, {name: mode, value: $(header.X-Reply)}, {name: ext, value: $(extensions.seen)}]
      template:
        spec:
          params: [{name: user}, {name: mode}, {name: ext}]
          resourcetemplates:
            - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: tr}, spec: {user: $(tt.params.user), mode: $(tt.params.mode), ext: $(tt.params.ext)}}
"""


@pytest.mark.parametrize(
    ("reply", "status", "error"),
    [
        (Reply(body={"user": "ada"}, headers={"X-Reply": "one"}), "created", ""),
        (
            Reply(status=403, body="go away"),
            "error",
            "request rejected; status: 403 Forbidden; message: go away",
        ),
    ],
)
async def test_webhook_call(emulator: EmulatorFactory, reply: Reply, status: str, error: str) -> None:
    before_reply = Reply(body={"continue": True, "extensions": {"seen": "yes"}})
    async with Recorder(before_reply) as before, Recorder(reply) as decoder:
        resolve = ["before=" + before.url, "decoder.ci=" + decoder.url + "/decode"]
        async with emulator(LISTENER, resolve=resolve) as emu:
            event = await emu.send(
                '{"raw": true}', {"Content-Type": "application/json", "X-Incoming": "kept"}
            )
    (trigger,) = event["triggers"]
    assert (trigger["status"], trigger["error"]) == (status, error)
    sent = decoder.requests[0]
    assert sent.path == "/decode/"
    assert sent.body == b'{"raw": true,"extensions":{"seen":"yes"}}'
    assert sent.headers["X-Decoder-Mode"] == "strict"
    assert "X-Decoder-Tags" in sent.headers  # both lines: see test_header_mutation
    assert sent.headers["X-Incoming"] == "kept"
    assert sent.headers["Eventlistener-Request-Url"] == "/"
    assert sent.headers.get("Transfer-Encoding") == "chunked"
    if status == "created":
        # response body replaced the body, response headers replaced the headers, extensions survived
        assert trigger["resources"][0]["resource"]["spec"] == {"user": "ada", "mode": "one", "ext": "yes"}
