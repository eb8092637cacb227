"""The one table of interceptors: the name in ``/interceptors/{name}`` → its class.

Adding an interceptor means adding a module under ``interceptor/interceptors/`` and a line here.
Each class is built once per app with the shared :class:`Services`.
"""

from __future__ import annotations

from collections.abc import Callable

from interceptor.interceptors.base import Interceptor
from interceptor.interceptors.cel import CelInterceptor
from interceptor.interceptors.context import ContextInterceptor
from interceptor.interceptors.event import EventInterceptor
from interceptor.interceptors.slack import SlackInterceptor
from interceptor.services import Services

INTERCEPTORS: dict[str, Callable[[Services], Interceptor]] = {
    "slack": SlackInterceptor,
    "context": ContextInterceptor,
    "event": EventInterceptor,
    "cel": CelInterceptor,
}


def build_interceptors(services: Services) -> dict[str, Interceptor]:
    return {name: factory(services) for name, factory in INTERCEPTORS.items()}
