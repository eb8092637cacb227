"""The store's Redis script calls without the I/O: which keys and arguments they take, what their
replies mean, and the optimistic update loop, shared by the async
:class:`~interceptor.store.redis.RedisStore` (redis-py) and the one-shot CLI writer
(:mod:`interceptor.store.quick_write`, plain RESP) so the two cannot drift apart.

:func:`update_steps` is the update as a generator of I/O requests (:class:`ReadDocument`,
:class:`RunScript`, :class:`Pause`): the caller performs each one, sends its result back in, and
gets the stored document text as the generator's return value, or the store's error raised from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from typing import Any, NamedTuple

from interceptor.errors import Conflict, CorruptDocument, NotFound
from interceptor.store import codec
from interceptor.store.base import Change, Document, Lease, Mutation
from interceptor.store.fencing import LeaseState, check_token, locked
from interceptor.store.keys import ContextKeys
from interceptor.store.ttl import check_ttl, to_millis

try:  # CPython's own SHA-1 loads in a tenth of hashlib's time (OpenSSL), which a one-shot call notices
    from _sha1 import sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1

# Optimistic writes: how often to re-read and re-apply when another writer got in first.
UPDATE_ATTEMPTS = 100
BACKOFF_BASE_SECONDS = 0.002
BACKOFF_CAP_SECONDS = 0.05


class ReadDocument(NamedTuple):
    """``GET key``; send back the raw value (bytes or str) or ``None``."""

    key: str


class RunScript(NamedTuple):
    """Run a script of :mod:`~interceptor.store.redis_scripts` (``UPDATE`` in :func:`update_steps`)
    with these keys and arguments; send back its reply."""

    keys: list[str]
    args: list[str | int]


class Pause(NamedTuple):
    """Sleep this long before the next attempt; send back ``None``."""

    seconds: float


Step = ReadDocument | RunScript | Pause


def update_steps(
    context_id: str,
    mutate: Callable[[Document], Mutation],
    change: Change,
    lock_token: int | None,
    *,
    idle_ms: int,
    clock: Callable[[], float],
) -> Generator[Step, Any, str]:
    """Read, mutate locally, compare-and-set by the script; on ``changed``, back off and redo.

    Returns the stored document's text. Raises :class:`NotFound`, :class:`Conflict` (a refused lock
    token, or a document that kept changing for :data:`UPDATE_ATTEMPTS` attempts),
    :class:`CorruptDocument`, or whatever ``mutate`` raises (then nothing was written).
    """
    keys = ContextKeys.of(context_id)
    script_keys = [keys.doc, keys.history, keys.lease, keys.fence]
    for attempt in range(UPDATE_ATTEMPTS):
        raw = yield ReadDocument(keys.doc)
        if raw is None:
            raise NotFound(f"context {context_id} not found")
        mutation = mutate(codec.load_document(context_id, raw))
        text = codec.dump_document(context_id, mutation.document)
        entry = codec.update_entry(clock(), change, mutation)
        sha = sha1_hex(as_bytes(raw))
        token = "" if lock_token is None else str(lock_token)
        args: list[str | int] = [sha, text, codec.dump_history_entry(entry), idle_ms, token]
        result = yield RunScript(script_keys, args)
        status = status_of(result)
        if status == "ok":
            return text
        if status == "missing":
            raise NotFound(f"context {context_id} not found")
        if status == "badhistory":
            raise bad_history(context_id, result)
        if status == "refused":
            lease = lease_state(result[1]) if result[1] else None
            check_token(context_id, int(lock_token or 0), lease, int(result[2]))
            raise Conflict(f"lock token {lock_token} on context {context_id} was refused")
        # "changed": another writer got in between our read and our write; back off, redo.
        import random  # only on this path: a one-shot writer rarely meets a concurrent one

        yield Pause(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))
    raise Conflict(
        f"context {context_id}: gave up after {UPDATE_ATTEMPTS} attempts, the document kept changing "
        "under concurrent writers"
    )


def lock_call(
    context_id: str, ttl_seconds: float, *, idle_ms: int, clock: Callable[[], float], nonce: str
) -> RunScript:
    """The keys and arguments of :data:`~interceptor.store.redis_scripts.LOCK`; ``nonce`` unique per call."""
    keys = ContextKeys.of(context_id)
    ttl = check_ttl(ttl_seconds, "lock ttl")
    expires_at = clock() + ttl
    return RunScript([keys.doc, keys.lease, keys.fence], [to_millis(ttl), repr(expires_at), nonce, idle_ms])


def lock_outcome(context_id: str, result: list[Any]) -> Lease:
    """The lease a ``LOCK`` reply grants; :class:`NotFound` or :class:`Conflict` (held) otherwise."""
    status = status_of(result)
    if status == "missing":
        raise NotFound(f"context {context_id} not found")
    lease = lease_state(result[1])
    if status == "held":
        raise locked(context_id, lease)
    return Lease(token=lease.token, expires_at=lease.expires_at)


def unlock_call(context_id: str, token: int) -> RunScript:
    """The keys and arguments of :data:`~interceptor.store.redis_scripts.UNLOCK`; it answers 1 when released."""
    return RunScript([ContextKeys.of(context_id).lease], [int(token)])


def lease_state(raw: bytes | str) -> LeaseState:
    """The lease key's JSON ``{token, expires_at, nonce, released}``."""
    value = json.loads(raw)
    return LeaseState(
        token=int(value["token"]), expires_at=float(value["expires_at"]), released=value["released"]
    )


def status_of(result: list[Any]) -> str:
    """A script reply's first element, the status word."""
    first = result[0]
    return first.decode() if isinstance(first, bytes) else str(first)


def bad_history(context_id: str, result: list[Any]) -> CorruptDocument:
    kind = status_of(result[1:])
    return CorruptDocument(
        f"context {context_id}: the history key holds a Redis {kind}, not a list; left untouched"
    )


def sha1_hex(data: bytes) -> str:
    """The hex SHA-1 the scripts compare (``redis.sha1hex``), and that names a script for ``EVALSHA``."""
    return str(sha1(data, usedforsecurity=False).hexdigest())


def as_bytes(raw: bytes | str) -> bytes:
    return raw if isinstance(raw, bytes) else raw.encode("utf-8")
