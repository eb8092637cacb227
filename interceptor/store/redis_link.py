"""One-shot, blocking access to the Redis or Redis Cluster of a store URL, over
:mod:`~interceptor.store.redis_wire` (no asyncio, no redis-py): what the CLI's quick reader and
quick writer share.

It behaves as the store's redis-py clients do where a caller could tell: the URL is parsed as
redis-py parses it (and :class:`~interceptor.store.quick_read.Unsupported` is raised for the
options it does not implement), a standalone server's connection errors, timeouts and ``LOADING``
replies are retried twice with jittered backoff, a Cluster is reached through the first startup
node that answers and ``-MOVED``/``-ASK`` are followed, and failures are reported by
:meth:`RedisLink.reported` with the store's error classes and messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from interceptor.errors import ConfigError, CorruptDocument, StoreUnavailable
from interceptor.store.quick_read import Unsupported
from interceptor.store.redis_wire import Address, RedisWire, ServerError, WireError
from interceptor.store.url import CLUSTER_SCHEMES, cluster_address, redact_url, scheme_of

# The store's client retries connection errors twice with jittered exponential backoff.
CONNECT_ATTEMPTS = 3
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 0.5
MAX_REDIRECTIONS = 3
# Query options of a redis:// URL honoured here; any other one sends the caller to the store.
_KNOWN_OPTIONS = frozenset({"db", "username", "password"})


class RedisLink:
    """The Redis named by a ``redis[s]://`` or ``redis[s]+cluster://`` URL; connects on first use,
    keeps that connection for the next command, and must be :meth:`close`-d."""

    def __init__(self, url: str) -> None:
        self._display = redact_url(url)
        self._cluster = scheme_of(url) in CLUSTER_SCHEMES
        self._unsupported: str | None = None
        self._auth: tuple[str, str] | None = None
        self._db = 0
        self._wire: RedisWire | None = None
        if self._cluster:
            address = cluster_address(url)
            self._nodes = [Address(*node) for node in address.nodes]
            self._tls = address.tls
            try:
                self._auth = _auth_args(address.username, address.password)
            except Unsupported as exc:
                self._unsupported = str(exc)
        else:
            self._tls = scheme_of(url) == "rediss"
            self._nodes = []
            try:
                self._nodes, self._auth, self._db = _standalone(url, self._display)
            except Unsupported as exc:  # raised after any ConfigError: a bad URL fails here, first
                self._unsupported = str(exc)

    def check(self) -> None:
        """Raise :class:`Unsupported` when only the store can talk to this URL exactly as it does."""
        if self._unsupported is not None:
            raise Unsupported(self._unsupported)

    def call(self, *command: str | int, key: str) -> Any:
        """Send ``command`` (about ``key``) and return the reply; raises :class:`ServerError` or
        :class:`WireError` (see :meth:`reported`)."""
        self.check()
        return self._cluster_call(command, key) if self._cluster else self._standalone_call(command)

    def close(self) -> None:
        if self._wire is not None:
            wire, self._wire = self._wire, None
            wire.close()

    @contextmanager
    def reported(self, context_id: str) -> Iterator[None]:
        """Errors as the store reports them: a wrong-typed key is corruption, anything else an outage."""
        try:
            yield
        except ServerError as exc:
            if "WRONGTYPE" in str(exc):
                raise CorruptDocument(
                    f"context {context_id}: a stored key holds the wrong Redis type; it was left untouched"
                ) from exc
            raise self._unavailable(exc) from exc
        except WireError as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        cause = str(exc) or type(exc).__name__
        return StoreUnavailable(f"store {self._display} unavailable: {cause}")

    def _standalone_call(self, command: tuple[str | int, ...]) -> Any:
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                if self._wire is None:
                    self._wire = self._open(self._nodes[0], db=self._db)
                return self._wire.call(*command)
            except (WireError, ServerError) as exc:
                if not exc.retryable or attempt == CONNECT_ATTEMPTS - 1:
                    if isinstance(exc, WireError):
                        self.close()
                    raise
            self.close()
            import random  # only on this rare path

            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")

    def _cluster_call(self, command: tuple[str | int, ...], key: str) -> Any:
        """On the node last used (first: the first startup node that answers), following redirections;
        a ``-MOVED`` target is kept for the next command, which is about the same key's slot."""
        if self._wire is None:
            self._wire = self._connect_cluster()
        for _ in range(MAX_REDIRECTIONS):
            try:
                return self._wire.call(*command)
            except ServerError as exc:
                target = exc.redirection()
                if target is None:
                    raise
                address = target.resolve(self._wire.address)
                self.close()
                self._wire = self._open(address)
                if exc.code == "ASK":
                    self._wire.call("ASKING")
        raise WireError(f"too many cluster redirections for key {key}")

    def _connect_cluster(self) -> RedisWire:
        last: BaseException | None = None
        for node in self._nodes:
            try:
                return self._open(node)
            except (WireError, ServerError) as exc:
                last = exc
        raise WireError(
            f"Redis Cluster cannot be connected. Please provide at least one reachable node: {last}"
        )

    def _open(self, address: Address, *, db: int = 0) -> RedisWire:
        return RedisWire.open(address, tls=self._tls, auth=self._auth, db=db)


def _auth_args(username: str | None, password: str | None) -> tuple[str, str] | None:
    """``HELLO``'s AUTH arguments, as redis-py sends them (user ``default`` for a bare password)."""
    if password is None:
        if username is not None:
            raise Unsupported("a Redis user name without a password")
        return None
    return (username or "default", password)


def _standalone(url: str, display: str) -> tuple[list[Address], tuple[str, str] | None, int]:
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
    return [Address(host, port)], _auth_args(username, password), db
