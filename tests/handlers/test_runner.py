"""The event runner's history entry: every event run leaves one, naming its paths and outcomes.

Real SQLite store, fake Slack on loopback (the ``harnesses`` and ``slack`` fixtures)."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.runner import handle_event
from tests.fakes.recorder import Reply
from tests.handlers.conftest import app_with, slack_reply

NOTIFY = {"notify": {"message": "built {{ state.appTag }}"}}
SET_X = {"set-values": {"set": [{"from": "done", "to": "state.x"}]}}
SKIPPED_SET = {"set-values": {"if": "", "set": [{"from": "done", "to": "state.x"}]}}


@pytest.mark.parametrize(
    ("handlers", "reply", "sets", "paths", "outcomes"),
    [
        pytest.param(
            {**NOTIFY, **SET_X}, slack_reply("1.1"), {},
            ["state.slack.thread_ts", "state.slack.channel", "state.slack.lastMessagePermalink", "state.x"],
            [("notify", "default", "ok"), ("set-values", "default", "ok")], id="ok-and-a-write",
        ),
        pytest.param(
            NOTIFY, Reply(status=500, body="down"), {}, [],
            [("notify", "default", "failed")], id="failure-that-wrote-nothing",
        ),
        pytest.param(
            NOTIFY, Reply(status=500, body="down"), {"state.who": "bob"}, ["state.who"],
            [("notify", "default", "failed")], id="failure-after-a-posted-set",
        ),
        pytest.param(
            SKIPPED_SET, None, {}, [], [("set-values", "default", "skipped")], id="skipped-wrote-nothing",
        ),
        pytest.param({"notfy": {}}, None, {}, [], [("notfy", "", "failed")], id="unknown-handler-type"),
    ],
)  # fmt: skip
async def test_every_event_run_is_recorded_in_the_history(
    harnesses: Any,
    slack: Any,
    handlers: dict[str, Any],
    reply: Reply | None,
    sets: dict[str, str],
    paths: list[str],
    outcomes: list[tuple[str, str, str]],
) -> None:
    h = await harnesses(slack_url=slack.url)
    cid = await h.init("slack", app_with(handlers))
    if reply is not None:
        slack.default = reply

    result = await handle_event(h.runtime, cid, "build", "success", sets=sets, actor="ci", source="test")

    history = await h.store.history(cid)
    assert len(history) == 2  # init, then this event
    entry = history[-1]
    assert (entry.actor, entry.source, entry.paths) == ("ci", "test build=success", paths)
    assert entry.details == {
        "event": "build=success",
        "handlers": [handler.to_json() for handler in result.handlers],
    }
    assert [(x["type"], x["block"], x["status"]) for x in entry.details["handlers"]] == outcomes
    assert all(x["detail"] or x["status"] == "ok" for x in entry.details["handlers"])  # failures say why


async def test_an_event_without_handlers_is_recorded_as_writing_nothing(harnesses: Any) -> None:
    h = await harnesses()
    cid = await h.init("slack", app_with(SET_X))

    await handle_event(h.runtime, cid, "build", "nothing-here", allow_missing_event=True)

    entry = (await h.store.history(cid))[-1]
    assert entry.paths == []
    assert entry.details == {"event": "build=nothing-here", "handlers": []}


@pytest.mark.parametrize("how", ["dry-run", "persist-false"])
async def test_a_run_that_stores_nothing_records_nothing(harnesses: Any, how: str) -> None:
    h = await harnesses(dry_run=how == "dry-run")
    cid = await h.init("slack", app_with(SET_X))

    await handle_event(h.runtime, cid, "build", "success", persist=how != "persist-false")

    assert len(await h.store.history(cid)) == 1
