"""Render one run as ``bench/results.md``: environment, targets met/missed, every figure with its
same-run baseline, hotspots, and for each miss why and what would fix it."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from pathlib import Path
from typing import Any

import explanations


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        text = ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ms(value: float) -> str:
    return f"{value:.2f}"


def _pair(run: Any, group: str, concurrency: int) -> Any:
    return next((p for p in run.throughput if p.group == group and p.target.concurrency == concurrency), None)


def targets(run: Any) -> list[dict[str, Any]]:
    """Each target from the issue: what was measured, the threshold, met or missed."""
    rows: list[dict[str, Any]] = []

    def ratio_target(key: str, group: str, minimum: float) -> None:
        pairs = [p for p in run.throughput if p.group == group]
        if not pairs:
            rows.append(
                {
                    "key": key,
                    "target": f"{group} ≥ {minimum:.0%} of bare",
                    "measured": "not measured",
                    "met": False,
                }
            )
            return
        measured = ", ".join(f"c={p.target.concurrency}: {p.ratio:.0%}" for p in pairs)
        ok = all(p.ratio >= minimum and p.check == "ok" for p in pairs)
        rows.append(
            {
                "key": key,
                "target": f"`{group}` ≥ {minimum:.0%} of bare aiohttp req/s (every concurrency)",
                "measured": measured,
                "met": ok,
            }
        )

    ratio_target("slack-ratio", "/interceptors/slack", 0.25)
    ratio_target("context-ratio", "/interceptors/context", 0.25)
    ratio_target("cel-ratio", "/interceptors/cel", 0.10)
    ratio_target("slack-url-ratio", "/slack", 0.20)
    for key, group in (("slack-p99", "/interceptors/slack"), ("context-p99", "/interceptors/context")):
        pair = _pair(run, group, 16)
        rows.append(
            {
                "key": key,
                "target": f"`{group}` p99 ≤ 10 ms at concurrency 16",
                "measured": f"{pair.target.p99_ms:.2f} ms (bare: {pair.baseline.p99_ms:.2f} ms)"
                if pair
                else "not measured",
                "met": bool(pair and pair.target.p99_ms <= 10 and pair.check == "ok"),
            }
        )
    slow = next((a for a in run.acks if "5 s" in a.scenario), None)
    rows.append(
        {
            "key": "ack-p99",
            "target": "Slack ack p99 ≤ 100 ms while the EventListener takes 5 s",
            "measured": f"{slow.p99_ms:.2f} ms, {slow.peer_seen}/{slow.peer_expected} forwarded"
            if slow
            else "not measured",
            "met": bool(slow and slow.p99_ms <= 100 and slow.non_200 == 0),
        }
    )
    get = next((c for c in run.cli if c.name == "context get"), None)
    rows.append(
        {
            "key": "cli-get",
            "target": "CLI `context get` ≤ 1/3 of cicdstatemgr's wall time",
            "measured": f"{get.ours:.0f} ms vs {get.theirs:.0f} ms = {get.ours / get.theirs:.2f}×"
            if get
            else "not measured",
            "met": bool(get and get.ours <= get.theirs / 3),
        }
    )
    ours = [w for w in run.writers if w.name.startswith("ours")]
    rows.append(
        {
            "key": "lost-updates",
            "target": "0 lost updates (8 processes × 50 writes, ours on SQLite and Redis)",
            "measured": ", ".join(f"{w.name}: {w.lost} lost" for w in ours) or "not measured",
            "met": bool(ours) and all(w.lost == 0 for w in ours),
        }
    )
    memory = run.memory
    if memory and len(memory.checkpoints) >= 2:
        warm = memory.checkpoints[0][1]
        end = memory.checkpoints[-1][1]
        growth = (end - warm) / warm
        rows.append(
            {
                "key": "rss",
                "target": "RSS does not grow after warm-up (≤ 5% between warm-up and the end)",
                "measured": f"{warm / 1024:.1f} MiB after {memory.checkpoints[0][0]:,} → {end / 1024:.1f} MiB "
                f"after {memory.checkpoints[-1][0]:,} requests ({growth:+.1%})",
                "met": growth <= 0.05,
            }
        )
    else:
        rows.append(
            {
                "key": "rss",
                "target": "RSS does not grow after warm-up",
                "measured": "not measured",
                "met": False,
            }
        )
    return rows


def render(run: Any) -> str:
    plan = run.plan
    out: list[str] = []
    add = out.append
    add("# Benchmark results\n")
    add(
        f"- Date: {dt.datetime.fromtimestamp(run.started):%Y-%m-%d %H:%M} (run took {run.seconds:.0f} s, "
        f"{'`--quick`' if plan.quick else 'full run'})"
    )
    add(
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores (shared with other work; every figure is paired "
        "with a baseline measured in the same run, so compare ratios, not absolute numbers)"
    )
    add(f"- Python {platform.python_version()}, {platform.system()} {platform.release()}")
    add(
        f"- Load generator: {run.generator}; each measurement {plan.seconds:g} s after a {plan.warmup:g} s warm-up"
    )
    add(
        "- Servers: `interceptor serve` (store: Redis 127.0.0.1:6379), `bench/bare_server.py` (bare aiohttp, "
        "reads the body, returns a fixed JSON) and fake peers, each its own process"
    )
    add("")
    add("## Targets\n")
    add("| target | measured | status |")
    add("|---|---|---|")
    rows = targets(run)
    for row in rows:
        add(f"| {row['target']} | {row['measured']} | {'**met**' if row['met'] else '**missed**'} |")
    add("")
    misses = [row for row in rows if not row["met"]]
    if misses:
        add("### Misses: why, and what would fix them\n")
        for row in misses:
            add(f"- **{row['target']}** — {explanations.why(row['key'], run)}")
        add("")

    add("## Throughput and latency\n")
    add(
        "Ratio = endpoint req/s ÷ bare aiohttp req/s, same body, same concurrency, baseline measured just before.\n"
    )
    add("| endpoint | conc. | req/s | p50 ms | p99 ms | bare req/s | bare p50 | bare p99 | ratio | check |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for p in run.throughput:
        t, b = p.target, p.baseline
        flags = p.check
        if t.errors:
            flags += f"; {t.errors} errors"
        if t.wrapped:
            flags += "; bodies reused"
        add(
            f"| {t.target} | {t.concurrency} | {t.rps:,.0f} | {_ms(t.p50_ms)} | {_ms(t.p99_ms)} | {b.rps:,.0f} | "
            f"{_ms(b.p50_ms)} | {_ms(b.p99_ms)} | {p.ratio:.0%} | {flags} |"
        )
    add("")
    if run.cel_bench:
        add("### CEL in-process cost (`bench/cel_bench.py`, cel-python)\n")
        add("```text\n" + run.cel_bench + "\n```\n")

    add("## Slack ack latency with a slow or dead EventListener\n")
    add(
        f"{plan.ack_requests} unique signed clicks to `/slack`, 16 at a time; then wait for the peer to see "
        "every forward (slow listener) or every `response_url` failure notice (listener down).\n"
    )
    add("| scenario | requests | ack p50 ms | ack p99 ms | non-200 | peer saw | note |")
    add("|---|---:|---:|---:|---:|---:|---|")
    for a in run.acks:
        add(
            f"| {a.scenario} | {a.requests} | {_ms(a.p50_ms)} | {_ms(a.p99_ms)} | {a.non_200} | "
            f"{a.peer_seen}/{a.peer_expected} | {a.note} |"
        )
    add("")

    add("## CLI wall time vs cicdstatemgr 1.2.4\n")
    add(
        f"Median of {plan.cli_repeats} alternating runs each; same config.yaml/secrets.yaml, Redis primary; "
        "`event handle` posts one notify to a fake Slack and runs one set-values.\n"
    )
    add("| command | ours ms | cicdstatemgr ms | ours ÷ theirs |")
    add("|---|---:|---:|---:|")
    for c in run.cli:
        add(f"| `{c.name}` | {c.ours:.0f} | {c.theirs:.0f} | {c.ours / c.theirs:.2f} |")
    if run.cli_imports:
        add(
            "\nSlowest top-level imports of `interceptor context get` (`-X importtime`, cumulative ms): "
            + ", ".join(f"`{name}` {ms:.0f}" for name, ms in run.cli_imports[:6])
        )
    event_imports = getattr(run, "cli_event_imports", [])
    if event_imports:
        add(
            "\nSlowest imports of `interceptor event handle` (any depth, cumulative ms): "
            + ", ".join(f"`{name}` {ms:.0f}" for name, ms in event_imports[:8])
        )
    add("")

    add("## Concurrent writers\n")
    add(
        f"{plan.writers} processes × {plan.writes_each} writes to distinct paths of one context, all starting at "
        "the same instant. cicdstatemgr uses its safest mode (reload from Redis before every set).\n"
    )
    add("| writer | survived | lost | seconds |")
    add("|---|---:|---:|---:|")
    for w in run.writers:
        add(f"| {w.name} | {w.survived}/{w.expected} | {w.lost} | {w.seconds:.1f} |")
    add("")

    add("## Memory (VmRSS of the service process)\n")
    if run.memory:
        add("| point | requests served | RSS MiB |")
        add("|---|---:|---:|")
        add(f"| idle, after start | 0 | {run.memory.idle_kib / 1024:.1f} |")
        for i, (served, kib) in enumerate(run.memory.checkpoints):
            label = (
                "after warm-up" if i == 0 else ("end" if i == len(run.memory.checkpoints) - 1 else "midway")
            )
            add(f"| {label} | {served:,} | {kib / 1024:.1f} |")
        add(
            "\nRequests rotate over /interceptors/slack, /interceptors/context and /interceptors/cel at concurrency 16.\n"
        )

    add("## Hotspots (py-spy, concurrency 16, share of busy samples)\n")
    for prof in run.profiles:
        add(f"### {prof.name} ({prof.samples} samples)\n")
        if not prof.samples:
            add("no samples (py-spy missing or not permitted)\n")
            continue
        add("| function (self) | self % | total % |")
        add("|---|---:|---:|")
        for h in prof.by_self[:10]:
            add(f"| `{h.function}` | {h.self_pct} | {h.total_pct} |")
        add("\n| our code (total) | self % | total % |")
        add("|---|---:|---:|")
        for h in prof.ours[:10]:
            add(f"| `{h.function}` | {h.self_pct} | {h.total_pct} |")
        add("")
    if run.errors:
        add("## Errors during the run\n")
        for error in run.errors:
            add(f"- {error}")
    return "\n".join(out) + "\n"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
