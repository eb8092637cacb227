"""CEL cost on cel-python: cold compile, cached compile and evaluation, in microseconds.

Run: ``.venv/bin/python bench/cel_bench.py [--rounds N]``. Bodies are GitHub push payloads of about
3.6 KB and 20 KB; "eval" is the evaluation alone; "body→CEL" is the conversion of the WHOLE decoded JSON
body to cel-python values (the interceptors convert lazily, only the fields an expression reads).

The second table is the in-process cost of one request: decoding the InterceptorRequest bytes and
running the interceptor (``CelInterceptor.process`` with ``make bench``'s 1 filter + 4 overlays over a
3.6 KB push event; the context interceptor's ``contextId`` evaluation, ``body.contextId`` by default),
without HTTP or the store.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.payloads import CEL_FILTER, CEL_OVERLAYS, cel_request, context_interceptor_request
from interceptor.cel import CelEnvironment
from interceptor.cel.values import to_cel
from interceptor.interceptors.cel import CelInterceptor
from interceptor.interceptors.context import ContextInterceptor
from interceptor.protocol import parse_request
from interceptor.services import Services
from interceptor.settings import Settings

EXPRESSIONS = {
    "filter": "body.ref == 'refs/heads/main' && header.match('X-GitHub-Event', 'push')",
    "overlay": "body.after.truncate(7)",
    "macro": "body.commits.exists(c, c.modified.exists(f, f.startsWith('src/')))",
}
HEADER = {"X-Github-Event": ["push"], "Content-Type": ["application/json"]}


def github_push(target_bytes: int) -> dict[str, Any]:
    commit = {
        "id": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73",
        "message": "Fix checkout rounding for multi-currency carts",
        "timestamp": "2026-03-02T10:15:42+01:00",
        "author": {"name": "Dana Ivers", "email": "dana@example.com", "username": "dana"},
        "added": ["docs/rounding.md"],
        "modified": ["src/checkout.py", "src/cart.py"],
        "removed": [],
    }
    body: dict[str, Any] = {
        "ref": "refs/heads/main",
        "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "after": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73",
        "repository": {
            "id": 461234987,
            "full_name": "acme/shop",
            "owner": {"login": "acme", "id": 5551234},
            "clone_url": "https://github.com/acme/shop.git",
            "topics": ["retail", "tekton"],
        },
        "pusher": {"name": "dana", "email": "dana@example.com"},
        "head_commit": commit,
        "commits": [],
    }
    while len(json.dumps(body)) < target_bytes:
        body["commits"].append(copy.deepcopy(commit))
    return body


def timed(function: Any, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    rows = []
    for label, size in (("3.6KB", 3600), ("20KB", 20000)):
        body = github_push(size)
        actual = len(json.dumps(body))
        for name, expression in EXPRESSIONS.items():
            cold_rounds = max(args.rounds // 10, 5)
            fresh = iter([CelEnvironment() for _ in range(cold_rounds)])
            cold = timed(lambda e=expression, f=fresh: next(f).compile(e), cold_rounds)
            env = CelEnvironment()
            env.compile(expression)
            cached = timed(lambda env=env, e=expression: env.compile(e), args.rounds)

            variables = {"body": to_cel(body), "header": to_cel(HEADER)}

            def evaluate(
                env: CelEnvironment = env, e: str = expression, v: dict[str, Any] = variables
            ) -> None:
                env.evaluate_cel(e, v)

            evaluation = timed(evaluate, args.rounds)
            convert = timed(lambda b=body: to_cel(b), args.rounds)
            rows.append((f"{label} ({actual} B)", name, cold, cached, evaluation, convert))
    print_rows(rows)
    print()
    print(f"{'per request (decode + interceptor)':<52} {'µs':>8}")
    for label, micros in per_request(args.rounds):
        print(f"{label:<52} {micros:>8.0f}")
    return 0


def per_request(rounds: int) -> list[tuple[str, float]]:
    """Median µs for one InterceptorRequest through each interceptor's in-process work."""
    env = CelEnvironment()
    services = Services(settings=Settings(), store=None, cel=env, outbound=None, metrics=None)  # type: ignore[arg-type]
    cel = CelInterceptor(services)
    context = ContextInterceptor(services)
    loop = asyncio.new_event_loop()
    cases = {
        "/interceptors/cel 1 filter+4 overlays 3.6 KB": cel_request(
            3600, {"filter": CEL_FILTER, "overlays": CEL_OVERLAYS}
        ),
        "/interceptors/cel 1 filter+4 overlays 20 KB": cel_request(
            20000, {"filter": CEL_FILTER, "overlays": CEL_OVERLAYS}
        ),
    }
    results = []
    try:
        for label, raw in cases.items():

            def run_cel(raw: bytes = raw) -> None:
                response = loop.run_until_complete(cel.process(parse_request(raw)))
                assert response.continue_, response.message

            run_cel()  # compile once: the service's steady state
            results.append((label, timed(run_cel, rounds)))
    finally:
        loop.close()
    raw = context_interceptor_request("orders-2.7.0-v1-dev-9f2c1e7")

    def run_context() -> None:
        assert context.context_id(parse_request(raw)) == "orders-2.7.0-v1-dev-9f2c1e7"

    run_context()
    results.append(("/interceptors/context contextId (body.contextId)", timed(run_context, rounds)))
    return results


def print_rows(rows: list[tuple[str, str, float, float, float, float]]) -> None:
    print(
        f"{'body':<16} {'expr':<8} {'compile cold µs':>16} {'compile cached µs':>18} {'eval µs':>10} {'body→CEL µs':>14}"
    )
    for body_label, name, cold, cached, evaluation, convert in rows:
        print(
            f"{body_label:<16} {name:<8} {cold:>16.0f} {cached:>18.1f} {evaluation:>10.0f} {convert:>14.0f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
