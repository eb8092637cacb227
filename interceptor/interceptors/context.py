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

import json
from typing import Any

from interceptor.cel import Activation
from interceptor.errors import Code, InterceptorError, InvalidInput, StoreUnavailable
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
            expression = _string_param(request.params, "contextId", DEFAULT_CONTEXT_ID)
            select = _select_param(request.params.get("select"))
            required = _bool_param(request.params.get("required"), "required", default=True)
            context_id = self._context_id(expression, request)
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

    def _context_id(self, expression: str, request: InterceptorRequest) -> str:
        value = self._services.cel.evaluate(expression, Activation.from_request(request))
        if not isinstance(value, str) or not value:
            raise InvalidInput(
                f"contextId expression {expression!r} gave {json.dumps(value, default=str)[:80]}, "
                "expected a non-empty string"
            )
        return value


def _string_param(params: dict[str, Any], name: str, default: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise InvalidInput(f"param {name}: expected a CEL expression string, got {json.dumps(value)[:80]}")
    return value


def _select_param(value: Any) -> list[str]:
    if value is None:
        return list(DEFAULT_SELECT)
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise InvalidInput(f"param select: expected a list of top-level keys, got {json.dumps(value)[:80]}")


def _bool_param(value: Any, name: str, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidInput(f"param {name}: expected true or false, got {json.dumps(value)[:80]}")
