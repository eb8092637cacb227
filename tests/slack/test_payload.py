"""Decoding every Slack body kind into ``extensions.slack`` (DESIGN §3), and every malformed one."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from interceptor.errors import Code, InvalidInput
from interceptor.slack.event import SlackEvent
from interceptor.slack.payload import decode_body
from tests.slack import examples

NO_ACTION = {"id": None, "blockId": None, "value": None, "data": None}
KEYS = [
    "type", "payload", "user", "channel", "team", "responseUrl", "triggerId",
    "action", "actionValues", "command", "text", "args",
]  # fmt: skip
DEPLOY = {"trigger": "deploy", "targetAppName": "orders", "targetAppTag": "2.7.0"}
DEPLOY_VALUE = "deploy-v1-orders|" + base64.b64encode(json.dumps(DEPLOY, sort_keys=True).encode()).decode()


def ext(body: str) -> dict[str, Any]:
    return decode_body(body).to_extension()


def form(obj: Any) -> str:
    return examples.payload_body(obj)


def test_block_actions_extension_is_exactly_the_design_shape() -> None:
    extension = ext(examples.BLOCK_ACTIONS_BODY)
    assert list(extension) == KEYS
    assert extension == {
        "type": "block_actions",
        "payload": examples.load(examples.BLOCK_ACTIONS_JSON),
        "user": {"id": "U05LZ8P2KQ", "name": "maria.chen"},
        "channel": {"id": "C06B4N7R2PD", "name": "release-train"},
        "team": {"id": "T07QX2M4ND"},
        "responseUrl": "https://hooks.slack.com/actions/T07QX2M4ND/8240057319801/Qm9WcH2kZtR8yN3vL6xJ1aPd",
        "triggerId": "8240057319846.7123456789012.3c1f0b9e8d7a6c5b4a3f2e1d0c9b8a7f",
        "action": {
            "id": "deploy_prod",
            "blockId": "promote",
            "value": "deploy|orders-2.7.0-v1-dev-9f2c1e7|prod",
            "data": None,
        },
        "actionValues": ["deploy|orders-2.7.0-v1-dev-9f2c1e7|prod"],
        "command": None,
        "text": None,
        "args": [],
    }
    assert decode_body(examples.BLOCK_ACTIONS_BODY).message_ts == "1767225541.004900"


def test_interactive_message_action_id_is_the_action_name() -> None:
    event = decode_body(examples.INTERACTIVE_MESSAGE_BODY)
    extension = event.to_extension()
    assert extension["action"] == {
        "id": "decision",
        "blockId": None,
        "value": "rollback|orders-2.6.4",
        "data": None,
    }
    assert extension["actionValues"] == ["rollback|orders-2.6.4"]
    assert extension["user"] == {"id": "U05LZ8P2KQ", "name": "maria.chen"}
    assert extension["responseUrl"].endswith("/Zx7cV1bN4mQ9wE2rT5yU8iOp")
    assert event.message_ts == "1767225541.004900"


def test_view_submission_routes_on_callback_id_and_lists_input_values() -> None:
    extension = ext(examples.VIEW_SUBMISSION_BODY)
    assert extension["type"] == "view_submission"
    assert extension["action"] == {
        "id": "rollback_reason",
        "blockId": None,
        "value": "orders-2.7.0-v1-prod-9f2c1e7",
        "data": None,
    }
    assert extension["actionValues"] == ["p99 latency doubled after 2.7.0"]
    assert extension["channel"] == {"id": None, "name": None}
    assert extension["responseUrl"] is None
    assert extension["payload"]["view"]["state"]["values"]["reason"]["reason_text"]["value"].startswith("p99")


def test_slash_command_raw_and_converted_decode_the_same() -> None:
    raw = ext(examples.SLASH_COMMAND_BODY)
    converted = ext(examples.SLASH_COMMAND_CONVERTED)
    assert raw["payload"].pop("user_name") == "maria.chen"  # the converted example omits nothing else
    converted["payload"].pop("user_name")
    assert raw == converted
    assert raw["type"] == "slash_command"
    assert raw["command"] == "/cicd"
    assert raw["text"] == "deploy orders 2.7.0 prod"
    assert raw["args"] == ["deploy", "orders", "2.7.0", "prod"]
    assert raw["user"] == {"id": "U05LZ8P2KQ", "name": "maria.chen"}
    assert raw["payload"]["is_enterprise_install"] == "false"  # the flat map of first values, as sent
    assert raw["action"] == NO_ACTION


def test_events_api() -> None:
    callback = decode_body(examples.EVENT_CALLBACK_BODY)
    assert callback.event_id == "Ev07B9XKQ2LM"
    extension = callback.to_extension()
    assert extension["type"] == "event_callback"
    assert extension["user"] == {"id": "U05LZ8P2KQ", "name": None}
    assert extension["channel"] == {"id": "C06B4N7R2PD", "name": None}
    assert extension["args"] == ["<@U06HW3KBOT>", "status", "orders"]
    assert extension["payload"]["event"]["type"] == "app_mention"
    verification = decode_body(examples.URL_VERIFICATION_BODY)
    assert verification.type == "url_verification"
    assert verification.is_control
    limited = decode_body('{"token":"x","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1}')
    assert (limited.type, limited.team_id, limited.is_control) == ("app_rate_limited", "T1", True)


def test_channel_object_events_give_the_channel_id() -> None:
    body = {
        "type": "event_callback",
        "event": {"type": "channel_created", "channel": {"id": "C1", "name": "x"}},
    }
    assert ext(json.dumps(body))["channel"]["id"] == "C1"


def test_click_inside_a_message_attachment_uses_actions_0() -> None:
    # cicdstatemgr's layout: blocks inside a secondary attachment, texts echoed with '+'.
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "bob", "name": "bob", "team_id": "T1"},
        "container": {
            "type": "message_attachment",
            "message_ts": "1600000000.000100",
            "attachment_id": 1,
            "channel_id": "C1",
            "is_ephemeral": False,
            "is_app_unfurl": False,
        },
        "team": {"id": "T1", "domain": "t"},
        "channel": {"id": "C1", "name": "cicd"},
        "message": {
            "ts": "1600000000.000100",
            "attachments": [
                {
                    "id": 1,
                    "blocks": [
                        {
                            "type": "section",
                            "block_id": "h",
                            "text": {"type": "mrkdwn", "text": "Deploy+orders?"},
                        },
                        {
                            "type": "actions",
                            "block_id": "Zq1",
                            "elements": [
                                {"type": "button", "action_id": "a1", "value": "test-v1-orders|e30="},
                                {"type": "button", "action_id": "a2", "value": DEPLOY_VALUE},
                            ],
                        },
                    ],
                }
            ],
        },
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
        "actions": [
            {
                "action_id": "a2",
                "block_id": "Zq1",
                "text": {"type": "plain_text", "text": "Deploy+to+prod"},
                "value": DEPLOY_VALUE,
                "type": "button",
                "action_ts": "1600000001.000200",
            }
        ],
    }
    event = decode_body(form(payload))
    assert event.to_extension()["action"] == {
        "id": "a2",
        "blockId": "Zq1",
        "value": DEPLOY_VALUE,
        "data": DEPLOY,
    }
    assert event.message_ts == "1600000000.000100"
    assert event.channel_id == "C1"


@pytest.mark.parametrize(
    ("action", "value", "values"),
    [
        ({"type": "static_select", "selected_option": {"value": "prod"}}, "prod", ["prod"]),
        (
            {"type": "multi_static_select", "selected_options": [{"value": "a"}, {"value": "b"}]},
            "a",
            ["a", "b"],
        ),
        ({"type": "datepicker", "selected_date": "2026-01-01"}, "2026-01-01", ["2026-01-01"]),
        ({"type": "datetimepicker", "selected_date_time": 1767225600}, "1767225600", ["1767225600"]),
        ({"type": "users_select", "selected_user": "U2"}, "U2", ["U2"]),
        ({"type": "multi_users_select", "selected_users": ["U2", "U3"]}, "U2", ["U2", "U3"]),
        ({"type": "button", "value": 7}, None, []),  # not a string: ignored, not a crash
        ({"type": "overflow"}, None, []),
    ],
)
def test_element_values(action: dict[str, Any], value: str | None, values: list[str]) -> None:
    body = {"type": "block_actions", "actions": [{"action_id": "x", "block_id": "b", **action}]}
    extension = ext(form(body))
    assert extension["action"]["value"] == value
    assert extension["actionValues"] == values


def test_block_actions_channel_falls_back_to_the_container() -> None:
    body = {"type": "block_actions", "container": {"type": "message", "channel_id": "C9"}, "actions": []}
    extension = ext(form(body))
    assert extension["channel"] == {"id": "C9", "name": None}
    assert extension["action"] == NO_ACTION


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {
                "type": "shortcut",
                "callback_id": "release",
                "trigger_id": "t",
                "user": {"id": "U1"},
                "team": {"id": "T"},
            },
            {"action": {**NO_ACTION, "id": "release"}, "triggerId": "t", "text": None, "responseUrl": None},
        ),
        (
            {
                "type": "message_action",
                "callback_id": "redeploy",
                "message": {"text": "orders 2.7.0 is built", "ts": "1.2"},
                "channel": {"id": "C1", "name": "c"},
                "response_url": "https://hooks.slack.com/x",
            },
            {
                "action": {**NO_ACTION, "id": "redeploy"},
                "text": "orders 2.7.0 is built",
                "responseUrl": "https://hooks.slack.com/x",
                "channel": {"id": "C1", "name": "c"},
            },
        ),
        (
            {
                "type": "block_suggestion",
                "action_id": "app",
                "block_id": "b",
                "value": "ord",
                "channel": {"id": "C"},
            },
            {"action": {"id": "app", "blockId": "b", "value": "ord", "data": None}, "actionValues": ["ord"]},
        ),
        (
            {
                "type": "view_closed",
                "is_cleared": False,
                "view": {
                    "callback_id": "cfg",
                    "private_metadata": '{"contextId": "c1"}',
                    "state": {"values": {}},
                },
            },
            {
                "action": {
                    "id": "cfg",
                    "blockId": None,
                    "value": '{"contextId": "c1"}',
                    "data": {"contextId": "c1"},
                }
            },
        ),
        (
            {
                "type": "view_submission",
                "view": {"callback_id": "v", "state": {"values": {"b": {"a": {"type": "plain_text_input"}}}}},
                "response_urls": [
                    {"block_id": "b", "action_id": "c", "channel_id": "C", "response_url": "https://r"}
                ],
            },
            {"responseUrl": "https://r", "actionValues": []},
        ),
    ],
)
def test_other_interactive_kinds(payload: dict[str, Any], expected: dict[str, Any]) -> None:
    extension = ext(form(payload))
    assert extension["type"] == payload["type"]
    assert {key: extension[key] for key in expected} == expected


def test_json_interactive_payload_without_form() -> None:
    assert ext(json.dumps({"type": "shortcut", "callback_id": "x"}))["action"]["id"] == "x"


def test_ssl_check_is_a_control_request() -> None:
    event = decode_body("ssl_check=1&token=abc")
    assert (event.type, event.is_control) == ("ssl_check", True)


def test_forwarded_extension_round_trips() -> None:
    original = ext(examples.BLOCK_ACTIONS_BODY)
    assert ext(json.dumps({"slack": original})) == original
    slash = ext(examples.SLASH_COMMAND_BODY)
    assert ext(json.dumps({"slack": slash})) == slash


def test_forwarded_is_refused_where_not_accepted() -> None:
    with pytest.raises(InvalidInput, match="JSON body is not a Slack request"):
        decode_body(json.dumps({"slack": ext(examples.BLOCK_ACTIONS_BODY)}), accept_forwarded=False)


def test_every_extension_value_is_typed_json() -> None:
    payload = examples.load(examples.BLOCK_ACTIONS_JSON)
    payload["actions"][0]["value"] = DEPLOY_VALUE
    extension = ext(form(payload))
    assert extension["action"]["data"] == DEPLOY  # an object, not a string holding JSON
    assert isinstance(extension["payload"], dict)
    assert json.loads(json.dumps(extension)) == extension


SUPPORTED = "block_actions, interactive_message, view_submission, view_closed, shortcut, message_action, block_suggestion"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("payload=not-json", "payload is not JSON: Expecting value at char 0"),
        (form({"type": "block_actions"})[:-6], "payload is not JSON: "),  # truncated
        ("payload=%5B1%5D", "payload: expected a JSON object, got a list"),
        (
            form({"type": "dialog_submission"}),
            f"unsupported Slack payload type 'dialog_submission' (supported: {SUPPORTED})",
        ),
        (form({"token": "x"}), "payload.type: expected a string naming the payload kind, got null"),
        (form({"type": 3}), "payload.type: expected a string naming the payload kind, got a number"),
        (form({"type": "block_actions", "user": "U1"}), "payload.user: expected an object, got a string"),
        (
            form({"type": "block_actions", "user": {"id": 5}}),
            "payload.user.id: expected a string, got a number",
        ),
        (form({"type": "block_actions", "team": []}), "payload.team: expected an object, got a list"),
        (
            form({"type": "block_actions", "channel": {"name": True}}),
            "payload.channel.name: expected a string, got a boolean",
        ),
        (form({"type": "block_actions", "actions": {}}), "payload.actions: expected a list, got an object"),
        (
            form({"type": "block_actions", "actions": ["x"]}),
            "payload.actions[0]: expected an object, got a string",
        ),
        (
            form({"type": "block_actions", "actions": [{"action_id": 1}]}),
            "payload.actions[0].action_id: expected a string",
        ),
        (
            form({"type": "block_actions", "response_url": 1}),
            "payload.response_url: expected a string, got a number",
        ),
        (
            form({"type": "block_actions", "container": "c"}),
            "payload.container: expected an object, got a string",
        ),
        (form({"type": "interactive_message", "message_ts": 1.5}), "payload.message_ts: expected a string"),
        (form({"type": "view_submission"}), "payload.view: expected an object, got null"),
        (
            form({"type": "view_submission", "view": {}, "response_urls": "x"}),
            "payload.response_urls: expected a list",
        ),
        (
            form({"type": "view_submission", "view": {"private_metadata": {}}}),
            "payload.view.private_metadata",
        ),
        (
            form({"type": "shortcut", "callback_id": ["x"]}),
            "payload.callback_id: expected a string, got a list",
        ),
        ('{"type":"event_callback"}', "body.event: expected an object, got null"),
        (
            '{"type":"event_callback","event":{},"event_id":9}',
            "body.event_id: expected a string, got a number",
        ),
        ('{"type":"url_verification"}', "body.challenge: expected a string, got null"),
        ('{"type":"team_join"}', "unsupported Slack request type 'team_join'"),
        ("{", "body is not JSON: Expecting property name enclosed in double quotes at char 1"),
        ('{"type": "event_callback", "event": {"type": "app_mention"}', "body is not JSON: "),
        ('{"nothing": "here"}', "JSON body is not a Slack request"),
        ("[1]", "form body has neither a 'payload' field"),
        (
            "token=x&team_id=T",
            "form body has neither a 'payload' field (interactivity) nor a 'command' field",
        ),
        ("", "fields: none"),
        ('{"slack": []}', "slack: expected an object, got a list"),
        ('{"slack": {"type": "deploy"}}', "slack.type: expected one of block_actions"),
        (
            '{"slack": {"type": "shortcut", "payload": "x"}}',
            "slack.payload: expected an object, got a string",
        ),
        (
            '{"slack": {"type": "shortcut", "user": {"id": 1}}}',
            "slack.user.id: expected a string or null, got a number",
        ),
        ('{"slack": {"type": "shortcut", "action": 1}}', "slack.action: expected an object, got a number"),
        (
            '{"slack": {"type": "shortcut", "actionValues": [1]}}',
            "slack.actionValues: expected a list of strings",
        ),
        (
            '{"slack": {"type": "shortcut", "args": "a b"}}',
            "slack.args: expected a list of strings, got a string",
        ),
        ('{"slack": {"type": "shortcut", "responseUrl": 5}}', "slack.responseUrl: expected a string or null"),
    ],
)
def test_malformed_bodies_name_the_problem(body: str, message: str) -> None:
    with pytest.raises(InvalidInput) as failure:
        decode_body(body)
    assert message in failure.value.message
    assert failure.value.code == Code.INVALID_ARGUMENT


def test_from_extension_fills_missing_keys() -> None:
    event = SlackEvent.from_extension({"type": "shortcut"})
    assert event.to_extension() == {
        "type": "shortcut",
        "payload": {},
        "user": {"id": None, "name": None},
        "channel": {"id": None, "name": None},
        "team": {"id": None},
        "responseUrl": None,
        "triggerId": None,
        "action": NO_ACTION,
        "actionValues": [],
        "command": None,
        "text": None,
        "args": [],
    }
