"""Claims (dedupe) and records (event results): shared, expiring, on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.errors import InvalidInput
from interceptor.store import redis as redis_store
from interceptor.store.base import ContextStore
from interceptor.store.keys import claim_key
from tests.store.backends import Backend, redis_only

SHORT_TTL = 0.3


async def test_only_the_first_claim_wins_until_it_expires(backend: Backend, store: ContextStore) -> None:
    key = backend.new_id("claim")
    other = backend.new_id("claim")
    assert await store.claim(key, SHORT_TTL) is True
    assert await store.claim(key, 60) is False
    assert await store.claim(other, 60) is True
    await backend.elapse(SHORT_TTL * 3)
    assert await store.claim(key, 60) is True
    assert await store.claim(key, 60) is False


class CommandLog:
    """Records the Redis commands a store's client sends (the client and server stay real)."""

    def __init__(self, store: ContextStore) -> None:
        self.names: list[str] = []
        client = store._client  # type: ignore[attr-defined]
        send = client.execute_command

        async def execute_command(*args: Any, **options: Any) -> Any:
            self.names.append(str(args[0]).upper())
            return await send(*args, **options)

        client.execute_command = execute_command


@redis_only
@pytest.mark.parametrize(
    ("first_claim", "commands"),
    [
        pytest.param(True, ["SET"], id="first-claim-one-set"),
        pytest.param(False, ["SET", "GET"], id="duplicate-set-then-read-back"),
    ],
)
async def test_a_claim_is_one_plain_set_without_a_script(
    backend: Backend, store: ContextStore, first_claim: bool, commands: list[str]
) -> None:
    key = backend.new_id("claim")
    if not first_claim:
        assert await store.claim(key, 60) is True
    log = CommandLog(store)
    assert await store.claim(key, 60) is first_claim
    assert log.names == commands  # no EVALSHA/EVAL on the /slack ack path
    assert backend.raw is not None
    assert 0 < backend.raw.pttl(claim_key(key)) <= 60_000


@redis_only
@pytest.mark.parametrize(
    ("holder", "granted"),
    [
        # The client re-sends a SET whose reply was lost: the key holds this call's own token.
        pytest.param("own-token", True, id="retried-set-finds-its-own-token"),
        pytest.param("someone-else", False, id="held-by-another-claimer"),
    ],
)
async def test_a_retried_claim_is_still_granted_to_its_taker(
    backend: Backend, store: ContextStore, monkeypatch: pytest.MonkeyPatch, holder: str, granted: bool
) -> None:
    import uuid

    token = uuid.UUID(int=0x5EED)
    monkeypatch.setattr(redis_store.uuid, "uuid4", lambda: token)
    key = backend.new_id("claim")
    assert backend.raw is not None
    # What the lost first attempt left behind (or another replica's claim).
    backend.raw.set(claim_key(key), token.hex if holder == "own-token" else "f" * 32, px=60_000)
    assert await store.claim(key, 60) is granted


@pytest.mark.parametrize(
    "value",
    [{"handlers": [{"type": "notify", "status": "ok"}]}, ["a", 1, None], "text ü", 0, False],
    ids=["object", "list", "string", "zero", "false"],
)
async def test_a_record_reads_back_as_stored(backend: Backend, store: ContextStore, value: Any) -> None:
    key = backend.new_id("rec")
    await store.put_record(key, value, 60)
    assert await store.get_record(key) == value


async def test_a_record_is_overwritten_and_expires(backend: Backend, store: ContextStore) -> None:
    key = backend.new_id("rec")
    assert await store.get_record(key) is None
    await store.put_record(key, {"v": 1}, 60)
    await store.put_record(key, {"v": 2}, SHORT_TTL)
    assert await store.get_record(key) == {"v": 2}
    await backend.elapse(SHORT_TTL * 3)
    assert await store.get_record(key) is None


async def test_claims_and_records_of_the_same_key_are_independent(
    backend: Backend, store: ContextStore
) -> None:
    key = backend.new_id("both")
    assert await store.claim(key, 60) is True
    assert await store.get_record(key) is None
    await store.put_record(key, {"result": "ok"}, 60)
    assert await store.claim(key, 60) is False
    assert await store.get_record(key) == {"result": "ok"}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(lambda s, k: s.claim(k, 0), "claim ttl: expected a positive number", id="claim-ttl"),
        pytest.param(
            lambda s, k: s.put_record(k, 1, -5), "record ttl: expected a positive number", id="record-ttl"
        ),
        pytest.param(lambda s, k: s.put_record(k, {1, 2}, 5), "not JSON-serialisable", id="record-value"),
        pytest.param(lambda s, k: s.claim("", 5), "claim key: must not be empty", id="claim-key"),
        pytest.param(lambda s, k: s.get_record(""), "record key: must not be empty", id="record-key"),
    ],
)
async def test_bad_record_arguments_are_refused(
    backend: Backend, store: ContextStore, call: Any, expected: str
) -> None:
    key = backend.new_id("bad")
    with pytest.raises(InvalidInput, match=expected):
        await call(store, key)
    assert await store.get_record(key) is None
