"""Leases and fencing tokens: the rules both backends share, and the messages they give.

Every ``lock`` draws the next token from a per-context counter that only ever increases: unlocking,
expiry and relocking never reuse a number. A write that presents a token is accepted only while
that token is the current, unexpired, unreleased lease; otherwise the refusal says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from interceptor.errors import Conflict


@dataclass(frozen=True)
class LeaseState:
    """The lease record as stored (already known to be unexpired when the backend hands it over)."""

    token: int
    expires_at: float
    released: bool = False


def iso_time(timestamp: float) -> str:
    """``2024-05-01T12:00:00Z``: what users read in lock messages."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def locked(context_id: str, lease: LeaseState) -> Conflict:
    return Conflict(
        f"context {context_id} is locked until {iso_time(lease.expires_at)} (token {lease.token})"
    )


def check_token(context_id: str, token: int, current: LeaseState | None, last_issued: int) -> None:
    """Raise :class:`Conflict` unless ``token`` is the current lease.

    ``current`` is the unexpired lease record (released or not), ``None`` when there is none;
    ``last_issued`` is the counter's value.
    """
    if current is not None and not current.released and current.token == token:
        return
    if token <= 0 or token > last_issued:
        raise Conflict(
            f"lock token {token} was never issued for context {context_id} (last issued: {last_issued})"
        )
    if token < last_issued:
        held = ""
        if current is not None and not current.released:
            held = f", locked until {iso_time(current.expires_at)}"
        raise Conflict(
            f"lock token {token} on context {context_id} was superseded by token {last_issued}{held}"
        )
    if current is not None and current.released:
        raise Conflict(f"lock token {token} on context {context_id} was released")
    raise Conflict(f"lock token {token} on context {context_id} has expired")
