"""The HTTP scenarios of one run: throughput against paired baselines, Slack ack latency with a
slow or dead EventListener, memory growth, and py-spy profiles of the hot paths."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import hotspots
import loadgen
import payloads
from loadgen import Result, Target
from processes import Child


@dataclass
class Pair:
    """One endpoint at one concurrency, with the bare baseline measured just before it."""

    group: str
    target: Result
    baseline: Result
    check: str = "ok"

    @property
    def ratio(self) -> float:
        return self.target.rps / self.baseline.rps if self.baseline.rps else 0.0


@dataclass
class AckResult:
    scenario: str
    requests: int
    p50_ms: float
    p99_ms: float
    non_200: int
    peer_seen: int
    peer_expected: int
    note: str = ""


@dataclass
class MemoryResult:
    idle_kib: int
    checkpoints: list[tuple[int, int]] = field(default_factory=list)  # (requests served, RSS KiB)


@dataclass
class Profile:
    name: str
    samples: int
    by_self: list[hotspots.Hotspot]
    ours: list[hotspots.Hotspot]


def unique_slack_forms(start: int, count: int, response_url: str) -> tuple[list[bytes], list[dict[str, str]]]:
    now = int(time.time())
    forms = [payloads.slack_form(start + i, now, response_url=response_url) for i in range(count)]
    return [body for body, _ in forms], [headers for _, headers in forms]


async def check(url: str, body: bytes, headers: dict[str, str], expect_continue: bool) -> str:
    """One request before measuring: the numbers mean nothing if the endpoint refuses the input."""
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as resp:
        text = await resp.text()
    if resp.status != 200:
        return f"HTTP {resp.status}: {text[:160]}"
    if expect_continue:
        try:
            answer = json.loads(text)
        except ValueError:
            return f"not JSON: {text[:160]}"
        if answer.get("continue") is not True:
            return f"continue:false {json.dumps(answer.get('status'))[:160]}"
    return "ok"


class Throughput:
    """Runs targets against paired baselines; one baseline per (body kind, concurrency) and group."""

    def __init__(self, bare: Child, seconds: float, warmup: float, use_wrk: bool) -> None:
        self.bare = bare
        self.seconds = seconds
        self.warmup = warmup
        self.use_wrk = use_wrk
        self.pairs: list[Pair] = []
        self._baselines: dict[tuple[str, int], Result] = {}

    async def _baseline(self, key: str, target: Target, concurrency: int) -> Result:
        if (key, concurrency) not in self._baselines:
            path = target.url.split("/", 3)[3]
            bare_target = Target(
                f"bare:{key}",
                f"{self.bare.url}/{path}",
                target.bodies[:1],
                target.headers,
                target.body_headers[:1] if target.body_headers else None,
            )
            self._baselines[(key, concurrency)] = await loadgen.measure(
                bare_target, concurrency, self.seconds, self.warmup, self.use_wrk
            )
        return self._baselines[(key, concurrency)]

    async def run(
        self,
        group: str,
        target: Target,
        concurrency: int,
        *,
        baseline_key: str,
        expect_continue: bool = True,
        warm: Target | None = None,
    ) -> Pair:
        headers = target.body_headers[0] if target.body_headers else target.headers
        verdict = (
            await check(target.url, target.bodies[0], headers, expect_continue) if warm is None else "ok"
        )
        if warm is not None:  # unique bodies: check with the warm-up's first body, not a measured one
            warm_headers = warm.body_headers[0] if warm.body_headers else warm.headers
            verdict = await check(warm.url, warm.bodies[0], warm_headers, expect_continue)
        baseline = await self._baseline(baseline_key, target, concurrency)
        result = await loadgen.measure(target, concurrency, self.seconds, self.warmup, self.use_wrk, warm)
        pair = Pair(group, result, baseline, verdict)
        self.pairs.append(pair)
        print(
            f"  {target.name:<34} c={concurrency:<3} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.2f} ms"
            f"  p99 {result.p99_ms:7.2f} ms  ({pair.ratio:.0%} of bare {baseline.rps:.0f}/s)"
            + ("" if verdict == "ok" else f"  CHECK: {verdict}"),
            flush=True,
        )
        return pair


async def peer_count(peer: Child) -> int:
    async with aiohttp.ClientSession() as session, session.get(f"{peer.url}/_count") as resp:
        return int((await resp.json())["count"])


async def slack_ack(
    scenario: str,
    service: Child,
    peer: Child,
    requests: int,
    concurrency: int,
    expect_peer: int,
    settle_seconds: float,
    start: int,
) -> AckResult:
    """Ack latency of ``requests`` unique clicks at ``concurrency``; then wait for the peer to see
    ``expect_peer`` requests (forwards, or response_url notices when the listener is down)."""
    before = await peer_count(peer)
    bodies, headers = unique_slack_forms(start, requests, f"{peer.url}/response-url")
    target = Target(scenario, f"{service.url}/slack", bodies, body_headers=headers)
    result = await loadgen.run_python(target, concurrency, 0, count=requests)
    latencies_note = ""
    deadline = time.monotonic() + settle_seconds
    seen = await peer_count(peer) - before
    while seen < expect_peer and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        seen = await peer_count(peer) - before
    if seen < expect_peer:
        latencies_note = f"peer saw {seen}/{expect_peer} within {settle_seconds:g} s"
    return AckResult(
        scenario,
        result.requests,
        result.p50_ms,
        result.p99_ms,
        result.errors,
        seen,
        expect_peer,
        latencies_note,
    )


async def memory(service: Child, targets: list[Target], total: int, warm: int, use_wrk: bool) -> MemoryResult:
    """RSS at idle, after ``warm`` requests, then at checkpoints until ``total`` requests."""
    outcome = MemoryResult(service.rss_kib())
    served = 0
    checkpoints = [warm, warm + (total - warm) // 2, total]
    index = 0
    while checkpoints:
        target = targets[index % len(targets)]
        index += 1
        if use_wrk:
            result = await asyncio.to_thread(loadgen.run_wrk, target, 16, 2)
        else:
            result = await loadgen.run_python(target, 16, 2)
        served += result.requests
        while checkpoints and served >= checkpoints[0]:
            checkpoints.pop(0)
            outcome.checkpoints.append((served, service.rss_kib()))
    return outcome


async def profile(
    name: str, service: Child, target: Target, seconds: float, work: Path, use_wrk: bool
) -> Profile:
    raw = work / f"profile-{name.replace('/', '_')}.raw"
    sampler = hotspots.start(service.pid, seconds, raw)
    if sampler is None:
        return Profile(name, 0, [], [])
    if use_wrk:
        await asyncio.to_thread(loadgen.run_wrk, target, 16, seconds)
    else:
        await loadgen.run_python(target, 16, seconds)
    await asyncio.to_thread(sampler.wait, 30)
    if not raw.exists():
        return Profile(name, 0, [], [])
    samples, by_self, ours = hotspots.summarize(raw)
    return Profile(name, samples, by_self, ours)
