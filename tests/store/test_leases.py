"""Leases and fencing tokens on every backend."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest

from interceptor.errors import Conflict, InvalidInput
from interceptor.store.base import ContextStore, Document, Mutation
from tests.store.backends import CHANGE, Backend

SHORT_TTL = 0.3  # seconds; Redis expires it for real, so keep it short
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def touch(document: Document) -> Mutation:
    document["touched"] = document.get("touched", 0) + 1
    return Mutation(document, ["touched"])


async def new_context(backend: Backend, store: ContextStore) -> str:
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    return context_id


async def test_a_held_lease_refuses_a_second_lock_naming_expiry_and_token(
    backend: Backend, store: ContextStore
) -> None:
    context_id = await new_context(backend, store)
    lease = await store.lock(context_id, 60)
    assert lease.token == 1
    assert lease.expires_at == pytest.approx(backend.clock() + 60, abs=5)
    with pytest.raises(Conflict, match=rf"^context {context_id} is locked until {ISO} \(token 1\)$"):
        await store.lock(context_id, 60)


async def test_the_current_token_may_write(backend: Backend, store: ContextStore) -> None:
    context_id = await new_context(backend, store)
    lease = await store.lock(context_id, 60)
    assert await store.update(context_id, touch, CHANGE, lock_token=lease.token) == {"touched": 1}


async def test_writes_without_a_token_are_not_blocked_by_a_lease(
    backend: Backend, store: ContextStore
) -> None:
    """Leases are advisory: only writers that present a token are fenced."""
    context_id = await new_context(backend, store)
    await store.lock(context_id, 60)
    assert await store.update(context_id, touch, CHANGE) == {"touched": 1}


async def _superseded(backend: Backend, store: ContextStore, context_id: str) -> int:
    first = await store.lock(context_id, 60)
    await store.unlock(context_id, first.token)
    await store.lock(context_id, 60)
    return first.token


async def _released(backend: Backend, store: ContextStore, context_id: str) -> int:
    lease = await store.lock(context_id, 60)
    assert await store.unlock(context_id, lease.token) is True
    return lease.token


async def _expired(backend: Backend, store: ContextStore, context_id: str) -> int:
    lease = await store.lock(context_id, SHORT_TTL)
    await backend.elapse(SHORT_TTL * 3)
    return lease.token


async def _never_issued(backend: Backend, store: ContextStore, context_id: str) -> int:
    await store.lock(context_id, 60)
    return 99


@pytest.mark.parametrize(
    ("prepare", "expected"),
    [
        pytest.param(
            _superseded,
            r"lock token 1 on context {id} was superseded by token 2, locked until",
            id="superseded",
        ),
        pytest.param(_released, r"lock token 1 on context {id} was released$", id="released"),
        pytest.param(_expired, r"lock token 1 on context {id} has expired$", id="expired"),
        pytest.param(
            _never_issued, r"lock token 99 was never issued for context {id} \(last issued: 1\)", id="never"
        ),
    ],
)
async def test_a_stale_token_is_refused_saying_why_and_nothing_is_written(
    backend: Backend,
    store: ContextStore,
    prepare: Callable[[Backend, ContextStore, str], Awaitable[int]],
    expected: str,
) -> None:
    context_id = await new_context(backend, store)
    token = await prepare(backend, store, context_id)
    with pytest.raises(Conflict, match=expected.format(id=re.escape(context_id))):
        await store.update(context_id, touch, CHANGE, lock_token=token)
    assert await store.get(context_id) == {}
    assert len(await store.history(context_id)) == 1


async def test_tokens_only_increase_across_unlock_expiry_and_delete(
    backend: Backend, store: ContextStore
) -> None:
    context_id = await new_context(backend, store)
    tokens = [(await store.lock(context_id, 60)).token]
    assert await store.unlock(context_id, tokens[-1]) is True
    tokens.append((await store.lock(context_id, SHORT_TTL)).token)
    await backend.elapse(SHORT_TTL * 3)
    tokens.append((await store.lock(context_id, 60)).token)
    await store.delete(context_id)
    await store.create(context_id, {}, CHANGE)
    tokens.append((await store.lock(context_id, 60)).token)
    assert tokens == [1, 2, 3, 4]


@pytest.mark.parametrize("offset", [1, -1], ids=["newer", "older"])
async def test_unlock_with_another_token_leaves_the_lease_held(
    backend: Backend, store: ContextStore, offset: int
) -> None:
    context_id = await new_context(backend, store)
    lease = await store.lock(context_id, 60)
    assert await store.unlock(context_id, lease.token + offset) is False
    with pytest.raises(Conflict, match=rf"is locked until {ISO} \(token {lease.token}\)"):
        await store.lock(context_id, 60)


async def test_unlock_releases_once_and_the_context_can_be_locked_again(
    backend: Backend, store: ContextStore
) -> None:
    context_id = await new_context(backend, store)
    lease = await store.lock(context_id, 60)
    assert await store.unlock(context_id, lease.token) is True
    assert await store.unlock(context_id, lease.token) is False
    assert (await store.lock(context_id, 60)).token == lease.token + 1


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), "10"])
async def test_a_lock_ttl_must_be_a_positive_number(
    backend: Backend, store: ContextStore, ttl: object
) -> None:
    context_id = await new_context(backend, store)
    with pytest.raises(InvalidInput, match="lock ttl: expected a"):
        await store.lock(context_id, ttl)  # type: ignore[arg-type]
