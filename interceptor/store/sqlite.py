"""The embedded store: one SQLite file, safe to share between processes on one machine.

All SQLite calls of a store run on one worker thread, so the event loop never blocks and the
connection is never used from two threads. The SQL itself, and how concurrent writers are kept
apart (WAL, ``BEGIN IMMEDIATE``, ``busy_timeout``), is in :mod:`interceptor.store.sqlite_transactions`,
which the one-shot CLI writer runs too. ``synchronous=NORMAL`` survives process crashes; a power
cut may lose the last commits.

Idle expiry (``ttl_days``) is checked against ``updated_at`` on every read; expired contexts are
purged lazily by the next write. The fencing counter lives in ``leases.last_token`` and survives
unlock, expiry and delete (it is dropped a week after its context is gone).
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from interceptor.errors import AlreadyExists, NotFound
from interceptor.store import codec
from interceptor.store.base import Change, Document, HistoryEntry, Lease, Mutation
from interceptor.store.keys import check_id
from interceptor.store.sqlite_transactions import (
    Transactions,
    append_history,
    connect,
    immediate,
    remove,
    reported,
)
from interceptor.store.ttl import check_ttl

T = TypeVar("T")


class SqliteStore:
    """:class:`~interceptor.store.base.ContextStore` on a SQLite file."""

    def __init__(
        self, path: Path, *, url_for_display: str, idle_seconds: float | None, clock: Callable[[], float]
    ) -> None:
        self.url_for_display = url_for_display
        self._path = path
        self._idle = idle_seconds
        self._clock = clock
        self._tx = Transactions(idle_seconds, clock)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._conn: sqlite3.Connection | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self._call, fn, *args))

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        with reported(self.url_for_display):
            return fn(self._connection(), *args)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self._path, self.url_for_display)
        return self._conn

    # -- contexts ---------------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._run(lambda conn: conn.execute("SELECT 1").fetchone())

    async def get(self, context_id: str) -> Document | None:
        check_id(context_id)
        text = await self._run(self._tx.document_text, context_id, self._clock())
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
            self._tx.purge(conn, now)
            if not force and self._tx.document_text(conn, context_id, now) is not None:
                raise AlreadyExists(f"context {context_id} already exists")
            conn.execute(
                "INSERT INTO contexts (id, document, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET document = excluded.document, updated_at = excluded.updated_at",
                (context_id, text, now),
            )
            append_history(conn, context_id, codec.creation_entry(now, change))

    async def update(
        self,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        *,
        lock_token: int | None = None,
    ) -> Document:
        check_id(context_id)
        text = await self._run(self._tx.update, context_id, mutate, change, lock_token)
        return codec.load_document(context_id, text)

    async def delete(self, context_id: str) -> bool:
        check_id(context_id)
        return await self._run(self._delete, context_id)

    def _delete(self, conn: sqlite3.Connection, context_id: str) -> bool:
        now = self._clock()
        with immediate(conn):
            self._tx.purge(conn, now)
            return remove(conn, context_id, now)

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
            if self._tx.document_text(conn, context_id, self._clock()) is None:
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
        return await self._run(self._tx.lock, context_id, ttl)

    async def unlock(self, context_id: str, token: int) -> bool:
        check_id(context_id)
        return await self._run(self._tx.unlock, context_id, token)

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
