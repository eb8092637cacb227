"""The clients one running service shares, built once by the app factory and passed in.

Interceptors and handlers receive a :class:`Services` (or the parts of it they need) in their
constructors; nothing reaches for globals. The clock is injectable so tests control time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interceptor.settings import Settings

if TYPE_CHECKING:
    from interceptor.cel import CelEnvironment
    from interceptor.metrics import Metrics
    from interceptor.outbound import OutboundClient
    from interceptor.store.base import ContextStore

Clock = Callable[[], float]


@dataclass
class Services:
    settings: Settings
    store: ContextStore
    cel: CelEnvironment
    outbound: OutboundClient
    metrics: Metrics
    clock: Clock = field(default=time.time)
