"""Redis is killed (SIGKILL) and restarted under load: no acknowledged write is lost, requests during
the outage get ``continue: false`` code 14 within the deadline (never a hang or a 500), and the same
service process recovers by itself once Redis is back."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from interceptor.context.operations import set_values
from interceptor.context.paths import parse_assignment
from interceptor.errors import StoreUnavailable
from interceptor.store import open_store
from interceptor.store.base import Change
from tests.faults.conftest import RedisServer, base_config, settings_for

pytestmark = pytest.mark.fault

CONTEXT_ID = "fault-outage-ctx"
DEADLINE_SECONDS = 3.0  # server.deadlineSeconds (default)
RECOVERY_LIMIT_SECONDS = 5.0


@dataclass
class Answer:
    started: float
    finished: float
    status: int
    body: object


def context_request() -> bytes:
    return json.dumps(
        {"body": json.dumps({"contextId": CONTEXT_ID}), "header": {}, "interceptor_params": {}}
    ).encode()


async def test_redis_killed_and_restarted_under_load(
    private_redis: RedisServer, start_service: object, tmp_path: Path
) -> None:
    settings = settings_for(
        tmp_path, base_config(private_redis.url, server={"deadlineSeconds": DEADLINE_SECONDS})
    )
    service = await start_service(settings)  # type: ignore[operator]
    writer_store = open_store(private_redis.url)  # a second writer, as the CLI in a Task step would be
    await writer_store.create(
        CONTEXT_ID, {"state": {"appTag": "1.0.0"}, "variables": {}}, Change("t", "t", [])
    )
    acknowledged: list[str] = []
    answers: list[Answer] = []
    stop = asyncio.Event()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            assignment = parse_assignment(f"state.writes.w{n}=v{n}")
            assert assignment is not None
            try:
                await set_values(writer_store, CONTEXT_ID, [assignment], Change("writer", "fault", []))
                acknowledged.append(f"w{n}")
            except StoreUnavailable:
                await asyncio.sleep(0.05)
            n += 1

    async def reader() -> None:
        while not stop.is_set():
            started = time.monotonic()
            status, body = await service.post("/interceptors/context", context_request())
            answers.append(Answer(started, time.monotonic(), status, body))

    tasks = [asyncio.create_task(writer())] + [asyncio.create_task(reader()) for _ in range(4)]
    try:
        await asyncio.sleep(1.0)
        killed_at = time.monotonic()
        private_redis.kill()
        acknowledged_before_kill = len(acknowledged)
        await asyncio.sleep(2.0)
        async with service.http.get(f"{service.url}/ready") as resp:
            ready_status = resp.status
        restarted_at = time.monotonic()
        await asyncio.to_thread(private_redis.start)
        recovered_at = None
        while time.monotonic() - restarted_at < RECOVERY_LIMIT_SECONDS + 2:
            fresh = [a for a in answers if a.started >= restarted_at and _continued(a)]
            if fresh:
                recovered_at = fresh[0].finished
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)

    assert ready_status == 503, "/ready must report the store outage"
    assert [a for a in answers if a.status != 200] == [], "every answer must be HTTP 200"
    slowest = max(a.finished - a.started for a in answers)
    assert slowest <= DEADLINE_SECONDS + 1.0, (
        f"a request took {slowest:.2f} s (deadline {DEADLINE_SECONDS} s)"
    )
    during = [a for a in answers if a.started > killed_at and a.finished < restarted_at]
    assert during, "no request ran entirely during the outage"
    codes = {(a.body["continue"], a.body["status"].get("code")) for a in during}  # type: ignore[index]
    assert codes == {(False, 14)}, f"outage answers: {codes}"
    assert recovered_at is not None, f"no successful answer within {RECOVERY_LIMIT_SECONDS} s of the restart"
    assert recovered_at - restarted_at <= RECOVERY_LIMIT_SECONDS
    assert acknowledged_before_kill > 0

    document = await writer_store.get(CONTEXT_ID)
    await writer_store.close()
    assert document is not None
    stored = set(document["state"]["writes"])
    missing = [w for w in acknowledged if w not in stored]
    assert missing == [], f"{len(missing)} acknowledged writes lost, e.g. {missing[:5]}"


def _continued(answer: Answer) -> bool:
    return isinstance(answer.body, dict) and answer.body.get("continue") is True
