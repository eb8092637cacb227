"""Why a target was missed and what would fix it, built from this run's own profiles and figures.

The diagnosis quotes the endpoint's py-spy profile from this run (share of busy samples); the
proposed fixes are the concrete code changes those profiles point to. Kept apart from
``report.py`` so the reasoning is easy to review and update as the code improves.
"""

from __future__ import annotations

from typing import Any


def _profile(run: Any, name: str) -> Any:
    return next((p for p in run.profiles if p.name == name and p.samples), None)


def share(run: Any, profile: str, needle: str, kind: str = "total") -> float:
    """The largest self/total share of functions whose name contains ``needle`` (0 when absent)."""
    found = _profile(run, profile)
    if found is None:
        return 0.0
    rows = [*found.by_self, *found.ours]
    values = [getattr(h, f"{kind}_pct") for h in rows if needle in h.function]
    return max(values, default=0.0)


def parts(run: Any, profile: str, items: list[tuple[str, str, str]]) -> str:
    """``label X%`` for each (label, needle, kind) found in the profile; absent ones are left out."""
    found = [(label, share(run, profile, needle, kind)) for label, needle, kind in items]
    return ", ".join(f"{label} {value}%" for label, value in found if value > 0)


def _cost_us(run: Any, group: str, fraction: float) -> str:
    pairs = [p for p in run.throughput if p.group == group and p.target.concurrency == 16]
    if not pairs or not pairs[0].target.rps or not pairs[0].baseline.rps:
        return ""
    ours = 1e6 / pairs[0].target.rps
    bare = 1e6 / pairs[0].baseline.rps
    return (
        f"At concurrency 16 the server spends about {ours:.0f} µs per request (1 ÷ throughput) against "
        f"{bare:.0f} µs for the bare handler; {fraction:.0%} of bare allows {bare / fraction:.0f} µs. "
    )


def slack_ratio(run: Any) -> str:
    p = "/interceptors/slack"
    return (
        _cost_us(run, p, 0.25)
        + "The profile (share of busy samples): "
        + parts(
            run,
            p,
            [
                (
                    "socket writes (the response carries the whole decoded payload, ~4 KB; bare sends 30 bytes)",
                    "_SelectorSocketTransport.write",
                    "self",
                ),
                ("JSON encoding of the response", "JSONEncoder.iterencode", "self"),
                ("form decoding `fast_unquote_plus`", "fast_unquote_plus", "self"),
                ("`decode_body` in total", "decode_body", "total"),
                ("JSON decoding", "JSONDecoder.raw_decode", "self"),
                ("HMAC", "HMAC", "self"),
            ],
        )
        + ". The answer is compact JSON already; its size is the point (the decoded payload). **Fix:** a faster "
        "JSON codec than the stdlib's for the envelope and the response (orjson, a new binary dependency the "
        "project has not taken), and more replicas (or 2 worker processes per pod) at high concurrency: one "
        "event loop queues every request behind the ones ahead of it."
    )


def context_ratio(run: Any) -> str:
    p = "/interceptors/context"
    return (
        _cost_us(run, p, 0.25)
        + f"The profile: the `contextId` expression {share(run, p, 'CelEnvironment.evaluate')}% (a plain field "
        f"path, read from the decoded JSON without the interpreter), the Redis GET plus JSON decode of the "
        f"document {share(run, p, 'RedisStore.get')}%, socket writes "
        f"{share(run, p, '_SelectorSocketTransport.write', 'self')}%; the rest is aiohttp's request handling and "
        "the envelope's JSON. **Fix:** a faster JSON codec for the envelope and the stored document (orjson, "
        "not taken), a per-process read cache is not an option (replicas must agree), so more replicas at "
        "high concurrency."
    )


def cel_ratio(run: Any) -> str:
    p = "/interceptors/cel"
    return (
        _cost_us(run, p, 0.10)
        + "The profile: "
        + parts(
            run,
            p,
            [
                ("cel-python evaluation", "CelEnvironment.evaluate_cel", "total"),
                (
                    "of which its tree-walking interpreter (`lark Interpreter._visit_tree`)",
                    "Interpreter._visit_tree",
                    "total",
                ),
                (
                    "`typing` alias hashing inside celpy's per-node type checks",
                    "_UnionGenericAlias.__hash__",
                    "total",
                ),
                (
                    "converting the whole body to CEL values (`Activation.cel_from_request`)",
                    "cel_from_request",
                    "total",
                ),
                ("`to_cel`", "to_cel", "total"),
            ],
        )
        + ". Already done: compiled programs cached, request JSON converted lazily, plain field selections read "
        "directly, cheaper node dispatch. **Fix** for what remains: macros (`exists`, `map`) still walk "
        "cel-python's tree per element; only a compiled CEL engine would remove that (out of scope: the issue "
        "forbids swapping engines)."
    )


