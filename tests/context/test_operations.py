"""Writes through ``store.update``: concurrent writers of different paths never lose updates."""

from __future__ import annotations

import asyncio

from interceptor.context.operations import require_document, set_values
from interceptor.context.paths import parse_assignment
from interceptor.store import open_store
from interceptor.store.base import Change
from tests.context.conftest import unique_id

WRITERS = 12


async def test_concurrent_writers_lose_nothing(store_url: str, cleanup_ids: list[str]) -> None:
    context_id = unique_id("race")
    cleanup_ids.append(context_id)
    # one store object per writer: like separate Task steps, each with its own connection
    stores = [open_store(store_url) for _ in range(WRITERS)]
    try:
        await stores[0].create(context_id, {"state": {}}, Change("t", "test", []))

        async def writer(index: int) -> None:
            assignments = [
                parse_assignment(f"state.w{index}={index}"),
                parse_assignment(f"state.all[]=w{index}"),
            ]
            change = Change(f"writer-{index}", "test", [])
            await set_values(stores[index], context_id, [a for a in assignments if a], change)

        await asyncio.gather(*(writer(i) for i in range(WRITERS)))
        document = await require_document(stores[0], context_id)
        history = await stores[0].history(context_id)
    finally:
        for store in stores:
            await store.close()
    assert {f"w{i}": str(i) for i in range(WRITERS)}.items() <= document["state"].items()
    assert sorted(document["state"]["all"]) == sorted(f"w{i}" for i in range(WRITERS))
    assert len(history) == WRITERS + 1
    assert sorted(entry.actor for entry in history[1:]) == sorted(f"writer-{i}" for i in range(WRITERS))
    assert all(entry.paths == [f"state.w{entry.actor.split('-')[1]}", "state.all"] for entry in history[1:])
