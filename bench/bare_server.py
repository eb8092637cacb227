"""The baseline: a bare aiohttp app that reads the body and returns a fixed JSON.

Run as its own process (``python bench/bare_server.py --port P``) so it gets its own GIL, exactly
like the service under test. Every figure in ``results.md`` is a ratio against this server.
"""

from __future__ import annotations

import argparse

from aiohttp import web

FIXED = b'{"continue":true,"status":{}}'


async def answer(request: web.Request) -> web.Response:
    await request.read()  # the service reads every body too; don't give the baseline a free pass
    return web.Response(body=FIXED, content_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", answer)
    print(f"bare server on 127.0.0.1:{args.port}", flush=True)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
