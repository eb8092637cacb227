"""No lost updates: 8 OS processes write 50 distinct paths each of one context, through stores of
their own, through the one-shot writer (as concurrent ``interceptor context set`` calls), or half
and half."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from interceptor.store.base import ContextStore
from tests.store.backends import CHANGE, Backend
from tests.store.concurrent_writer import write_many, write_many_quick

WORKERS = 8
WRITES = 50
MIXES = {
    "store": [write_many] * WORKERS,
    "quick": [write_many_quick] * WORKERS,
    "mixed": [write_many, write_many_quick] * (WORKERS // 2),
}


def run_writers(url: str, context_id: str, mix: str) -> list[int]:
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(body, url, context_id, worker, WRITES) for worker, body in enumerate(MIXES[mix])
        ]
        return [future.result() for future in futures]


@pytest.mark.parametrize("mix", list(MIXES))
async def test_concurrent_writers_in_separate_processes_lose_nothing(
    backend: Backend, store: ContextStore, mix: str
) -> None:
    context_id = backend.new_id("race")
    await store.create(context_id, {}, CHANGE)
    assert await asyncio.to_thread(run_writers, backend.url, context_id, mix) == [WRITES] * WORKERS
    document = await store.get(context_id)
    assert document == {f"w{w}": {f"i{i}": i for i in range(WRITES)} for w in range(WORKERS)}
    history = await store.history(context_id)
    assert len(history) == 1 + WORKERS * WRITES
    for worker in range(WORKERS):
        mine = [h.paths[0] for h in history if h.actor == f"worker-{worker}"]
        assert mine == [f"w{worker}.i{i}" for i in range(WRITES)]  # each writer's order is kept
