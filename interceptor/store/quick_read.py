"""One-shot synchronous reads of a context document, for ``interceptor context get`` in a Task step.

A CLI read runs once per process, so its wall time is mostly imports: ``redis.asyncio`` alone pulls
in asyncio, ssl and the cluster client. This reader answers the same question as the store's
``get`` with none of them: SQLite through :mod:`sqlite3` in read-only mode, Redis through a
minimal RESP2 exchange on a plain socket (``HELLO 2 [AUTH user pass]``, ``SELECT db``, ``GET
ctx:{<id>}:doc``; TLS for ``rediss://``; a Cluster's ``-MOVED``/``-ASK`` redirections followed).
Keys (:mod:`~interceptor.store.keys`), decoding (:mod:`~interceptor.store.codec`) and error
classes and messages are the store's own, so callers cannot tell the two apart.

Where this reader cannot answer exactly as the store would, it raises :class:`Unsupported` and the
caller uses the store: a SQLite file or table that does not exist yet (the store creates them),
Redis URL options it does not implement (``ssl_ca_certs=`` and the like). It never writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from interceptor.errors import StoreUnavailable
from interceptor.store import codec
from interceptor.store.base import Document
from interceptor.store.keys import ContextKeys, check_id
from interceptor.store.ttl import idle_seconds

# sqlite3 and socket (with redis_link) are imported by the backend that needs them: each is a few ms.
from interceptor.store.url import (
    CLUSTER_SCHEMES,
    REDIS_SCHEMES,
    SQLITE_SCHEMES,
    redact_url,
    scheme_of,
    sqlite_path,
)

if TYPE_CHECKING:
    from interceptor.store.redis_link import RedisLink

BUSY_TIMEOUT_SECONDS = 20.0  # as the store: wait out a writer's checkpoint instead of failing


class Unsupported(Exception):
    """This reader (or the quick writer) cannot answer exactly as the store would; open the store instead."""


class QuickReader:
    """Reads documents from the store at one URL; validated on creation, connected per read."""

    def __init__(
        self, url: str, *, ttl_days: float | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._scheme = scheme_of(url)  # the same ConfigError as open_store, before any I/O
        self._display = redact_url(url)
        self._idle = idle_seconds(ttl_days)
        self._clock = clock
        self._path = sqlite_path(url) if self._scheme in SQLITE_SCHEMES else None
        self._link: RedisLink | None = None
        if self._scheme in REDIS_SCHEMES + CLUSTER_SCHEMES:
            from interceptor.store.redis_link import RedisLink

            self._link = RedisLink(url)

    def read(self, context_id: str) -> Document | None:
        """The stored document, ``None`` when there is none (or it expired).

        Raises :class:`StoreUnavailable` (the URL without its password, and the cause),
        :class:`CorruptDocument`, or :class:`Unsupported`.
        """
        raw = self._sqlite_get(context_id) if self._link is None else self._redis_get(self._link, context_id)
        return None if raw is None else codec.load_document(context_id, raw)

    # -- SQLite -----------------------------------------------------------------------------------

    def _sqlite_get(self, context_id: str) -> str | bytes | None:
        import sqlite3

        check_id(context_id)
        path = self._path
        if path is None or not path.is_file():
            raise Unsupported(f"{self._display}: no database file yet")
        try:
            conn = sqlite3.connect(
                _read_only_uri(path),
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
            )
            try:
                row = conn.execute(
                    "SELECT document, updated_at FROM contexts WHERE id = ?", (context_id,)
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            if str(exc).startswith("no such table"):
                raise Unsupported(f"{self._display}: no contexts table yet") from exc
            raise self._unavailable(exc) from exc
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:
                raise
            raise self._unavailable(exc) from exc
        if row is None or (self._idle is not None and row[1] < self._clock() - self._idle):
            return None
        value: str | bytes = row[0]
        return value

    # -- Redis ------------------------------------------------------------------------------------

    def _redis_get(self, link: RedisLink, context_id: str) -> bytes | None:
        key = ContextKeys.of(context_id).doc
        link.check()
        try:
            with link.reported(context_id):
                value = link.call("GET", key, key=key)
        finally:
            link.close()
        if value is not None and not isinstance(value, bytes):
            raise self._unavailable(RuntimeError(f"unexpected reply to GET: {value!r}"))
        return value

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        cause = str(exc) or type(exc).__name__
        return StoreUnavailable(f"store {self._display} unavailable: {cause}")


def read_document(
    url: str, context_id: str, *, ttl_days: float | None = None, clock: Callable[[], float] = time.time
) -> Document | None:
    """The document ``context_id`` in the store at ``url``, read once without asyncio or redis-py."""
    return QuickReader(url, ttl_days=ttl_days, clock=clock).read(context_id)


def _read_only_uri(path: Path) -> str:
    """A ``file:`` URI opening ``path`` read-only (``//x`` is ``/x``; a URI would read it as a host)."""
    absolute = str(path.absolute())
    return "file:" + quote("/" + absolute.lstrip("/")) + "?mode=ro"
