"""One concurrent writer process: ``count`` writes of distinct paths to one context.

Run by the benchmark in 8 copies at once, all starting at the same ``--start-at`` instant:
``--impl ours`` under our venv (the store API the CLI uses, one atomic update per write), or
``--impl cicdstatemgr`` under cicdstatemgr's venv (its library: reload from Redis, set, persist,
i.e. ``--set --pre-set-force-reload``, its safest mode). Prints how many writes it made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time


def wait_until(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


async def ours(store_url: str, context_id: str, worker: int, count: int, start_at: float) -> int:
    from interceptor.context.operations import set_values
    from interceptor.context.paths import parse_assignment
    from interceptor.store import open_store
    from interceptor.store.base import Change

    store = open_store(store_url)
    try:
        await store.get(context_id)  # connect before the start line
        wait_until(start_at)
        for n in range(count):
            assignment = parse_assignment(f"state.writers.w{worker}_{n}=written")
            assert assignment is not None
            await set_values(store, context_id, [assignment], Change(f"writer-{worker}", "bench", []))
    finally:
        await store.close()
    return count


def theirs(config: str, secrets: str, context_id: str, worker: int, count: int, start_at: float) -> int:
    from cicdstatemgr.cicdstatemgr import CicdStateMgr

    manager = CicdStateMgr(config, secrets)
    wait_until(start_at)
    for n in range(count):
        manager.set_values_and_persist(context_id, [f"state.writers.w{worker}_{n}=written"], True)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--impl", choices=["ours", "cicdstatemgr"], required=True)
    parser.add_argument("--store", help="our store URL")
    parser.add_argument("--config")
    parser.add_argument("--secrets")
    parser.add_argument("--id", required=True)
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    args = parser.parse_args()
    if args.impl == "ours":
        done = asyncio.run(ours(args.store, args.id, args.worker, args.count, args.start_at))
    else:
        # cicdstatemgr resolves its yamlfile cache against the cwd: each writer has its own,
        # as each Tekton task pod would.
        os.chdir(os.environ["WRITER_DIR"])
        done = theirs(args.config, args.secrets, args.id, args.worker, args.count, args.start_at)
    print(done)


if __name__ == "__main__":
    main()
