"""The one interface every interceptor implements."""

from __future__ import annotations

from typing import Protocol

from interceptor.protocol import InterceptorRequest, InterceptorResponse


class Interceptor(Protocol):
    """Process one InterceptorRequest. Outcomes such as "filter did not match" are returned as a
    ``continue: false`` response; raising :class:`InterceptorError` means the same with its code."""

    async def process(self, request: InterceptorRequest) -> InterceptorResponse: ...
