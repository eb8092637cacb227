"""Slack request signatures (version ``v0``), checked on the raw body before anything parses it.

``X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)>``.
The timestamp must be unix seconds within ``max_age`` of now (past or future: replay protection),
and the comparison is constant-time. Several secrets may be accepted so one can be rotated
without downtime. Every failure raises :class:`Unauthenticated` saying which check failed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from interceptor.errors import Unauthenticated

if TYPE_CHECKING:
    from interceptor.services import Services

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
MAX_AGE_SECONDS = 300


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=<hex>`` for ``body`` sent at ``timestamp`` (a decimal string, exactly as in the header)."""
    base = b"v0:" + timestamp.encode("ascii", errors="replace") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def verify_slack_signature(
    secrets: Sequence[str],
    body: bytes,
    timestamp: str,
    signature: str,
    clock: Callable[[], float],
    max_age: int = MAX_AGE_SECONDS,
) -> None:
    """Raise :class:`Unauthenticated` naming the failed check; return quietly when ``body`` is Slack's."""
    if not secrets:
        raise Unauthenticated(f"{SIGNATURE_HEADER} cannot be checked: slack.signingSecret is not configured")
    if not signature:
        raise Unauthenticated(f"missing {SIGNATURE_HEADER} header")
    if not timestamp:
        raise Unauthenticated(f"missing {TIMESTAMP_HEADER} header")
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise Unauthenticated(f"{TIMESTAMP_HEADER} must be unix seconds, got {timestamp[:40]!r}")
    age = int(clock()) - int(timestamp)
    if age > max_age:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} is {age} s old (max {max_age})")
    if -age > max_age:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} is {-age} s in the future (max {max_age})")
    if not signature.startswith("v0="):
        raise Unauthenticated(f"{SIGNATURE_HEADER} must start with 'v0=', got {signature[:8]!r}")
    # Check every secret (no early exit) so the timing does not reveal which one matched.
    # compare_digest refuses non-ASCII str, so compare bytes: a mangled header is a mismatch, not a crash.
    given = signature.encode("utf-8", errors="surrogateescape")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(compute_signature(secret, timestamp, body).encode(), given)
    if not matched:
        raise Unauthenticated("Slack signature mismatch")


def verify_for_service(services: Services, body: bytes, timestamp: str, signature: str) -> None:
    """:func:`verify_slack_signature` with the service's signing secrets, time window and clock."""
    settings = services.settings
    verify_slack_signature(
        settings.signing_secrets,
        body,
        timestamp,
        signature,
        services.clock,
        max_age=settings.slack.maxAgeSeconds,
    )
