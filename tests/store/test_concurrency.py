"""No lost updates: 8 OS processes, each with its own store, write 50 distinct paths of one context."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from interceptor.store.base import ContextStore
from tests.store.backends import CHANGE, Backend
from tests.store.concurrent_writer import write_many

WORKERS = 8
WRITES = 50


def run_writers(url: str, context_id: str) -> list[int]:
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(write_many, url, context_id, worker, WRITES) for worker in range(WORKERS)]
        return [future.result() for future in futures]


async def test_concurrent_writers_in_separate_processes_lose_nothing(
    backend: Backend, store: ContextStore
) -> None:
    context_id = backend.new_id("race")
    await store.create(context_id, {}, CHANGE)
    assert await asyncio.to_thread(run_writers, backend.url, context_id) == [WRITES] * WORKERS
    document = await store.get(context_id)
    assert document == {f"w{w}": {f"i{i}": i for i in range(WRITES)} for w in range(WORKERS)}
    history = await store.history(context_id)
    assert len(history) == 1 + WORKERS * WRITES
    for worker in range(WORKERS):
        mine = [h.paths[0] for h in history if h.actor == f"worker-{worker}"]
        assert mine == [f"w{worker}.i{i}" for i in range(WRITES)]  # each writer's order is kept
