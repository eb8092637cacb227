"""``POST /webhooks/slack``: the legacy webhook interceptor, compatible with slack-payload-handler."""

from __future__ import annotations

import json

import pytest

from interceptor.slack.signature import compute_signature
from tests.slack import examples
from tests.slack.conftest import (
    FORM,
    FakeClock,
    HttpReply,
    SlackService,
    StartService,
    make_settings,
    slack_headers,
)

PRE_PARSED = (
    'the EventListener pre-parsed this form into JSON {"field": ["value"]}, so the raw bytes the Slack '
    "signature covers are gone: put this webhook first in the interceptor chain (Tekton v0.37+ then sends "
    "the raw body) or call /webhooks/slack?verify=false"
)


async def send(
    service: SlackService, body: str | bytes, headers: dict[str, str], query: str = ""
) -> HttpReply:
    return await service.post("/webhooks/slack" + query, body, headers)


def as_eventlistener_sends(body: str, clock: FakeClock, content_type: str = FORM) -> dict[str, str]:
    """Slack's headers as the EventListener forwards them (Go-canonical keys) plus its own."""
    headers = slack_headers(body, str(int(clock())), content_type=content_type)
    return {**headers, "Eventlistener-Request-Url": "/", "User-Agent": "Go-http-client/1.1"}


async def test_interactive_payload_gives_object_plus_action_values(
    start_service: StartService, clock: FakeClock
) -> None:
    service = await start_service(make_settings())
    body = examples.BLOCK_ACTIONS_BODY
    reply = await send(service, body, as_eventlistener_sends(body, clock))
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {
        **examples.load(examples.BLOCK_ACTIONS_JSON),
        "action_values": ["deploy|orders-2.7.0-v1-dev-9f2c1e7|prod"],
    }
    assert reply.body.endswith(b"}\n")  # Go's encoder: sorted keys, trailing newline
    assert reply.body.startswith(b'{"action_values":["deploy|orders-2.7.0-v1-dev-9f2c1e7|prod"],"actions":[')


