"""What happened to each event: the record behind ``GET /emulator/events``.

An :class:`EventRecord` holds one :class:`TriggerResult` per trigger (and one per trigger group);
``done`` is set once every background task of the event has finished, so tests and scripts can
wait for the outcome instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from interceptor.emulator.chain import Step


@dataclass
class TriggerResult:
    """``status``: pending, created, stopped (continue false), error, or passed (a group)."""

    name: str
    namespace: str
    trigger_id: str
    kind: str = "trigger"  # or "triggerGroup"
    group: str = ""
    status: str = "pending"
    steps: list[Step] = field(default_factory=list)
    stop: dict[str, Any] | None = None
    error: str = ""
    form_converted: bool = False
    params: list[dict[str, str]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "namespace": self.namespace,
            "triggerId": self.trigger_id,
            "kind": self.kind,
            "group": self.group,
            "status": self.status,
            "formConverted": self.form_converted,
            "interceptors": [step.to_json() for step in self.steps],
            "stop": self.stop,
            "error": self.error,
            "params": self.params,
            "resources": self.resources,
            "files": self.files,
            "warnings": self.warnings,
        }


@dataclass
class EventRecord:
    event_id: str
    method: str
    event_url: str
    received_at: float
    results: list[TriggerResult] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    pending: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "eventID": self.event_id,
            "method": self.method,
            "eventURL": self.event_url,
            "receivedAt": self.received_at,
            "done": self.done.is_set(),
            "triggers": [r.to_json() for r in self.results if r.kind == "trigger"],
            "triggerGroups": [r.to_json() for r in self.results if r.kind == "triggerGroup"],
        }


class EventLog:
    """The last ``limit`` events, oldest evicted first."""

    def __init__(self, limit: int = 500) -> None:
        self._events: OrderedDict[str, EventRecord] = OrderedDict()
        self._limit = limit

    def add(self, record: EventRecord) -> None:
        self._events[record.event_id] = record
        while len(self._events) > self._limit:
            self._events.popitem(last=False)

    def get(self, event_id: str) -> EventRecord | None:
        return self._events.get(event_id)

    def all(self) -> list[EventRecord]:
        return list(self._events.values())

    async def wait_all(self) -> None:
        """Until every recorded event has finished processing."""
        for record in list(self._events.values()):
            await record.done.wait()
