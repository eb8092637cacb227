import re
import socket

import pytest

from interceptor.errors import OutboundError
from interceptor.outbound import OutboundClient
from interceptor.settings import OutboundSettings
from tests.fakes.recorder import Recorder, Reply


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("script", "final_status", "attempts"),
    [
        ([Reply(500), Reply(502), Reply(200)], 200, 3),
        ([Reply(503)] * 5, 503, 4),  # retries=3: the fourth answer is returned as it is
        ([Reply(400, {"ok": False, "error": "invalid_blocks"})], 400, 1),
        ([Reply(200, "ok")], 200, 1),
    ],
)
async def test_retries_transient_statuses_within_the_budget(
    script: list[Reply], final_status: int, attempts: int
) -> None:
    sleep = RecordingSleep()
    client = OutboundClient(OutboundSettings(retries=3), sleep=sleep)
    async with Recorder() as fake:
        fake.script(*script)
        response = await client.post(f"{fake.url}/hook", b"{}", {"Content-Type": "application/json"})
    await client.close()
    assert (response.status, response.attempts, len(fake.requests)) == (final_status, attempts, attempts)
    assert len(sleep.delays) == attempts - 1


async def test_429_waits_for_retry_after_capped() -> None:
    sleep = RecordingSleep()
    client = OutboundClient(OutboundSettings(retries=2), sleep=sleep, max_retry_after=10)
    async with Recorder() as fake:
        fake.script(
            Reply(429, headers={"Retry-After": "3"}), Reply(429, headers={"Retry-After": "99"}), Reply(200)
        )
        response = await client.post(f"{fake.url}/api/chat.postMessage", "{}")
    await client.close()
    assert response.ok
    assert sleep.delays == [3.0, 10.0]


async def test_connection_failures_raise_after_retries_naming_the_host() -> None:
    sleep = RecordingSleep()
    client = OutboundClient(OutboundSettings(retries=2), sleep=sleep)
    with pytest.raises(OutboundError, match=r"event post to 127\.0\.0\.1 failed after 3 attempts"):
        await client.post(f"http://127.0.0.1:{closed_port()}/", b"{}", purpose="event post")
    await client.close()
    assert len(sleep.delays) == 2


async def test_total_timeout_is_enforced() -> None:
    client = OutboundClient(OutboundSettings(retries=0, totalTimeoutSeconds=0.2), sleep=RecordingSleep())
    async with Recorder() as fake:
        fake.script(Reply(200, delay=2))
        with pytest.raises(OutboundError, match="timed out"):
            await client.post(f"{fake.url}/slow", b"{}")
    await client.close()


async def test_per_call_timeout_overrides_the_default() -> None:
    client = OutboundClient(OutboundSettings(retries=0, totalTimeoutSeconds=30), sleep=RecordingSleep())
    async with Recorder() as fake:
        fake.script(Reply(200, delay=2))
        with pytest.raises(OutboundError, match="timed out"):
            await client.post(f"{fake.url}/slow", b"{}", attempt_timeout=0.2)
    await client.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example.com/x", "host evil.example.com is not in outbound.allowHosts"),
        ("file:///etc/passwd", "is not an absolute http(s) URL"),
        ("slack.com/api", "is not an absolute http(s) URL"),
    ],
)
async def test_allowlist_and_scheme_are_enforced_before_sending(url: str, message: str) -> None:
    client = OutboundClient(OutboundSettings(allowHosts=["slack.com"]))
    with pytest.raises(OutboundError, match=re.escape(message)):
        await client.post(url, b"{}")
    await client.close()
