"""The backends under test, a fake clock, and helpers to run throwaway redis-server processes.

The shared Redis is never flushed: each test gets a unique id prefix and deletes its own keys.
SQLite runs on a fake clock, so expiry there is instant and exact; Redis expires keys on its own
clock, so :meth:`Backend.elapse` really sleeps for it (only short TTLs are used).
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from redis.cluster import RedisCluster

from interceptor.store import open_store
from interceptor.store.base import Change, ContextStore
from interceptor.store.keys import ContextKeys, encode_tag

SHARED_REDIS_URL = "redis://127.0.0.1:6379/0"
CLUSTER_PORTS = (7101, 7102, 7103)
CLUSTER_URL = "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in CLUSTER_PORTS)
CHANGE = Change(actor="alice", source="test", paths=[])


class FakeClock:
    """An injectable clock that moves only when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


RawClient = redis.Redis | RedisCluster


@dataclass
class Backend:
    """One backend under test: how to open it, reach its raw storage, and let time pass."""

    kind: str
    url: str
    prefix: str
    clock: Callable[[], float]
    db_path: Path | None = None
    raw: RawClient | None = None
    opened: list[ContextStore] = field(default_factory=list)

    @property
    def is_redis(self) -> bool:
        return self.kind != "sqlite"

    def new_id(self, label: str = "ctx") -> str:
        return f"{self.prefix}{label}-{uuid.uuid4().hex[:8]}"

    def open(self, ttl_days: float | None = None) -> ContextStore:
        store = open_store(self.url, ttl_days=ttl_days, clock=self.clock)
        self.opened.append(store)
        return store

    async def elapse(self, seconds: float) -> None:
        if isinstance(self.clock, FakeClock):
            self.clock.advance(seconds)
        else:
            await asyncio.sleep(seconds)

    def raw_document(self, context_id: str) -> bytes | None:
        if self.raw is not None:
            value = self.raw.get(ContextKeys.of(context_id).doc)
            return None if value is None else bytes(value)  # type: ignore[arg-type]
        with closing(self._sqlite()) as conn:
            row = conn.execute(
                "SELECT CAST(document AS BLOB) FROM contexts WHERE id = ?", (context_id,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def write_raw_document(self, context_id: str, value: bytes) -> None:
        """Store ``value`` as the document, bypassing the store (to simulate corruption)."""
        if self.raw is not None:
            self.raw.set(ContextKeys.of(context_id).doc, value)
            return
        with closing(self._sqlite()) as conn:
            conn.execute(
                "INSERT INTO contexts (id, document, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET document = excluded.document",
                (context_id, value, self.clock()),
            )

    def _sqlite(self) -> sqlite3.Connection:
        assert self.db_path is not None
        return sqlite3.connect(self.db_path, isolation_level=None)

    def cleanup(self) -> None:
        if self.raw is None:
            return
        tag = encode_tag(self.prefix)
        for pattern in (f"ctx:{{{tag}*", f"rec:{{{tag}*"):
            for key in list(self.raw.scan_iter(match=pattern, count=1000)):
                self.raw.delete(key)
        self.raw.close()


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def start_redis_server(port: int, workdir: Path, *extra: str) -> subprocess.Popen[bytes]:
    """A redis-server on 127.0.0.1:``port`` with its files in ``workdir``; returns once it answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(workdir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(workdir / "redis.log"),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: port_answers(port) or process.poll() is not None, f"redis-server on port {port}")
    if process.poll() is not None:
        raise RuntimeError(f"redis-server on port {port} exited; see {workdir / 'redis.log'}")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cluster_ok(port: int) -> bool:
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "cluster", "info"], capture_output=True, text=True, check=False
    ).stdout
    return "cluster_state:ok" in info


@dataclass
class LocalCluster:
    """A 3-primary Redis Cluster of local redis-server processes (no persistence, no replicas)."""

    root: Path
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    url: str = CLUSTER_URL

    def start_node(self, port: int) -> None:
        # The node keeps its identity and slots in nodes.conf, so a restarted node rejoins.
        self.processes[port] = start_redis_server(
            port,
            self.root / str(port),
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
        )

    def stop_node(self, port: int) -> None:
        stop(self.processes.pop(port))

    def wait_until_ok(self) -> None:
        wait_for(lambda: all(cluster_ok(port) for port in CLUSTER_PORTS), "cluster_state:ok")

    @classmethod
    def start(cls, root: Path) -> LocalCluster:
        cluster = cls(root)
        try:
            for port in CLUSTER_PORTS:
                cluster.start_node(port)
            nodes = [f"127.0.0.1:{port}" for port in CLUSTER_PORTS]
            subprocess.run(
                ["redis-cli", "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
                capture_output=True,
                check=True,
                timeout=30,
            )
            cluster.wait_until_ok()
        except BaseException:
            cluster.stop_all()
            raise
        return cluster

    def stop_all(self) -> None:
        for port in list(self.processes):
            self.stop_node(port)


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("redis", id="redis"),
    pytest.param("cluster", id="cluster", marks=pytest.mark.cluster),
]
# Narrow a test to some backends (for checks that need Redis key types or the fake clock).
redis_only = pytest.mark.parametrize("backend", BACKENDS[1:], indirect=True)
sqlite_only = pytest.mark.parametrize("backend", BACKENDS[:1], indirect=True)
