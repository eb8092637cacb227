"""The release flow of ``examples/tekton``, played against the sandbox: push, build, click, deploy, promote.

What a cluster would do by itself, the flow does in order: every PipelineRun or TaskRun that a
trigger creates is queued and run (:class:`PipelineRunner`), and after each step the flow waits
until the EventListener has processed what the step sent. What people do, the flow does too: it
pushes a signed tag and clicks buttons in the fake Slack. Everything that happens is kept in a
:class:`FlowRecord`, which :mod:`examples.demo.expectations` checks.
"""

from __future__ import annotations

import base64
import binascii
import json
import shlex
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from examples.demo.errors import DemoError
from examples.demo.http_client import request
from examples.demo.listener import Created, Listener, created
from examples.demo.pipeline_runner import PipelineRunner, RunOutcome, generated_name, load_objects
from examples.demo.sandbox import TEKTON_DIR, Sandbox, interceptor_command
from examples.demo.slack_click import SlackUser, click_payload, form_body, post_interaction, signed_headers
from examples.demo.slack_view import SlackView
from examples.demo.tag_push import TagPush
from examples.demo.task_runner import Cluster, StepOutcome, TaskRunner
from examples.demo.timeline import Timeline

SERVICE_IMAGE = "ghcr.io/example/tekton-slack-interceptor"
CLUSTER_LISTENER_URL = "http://el-cicd.cicd.svc.cluster.local:8080"
RELEASE = TagPush(app="orders", tag="2.7.0", clone_url="https://github.com/acme/orders.git", pusher="ada")
RELEASE_MANAGER = SlackUser(id="U0PRODLEAD1", name="grace")  # listed in variables.prodApprovers


