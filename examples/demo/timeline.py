"""The demo's printed timeline: steps, EventListener decisions, PipelineRuns, Slack traffic.

Indentation shows causality: an event appears under the step that sent it, and the Slack calls
and PipelineRuns it caused appear under the event. ``--verbose`` adds the triggers that did not
fire and why, and full command lines.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

from examples.demo.slack_view import button_labels
from examples.demo.task_runner import StepOutcome

WIDTH = 100


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def event_source(event: dict[str, Any]) -> str:
    """What sent the event, judged from which interceptors let it through."""
    for trigger in event["triggers"]:
        first = trigger["interceptors"][0] if trigger["interceptors"] else None
        if first is None or not first["continue"]:
            continue
        extensions = first.get("extensions") or {}
        if trigger["name"] == "task-events" and "event" in extensions:
            found = extensions["event"]
            return f"`interceptor event post` {found['pipeline']}={found['event']}"
        if trigger["name"] == "git-tag-push":
            return "GitHub push (signature verified by the core github interceptor)"
        if "slack" in extensions:
            return f"Slack {extensions['slack'].get('type')} forwarded by /slack (hop signature verified)"
        if trigger["name"] == "trigger-pipeline-build":
            return "trigger-pipeline handler (token checked by cel compareSecret)"
    return "an event no trigger's first interceptor accepted"


class Timeline:
    def __init__(self, out: TextIO | None = None, *, verbose: bool = False) -> None:
        self.out = out or sys.stdout
        self.verbose = verbose

    def line(self, text: str = "", indent: int = 0) -> None:
        print("  " * indent + text, file=self.out, flush=True)

    def heading(self, text: str) -> None:
        self.line()
        self.line(f"━━ {text} " + "━" * max(3, WIDTH - len(text) - 4))

    def run(self, kind: str, name: str, target: str, params: dict[str, Any]) -> None:
        self.heading(f"{kind} {name} ({'Pipeline' if kind == 'PipelineRun' else 'Task'} {target})")
        shown = ", ".join(f"{k}={_short(str(v), 60)!s}" for k, v in params.items() if v not in ("", []))
        self.line(f"params: {shown}", 1)

    def step(self, outcome: StepOutcome) -> None:
        mark = "✓" if outcome.ok else f"✗ exit {outcome.exit_code}"
        self.line(f"{outcome.task} › {outcome.step}  {mark}", 2)
        if outcome.stand_in:
            self.line(f"[stand-in] {outcome.stand_in}", 3)
        for command in outcome.commands:
            self.line(f"$ {command if self.verbose else _short(command, WIDTH + 20)}", 3)
        if outcome.output and (self.verbose or not outcome.ok):
            for text in outcome.output.splitlines()[-20:]:
                self.line(f"| {text}", 3)

    def event(self, event: dict[str, Any], indent: int) -> None:
        self.line(f"⇢ EventListener event {event['eventID'][:8]}: {event_source(event)}", indent)
        quiet = []
        for trigger in event["triggers"]:
            handlers = _handlers(trigger)
            if trigger["status"] == "created":
                for resource in trigger["resources"]:
                    self.line(
                        f"✓ trigger {trigger['name']} → {resource['kind']} {resource['generateName'] or resource['name']}",
                        indent + 1,
                    )
                params = ", ".join(
                    f"{p['name']}={_short(p['value'], 48)}" for p in trigger["params"] if p["value"]
                )
                self.line(f"params: {params}", indent + 2)
            elif handlers is not None:
                self.line(f"handlers ran in cicd-event: {handlers or 'none configured'}", indent + 1)
            elif trigger["status"] == "error":
                self.line(f"✗ trigger {trigger['name']}: {trigger['error']}", indent + 1)
            else:
                quiet.append(trigger)
        if quiet and self.verbose:
            for trigger in quiet:
                stop = trigger.get("stop") or {}
                reason = f"{stop.get('interceptor')}: code {stop.get('code')}, {_short(str(stop.get('message')), 90)}"
                self.line(f"· {trigger['name']} stopped by {reason}", indent + 1)
        elif quiet:
            self.line(f"· {len(quiet)} other trigger(s) did not match", indent + 1)

    def slack(self, calls: Iterable[dict[str, Any]], indent: int) -> None:
        for call in calls:
            request, reply = call["request"], call["reply"]
            ok = reply == "ok" or (isinstance(reply, dict) and reply.get("ok"))
            where = f"#{call['channelName']}" if call.get("channelName") else ""
            text = _short(str(request.get("text", "")), 90)
            detail = ""
            if call["kind"] == "response_url":
                detail = (
                    " (replace_original)" if str(request.get("replace_original")).lower() == "true" else ""
                )
            buttons = button_labels(request)
            self.line(
                f"✉ Slack {call['kind']} {where}{detail}{'' if ok else ' FAILED: ' + str(reply)}: {text}",
                indent,
            )
            if buttons:
                self.line(f"[buttons: {' | '.join(buttons)}]", indent + 1)

    def checks(self, results: Iterable[tuple[str, bool, str]]) -> None:
        self.heading("Expected steps")
        for name, ok, detail in results:
            self.line(f"{'✓' if ok else '✗'} {name}" + (f"  — {detail}" if detail else ""), 1)


def _handlers(trigger: dict[str, Any]) -> str | None:
    """``notify ok, trigger-pipeline ok`` for a task-events trigger whose cicd-event ran."""
    if trigger["name"] != "task-events" or not trigger["interceptors"]:
        return None
    found = (trigger["interceptors"][0].get("extensions") or {}).get("event")
    if not found:
        return None
    parts = []
    for handler in found.get("handlers") or []:
        label = handler["type"] + (f"/{handler['block']}" if handler.get("block") else "")
        parts.append(
            f"{label} {handler['status']}"
            + ("" if handler["status"] == "ok" else f" ({_short(str(handler.get('detail')), 70)})")
        )
    return ", ".join(parts)
