"""One-shot synchronous writes, for ``interceptor context set|lock|unlock`` in a Task step.

Like :mod:`~interceptor.store.quick_read`, this spares a one-shot process asyncio, its thread
executor and redis-py (whose import pulls ``redis.asyncio``), which are most of its wall time. It
does not re-implement the store's writes, it runs them: on SQLite the very transactions of
:mod:`~interceptor.store.sqlite_transactions`; on Redis and Redis Cluster the same Lua scripts with
the same keys, arguments, reply handling and retry loop (:mod:`~interceptor.store.redis_calls`)
over :mod:`~interceptor.store.redis_link`. So documents, history entries, fencing tokens and errors
are the store's, and a process using this writer and a replica using the store can write the same
context concurrently without losing an update.

Where only the store can answer exactly as itself (Redis URL options the link does not implement),
a call raises :class:`~interceptor.store.quick_read.Unsupported` before any I/O, and the caller
uses the store instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from interceptor.store import codec, redis_scripts
from interceptor.store.base import Change, Document, Lease, Mutation
from interceptor.store.keys import check_id
from interceptor.store.quick_read import Unsupported
from interceptor.store.ttl import check_ttl, idle_seconds, to_millis
from interceptor.store.url import SQLITE_SCHEMES, redact_url, scheme_of, sqlite_path

if TYPE_CHECKING:
    import sqlite3

    from interceptor.store.redis_calls import RunScript
    from interceptor.store.redis_link import RedisLink
    from interceptor.store.sqlite_transactions import Transactions

__all__ = ["QuickWriter", "Unsupported"]
T = TypeVar("T")


class QuickWriter:
    """The store's ``update``, ``lock`` and ``unlock`` for one URL, blocking, one connection per call."""

    def __init__(
        self, url: str, *, ttl_days: float | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        scheme = scheme_of(url)  # the same ConfigErrors as open_store, in its order, before any I/O
        self.url_for_display = redact_url(url)
        self._idle = idle_seconds(ttl_days)
        self._clock = clock
        self._path: Path | None = None
        self._redis: RedisLink | None = None
        if scheme in SQLITE_SCHEMES:
            self._path = sqlite_path(url)
        else:
            from interceptor.store.redis_link import RedisLink

            self._redis = RedisLink(url)

    def update(
        self,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        *,
        lock_token: int | None = None,
    ) -> Document:
        """As :meth:`~interceptor.store.base.ContextStore.update`: atomic, the document as stored."""
        if self._path is not None:
            check_id(context_id)
            text = self._on_sqlite(lambda tx, conn: tx.update(conn, context_id, mutate, change, lock_token))
            return codec.load_document(context_id, text)
        from interceptor.store.redis_calls import Pause, ReadDocument, update_steps

        link = self._link()
        try:
            steps = update_steps(
                context_id, mutate, change, lock_token, idle_ms=self._idle_ms, clock=self._clock
            )
            reply: Any = None
            while True:
                try:
                    step = steps.send(reply)
                except StopIteration as done:
                    return codec.load_document(context_id, done.value)
                if isinstance(step, Pause):
                    time.sleep(step.seconds)
                    reply = None
                    continue
                with link.reported(context_id):
                    if isinstance(step, ReadDocument):
                        reply = link.call("GET", step.key, key=step.key)
                    else:
                        reply = _run_script(link, redis_scripts.UPDATE, step)
        finally:
            link.close()

    def lock(self, context_id: str, ttl_seconds: float) -> Lease:
        """As :meth:`~interceptor.store.base.ContextStore.lock`."""
        if self._path is not None:
            check_id(context_id)
            ttl = check_ttl(ttl_seconds, "lock ttl")
            return self._on_sqlite(lambda tx, conn: tx.lock(conn, context_id, ttl))
        import os

        from interceptor.store.redis_calls import lock_call, lock_outcome

        link = self._link()
        try:
            call = lock_call(
                context_id, ttl_seconds, idle_ms=self._idle_ms, clock=self._clock, nonce=os.urandom(16).hex()
            )
            with link.reported(context_id):
                result = _run_script(link, redis_scripts.LOCK, call)
        finally:
            link.close()
        return lock_outcome(context_id, result)

    def unlock(self, context_id: str, token: int) -> bool:
        """As :meth:`~interceptor.store.base.ContextStore.unlock`."""
        if self._path is not None:
            check_id(context_id)
            return self._on_sqlite(lambda tx, conn: tx.unlock(conn, context_id, token))
        from interceptor.store.redis_calls import unlock_call

        link = self._link()
        try:
            call = unlock_call(context_id, token)
            with link.reported(context_id):
                released = _run_script(link, redis_scripts.UNLOCK, call)
        finally:
            link.close()
        return int(released) == 1

    @property
    def _idle_ms(self) -> int:
        return to_millis(self._idle) if self._idle else 0

    def _link(self) -> RedisLink:
        """The Redis link, checked before any I/O; each call closes it when done."""
        assert self._redis is not None
        self._redis.check()
        return self._redis

    def _on_sqlite(self, body: Callable[[Transactions, sqlite3.Connection], T]) -> T:
        """``body`` on a fresh connection (the file and schema created as the store creates them)."""
        from interceptor.store.sqlite_transactions import Transactions, connect, reported

        assert self._path is not None
        with reported(self.url_for_display):
            conn = connect(self._path, self.url_for_display)
            try:
                return body(Transactions(self._idle, self._clock), conn)
            finally:
                conn.close()


def _run_script(link: RedisLink, script: str, call: RunScript) -> Any:
    """``EVALSHA`` by the script's SHA-1 (as redis-py's registered scripts), ``EVAL`` on ``NOSCRIPT``."""
    from interceptor.store.redis_calls import sha1_hex
    from interceptor.store.redis_wire import ServerError

    arguments = (len(call.keys), *call.keys, *call.args)
    sha = sha1_hex(script.encode("utf-8"))
    try:
        return link.call("EVALSHA", sha, *arguments, key=call.keys[0])
    except ServerError as exc:
        if exc.code != "NOSCRIPT":
            raise
    return link.call("EVAL", script, *arguments, key=call.keys[0])
