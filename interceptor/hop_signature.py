"""Signing between our own hops: ``/slack`` → EventListener, and ``event post`` → EventListener.

Two headers, exactly as DESIGN §2 defines them::

    X-Interceptor-Timestamp: <unix seconds>
    X-Interceptor-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>

The timestamp is inside the MAC and must be within a 5-minute window, so a captured request
cannot be replayed later. Within the window the signature itself stops a replay: a replay carries
the same timestamp and body, hence the same signature, and the interceptors that verify a hop claim
that signature once per trigger (:func:`refuse_replay`). A legitimate new request always differs
(another timestamp or another body). Verified on the raw bytes, before anything parses them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interceptor.errors import Unauthenticated

if TYPE_CHECKING:
    from interceptor.protocol import InterceptorRequest
    from interceptor.store.base import ContextStore

SIGNATURE_HEADER = "X-Interceptor-Signature"
TIMESTAMP_HEADER = "X-Interceptor-Timestamp"
WINDOW_SECONDS = 300
# A replay claim outlives the moment its timestamp leaves the window by this much, for clock
# differences between replicas.
REPLAY_MARGIN_SECONDS = 10
REPLAYED = "replayed request: this signed request was already delivered"


@dataclass(frozen=True)
class VerifiedHop:
    """What a valid signature vouches for, needed to refuse its replay."""

    timestamp: int
    signature: str

    @property
    def replay_key(self) -> str:
        # The hex MAC is unique per (timestamp, body); hashing keeps the store key short.
        return hashlib.sha256(self.signature.encode()).hexdigest()[:32]


def _mac(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v1:" + timestamp.encode() + b":" + body
    return "v1=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: float) -> dict[str, str]:
    """The two headers that authenticate ``body`` at time ``now``."""
    timestamp = str(int(now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: _mac(secret, timestamp, body)}


def verify(
    secrets: Sequence[str],
    body: bytes,
    timestamp: str,
    signature: str,
    clock: Callable[[], float],
    window: int = WINDOW_SECONDS,
) -> VerifiedHop:
    """Raise :class:`Unauthenticated` saying which check failed; return what was verified."""
    if not secrets:
        raise Unauthenticated(f"{SIGNATURE_HEADER} cannot be checked: listener.secret is not configured")
    if not signature:
        raise Unauthenticated(f"missing {SIGNATURE_HEADER} header")
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise Unauthenticated(f"{TIMESTAMP_HEADER} must be unix seconds, got {timestamp[:40]!r}")
    skew = abs(clock() - int(timestamp))
    if skew > window:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} is {int(skew)} s away from now (allowed: {window} s)")
    if not any(hmac.compare_digest(_mac(secret, timestamp, body), signature) for secret in secrets):
        raise Unauthenticated(f"{SIGNATURE_HEADER} does not match the body (wrong listener.secret?)")
    return VerifiedHop(int(timestamp), signature)


async def refuse_replay(
    store: ContextStore,
    hop: VerifiedHop,
    trigger_id: str,
    clock: Callable[[], float],
    window: int = WINDOW_SECONDS,
) -> None:
    """Claim ``hop:{signature}:{trigger_id}``; raise :class:`Unauthenticated` when already claimed.

    One delivery reaches an interceptor once per trigger (each with its own trigger id), so every
    trigger of the original passes; a replay is a new delivery of the same signed bytes, and its
    triggers find their claims taken. The claim lives until the timestamp has left the window
    (plus :data:`REPLAY_MARGIN_SECONDS`): after that the signature check refuses the request anyway.
    A replay sent to another EventListener whose triggers differ but that shares ``listener.secret``
    finds no claims there: give each EventListener its own secret.
    """
    ttl = max(0.0, hop.timestamp + window - clock()) + REPLAY_MARGIN_SECONDS
    if not await store.claim(f"hop:{hop.replay_key}:{trigger_id}", ttl):
        raise Unauthenticated(REPLAYED)


async def verify_delivery(
    request: InterceptorRequest, secret: str | None, store: ContextStore, clock: Callable[[], float]
) -> None:
    """Verify a hop-signed InterceptorRequest and refuse its replay on this trigger.

    Raises :class:`Unauthenticated` naming the failed check (code 16); the store's errors (an
    outage: code 14) propagate.
    """
    # Go's encoding/json wrote the body as UTF-8, so encoding it again restores the raw bytes.
    raw = request.body.encode("utf-8", errors="surrogatepass")
    hop = verify(
        [secret] if secret else [],
        raw,
        request.first_header(TIMESTAMP_HEADER),
        request.first_header(SIGNATURE_HEADER),
        clock,
    )
    await refuse_replay(store, hop, request.context.trigger_id if request.context else "", clock)
