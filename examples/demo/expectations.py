"""The steps the release flow must show, checked against the :class:`FlowRecord` afterwards.

Each expectation looks only at what was recorded (EventListener events, runs, Slack calls, the
final context documents), so a step that never happened is reported with what is missing, and
``make demo`` exits non-zero naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from examples.demo.flow import FlowRecord
from examples.demo.slack_view import button_labels


class Missing(Exception):
    """An expected step did not happen; the message says what is missing."""


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str


def posted(record: FlowRecord, channel: str, *, text: str = "", button: str = "") -> list[dict[str, Any]]:
    """Successful chat.postMessage calls to ``#channel`` with ``text`` in the text / a ``button``."""
    found = []
    for call in record.slack_calls:
        if (
            call["kind"] != "chat.postMessage"
            or call["channelName"] != channel
            or not call["reply"].get("ok")
        ):
            continue
        if text in str(call["request"].get("text", "")) and (
            not button or button in button_labels(call["request"])
        ):
            found.append(call)
    return found


def _context(record: FlowRecord, name: str) -> tuple[str, dict[str, Any]]:
    for context_id, document in record.contexts.items():
        if (document.get("state") or {}).get("cicdContextName") == name:
            return context_id, document
    raise Missing(f"no {name} context was opened (contexts: {', '.join(record.contexts) or 'none'})")


def _one(items: list[Any], what: str) -> Any:
    if len(items) != 1:
        raise Missing(f"expected exactly one {what}, found {len(items)}")
    return items[0]


def tag_push_starts_dev(record: FlowRecord) -> str:
    push = record.release
    fired = [t for e in record.push_events for t in e["triggers"] if t["status"] == "created"]
    trigger = _one(fired, "trigger fired by the tag push")
    params = {p["name"]: p["value"] for p in trigger["params"]}
    if (
        trigger["name"] != "git-tag-push"
        or params.get("cicdContextName") != "dev"
        or params.get("appTag") != push.tag
    ):
        raise Missing(f"trigger {trigger['name']} fired with {params}")
    return f"PipelineRun {trigger['resources'][0]['generateName']}…, appTag={push.tag}"


def dev_context_opened(record: FlowRecord) -> str:
    context_id, document = _context(record, "dev")
    if document["state"].get("appTag") != record.release.tag:
        raise Missing(f"context {context_id} has appTag {document['state'].get('appTag')!r}")
    return context_id


def start_success_notifies_and_builds(record: FlowRecord) -> str:
    channel = f"{record.release.app}-release-dev"
    first = _one(
        posted(record, channel, text="New release context"), f"'New release context' message in #{channel}"
    )
    builds = [c for c, _ in record.runs_of("build") if c.trigger == "trigger-pipeline-build"]
    _one(builds, "build PipelineRun created by trigger-pipeline-build")
    return f"thread ts {first['reply']['ts']} in #{channel}; build PipelineRun created"


def build_init_notifies(record: FlowRecord) -> str:
    channel = f"{record.release.app}-release-dev"
    message = _one(
        posted(record, channel, text=":hammer: Building"), f"':hammer: Building' message in #{channel}"
    )
    if not message["request"].get("thread_ts"):
        raise Missing("the 'Building' message was not posted in the release thread")
    return f"in the thread {message['request']['thread_ts']}"


def build_success_posts_deploy_button(record: FlowRecord) -> str:
    label = f"Apply {record.release.tag} to: apps-dev"
    _one(
        posted(record, f"{record.release.app}-release-dev", button=label),
        f"message with the button {label!r}",
    )
    return f"button {label!r}"


def deploy_click_creates_deploy(record: FlowRecord) -> str:
    if not record.clicks:
        raise Missing("nobody clicked the deploy button")
    click = record.clicks[0]
    if click.status != 200:
        raise Missing(f"/slack answered the click with HTTP {click.status}")
    created, _ = _one(record.runs_of("deploy"), "deploy PipelineRun")
    if created.trigger != "slack-deploy" or created.params.get("slackUserId") != click.user.id:
        raise Missing(f"the deploy run came from {created.trigger} with {created.params}")
    return f"slack-deploy → PipelineRun deploy for {click.user.id}"


