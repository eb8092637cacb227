"""github, gitlab, bitbucket and Tekton's slack interceptor, in-process, with Tekton's exact messages."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from interceptor.emulator.core_interceptors import CoreInterceptors, validate_signature
from interceptor.emulator.secret_store import SecretStore
from interceptor.protocol import InterceptorRequest, TriggerContext

BODY = '{"ref": "refs/heads/main"}'
SECRET = "1234567"
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY.encode(), hashlib.sha256).hexdigest()
SHA1 = "sha1=" + hmac.new(SECRET.encode(), BODY.encode(), hashlib.sha1).hexdigest()
REF = {"secretName": "hook", "secretKey": "token"}
CONTEXT = TriggerContext("/", "id", "namespaces/ci/triggers/t")


def core() -> CoreInterceptors:
    secrets = SecretStore()
    secrets.put("ci", "hook", "token", SECRET)
    return CoreInterceptors(secrets)


def request(
    header: dict[str, list[str]],
    params: dict[str, Any],
    context: TriggerContext | None = CONTEXT,
    body: str = BODY,
) -> InterceptorRequest:
    return InterceptorRequest(body=body, header=header, params=params, context=context)


@pytest.mark.parametrize(
    ("header", "params", "context", "expected"),
    [
        ({"X-Github-Event": ["push"], "X-Hub-Signature-256": [GOOD]}, {"secretRef": REF}, CONTEXT, (True, 0, "")),
        ({"X-Hub-Signature-256": [GOOD]}, {"secretRef": REF, "eventTypes": ["push"]}, CONTEXT, (False, 9, "event type  is not allowed")),
        ({"X-Github-Event": ["issues"]}, {"eventTypes": ["push", "pull_request"]}, CONTEXT, (False, 9, "event type issues is not allowed")),
        ({"X-Github-Event": ["push"]}, {"eventTypes": ["push"]}, CONTEXT, (True, 0, "")),
        ({"Content-Type": ["application/x-www-form-urlencoded"]}, {}, CONTEXT,
         (False, 3, "form parameter encoding not supported, please change the hook to send JSON payloads")),
        ({}, {"secretRef": {"secretName": "hook"}}, CONTEXT, (False, 9, "github interceptor secretRef.secretKey is empty")),
        ({"X-Hub-Signature": [SHA1]}, {"secretRef": REF}, CONTEXT, (False, 9, "no X-Hub-Signature-256 header set")),
        ({"X-Hub-Signature-256": [GOOD]}, {"secretRef": REF}, None, (False, 3, "no request context passed")),
        ({"X-Hub-Signature-256": [GOOD]}, {"secretRef": {"secretName": "nope", "secretKey": "token"}}, CONTEXT,
         (False, 9, 'error getting secret: secrets "nope" not found')),
        ({"X-Hub-Signature-256": [GOOD]}, {"secretRef": {"secretName": "hook", "secretKey": "other"}}, CONTEXT,
         (False, 9, "error getting secret: cannot find other key in secret ci/hook")),
        ({"X-Hub-Signature-256": ["sha256=" + "0" * 64]}, {"secretRef": REF}, CONTEXT, (False, 9, "payload signature check failed")),
        ({"x-hub-signature-256": [GOOD]}, {"secretRef": REF}, CONTEXT, (True, 0, "")),
    ],
)  # fmt: skip
async def test_github(
    header: dict[str, list[str]],
    params: dict[str, Any],
    context: TriggerContext | None,
    expected: tuple[bool, int, str],
) -> None:
    response = await core().process("github", request(header, params, context))
    assert (response.continue_, int(response.code), response.message) == expected


@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        (GOOD, ""),
        (SHA1, ""),
        ("", "missing signature"),
        ("sha256", 'error parsing signature "sha256"'),
        ("md5=00", 'unknown hash type prefix: "md5"'),
        ("sha256=zz", "error decoding signature \"sha256=zz\": encoding/hex: invalid byte: U+007A 'z'"),
        ("sha256=abc", 'error decoding signature "sha256=abc": encoding/hex: odd length hex string'),
    ],
)
def test_go_github_signature_messages(signature: str, problem: str) -> None:
    assert validate_signature(signature, BODY.encode(), SECRET.encode()) == problem


@pytest.mark.parametrize(
    ("header", "params", "expected"),
    [
        ({"X-Gitlab-Token": [SECRET], "X-Gitlab-Event": ["Push Hook"]}, {"secretRef": REF, "eventTypes": ["Push Hook"]}, (True, 0, "")),
        ({"X-Gitlab-Event": ["Tag Push Hook"]}, {"eventTypes": ["Push Hook"]}, (False, 9, "event type Tag Push Hook is not allowed")),
        ({}, {"secretRef": REF}, (False, 3, "no X-Gitlab-Token header set")),
        ({"X-Gitlab-Token": ["wrong"]}, {"secretRef": REF}, (False, 3, "Invalid X-GitLab-Token")),
        ({"X-Gitlab-Token": [SECRET]}, {"secretRef": {"secretName": "hook"}}, (False, 9, "gitlab interceptor secretRef.secretKey is empty")),
        ({}, {"eventTypes": "Push Hook"}, (False, 3, "failed to parse interceptor params: invalid json: json: cannot unmarshal string into Go struct field GitLabInterceptor.eventTypes of type []string")),
    ],
)  # fmt: skip
async def test_gitlab(
    header: dict[str, list[str]], params: dict[str, Any], expected: tuple[bool, int, str]
) -> None:
    response = await core().process("gitlab", request(header, params))
    assert (response.continue_, int(response.code), response.message) == expected


@pytest.mark.parametrize(
    ("header", "params", "expected"),
    [
        ({"X-Hub-Signature": [GOOD], "X-Event-Key": ["repo:push"]}, {"secretRef": REF, "eventTypes": ["repo:push"]}, (True, 0, "")),
        ({"X-Event-Key": ["pr:opened"]}, {"eventTypes": ["repo:push"]}, (False, 9, "event type pr:opened is not allowed")),
        ({}, {"secretRef": REF}, (False, 3, "no X-Hub-Signature header set")),
        ({"X-Hub-Signature": ["sha256=00"]}, {"secretRef": REF}, (False, 9, "error validating signature: payload signature check failed")),
    ],
)  # fmt: skip
async def test_bitbucket(
    header: dict[str, list[str]], params: dict[str, Any], expected: tuple[bool, int, str]
) -> None:
    response = await core().process("bitbucket", request(header, params))
    assert (response.continue_, int(response.code), response.message) == expected


FORM = {"Content-Type": ["application/x-www-form-urlencoded"], "X-Slack-Signature": ["v0=anything"]}
CONVERTED = '{"command":["/cicd"],"text":["deploy orders"]}'


@pytest.mark.parametrize(
    ("header", "body", "params", "expected"),
    [
        (FORM, CONVERTED, {"requestedFields": ["text"]}, (True, 0, "", {"text": ["deploy orders"]})),
        (FORM, CONVERTED, {"requestedFields": []}, (True, 0, "", {})),
        ({"X-Slack-Signature": ["v0=x"]}, CONVERTED, {"requestedFields": ["text"]},
         (False, 3, "missing header in payload: ContentType application/x-www-form-urlencoded", {})),
        ({"Content-Type": ["application/x-www-form-urlencoded"]}, CONVERTED, {"requestedFields": ["text"]},
         (False, 3, "missing header in payload: ContentType application/x-www-form-urlencoded", {})),
        (FORM, "payload=%7B%7D", {"requestedFields": ["text"]},
         (False, 3, "failed to unmarshl slack payload: invalid character 'p' looking for beginning of value", {})),
        (FORM, CONVERTED, {}, (False, 5, "missing requested field definition", {})),
        (FORM, CONVERTED, {"requestedFields": ["user_id"]},
         (False, 5, "requested field does not exists in payload map[command:[/cicd] text:[deploy orders]]", {})),
    ],
)  # fmt: skip
async def test_tekton_slack(
    header: dict[str, list[str]],
    body: str,
    params: dict[str, Any],
    expected: tuple[bool, int, str, dict[str, Any]],
) -> None:
    response = await core().process("slack", request(header, params, body=body))
    assert (response.continue_, int(response.code), response.message, response.extensions) == expected
