"""What running an event's handlers produced: one :class:`HandlerResult` per block.

The JSON shape is the public contract of ``extensions.event.handlers`` and of ``event handle``'s
output: ``{"type", "block", "status": "ok|skipped|failed", "detail"}``. ``optional`` is kept on the
object (it decides the CLI's exit code) but is not part of that shape; an optional block's failure
says so in its ``detail``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "skipped", "failed"]
OK: Status = "ok"
SKIPPED: Status = "skipped"
FAILED: Status = "failed"


@dataclass
class HandlerResult:
    type: str
    block: str
    status: Status
    detail: str = ""
    optional: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "block": self.block, "status": self.status, "detail": self.detail}

    def line(self) -> str:
        """One line for the CLI: ``notify/default: ok - sent (HTTP 200)``."""
        name = f"{self.type}/{self.block}" if self.block else self.type
        suffix = f" - {self.detail}" if self.detail else ""
        return f"{name}: {self.status}{suffix}"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandlerResult:
        return cls(str(data["type"]), str(data["block"]), data["status"], str(data.get("detail", "")))


@dataclass
class EventResult:
    """The outcome of one event. ``document`` is the document after the run (as stored when
    persisted); ``paths`` the dotted paths the run wrote."""

    context_id: str
    pipeline: str
    event: str
    handlers: list[HandlerResult] = field(default_factory=list)
    document: dict[str, Any] | None = None
    paths: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a block failed that is not ``optional: true``."""
        return any(h.status == FAILED and not h.optional for h in self.handlers)

    def to_json(self) -> dict[str, Any]:
        return {
            "contextId": self.context_id,
            "pipeline": self.pipeline,
            "event": self.event,
            "handlers": [h.to_json() for h in self.handlers],
        }
