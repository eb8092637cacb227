"""``make bench``: the whole benchmark in one run, written to ``bench/results.md``.

Real processes on loopback: the service (``interceptor serve``), the bare aiohttp baseline
(``bench/bare_server.py``) and fake peers (``bench/fake_peer.py``) each run in their own process;
``wrk`` (or, without it, an asyncio aiohttp client) generates the load. Every figure is a ratio
against a baseline measured in this same run: bare aiohttp for the HTTP endpoints (measured right
before each endpoint, with the same body and concurrency), cicdstatemgr 1.2.4 (its own venv,
installed on first use) for the CLI and for concurrent writers.

Usage: ``.venv/bin/python bench/run.py [--quick] [--output FILE]``. Uses the shared Redis on
127.0.0.1:6379 with unique ``bench8-…`` ids only (never flushes).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cli_compare  # noqa: E402
import configs  # noqa: E402
import loadgen  # noqa: E402
import payloads  # noqa: E402
import processes  # noqa: E402
import report  # noqa: E402
import scenarios  # noqa: E402
import writers  # noqa: E402
from loadgen import Target  # noqa: E402

REDIS_URL = f"redis://{configs.REDIS_HOST}:{configs.REDIS_PORT}/0"


@dataclass(frozen=True)
class Plan:
    quick: bool
    seconds: float
    warmup: float
    concurrencies: tuple[int, ...]
    cel_typical_concurrencies: tuple[int, ...]
    memory_total: int
    memory_warm: int
    cli_repeats: int
    ack_requests: int
    writers: int = 8
    writes_each: int = 50

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(True, 1, 1, (1, 16, 64), (16,), 20_000, 5_000, 3, 100)
        return cls(False, 3, 1, (1, 16, 64), (1, 16, 64), 100_000, 10_000, 7, 300)


@dataclass
class Run:
    plan: Plan
    started: float = field(default_factory=time.time)
    generator: str = ""
    throughput: list[scenarios.Pair] = field(default_factory=list)
    acks: list[scenarios.AckResult] = field(default_factory=list)
    memory: scenarios.MemoryResult | None = None
    profiles: list[scenarios.Profile] = field(default_factory=list)
    cli: list[cli_compare.Timing] = field(default_factory=list)
    cli_imports: list[tuple[str, float]] = field(default_factory=list)
    cli_event_imports: list[tuple[str, float]] = field(default_factory=list)
    writers: list[writers.WriterResult] = field(default_factory=list)
    cel_bench: str = ""
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def targets(service: processes.Child, context_id: str, peer: processes.Child, plan: Plan) -> dict[str, Any]:
    now = int(time.time())
    slack = Target(
        "/interceptors/slack", f"{service.url}/interceptors/slack", [payloads.slack_interceptor_request(now)]
    )
    context = Target(
        "/interceptors/context (Redis)",
        f"{service.url}/interceptors/context",
        [payloads.context_interceptor_request(context_id)],
    )
    cel = Target(
        "/interceptors/cel 1 filter+4 overlays 3.6 KB",
        f"{service.url}/interceptors/cel",
        [payloads.cel_request(3600, {"filter": payloads.CEL_FILTER, "overlays": payloads.CEL_OVERLAYS})],
    )
    typical = []
    for size, label in ((3000, "3 KB"), (20000, "20 KB")):
        for name, expression in payloads.CEL_TYPICAL.items():
            typical.append(
                (
                    f"cel:{label}",
                    Target(
                        f"/interceptors/cel {name} {label}",
                        f"{service.url}/interceptors/cel",
                        [payloads.cel_request(size, {"filter": expression})],
                    ),
                )
            )
    return {"slack": slack, "context": context, "cel": cel, "typical": typical}


_next_unique = [0]


def slack_target(service: processes.Child, peer: processes.Child, count: int, name: str) -> Target:
    """``count`` signed clicks never used before in this run (the dedupe key includes message_ts)."""
    start = _next_unique[0]
    _next_unique[0] += count
    bodies, headers = scenarios.unique_slack_forms(start, count, f"{peer.url}/response-url")
    return Target(name, f"{service.url}/slack", bodies, body_headers=headers)


def _take(count: int) -> int:
    start = _next_unique[0]
    _next_unique[0] += count
    return start


async def http_phase(run: Run, work: Path, clis: cli_compare.Clis) -> None:
    plan = run.plan
    use_wrk = loadgen.wrk_available()
    run.generator = "wrk 4 (1 thread, keep-alive)" if use_wrk else "asyncio aiohttp client (keep-alive)"
    children: list[processes.Child] = []
    try:
        bare = processes.start_bare(work)
        peer = processes.start_peer("peer", work)
        slow_peer = processes.start_peer("slow-listener", work, delay=5.0)
        children += [bare, peer, slow_peer]
        config = configs.service_config(
            work,
            "service",
            store_url=REDIS_URL,
            listener_url=f"{peer.url}/listener",
            slack_api=f"{peer.url}/api",
        )
        service = processes.start_service("service", config, work)
        children.append(service)
        idle_rss = service.rss_kib()
        t = targets(service, clis.ours_id, peer, plan)
        bench = scenarios.Throughput(bare, plan.seconds, plan.warmup, use_wrk)
        print("throughput (each against bare aiohttp measured just before it):", flush=True)
        for concurrency in plan.concurrencies:
            await bench.run("/interceptors/slack", t["slack"], concurrency, baseline_key="slack-ir")
            await bench.run("/interceptors/context", t["context"], concurrency, baseline_key="context-ir")
            await bench.run("/interceptors/cel", t["cel"], concurrency, baseline_key="cel-3.6")
            # /slack: unique signed clicks, so the double-click dedupe never short-cuts the work.
            per_run = 20_000 if use_wrk else 5_000
            if plan.quick:
                per_run //= 3
            await bench.run(
                "/slack",
                slack_target(service, peer, per_run, "/slack"),
                concurrency,
                baseline_key="slack-form",
                expect_continue=False,
                warm=slack_target(service, peer, per_run // 2, "/slack warm"),
            )
        for concurrency in plan.cel_typical_concurrencies:
            for key, target in t["typical"]:
                await bench.run("cel typical", target, concurrency, baseline_key=key)
        run.throughput = bench.pairs

        print("profiles (py-spy, concurrency 16):", flush=True)
        for name, target in (
            ("/interceptors/slack", t["slack"]),
            ("/interceptors/context", t["context"]),
            ("/interceptors/cel", t["cel"]),
        ):
            run.profiles.append(await scenarios.profile(name, service, target, 4, work, use_wrk))
        run.profiles.append(
            await scenarios.profile(
                "/slack", service, slack_target(service, peer, 20_000, "/slack profile"), 4, work, use_wrk
            )
        )

        print("slack ack latency:", flush=True)
        slow_config = configs.service_config(
            work,
            "service-slow-listener",
            store_url=REDIS_URL,
            listener_url=f"{slow_peer.url}/listener",
            slack_api=f"{peer.url}/api",
        )
        slow = processes.start_service("service-slow-listener", slow_config, work)
        children.append(slow)
        run.acks.append(
            await scenarios.slack_ack(
                "EventListener takes 5 s",
                slow,
                slow_peer,
                plan.ack_requests,
                16,
                plan.ack_requests,
                20.0,
                _take(plan.ack_requests),
            )
        )
        slow.stop()
        dead_port = processes.free_port()
        down_config = configs.service_config(
            work,
            "service-listener-down",
            store_url=REDIS_URL,
            listener_url=f"http://127.0.0.1:{dead_port}/",
            slack_api=f"{peer.url}/api",
        )
        down = processes.start_service("service-listener-down", down_config, work)
        children.append(down)
        run.acks.append(
            await scenarios.slack_ack(
                "EventListener down",
                down,
                peer,
                plan.ack_requests,
                16,
                plan.ack_requests,
                20.0,
                _take(plan.ack_requests),
            )
        )
        down.stop()
        for ack in run.acks:
            print(
                f"  {ack.scenario:<26} p50 {ack.p50_ms:.2f} ms p99 {ack.p99_ms:.2f} ms; peer saw "
                f"{ack.peer_seen}/{ack.peer_expected}",
                flush=True,
            )

        print("memory:", flush=True)
        service.stop()
        fresh = processes.start_service("service-memory", config, work)
        children.append(fresh)
        await asyncio.sleep(1.0)
        fresh_targets = targets(fresh, clis.ours_id, peer, plan)
        memory_targets = [fresh_targets["slack"], fresh_targets["context"], fresh_targets["cel"]]
        run.memory = await scenarios.memory(
            fresh, memory_targets, plan.memory_total, plan.memory_warm, use_wrk
        )
        print(
            f"  idle {run.memory.idle_kib} KiB (first instance idle {idle_rss} KiB); "
            f"checkpoints {run.memory.checkpoints}",
            flush=True,
        )
    finally:
        for child in reversed(children):
            child.stop()


def cli_phase(run: Run, work: Path, clis: cli_compare.Clis, slack_url: str) -> None:
    plan = run.plan
    print("CLI wall time (median of alternating runs):", flush=True)
    run.cli = cli_compare.time_clis(clis, plan.cli_repeats)
    for timing in run.cli:
        print(
            f"  {timing.name:<14} ours {timing.ours:7.0f} ms   cicdstatemgr {timing.theirs:7.0f} ms",
            flush=True,
        )
    run.cli_imports = cli_compare.import_profile(
        [
            "context",
            "get",
            clis.ours_id,
            "state.appTag",
            "--config",
            str(clis.files.config),
            "--secrets",
            str(clis.files.secrets),
        ]
    )
    run.cli_event_imports = cli_compare.import_profile(
        [
            "event",
            "handle",
            clis.ours_id,
            "deploy=success",
            "--config",
            str(clis.files.config),
            "--secrets",
            str(clis.files.secrets),
        ],
        nested=True,
    )
    print("concurrent writers:", flush=True)
    sqlite_url = f"sqlite:///{work}/writers.db"
    for result in (
        writers.ours("ours, SQLite", sqlite_url, clis, plan.writers, plan.writes_each),
        writers.ours("ours, Redis", REDIS_URL, clis, plan.writers, plan.writes_each),
        writers.theirs(clis, work, plan.writers, plan.writes_each, slack_url),
    ):
        run.writers.append(result)
        print(f"  {result.name:<28} {result.survived}/{result.expected} survived", flush=True)


def cel_microbench(run: Run) -> None:
    script = HERE / "cel_bench.py"
    if not script.exists():
        return
    rounds = "50" if run.plan.quick else "200"
    done = subprocess.run(
        [sys.executable, str(script), "--rounds", rounds],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=processes.ROOT,
    )
    run.cel_bench = (
        done.stdout.strip() if done.returncode == 0 else f"cel_bench.py failed: {done.stderr[-400:]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs and fewer requests (~3 minutes)")
    parser.add_argument("--output", default=str(HERE / "results.md"))
    args = parser.parse_args()
    run = Run(Plan.make(args.quick))
    work = HERE / ".work" / f"run-{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}"
    work.mkdir(parents=True)
    print(f"benchmark ({'quick' if args.quick else 'full'}); work dir {work}", flush=True)
    cicdstatemgr = cli_compare.ensure_cicdstatemgr(HERE / ".work" / "cicdstatemgr-venv")
    peer_for_cli = processes.start_peer("cli-slack", work)
    try:
        slack_url = f"{peer_for_cli.url}/api/chat.postMessage"
        files = configs.cli_files(work, slack_url)
        clis = cli_compare.Clis(files, cicdstatemgr, work)
        clis.init()
        for name, phase in (
            ("HTTP", lambda: asyncio.run(http_phase(run, work, clis))),
            ("CLI", lambda: cli_phase(run, work, clis, slack_url)),
        ):
            try:
                phase()
            except Exception as exc:  # report what was measured and what broke, not a traceback
                run.errors.append(f"{name} phase stopped: {type(exc).__name__}: {exc}"[:1000])
                print(run.errors[-1], file=sys.stderr, flush=True)
    finally:
        peer_for_cli.stop()
    cel_microbench(run)
    run.seconds = time.time() - run.started
    # Keep the raw figures next to the logs, as JSON, for anyone who wants to re-analyse a run.
    (work / "run.json").write_text(json.dumps(dataclasses.asdict(run), indent=1, default=str))
    Path(args.output).write_text(report.render(run))
    print(f"wrote {args.output} ({run.seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
