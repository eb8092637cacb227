"""The ``slack`` interceptor on InterceptorRequests built byte-for-byte as an EventListener sends them."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from interceptor import hop_signature
from interceptor.errors import Code
from interceptor.interceptors.slack import SlackInterceptor
from interceptor.protocol import InterceptorResponse, parse_request
from interceptor.services import Services
from interceptor.settings import Settings
from interceptor.slack.payload import decode_body
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from tests.slack import examples
from tests.slack.conftest import FORM, LISTENER_SECRET, FakeClock, make_settings, slack_headers

NOW = float(examples.TIMESTAMP) + 5
GO_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
CONTEXT = {
    "event_url": "/",
    "event_id": "5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b",
    "trigger_id": "namespaces/ci/triggers/slack",
}


def go_marshal(obj: Any) -> bytes:
    """Go encoding/json output: compact, UTF-8, HTML characters escaped."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).translate(GO_ESCAPES).encode()


def slack_header(
    body: str, *, content_type: str = FORM, timestamp: str = examples.TIMESTAMP
) -> dict[str, list[str]]:
    """Go-canonical header map of a Slack request as the EventListener clones it."""
    sent = slack_headers(body, timestamp, content_type=content_type)
    return {
        "Accept": ["application/json,*/*"],
        "Accept-Encoding": ["gzip,deflate"],
        "Content-Length": [str(len(body))],
        "Content-Type": [sent["Content-Type"]],
        "User-Agent": ["Slackbot 1.0 (+https://api.slack.com/robots)"],
        "X-Slack-Request-Timestamp": [sent["X-Slack-Request-Timestamp"]],
        "X-Slack-Signature": [sent["X-Slack-Signature"]],
    }


def envelope(
    body: str,
    header: dict[str, list[str]],
    params: dict[str, Any] | None = None,
    *,
    context: dict[str, str] | None = CONTEXT,
    extensions: dict[str, Any] | None = None,
) -> bytes:
    obj: dict[str, Any] = {"body": body, "header": header}
    if extensions:
        obj["extensions"] = extensions
    if params is not None:
        obj["interceptor_params"] = params
    obj["context"] = context
    return go_marshal(obj)


async def run(
    raw: bytes, settings: Settings | None = None, now: float = NOW, *, store: ContextStore | None = None
) -> InterceptorResponse:
    """One request through the interceptor; its hop signatures are claimed in ``store`` (a fresh
    SQLite file unless given)."""
    with tempfile.TemporaryDirectory() as directory:
        own = (
            None if store is not None else open_store(f"sqlite:///{directory}/hops.db", clock=FakeClock(now))
        )
        services = Services(
            settings=settings or make_settings(),
            store=store or own,  # type: ignore[arg-type]
            cel=None,  # type: ignore[arg-type]
            outbound=None,  # type: ignore[arg-type]
            metrics=None,  # type: ignore[arg-type]
            clock=FakeClock(now),
        )
        try:
            return await SlackInterceptor(services).process(parse_request(raw))
        finally:
            if own is not None:
                await own.close()


def expected(body: str) -> dict[str, Any]:
    return {"slack": decode_body(body).to_extension()}


@pytest.mark.parametrize(
    "body", [examples.BLOCK_ACTIONS_BODY, examples.INTERACTIVE_MESSAGE_BODY, examples.VIEW_SUBMISSION_BODY]
)
async def test_raw_interactive_bodies_verify_and_decode(body: str) -> None:
    # First interceptor of a plain trigger: no `extensions` key, no params.
    response = await run(envelope(body, slack_header(body)))
    assert response.to_json() == {"extensions": expected(body), "continue": True, "status": {}}


async def test_events_api_body_byte_for_byte() -> None:
    body = examples.EVENT_CALLBACK_BODY
    raw = envelope(body, slack_header(body, content_type="application/json"), {"verify": True})
    assert b"\\u003c@U06HW3KBOT\\u003e" in raw  # Go escapes '<' and '>' inside the body string
    response = await run(raw)
    assert response.continue_
    assert response.extensions["slack"]["text"] == "<@U06HW3KBOT> status orders"


async def test_literal_eventlistener_request() -> None:
    body = examples.URL_VERIFICATION_BODY
    signature = slack_headers(body, examples.TIMESTAMP)["X-Slack-Signature"]
    raw = (
        '{"body":'
        + json.dumps(body)
        + ',"header":{"Content-Length":["129"],"Content-Type":["application/json"],'
        '"X-Slack-Request-Timestamp":["'
        + examples.TIMESTAMP
        + '"],"X-Slack-Signature":["'
        + signature
        + '"]},'
        '"interceptor_params":{"verify":"true"},"context":null}'
    ).encode()
    response = await run(raw)
    assert response.to_json() == {
        "continue": False,
        "status": {
            "code": 9,
            "message": "Slack url_verification request: nothing to trigger (Slack's request URL /slack answers these)",
        },
    }


