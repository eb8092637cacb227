"""InterceptorRequest encoding rules and InterceptorResponse decoding rules (Tekton §1.1, §1.2)."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.emulator.wire import (
    DecodedResponse,
    RequestEnvelope,
    WireError,
    decode_response,
    encode_request,
)


@pytest.mark.parametrize(
    ("envelope", "text"),
    [
        (RequestEnvelope("", {}, {}, {}, "", "", ""), '{"context":{}}'),
        (
            RequestEnvelope(
                "a&b", {"X-B": ["2"], "X-A": ["1", "3"]}, {}, {"z": 1, "a": {"y": 1.0}}, "/?q=<", "e", "t"
            ),
            '{"body":"a\\u0026b","header":{"X-A":["1","3"],"X-B":["2"]},"interceptor_params":{"a":{"y":1},"z":1},'
            '"context":{"event_url":"/?q=\\u003c","event_id":"e","trigger_id":"t"}}',
        ),
    ],
)
def test_encoding(envelope: RequestEnvelope, text: str) -> None:
    assert encode_request(envelope).decode() == text


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ('{"continue":true,"status":{}}', DecodedResponse(True)),
        ('{"extensions":{"n":2},"continue":true} trailing', DecodedResponse(True, {"n": 2.0})),
        ('{"CONTINUE":true,"Status":{"Code":"NOT_FOUND","message":"m"}}', DecodedResponse(True, {}, 5, "m")),
        ('{"continue":false,"status":{"code":null}}', DecodedResponse(False)),
        ("null", DecodedResponse(False)),
        ('{"status":{"code":16}}', DecodedResponse(False, {}, 16)),
    ],
)
def test_decoding(raw: str, decoded: DecodedResponse) -> None:
    assert decode_response(200, raw.encode()) == decoded


@pytest.mark.parametrize(
    ("status", "raw", "message"),
    [
        (201, '{"continue":true}', 'interceptor response was not 200: {"continue":true}'),
        (200, "", "EOF"),
        (200, "[]", "json: cannot unmarshal array into Go value of type v1beta1.InterceptorResponse"),
        (
            200,
            '{"continue":1}',
            "cannot unmarshal number into Go struct field InterceptorResponse.continue of type bool",
        ),
        (200, '{"status":{"code":3.0}}', 'invalid code: "3.0"'),
        (200, '{"status":{"code":17}}', "invalid code: 17"),
        (200, '{"status":{"code":-1}}', 'invalid code: "-1"'),
        (200, '{"status":{"code":"3"}}', 'invalid code: "\\"3\\""'),
        (200, '{"extensions":[1]}', "cannot unmarshal array"),
    ],
)
def test_decoding_failures(status: int, raw: str, message: str) -> None:
    with pytest.raises(WireError) as caught:
        decode_response(status, raw.encode())
    assert message in str(caught.value)


def test_status_error_text() -> None:
    response: Any = DecodedResponse(False, {}, 9, "expression x did not return true")
    assert (
        response.status_error
        == "rpc error: code = FailedPrecondition desc = expression x did not return true"
    )
