"""What must NOT start a run: forged Slack requests, forged forwards, double clicks, unknown contexts.

Each case is sent to the processes of the played demo, and the reason is read where a user would
find it: /slack's reply, or the emulator's event log (``GET /emulator/events``).
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from examples.demo.flow import RELEASE_MANAGER, decoded_value
from examples.demo.http_client import request
from examples.demo.listener import trigger
from examples.demo.slack_click import SlackUser, click_payload, form_body, post_interaction, signed_headers
from examples.demo.slack_view import Button
from interceptor import hop_signature
from tests.e2e.conftest import Played

pytestmark = pytest.mark.e2e
SLACK_TRIGGERS = ("slack-deploy", "slack-promote", "slack-start-command")


def _deploy_button(played: Played) -> Button:
    """The dev deploy button as it was clicked (the message now shows no buttons: it was replaced)."""
    payload = played.record.clicks[0].payload
    message = {
        **payload["message"],
        "channel": payload["channel"]["id"],
        "channelName": payload["channel"]["name"],
    }
    action = payload["actions"][0]
    element = {
        "type": "button",
        **{k: action[k] for k in ("action_id", "text", "value", "style") if k in action},
    }
    return Button(message, action["block_id"], element)


def _no_new_event(played: Played) -> None:
    # /slack answers before forwarding, so give a wrongly forwarded event the time to arrive.
    time.sleep(0.5)
    assert played.flow.listener.settle() == []


@pytest.mark.parametrize(
    ("secret", "age", "drop_signature", "reason"),
    [
        ("not-the-signing-secret", 0, False, "signature"),
        (None, 600, False, "timestamp"),
        (None, 0, True, "X-Slack-Signature"),
    ],
)
def test_forged_slack_request_is_refused_at_slack(
    played: Played, secret: str | None, age: int, drop_signature: bool, reason: str
) -> None:
    played.flow.listener.settle()
    body = form_body(click_payload(_deploy_button(played), RELEASE_MANAGER, played.sandbox.endpoints.slack))
    headers = signed_headers(secret or played.sandbox.secrets.slack_signing, body, lambda: time.time() - age)
    if drop_signature:
        del headers["X-Slack-Signature"]
    reply = post_interaction(f"{played.sandbox.endpoints.service}/slack", body, headers)
    assert reply.status == 401
    assert reason.lower() in reply.json()["error"].lower()
    _no_new_event(played)


def _forward(played: Played, payload: dict[str, Any], how: str) -> dict[str, Any]:
    """A ``{"slack": …}`` body as /slack would forward it, sent straight to the EventListener."""
    listener = played.flow.listener
    listener.settle()
    valid = json.loads(json.dumps({"slack": payload}))
    body = json.dumps(valid).encode()
    secret = "forged-secret" if how == "wrong secret" else played.sandbox.secrets.listener
    headers = {"Content-Type": "application/json", **hop_signature.sign(secret, body, time.time())}
    if how == "unsigned":
        headers = {"Content-Type": "application/json"}
    if how == "tampered":
        body = body.replace(b"U0PRODLEAD1", b"U0INTRUDER1")
    reply = request("POST", listener.url + "/", body, headers)
    assert reply.status == 202
    (event,) = listener.settle(expect_new=1)
    return event


def _forwarded_click(played: Played) -> dict[str, Any]:
    """The extensions.slack that cicd-slack produced for the demo's deploy click."""
    event = played.record.clicks[0].events[0]
    return dict(trigger(event, "slack-deploy")["interceptors"][0]["extensions"]["slack"])


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("unsigned", "no signature to check"),
        ("wrong secret", "X-Interceptor-Signature"),
        ("tampered", "X-Interceptor-Signature"),
    ],
)
def test_forged_forward_is_stopped_by_cicd_slack(played: Played, how: str, reason: str) -> None:
    event = _forward(played, _forwarded_click(played), how)
    for name in SLACK_TRIGGERS:
        record = trigger(event, name)
        assert record["status"] == "stopped"
        assert record["stop"]["interceptor"] == "verify-and-decode-slack"
        assert record["stop"]["code"] == 16
        assert reason in record["stop"]["message"]
    assert all(t["status"] != "created" for t in event["triggers"])


def test_genuine_forward_passes_the_same_checks(played: Played) -> None:
    # The control case for the forged forwards above: only the signature differs.
    event = _forward(played, _forwarded_click(played), "signed")
    assert trigger(event, "slack-deploy")["interceptors"][0]["continue"] is True


def test_double_click_fires_once(played: Played) -> None:
    runs_before = len(played.flow.queue)
    click = played.flow.click(f"Apply {played.record.release.tag} to: apps-prod", RELEASE_MANAGER, times=2)
    assert click.status == 200
    assert click.headers.get("X-Slack-No-Retry") == "1"  # the second click was recognised as a repeat
    (event,) = click.events
    assert trigger(event, "slack-deploy")["status"] == "created"
    assert [c.trigger for c in list(played.flow.queue)[runs_before:]] == ["slack-deploy"]
    _no_new_event(played)


@pytest.mark.parametrize(
    ("user", "stopped_by", "code"),
    [
        (SlackUser("U0PRODLEAD2", "lin"), None, 0),  # an approver: the trigger fires
        (SlackUser("U0DEVELOPER", "sam"), "route-deploy", 9),  # not in prodApprovers
    ],
)
def test_prod_deploy_needs_an_approver(
    played: Played, user: SlackUser, stopped_by: str | None, code: int
) -> None:
    click = played.flow.click(f"Apply {played.record.release.tag} to: apps-prod", user)
    record = trigger(click.events[0], "slack-deploy")
    if stopped_by is None:
        assert record["status"] == "created"
    else:
        assert (record["status"], record["stop"]["interceptor"], record["stop"]["code"]) == (
            "stopped",
            stopped_by,
            code,
        )


def test_unknown_context_is_refused_with_code_5(played: Played) -> None:
    real = _deploy_button(played)
    data = {**decoded_value(real.value), "cicdContextDataId": "orders-9.9.9-v1-dev-0000000"}
    value = "deploy-v1-orders|" + base64.b64encode(json.dumps(data).encode()).decode()
    button = Button(real.message, real.block_id, {**real.element, "value": value})
    body = form_body(click_payload(button, RELEASE_MANAGER, played.sandbox.endpoints.slack))
    played.flow.listener.settle()
    reply = post_interaction(
        f"{played.sandbox.endpoints.service}/slack",
        body,
        signed_headers(played.sandbox.secrets.slack_signing, body),
    )
    assert reply.status == 200
    (event,) = played.flow.listener.settle(expect_new=1)
    for name in ("slack-deploy", "slack-promote"):
        record = trigger(event, name)
        assert record["stop"]["interceptor"] == "load-context"
        assert record["stop"]["code"] == 5
        assert "orders-9.9.9-v1-dev-0000000" in record["stop"]["message"]
    assert all(t["status"] != "created" for t in event["triggers"])