@dataclass
class Click:
    label: str
    user: SlackUser
    payload: dict[str, Any]
    status: int
    headers: dict[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FlowRecord:
    release: TagPush
    push_events: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    runs: list[tuple[Created, RunOutcome]] = field(default_factory=list)
    clicks: list[Click] = field(default_factory=list)
    slack_calls: list[dict[str, Any]] = field(default_factory=list)
    slack_messages: list[dict[str, Any]] = field(default_factory=list)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str = ""

    def runs_of(self, target: str) -> list[tuple[Created, RunOutcome]]:
        return [(c, r) for c, r in self.runs if r.target == target]


class ReleaseFlow:
    def __init__(self, sandbox: Sandbox, timeline: Timeline, release: TagPush = RELEASE) -> None:
        self.sandbox = sandbox
        self.timeline = timeline
        self.listener = Listener(sandbox.endpoints.listener)
        self.slack = SlackView(sandbox.endpoints.slack)
        self.record = FlowRecord(release)
        self.queue: deque[Created] = deque()
        self._indent = 1
        cluster = Cluster(
            workdir=sandbox.workdir,
            bin_dir=self._command_dir(),
            service_image=SERVICE_IMAGE,
            secrets={
                "cicd-step-credentials": {
                    "store-url": sandbox.store_url,
                    "listener-secret": sandbox.secrets.listener,
                }
            },
            config_maps={"cicd-bases": TEKTON_DIR / "bases"},
            urls={CLUSTER_LISTENER_URL: sandbox.endpoints.listener},
        )
        tasks = TaskRunner(load_objects(TEKTON_DIR, "Task"), cluster)
        self.runner = PipelineRunner(load_objects(TEKTON_DIR, "Pipeline"), tasks, sandbox.workdir)

    def play(self) -> FlowRecord:
        """The whole story; a step that cannot happen stops it and is kept in ``record.error``."""
        tag = self.record.release.tag
        try:
            self.push_tag()
            self.run_queue()
            self.click(f"Apply {tag} to: apps-dev", RELEASE_MANAGER)
            self.run_queue()
            self.click(f"Promote {tag} to prod", RELEASE_MANAGER)
            self.run_queue()
        except DemoError as exc:
            self.record.error = str(exc)
            self.timeline.line(f"✗ stopped: {exc}", 1)
        self.record.contexts = self.read_contexts()
        self.record.slack_messages = self.slack.messages()
        return self.record

    def push_tag(self) -> list[dict[str, Any]]:
        push = self.record.release
        self.timeline.heading(f"GitHub: {push.pusher} pushes tag {push.tag} of {push.app}")
        body = push.body()
        reply = request(
            "POST", self.listener.url + "/", body, push.headers(body, self.sandbox.secrets.github_webhook)
        )
        self.timeline.line(
            f"→ POST {self.listener.url}/  X-GitHub-Event: push, X-Hub-Signature-256  → HTTP {reply.status}",
            1,
        )
        if reply.status != 202:
            raise DemoError(
                f"the EventListener answered the tag push with HTTP {reply.status}: {reply.text[:200]}"
            )
        events = self._settle(1, expect_new=1)
        self.record.push_events = events
        return events

    def click(self, label: str, user: SlackUser, times: int = 1) -> Click:
        """``user`` clicks the newest button labelled ``label`` (``times`` > 1: a double click)."""
        self.timeline.heading(f"Slack: {user.name} ({user.id}) clicks “{label}”")
        button = self.slack.button(label)
        payload = click_payload(button, user, self.slack.url)
        self.timeline.line(f"button action_id={button.action_id} in message ts={button.message['ts']}", 1)
        self.timeline.line(
            f"value {button.value[:40]}… decodes to {json.dumps(decoded_value(button.value))}", 1
        )
        body = form_body(payload)
        replies = []
        for attempt in range(max(times, 1)):
            reply = post_interaction(
                f"{self.sandbox.endpoints.service}/slack",
                body,
                signed_headers(self.sandbox.secrets.slack_signing, body),
            )
            duplicate = " (duplicate: not forwarded)" if reply.headers.get("X-Slack-No-Retry") else ""
            self.timeline.line(
                f"→ POST /slack, signed block_actions #{attempt + 1} → HTTP {reply.status}{duplicate}", 1
            )
            replies.append(reply)
        reply = replies[-1]
        click = Click(label, user, payload, reply.status, reply.headers)
        self.record.clicks.append(click)
        if reply.status != 200:
            raise DemoError(f"/slack refused the click on {label!r}: HTTP {reply.status} {reply.text[:200]}")
        click.events = self._settle(1, expect_new=1)
        return click

    def run_queue(self) -> None:
        """Run every created PipelineRun/TaskRun, and the ones they cause, until none is left."""
        while self.queue:
            item = self.queue.popleft()
            name = generated_name(item.resource)
            resource = {**item.resource, "metadata": {**item.resource.get("metadata", {}), "name": name}}
            params = {p["name"]: p["value"] for p in (resource.get("spec") or {}).get("params") or []}
            self.timeline.run(item.kind, name, _target(resource), params)
            self.timeline.line(f"created by trigger {item.trigger} (event {item.event_id[:8]})", 1)
            outcome = self.runner.run(resource, after_step=self._after_step)
            self.record.runs.append((item, outcome))
            skipped = f"; skipped: {', '.join(outcome.skipped)}" if outcome.skipped else ""
            self.timeline.line(f"{outcome.kind} {name} {'succeeded' if outcome.ok else 'FAILED'}{skipped}", 1)

    def read_contexts(self) -> dict[str, dict[str, Any]]:
        """Each context the start runs opened, read back with ``interceptor context get``."""
        found: dict[str, dict[str, Any]] = {}
        for _, outcome in self.record.runs_of("start"):
            for task in outcome.tasks:
                context_id = task.results.get("cicdContextDataId", "").strip()
                if context_id:
                    found[context_id] = self.context(context_id)
        return found

    def context(self, context_id: str) -> dict[str, Any]:
        done = subprocess.run(
            interceptor_command("context", "get", context_id, "$", "--format", "json"),
            env={"INTERCEPTOR_STORE": self.sandbox.store_url, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return {}
        document = json.loads(done.stdout)
        return dict(document[0] if isinstance(document, list) else document)

    def _after_step(self, outcome: StepOutcome) -> None:
        self.timeline.step(outcome)
        self._settle(3)

    def _settle(self, indent: int, expect_new: int = 0) -> list[dict[str, Any]]:
        events = self.listener.settle(expect_new=expect_new)
        for event in events:
            self.timeline.event(event, indent)
        calls = self.slack.new_calls()
        self.timeline.slack(calls, indent)
        self.record.events.extend(events)
        self.record.slack_calls.extend(calls)
        self.queue.extend(created(events))
        return events

    def _command_dir(self) -> Path:
        """A ``bin`` directory whose ``interceptor`` is this interpreter's, for the Task scripts."""
        directory = self.sandbox.workdir / "bin"
        directory.mkdir(exist_ok=True)
        shim = directory / "interceptor"
        shim.write_text(
            f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m interceptor "$@"\n', encoding="utf-8"
        )
        shim.chmod(0o755)
        return directory


def decoded_value(value: str) -> Any:
    """A button value ``prefix|base64(JSON)`` decoded, as cicd-slack does for action.data."""
    _, bar, encoded = value.partition("|")
    try:
        return json.loads(base64.b64decode(encoded if bar else value, validate=True))
    except (ValueError, binascii.Error):
        return None


def _target(resource: dict[str, Any]) -> str:
    spec = resource.get("spec") or {}
    return str((spec.get("pipelineRef") or spec.get("taskRef") or {}).get("name", "?"))
