"""The bodies of the writer processes in the concurrency tests (imported by ``spawn`` children).

Each worker writes ``count`` distinct paths ``w<worker>.i<index>`` of one context, either through a
store of its own (``write_many``) or through the one-shot writer, one call per write as separate
``interceptor context set`` processes would (``write_many_quick``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from interceptor.store import open_store
from interceptor.store.base import Change, Document, Mutation
from interceptor.store.quick_write import QuickWriter


def mutation(worker: int, index: int) -> Callable[[Document], Mutation]:
    def mutate(document: Document) -> Mutation:
        document.setdefault(f"w{worker}", {})[f"i{index}"] = index
        return Mutation(document, [f"w{worker}.i{index}"])

    return mutate


def change(worker: int) -> Change:
    return Change(actor=f"worker-{worker}", source="test", paths=[])


def write_many(url: str, context_id: str, worker: int, count: int) -> int:
    """Open a store of its own and write ``count`` distinct paths under ``w<worker>``."""
    return asyncio.run(_write_many(url, context_id, worker, count))


async def _write_many(url: str, context_id: str, worker: int, count: int) -> int:
    store = open_store(url)
    try:
        for index in range(count):
            await store.update(context_id, mutation(worker, index), change(worker))
    finally:
        await store.close()
    return count


def write_many_quick(url: str, context_id: str, worker: int, count: int) -> int:
    """The same writes through the one-shot writer (a connection per write), without asyncio."""
    writer = QuickWriter(url)
    for index in range(count):
        writer.update(context_id, mutation(worker, index), change(worker))
    return count
