"""A fake remote peer in its own process: the EventListener or the Slack Web API.

Answers every POST with ``{"ok": true, "ts": …, "channel": …}`` (what chat.postMessage returns, and
harmless for an EventListener) after ``--delay`` seconds. ``GET /_count`` returns how many
requests arrived, so the benchmark can check that forwards really happened.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json

from aiohttp import web


def build(delay: float) -> web.Application:
    counter = itertools.count(1)
    seen = {"n": 0}

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        n = next(counter)
        seen["n"] = n
        if delay:
            await asyncio.sleep(delay)
        body = {"ok": True, "ts": f"1767225600.{n:06d}", "channel": "C06B4N7R2PD"}
        return web.Response(body=json.dumps(body).encode(), content_type="application/json")

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"count": seen["n"]})

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_get("/_count", count)
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    print(f"fake peer on 127.0.0.1:{args.port} (delay {args.delay} s)", flush=True)
    web.run_app(build(args.delay), host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
