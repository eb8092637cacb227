"""The ``context`` interceptor: load a context document by id into ``extensions.context``.

Params (all optional):

``contextId``
    CEL expression over ``body``, ``header``, ``extensions`` and ``requestURL`` giving the id;
    default ``body.contextId``.
``select``
    list of top-level document keys to copy, default ``["state", "variables"]`` (a
    comma-separated string is accepted too). Keys the document lacks are left out.
``required``
    ``true`` (default) or ``false``; the strings ``"true"``/``"false"`` are accepted.

Output: ``extensions.context = {"id": <id>, "found": true, <selected keys>...}``. A missing context
stops the chain with code 5 (NOT_FOUND) naming the id, or, with ``required: false``, continues
with ``extensions.context = {"id": <id>, "found": false}``. An unreachable store stops with code
14 (UNAVAILABLE) naming the store URL without its password; a bad expression or parameter with
code 3 (INVALID_ARGUMENT) and the reason.
"""

from __future__ import annotations

from interceptor.cel import Activation
from interceptor.errors import Code, InterceptorError, InvalidInput, StoreUnavailable
from interceptor.interceptors.params import bool_param, evaluate_string, expression_param, list_param
from interceptor.protocol import InterceptorRequest, InterceptorResponse
from interceptor.services import Services

DEFAULT_CONTEXT_ID = "body.contextId"
DEFAULT_SELECT = ("state", "variables")


class ContextInterceptor:
    """Loads the context named by ``contextId`` into ``extensions.context``."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def process(self, request: InterceptorRequest) -> InterceptorResponse:
        try:
            # Params are checked in this order so the first bad one is the one reported.
            expression_param(request.params, "contextId", DEFAULT_CONTEXT_ID)
            select = list_param(request.params, "select", DEFAULT_SELECT, items="top-level keys")
            required = bool_param(request.params, "required", default=True)
            context_id = self.context_id(request)
        except InvalidInput as exc:
            return InterceptorResponse.stop(exc.code, exc.message)
        store = self._services.store
        try:
            document = await store.get(context_id)
        except StoreUnavailable as exc:
            where = store.url_for_display
            message = (
                exc.message if where in exc.message else f"context store {where} unavailable: {exc.message}"
            )
            return InterceptorResponse.stop(Code.UNAVAILABLE, message)
        except InterceptorError as exc:
            return InterceptorResponse.stop(exc.code, exc.message)
        if document is None:
            if required:
                return InterceptorResponse.stop(Code.NOT_FOUND, f"context {context_id!r} not found")
            return InterceptorResponse.proceed({"context": {"id": context_id, "found": False}})
        selected = {key: document[key] for key in select if key in document and key not in ("id", "found")}
        return InterceptorResponse.proceed({"context": {"id": context_id, "found": True, **selected}})

    def context_id(self, request: InterceptorRequest) -> str:
        """The id the ``contextId`` param's expression gives for ``request``. Raises
        :class:`InvalidInput` naming the param."""
        expression = expression_param(request.params, "contextId", DEFAULT_CONTEXT_ID)
        variables = Activation.from_request(request)
        return evaluate_string(self._services.cel, "contextId", expression, variables)