async def test_slash_command_gives_flat_first_values(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    clock.now = float(examples.TIMESTAMP)  # the exact signed vector
    body = examples.SLASH_COMMAND_BODY
    reply = await send(service, body, as_eventlistener_sends(body, clock))
    assert reply.status == 200
    result = reply.json()
    assert result["command"] == "/cicd"
    assert result["text"] == "deploy orders 2.7.0 prod"
    assert len(result) == 13 and all(isinstance(v, str) for v in result.values())


async def test_pre_parsed_forms_need_verify_false(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    converted = examples.SLASH_COMMAND_CONVERTED
    headers = as_eventlistener_sends(examples.SLASH_COMMAND_BODY, clock, "application/json")
    refused = await send(service, converted, headers)
    assert (refused.status, refused.json()) == (401, {"error": PRE_PARSED})
    accepted = await send(service, converted, headers, "?verify=false")
    assert accepted.status == 200
    raw = await send(
        service, examples.SLASH_COMMAND_BODY, as_eventlistener_sends(examples.SLASH_COMMAND_BODY, clock)
    )
    assert accepted.json() == raw.json()  # same flat map as from the raw form

    payload = json.dumps(
        {"payload": [json.dumps({"type": "block_actions", "actions": [{"value": "v1"}, {"value": "v2"}]})]}
    )
    assert (await send(service, payload, {"Content-Type": "application/json"})).status == 401
    parsed = await send(service, payload, {"Content-Type": "application/json"}, "?verify=FALSE")
    assert parsed.json() == {
        "type": "block_actions",
        "actions": [{"value": "v1"}, {"value": "v2"}],
        "action_values": ["v1", "v2"],
    }


async def test_view_submission_gets_flattened_values(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    body = examples.VIEW_SUBMISSION_BODY
    result = (await send(service, body, as_eventlistener_sends(body, clock))).json()
    assert result["values"] == {"reason.reason_text": "p99 latency doubled after 2.7.0"}
    assert result["action_values"] == []
    assert result["view"]["callback_id"] == "rollback_reason"


async def test_events_api_json_is_verified_and_passed_through(
    start_service: StartService, clock: FakeClock
) -> None:
    service = await start_service(make_settings())
    body = examples.EVENT_CALLBACK_BODY
    reply = await send(service, body, as_eventlistener_sends(body, clock, "application/json"))
    assert reply.json() == json.loads(body)
    assert b"\\u003c@U06HW3KBOT\\u003e" in reply.body  # '<' escaped as Go does


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The two examples of reference/cicdstatemgr.md §10.6, byte for byte.
        ('payload={"x":"b","actions":[{"value":"1"}]}', b'{"action_values":["1"],"actions":[{"value":"1"}],"x":"b"}\n'),
        ("token=123&command=mycommand&dog=cat", b'{"command":"mycommand","dog":"cat","token":"123"}\n'),
        ("token=123&other=1", b"{}\n"),
        ("payload=" + examples.payload_body({"a": "<&>"})[8:], b'{"a":"\\u003c\\u0026\\u003e","action_values":[]}\n'),
        # A non-string value crashed slack-payload-handler; here it is just not an action value.
        ('payload={"actions":[{"value":{"k":1}},{"selected_option":{"value":"s"}}]}',
         b'{"action_values":["s"],"actions":[{"value":{"k":1}},{"selected_option":{"value":"s"}}]}\n'),
    ],
)  # fmt: skip
async def test_slack_payload_handler_compatibility(
    body: str, expected: bytes, start_service: StartService, clock: FakeClock
) -> None:
    service = await start_service(make_settings())
    reply = await send(service, body, as_eventlistener_sends(body, clock))
    assert (reply.status, reply.body) == (200, expected)


@pytest.mark.parametrize(
    ("body", "headers", "query", "status", "error"),
    [
        ("payload=x", {"X-Slack-Signature": "v0=" + "a" * 64, "X-Slack-Request-Timestamp": "NOW"}, "", 401, "Slack signature mismatch"),
        ("payload=x", {}, "", 401, "missing X-Slack-Signature header"),
        ("payload=x", {"X-Slack-Signature": "v0=" + "a" * 64}, "", 401, "missing X-Slack-Request-Timestamp header"),
        ("payload=x", {"X-Slack-Signature": "v0=", "X-Slack-Request-Timestamp": "OLD"}, "", 401,
         "X-Slack-Request-Timestamp is 301 s old (max 300)"),
        ("payload=x", {}, "?verify=maybe", 400, "query parameter verify: expected true or false, got 'maybe'"),
        ("payload=not-json", {}, "?verify=false", 400, "payload is not JSON: Expecting value at char 0"),
        ("payload=%5B%5D", {}, "?verify=false", 400, "payload: expected a JSON object, got a list"),
        ("", {}, "?verify=false", 400, "empty body: expected a Slack form"),
        ("[1,2]", {}, "?verify=false", 200, None),  # a form with one odd field: {} like the old handler
        ('{"a": 1}', {}, "?verify=false", 400, "JSON body is neither the EventListener's pre-parsed form"),
        ('{"type": "event_callback", "event": {', {}, "?verify=false", 400, "body is not JSON: "),
        (b"payload=\xff", {}, "?verify=false", 400, "body is not UTF-8 text (invalid byte at offset 8)"),
    ],
)  # fmt: skip
async def test_refusals(
    body: str | bytes, headers: dict[str, str], query: str, status: int, error: str | None,
    start_service: StartService, clock: FakeClock,
) -> None:  # fmt: skip
    service = await start_service(make_settings())
    now = str(int(clock()))
    headers = {k: v.replace("NOW", now).replace("OLD", str(int(clock()) - 301)) for k, v in headers.items()}
    reply = await send(service, body, {"Content-Type": FORM, **headers}, query)
    assert reply.status == status
    if error is not None:
        assert error in reply.json()["error"]
    else:
        assert reply.body == b"{}\n"


async def test_truncated_json_signed_gets_400(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    body = examples.EVENT_CALLBACK_BODY[:-20]
    reply = await send(service, body, as_eventlistener_sends(body, clock, "application/json"))
    assert reply.status == 400
    assert reply.json()["error"].startswith("body is not JSON: ")


async def test_signature_is_checked_on_raw_bytes_before_decoding(
    start_service: StartService, clock: FakeClock
) -> None:
    service = await start_service(make_settings())
    body = b"payload=\xff"
    ts = str(int(clock()))
    forged = await send(
        service, body, {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=00"}
    )
    assert (forged.status, forged.json()) == (401, {"error": "Slack signature mismatch"})
    signed = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": compute_signature(examples.SECRET, ts, body),
    }
    assert (await send(service, body, signed)).status == 400


async def test_oversize_body_gets_413(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings(max_body=2048))
    body = examples.BLOCK_ACTIONS_BODY  # 2491 bytes
    reply = await send(service, body, as_eventlistener_sends(body, clock))
    assert reply.status == 413
