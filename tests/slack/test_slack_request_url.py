"""``POST /slack`` end to end: real server, real SQLite store, fake EventListener and response_url."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from interceptor import hop_signature
from interceptor.slack.payload import decode_body
from interceptor.slack.signature import compute_signature
from interceptor.store import open_store
from tests.fakes.recorder import Recorder, Reply
from tests.slack import examples
from tests.slack.conftest import (
    FORM,
    LISTENER_SECRET,
    FakeClock,
    HttpReply,
    SlackService,
    StartService,
    make_settings,
    slack_headers,
)


@pytest.fixture
async def listener() -> Any:
    async with Recorder(default=Reply(status=202, body={"eventListener": "cicd", "eventID": "e1"})) as fake:
        yield fake


@pytest.fixture
async def slack() -> Any:
    """The fake response_url target (hooks.slack.com)."""
    async with Recorder(default=Reply(body="ok")) as fake:
        yield fake


def block_actions(
    response_url: str,
    *,
    value: str = "deploy|orders-2.7.0-v1-dev-9f2c1e7|prod",
    ts: str = "1767225541.004900",
) -> str:
    payload = examples.load(examples.BLOCK_ACTIONS_JSON)
    payload["response_url"] = response_url
    payload["actions"][0]["value"] = value
    payload["container"]["message_ts"] = ts
    return examples.payload_body(payload)


def slash_command(response_url: str) -> str:
    return examples.SLASH_COMMAND_BODY.replace(
        "https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT07QX2M4ND%2F8240057319803%2FAb3dEf6hIj9kLm2nOp5qRs8t",
        response_url.replace(":", "%3A").replace("/", "%2F"),
    )


async def post(
    service: SlackService, body: str, clock: FakeClock, content_type: str = FORM, **extra: str
) -> HttpReply:
    return await service.post(
        "/slack", body, slack_headers(body, str(int(clock())), content_type=content_type, **extra)
    )


def assert_hop_signed(recorded: Any, clock: FakeClock) -> dict[str, Any]:
    hop_signature.verify(
        [LISTENER_SECRET],
        recorded.body,
        recorded.headers["X-Interceptor-Timestamp"],
        recorded.headers["X-Interceptor-Signature"],
        clock,
    )
    assert recorded.headers["Content-Type"] == "application/json"
    data: dict[str, Any] = recorded.json()
    assert list(data) == ["slack"]
    return data["slack"]


async def test_url_verification_answers_the_challenge(
    start_service: StartService, listener: Recorder
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    service.services.clock = FakeClock(float(examples.TIMESTAMP))  # the exact signed vector
    body = examples.URL_VERIFICATION_BODY
    reply = await service.post(
        "/slack", body, slack_headers(body, examples.TIMESTAMP, content_type="application/json")
    )
    assert (reply.status, reply.json()) == (
        200,
        {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
    )
    await service.forwarder.wait_idle()
    assert listener.requests == []


async def test_ssl_check_is_answered_before_verification(
    start_service: StartService, listener: Recorder
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    reply = await service.post("/slack", "ssl_check=1&token=Lg4kQm2VwX9pZr7TnB3cYd8s", {"Content-Type": FORM})
    assert (reply.status, reply.body) == (200, b"")
    await service.forwarder.wait_idle()
    assert listener.requests == []


def kinds(response_url: str) -> list[tuple[str, str, str]]:
    """(kind, body, content type) for one request of every kind that is forwarded."""
    interactive = examples.load(examples.INTERACTIVE_MESSAGE_JSON)
    interactive["response_url"] = response_url
    return [
        ("block_actions", block_actions(response_url), FORM),
        ("interactive_message", examples.payload_body(interactive), FORM),
        ("view_submission", examples.VIEW_SUBMISSION_BODY, FORM),
        ("slash_command", slash_command(response_url), FORM),
        ("event_callback", examples.EVENT_CALLBACK_BODY, "application/json"),
        (
            "shortcut",
            examples.payload_body({"type": "shortcut", "callback_id": "release", "trigger_id": "t"}),
            FORM,
        ),
        (
            "message_action",
            examples.payload_body(
                {"type": "message_action", "callback_id": "r", "response_url": response_url}
            ),
            FORM,
        ),
        ("view_closed", examples.payload_body({"type": "view_closed", "view": {"callback_id": "c"}}), FORM),
    ]


@pytest.mark.parametrize("index", range(8))
async def test_each_kind_is_acked_empty_and_forwarded_signed(
    index: int, start_service: StartService, listener: Recorder, slack: Recorder, clock: FakeClock
) -> None:
    kind, body, content_type = kinds(slack.url + "/actions/1")[index]
    service = await start_service(make_settings(listener_url=listener.url))
    reply = await post(service, body, clock, content_type)
    assert (reply.status, reply.body) == (200, b"")
    forwarded = assert_hop_signed((await listener.wait_for(1))[0], clock)
    assert forwarded == decode_body(body).to_extension()
    assert forwarded["type"] == kind
    await service.forwarder.wait_idle()
    assert slack.requests == []  # delivered: nothing to tell the user


async def test_block_suggestion_gets_empty_options_and_is_not_forwarded(
    start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    body = examples.payload_body({"type": "block_suggestion", "action_id": "app", "value": "ord"})
    reply = await post(service, body, clock)
    assert (reply.status, reply.json()) == (200, {"options": []})
    await service.forwarder.wait_idle()
    assert listener.requests == []


async def test_app_rate_limited_is_acked(
    start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    body = '{"token":"x","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}'
    reply = await post(service, body, clock, "application/json")
    assert (reply.status, reply.body) == (200, b"")
    await service.forwarder.wait_idle()
    assert listener.requests == []


@pytest.mark.parametrize(
    ("body", "headers", "status", "error"),
    [
        ("payload=x", {"X-Slack-Signature": "v0=" + "a" * 64, "X-Slack-Request-Timestamp": "NOW"}, 401, "Slack signature mismatch"),
        ("payload=x", {"X-Slack-Request-Timestamp": "NOW"}, 401, "missing X-Slack-Signature header"),
        ("payload=x", {"X-Slack-Signature": "v0=" + "a" * 64}, 401, "missing X-Slack-Request-Timestamp header"),
        ("payload=x", {"X-Slack-Signature": "v0=1", "X-Slack-Request-Timestamp": "soon"}, 401,
         "X-Slack-Request-Timestamp must be unix seconds, got 'soon'"),
        ("payload=x", {}, 401, "missing X-Slack-Signature header"),
    ],
)  # fmt: skip
async def test_unauthenticated_requests_get_401(
    body: str,
    headers: dict[str, str],
    status: int,
    error: str,
    start_service: StartService,
    listener: Recorder,
    clock: FakeClock,
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    headers = {k: v.replace("NOW", str(int(clock()))) for k, v in headers.items()}
    reply = await service.post("/slack", body, {"Content-Type": FORM, **headers})
    assert (reply.status, reply.json()) == (status, {"error": error})
    await service.forwarder.wait_idle()
    assert listener.requests == []


async def test_stale_timestamp_is_refused(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    body = examples.BLOCK_ACTIONS_BODY
    reply = await service.post("/slack", body, slack_headers(body, str(int(clock()) - 512)))
    assert (reply.status, reply.json()) == (
        401,
        {"error": "X-Slack-Request-Timestamp is 512 s old (max 300)"},
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("payload=not-json", "payload is not JSON: Expecting value at char 0"),
        (
            examples.payload_body({"type": "dialog_submission"}),
            "unsupported Slack payload type 'dialog_submission'",
        ),
        ('{"type":"event_callback","event":{', "body is not JSON"),
        (
            '{"slack": {"type": "shortcut"}}',
            "JSON body is not a Slack request",
        ),  # only the EventListener takes these
        ("token=x&team_id=T", "form body has neither a 'payload' field"),
        (
            examples.payload_body({"type": "block_actions", "actions": "x"}),
            "payload.actions: expected a list, got a string",
        ),
    ],
)
async def test_malformed_but_signed_requests_get_400(
    body: str, error: str, start_service: StartService, clock: FakeClock
) -> None:
    service = await start_service(make_settings())
    reply = await post(service, body, clock)
    assert reply.status == 400
    assert error in reply.json()["error"]


async def test_non_utf8_body_gets_400(start_service: StartService, clock: FakeClock) -> None:
    service = await start_service(make_settings())
    body = b"payload=\xff"
    # slack_sdk can only sign UTF-8 text, so the raw bytes are signed with our own function here.
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(clock()))}
    headers["X-Slack-Signature"] = compute_signature(
        examples.SECRET, headers["X-Slack-Request-Timestamp"], body
    )
    reply = await service.post("/slack", body, headers)
    assert (reply.status, reply.json()) == (
        400,
        {"error": "body is not UTF-8 text (invalid byte at offset 8)"},
    )


async def test_oversize_body_gets_413(
    start_service: StartService, clock: FakeClock, listener: Recorder
) -> None:
    service = await start_service(make_settings(listener_url=listener.url, max_body=4096))
    body = examples.payload_body({"type": "shortcut", "callback_id": "x" * 5000})
    reply = await post(service, body, clock)
    assert reply.status == 413
    await service.forwarder.wait_idle()
    assert listener.requests == []


async def test_event_retries_are_deduplicated(
    start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    service = await start_service(make_settings(listener_url=listener.url))
    body = examples.EVENT_CALLBACK_BODY
    first = await post(service, body, clock, "application/json")
    retry = await post(
        service,
        body,
        clock,
        "application/json",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert (first.status, first.headers.get("X-Slack-No-Retry")) == (200, None)
    assert (retry.status, retry.headers.get("X-Slack-No-Retry")) == (200, "1")
    await service.forwarder.wait_idle()
    assert len(listener.requests) == 1


async def test_double_click_forwards_once(
    start_service: StartService, listener: Recorder, slack: Recorder, clock: FakeClock
) -> None:
    service = await start_service(make_settings(listener_url=listener.url, dedupeWindowSeconds=10.0))
    body = block_actions(slack.url + "/a")
    replies = await asyncio.gather(post(service, body, clock), post(service, body, clock))
    assert [r.status for r in replies] == [200, 200]
    # A different button on the same message, and the same button on another message, are new decisions.
    await post(service, block_actions(slack.url + "/a", value="skip|orders-2.7.0-v1-dev-9f2c1e7"), clock)
    await post(service, block_actions(slack.url + "/a", ts="1767225999.000100"), clock)
    await service.forwarder.wait_idle()
    assert len(listener.requests) == 3
    # After the window the same click counts again.
    clock.now += 11
    await post(service, body, clock)
    await service.forwarder.wait_idle()
    assert len(listener.requests) == 4


async def test_replicas_share_dedupe_through_the_store(
    start_service: StartService, listener: Recorder, slack: Recorder, clock: FakeClock
) -> None:
    settings = make_settings(listener_url=listener.url)
    replicas = [await start_service(settings), await start_service(settings)]
    body = block_actions(slack.url + "/a")
    for replica in replicas:
        assert (await post(replica, body, clock)).status == 200
    for replica in replicas:
        await replica.forwarder.wait_idle()
    assert len(listener.requests) == 1


async def test_store_down_still_acks_and_forwards(
    tmp_path: Path, start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    (tmp_path / "not-a-dir").write_text("x")
    broken = open_store(f"sqlite:///{tmp_path}/not-a-dir/s.db", clock=clock)
    service = await start_service(make_settings(listener_url=listener.url), store_override=broken)
    body = examples.EVENT_CALLBACK_BODY
    replies = [await post(service, body, clock, "application/json") for _ in range(2)]
    assert [r.status for r in replies] == [200, 200]
    await service.forwarder.wait_idle()
    assert len(listener.requests) == 2  # no dedupe without a store: a repeat beats a lost event
    await broken.close()


async def test_listener_returning_errors_is_retried_then_reported(
    start_service: StartService, slack: Recorder, clock: FakeClock
) -> None:
    async with Recorder(default=Reply(status=503, body="no endpoints available")) as listener:
        service = await start_service(make_settings(listener_url=listener.url, retries=2))
        reply = await post(service, block_actions(slack.url + "/actions/7"), clock)
        assert (reply.status, reply.body) == (200, b"")
        await service.forwarder.wait_idle()
        assert len(listener.requests) == 3
    (notice,) = slack.requests
    assert notice.path == "/actions/7"
    assert notice.json() == {
        "response_type": "ephemeral",
        "replace_original": False,
        "text": ":warning: Your click on `deploy_prod` could not be delivered to the pipeline: "
        "the EventListener answered HTTP 503: no endpoints available (after 3 attempts)",
    }


async def test_listener_unreachable_is_reported_with_the_cause(
    start_service: StartService, slack: Recorder, clock: FakeClock
) -> None:
    async with Recorder() as gone:
        dead_url = gone.url  # the port is closed once the recorder stops
    service = await start_service(make_settings(listener_url=dead_url, retries=1))
    reply = await post(service, slash_command(slack.url + "/commands/1"), clock)
    assert (reply.status, reply.body) == (200, b"")
    notice = (await slack.wait_for(1))[0].json()
    assert notice["text"].startswith(
        ":warning: `/cicd deploy orders 2.7.0 prod` could not be delivered to the pipeline: "
        "forward to the EventListener to 127.0.0.1 failed after 2 attempts: ClientConnectorError"
    )


async def test_unset_listener_url_is_reported(
    start_service: StartService, slack: Recorder, clock: FakeClock
) -> None:
    service = await start_service(make_settings(listener_url=None))
    await post(service, block_actions(slack.url + "/a"), clock)
    notice = (await slack.wait_for(1))[0].json()
    assert (
        notice["text"]
        == ":warning: Your click on `deploy_prod` could not be delivered to the pipeline: listener.url is not configured"
    )


async def test_slow_listener_does_not_delay_the_ack(start_service: StartService, clock: FakeClock) -> None:
    received = asyncio.Event()
    release = asyncio.Event()

    async def slow_listener(request: web.Request) -> web.Response:
        received.set()
        async with asyncio.timeout(5):  # at most 5 s, normally released by the test much earlier
            await release.wait()
        return web.json_response({"eventID": "e1"}, status=202)

    app = web.Application()
    app.router.add_post("/", slow_listener)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        service = await start_service(make_settings(listener_url=f"http://127.0.0.1:{port}/"))
        reply = await post(service, examples.EVENT_CALLBACK_BODY, clock, "application/json")
        assert reply.status == 200  # the ack is in hand ...
        await asyncio.wait_for(received.wait(), 5)
        assert not release.is_set()  # ... while the listener is still holding the forward
        assert service.forwarder.pending == 1
        release.set()
        await service.forwarder.wait_idle()
        assert service.forwarder.pending == 0
    finally:
        await runner.cleanup()


async def test_ack_message_for_a_slash_command_is_the_ack_body(
    start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    settings = make_settings(
        listener_url=listener.url, ackMessage="⏳ {{ command }} {{ args[0] }} requested by <@{{ user.id }}>"
    )
    service = await start_service(settings)
    reply = await post(service, examples.SLASH_COMMAND_BODY, clock)
    assert reply.status == 200
    assert reply.json() == {
        "response_type": "ephemeral",
        "text": "⏳ /cicd deploy requested by <@U05LZ8P2KQ>",
    }
    await listener.wait_for(1)


async def test_ack_message_for_a_click_goes_to_response_url(
    start_service: StartService, listener: Recorder, slack: Recorder, clock: FakeClock
) -> None:
    settings = make_settings(
        listener_url=listener.url, ackMessage="⏳ Deploy requested by <@{{ slack.user.id }}>"
    )
    service = await start_service(settings)
    reply = await post(service, block_actions(slack.url + "/actions/2"), clock)
    assert (reply.status, reply.body) == (200, b"")
    (message,) = await slack.wait_for(1)
    assert message.json() == {
        "response_type": "ephemeral",
        "replace_original": False,
        "text": "⏳ Deploy requested by <@U05LZ8P2KQ>",
    }
    await listener.wait_for(1)


async def test_broken_ack_template_still_acks(
    start_service: StartService, listener: Recorder, clock: FakeClock
) -> None:
    service = await start_service(
        make_settings(listener_url=listener.url, ackMessage="{{ user.__class__.__mro__ }}{% if %}")
    )
    reply = await post(service, examples.SLASH_COMMAND_BODY, clock)
    assert (reply.status, reply.body) == (200, b"")
    assert json.loads((await listener.wait_for(1))[0].body)["slack"]["command"] == "/cicd"
