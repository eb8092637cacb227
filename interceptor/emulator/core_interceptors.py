"""Tekton's core interceptors, run in-process: ``github``, ``gitlab``, ``bitbucket``, ``slack``, ``cel``.

Each one receives the decoded InterceptorRequest (the same bytes an HTTP interceptor would get)
and answers with exactly the codes and messages of ``pkg/interceptors/*`` in Tekton v0.37.0.
``cel`` is the project's own :class:`~interceptor.interceptors.cel.CelInterceptor`, built once per
namespace so ``compareSecret`` sees that namespace's secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, cast

from interceptor.emulator.payload import FORM_CONTENT_TYPE
from interceptor.emulator.secret_store import SecretLookupError, SecretStore
from interceptor.errors import Code, InterceptorError
from interceptor.gojson_errors import GoJsonError, field_mismatch, loads, type_mismatch
from interceptor.interceptors.base import Interceptor
from interceptor.protocol import InterceptorRequest, InterceptorResponse, canonical_header_key

_HASHES: dict[str, Callable[[], Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}


class _Fail(Exception):
    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CoreInterceptors:
    """Dispatches a core interceptor name to its in-process implementation."""

    def __init__(self, secrets: SecretStore, cel_cache_size: int = 1024) -> None:
        self._secrets = secrets
        self._cel_cache_size = cel_cache_size
        self._cel: dict[str, Interceptor] = {}

    async def process(self, name: str, request: InterceptorRequest) -> InterceptorResponse:
        if name == "cel":
            try:
                return await self._cel_for(request).process(request)
            except InterceptorError as exc:  # what the HTTP route would turn into a status
                return InterceptorResponse.stop(exc.code, exc.message)
        handler = {
            "github": self._github,
            "gitlab": self._gitlab,
            "bitbucket": self._bitbucket,
            "slack": _slack,
        }
        try:
            return handler[name](request)
        except _Fail as failure:
            return InterceptorResponse.stop(failure.code, failure.message)

    def _cel_for(self, request: InterceptorRequest) -> Interceptor:
        namespace = request.context.namespace if request.context else ""
        if namespace not in self._cel:
            # Imported here: the CEL engine is heavy and only needed when a trigger uses ``cel``.
            from interceptor.cel import CelEnvironment
            from interceptor.interceptors.cel import CelInterceptor
            from interceptor.services import Services
            from interceptor.settings import Settings

            environment = CelEnvironment(
                secrets=self._secrets.namespace(namespace), cache_size=self._cel_cache_size
            )
            services = Services(
                settings=Settings(),
                store=cast(Any, None),
                cel=environment,
                outbound=cast(Any, None),
                metrics=cast(Any, None),
            )
            self._cel[namespace] = CelInterceptor(services)
        return self._cel[namespace]

    def _github(self, request: InterceptorRequest) -> InterceptorResponse:
        headers = _canonical(request.header)
        if _get(headers, "Content-Type") == FORM_CONTENT_TYPE:
            raise _Fail(
                Code.INVALID_ARGUMENT,
                "form parameter encoding not supported, please change the hook to send JSON payloads",
            )
        params = _params(
            request,
            "GitHubInterceptor",
            {"secretRef": dict, "eventTypes": list, "addChangedFiles": dict, "githubOwners": dict},
        )
        _check_event_type(params, _get(headers, "X-Github-Event"))
        if params.get("secretRef") is not None:
            if not params["secretRef"].get("secretKey"):
                raise _Fail(Code.FAILED_PRECONDITION, "github interceptor secretRef.secretKey is empty")
            signature = _get(headers, "X-Hub-Signature-256")
            if not signature:
                raise _Fail(Code.FAILED_PRECONDITION, "no X-Hub-Signature-256 header set")
            secret = self._secret(request, params["secretRef"])
            problem = validate_signature(signature, request.body.encode("utf-8"), secret.encode("utf-8"))
            if problem:
                raise _Fail(Code.FAILED_PRECONDITION, problem)
        return InterceptorResponse.proceed()

    def _gitlab(self, request: InterceptorRequest) -> InterceptorResponse:
        headers = _canonical(request.header)
        params = _params(request, "GitLabInterceptor", {"secretRef": dict, "eventTypes": list})
        _check_event_type(params, _get(headers, "X-Gitlab-Event"))
        if params.get("secretRef") is not None:
            if not params["secretRef"].get("secretKey"):
                raise _Fail(Code.FAILED_PRECONDITION, "gitlab interceptor secretRef.secretKey is empty")
            token = _get(headers, "X-Gitlab-Token")
            if not token:
                raise _Fail(Code.INVALID_ARGUMENT, "no X-Gitlab-Token header set")
            secret = self._secret(request, params["secretRef"])
            if not hmac.compare_digest(token.encode("utf-8"), secret.encode("utf-8")):
                raise _Fail(Code.INVALID_ARGUMENT, "Invalid X-GitLab-Token")
        return InterceptorResponse.proceed()

    def _bitbucket(self, request: InterceptorRequest) -> InterceptorResponse:
        params = _params(request, "BitbucketInterceptor", {"secretRef": dict, "eventTypes": list})
        raw_event = request.header.get("X-Event-Key") or [""]  # Tekton reads this key without canonicalising
        _check_event_type(params, raw_event[0] if raw_event else "")
        if params.get("secretRef") is not None:
            signature = _get(_canonical(request.header), "X-Hub-Signature")
            if not signature:
                raise _Fail(Code.INVALID_ARGUMENT, "no X-Hub-Signature header set")
            secret = self._secret(request, params["secretRef"])
            problem = validate_signature(signature, request.body.encode("utf-8"), secret.encode("utf-8"))
            if problem:
                raise _Fail(Code.FAILED_PRECONDITION, f"error validating signature: {problem}")
        return InterceptorResponse.proceed()

    def _secret(self, request: InterceptorRequest, ref: dict[str, Any]) -> str:
        if request.context is None:
            raise _Fail(Code.INVALID_ARGUMENT, "no request context passed")
        try:
            return self._secrets.get(
                request.context.namespace, str(ref.get("secretName") or ""), str(ref.get("secretKey") or "")
            )
        except SecretLookupError as exc:
            raise _Fail(Code.FAILED_PRECONDITION, f"error getting secret: {exc}") from exc


def validate_signature(signature: str, payload: bytes, secret: bytes) -> str:
    """go-github's ``ValidateSignature``: ``""`` when valid, else its error text."""
    if not signature:
        return "missing signature"
    prefix, sep, digest = signature.partition("=")
    if not sep:
        return f"error parsing signature {json.dumps(signature)}"
    if prefix not in _HASHES:
        return f"unknown hash type prefix: {json.dumps(prefix)}"
    try:
        expected = bytes.fromhex(digest) if len(digest) % 2 == 0 else None
    except ValueError:
        expected = None
    if expected is None:
        return f"error decoding signature {json.dumps(signature)}: {_hex_error(digest)}"
    actual = hmac.new(secret, payload, _HASHES[prefix]).digest()
    return "" if hmac.compare_digest(actual, expected) else "payload signature check failed"


