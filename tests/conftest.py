"""Fixtures shared by every test package. Area fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.backends import CLUSTER_PORTS, LocalCluster, port_answers


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A real 3-primary Redis Cluster on 127.0.0.1:7101-7103, torn down after the session."""
    busy = [port for port in CLUSTER_PORTS if port_answers(port)]
    if busy:
        pytest.fail(f"cannot start the test Redis Cluster: ports {busy} are already in use")
    cluster = LocalCluster.start(tmp_path_factory.mktemp("redis-cluster"))
    try:
        yield cluster
    finally:
        cluster.stop_all()
