"""Random and mutated requests to every HTTP endpoint: never a 5xx, never an ERROR log record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import ErrorRecords, LiveService
from tests.fuzz.strategies import (
    CEL_TEXT,
    HEADERS,
    JSON_VALUES,
    PARAM_NAMES,
    PARAM_VALUES,
    sign,
    slack_bodies,
)

pytestmark = pytest.mark.fuzz

INTERCEPTORS = ["slack", "context", "event", "cel"]
ENVELOPE = st.fixed_dictionaries(
    {},
    optional={
        "body": st.text(max_size=200)
        | JSON_VALUES.map(json.dumps)
        | slack_bodies().map(lambda b: b.decode("latin-1"))
        | JSON_VALUES,
        "header": HEADERS | JSON_VALUES,
        "extensions": st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3) | JSON_VALUES,
        "interceptor_params": st.dictionaries(st.sampled_from(PARAM_NAMES), PARAM_VALUES, max_size=4)
        | JSON_VALUES,
        "context": st.fixed_dictionaries(
            {},
            optional={
                "event_id": st.text(max_size=20) | JSON_VALUES,
                "event_url": st.text(max_size=20),
                "trigger_id": st.text(max_size=40),
            },
        )
        | JSON_VALUES,
    },
)


def check_interceptor_answer(status: int, raw: bytes) -> None:
    assert status in (200, 400), (status, raw[:300])
    answer = json.loads(raw)
    if status == 400:
        assert isinstance(answer.get("error"), str) and answer["error"]
        return
    assert isinstance(answer["continue"], bool)
    code = answer["status"].get("code", 0)
    assert 0 <= code <= 16
    if not answer["continue"]:
        assert code != 0 and answer["status"].get("message"), answer


@given(name=st.sampled_from([*INTERCEPTORS, "nope"]), raw=st.binary(max_size=1500))
def test_random_bytes_to_interceptors(
    live: LiveService, error_log: ErrorRecords, name: str, raw: bytes
) -> None:
    status, body = live.post(f"/interceptors/{name}", raw)
    assert status < 500, body[:300]
    if name == "nope":
        assert status == 404
    assert error_log.take() == []


@given(name=st.sampled_from(INTERCEPTORS), envelope=ENVELOPE)
def test_random_interceptor_requests(
    live: LiveService, error_log: ErrorRecords, name: str, envelope: dict[str, Any]
) -> None:
    status, raw = live.post(
        f"/interceptors/{name}", json.dumps(envelope).encode(), {"Content-Type": "application/json"}
    )
    check_interceptor_answer(status, raw)
    assert error_log.take() == []


@given(
    filter_=CEL_TEXT,
    overlays=st.lists(st.tuples(st.text(max_size=8), CEL_TEXT), max_size=3),
    body=JSON_VALUES,
)
def test_random_cel_expressions(
    live: LiveService, error_log: ErrorRecords, filter_: str, overlays: list[tuple[str, str]], body: Any
) -> None:
    envelope = {
        "body": json.dumps(body),
        "header": {"X-Github-Event": ["push"]},
        "interceptor_params": {
            "filter": filter_,
            "overlays": [{"key": k, "expression": e} for k, e in overlays],
        },
    }
    status, raw = live.post("/interceptors/cel", json.dumps(envelope).encode())
    check_interceptor_answer(status, raw)
    assert error_log.take() == []


@given(
    body=slack_bodies(),
    signed=st.booleans(),
    path=st.sampled_from(["/slack", "/webhooks/slack"]),
    query=st.sampled_from(["", "?verify=false", "?verify=maybe"]),
)
def test_slack_request_urls(
    live: LiveService, error_log: ErrorRecords, body: bytes, signed: bool, path: str, query: str
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **(sign(body) if signed else {})}
    status, raw = live.post(path + (query if path == "/webhooks/slack" else ""), body, headers)
    assert status in (200, 400, 401, 413), (status, raw[:300])
    if status != 200:
        assert "error" in json.loads(raw)
    assert error_log.take() == []


@given(body=slack_bodies(), verify=st.sampled_from([True, False, "true", "no"]), good_signature=st.booleans())
def test_slack_interceptor_with_slack_bodies(
    live: LiveService, error_log: ErrorRecords, body: bytes, verify: Any, good_signature: bool
) -> None:
    headers = sign(body) if good_signature else sign(body + b"x")
    envelope = {
        "body": body.decode("latin-1"),
        "header": {
            "Content-Type": ["application/x-www-form-urlencoded"],
            **{k: [v] for k, v in headers.items()},
        },
        "interceptor_params": {"verify": verify},
    }
    status, raw = live.post("/interceptors/slack", json.dumps(envelope).encode())
    check_interceptor_answer(status, raw)
    answer = json.loads(raw)
    if status == 200 and not good_signature and verify in (True, "true"):
        assert answer["continue"] is False and answer["status"]["code"] in (3, 16), answer
    assert error_log.take() == []
