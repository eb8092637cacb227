"""One interceptor chain, run as the sink's ``ExecuteInterceptors`` does (Tekton §2.2, §2.7).

Interceptors run in order. A ref interceptor gets the InterceptorRequest bytes (``wire``) over
HTTP, or in-process for the core names; only ``continue: true`` goes on, and its extensions are
shallow-merged (last writer wins). A transport error, a non-200 answer or an undecodable body
abandons the chain. A webhook interceptor replaces body and headers. The form-to-JSON conversion
is decided once, before the first interceptor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from interceptor.emulator.core_interceptors import CoreInterceptors
from interceptor.emulator.model import InterceptorUse
from interceptor.emulator.payload import converted_form
from interceptor.emulator.resolution import ResolutionError, Resolver
from interceptor.emulator.webhook import WebhookError, call_webhook
from interceptor.emulator.wire import (
    DecodedResponse,
    RequestEnvelope,
    WireError,
    decode_response,
    encode_request,
)
from interceptor.gojson import marshal
from interceptor.protocol import parse_request

GO_CLIENT_HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "Go-http-client/1.1",
    "Accept-Encoding": "gzip",
}
# Tekton: 30 s to connect, 10 s for the response headers, no overall deadline.
INTERCEPTOR_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=10)


@dataclass
class Step:
    """What one interceptor did; listed per trigger at ``GET /emulator/events``."""

    name: str
    kind: str  # "http", "core" or "webhook"
    url: str = ""
    continue_: bool | None = None
    code: int = 0
    message: str = ""
    extensions: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    request: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "continue": self.continue_,
            "code": self.code,
            "message": self.message,
            "extensions": self.extensions,
            "error": self.error,
            "request": self.request,
            "seconds": round(self.seconds, 6),
        }


@dataclass
class ChainOutcome:
    """``passed``: every interceptor continued. ``stopped``: one said ``continue: false``.
    ``error``: the chain was abandoned (transport, status, decoding, resolution)."""

    body: str
    header: dict[str, list[str]]
    extensions: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    stopped_by: DecodedResponse | None = None
    error: str = ""
    form_converted: bool = False

    @property
    def passed(self) -> bool:
        return self.stopped_by is None and not self.error


class ChainRunner:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        resolver: Resolver,
        core: CoreInterceptors,
        listener_namespace: str,
    ) -> None:
        self._session = session
        self._resolver = resolver
        self._core = core
        self._listener_namespace = listener_namespace

    async def run(
        self,
        uses: tuple[InterceptorUse, ...],
        *,
        body: str,
        header: dict[str, list[str]],
        seed_extensions: dict[str, Any] | None,
        event_url: str,
        event_id: str,
        trigger_id: str,
        namespace: str,
    ) -> ChainOutcome:
        extensions = dict(seed_extensions or {})
        outcome = ChainOutcome(body, {k: list(v) for k, v in header.items()}, extensions)
        if not uses:
            return outcome
        converted = converted_form(
            outcome.header, body, webhook_first=uses[0].webhook is not None, has_extensions=bool(extensions)
        )
        if converted is not None:
            outcome.body, outcome.form_converted = converted, True
        for use in uses:
            started = time.monotonic()
            if use.webhook is not None:
                step = Step(use.display_name, "webhook")
                outcome.steps.append(step)
                try:
                    result = await call_webhook(
                        self._session, self._resolver, use.webhook, outcome.body, outcome.header,
                        outcome.extensions, event_url, namespace,
                    )  # fmt: skip
                except WebhookError as exc:
                    step.error = outcome.error = str(exc)
                    return outcome
                step.url, step.continue_ = result.url, True
                step.seconds = time.monotonic() - started
                outcome.body, outcome.header = result.body, result.header
                continue
            envelope = RequestEnvelope(
                outcome.body, outcome.header, outcome.extensions,
                {p.name: p.value for p in use.params}, event_url, event_id, trigger_id,
            )  # fmt: skip
            step = Step(use.display_name, "http", request=encode_request(envelope).decode("utf-8"))
            outcome.steps.append(step)
            try:
                response = await self._call(use, step)
            except (ResolutionError, WireError) as exc:
                step.error = outcome.error = str(exc)
                return outcome
            finally:
                step.seconds = time.monotonic() - started
            step.continue_, step.code, step.message = response.continue_, response.code, response.message
            step.extensions = response.extensions
            if not response.continue_:
                outcome.stopped_by = response
                return outcome
            outcome.extensions.update(response.extensions)
        return outcome

    async def _call(self, use: InterceptorUse, step: Step) -> DecodedResponse:
        target = self._resolver.resolve(use, self._listener_namespace)
        if target.core:
            step.kind, step.url = "core", f"in-process:{target.core}"
            response = await self._core.process(target.core, parse_request(step.request.encode("utf-8")))
            return decode_response(200, marshal(response.to_json()).encode("utf-8"))
        step.url = target.url
        try:
            async with self._session.post(
                target.url,
                data=step.request.encode("utf-8"),
                headers=GO_CLIENT_HEADERS,
                skip_auto_headers=("Accept",),
                timeout=INTERCEPTOR_TIMEOUT,
            ) as reply:
                raw = await reply.read()
                return decode_response(reply.status, raw)
        except TimeoutError as exc:
            raise WireError(f'Post "{target.url}": net/http: timeout awaiting response headers') from exc
        except aiohttp.ClientError as exc:
            hint = " (use --resolve to map it to a local address)" if ".svc" in target.url else ""
            raise WireError(f'Post "{target.url}": {exc or type(exc).__name__}{hint}') from exc
