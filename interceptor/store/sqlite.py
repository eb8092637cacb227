"""The embedded store: one SQLite file, safe to share between processes on one machine.

All SQLite calls of a store run on one worker thread, so the event loop never blocks and the
connection is never used from two threads. The file is in WAL mode (readers never wait for the
writer); every read-modify-write runs in ``BEGIN IMMEDIATE``, which takes the write lock up front,
so two processes can never interleave their read and write, and ``busy_timeout`` makes the others
wait their turn instead of failing. ``synchronous=NORMAL`` survives process crashes; a power cut
may lose the last commits.

Idle expiry (``ttl_days``) is checked against ``updated_at`` on every read; expired contexts are
purged lazily by the next write. The fencing counter lives in ``leases.last_token`` and survives
unlock, expiry and delete (it is dropped a week after its context is gone).
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from interceptor.errors import AlreadyExists, NotFound, StoreUnavailable
from interceptor.store import codec
from interceptor.store.base import Change, Document, HistoryEntry, Lease, Mutation
from interceptor.store.fencing import LeaseState, check_token, locked
from interceptor.store.keys import check_id
from interceptor.store.ttl import FENCE_RETENTION_SECONDS, check_ttl

T = TypeVar("T")
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


class SqliteStore:
    """:class:`~interceptor.store.base.ContextStore` on a SQLite file."""

    def __init__(
        self, path: Path, *, url_for_display: str, idle_seconds: float | None, clock: Callable[[], float]
    ) -> None:
        self.url_for_display = url_for_display
        self._path = path
        self._idle = idle_seconds
        self._clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._conn: sqlite3.Connection | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self._call, fn, *args))

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(self._connection(), *args)
        except sqlite3.OperationalError as exc:
            raise self._unavailable(exc) from exc
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:  # IntegrityError & co. are bugs, not outages
                raise
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        return StoreUnavailable(f"store {self.url_for_display} unavailable: {exc}")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._unavailable(exc) from exc
            conn = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                with immediate(conn):
                    for statement in SCHEMA:
                        conn.execute(statement)
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _expired(self, updated_at: float, now: float) -> bool:
        return self._idle is not None and updated_at < now - self._idle

    def _purge_contexts(self, conn: sqlite3.Connection, now: float) -> None:
        """Drop idle-expired contexts and fencing counters nobody can still present."""
        if self._idle is not None:
            rows = conn.execute(
                "SELECT id FROM contexts WHERE updated_at < ? LIMIT ?", (now - self._idle, PURGE_BATCH)
            ).fetchall()
            for (context_id,) in rows:
                self._remove(conn, context_id, now)
        conn.execute(
            "DELETE FROM leases WHERE touched_at < ? AND context_id NOT IN (SELECT id FROM contexts)",
            (now - FENCE_RETENTION_SECONDS,),
        )

    def _remove(self, conn: sqlite3.Connection, context_id: str, now: float) -> bool:
        removed = conn.execute("DELETE FROM contexts WHERE id = ?", (context_id,)).rowcount
        removed += conn.execute("DELETE FROM history WHERE context_id = ?", (context_id,)).rowcount
        conn.execute(
            "UPDATE leases SET token = NULL, expires_at = NULL, released = 0, touched_at = ? WHERE context_id = ?",
            (now, context_id),
        )
        return removed > 0

    def _document_text(self, conn: sqlite3.Connection, context_id: str, now: float) -> str | bytes | None:
        """The stored text (bytes if someone stored a BLOB), or ``None`` when absent or expired."""
        row = conn.execute("SELECT document, updated_at FROM contexts WHERE id = ?", (context_id,)).fetchone()
        if row is None or self._expired(row[1], now):
            return None
        value: str | bytes = row[0]
        return value

    def _lease_row(
        self, conn: sqlite3.Connection, context_id: str, now: float
    ) -> tuple[LeaseState | None, int]:
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

    def _append_history(self, conn: sqlite3.Connection, context_id: str, entry: HistoryEntry) -> None:
        conn.execute(
            "INSERT INTO history (context_id, entry) VALUES (?, ?)",
            (context_id, codec.dump_history_entry(entry)),
        )

    # -- contexts ---------------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._run(lambda conn: conn.execute("SELECT 1").fetchone())

    async def get(self, context_id: str) -> Document | None:
        check_id(context_id)
        text = await self._run(self._document_text, context_id, self._clock())
        return None if text is None else codec.load_document(context_id, text)

    async def create(
        self, context_id: str, document: Document, change: Change, *, force: bool = False
    ) -> None:
        check_id(context_id)
        text = codec.dump_document(context_id, document)
        await self._run(self._create, context_id, text, change, force)

    def _create(
        self, conn: sqlite3.Connection, context_id: str, text: str, change: Change, force: bool
    ) -> None:
        now = self._clock()
        with immediate(conn):
            self._purge_contexts(conn, now)
            if not force and self._document_text(conn, context_id, now) is not None:
                raise AlreadyExists(f"context {context_id} already exists")
            conn.execute(
                "INSERT INTO contexts (id, document, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET document = excluded.document, updated_at = excluded.updated_at",
                (context_id, text, now),
            )
            self._append_history(conn, context_id, codec.creation_entry(now, change))

    async def update(
        self,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        *,
        lock_token: int | None = None,
    ) -> Document:
        check_id(context_id)
        text = await self._run(self._update, context_id, mutate, change, lock_token)
        return codec.load_document(context_id, text)

    def _update(
        self,
        conn: sqlite3.Connection,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        lock_token: int | None,
    ) -> str:
        now = self._clock()
        with immediate(conn):
            self._purge_contexts(conn, now)
            current = self._document_text(conn, context_id, now)
            if current is None:
                raise NotFound(f"context {context_id} not found")
            if lock_token is not None:
                lease, last_token = self._lease_row(conn, context_id, now)
                check_token(context_id, lock_token, lease, last_token)
            mutation = mutate(codec.load_document(context_id, current))
            text = codec.dump_document(context_id, mutation.document)
            conn.execute(
                "UPDATE contexts SET document = ?, updated_at = ? WHERE id = ?", (text, now, context_id)
            )
            self._append_history(conn, context_id, codec.update_entry(now, change, mutation))
        return text

    async def delete(self, context_id: str) -> bool:
        check_id(context_id)
        return await self._run(self._delete, context_id)

    def _delete(self, conn: sqlite3.Connection, context_id: str) -> bool:
        now = self._clock()
        with immediate(conn):
            self._purge_contexts(conn, now)
            return self._remove(conn, context_id, now)

    async def list_ids(self) -> list[str]:
        now = self._clock()
        cutoff = float("-inf") if self._idle is None else now - self._idle
        rows = await self._run(
            lambda conn: conn.execute("SELECT id FROM contexts WHERE updated_at >= ?", (cutoff,)).fetchall()
        )
        return sorted(str(row[0]) for row in rows)

    async def history(self, context_id: str) -> list[HistoryEntry]:
        check_id(context_id)
        rows = await self._run(self._history, context_id)
        return codec.load_history(context_id, rows)

    def _history(self, conn: sqlite3.Connection, context_id: str) -> list[str]:
        conn.execute("BEGIN")  # one snapshot for both reads
        try:
            if self._document_text(conn, context_id, self._clock()) is None:
                raise NotFound(f"context {context_id} not found")
            rows = conn.execute(
                "SELECT entry FROM history WHERE context_id = ? ORDER BY seq", (context_id,)
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        return [str(row[0]) for row in rows]

    # -- leases -----------------------------------------------------------------------------------

    async def lock(self, context_id: str, ttl_seconds: float) -> Lease:
        check_id(context_id)
        ttl = check_ttl(ttl_seconds, "lock ttl")
        return await self._run(self._lock, context_id, ttl)

    def _lock(self, conn: sqlite3.Connection, context_id: str, ttl: float) -> Lease:
        now = self._clock()
        with immediate(conn):
            self._purge_contexts(conn, now)
            if self._document_text(conn, context_id, now) is None:
                raise NotFound(f"context {context_id} not found")
            lease, last_token = self._lease_row(conn, context_id, now)
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

    async def unlock(self, context_id: str, token: int) -> bool:
        check_id(context_id)
        return await self._run(self._unlock, context_id, token)

    def _unlock(self, conn: sqlite3.Connection, context_id: str, token: int) -> bool:
        now = self._clock()
        with immediate(conn):
            lease, _ = self._lease_row(conn, context_id, now)
            if lease is None or lease.released or lease.token != token:
                return False
            conn.execute(
                "UPDATE leases SET released = 1, touched_at = ? WHERE context_id = ?", (now, context_id)
            )
            return True

    # -- records ----------------------------------------------------------------------------------

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        check_id(key, "claim key")
        ttl = check_ttl(ttl_seconds, "claim ttl")
        return await self._run(self._claim, key, ttl)

    def _claim(self, conn: sqlite3.Connection, key: str, ttl: float) -> bool:
        now = self._clock()
        with immediate(conn):
            conn.execute("DELETE FROM claims WHERE expires_at <= ?", (now,))
            inserted = conn.execute(
                "INSERT OR IGNORE INTO claims (key, expires_at) VALUES (?, ?)", (key, now + ttl)
            ).rowcount
        return inserted == 1

    async def put_record(self, key: str, value: Any, ttl_seconds: float) -> None:
        check_id(key, "record key")
        ttl = check_ttl(ttl_seconds, "record ttl")
        text = codec.dump_json(value, f"record {key}")
        await self._run(self._put_record, key, text, ttl)

    def _put_record(self, conn: sqlite3.Connection, key: str, text: str, ttl: float) -> None:
        now = self._clock()
        with immediate(conn):
            conn.execute("DELETE FROM records WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO records (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
                " SET value = excluded.value, expires_at = excluded.expires_at",
                (key, text, now + ttl),
            )

    async def get_record(self, key: str) -> Any | None:
        check_id(key, "record key")
        now = self._clock()
        row = await self._run(
            lambda conn: conn.execute(
                "SELECT value, expires_at FROM records WHERE key = ?", (key,)
            ).fetchone()
        )
        if row is None or row[1] <= now:
            return None
        return codec.load_record(key, row[0])

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await asyncio.get_running_loop().run_in_executor(self._executor, conn.close)
        self._executor.shutdown(wait=False)
