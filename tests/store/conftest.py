"""Every store test runs against all three backends: a SQLite file, the shared Redis on :6379, and a
real 3-node Redis Cluster started here on 127.0.0.1:7101-7103 (session-scoped, marked ``cluster``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from redis.cluster import ClusterNode, RedisCluster

from interceptor.store.base import ContextStore
from tests.store.backends import (
    BACKENDS,
    CLUSTER_PORTS,
    SHARED_REDIS_URL,
    Backend,
    FakeClock,
)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    kind: str = request.param
    if kind == "sqlite":
        db_path = tmp_path / "state" / "contexts.db"
        made = Backend(kind, f"sqlite:///{db_path}", prefix, FakeClock(), db_path=db_path)
    elif kind == "redis":
        made = Backend(kind, SHARED_REDIS_URL, prefix, time.time, raw=redis.Redis.from_url(SHARED_REDIS_URL))
    else:
        url = request.getfixturevalue("redis_cluster").url
        raw = RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", port) for port in CLUSTER_PORTS])
        made = Backend(kind, url, prefix, time.time, raw=raw)
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[ContextStore]:
    """A store on the backend with no idle expiry; closed after the test."""
    opened = backend.open()
    try:
        yield opened
    finally:
        await opened.close()
