"""The ``event`` interceptor: run a context's event handlers once per Tekton event.

Params: ``contextId``, ``pipeline``, ``event`` (CEL over ``body``, ``header``, ``extensions``,
``requestURL``; defaults ``body.contextId`` etc., what ``interceptor event post`` sends) and
``verify`` (default true: the body must carry a valid ``X-Interceptor-Signature`` made with
``listener.secret``). The body's ``set`` ({path: value}) is applied before the handlers run and its
``vars`` ({key: expression}) are the tmpl-ctx-vars.

Once per event: an EventListener evaluates every trigger for one delivery, so several triggers
may call this interceptor for the same ``context.event_id``. The first claims
``event:{event_id}`` in the store and records its response for ``store.eventResultTtlSeconds``;
the others return that recorded response (waiting briefly while it is still running).

Replays: a signed body re-sent to the EventListener gets a new ``event_id``, so the once-per-event
claim alone would run it again; the hop's signature is therefore claimed per trigger first
(:func:`~interceptor.hop_signature.refuse_replay`), and a signature seen before is refused (code 16).

Outcomes: a missing context, pipeline or event → ``continue: false``, code 5; a bad signature or a
replayed request → 16; the store unreachable → 14. Handler failures do **not** stop the trigger: they are reported
in ``extensions.event.handlers`` with ``continue: true``, so a later CEL interceptor can branch on
them (``extensions.event.handlers.exists(h, h.status == 'failed')``) and the run is not lost
because, say, Slack was briefly down.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from handlers.result import EventResult
from handlers.runner import handle_event
from handlers.runtime import Runtime
from interceptor import hop_signature
from interceptor.cel import Activation
from interceptor.errors import Code, InterceptorError, InvalidInput
from interceptor.interceptors.params import bool_param, evaluate_string, expression_param
from interceptor.json_types import describe_json_type
from interceptor.protocol import InterceptorRequest, InterceptorResponse
from interceptor.services import Services

DEFAULT_EXPRESSIONS = {"contextId": "body.contextId", "pipeline": "body.pipeline", "event": "body.event"}


class EventInterceptor:
    def __init__(self, services: Services, *, wait_seconds: float = 10.0, poll_seconds: float = 0.1) -> None:
        self._services = services
        self._runtime = Runtime.from_services(services)
        self._wait_seconds = wait_seconds
        self._poll_seconds = poll_seconds

    async def process(self, request: InterceptorRequest) -> InterceptorResponse:
        try:
            return await self._process(request)
        except InterceptorError as exc:
            return InterceptorResponse.stop(exc.code, exc.message)

    async def _process(self, request: InterceptorRequest) -> InterceptorResponse:
        if bool_param(request.params, "verify", default=True):
            services = self._services
            await hop_signature.verify_delivery(
                request, services.settings.listener.secret, services.store, services.clock
            )
        body = _json_body(request.body)
        variables_for_cel = Activation.variables(request, body)
        names = {name: self._param(request, variables_for_cel, name) for name in DEFAULT_EXPRESSIONS}
        sets = _mapping(body.get("set") if isinstance(body, dict) else None, "set")
        variables = _mapping(body.get("vars") if isinstance(body, dict) else None, "vars")
        event_id = request.context.event_id if request.context else ""
        if not event_id:
            return await self._run(names, sets, variables)
        store = self._services.store
        ttl = self._services.settings.store.eventResultTtlSeconds
        key = f"event:{event_id}"
        if not await store.claim(key, ttl):
            return await self._recorded(key + ":result", event_id)
        response = await self._run(names, sets, variables)
        await store.put_record(key + ":result", _to_record(response), ttl)
        return response

    async def _run(
        self, names: dict[str, str], sets: dict[str, Any], variables: dict[str, Any]
    ) -> InterceptorResponse:
        try:
            result = await handle_event(
                self._runtime,
                names["contextId"],
                names["pipeline"],
                names["event"],
                sets=sets,
                tmpl_ctx_vars=variables,
                actor="event-interceptor",
                source="/interceptors/event",
            )
        except InterceptorError as exc:
            if exc.code == Code.UNAVAILABLE:
                raise  # store down: not recorded, a retry of the event may succeed
            return InterceptorResponse.stop(exc.code, exc.message)
        self._count(result)
        return InterceptorResponse.proceed({"event": result.to_json()})

    def _count(self, result: EventResult) -> None:
        for handler in result.handlers:
            self._services.metrics.handler_outcomes.labels(handler.type, handler.status).inc()

    async def _recorded(self, key: str, event_id: str) -> InterceptorResponse:
        """The response recorded by whoever claimed the event, waiting while it is still running."""
        polls = max(1, int(self._wait_seconds / self._poll_seconds))
        for _ in range(polls):
            record = await self._services.store.get_record(key)
            if record is not None:
                return _from_record(record)
            await asyncio.sleep(self._poll_seconds)
        return InterceptorResponse.stop(
            Code.ABORTED,
            f"event {event_id} is being handled by another request and its result was not recorded "
            f"within {self._wait_seconds:g} s",
        )

    def _param(self, request: InterceptorRequest, variables: dict[str, Any], name: str) -> str:
        expression = expression_param(request.params, name, DEFAULT_EXPRESSIONS[name])
        return evaluate_string(self._services.cel, name, expression, variables)


def _json_body(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError as exc:
        raise InvalidInput(f"body: expected JSON ({exc})") from exc


def _mapping(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"body.{name}: expected an object of path: value, got {describe_json_type(value)}")
    return value


def _to_record(response: InterceptorResponse) -> dict[str, Any]:
    return {
        "continue": response.continue_,
        "extensions": response.extensions,
        "code": int(response.code),
        "message": response.message,
    }


def _from_record(record: dict[str, Any]) -> InterceptorResponse:
    return InterceptorResponse(
        bool(record.get("continue")),
        record.get("extensions") or {},
        Code(int(record.get("code", 0))),
        str(record.get("message", "")),
    )
