import json

import pytest

from interceptor.errors import Code, InvalidInput
from interceptor.protocol import InterceptorResponse, canonical_header_key, parse_request

# Byte-for-byte what an EventListener sends as the first interceptor of a plain trigger:
# Go-canonical header keys, list values, \u0026 escapes, no "extensions" key.
EVENTLISTENER_BODY = (
    b'{"body":"{\\"action\\": \\"opened\\", \\"x\\": \\"a \\u0026\\u0026 b\\"}","header":{"Accept":["*/*"],'
    b'"Content-Type":["application/json"],"X-Github-Event":["pull_request"]},"interceptor_params":'
    b'{"filter":"body.action == \'opened\' \\u0026\\u0026 true","n":3,"list":[1,"a"]},"context":'
    b'{"event_url":"/","event_id":"5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b","trigger_id":"namespaces/ci/triggers/gh"}}'
)


def test_eventlistener_request_parses() -> None:
    request = parse_request(EVENTLISTENER_BODY)
    assert json.loads(request.body)["x"] == "a && b"
    assert request.first_header("x-github-event") == "pull_request"
    assert request.first_header("X-Missing") == ""
    assert request.extensions == {}
    assert request.params["filter"] == "body.action == 'opened' && true"
    assert request.params["list"] == [1, "a"]
    assert request.context is not None
    assert request.context.namespace == "ci"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"body": "x"', "failed to parse body as InterceptorRequest: Expecting ',' delimiter"),
        (b"[1]", "expected a JSON object, got a list"),
        (b'"s"', "expected a JSON object, got a string"),
        (b'{"body": {}}', "InterceptorRequest.body: expected a string (the raw event body), got an object"),
        (b'{"body": 5}', "InterceptorRequest.body: expected a string (the raw event body), got a number"),
        (b'{"header": []}', "InterceptorRequest.header: expected an object of string lists, got a list"),
        (b'{"header": {"A": "x"}}', "InterceptorRequest.header.A: expected a list of strings, got a string"),
        (b'{"header": {"A": [1]}}', "InterceptorRequest.header.A: expected a list of strings, got a list"),
        (b'{"extensions": "x"}', "InterceptorRequest.extensions: expected an object, got a string"),
        (
            b'{"interceptor_params": [1]}',
            "InterceptorRequest.interceptor_params: expected an object, got a list",
        ),
        (b'{"context": "x"}', "InterceptorRequest.context: expected an object or null, got a string"),
        (
            b'{"context": {"event_id": 7}}',
            "InterceptorRequest.context.event_id: expected a string, got a number",
        ),
        (b"\xff\xfe", "failed to parse body as InterceptorRequest"),
    ],
)
def test_malformed_envelopes_name_the_field(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_request(raw)
    assert message in str(caught.value)


def test_null_context_and_missing_fields_are_tolerated() -> None:
    request = parse_request(b'{"context": null, "unknown": 1}')
    assert (request.body, request.header, request.context) == ("", {}, None)


@pytest.mark.parametrize(
    ("response", "wire"),
    [
        (InterceptorResponse.proceed(), {"continue": True, "status": {}}),
        (
            InterceptorResponse.proceed({"a": {"b": 1}}),
            {"extensions": {"a": {"b": 1}}, "continue": True, "status": {}},
        ),
        (
            InterceptorResponse.stop(Code.FAILED_PRECONDITION, "no"),
            {"continue": False, "status": {"code": 9, "message": "no"}},
        ),
        (InterceptorResponse(False), {"continue": False, "status": {}}),
    ],
)
def test_response_wire_format(response: InterceptorResponse, wire: dict[str, object]) -> None:
    assert response.to_json() == wire


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("x-github-event", "X-Github-Event"),
        ("X-GitHub-Event", "X-Github-Event"),
        ("content-type", "Content-Type"),
        ("bad key", "bad key"),
        ("", ""),
    ],
)
def test_canonical_header_key_matches_go(name: str, canonical: str) -> None:
    assert canonical_header_key(name) == canonical