def slack_url_ratio(run: Any) -> str:
    p = "/slack"
    return (
        _cost_us(run, p, 0.20)
        + f"The profile: the forward to the EventListener that every accepted click starts "
        f"(`Forwarder._forward`) is {share(run, p, 'Forwarder._forward')}% of the CPU (aiohttp client request "
        f"{share(run, p, 'ClientSession._request')}%), the dedupe claim in Redis "
        f"(`RedisStore.claim`) {share(run, p, 'RedisStore.claim')}%, decoding {share(run, p, 'decode_body')}%. "
        "The bare handler does none of this; the forward is the purpose of the endpoint, so the ratio is "
        "bounded by it. Already done: pooled keep-alive connections to the EventListener, a form parser 10× "
        "faster than `parse_qs`, one `SET NX PX` per dedupe claim. **Fix:** run the forward in a second "
        "process (a queue between the ack and the forwarder), so acks never share the CPU with forwards; "
        "a faster JSON codec (orjson, not taken)."
    )


def p99(group: str) -> Any:
    def explain(run: Any) -> str:
        pair = next((x for x in run.throughput if x.group == group and x.target.concurrency == 16), None)
        if pair is None:
            return "not measured"
        return (
            f"p50 {pair.target.p50_ms:.1f} ms, p99 {pair.target.p99_ms:.1f} ms at {pair.target.rps:.0f} req/s: at "
            "concurrency 16 a request waits for the 15 ahead of it on one event loop, so p99 ≈ 16 × the "
            "per-request CPU; a tail several times the median also points at pauses outside the handler "
            "(the shared Redis, GC of the decoded documents, other work on this shared 2-core machine; bare: "
            f"{pair.baseline.p99_ms:.1f} ms). **Fix:** the per-request CPU fixes above; two worker processes "
            "per pod halve the queue."
        )

    return explain


def cli_get(run: Any) -> str:
    get = next((c for c in run.cli if c.name == "context get"), None)
    if get is None:
        return "not measured"
    imports = ", ".join(f"`{n}` {ms:.0f} ms" for n, ms in run.cli_imports[:5])
    return (
        f"Ours {get.ours:.0f} ms against {get.theirs:.0f} ms: both are dominated by interpreter start-up and "
        f"imports, not by the read. Our largest imports (`-X importtime`): {imports}. Already done: a "
        "synchronous one-shot read path (sqlite3 or a minimal RESP client; no asyncio, no redis-py), lazy "
        "imports. **Fix:** settings as plain classes instead of dataclasses (~10-15 ms of import)."
        + _event_handle_note(run)
    )


def _event_handle_note(run: Any) -> str:
    event = next((c for c in run.cli if c.name == "event handle"), None)
    if event is None or event.ours <= event.theirs:
        return ""
    return (
        f" Not a target, but `event handle` is slower than cicdstatemgr's ({event.ours:.0f} vs "
        f"{event.theirs:.0f} ms): `interceptor.outbound` imports aiohttp's client (about 200 ms of imports "
        "here, see the list under the CLI table) where cicdstatemgr imports requests; a CLI-only "
        "outbound backend on `http.client`/urllib3 in a worker thread would remove it."
    )


def ack_p99(run: Any) -> str:
    slow = next((a for a in run.acks if "5 s" in a.scenario), None)
    if slow is None:
        return "not measured"
    return (
        f"p99 {slow.p99_ms:.1f} ms with {slow.non_200} non-200 answers. The forward is submitted, not awaited "
        "(a test holds the EventListener open and checks the ack arrives first), so the tail is most likely CPU shared "
        "with the hundreds of forwards in flight on the same event loop (each encodes, signs and holds a "
        "connection). **Fix:** move forwards to a separate worker process fed by a queue."
    )


def lost_updates(run: Any) -> str:
    lost = ", ".join(f"{w.name}: {w.lost}" for w in run.writers)
    return f"Lost: {lost}. **Fix:** every write must be one atomic read-modify-write."


def rss(run: Any) -> str:
    return (
        f"Checkpoints (requests, KiB): {run.memory.checkpoints if run.memory else 'none'}. **Fix:** compare "
        "`tracemalloc` snapshots between checkpoints; suspects are unbounded caches and the forwarder's task set."
    )


EXPLAIN = {
    "slack-ratio": slack_ratio,
    "context-ratio": context_ratio,
    "cel-ratio": cel_ratio,
    "slack-url-ratio": slack_url_ratio,
    "slack-p99": p99("/interceptors/slack"),
    "context-p99": p99("/interceptors/context"),
    "ack-p99": ack_p99,
    "cli-get": cli_get,
    "lost-updates": lost_updates,
    "rss": rss,
}


def why(key: str, run: Any) -> str:
    """One paragraph: the measured cause from this run's data, then the proposed fix."""
    explain = EXPLAIN.get(key)
    return explain(run) if explain else "no explanation recorded"
