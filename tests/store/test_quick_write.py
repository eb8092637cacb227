"""The one-shot writer is the store, without asyncio: the same sequence of ``set``s (every write form,
leases, errors) applied through the async store and through the writer, on two fresh contexts of
the same backend, leaves identical documents and histories and raises identical errors.

The writer is driven exactly as ``interceptor context set`` drives it: the mutate and history
change of :func:`~interceptor.context.operations.assignment_update` (what the async ``set_values``
uses too), given to the writer's ``update``; ``lock``/``unlock`` are the writer's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from interceptor.context.operations import assignment_update, set_values
from interceptor.context.paths import parse_assignment
from interceptor.errors import InterceptorError
from interceptor.store.base import Change, ContextStore, Document, Lease, Mutation
from interceptor.store.keys import ContextKeys
from interceptor.store.quick_write import QuickWriter
from tests.store.backends import CHANGE, Backend, start_redis_server, stop
from tests.store.test_outage import closed_port

SET_CHANGE = Change(actor="bob", source="cli:context set", paths=[])
INITIAL = {
    "state": {"appTag": "1.0", "scalar": "x", "tags": ["a"], "none": None, "list": [1]},
    "variables": {},
}
SHORT_TTL = 0.3  # seconds; Redis expires the lease for real, so keep it short
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@dataclass(frozen=True)
class Set:
    """``context set ID ARGS [--lock TOKEN]``; ``lock`` is an int, or ``"held"`` for the last lease."""

    args: tuple[str, ...]
    lock: int | str | None = None


@dataclass(frozen=True)
class Lock:
    ttl: float = 60.0


@dataclass(frozen=True)
class Unlock:
    token: int | str = "held"


@dataclass(frozen=True)
class Elapse:
    seconds: float


Step = Set | Lock | Unlock | Elapse
S = Set  # keeps the tables readable

SEQUENCES: dict[str, list[Step]] = {
    "string": [S(("state.appTag=2.0",)), S(("state.appTag= spaced ",)), S(("state.empty=",))],
    "typed": [S(("state.n:=42", 'state.obj:={"k": [1, 2.5]}', "state.null:=null", "state.t:=true"))],
    "append": [S(("state.tags[]=b,c",)), S(('state.tags[]:=["d", 1]',)), S(("state.new[]=x",))],
    "union": [S(("state.tags{}=a,b,a,c",)), S(('state.tags{}:=["c", {"k": 1}, {"k": 1}]',))],
    "clear": [S(("state.tags[]=[]",)), S(("state.tags{}=[]",)), S(("state.fresh[]=[]",))],
    "files": [
        S(("state.j=file://{tmp}/v.json", "state.y=file://{tmp}/v.yaml", "state.t=file://{tmp}/v.txt"))
    ],
    "nested-creation": [S(("new.deep.er=x",)), S(("state.none.x=1",)), S(("new.deep.other:=[1]",))],
    "several-at-once": [S(("state.a=1", "state.b:=2", "state.a=3", "state.tags[]=z"))],
    "below-a-scalar": [S(("state.ok=1",)), S(("state.scalar.x=1",)), S(("state.list.x=1",))],
    "append-to-a-scalar": [S(("state.scalar[]=a",)), S(("state.after=1",))],
    "lock-accepted": [Lock(), S(("state.a=1",), "held"), S(("state.b=1",)), Unlock(), S(("state.c=1",), 1)],
    "lock-refused": [
        Lock(),
        S(("state.a=1",), 7),
        S(("state.a=1",), 0),
        Lock(),
        Unlock(1),
        Unlock(2),
        Lock(),
        S(("state.a=1",), 1),
        S(("state.a=1",), 2),
    ],
    "lock-expired": [Lock(SHORT_TTL), Elapse(SHORT_TTL + 0.4), S(("state.a=1",), "held"), Unlock()],
    "lock-without-lease": [S(("state.a=1",), 1)],
}


def _outcome(action: Any, context_id: str) -> object:
    """The value an action returns, or its error's class and message (with the id and times masked)."""
    try:
        return action()
    except InterceptorError as exc:
        return type(exc).__name__, ISO.sub("<time>", str(exc).replace(context_id, "<id>"))


async def _async_outcome(action: Any, context_id: str) -> object:
    try:
        return await action()
    except InterceptorError as exc:
        return type(exc).__name__, ISO.sub("<time>", str(exc).replace(context_id, "<id>"))


