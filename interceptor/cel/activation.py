"""Tekton's CEL variables (``body``, ``header``, ``extensions``, ``requestURL``) for a request."""

from __future__ import annotations

from typing import Any

from interceptor.cel.errors import CelError
from interceptor.cel.json_map import to_cel_lazy
from interceptor.gojson_errors import GoJsonError, loads, type_mismatch
from interceptor.protocol import InterceptorRequest


class Activation:
    """Builds the variables Tekton's cel interceptor evaluates over."""

    @staticmethod
    def parse_body(body: str, *, empty_is_object: bool = True) -> dict[str, Any]:
        """The body as a JSON object; ``""`` is ``{}``. Raises :class:`CelError` with Tekton's
        ``error making the evaluation context`` message (code 3) otherwise."""
        if body == "" and empty_is_object:
            return {}
        try:
            parsed = loads(body)
        except GoJsonError as exc:
            raise CelError(
                f"error making the evaluation context: failed to parse the body as JSON: {exc}"
            ) from exc
        if parsed is None:
            return {}
        if not isinstance(parsed, dict):
            reason = type_mismatch(parsed, "map[string]interface {}")
            raise CelError(f"error making the evaluation context: failed to parse the body as JSON: {reason}")
        return parsed

    @classmethod
    def from_request(cls, request: InterceptorRequest) -> dict[str, Any]:
        """Plain (JSON-like) variables for :meth:`CelEnvironment.evaluate`."""
        return cls.variables(request, cls.parse_body(request.body))

    @staticmethod
    def variables(request: InterceptorRequest, body: Any) -> dict[str, Any]:
        """Tekton's variables for ``request`` around a ``body`` the caller already decoded."""
        return {
            "body": body,
            "header": request.header,
            "extensions": request.extensions,
            "requestURL": request.context.event_url if request.context else "",
        }

    @classmethod
    def cel_from_request(cls, request: InterceptorRequest) -> dict[str, Any]:
        """The same variables as CEL values, for :meth:`evaluate_cel`; make them once per request
        when several expressions are evaluated. Objects convert lazily (:class:`JsonMap`): only the
        fields the expressions read are converted, once each."""
        return {name: to_cel_lazy(value) for name, value in cls.from_request(request).items()}
