"""The embedded store's SQL: opening the file, and the writes as synchronous transactions.

These are plain functions of a :class:`sqlite3.Connection`, free of asyncio, so that the async
:class:`~interceptor.store.sqlite.SqliteStore` (on its worker thread) and the one-shot CLI writer
(:mod:`interceptor.store.quick_write`) run the very same read-modify-write (``update``), ``lock``
and ``unlock``; the store's other operations are built from the same helpers. The file is in WAL
mode (readers never wait for the writer); every read-modify-write runs in ``BEGIN IMMEDIATE``,
which takes the write lock up front, so two processes can never interleave their read and write,
and ``busy_timeout`` makes the others wait their turn instead of failing.

Idle expiry is checked against ``updated_at`` on every read; expired contexts are purged lazily by
the next write. The fencing counter lives in ``leases.last_token`` and survives unlock, expiry and
delete (it is dropped a week after its context is gone).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from interceptor.errors import NotFound, StoreUnavailable
from interceptor.store import codec
from interceptor.store.base import Change, Document, HistoryEntry, Lease, Mutation
from interceptor.store.fencing import LeaseState, check_token, locked
from interceptor.store.ttl import FENCE_RETENTION_SECONDS

BUSY_TIMEOUT_SECONDS = 20.0
PURGE_BATCH = 100

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS contexts (id TEXT PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS contexts_by_updated_at ON contexts (updated_at)",
    "CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY AUTOINCREMENT, context_id TEXT NOT NULL,"
    " entry TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS history_by_context ON history (context_id, seq)",
    "CREATE TABLE IF NOT EXISTS leases (context_id TEXT PRIMARY KEY, last_token INTEGER NOT NULL,"
    " token INTEGER, expires_at REAL, released INTEGER NOT NULL DEFAULT 0, touched_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS records_by_expiry ON records (expires_at)",
    "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS claims_by_expiry ON claims (expires_at)",
)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction holding the database's write lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def unavailable(url_for_display: str, exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"store {url_for_display} unavailable: {exc}")


@contextmanager
def reported(url_for_display: str) -> Iterator[None]:
    """SQLite failures of the file itself (locked too long, unreadable, not a database) as
    :class:`StoreUnavailable`; integrity errors and the like are bugs and pass through."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise unavailable(url_for_display, exc) from exc
    except sqlite3.DatabaseError as exc:
        if type(exc) is not sqlite3.DatabaseError:
            raise
        raise unavailable(url_for_display, exc) from exc


