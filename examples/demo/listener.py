"""The demo's view of the EventListener emulator: its event log, read through ``/emulator/events``.

:meth:`Listener.settle` waits until every event the emulator has received is processed,
including events that handlers sent while it waited (``trigger-pipeline``) and, when asked,
the forward that ``/slack`` sends after its ack. It returns the events that are new since the
last call, so each step of the timeline shows what it caused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from examples.demo.errors import DemoError
from examples.demo.http_client import get_json

SETTLE_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Created:
    """A resource that a trigger rendered (in a cluster: created)."""

    event_id: str
    trigger: str
    params: dict[str, str]
    resource: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.resource.get("kind", ""))

    @property
    def generate_name(self) -> str:
        metadata = self.resource.get("metadata") or {}
        return str(metadata.get("name") or metadata.get("generateName") or "")


class Listener:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._seen: set[str] = set()

    def events(self, *, wait: bool = False, timeout: float = SETTLE_TIMEOUT_SECONDS) -> list[dict[str, Any]]:
        query = f"?wait=1&timeout={timeout:g}" if wait else ""
        data = get_json(f"{self.url}/emulator/events{query}", timeout=timeout + 5)
        return list(data["events"])

    def event(self, event_id: str) -> dict[str, Any]:
        return dict(get_json(f"{self.url}/emulator/events/{event_id}"))

    def settle(self, *, expect_new: int = 0, timeout: float = SETTLE_TIMEOUT_SECONDS) -> list[dict[str, Any]]:
        """Wait for at least ``expect_new`` unseen events, then until all are processed; return the unseen."""
        deadline = time.monotonic() + timeout
        while len([e for e in self.events() if e["eventID"] not in self._seen]) < expect_new:
            if time.monotonic() > deadline:
                raise DemoError(
                    f"the EventListener did not receive {expect_new} new event(s) within {timeout:g} s"
                )
            time.sleep(POLL_SECONDS)
        while True:
            remaining = max(deadline - time.monotonic(), 1.0)
            events = self.events(wait=True, timeout=remaining)
            if all(e["done"] for e in events):
                break
            if time.monotonic() > deadline:
                raise DemoError(f"the EventListener was still processing events after {timeout:g} s")
        new = [e for e in events if e["eventID"] not in self._seen]
        self._seen.update(e["eventID"] for e in new)
        return new

    def mark_seen(self) -> None:
        """Forget everything received so far (settle then reports only later events)."""
        self._seen.update(e["eventID"] for e in self.events())


def created(events: list[dict[str, Any]]) -> list[Created]:
    """Every resource the triggers of ``events`` rendered, in order."""
    found = []
    for event in events:
        for trigger in event["triggers"]:
            if trigger["status"] != "created":
                continue
            params = {p["name"]: p["value"] for p in trigger["params"]}
            for resource in trigger["resources"]:
                found.append(Created(event["eventID"], trigger["name"], params, resource["resource"]))
    return found


def trigger(event: dict[str, Any], name: str) -> dict[str, Any]:
    """One trigger's record in an event; a missing one is an error naming the trigger."""
    for record in event["triggers"]:
        if record["name"] == name:
            return dict(record)
    raise DemoError(f"event {event['eventID']} has no trigger {name!r}")