def _hex_error(digest: str) -> str:
    for ch in digest:
        if ch not in "0123456789abcdefABCDEF":
            return f"encoding/hex: invalid byte: U+{ord(ch):04X} {_go_char(ch)}"
    return "encoding/hex: odd length hex string"


def _go_char(ch: str) -> str:
    return "'\\''" if ch == "'" else f"'{ch}'"


def _slack(request: InterceptorRequest) -> InterceptorResponse:
    headers = _canonical(request.header)
    missing = "missing header in payload: ContentType application/x-www-form-urlencoded"
    if _get(headers, "Content-Type") != FORM_CONTENT_TYPE or not _get(headers, "X-Slack-Signature"):
        raise _Fail(Code.INVALID_ARGUMENT, missing)
    form = _string_lists(request.body)
    params = _params(request, "SlackInterceptor", {"requestedFields": list})
    fields = params.get("requestedFields")
    if fields is None:
        raise _Fail(Code.NOT_FOUND, "missing requested field definition")
    if not all(isinstance(f, str) for f in fields):
        raise _Fail(
            Code.INVALID_ARGUMENT,
            "failed to parse interceptor params: invalid json: json: cannot unmarshal number into Go struct field "
            "SlackInterceptor.requestedFields of type string",
        )
    extensions: dict[str, Any] = {}
    for name in fields:
        if name not in form:
            shown = " ".join(f"{k}:[{' '.join(v)}]" for k, v in sorted(form.items()))
            raise _Fail(Code.NOT_FOUND, f"requested field does not exists in payload map[{shown}]")
        extensions[name] = form[name]
    return InterceptorResponse.proceed(extensions)


def _string_lists(body: str) -> dict[str, list[str]]:
    try:
        value = loads(body)
    except GoJsonError as exc:
        raise _Fail(Code.INVALID_ARGUMENT, f"failed to unmarshl slack payload: {exc}") from exc
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem = type_mismatch(value, "map[string][]string")
        raise _Fail(Code.INVALID_ARGUMENT, f"failed to unmarshl slack payload: {problem}")
    for key, item in value.items():
        bad: Any = None
        target = "[]string"
        if item is not None and not isinstance(item, list):
            bad = item
        elif item:
            bad = next((v for v in item if not isinstance(v, str)), None)
            target = "string"
        if bad is not None:
            raise _Fail(
                Code.INVALID_ARGUMENT, f"failed to unmarshl slack payload: {type_mismatch(bad, target)}"
            )
        value[key] = item or []
    return value


def _params(request: InterceptorRequest, struct: str, schema: dict[str, type]) -> dict[str, Any]:
    """The interceptor params, type-checked like Go's unmarshal into the params struct."""
    for name, expected in schema.items():
        value = request.params.get(name)
        if value is not None and not isinstance(value, expected):
            go_type = "[]string" if expected is list else "struct"
            problem = field_mismatch(value, f"{struct}.{name}", go_type)
            raise _Fail(Code.INVALID_ARGUMENT, f"failed to parse interceptor params: invalid json: {problem}")
    return dict(request.params)


def _check_event_type(params: dict[str, Any], actual: str) -> None:
    allowed = params.get("eventTypes")
    if allowed is not None and actual not in allowed:
        raise _Fail(Code.FAILED_PRECONDITION, f"event type {actual} is not allowed")


def _canonical(header: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, values in header.items():
        out.setdefault(canonical_header_key(key), []).extend(values)
    return out


def _get(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name) or [""]
    return values[0]
