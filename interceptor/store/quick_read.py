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
from urllib.parse import parse_qs, quote, unquote, urlsplit

from interceptor.errors import ConfigError, CorruptDocument, StoreUnavailable
from interceptor.store import codec
from interceptor.store.base import Document
from interceptor.store.keys import ContextKeys, check_id
from interceptor.store.ttl import idle_seconds

if TYPE_CHECKING:
    from interceptor.store.redis_wire import Address, RedisWire

# sqlite3 and socket (with redis_wire) are imported by the backend that needs them: each is a few ms.
from interceptor.store.url import (
    CLUSTER_SCHEMES,
    REDIS_SCHEMES,
    SQLITE_SCHEMES,
    cluster_address,
    redact_url,
    scheme_of,
    sqlite_path,
)

BUSY_TIMEOUT_SECONDS = 20.0  # as the store: wait out a writer's checkpoint instead of failing
# The store's client retries connection errors twice with jittered exponential backoff.
CONNECT_ATTEMPTS = 3
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 0.5
MAX_REDIRECTIONS = 3
# Query options of a redis:// URL this reader honours; any other one sends the caller to the store.
_KNOWN_OPTIONS = frozenset({"db", "username", "password"})


class Unsupported(Exception):
    """This reader cannot answer exactly as the store would; open the store instead."""


class QuickReader:
    """Reads documents from the store at one URL; validated on creation, connected per read."""

    def __init__(
        self, url: str, *, ttl_days: float | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._scheme = scheme_of(url)  # the same ConfigError as open_store, before any I/O

        self._display = redact_url(url)
        self._idle = idle_seconds(ttl_days)
        self._clock = clock
        self._unsupported: str | None = None
        self._path = sqlite_path(url) if self._scheme in SQLITE_SCHEMES else None
        if self._scheme in CLUSTER_SCHEMES:
            address = cluster_address(url)
            self._nodes = list(address.nodes)
            self._tls = address.tls
            self._db = 0
            try:
                self._auth = _auth_args(address.username, address.password)
            except Unsupported as exc:
                self._unsupported = str(exc)
        elif self._scheme in REDIS_SCHEMES:
            self._tls = self._scheme == "rediss"
            try:
                self._nodes, self._auth, self._db = _standalone(url, self._display)
            except Unsupported as exc:
                self._unsupported = str(exc)

    def read(self, context_id: str) -> Document | None:
        """The stored document, ``None`` when there is none (or it expired).

        Raises :class:`StoreUnavailable` (the URL without its password, and the cause),
        :class:`CorruptDocument`, or :class:`Unsupported`.
        """
        if self._unsupported is not None:
            raise Unsupported(self._unsupported)
        raw: str | bytes | None
        if self._scheme in CLUSTER_SCHEMES:
            raw = self._redis_get(context_id, cluster=True)
        elif self._scheme in REDIS_SCHEMES:
            raw = self._redis_get(context_id, cluster=False)
        else:
            raw = self._sqlite_get(context_id)
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

    def _redis_get(self, context_id: str, *, cluster: bool) -> bytes | None:
        from interceptor.store.redis_wire import ServerError, WireError

        key = ContextKeys.of(context_id).doc
        try:
            return self._cluster_get(key) if cluster else self._standalone_get(key)
        except ServerError as exc:
            if "WRONGTYPE" in exc.text:
                raise CorruptDocument(
                    f"context {context_id}: a stored key holds the wrong Redis type; it was left untouched"
                ) from exc
            raise self._unavailable(exc) from exc
        except WireError as exc:
            raise self._unavailable(exc) from exc

    def _standalone_get(self, key: str) -> bytes | None:
        """``GET`` with the store client's retries: connection errors, timeouts and a loading server,
        twice more."""
        from interceptor.store.redis_wire import ServerError, WireError

        for attempt in range(CONNECT_ATTEMPTS):
            try:
                wire = self._open(self._nodes[0], select=self._db)
                try:
                    return wire.get(key)
                finally:
                    wire.close()
            except (WireError, ServerError) as exc:
                if not exc.retryable or attempt == CONNECT_ATTEMPTS - 1:
                    raise
            import random  # only on this rare path

            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")

    def _cluster_get(self, key: str) -> bytes | None:
        """``GET`` on the first startup node that answers, following ``-MOVED``/``-ASK`` to the owner."""
        from interceptor.store.redis_wire import ServerError, WireError

        wire = self._connect_cluster()
        try:
            for _ in range(MAX_REDIRECTIONS):
                try:
                    return wire.get(key)
                except ServerError as exc:
                    target = exc.redirection()
                    if target is None:
                        raise
                    wire.close()
                    wire = self._open(target.resolve(wire.address))
                    if exc.code == "ASK":
                        wire.call("ASKING")
            raise WireError(f"too many cluster redirections for key {key}")
        finally:
            wire.close()

    def _connect_cluster(self) -> RedisWire:
        from interceptor.store.redis_wire import ServerError, WireError

        last: BaseException | None = None
        for node in self._nodes:
            try:
                return self._open(node)
            except (WireError, ServerError) as exc:
                last = exc
        raise WireError(
            f"Redis Cluster cannot be connected. Please provide at least one reachable node: {last}"
        )

    def _open(self, address: Address | tuple[str, int], *, select: int = 0) -> RedisWire:
        from interceptor.store.redis_wire import Address, RedisWire

        return RedisWire.open(Address(*address), tls=self._tls, auth=self._auth, db=select)

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


def _auth_args(username: str | None, password: str | None) -> tuple[str, str] | None:
    """``HELLO``'s AUTH arguments, as redis-py sends them (user ``default`` for a bare password)."""
    if password is None:
        if username is not None:
            raise Unsupported("a Redis user name without a password")
        return None
    return (username or "default", password)


def _standalone(url: str, display: str) -> tuple[list[tuple[str, int]], tuple[str, str] | None, int]:
    """Host, credentials and db of a ``redis://``/``rediss://`` URL, parsed as redis-py parses it."""
    parts = urlsplit(url)
    options = {name: values[0] for name, values in parse_qs(parts.query).items() if values}
    try:
        port = parts.port or 6379
    except ValueError as exc:
        raise ConfigError(f"store.url {display!r}: {exc}") from exc
    db = 0
    if "db" in options:
        try:
            db = int(options["db"])
        except ValueError as exc:
            raise ConfigError(f"store.url {display!r}: Invalid value for 'db' in connection URL.") from exc
    elif unquote(parts.path).replace("/", "").isdigit():  # redis-py ignores a path that is no number
        db = int(unquote(parts.path).replace("/", ""))
    # As in redis-py: the user-info part wins over query options of the same name.
    username = unquote(parts.username) if parts.username else options.get("username")
    password = unquote(parts.password) if parts.password else options.get("password")
    host = unquote(parts.hostname) if parts.hostname else "localhost"
    if set(options) - _KNOWN_OPTIONS:
        raise Unsupported(f"{display}: URL options {sorted(set(options) - _KNOWN_OPTIONS)}")
    return [(host, port)], _auth_args(username, password), db