def _assignments(args: tuple[str, ...], tmp: Path) -> list[Any]:
    parsed = [parse_assignment(arg.replace("{tmp}", str(tmp))) for arg in args]
    return [item for item in parsed if item is not None]


def quick_set(writer: QuickWriter, context_id: str, assignments: list[Any], lock: int | None) -> object:
    """What ``interceptor context set`` does on the quick path."""
    mutate, change = assignment_update(assignments, SET_CHANGE)
    return writer.update(context_id, mutate, change, lock_token=lock)


class Runner:
    """Applies steps to one context through the store (``quick=False``) or the writer."""

    def __init__(self, backend: Backend, store: ContextStore, context_id: str, *, quick: bool) -> None:
        self.store, self.context_id, self.quick, self.clock = store, context_id, quick, backend.clock
        self.writer = QuickWriter(backend.url, clock=backend.clock)
        self.token = 0

    async def apply(self, step: Step, tmp: Path) -> object:
        cid = self.context_id
        if isinstance(step, Set):
            assignments = _assignments(step.args, tmp)
            token = self.token if step.lock == "held" else step.lock
            assert token is None or isinstance(token, int)
            if self.quick:
                return _outcome(lambda: quick_set(self.writer, cid, assignments, token), cid)
            return await _async_outcome(
                lambda: set_values(self.store, cid, assignments, SET_CHANGE, lock_token=token), cid
            )
        if isinstance(step, Lock):
            if self.quick:
                lease = _outcome(lambda: self.writer.lock(cid, step.ttl), cid)
            else:
                lease = await _async_outcome(lambda: self.store.lock(cid, step.ttl), cid)
            if not isinstance(lease, Lease):
                return lease
            self.token = lease.token
            return lease.token, round(lease.expires_at - self.clock())
        assert isinstance(step, Unlock)
        token = self.token if step.token == "held" else step.token
        assert isinstance(token, int)
        if self.quick:
            return _outcome(lambda: self.writer.unlock(cid, token), cid)
        return await _async_outcome(lambda: self.store.unlock(cid, token), cid)


async def _state(store: ContextStore, context_id: str) -> tuple[object, list[dict[str, Any]]]:
    history = [
        {k: v for k, v in entry.to_json().items() if k != "at"} for entry in await store.history(context_id)
    ]
    return await store.get(context_id), history


@pytest.mark.parametrize("name", list(SEQUENCES))
async def test_the_writer_and_the_store_leave_the_same_document_history_and_errors(
    backend: Backend, store: ContextStore, tmp_path: Path, name: str
) -> None:
    (tmp_path / "v.json").write_text('{"from": "json", "n": [1, 2]}')
    (tmp_path / "v.yaml").write_text("from: yaml\nwhen: 2021-11-02\nlist: [a, b]\n")
    (tmp_path / "v.txt").write_text("plain: text: not yaml: [")
    runners = []
    for quick in (False, True):
        context_id = backend.new_id("quick" if quick else "store")
        await store.create(context_id, INITIAL, CHANGE)
        runners.append(Runner(backend, store, context_id, quick=quick))
    outcomes: list[tuple[object, object]] = []
    for step in SEQUENCES[name]:
        if isinstance(step, Elapse):
            await backend.elapse(step.seconds)
            continue
        outcomes.append((await runners[0].apply(step, tmp_path), await runners[1].apply(step, tmp_path)))
    for from_store, from_writer in outcomes:
        assert from_writer == from_store
    assert await _state(store, runners[1].context_id) == await _state(store, runners[0].context_id)
    assert any(isinstance(a, dict) for a, _ in outcomes) or name.startswith("lock")  # something was written


EXPECTED_ERRORS = {
    "below-a-scalar": ["InvalidInput", "InvalidInput"],
    "append-to-a-scalar": ["InvalidInput"],
    "lock-accepted": ["Conflict"],
    "lock-refused": ["Conflict"] * 4,
    "lock-expired": ["Conflict"],
    "lock-without-lease": ["Conflict"],
}