def connect(path: Path, url_for_display: str) -> sqlite3.Connection:
    """Open (creating it and its directory if needed) the database, in WAL mode, with the schema.

    Raises :class:`StoreUnavailable` when the directory cannot be made; SQLite errors pass to the
    caller's :func:`reported`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unavailable(url_for_display, exc) from exc
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "PRAGMA synchronous=NORMAL"
        )  # survives process crashes; a power cut may lose the last commits
        with immediate(conn):
            for statement in SCHEMA:
                conn.execute(statement)
    except sqlite3.Error:
        conn.close()
        raise
    return conn


@dataclass(frozen=True)
class Transactions:
    """Each store operation as one transaction on a connection; ``idle`` seconds expire a context."""

    idle: float | None
    clock: Callable[[], float]

    def expired(self, updated_at: float, now: float) -> bool:
        return self.idle is not None and updated_at < now - self.idle

    def document_text(self, conn: sqlite3.Connection, context_id: str, now: float) -> str | bytes | None:
        """The stored text (bytes if someone stored a BLOB), or ``None`` when absent or expired."""
        row = conn.execute("SELECT document, updated_at FROM contexts WHERE id = ?", (context_id,)).fetchone()
        if row is None or self.expired(row[1], now):
            return None
        value: str | bytes = row[0]
        return value

    def purge(self, conn: sqlite3.Connection, now: float) -> None:
        """Drop idle-expired contexts and fencing counters nobody can still present."""
        if self.idle is not None:
            rows = conn.execute(
                "SELECT id FROM contexts WHERE updated_at < ? LIMIT ?", (now - self.idle, PURGE_BATCH)
            ).fetchall()
            for (context_id,) in rows:
                remove(conn, context_id, now)
        conn.execute(
            "DELETE FROM leases WHERE touched_at < ? AND context_id NOT IN (SELECT id FROM contexts)",
            (now - FENCE_RETENTION_SECONDS,),
        )

    def update(
        self,
        conn: sqlite3.Connection,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        lock_token: int | None,
    ) -> str:
        """Read, check the lease, mutate, write the document and its history entry; the new text."""
        now = self.clock()
        with immediate(conn):
            self.purge(conn, now)
            current = self.document_text(conn, context_id, now)
            if current is None:
                raise NotFound(f"context {context_id} not found")
            if lock_token is not None:
                lease, last_token = lease_row(conn, context_id, now)
                check_token(context_id, lock_token, lease, last_token)
            mutation = mutate(codec.load_document(context_id, current))
            text = codec.dump_document(context_id, mutation.document)
            conn.execute(
                "UPDATE contexts SET document = ?, updated_at = ? WHERE id = ?", (text, now, context_id)
            )
            append_history(conn, context_id, codec.update_entry(now, change, mutation))
        return text

    def lock(self, conn: sqlite3.Connection, context_id: str, ttl: float) -> Lease:
        now = self.clock()
        with immediate(conn):
            self.purge(conn, now)
            if self.document_text(conn, context_id, now) is None:
                raise NotFound(f"context {context_id} not found")
            lease, last_token = lease_row(conn, context_id, now)
            if lease is not None and not lease.released:
                raise locked(context_id, lease)
            token = last_token + 1
            conn.execute(
                "INSERT INTO leases (context_id, last_token, token, expires_at, released, touched_at)"
                " VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (context_id) DO UPDATE SET last_token = excluded.last_token,"
                " token = excluded.token, expires_at = excluded.expires_at, released = 0,"
                " touched_at = excluded.touched_at",
                (context_id, token, token, now + ttl, now),
            )
        return Lease(token=token, expires_at=now + ttl)

    def unlock(self, conn: sqlite3.Connection, context_id: str, token: int) -> bool:
        now = self.clock()
        with immediate(conn):
            lease, _ = lease_row(conn, context_id, now)
            if lease is None or lease.released or lease.token != token:
                return False
            conn.execute(
                "UPDATE leases SET released = 1, touched_at = ? WHERE context_id = ?", (now, context_id)
            )
            return True


def remove(conn: sqlite3.Connection, context_id: str, now: float) -> bool:
    """Delete the document and its history; keep the fencing counter, without a lease."""
    removed = conn.execute("DELETE FROM contexts WHERE id = ?", (context_id,)).rowcount
    removed += conn.execute("DELETE FROM history WHERE context_id = ?", (context_id,)).rowcount
    conn.execute(
        "UPDATE leases SET token = NULL, expires_at = NULL, released = 0, touched_at = ? WHERE context_id = ?",
        (now, context_id),
    )
    return removed > 0


def lease_row(conn: sqlite3.Connection, context_id: str, now: float) -> tuple[LeaseState | None, int]:
    """The unexpired lease (or ``None``) and the last token issued for the context."""
    row = conn.execute(
        "SELECT last_token, token, expires_at, released FROM leases WHERE context_id = ?", (context_id,)
    ).fetchone()
    if row is None:
        return None, 0
    last_token, token, expires_at, released = row
    if token is None or expires_at <= now:
        return None, last_token
    return LeaseState(token=token, expires_at=expires_at, released=bool(released)), last_token


def append_history(conn: sqlite3.Connection, context_id: str, entry: HistoryEntry) -> None:
    conn.execute(
        "INSERT INTO history (context_id, entry) VALUES (?, ?)", (context_id, codec.dump_history_entry(entry))
    )
