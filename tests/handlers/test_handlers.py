"""The handler types against fake Slack / EventListener servers and a real SQLite store."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from handlers.delivery import PRINTED, slack_delivery_mode
from handlers.runner import handle_event
from interceptor.settings import Settings
from tests.fakes.recorder import Reply
from tests.handlers.conftest import SLACK_TOKEN, TRIGGER_TOKEN, app_with, slack_reply

NOTIFY_TWICE = {
    "notify": {
        "first": {"message": "build of {{ state.appTag }} started"},
        "second": {
            "message": "build of {{ state.appTag }} done",
            "capture-response-data": [
                {"from": "{{ body.message.ts }}", "to": "state.build.lastTs"},
                {"from": "{{ body|tojson }}", "to": "state.build.reply:="},
            ],
        },
    }
}


async def test_notify_captures_and_threads_later_messages(harnesses: Any, slack: Any) -> None:
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with(NOTIFY_TWICE))
    slack.script(slack_reply("1700000001.000100"), slack_reply("1700000002.000200"))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert [(r.block, r.status) for r in result.handlers] == [("first", "ok"), ("second", "ok")]
    first, second = (r.json() for r in slack.requests)
    assert "thread_ts" not in first and first["channel"] == "C0DEVDEPLOYS"
    assert second["thread_ts"] == "1700000001.000100"
    state = (await h.store.get(cid))["state"]
    assert state["slack"]["thread_ts"] == "1700000001.000100"  # the first message stays the thread root
    assert state["slack"]["lastMessagePermalink"].endswith("/archives/C0DEVDEPLOYS/p1700000002000200")
    assert state["build"]["lastTs"] == "1700000002.000200"
    assert state["build"]["reply"]["ok"] is True  # typed with := instead of a JSON string
    assert slack.requests[0].headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
    assert slack.requests[0].headers["Content-Type"] == "application/json; charset=UTF-8"


async def test_manual_choice_generator_reads_the_live_document(harnesses: Any, slack: Any) -> None:
    handlers = {
        "set-values": {
            "set": [
                {"from": '{"tag": "2.6.0", "ns": "apps-dev"}', "to": "state.targets.previous:="},
                {"from": '{"tag": "2.7.0", "ns": "apps-prod"}', "to": "state.targets.current:="},
            ]
        },
        "manual-choice": {
            "title": "Roll out {{ state.appName }}",
            "choices": {"static": {"header": "Static", "options": [{"text": "Skip", "value": "skip"}]}},
            "choice-generators": {
                "targets": {
                    "foreach": "state.targets",
                    "iterator": "{{ 'target' }}",
                    "template": (
                        '{{ target.tag }}:\n  header: "Deploy {{ target.tag }}"\n  options:\n'
                        "    - text: \"to {{ target.ns }}\"\n      value: \"{{'{{'}} state.appName {{'}}'}}|{{ target.ns }}\"\n"
                    ),
                }
            },
        },
    }
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with(handlers))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert [r.status for r in result.handlers] == ["ok", "ok"], result.handlers
    blocks = slack.requests[0].json()["blocks"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [a["block_id"] for a in actions] == ["static", "2.6.0", "2.7.0"]
    assert actions[2]["elements"][0]["value"] == "orders|apps-prod"  # second-pass jinja rendered
    assert actions[2]["elements"][0]["text"]["text"] == "to apps-prod"


async def test_respond_replaces_the_original_through_response_url(harnesses: Any, slack: Any) -> None:
    handlers = {
        "respond": {
            "url": "{{ state.click.responseUrl }}",
            "message": "<@{{ state.click.user }}> chose deploy",
        }
    }
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with(handlers))
    slack.script(Reply(body="ok"))  # response_url answers plain text

    result = await handle_event(
        h.runtime,
        cid,
        "build",
        "success",
        sets=[f"state.click.responseUrl={slack.url}/actions/T1/B2", "state.click.user=U05"],
    )

    assert result.handlers[0].status == "ok"
    (request,) = slack.requests
    assert request.path == "/actions/T1/B2"
    assert request.json() == {"replace_original": True, "text": "<@U05> chose deploy"}


async def test_trigger_pipeline_args_override_auto_args(harnesses: Any, listener: Any) -> None:
    handlers = {
        "trigger-pipeline": {"name": "deploy", "args": {"appTag": "9.9.9", "replicas": 3, "canary": True}}
    }
    h = await harnesses(listener_url=listener.url)
    cid = await h.init("slack", app_with(handlers))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert result.handlers[0].status == "ok", result.handlers
    (request,) = listener.requests
    assert request.body.decode() == json.dumps(
        {
            "cicdContextDataId": cid,
            "cicdContextName": "dev",
            "appName": "orders",
            "appTag": "9.9.9",
            "triggeredBySystem": "trigger-pipeline",
            "replicas": "3",
            "canary": "True",
        }
    )
    ours = ("content-type", "accept", "cache-control", "authorization")
    sent = {k: v for k, v in request.headers.items() if k.lower().startswith("x-") or k.lower() in ours}
    assert sent == {
        "Content-Type": "application/json",
        "Accept": "*/*",
        "Cache-Control": "no-cache",
        "x-cicdstatemgr-autotrigger-key": TRIGGER_TOKEN,
        "x-cicdstatemgr-pipeline-name": "deploy",
    }


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        ({"if": "{{ state.ready }}"}, {"state.gated": "yes"}),
        ({"if": "{{ state.missing }}"}, {}),
        ({"if": "  \n "}, {}),  # whitespace-only is empty for every handler
        ({"if": "{{ state.nope.deeper }}"}, {}),  # a render error counts as empty (blank-on-error)
        ({"when": "state.ready == 'true'"}, {"state.gated": "yes"}),
        ({"when": "state.ready == 'false'"}, {}),
        ({"when": "vars.flag == 'on' && event.pipeline == 'build'"}, {"state.gated": "yes"}),
        ({"enabled": False}, {}),
        ({"enabled": "false"}, {}),
        ({"enabled": "True"}, {"state.gated": "yes"}),
        ({"if": "{{ state.ready }}", "when": "false"}, {}),
    ],
)
async def test_set_values_gates(harnesses: Any, gate: dict[str, Any], expected: dict[str, str]) -> None:
    handlers = {"set-values": {**gate, "set": [{"from": "yes", "to": "state.gated"}]}}
    h = await harnesses()
    cid = await h.init("slack", app_with(handlers), "state.ready=true")

    result = await handle_event(h.runtime, cid, "build", "success", tmpl_ctx_vars=["flag=on"])

    stored = await h.store.get(cid)
    assert ({"state.gated": stored["state"]["gated"]} if "gated" in stored["state"] else {}) == expected
    assert result.handlers[0].status == ("ok" if expected else "skipped")


@pytest.mark.parametrize(
    ("config", "status", "detail"),
    [
        ({"enabled": False, "a": {"message": "x"}}, ["skipped"], "notify.enabled"),
        (
            {"enabled": "off", "a": {"message": "x"}, "b": {"message": "y"}},
            ["skipped", "skipped"],
            "disabled",
        ),
        ({"a": {"message": "x", "enabled": "false"}, "b": {"message": "y"}}, ["skipped", "ok"], ""),
        ({"a": {"message": "x", "enabled": "maybe"}}, ["failed"], "expected true or false"),
        (
            {"a": {"message": "{{ ''.__class__.__mro__ }}x", "optional": True}},
            ["failed"],
            "optional, ignored",
        ),
        ({"a": {"message": "x", "when": "state.appTag"}}, ["failed"], "expected a boolean"),
        ({"a": {"message": "x", "when": "state.appTag =="}}, ["failed"], "a.when"),
    ],
)
async def test_enabled_when_optional_on_named_blocks(
    harnesses: Any, slack: Any, config: dict[str, Any], status: list[str], detail: str
) -> None:
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with({"notify": config}))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert [r.status for r in result.handlers] == status
    assert detail in result.handlers[0].detail
    assert result.failed == (status == ["failed"] and not config["a"].get("optional", False))


async def test_unknown_handler_types_and_keys_are_reported(harnesses: Any, slack: Any) -> None:
    handlers = {
        "notfy": {"message": "typo"},
        "set-values": {"set": [{"from": "x", "to": "state.x"}], "sett": []},
        "notify": {"mesage": "typo", "capture-response-data": []},
    }
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with(handlers))

    result = await handle_event(h.runtime, cid, "build", "success")

    unknown, set_values, notify = result.handlers
    assert (unknown.type, unknown.status) == (
        "notfy",
        "failed",
    ) and "unknown handler type 'notfy'" in unknown.detail
    assert set_values.status == "ok" and "unknown key 'sett'" in set_values.detail
    assert notify.status == "failed" and "missing required key 'message'" in notify.detail
    assert slack.requests == []


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ state.appName.__class__.__subclasses__() }}",
        "{{ lipsum.__globals__.os.popen('id').read() }}",
    ],
)
async def test_sandbox_escapes_fail_and_send_nothing(harnesses: Any, slack: Any, template: str) -> None:
    h = await harnesses(slack_url=slack.url)
    cid = await h.init(
        "slack", app_with({"notify": {"message": template}, "set-values": {"if": template, "set": []}})
    )

    result = await handle_event(h.runtime, cid, "build", "success")

    assert [r.status for r in result.handlers] == ["failed", "failed"]
    assert all("sandbox" in r.detail or "unsafe" in r.detail for r in result.handlers), result.handlers
    assert slack.requests == []


async def test_invalid_rendered_json_is_not_sent(harnesses: Any, slack: Any) -> None:
    templates = {"notify": '{\n  "channel": "{{ channel }}",\n  "text": "{{ notify.message }}"\n}'}
    h = await harnesses(slack_url=slack.url, overrides={"templates": templates})
    cid = await h.init("slack", app_with({"notify": {"deploy-msg": {"message": 'say "hi"'}}}))

    result = await handle_event(h.runtime, cid, "build", "success")

    (notify,) = result.handlers
    assert notify.status == "failed"
    assert "notify block 'deploy-msg'" in notify.detail and "line 3 column" in notify.detail
    assert slack.requests == []


@pytest.mark.parametrize(
    ("replies", "status", "detail", "sleeps"),
    [
        ([Reply(body={"ok": False, "error": "channel_not_found"})], "failed", "error channel_not_found", []),
        (
            [Reply(body={"ok": False, "error": "missing_scope", "needed": "chat:write"})],
            "failed",
            "chat:write",
            [],
        ),
        ([Reply(status=500, body="boom")] * 3, "failed", "HTTP 500", None),
        (
            [
                Reply(status=429, headers={"Retry-After": "7"}, body={"ok": False, "error": "ratelimited"}),
                slack_reply("1.2"),
            ],
            "ok",
            "2 attempts",
            [7.0],
        ),
        ([Reply(body="<html>not json</html>")], "ok", "HTTP 200", []),
        ([Reply(status=403, body={"ok": False, "error": "invalid_auth"})], "failed", "HTTP 403", []),
    ],
)
async def test_slack_failures_count(
    harnesses: Any, slack: Any, replies: list[Reply], status: str, detail: str, sleeps: list[float] | None
) -> None:
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with({"notify": {"message": "hello"}}))
    slack.script(*replies)

    result = await handle_event(h.runtime, cid, "build", "success")

    assert (result.handlers[0].status, detail in result.handlers[0].detail) == (status, True), result.handlers
    if sleeps is not None:
        assert h.sleeps == sleeps
    assert SLACK_TOKEN not in result.handlers[0].detail


async def test_slow_slack_times_out_as_a_failure(harnesses: Any, slack: Any) -> None:
    h = await harnesses(slack_url=slack.url, outbound={"totalTimeoutSeconds": 0.3, "retries": 0})
    cid = await h.init("slack", app_with({"notify": {"message": "hello"}}))
    slack.script(Reply(delay=1.5))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert result.handlers[0].status == "failed" and "timed out" in result.handlers[0].detail


async def test_without_a_slack_token_messages_are_printed(harnesses: Any, slack: Any, listener: Any) -> None:
    h = await harnesses(slack_url=slack.url, listener_url=listener.url, token=None)
    handlers = {"notify": {"message": "hello"}, "trigger-pipeline": {"name": "test"}}
    cid = await h.init("slack", app_with(handlers))

    result = await handle_event(h.runtime, cid, "build", "success")

    assert slack_delivery_mode(h.settings) == "print"
    assert (result.handlers[0].status, result.handlers[0].detail) == ("ok", PRINTED)
    assert slack.requests == [] and len(listener.requests) == 1  # only Slack-bound messages are printed
    assert '"text": "hello"' in h.printed[0] and "Authorization" not in h.printed[0]


async def test_dry_run_prints_masked_requests_and_changes_nothing(
    harnesses: Any, slack: Any, listener: Any
) -> None:
    h = await harnesses(slack_url=slack.url, listener_url=listener.url, dry_run=True)
    handlers = {
        "notify": {"message": "hello"},
        "trigger-pipeline": {"name": "test"},
        "set-values": {"set": [{"from": "1", "to": "state.x"}]},
    }
    cid = await h.init("slack", app_with(handlers))
    before = await h.store.get(cid)

    result = await handle_event(h.runtime, cid, "build", "success")

    assert [r.status for r in result.handlers] == ["ok", "ok", "ok"]
    assert slack.requests == [] and listener.requests == []
    assert await h.store.get(cid) == before
    printed = "\n".join(h.printed)
    assert "Authorization: Bearer ***" in printed and "x-cicdstatemgr-autotrigger-key: ***" in printed
    assert SLACK_TOKEN not in printed and TRIGGER_TOKEN not in printed


async def test_concurrent_events_on_one_context_keep_both_writes(harnesses: Any) -> None:
    app = {
        "cicd-contexts": {
            "dev": {
                "pipelines": {
                    "a": {
                        "event-handlers": {
                            "done": {
                                "set-values": {
                                    "set": [
                                        {"from": "1", "to": "state.a"},
                                        {"from": "x", "to": "state.log[]"},
                                    ]
                                }
                            }
                        }
                    },
                    "b": {
                        "event-handlers": {
                            "done": {
                                "set-values": {
                                    "set": [
                                        {"from": "2", "to": "state.b"},
                                        {"from": "y", "to": "state.log[]"},
                                    ]
                                }
                            }
                        }
                    },
                }
            }
        }
    }
    h = await harnesses()
    cid = await h.init("slack", app)

    await asyncio.gather(*(handle_event(h.runtime, cid, p, "done") for p in ("a", "b") * 3))

    state = (await h.store.get(cid))["state"]
    assert (state["a"], state["b"]) == ("1", "2")
    assert sorted(state["log"]) == ["x"] * 3 + ["y"] * 3
    assert len(await h.store.history(cid)) == 7


@pytest.mark.parametrize(
    ("pipeline", "event", "message"),
    [("nope", "success", "known pipelines: build"), ("build", "nope", "known events: success")],
)
async def test_unknown_pipeline_or_event_names_the_known_ones(
    harnesses: Any, pipeline: str, event: str, message: str
) -> None:
    from interceptor.errors import NotFound

    h = await harnesses()
    cid = await h.init("slack", app_with({"set-values": {"set": []}}))
    with pytest.raises(NotFound, match=message):
        await handle_event(h.runtime, cid, pipeline, event)


def test_slack_delivery_mode_with_a_bot_token() -> None:
    from interceptor.settings import SlackSettings

    assert slack_delivery_mode(Settings(slack=SlackSettings(botToken="xoxb-1"))) == "send"
    assert slack_delivery_mode(Settings(cicdstatemgrSecrets={"slack": {"token": "xoxb-2"}})) == "send"
    assert slack_delivery_mode(Settings()) == "print"
