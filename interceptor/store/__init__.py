"""The context store: :func:`open_store` picks the backend from the URL's scheme.

Backends are imported only when their scheme is used, so ``interceptor context get`` on a SQLite
file never loads redis-py. See :mod:`interceptor.store.base` for the interface.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from interceptor.store.base import ContextStore
from interceptor.store.ttl import idle_seconds
from interceptor.store.url import CLUSTER_SCHEMES, REDIS_SCHEMES, redact_url, scheme_of, sqlite_path

__all__ = ["ContextStore", "open_store", "redact_url"]


def open_store(
    url: str, *, ttl_days: float | None = None, clock: Callable[[], float] = time.time
) -> ContextStore:
    """The store at ``url``; nothing is connected until the first call.

    ``ttl_days`` expires contexts that were not written for that long (``None``: never).
    Raises :class:`~interceptor.errors.ConfigError` for an unsupported URL.
    """
    scheme = scheme_of(url)
    display = redact_url(url)
    idle = idle_seconds(ttl_days)
    if scheme in REDIS_SCHEMES:
        from interceptor.store.redis import open_redis

        return open_redis(url, url_for_display=display, idle_seconds=idle, clock=clock)
    if scheme in CLUSTER_SCHEMES:
        from interceptor.store.redis_cluster import open_redis_cluster

        return open_redis_cluster(url, url_for_display=display, idle_seconds=idle, clock=clock)
    from interceptor.store.sqlite import SqliteStore

    return SqliteStore(sqlite_path(url), url_for_display=display, idle_seconds=idle, clock=clock)