async def test_raw_slash_command_is_verifiable_when_not_converted() -> None:
    # `; charset=utf-8` disables the EventListener's form conversion (Tekton §2.2): the raw body
    # arrives, with its '&' written by Go as \u0026, and its Slack signature can be checked.
    body = examples.SLASH_COMMAND_BODY
    raw = envelope(body, slack_header(body, content_type=FORM + "; charset=utf-8"))
    assert b"\\u0026team_id=" in raw
    response = await run(raw)
    assert response.continue_
    assert response.extensions == expected(body)


async def test_rotated_secret_still_verifies() -> None:
    body = examples.BLOCK_ACTIONS_BODY
    settings = make_settings(signingSecret="brand-new-secret", previousSigningSecrets=[examples.SECRET])
    assert (await run(envelope(body, slack_header(body)), settings)).continue_


async def test_header_keys_are_matched_case_insensitively() -> None:
    body = examples.BLOCK_ACTIONS_BODY
    header = {key.lower(): value for key, value in slack_header(body).items()}
    assert (await run(envelope(body, header))).continue_


async def test_forwarded_json_verified_by_hop_signature() -> None:
    extension = decode_body(examples.SLASH_COMMAND_BODY).to_extension()
    body = json.dumps({"slack": extension}, separators=(",", ":"))
    signed = hop_signature.sign(LISTENER_SECRET, body.encode(), NOW)
    header = {"Content-Type": ["application/json"], **{k: [v] for k, v in signed.items()}}
    response = await run(envelope(body, header, {"verify": "true"}, extensions={"other": {"x": 1}}))
    assert response.to_json() == {"extensions": {"slack": extension}, "continue": True, "status": {}}


async def test_converted_slash_command_with_verify_false() -> None:
    body = examples.SLASH_COMMAND_CONVERTED
    response = await run(envelope(body, slack_header(body), {"verify": False}))
    assert response.continue_
    slack = response.extensions["slack"]
    assert (slack["type"], slack["command"], slack["args"]) == (
        "slash_command",
        "/cicd",
        ["deploy", "orders", "2.7.0", "prod"],
    )


CONVERTED = (
    "slash command was converted to JSON by the EventListener: its Slack signature cannot be verified; "
    "route Slack to /slack instead or set verify: false"
)
NO_SIGNATURE = (
    "no signature to check: expected X-Slack-Signature (a request from Slack) or X-Interceptor-Signature "
    "(forwarded by /slack); set verify: false to skip the check"
)
BLOCK = examples.BLOCK_ACTIONS_BODY
FORWARDED = json.dumps({"slack": decode_body(BLOCK).to_extension()})


def hop(body: str, secret: str = LISTENER_SECRET, at: float = NOW) -> dict[str, list[str]]:
    return {k: [v] for k, v in hop_signature.sign(secret, body.encode(), at).items()}


