"""The background forwarder: delivery, failure notices, and draining on shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web

from interceptor import hop_signature
from interceptor.slack.event import SlackAction, SlackEvent
from interceptor.slack.forwarder import Forwarder, describe
from interceptor.slack.payload import decode_body
from tests.fakes.recorder import Recorder, Reply
from tests.slack import examples
from tests.slack.conftest import LISTENER_SECRET, StartService, make_settings

SHORTCUT = SlackEvent(type="shortcut", payload={}, action=SlackAction(id="release"))


class GatedListener:
    """An EventListener that holds every request until released (or the test ends)."""

    def __init__(self) -> None:
        self.received = asyncio.Event()
        self.release = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.set()
        await self.release.wait()
        return web.json_response({}, status=202)

    async def __aenter__(self) -> GatedListener:
        app = web.Application()
        app.router.add_post("/", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release.set()
        assert self._runner is not None
        await self._runner.cleanup()


async def test_close_waits_for_running_forwards(start_service: StartService) -> None:
    async with Recorder(default=Reply(status=202, delay=0.2)) as listener:
        service = await start_service(make_settings(listener_url=listener.url))
        forwarder = Forwarder(service.services, drain_seconds=5.0)
        forwarder.submit(SHORTCUT)
        assert forwarder.pending == 1
        await forwarder.close()
        assert forwarder.pending == 0
        assert len(listener.requests) == 1


async def test_close_cancels_what_outlives_the_grace_period(
    start_service: StartService, caplog: pytest.LogCaptureFixture
) -> None:
    async with GatedListener() as listener:
        service = await start_service(make_settings(listener_url=listener.url))
        forwarder = Forwarder(service.services, drain_seconds=0.05)
        forwarder.submit(SHORTCUT)
        await asyncio.wait_for(listener.received.wait(), 5)
        with caplog.at_level(logging.ERROR, logger="interceptor.slack.forwarder"):
            await forwarder.close()
        assert forwarder.pending == 0
        assert "slack forward cancelled at shutdown" in caplog.messages


async def test_submit_after_close_is_refused_and_logged(
    start_service: StartService, caplog: pytest.LogCaptureFixture
) -> None:
    async with Recorder() as listener:
        service = await start_service(make_settings(listener_url=listener.url))
        forwarder = Forwarder(service.services)
        await forwarder.close()
        with caplog.at_level(logging.ERROR, logger="interceptor.slack.forwarder"):
            forwarder.submit(SHORTCUT)
        assert forwarder.pending == 0
        assert "slack forward refused: the service is shutting down" in caplog.messages
        await asyncio.sleep(0)
        assert listener.requests == []


async def test_failure_without_response_url_is_logged(
    start_service: StartService, caplog: pytest.LogCaptureFixture
) -> None:
    service = await start_service(make_settings(listener_url=None))
    with caplog.at_level(logging.ERROR, logger="interceptor.slack.forwarder"):
        service.forwarder.submit(SHORTCUT)
        await service.forwarder.wait_idle()
    assert caplog.messages == [
        "slack event not delivered to the pipeline",
        "no response_url to tell the user about the undelivered event",
    ]
    assert caplog.records[0].reason == "listener.url is not configured"  # type: ignore[attr-defined]


async def test_refused_response_url_is_logged(
    start_service: StartService, caplog: pytest.LogCaptureFixture
) -> None:
    async with Recorder(default=Reply(body={"ok": False, "error": "expired_url"})) as slack:
        service = await start_service(make_settings(listener_url=None))
        event = SlackEvent(type="block_actions", payload={}, response_url=slack.url + "/x")
        with caplog.at_level(logging.ERROR, logger="interceptor.slack.forwarder"):
            service.forwarder.submit(event)
            await service.forwarder.wait_idle()
        assert len(slack.requests) == 1  # not retried: a response_url has only 5 uses
    assert "response_url refused the message" in caplog.messages


async def test_unsigned_forward_when_no_listener_secret(start_service: StartService) -> None:
    async with Recorder(default=Reply(status=202)) as listener:
        service = await start_service(make_settings(listener_url=listener.url, listener_secret=None))
        service.forwarder.submit(SHORTCUT)
        (request,) = await listener.wait_for(1)
        assert "X-Interceptor-Signature" not in request.headers
        assert request.json() == {"slack": SHORTCUT.to_extension()}
        await service.forwarder.wait_idle()


async def test_reason_is_escaped_for_slack_mrkdwn(start_service: StartService) -> None:
    async with (
        Recorder(default=Reply(status=400, body="<html>bad & wrong</html>")) as listener,
        Recorder() as slack,
    ):
        service = await start_service(make_settings(listener_url=listener.url))
        event = SlackEvent(type="view_closed", payload={}, response_url=slack.url)
        service.forwarder.submit(event)
        await service.forwarder.wait_idle()
        assert len(listener.requests) == 1  # a 400 is final: not retried
        assert slack.requests[0].json()["text"] == (
            ":warning: Your view closed could not be delivered to the pipeline: "
            "the EventListener answered HTTP 400: &lt;html&gt;bad &amp; wrong&lt;/html&gt;"
        )


@pytest.mark.parametrize(
    ("event", "text"),
    [
        (decode_body(examples.SLASH_COMMAND_BODY), "`/cicd deploy orders 2.7.0 prod`"),
        (SlackEvent(type="slash_command", payload={}, command="/cicd", text=""), "`/cicd`"),
        (decode_body(examples.BLOCK_ACTIONS_BODY), "Your click on `deploy_prod`"),
        (decode_body(examples.INTERACTIVE_MESSAGE_BODY), "Your click on `decision`"),
        (decode_body(examples.VIEW_SUBMISSION_BODY), "Your view submission"),
        (SHORTCUT, "Your shortcut"),
    ],
)
def test_describe(event: SlackEvent, text: str) -> None:
    assert describe(event) == text


@pytest.mark.parametrize(
    ("replies", "deliveries"),
    [
        pytest.param([Reply(status=202)], 1, id="delivered-first-time"),
        pytest.param([Reply(status=503), Reply(status=202)], 2, id="retried-after-503"),
        pytest.param([Reply(status=502), Reply(status=503), Reply(status=202)], 3, id="retried-twice"),
    ],
)
async def test_retries_resend_one_signed_request(
    start_service: StartService, replies: list[Reply], deliveries: int
) -> None:
    # The same signature on every attempt: if an attempt did reach the pipeline, the interceptors refuse
    # the later ones as replays, so one click never creates two runs.
    async with Recorder(default=Reply(status=202)) as listener:
        listener.script(*replies)
        service = await start_service(make_settings(listener_url=listener.url, retries=2))
        service.forwarder.submit(SHORTCUT)
        await service.forwarder.wait_idle()
    assert len(listener.requests) == deliveries
    signed = {
        tuple(r.headers[h] for h in ("X-Interceptor-Timestamp", "X-Interceptor-Signature"))
        for r in listener.requests
    }
    assert len(signed) == 1
    (timestamp, signature), body = signed.pop(), listener.requests[0].body
    assert hop_signature.verify([LISTENER_SECRET], body, timestamp, signature, service.services.clock)
