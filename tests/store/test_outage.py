"""An unreachable store fails fast with StoreUnavailable naming the URL without its password, and a
store object recovers by itself once Redis is back."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from redis.cluster import ClusterNode, RedisCluster

from interceptor.errors import StoreUnavailable
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.store.keys import ContextKeys
from tests.store.backends import CHANGE, CLUSTER_PORTS, LocalCluster, start_redis_server, stop

Operation = Callable[[ContextStore], Awaitable[object]]
OPERATIONS = [
    pytest.param(lambda s: s.ping(), id="ping"),
    pytest.param(lambda s: s.get("ctx-1"), id="get"),
    pytest.param(lambda s: s.create("ctx-1", {}, CHANGE), id="create"),
    pytest.param(lambda s: s.list_ids(), id="list"),
    pytest.param(lambda s: s.claim("key-1", 5), id="claim"),
]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("redis://app:s3cret@127.0.0.1:{port}/0", "redis://app@127.0.0.1:{port}/0"),
        ("redis://127.0.0.1:{port}/2?password=s3cret", "redis://127.0.0.1:{port}/2"),
        ("redis+cluster://:s3cret@127.0.0.1:{port}", "redis+cluster://127.0.0.1:{port}"),
    ],
    ids=["redis", "redis-query-password", "cluster"],
)
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_closed_port_raises_store_unavailable_with_a_redacted_url(
    template: str, shown: str, operation: Operation
) -> None:
    port = closed_port()
    store = open_store(template.format(port=port))
    try:
        with pytest.raises(StoreUnavailable) as caught:
            await operation(store)
    finally:
        await store.close()
    message = str(caught.value)
    assert message.startswith(f"store {shown.format(port=port)} unavailable: ")
    assert "s3cret" not in message


async def test_an_unusable_sqlite_path_raises_store_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where a directory should be")
    url = f"sqlite:///{blocker}/contexts.db"
    store = open_store(url)
    try:
        with pytest.raises(StoreUnavailable, match=f"^store {url} unavailable: "):
            await store.get("ctx-1")
    finally:
        await store.close()


async def test_a_file_that_is_not_a_database_raises_store_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "contexts.db"
    path.write_bytes(b"this is not an SQLite database" * 100)
    store = open_store(f"sqlite:///{path}")
    try:
        with pytest.raises(StoreUnavailable, match="file is not a database"):
            await store.get("ctx-1")
    finally:
        await store.close()
    assert path.read_bytes().startswith(b"this is not an SQLite database")


@pytest.mark.fault
async def test_the_same_store_recovers_after_redis_restarts(tmp_path: Path) -> None:
    port = closed_port()
    server = start_redis_server(port, tmp_path / "redis")
    store = open_store(f"redis://127.0.0.1:{port}/0")
    try:
        await store.create("before", {"n": 1}, CHANGE)
        stop(server)
        with pytest.raises(StoreUnavailable, match=f"store redis://127.0.0.1:{port}/0 unavailable"):
            await store.get("before")
        server = start_redis_server(port, tmp_path / "redis")
        await store.create("after", {"n": 2}, CHANGE)  # scripts are reloaded on the fresh server
        assert await store.get("after") == {"n": 2}
        assert await store.list_ids() == ["after"]  # no persistence configured: "before" is gone
    finally:
        await store.close()
        stop(server)


@pytest.mark.fault
@pytest.mark.cluster
async def test_a_cluster_store_recovers_after_a_node_restarts(redis_cluster: LocalCluster) -> None:
    port = CLUSTER_PORTS[1]
    router = RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", CLUSTER_PORTS[0])])
    try:
        candidates = [f"restart-{uuid.uuid4().hex}" for _ in range(200)]
        on_node = {i: router.get_node_from_key(ContextKeys.of(i).doc).port for i in candidates}
    finally:
        router.close()
    there = next(i for i, node_port in on_node.items() if node_port == port)
    elsewhere = next(i for i, node_port in on_node.items() if node_port != port)
    store = open_store(redis_cluster.url)
    try:
        await store.create(there, {"n": 1}, CHANGE)
        await store.create(elsewhere, {"n": 1}, CHANGE)
        redis_cluster.stop_node(port)
        try:
            with pytest.raises(StoreUnavailable, match=f"store {re.escape(redis_cluster.url)} unavailable"):
                await store.get(there)
            assert await store.get(elsewhere) == {"n": 1}  # the other primaries keep serving
        finally:
            redis_cluster.start_node(port)
            redis_cluster.wait_until_ok()
        await store.create(there, {"n": 2}, CHANGE, force=True)  # the restarted node lost its data
        assert await store.get(there) == {"n": 2}
    finally:
        await store.delete(there)
        await store.delete(elsewhere)
        await store.close()