@pytest.mark.parametrize(
    ("raw", "settings", "code", "message"),
    [
        # Tekton's own slack interceptor accepts this: it never checks the signature (headers signed the raw form).
        (envelope(examples.SLASH_COMMAND_CONVERTED, slack_header(examples.SLASH_COMMAND_BODY)), None, 16, CONVERTED),
        (envelope(examples.SLASH_COMMAND_CONVERTED, {"Content-Type": [FORM]}), None, 16, CONVERTED),
        (envelope('{"a":["1"],"b":["2"]}', {}), None, 16, "form body was converted to JSON by the EventListener"),
        (envelope(BLOCK, {"Content-Type": [FORM]}), None, 16, NO_SIGNATURE),
        (envelope(BLOCK, {**slack_header(BLOCK), "X-Slack-Signature": ["v0=" + "0" * 64]}), None, 16, "Slack signature mismatch"),
        (envelope(BLOCK, slack_header(BLOCK.replace("prod", "dev"))), None, 16, "Slack signature mismatch"),
        (envelope(BLOCK, slack_header(BLOCK, timestamp="1767225088")), None, 16, "X-Slack-Request-Timestamp is 517 s old (max 300)"),
        (envelope(BLOCK, {**slack_header(BLOCK), "X-Slack-Signature": []}), None, 16, "missing X-Slack-Signature header"),
        (envelope(BLOCK, {k: v for k, v in slack_header(BLOCK).items() if k != "X-Slack-Request-Timestamp"}), None, 16,
         "missing X-Slack-Request-Timestamp header"),
        (envelope(BLOCK, slack_header(BLOCK)), make_settings(signingSecret=None), 16,
         "X-Slack-Signature cannot be checked: slack.signingSecret is not configured"),
        (envelope(FORWARDED, hop(FORWARDED, "wrong")), None, 16, "X-Interceptor-Signature does not match the body"),
        (envelope(FORWARDED, hop(FORWARDED, at=NOW - 600)), None, 16, "X-Interceptor-Timestamp is 600 s away"),
        (envelope(FORWARDED, hop(FORWARDED)), make_settings(listener_secret=None), 16, "listener.secret is not configured"),
        (envelope(FORWARDED, {"X-Interceptor-Signature": ["v1=00"]}), None, 16, "X-Interceptor-Timestamp must be unix seconds"),
        (envelope(FORWARDED, {**hop(FORWARDED), "X-Interceptor-Timestamp": [str(int(NOW) + 60)]}), None, 16,
         "X-Interceptor-Signature does not match the body"),
        (envelope(BLOCK, slack_header(BLOCK), {"verify": "yes"}), None, 3, "param verify: expected true or false, got a string 'yes'"),
        (envelope(BLOCK, slack_header(BLOCK), {"verify": 1}), None, 3, "param verify: expected true or false, got a number"),
        (envelope("payload=not-json", {}, {"verify": "false"}), None, 3, "payload is not JSON: Expecting value"),
        (envelope(examples.payload_body({"type": "dialog_submission"}), {}, {"verify": "FALSE"}), None, 3,
         "unsupported Slack payload type 'dialog_submission' (supported: block_actions, interactive_message, "),
        (envelope('{"type":"event_callback","event":', {}, {"verify": False}), None, 3, "body is not JSON"),
        (envelope("", {}, {"verify": False}), None, 3, "form body has neither a 'payload' field"),
        (envelope("ssl_check=1&token=x", {}, {"verify": False}), None, 9, "Slack ssl_check request: nothing to trigger"),
    ],
)  # fmt: skip
async def test_refusals(raw: bytes, settings: Settings | None, code: int, message: str) -> None:
    response = await run(raw, settings)
    body = response.to_json()
    assert body["continue"] is False
    assert "extensions" not in body
    assert body["status"]["code"] == code
    assert message in body["status"]["message"]


async def test_signature_checked_before_parsing() -> None:
    # A forged body that would not even decode is refused as unauthenticated, not as malformed.
    response = await run(
        envelope(
            "payload=not-json",
            {"X-Slack-Signature": ["v0=ab"], "X-Slack-Request-Timestamp": [examples.TIMESTAMP]},
        )
    )
    assert (response.code, response.message) == (Code.UNAUTHENTICATED, "Slack signature mismatch")


async def test_custom_max_age_setting() -> None:
    settings = dataclasses.replace(make_settings())
    settings = dataclasses.replace(settings, slack=dataclasses.replace(settings.slack, maxAgeSeconds=3))
    response = await run(envelope(BLOCK, slack_header(BLOCK)), settings, now=float(examples.TIMESTAMP) + 4)
    assert response.message == "X-Slack-Request-Timestamp is 4 s old (max 3)"


def with_context(raw: bytes, event_id: str, trigger_id: str) -> bytes:
    """The same request (same body, same signed headers) as another delivery or trigger sends it."""
    obj = json.loads(raw)
    obj["context"] = {"event_url": "/", "event_id": event_id, "trigger_id": trigger_id}
    return go_marshal(obj)


@pytest.mark.parametrize(
    ("second_event", "second_trigger", "refused"),
    [
        # The EventListener calls the interceptor once per trigger of one delivery: all pass.
        pytest.param(
            "evt-1", "namespaces/ci/triggers/slack-promote", False, id="other-trigger-same-delivery"
        ),
        # A captured forward re-sent to the EventListener: a new event id, the same signature.
        pytest.param("evt-2", "namespaces/ci/triggers/slack-deploy", True, id="replay-to-the-same-trigger"),
    ],
)
async def test_a_replayed_forward_is_refused(
    tmp_path: Path, second_event: str, second_trigger: str, refused: bool
) -> None:
    store = open_store(f"sqlite:///{tmp_path}/hops.db", clock=FakeClock(NOW))
    signed = envelope(FORWARDED, hop(FORWARDED))
    try:
        first = await run(with_context(signed, "evt-1", "namespaces/ci/triggers/slack-deploy"), store=store)
        second = await run(with_context(signed, second_event, second_trigger), store=store)
    finally:
        await store.close()
    assert first.continue_, first
    if refused:
        assert second.to_json() == {
            "continue": False,
            "status": {"code": 16, "message": "replayed request: this signed request was already delivered"},
        }
    else:
        assert second.to_json() == first.to_json()


async def test_a_hop_with_the_store_down_is_unavailable() -> None:
    store = open_store("redis://127.0.0.1:1/0")
    try:
        response = await run(envelope(FORWARDED, hop(FORWARDED)), store=store)
    finally:
        await store.close()
    assert (response.continue_, response.code) == (False, Code.UNAVAILABLE)
    assert "store redis://127.0.0.1:1/0 unavailable" in response.message
