"""Signing between our own hops: ``/slack`` → EventListener, and ``event post`` → EventListener.

``X-Interceptor-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>`` with
``X-Interceptor-Timestamp: <unix seconds>``. The timestamp is inside the MAC and must be within a
5-minute window, so a captured request cannot be replayed later. Verified on the raw bytes,
before anything parses them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence

from interceptor.errors import Unauthenticated

SIGNATURE_HEADER = "X-Interceptor-Signature"
TIMESTAMP_HEADER = "X-Interceptor-Timestamp"
WINDOW_SECONDS = 300


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
) -> None:
    """Raise :class:`Unauthenticated` saying which check failed; return quietly when valid."""
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
