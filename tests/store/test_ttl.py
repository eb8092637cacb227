"""Idle expiry (``ttl_days``): contexts nobody wrote for that long disappear."""

from __future__ import annotations

import pytest

from interceptor.errors import ConfigError, NotFound
from interceptor.store import open_store
from interceptor.store.base import ContextStore, Document, Mutation
from interceptor.store.keys import ContextKeys
from tests.store.backends import CHANGE, Backend, redis_only, sqlite_only

IDLE_SECONDS = 0.5
IDLE_DAYS = IDLE_SECONDS / 86_400


def touch(document: Document) -> Mutation:
    document["n"] = document.get("n", 0) + 1
    return Mutation(document, ["n"])


async def test_an_idle_context_expires_and_its_id_is_free_again(backend: Backend) -> None:
    store = backend.open(ttl_days=IDLE_DAYS)
    try:
        context_id = backend.new_id()
        await store.create(context_id, {"a": 1}, CHANGE)
        await backend.elapse(IDLE_SECONDS * 3)
        assert await store.get(context_id) is None
        assert context_id not in await store.list_ids()
        with pytest.raises(NotFound):
            await store.update(context_id, touch, CHANGE)
        await store.create(context_id, {"b": 2}, CHANGE)
        assert await store.get(context_id) == {"b": 2}
        assert len(await store.history(context_id)) == 1  # the old history went with the old document
    finally:
        await store.close()


@sqlite_only
async def test_each_write_restarts_the_idle_clock_sqlite(backend: Backend) -> None:
    store = backend.open(ttl_days=1)
    try:
        context_id = backend.new_id()
        await store.create(context_id, {}, CHANGE)
        await backend.elapse(0.8 * 86_400)
        await store.update(context_id, touch, CHANGE)
        await backend.elapse(0.8 * 86_400)
        assert await store.get(context_id) == {"n": 1}
        await backend.elapse(0.3 * 86_400)
        assert await store.get(context_id) is None
    finally:
        await store.close()


@redis_only
async def test_each_write_restarts_the_idle_clock_redis(backend: Backend) -> None:
    assert backend.raw is not None
    store = backend.open(ttl_days=1)
    try:
        context_id = backend.new_id()
        keys = ContextKeys.of(context_id)
        await store.create(context_id, {}, CHANGE)
        lease = await store.lock(context_id, 60)
        day_ms = 86_400_000
        for key in (keys.doc, keys.history, keys.fence):
            backend.raw.pexpire(key, 1000)
        await store.update(context_id, touch, CHANGE, lock_token=lease.token)
        for key in (keys.doc, keys.history, keys.fence):
            assert day_ms - 60_000 < backend.raw.pttl(key) <= day_ms, key
        assert 0 < backend.raw.pttl(keys.lease) <= 60_000  # the lease keeps its own, shorter life
    finally:
        await store.close()


@redis_only
async def test_without_ttl_days_nothing_expires_redis(backend: Backend, store: ContextStore) -> None:
    assert backend.raw is not None
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    await store.update(context_id, touch, CHANGE)
    keys = ContextKeys.of(context_id)
    assert [backend.raw.pttl(key) for key in (keys.doc, keys.history)] == [-1, -1]


@pytest.mark.parametrize("ttl_days", [0, -1, float("nan")])
def test_ttl_days_must_be_positive(ttl_days: float) -> None:
    with pytest.raises(ConfigError, match=r"store\.ttlDays: expected a positive number of days"):
        open_store("sqlite:///./unused.db", ttl_days=ttl_days)
