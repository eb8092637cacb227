"""The production store: Redis or Redis Cluster (redis-py ``redis.asyncio``).

One class serves both: every multi-key operation is a Lua script over keys that share the
context's hash tag (:mod:`interceptor.store.keys`, :mod:`interceptor.store.redis_scripts`), so it
is atomic on a single server and allowed in a Cluster. :func:`open_redis` builds the standalone
client; :mod:`interceptor.store.redis_cluster` builds the Cluster one.

Clients time out (connect and each command, 2 s) and retry connection errors twice with jittered
backoff, so a restarted Redis is picked up by the same store object; anything the client raises is
reported as :class:`StoreUnavailable` naming the URL without its password.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from interceptor.errors import AlreadyExists, ConfigError, CorruptDocument, NotFound, StoreUnavailable
from interceptor.store import codec, redis_scripts
from interceptor.store.base import Change, Document, HistoryEntry, Lease, Mutation
from interceptor.store.keys import DOC_KEY_PATTERN, ContextKeys, claim_key, id_from_doc_key, record_key
from interceptor.store.redis_calls import (
    Pause,
    ReadDocument,
    as_bytes,
    bad_history,
    lock_call,
    lock_outcome,
    status_of,
    unlock_call,
    update_steps,
)
from interceptor.store.ttl import FENCE_RETENTION_SECONDS, check_ttl, to_millis

CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 2.0


def client_options() -> dict[str, Any]:
    """Timeouts and retries shared by the standalone and the Cluster client."""
    return {
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": COMMAND_TIMEOUT_SECONDS,
        "retry": Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
    }


def open_redis(
    url: str, *, url_for_display: str, idle_seconds: float | None, clock: Callable[[], float]
) -> RedisStore:
    """A store on the standalone Redis at ``url`` (``redis://`` or ``rediss://``). Connects lazily."""
    try:
        client = Redis.from_url(url, health_check_interval=30, **client_options())
    except ValueError as exc:
        raise ConfigError(f"store.url {url_for_display!r}: {exc}") from exc
    return RedisStore(client, url_for_display=url_for_display, idle_seconds=idle_seconds, clock=clock)


class RedisStore:
    """:class:`~interceptor.store.base.ContextStore` on Redis or Redis Cluster."""

    def __init__(
        self,
        client: Redis | RedisCluster,
        *,
        url_for_display: str,
        idle_seconds: float | None,
        clock: Callable[[], float],
    ) -> None:
        self.url_for_display = url_for_display
        self._client = client
        self._idle_ms = to_millis(idle_seconds) if idle_seconds else 0
        self._clock = clock
        self._create = client.register_script(redis_scripts.CREATE)
        self._update = client.register_script(redis_scripts.UPDATE)
        self._history = client.register_script(redis_scripts.HISTORY)
        self._delete = client.register_script(redis_scripts.DELETE)
        self._lock = client.register_script(redis_scripts.LOCK)
        self._unlock = client.register_script(redis_scripts.UNLOCK)

    @asynccontextmanager
    async def _talking(self, context_id: str | None = None) -> AsyncIterator[None]:
        """Translate client errors: a wrong-typed key is corruption, anything else an outage."""
        try:
            yield
        except ResponseError as exc:
            if context_id is not None and "WRONGTYPE" in str(exc):
                raise CorruptDocument(
                    f"context {context_id}: a stored key holds the wrong Redis type; it was left untouched"
                ) from exc
            raise self._unavailable(exc) from exc
        except (RedisError, RedisClusterException, OSError) as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        cause = str(exc) or type(exc).__name__
        return StoreUnavailable(f"store {self.url_for_display} unavailable: {cause}")

    async def ping(self) -> None:
        async with self._talking():
            await self._client.ping()

    # -- contexts ---------------------------------------------------------------------------------

    async def get(self, context_id: str) -> Document | None:
        keys = ContextKeys.of(context_id)
        async with self._talking(context_id):
            raw = await self._client.get(keys.doc)
        return None if raw is None else codec.load_document(context_id, raw)

    async def create(
        self, context_id: str, document: Document, change: Change, *, force: bool = False
    ) -> None:
        keys = ContextKeys.of(context_id)
        text = codec.dump_document(context_id, document)
        entry = codec.creation_entry(self._clock(), change)
        args: list[str | int] = [text, codec.dump_history_entry(entry), "1" if force else "0", self._idle_ms]
        async with self._talking(context_id):
            result = await self._create(keys=[keys.doc, keys.history, keys.fence], args=args)
        status = status_of(result)
        if status == "exists":
            raise AlreadyExists(f"context {context_id} already exists")
        if status == "badhistory":
            raise bad_history(context_id, result)

    async def update(
        self,
        context_id: str,
        mutate: Callable[[Document], Mutation],
        change: Change,
        *,
        lock_token: int | None = None,
    ) -> Document:
        steps = update_steps(context_id, mutate, change, lock_token, idle_ms=self._idle_ms, clock=self._clock)
        reply: Any = None
        while True:
            try:
                step = steps.send(reply)
            except StopIteration as done:
                return codec.load_document(context_id, done.value)
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                reply = None
                continue
            async with self._talking(context_id):
                if isinstance(step, ReadDocument):
                    reply = await self._client.get(step.key)
                else:
                    reply = await self._update(keys=step.keys, args=step.args)

    async def delete(self, context_id: str) -> bool:
        keys = ContextKeys.of(context_id)
        retention = to_millis(FENCE_RETENTION_SECONDS)
        async with self._talking(context_id):
            removed = await self._delete(
                keys=[keys.doc, keys.history, keys.lease, keys.fence], args=[retention]
            )
        return int(removed) > 0

    async def list_ids(self) -> list[str]:
        found: set[str] = set()
        async with self._talking():
            async for key in self._client.scan_iter(match=DOC_KEY_PATTERN, count=1000):
                text = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
                context_id = id_from_doc_key(text)
                if context_id is not None:
                    found.add(context_id)
        return sorted(found)

    async def history(self, context_id: str) -> list[HistoryEntry]:
        keys = ContextKeys.of(context_id)
        async with self._talking(context_id):
            exists, raws = await self._history(keys=[keys.doc, keys.history])
        if not exists:
            raise NotFound(f"context {context_id} not found")
        return codec.load_history(context_id, list(raws))

    # -- leases -----------------------------------------------------------------------------------

    async def lock(self, context_id: str, ttl_seconds: float) -> Lease:
        call = lock_call(
            context_id, ttl_seconds, idle_ms=self._idle_ms, clock=self._clock, nonce=uuid.uuid4().hex
        )
        async with self._talking(context_id):
            result = await self._lock(keys=call.keys, args=call.args)
        return lock_outcome(context_id, result)

    async def unlock(self, context_id: str, token: int) -> bool:
        call = unlock_call(context_id, token)
        async with self._talking(context_id):
            released = await self._unlock(keys=call.keys, args=call.args)
        return int(released) == 1

    # -- records ----------------------------------------------------------------------------------

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        """One ``SET key token NX PX ttl``: no script on the /slack ack path.

        The value is a token unique to this call. The client re-sends a command whose reply was
        lost (``retry_on_error``), and that re-sent SET finds the key its first attempt created; so
        a refusal reads the key back and still grants the claim when it holds this call's token.
        Only a refused claim (a duplicate, the rare case) costs that second round trip.
        """
        redis_key = claim_key(key)
        ttl = check_ttl(ttl_seconds, "claim ttl")
        token = uuid.uuid4().hex
        async with self._talking():
            if await self._client.set(redis_key, token, nx=True, px=to_millis(ttl)):
                return True
            holder = await self._client.get(redis_key)
        return holder is not None and as_bytes(holder) == token.encode()

    async def put_record(self, key: str, value: Any, ttl_seconds: float) -> None:
        redis_key = record_key(key)
        ttl = check_ttl(ttl_seconds, "record ttl")
        text = codec.dump_json(value, f"record {key}")
        async with self._talking():
            await self._client.set(redis_key, text, px=to_millis(ttl))

    async def get_record(self, key: str) -> Any | None:
        redis_key = record_key(key)
        async with self._talking():
            raw = await self._client.get(redis_key)
        return None if raw is None else codec.load_record(key, raw)

    async def close(self) -> None:
        async with self._talking():
            await self._client.aclose()
