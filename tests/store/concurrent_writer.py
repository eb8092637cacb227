"""The body of one writer process in the concurrency test (imported by ``spawn`` children)."""

from __future__ import annotations

import asyncio

from interceptor.store import open_store
from interceptor.store.base import Change, Document, Mutation


def write_many(url: str, context_id: str, worker: int, count: int) -> int:
    """Open a store of its own and write ``count`` distinct paths under ``w<worker>``."""
    return asyncio.run(_write_many(url, context_id, worker, count))


async def _write_many(url: str, context_id: str, worker: int, count: int) -> int:
    store = open_store(url)
    try:
        for index in range(count):

            def mutate(document: Document, index: int = index) -> Mutation:
                document.setdefault(f"w{worker}", {})[f"i{index}"] = index
                return Mutation(document, [f"w{worker}.i{index}"])

            await store.update(context_id, mutate, Change(actor=f"worker-{worker}", source="test", paths=[]))
    finally:
        await store.close()
    return count