def deploy_init_replaces_buttons(record: FlowRecord) -> str:
    replaced = [
        c
        for c in record.slack_calls
        if c["kind"] == "response_url" and str(c["request"].get("replace_original")).lower() == "true"
    ]
    call = _one(replaced, "response_url call with replace_original")
    message = next(
        (m for m in record.slack_messages if m["channel"] == call["channel"] and m["ts"] == call["ts"]), None
    )
    if message is None or button_labels(message) or not message.get("history"):
        raise Missing("the clicked message still shows its buttons")
    context_id, document = _context(record, "dev")
    approved = ((document["state"].get("approvals") or {}).get("dev") or {}).get("approvedBy")
    if approved != record.clicks[0].user.id:
        raise Missing(f"state.approvals.dev.approvedBy of {context_id} is {approved!r}")
    return f"message {call['ts']} now reads {message.get('text', '')[:50]!r}; approvedBy {approved}"


def deploy_success_offers_promotion(record: FlowRecord) -> str:
    _, outcome = _one(record.runs_of("deploy"), "deploy PipelineRun")
    if not outcome.ok:
        raise Missing(f"PipelineRun {outcome.name} failed")
    label = f"Promote {record.release.tag} to prod"
    _one(
        posted(record, f"{record.release.app}-release-dev", button=label),
        f"message with the button {label!r}",
    )
    return f"{outcome.name} succeeded; button {label!r}"


def promote_click_starts_prod(record: FlowRecord) -> str:
    prod = [(c, r) for c, r in record.runs_of("start") if c.params.get("cicdContextName") == "prod"]
    created, outcome = _one(prod, "start PipelineRun for prod")
    dev_id, _ = _context(record, "dev")
    if created.trigger != "slack-promote" or created.params.get("relatedCicdContextDataId") != dev_id:
        raise Missing(f"the prod start came from {created.trigger} with {created.params}")
    return f"slack-promote → {outcome.name}"


def prod_context_ready(record: FlowRecord) -> str:
    context_id, _ = _context(record, "prod")
    channel = f"{record.release.app}-release-prod"
    _one(posted(record, channel, text="promoted"), f"'promoted' message in #{channel}")
    label = f"Apply {record.release.tag} to: apps-prod"
    _one(posted(record, channel, button=label), f"message with the button {label!r}")
    return f"{context_id}; button {label!r} for the approvers"


def nothing_failed(record: FlowRecord) -> str:
    if not record.runs:
        raise Missing("no PipelineRun or TaskRun ran")
    failed_runs = [r.name for _, r in record.runs if not r.ok]
    failed_handlers = [
        f"{h['type']} of {x['pipeline']}={x['event']}: {h.get('detail')}"
        for e in record.events
        for t in e["triggers"]
        if t["name"] == "task-events" and t["interceptors"]
        for x in [(t["interceptors"][0].get("extensions") or {}).get("event") or {}]
        for h in x.get("handlers") or []
        if h["status"] == "failed"
    ]
    if failed_runs or failed_handlers or record.error:
        raise Missing("; ".join(filter(None, [record.error, *failed_runs, *failed_handlers])))
    return f"{len(record.runs)} runs, {len(record.events)} events"


EXPECTATIONS: list[tuple[str, Callable[[FlowRecord], str]]] = [
    ("tag push → git-tag-push creates PipelineRun start (dev)", tag_push_starts_dev),
    ("start: dev release context opened", dev_context_opened),
    ("start=success: thread opened in Slack, build triggered", start_success_notifies_and_builds),
    ("build=init: notify in the thread", build_init_notifies),
    ("build=success: 'deploy to dev' button posted", build_success_posts_deploy_button),
    ("click → /slack → slack-deploy creates PipelineRun deploy", deploy_click_creates_deploy),
    ("deploy=init: buttons replaced via response_url, approval recorded", deploy_init_replaces_buttons),
    ("deploy=success: notify and 'promote to prod' button", deploy_success_offers_promotion),
    ("click → /slack → slack-promote creates PipelineRun start (prod)", promote_click_starts_prod),
    ("start (prod): new prod context, deploy-to-prod button", prod_context_ready),
    ("every run succeeded, no handler failed", nothing_failed),
]


def check(record: FlowRecord) -> list[Outcome]:
    results = []
    for name, expectation in EXPECTATIONS:
        try:
            results.append(Outcome(name, True, expectation(record)))
        except Missing as exc:
            results.append(Outcome(name, False, str(exc)))
    return results