@pytest.mark.parametrize("name", list(EXPECTED_ERRORS))
async def test_the_refusals_are_the_stores_errors(
    backend: Backend, store: ContextStore, tmp_path: Path, name: str
) -> None:
    """The sequences above do fail where they should (so the comparison compares errors)."""
    context_id = backend.new_id()
    await store.create(context_id, INITIAL, CHANGE)
    runner = Runner(backend, store, context_id, quick=True)
    errors = []
    for step in SEQUENCES[name]:
        if isinstance(step, Elapse):
            await backend.elapse(step.seconds)
            continue
        outcome = await runner.apply(step, tmp_path)
        if isinstance(outcome, tuple) and isinstance(outcome[0], str):  # (class name, message)
            errors.append(outcome[0])
    assert errors == EXPECTED_ERRORS[name]


@pytest.mark.parametrize("backend", ["cluster"], indirect=True)
async def test_cluster_writes_follow_moved_from_every_startup_node(
    backend: Backend, store: ContextStore
) -> None:
    """Each id's slot is owned by one of three primaries; writing from any node must reach it."""
    ids = [backend.new_id(str(n)) for n in range(9)]
    for context_id in ids:
        await store.create(context_id, {}, CHANGE)
    ports = (7101, 7102, 7103)
    for port in ports:
        writer = QuickWriter(f"redis+cluster://127.0.0.1:{port}")

        def mark(document: Document, port: int = port) -> Mutation:
            return Mutation({**document, f"p{port}": True})

        for context_id in ids:
            writer.update(context_id, mark, CHANGE)
            assert writer.lock(context_id, 30).token == ports.index(port) + 1
            assert writer.unlock(context_id, ports.index(port) + 1)
    for context_id in ids:
        assert await store.get(context_id) == {f"p{port}": True for port in ports}


def test_a_server_without_the_script_is_sent_it_once(tmp_path: Path) -> None:
    """``EVALSHA`` first (as redis-py's registered scripts); on ``NOSCRIPT``, ``EVAL``, which also
    caches it, so the next write is an ``EVALSHA`` again. A throwaway server: scripts are per server."""
    port = closed_port()
    process = start_redis_server(port, tmp_path / "redis")
    try:
        raw = redis.Redis(port=port)
        keys = ContextKeys.of("ctx-1")
        raw.set(keys.doc, "{}")
        writer = QuickWriter(f"redis://127.0.0.1:{port}/0")
        for count in (1, 2):

            def replace(document: Document, count: int = count) -> Mutation:
                return Mutation({"n": count})

            writer.update("ctx-1", replace, CHANGE)
        stats = raw.info("commandstats")
        assert (stats["cmdstat_eval"]["calls"], stats["cmdstat_evalsha"]["calls"]) == (1, 2)
        assert stats["cmdstat_evalsha"]["failed_calls"] == 1  # the first one: NOSCRIPT
        assert raw.get(keys.doc) == b'{"n":2}'
        assert len(raw.lrange(keys.history, 0, -1)) == 2
        raw.close()
    finally:
        stop(process)


async def test_idle_expiry_is_the_stores(backend: Backend, store: ContextStore) -> None:
    """With ``ttl_days``, a write sets the same expiries on contexts created without (Redis), and an
    idle context is gone for both (SQLite, on the fake clock)."""
    ttl_store = backend.open(ttl_days=1)
    writer = QuickWriter(backend.url, ttl_days=1, clock=backend.clock)
    try:
        ids = [backend.new_id("store"), backend.new_id("quick")]
        for context_id in ids:
            await store.create(context_id, INITIAL, CHANGE)
        if backend.raw is not None:
            assert backend.raw.pttl(ContextKeys.of(ids[1]).doc) == -1  # persistent until written
            await set_values(ttl_store, ids[0], _assignments(("a=1",), Path()), SET_CHANGE)
            quick_set(writer, ids[1], _assignments(("a=1",), Path()), None)
            for context_id in ids:
                keys = ContextKeys.of(context_id)
                for key in (keys.doc, keys.history):
                    assert backend.raw.pttl(key) == pytest.approx(86_400_000, abs=60_000)
            return
        await backend.elapse(1.5 * 86_400)
        outcomes = [
            await _async_outcome(lambda: ttl_store.update(ids[0], lambda d: Mutation(d), CHANGE), ids[0]),
            _outcome(lambda: writer.update(ids[1], lambda d: Mutation(d), CHANGE), ids[1]),
        ]
        assert outcomes[0] == outcomes[1] == ("NotFound", "context <id> not found")
    finally:
        await ttl_store.close()
