"""Time-to-live values: validated once, converted the way each backend needs them."""

from __future__ import annotations

import math

from interceptor.errors import ConfigError, InvalidInput

SECONDS_PER_DAY = 86_400.0
# How long a deleted context's fencing counter is kept, so tokens issued before the delete stay
# refused if the id is created again soon after.
FENCE_RETENTION_SECONDS = 7 * SECONDS_PER_DAY


def check_ttl(seconds: object, what: str) -> float:
    """``seconds`` as a float if it is a positive, finite number; else :class:`InvalidInput`."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise InvalidInput(f"{what}: expected a number of seconds, got {type(seconds).__name__}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidInput(f"{what}: expected a positive number of seconds, got {seconds}")
    return float(seconds)


def idle_seconds(ttl_days: float | None) -> float | None:
    """The idle expiry of contexts in seconds, from the ``ttl_days`` setting (``None``: never)."""
    if ttl_days is None:
        return None
    if (
        isinstance(ttl_days, bool)
        or not isinstance(ttl_days, int | float)
        or not math.isfinite(ttl_days)
        or ttl_days <= 0
    ):
        raise ConfigError(f"store.ttlDays: expected a positive number of days, got {ttl_days!r}")
    return float(ttl_days) * SECONDS_PER_DAY


def to_millis(seconds: float) -> int:
    """Whole milliseconds for Redis PX/PEXPIRE, never 0 (which Redis rejects)."""
    return max(1, math.ceil(seconds * 1000))
