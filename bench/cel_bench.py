"""CEL cost on cel-python: cold compile, cached compile and evaluation, in microseconds.

Run: ``.venv/bin/python bench/cel_bench.py [--rounds N]``. Bodies are GitHub push payloads of about
3.6 KB and 20 KB; "eval" is the evaluation alone; "body→CEL" is the per-request conversion of the decoded JSON body
to cel-python values (done once per request, shared by the filter and all overlays).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interceptor.cel import CelEnvironment
from interceptor.cel.values import to_cel

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
    print(
        f"{'body':<16} {'expr':<8} {'compile cold µs':>16} {'compile cached µs':>18} {'eval µs':>10} {'body→CEL µs':>14}"
    )
    for body_label, name, cold, cached, evaluation, convert in rows:
        print(
            f"{body_label:<16} {name:<8} {cold:>16.0f} {cached:>18.1f} {evaluation:>10.0f} {convert:>14.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
