"""The issue's "Done when": one app config drives init, build=success (notify + buttons), a button
press, deploy=init (respond replaces the buttons) and deploy=success — once from the CLI
(subprocesses) and once through the event interceptor, with the same requests and stored values.
Also ``event post`` and the teams/webhook presets."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from handlers.runner import handle_event
from interceptor import hop_signature
from interceptor.cel import CelEnvironment
from interceptor.interceptors.event import EventInterceptor
from interceptor.metrics import Metrics
from interceptor.outbound import OutboundClient
from interceptor.protocol import InterceptorRequest
from interceptor.services import Services
from interceptor.settings import load_settings
from interceptor.store import open_store
from tests.fakes.recorder import Recorded, Recorder, Reply
from tests.handlers.conftest import LISTENER_SECRET, PRESETS, SLACK_TOKEN, slack_reply, write_config

ROOT = Path(__file__).resolve().parents[2]
CONTEXT_ID = "orders-2.7.0-v1-dev-9f2c1e7"
CLICK = {"action": "deploy", "appTag": "2.7.0"}
SLACK_REPLIES = [
    slack_reply("1767221002.000200"),  # build=success notify: starts the thread
    slack_reply("1767221003.000300"),  # the buttons
    Reply(body="ok"),  # response_url
    slack_reply("1767221004.000400"),  # deploy=init notify
    slack_reply("1767221005.000500"),  # deploy=success notify
]


async def cli(*args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERCEPTOR_", "CICDSTATEMGR_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "interceptor",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


def summary(requests: list[Recorded]) -> list[tuple[str, str, Any]]:
    keep = ("content-type", "authorization", "x-cicdstatemgr-autotrigger-key", "x-cicdstatemgr-pipeline-name")
    return [
        (
            r.path,
            json.dumps({k.lower(): v for k, v in r.headers.items() if k.lower() in keep}, sort_keys=True),
            r.json(),
        )
        for r in requests
    ]


async def run_cli_flow(tmp_path: Path, slack: Recorder, listener: Recorder) -> dict[str, Any]:
    store = f"sqlite:///{tmp_path}/cli.db"
    config, secrets = write_config(tmp_path, "slack", slack_url=slack.url, listener_url=listener.url)
    common = ["--config", str(config), "--secrets", str(secrets), "--store", store]
    steps = [
        [
            "context",
            "init",
            CONTEXT_ID,
            "--context-name",
            "dev",
            "--app-config",
            str(PRESETS / "slack" / "app.yaml"),
            "--bases-dir",
            str(PRESETS / "slack" / "bases"),
            "--set",
            "state.appName=orders",
            "--set",
            "state.appTag=2.7.0",
        ],
        ["event", "handle", CONTEXT_ID, "build=success"],
        [
            "context",
            "set",
            CONTEXT_ID,
            f"state.click.responseUrl={slack.url}/actions/T1/B2",
            "state.click.user=U05",
            f"state.click.data:={json.dumps(CLICK)}",
        ],
        ["event", "handle", CONTEXT_ID, "deploy=init"],
        ["event", "handle", CONTEXT_ID, "deploy=success"],
    ]
    for step in steps:
        code, out, err = await cli(*step, *common)
        assert code == 0, (step, out, err)
        if step[:2] == ["event", "handle"]:
            assert out.strip() and all(": ok" in line for line in out.strip().splitlines()), out
    code, out, err = await cli("context", "get", CONTEXT_ID, "$", "--format", "json", *common)
    assert code == 0, err
    return json.loads(out)


async def run_interceptor_flow(tmp_path: Path, slack: Recorder, listener: Recorder) -> dict[str, Any]:
    config, secrets = write_config(tmp_path, "slack", slack_url=slack.url, listener_url=listener.url)
    settings = load_settings(str(config), str(secrets), store_url=f"sqlite:///{tmp_path}/svc.db", environ={})
    services = Services(
        settings,
        open_store(settings.store.url),
        CelEnvironment(),
        OutboundClient(settings.outbound),
        Metrics(),
    )
    try:
        code, _, err = await cli(
            "context",
            "init",
            CONTEXT_ID,
            "--context-name",
            "dev",
            "--app-config",
            str(PRESETS / "slack" / "app.yaml"),
            "--bases-dir",
            str(PRESETS / "slack" / "bases"),
            "--set",
            "state.appName=orders",
            "--set",
            "state.appTag=2.7.0",
            "--config",
            str(config),
            "--secrets",
            str(secrets),
            "--store",
            settings.store.url,
        )
        assert code == 0, err
        interceptor = EventInterceptor(services)
        click = {
            "state.click.responseUrl": f"{slack.url}/actions/T1/B2",
            "state.click.user": "U05",
            "state.click.data": CLICK,
        }
        for pipeline, event, sets in (
            ("build", "success", {}),
            ("deploy", "init", click),
            ("deploy", "success", {}),
        ):
            raw = json.dumps(
                {"contextId": CONTEXT_ID, "pipeline": pipeline, "event": event, "set": sets, "vars": {}}
            ).encode()
            headers = {k: [v] for k, v in hop_signature.sign(LISTENER_SECRET, raw, time.time()).items()}
            response = await interceptor.process(InterceptorRequest(body=raw.decode(), header=headers))
            assert response.continue_, response
            assert all(h["status"] == "ok" for h in response.extensions["event"]["handlers"]), (
                response.extensions
            )
        document = await services.store.get(CONTEXT_ID)
        assert document is not None
        return document
    finally:
        await services.outbound.close()
        await services.store.close()


async def test_done_when_flow_cli_and_interceptor_match(tmp_path: Path) -> None:
    results = {}
    for mode, runner in (("cli", run_cli_flow), ("interceptor", run_interceptor_flow)):
        directory = tmp_path / mode
        directory.mkdir()
        async with (
            Recorder() as slack,
            Recorder(default=Reply(status=202, body={"eventID": "1"})) as listener,
        ):
            slack.script(*SLACK_REPLIES)
            document = await runner(directory, slack, listener)
            # the fake servers' ports differ between the two runs; nothing else may
            document = json.loads(json.dumps(document).replace(slack.url, "http://slack.test"))
            results[mode] = (summary(slack.requests), summary(listener.requests), document)

    cli_slack, cli_listener, cli_doc = results["cli"]
    assert (cli_slack, cli_listener, cli_doc) == results["interceptor"]
    paths = [path for path, _, _ in cli_slack]
    assert paths == ["/api/chat.postMessage"] * 2 + ["/actions/T1/B2"] + ["/api/chat.postMessage"] * 2
    buttons = cli_slack[1][2]
    actions = next(b for b in buttons["blocks"] if b["type"] == "actions")
    assert (actions["block_id"], [e["action_id"] for e in actions["elements"]]) == (
        "deploy",
        ["deploy", "skip"],
    )
    assert json.loads(actions["elements"][0]["value"]) == {
        "action": "deploy",
        "appName": "orders",
        "appTag": "2.7.0",
        "contextId": CONTEXT_ID,
    }
    assert buttons["thread_ts"] == "1767221002.000200"
    assert cli_slack[2][2] == {"replace_original": True, "text": "<@U05> chose *deploy* for orders 2.7.0"}
    assert all(s[2].get("thread_ts") == "1767221002.000200" for s in cli_slack[3:])
    assert json.loads(cli_slack[0][1])["authorization"] == f"Bearer {SLACK_TOKEN}"
    (trigger,) = cli_listener
    assert (
        trigger[2]["targetNamespace"] == "apps-dev"
        and json.loads(trigger[1])["x-cicdstatemgr-pipeline-name"] == "test"
    )
    state = cli_doc["state"]
    assert state["slack"] == {
        "thread_ts": "1767221002.000200",
        "channel": "C0DEVDEPLOYS",
        "choiceMessageTs": "1767221003.000300",
        "lastMessagePermalink": "https://example.slack.com/archives/C0DEVDEPLOYS/p1767221005000500",
    }
    assert state["deploy"] == {"requestedBy": "U05", "request": CLICK}


async def test_cli_event_handle_dry_run_and_failure_exit(tmp_path: Path, slack: Recorder) -> None:
    store = f"sqlite:///{tmp_path}/d.db"
    config, secrets = write_config(tmp_path, "slack", slack_url=slack.url)
    common = ["--config", str(config), "--secrets", str(secrets), "--store", store]
    code, _, err = await cli(
        "context",
        "init",
        "c1",
        "--context-name",
        "dev",
        "--app-config",
        str(PRESETS / "slack" / "app.yaml"),
        "--bases-dir",
        str(PRESETS / "slack" / "bases"),
        "--set",
        "state.appName=orders",
        *common,
    )
    assert code == 0, err

    code, out, _ = await cli("event", "handle", "c1", "build=failure", "--dry-run", *common)
    assert code == 0 and slack.requests == []
    assert (
        "Authorization: Bearer ***" in out
        and SLACK_TOKEN not in out
        and "notify/default: ok - dry-run" in out
    )

    slack.script(Reply(body={"ok": False, "error": "channel_not_found"}))
    code, out, err = await cli("event", "handle", "c1", "build=failure", *common)
    assert code == 1 and "channel_not_found" in out and "notify/default" in err

    code, _, err = await cli("event", "handle", "c1", "nope=failure", *common)
    assert code != 0 and "known pipelines: build, deploy" in err


async def test_cli_event_post_signs_and_retries(tmp_path: Path) -> None:
    async with Recorder(default=Reply(status=202, body={"eventID": "ev-9"})) as listener:
        listener.script(Reply(status=503, body="warming up"))
        config, secrets = write_config(tmp_path, "slack", listener_url=listener.url)
        (tmp_path / "body.json").write_text('{"ref": "v2.7.0"}')
        code, out, err = await cli(
            "event",
            "post",
            "--context-id",
            "c1",
            "--pipeline",
            "build",
            "--event",
            "success",
            "--set",
            "state.x=1",
            "--set",
            f"state.body=file://{tmp_path}/body.json",
            "--set",
            "state.n:=3",
            "--tmpl-ctx-var",
            "event.data=state.build.run1",
            "--config",
            str(config),
            "--secrets",
            str(secrets),
        )
        assert code == 0, err
        assert "HTTP 202" in out and "ev-9" in out
        first, second = listener.requests
        assert first.body == second.body
        # A retry re-sends the same signed request, so at most one delivery creates runs.
        assert first.headers["X-Interceptor-Signature"] == second.headers["X-Interceptor-Signature"]
        assert json.loads(second.body) == {
            "contextId": "c1",
            "pipeline": "build",
            "event": "success",
            "set": {"state.x": "1", "state.body": {"ref": "v2.7.0"}, "state.n": 3},
            "vars": {"event.data": "state.build.run1"},
        }
        hop_signature.verify(
            [LISTENER_SECRET],
            second.body,
            second.headers["X-Interceptor-Timestamp"],
            second.headers["X-Interceptor-Signature"],
            time.time,
        )

        listener.script(*[Reply(status=400, body="bad")])
        code, out, err = await cli(
            "event",
            "post",
            "--context-id",
            "c1",
            "--pipeline",
            "b",
            "--event",
            "e",
            "--config",
            str(config),
            "--secrets",
            str(secrets),
        )
        assert code == 1 and "HTTP 400" in err


@pytest.mark.parametrize(
    ("preset", "check"),
    [
        ("teams", lambda body: body["@type"] == "MessageCard" and body["themeColor"] == "2EB886"),
        (
            "webhook",
            lambda body: (
                body
                == {
                    "context": body["context"],
                    "app": "orders",
                    "tag": "2.7.0",
                    "event": "build.success",
                    "message": "orders 2.7.0 built",
                }
            ),
        ),
    ],
)
async def test_webhook_presets(harnesses: Any, slack: Recorder, preset: str, check: Any) -> None:
    slack.script(Reply(body={"id": "evt-77"}) if preset == "webhook" else Reply(body="1"))
    h = await harnesses(preset, slack_url=slack.url, token=None)  # no Slack token: webhooks still send
    cid = await h.init(preset)

    result = await handle_event(h.runtime, cid, "build", "success")

    assert all(r.status == "ok" for r in result.handlers), result.handlers
    (request,) = slack.requests
    assert request.path == "/webhook" and "Authorization" not in request.headers and check(request.json())
    state = (await h.store.get(cid))["state"]
    assert state.get("lastBuiltTag" if preset == "teams" else "webhook") == (
        "2.7.0" if preset == "teams" else {"lastEventId": "evt-77"}
    )
