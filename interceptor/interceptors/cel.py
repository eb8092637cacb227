"""The ``cel`` interceptor: a drop-in for Tekton's (``filter`` and ``overlays``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celpy import celtypes

from interceptor.cel import Activation, CelError
from interceptor.cel.overlays import overlay_json, set_path
from interceptor.errors import Code
from interceptor.gojson_errors import field_mismatch
from interceptor.protocol import InterceptorRequest, InterceptorResponse

if TYPE_CHECKING:
    from interceptor.services import Services


@dataclass(frozen=True)
class Overlay:
    key: str
    expression: str


@dataclass(frozen=True)
class CelParams:
    filter: str
    overlays: list[Overlay]


def parse_params(params: dict[str, Any]) -> CelParams:
    """Decode like Go's ``json.Unmarshal`` into Tekton's struct; raises ``CelError`` with its text."""
    filter_text = params.get("filter")
    if filter_text is not None and not isinstance(filter_text, str):
        raise _param_error(filter_text, "InterceptorParams.filter", "string")
    raw_overlays = params.get("overlays")
    overlays: list[Overlay] = []
    if raw_overlays is not None:
        if not isinstance(raw_overlays, list):
            raise _param_error(raw_overlays, "InterceptorParams.overlays", "[]cel.Overlay")
        for item in raw_overlays:
            if item is None:
                overlays.append(Overlay("", ""))
                continue
            if not isinstance(item, dict):
                raise _param_error(item, "InterceptorParams.overlays", "cel.Overlay")
            fields = {}
            for name in ("key", "expression"):
                value = item.get(name)
                if value is not None and not isinstance(value, str):
                    raise _param_error(value, f"InterceptorParams.overlays.{name}", "string")
                fields[name] = value or ""
            overlays.append(Overlay(fields["key"], fields["expression"]))
    return CelParams(filter_text or "", overlays)


def _param_error(value: Any, field: str, go_type: str) -> CelError:
    return CelError(
        f"failed to parse interceptor params: invalid json: {field_mismatch(value, field, go_type)}"
    )


class CelInterceptor:
    """Evaluates ``filter`` (must be exactly ``true``) and ``overlays`` over Tekton's variables."""

    def __init__(self, services: Services) -> None:
        self.cel = services.cel

    async def process(self, request: InterceptorRequest) -> InterceptorResponse:
        try:
            return self._process(request)
        except CelError as exc:
            return InterceptorResponse.stop(exc.code, exc.message)

    def _process(self, request: InterceptorRequest) -> InterceptorResponse:
        params = parse_params(request.params)
        if request.context is None:
            return InterceptorResponse.stop(Code.INVALID_ARGUMENT, "no request context passed")
        variables = Activation.cel_from_request(request)
        if params.filter:
            result = self.cel.evaluate_cel(params.filter, variables)
            if not (isinstance(result, celtypes.BoolType) and bool(result)):
                return InterceptorResponse.stop(
                    Code.FAILED_PRECONDITION, f"expression {params.filter} did not return true"
                )
        extensions: dict[str, Any] = {}
        for overlay in params.overlays:
            # Every overlay sees the original variables: overlays cannot read each other.
            value = overlay_json(self.cel.evaluate_cel(overlay.expression, variables))
            set_path(extensions, overlay.key, value)
        return InterceptorResponse.proceed(extensions)
