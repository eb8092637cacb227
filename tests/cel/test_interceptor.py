"""The cel interceptor's contract, each case through CelInterceptor.process and over HTTP."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from interceptor.cel import CelEnvironment
from interceptor.interceptors.cel import CelInterceptor
from interceptor.protocol import parse_request
from tests.cel.conftest import PostFn, make_interceptor
from tests.cel.payloads import (
    GITHUB_HEADERS,
    GITHUB_PUSH,
    GITLAB_HEADERS,
    GITLAB_PUSH,
    SLACK_FORM_BODY,
    el_request,
)

PUSH = json.dumps(GITHUB_PUSH)


@dataclass(frozen=True)
class Case:
    id: str
    params: dict[str, Any]
    expected: dict[str, Any]
    body: str = PUSH
    header: dict[str, list[str]] = field(default_factory=lambda: dict(GITHUB_HEADERS))
    extensions: dict[str, Any] | None = None
    context: bool | None = True


def ok(extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    return (
        {"extensions": extensions, "continue": True, "status": {}}
        if extensions
        else {"continue": True, "status": {}}
    )


def stop(code: int, message: str) -> dict[str, Any]:
    return {"continue": False, "status": {"code": code, "message": message}}


FILTER = "body.ref == 'refs/heads/main' && header.match('X-GitHub-Event', 'push')"

CASES = [
    Case("filter-true-no-overlays", {"filter": FILTER}, ok()),
    Case("no-params", {}, ok()),
    Case("filter-false", {"filter": "body.deleted"}, stop(9, "expression body.deleted did not return true")),
    Case("filter-non-bool", {"filter": "body.ref"}, stop(9, "expression body.ref did not return true")),
    Case(
        "filter-message-verbatim-with-ampersands",
        {"filter": "body.ref == 'x' && true"},
        stop(9, "expression body.ref == 'x' && true did not return true"),
    ),
    Case(
        "filter-eval-error",
        {"filter": "body.val"},
        stop(
            3, 'error evaluating cel expression: expression "body.val" failed to evaluate: no such key: val'
        ),
    ),
    Case(
        "filter-quotes-escaped",
        {"filter": 'body.x == "a"'},
        stop(
            3,
            'error evaluating cel expression: expression "body.x == \\"a\\"" failed to evaluate: no such key: x',
        ),
    ),
    Case(
        "overlay-truncate",
        {"filter": FILTER, "overlays": [{"key": "truncated_sha", "expression": "body.after.truncate(7)"}]},
        ok({"truncated_sha": "28911bb"}),
    ),
    Case(
        "overlays-see-original-input",
        {
            "overlays": [
                {"key": "branch", "expression": "body.ref.split('/')[2]"},
                {"key": "uses_branch", "expression": "has(extensions.branch)"},
            ]
        },
        ok({"branch": "main", "uses_branch": False}),
    ),
    Case(
        "incoming-extensions-readable-not-echoed",
        {"overlays": [{"key": "team", "expression": "extensions.source.team + '-ci'"}]},
        ok({"team": "platform-ci"}),
        extensions={"source": {"team": "platform"}},
    ),
    Case(
        "sjson-nested",
        {"overlays": [{"key": "a.b", "expression": "'x'"}, {"key": "a.c", "expression": "1.5"}]},
        ok({"a": {"b": "x", "c": 1.5}}),
    ),
    Case("sjson-escaped-dot", {"overlays": [{"key": "a\\.b", "expression": "'x'"}]}, ok({"a.b": "x"})),
    Case(
        "sjson-array-padding",
        {"overlays": [{"key": "list.2", "expression": "'x'"}]},
        ok({"list": [None, None, "x"]}),
    ),
    Case("sjson-forced-key", {"overlays": [{"key": "m.:5", "expression": "'x'"}]}, ok({"m": {"5": "x"}})),
    Case(
        "sjson-later-overwrites",
        {"overlays": [{"key": "v", "expression": "'first'"}, {"key": "v", "expression": "'second'"}]},
        ok({"v": "second"}),
    ),
    Case(
        "sjson-extensions-prefix-nests",
        {"overlays": [{"key": "extensions.x", "expression": "1"}]},
        ok({"extensions": {"x": 1}}),
    ),
    Case("overlay-int-arith", {"overlays": [{"key": "n", "expression": "int(1) + 3"}]}, ok({"n": 4})),
    Case("overlay-double-integral", {"overlays": [{"key": "n", "expression": "2.0 + 1.0"}]}, ok({"n": 3})),
    Case("overlay-double-product", {"overlays": [{"key": "n", "expression": "1.7 * 3.0"}]}, ok({"n": 5.1})),
    Case(
        "overlay-bytes-base64",
        {"overlays": [{"key": "b", "expression": "base64.decode('aGVsbG8=')"}]},
        ok({"b": "aGVsbG8="}),
    ),
    Case(
        "overlay-null-13",
        {"overlays": [{"key": "n", "expression": "null"}]},
        stop(
            13,
            "failed to convert overlay result to type: type conversion error from 'null_type' to '*structpb.Value'",
        ),
    ),
    Case(
        "overlay-uint-13",
        {"overlays": [{"key": "n", "expression": "1u"}]},
        stop(
            13,
            "failed to convert overlay result to type: type conversion error from 'uint' to '*structpb.Value'",
        ),
    ),
    Case(
        "overlay-timestamp-13",
        {"overlays": [{"key": "t", "expression": "timestamp('2026-01-01T00:00:00Z')"}]},
        stop(
            13,
            "failed to convert overlay result to type: type conversion error from "
            "'google.protobuf.Timestamp' to '*structpb.Value'",
        ),
    ),
    Case(
        "overlay-duration-13",
        {"overlays": [{"key": "d", "expression": "duration('1s')"}]},
        stop(
            13,
            "failed to convert overlay result to type: type conversion error from "
            "'google.protobuf.Duration' to '*structpb.Value'",
        ),
    ),
    Case(
        "overlay-eval-error-3",
        {"overlays": [{"key": "x", "expression": "body.count + 1"}]},
        stop(
            3,
            'error evaluating cel expression: expression "body.count + 1" failed to evaluate: no such key: count',
        ),
    ),
    Case("empty-body-is-object", {"filter": "size(body) == 0"}, ok(), body=""),
    Case(
        "form-body-code-3",
        {"filter": "true"},
        stop(
            3,
            "error making the evaluation context: failed to parse the body as JSON: "
            "invalid character 'p' looking for beginning of value",
        ),
        body=SLACK_FORM_BODY,
        header={"Content-Type": ["application/x-www-form-urlencoded"]},
    ),
    Case(
        "array-body-code-3",
        {},
        stop(
            3,
            "error making the evaluation context: failed to parse the body as JSON: "
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        body="[1, 2]",
    ),
    Case("null-context", {"filter": "true"}, stop(3, "no request context passed"), context=None),
    Case(
        "bad-filter-param",
        {"filter": 5},
        stop(
            3,
            "failed to parse interceptor params: invalid json: json: cannot unmarshal number "
            "into Go struct field InterceptorParams.filter of type string",
        ),
    ),
    Case(
        "bad-overlays-param",
        {"overlays": {"key": "x"}},
        stop(
            3,
            "failed to parse interceptor params: invalid json: json: cannot unmarshal object "
            "into Go struct field InterceptorParams.overlays of type []cel.Overlay",
        ),
    ),
    Case(
        "params-checked-before-context",
        {"filter": ["x"]},
        stop(
            3,
            "failed to parse interceptor params: invalid json: json: cannot unmarshal array "
            "into Go struct field InterceptorParams.filter of type string",
        ),
        context=None,
    ),
    Case(
        "unsupported-function-code-3",
        {"filter": "decodeb64(body.ref) == 'x'"},
        stop(
            3,
            "error evaluating cel expression: expression \"decodeb64(body.ref) == 'x'\" check failed: "
            "ERROR: <input>:1:1: function decodeb64 is not supported (removed in Tekton v0.22.0; "
            "use string(base64.decode(s)))\n | decodeb64(body.ref) == 'x'\n | ^",
        ),
    ),
    Case(
        "gitlab-token-and-branch",
        {
            "filter": "header.canonical('X-Gitlab-Token').compareSecret('token', 'gitlab') && "
            "body.ref.startsWith('refs/heads/release/')",
            "overlays": [
                {"key": "release.version", "expression": "body.ref.split('/')[3]"},
                {"key": "release.repo", "expression": "body.project.path_with_namespace"},
            ],
        },
        ok({"release": {"version": "2.7", "repo": "platform/orders"}}),
        body=json.dumps(GITLAB_PUSH),
        header=dict(GITLAB_HEADERS),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_process(case: Case, cel_interceptor: CelInterceptor) -> None:
    raw = el_request(case.body, case.header, case.params, extensions=case.extensions, context=case.context)
    response = await cel_interceptor.process(parse_request(raw))
    assert response.to_json() == case.expected


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_http(case: Case, post_cel: PostFn) -> None:
    raw = el_request(case.body, case.header, case.params, extensions=case.extensions, context=case.context)
    status, response = await post_cel(raw)
    assert status == 200
    assert response == case.expected


def test_request_bytes_are_go_like() -> None:
    raw = el_request(PUSH, GITHUB_HEADERS, {"filter": FILTER})
    assert b"\\u0026\\u0026" in raw
    assert b'"extensions"' not in raw
    assert b'"trigger_id":"namespaces/ci/triggers/github-push"' in raw


async def test_expressions_compiled_once_across_requests() -> None:
    env = CelEnvironment(cache_size=16)
    interceptor = make_interceptor(env)
    params = {"filter": FILTER, "overlays": [{"key": "sha", "expression": "body.after.truncate(7)"}]}
    for _ in range(5):
        response = await interceptor.process(parse_request(el_request(PUSH, GITHUB_HEADERS, params)))
        assert response.continue_ is True
    assert env.compile_count == 2
