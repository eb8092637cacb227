"""The ``event`` interceptor: signature, once-per-event across replicas (Redis), error codes."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from interceptor import hop_signature
from interceptor.cel import CelEnvironment
from interceptor.context.document import build_document
from interceptor.context.paths import parse_assignment
from interceptor.errors import Code
from interceptor.interceptors.event import EventInterceptor
from interceptor.metrics import Metrics
from interceptor.outbound import OutboundClient
from interceptor.protocol import InterceptorRequest, TriggerContext
from interceptor.services import Services
from interceptor.settings import Settings
from interceptor.store import open_store
from interceptor.store.base import Change
from tests.handlers.conftest import LISTENER_SECRET, PRESETS, app_with, settings_for

REDIS_URL = "redis://127.0.0.1:6379/0"
HANDLERS = {
    "notify": {"message": "{{ state.appName }} built by {{ who }}"},
    "set-values": {"set": [{"from": "{{ who }}", "to": "state.runs[]"}]},
}


def signed_request(
    body: dict[str, Any],
    *,
    event_id: str = "",
    trigger_id: str = "",
    secret: str = LISTENER_SECRET,
    **params: Any,
) -> InterceptorRequest:
    raw = json.dumps(body).encode()
    headers = {k: [v] for k, v in hop_signature.sign(secret, raw, time.time()).items()}
    return InterceptorRequest(
        body=raw.decode(),
        header=headers,
        params=params,
        context=TriggerContext(event_id=event_id, trigger_id=trigger_id) if event_id else None,
    )


@pytest.fixture
async def services_factory(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    made: list[Services] = []

    async def make(store_url: str, slack_url: str = "") -> Services:
        directory = tmp_path / f"s{len(made)}"
        directory.mkdir()
        settings: Settings = settings_for(directory, slack_url=slack_url)
        services = Services(
            settings, open_store(store_url), CelEnvironment(), OutboundClient(settings.outbound), Metrics()
        )
        made.append(services)
        return services

    yield make
    for services in made:
        await services.outbound.close()
        await services.store.close()


async def create_context(services: Services, handlers: dict[str, Any], tmp_path: Path) -> str:
    import yaml

    context_id = f"test-event-{uuid.uuid4().hex}"
    app = tmp_path / f"{context_id}.yaml"
    app.write_text(yaml.safe_dump(app_with(handlers)))
    assignment = parse_assignment("state.appName=orders")
    assert assignment is not None
    document = build_document(context_id, "dev", app, PRESETS / "slack" / "bases", [assignment])
    await services.store.create(context_id, document, Change("test", "init", []))
    return context_id


async def test_same_event_runs_once_across_two_replicas_sharing_redis(
    services_factory: Any, slack: Any, tmp_path: Path
) -> None:
    first = await services_factory(REDIS_URL, slack.url)
    second = await services_factory(REDIS_URL, slack.url)
    context_id = await create_context(first, HANDLERS, tmp_path)
    body = {"contextId": context_id, "pipeline": "build", "event": "success", "vars": {"who": "alice"}}
    event_id = f"evt-{uuid.uuid4()}"
    interceptors = [EventInterceptor(first, poll_seconds=0.02), EventInterceptor(second, poll_seconds=0.02)]

    # Tekton fires every trigger of the EventListener for one event: same body and event id, one
    # trigger id each, spread over the replicas behind the Service.
    responses = await asyncio.gather(
        *(
            interceptor.process(
                signed_request(body, event_id=event_id, trigger_id=f"namespaces/ci/triggers/t{n}")
            )
            for n, interceptor in enumerate(interceptors * 2)
        )
    )

    assert len(slack.requests) == 1
    assert (await second.store.get(context_id))["state"]["runs"] == ["alice"]
    payloads = [r.to_json() for r in responses]
    assert all(p == payloads[0] for p in payloads)
    assert payloads[0]["continue"] is True
    assert payloads[0]["extensions"]["event"] == {
        "contextId": context_id,
        "pipeline": "build",
        "event": "success",
        "handlers": [
            {
                "type": "notify",
                "block": "default",
                "status": "ok",
                "detail": payloads[0]["extensions"]["event"]["handlers"][0]["detail"],
            },
            {"type": "set-values", "block": "default", "status": "ok", "detail": "set state.runs"},
        ],
    }
    # A later repeat of the same event (another trigger of the same delivery) gets the recorded result.
    again = await interceptors[1].process(signed_request(body, event_id=event_id))
    assert again.to_json() == payloads[0] and len(slack.requests) == 1


async def test_set_is_applied_before_the_handlers_and_failures_continue(
    services_factory: Any, slack: Any, tmp_path: Path
) -> None:
    from tests.fakes.recorder import Reply

    services = await services_factory(f"sqlite:///{tmp_path}/e.db", slack.url)
    context_id = await create_context(services, HANDLERS, tmp_path)
    slack.script(Reply(body={"ok": False, "error": "not_in_channel"}))
    body = {
        "contextId": context_id,
        "pipeline": "build",
        "event": "success",
        "set": {"state.appName": "billing", "state.meta": {"n": 1}, "state.path": "file:///etc/passwd"},
        "vars": {"who": "bob"},
    }

    response = (await EventInterceptor(services).process(signed_request(body))).to_json()

    assert response["continue"] is True
    notify, set_values = response["extensions"]["event"]["handlers"]
    assert notify["status"] == "failed" and "not_in_channel" in notify["detail"]
    assert set_values["status"] == "ok"
    assert slack.requests[0].json()["text"] == "billing built by bob"
    state = (await services.store.get(context_id))["state"]
    assert (
        state["meta"] == {"n": 1} and state["path"] == "file:///etc/passwd"
    )  # posted text never reads files
    assert services.metrics.handler_outcomes.labels("notify", "failed")._value.get() == 1


@pytest.mark.parametrize(
    ("mutate", "code", "message"),
    [
        (
            lambda r, cid: InterceptorRequest(body=r.body),
            Code.UNAUTHENTICATED,
            "missing X-Interceptor-Signature",
        ),
        (
            lambda r, cid: signed_request(json.loads(r.body), secret="wrong"),
            Code.UNAUTHENTICATED,
            "does not match",
        ),
        (
            lambda r, cid: InterceptorRequest(
                body=r.body, header={k: v for k, v in r.header.items() if k != "X-Interceptor-Timestamp"}
            ),
            Code.UNAUTHENTICATED,
            "X-Interceptor-Timestamp must be unix seconds",
        ),
        (
            lambda r, cid: signed_request({**json.loads(r.body), "contextId": "nope"}),
            Code.NOT_FOUND,
            "context 'nope' not found",
        ),
        (
            lambda r, cid: signed_request({**json.loads(r.body), "pipeline": "ship"}),
            Code.NOT_FOUND,
            "known pipelines: build",
        ),
        (
            lambda r, cid: signed_request({**json.loads(r.body), "event": "boom"}),
            Code.NOT_FOUND,
            "known events: success",
        ),
        (lambda r, cid: signed_request({"contextId": cid}), Code.INVALID_ARGUMENT, "param pipeline"),
        (
            lambda r, cid: signed_request({**json.loads(r.body), "set": [1]}),
            Code.INVALID_ARGUMENT,
            "body.set",
        ),
    ],
)
async def test_stops_with_the_right_code(
    services_factory: Any, tmp_path: Path, mutate: Any, code: Code, message: str
) -> None:
    services = await services_factory(f"sqlite:///{tmp_path}/e.db")
    context_id = await create_context(services, {"set-values": {"set": []}}, tmp_path)
    good = signed_request({"contextId": context_id, "pipeline": "build", "event": "success"})

    response = await EventInterceptor(services).process(mutate(good, context_id))

    assert (response.continue_, response.code) == (False, code)
    assert message in response.message


async def test_params_and_verify_false(services_factory: Any, tmp_path: Path) -> None:
    services = await services_factory(f"sqlite:///{tmp_path}/e.db")
    context_id = await create_context(
        services, {"set-values": {"set": [{"from": "y", "to": "state.x"}]}}, tmp_path
    )
    request = InterceptorRequest(
        body=json.dumps({"ctx": {"id": context_id}}),
        params={"verify": "false", "contextId": "body.ctx.id", "pipeline": "'build'", "event": "'success'"},
    )

    response = await EventInterceptor(services).process(request)

    assert response.continue_ and response.extensions["event"]["handlers"][0]["status"] == "ok"


REPLAY_CASES = [
    # (event id, trigger id) of each delivery of ONE signed request; True where it must be refused.
    pytest.param(
        [("e-1", "namespaces/ci/triggers/task-events"), ("e-1", "namespaces/ci/triggers/task-failures")],
        [False, False],
        id="several-triggers-of-one-event",
    ),
    pytest.param(
        [("e-1", "namespaces/ci/triggers/task-events"), ("e-2", "namespaces/ci/triggers/task-events")],
        [False, True],
        id="replay-gets-a-new-event-id",
    ),
    pytest.param(
        # The EventListener runs every trigger for every delivery: the original claims the signature for
        # each, so each trigger of a replay finds its claim taken.
        [
            ("e-1", "namespaces/ci/triggers/task-events"),
            ("e-1", "namespaces/ci/triggers/task-failures"),
            ("e-2", "namespaces/ci/triggers/task-events"),
            ("e-2", "namespaces/ci/triggers/task-failures"),
            ("e-3", "namespaces/ci/triggers/task-failures"),
        ],
        [False, False, True, True, True],
        id="replays-to-every-trigger",
    ),
]


@pytest.mark.parametrize("store_kind", ["sqlite", "redis"])
@pytest.mark.parametrize(("deliveries", "refused"), REPLAY_CASES)
async def test_a_replayed_signed_event_runs_no_handlers(
    services_factory: Any,
    slack: Any,
    tmp_path: Path,
    store_kind: str,
    deliveries: list[tuple[str, str]],
    refused: list[bool],
) -> None:
    store_url = REDIS_URL if store_kind == "redis" else f"sqlite:///{tmp_path}/e.db"
    services = await services_factory(store_url, slack.url)
    context_id = await create_context(services, HANDLERS, tmp_path)
    body = {"contextId": context_id, "pipeline": "build", "event": "success", "vars": {"who": "eve"}}
    captured = signed_request(body, event_id="x")  # one signature, re-sent as is
    run = f"-{uuid.uuid4().hex}"  # event ids unique on the shared Redis
    interceptor = EventInterceptor(services, poll_seconds=0.02)

    responses = [
        await interceptor.process(
            InterceptorRequest(
                body=captured.body,
                header=captured.header,
                context=TriggerContext(event_id=event_id + run, trigger_id=trigger_id),
            )
        )
        for event_id, trigger_id in deliveries
    ]

    for response, expect_refused in zip(responses, refused, strict=True):
        if expect_refused:
            assert (response.continue_, response.code, response.message) == (
                False,
                Code.UNAUTHENTICATED,
                "replayed request: this signed request was already delivered",
            )
        else:
            assert response.continue_, response
    assert len(slack.requests) == 1  # the handlers ran once: for the first event id only
    assert (await services.store.get(context_id))["state"]["runs"] == ["eve"]


async def test_store_down_is_code_14(services_factory: Any) -> None:
    services = await services_factory("redis://127.0.0.1:1/0")
    request = signed_request({"contextId": "x", "pipeline": "build", "event": "success"}, event_id="e-1")

    response = await EventInterceptor(services).process(request)

    assert (response.continue_, response.code) == (False, Code.UNAVAILABLE)
