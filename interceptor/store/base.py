"""The context store interface. One small async protocol, one module per backend.

A *context* is one JSON document (a dict) under an id, plus its append-only history and an optional
lease. Every write is an atomic read-modify-write: the backend reads the current document, calls
``mutate`` on a private copy, and stores the result only if nobody changed the document meanwhile
(Redis WATCH/MULTI with retry, SQLite ``BEGIN IMMEDIATE``). ``mutate`` must therefore be a pure
function of the document it is given: it may be called more than once.

Besides contexts, the store keeps small expiring records shared by all replicas: dedupe claims
(Slack retries, double clicks) and recorded event results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

Document = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """What one write did, for the history: who, from where, which paths.

    ``details`` is free JSON stored with the entry in the same atomic write (the event runner puts
    the event and its handlers' outcomes there, so a failed notification is part of the audit trail).
    """

    actor: str
    source: str
    paths: list[str]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    at: float  # unix seconds
    actor: str
    source: str
    paths: list[str]
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"at", "actor", "paths", "source"}``, plus ``"details"`` only when there are any."""
        entry: dict[str, Any] = {
            "at": self.at,
            "actor": self.actor,
            "paths": self.paths,
            "source": self.source,
        }
        if self.details:
            entry["details"] = self.details
        return entry


@dataclass(frozen=True)
class Lease:
    token: int  # fencing token: strictly increasing per context
    expires_at: float


@dataclass
class Mutation:
    """The result of a ``mutate`` callback: the new document and the paths it touched.

    ``paths=None`` leaves the history to the :class:`Change`'s paths; a list, even an empty one
    (a write that changed nothing, such as an event whose handlers wrote nothing), is recorded as is.
    """

    document: Document
    paths: list[str] | None = None


class ContextStore(Protocol):
    """Implemented by :mod:`interceptor.store.sqlite` and :mod:`interceptor.store.redis`."""

    url_for_display: str  # the URL without its password, for error messages

    async def ping(self) -> None:
        """Raise :class:`StoreUnavailable` when the backend does not answer."""

    async def get(self, context_id: str) -> Document | None:
        """The stored document, or ``None``. A corrupt value raises :class:`CorruptDocument`."""

    async def create(
        self, context_id: str, document: Document, change: Change, *, force: bool = False
    ) -> None:
        """Store a new document. An existing id raises :class:`AlreadyExists` unless ``force``."""

    async def update(
        self,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        *,
        lock_token: int | None = None,
    ) -> Document:
        """Atomically apply ``mutate`` to the current document and append a history entry.

        A missing id raises :class:`NotFound`. With ``lock_token``, the write is refused with
        :class:`Conflict` unless that token is the current, unexpired lease. If ``mutate`` raises,
        nothing is written. Returns the document as stored.
        """

    async def delete(self, context_id: str) -> bool:
        """Remove the document, its history and its lease. True when something was removed."""

    async def list_ids(self) -> list[str]:
        """Every stored context id, sorted."""

    async def history(self, context_id: str) -> list[HistoryEntry]:
        """The context's history, oldest first."""

    async def lock(self, context_id: str, ttl_seconds: float) -> Lease:
        """Take the lease. Raises :class:`Conflict` while another unexpired lease is held."""

    async def unlock(self, context_id: str, token: int) -> bool:
        """Release the lease if ``token`` still holds it."""

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        """Set-if-absent with a TTL, shared by replicas. True for the first claimer only."""

    async def put_record(self, key: str, value: Any, ttl_seconds: float) -> None:
        """Store a JSON value under ``key`` for ``ttl_seconds`` (event results)."""

    async def get_record(self, key: str) -> Any | None:
        """The JSON value stored by :meth:`put_record`, or ``None`` when absent or expired."""

    async def close(self) -> None:
        """Release connections."""
