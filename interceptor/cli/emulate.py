"""``interceptor emulate``: run an EventListener's YAML locally ("test your EventListener offline").

Loads the Tekton Triggers manifests of a directory, listens like the EventListener would, calls
the interceptors (HTTP ones at their ``--resolve``d address, core ones in-process), and writes
every PipelineRun/TaskRun it would create to ``--out``. See the README section "Test your EventListener offline".
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from interceptor.emulator.options import EmulatorOptions, Loaded, load


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interceptor emulate",
        description="Emulate a Tekton EventListener locally from its YAML manifests.",
    )
    parser.add_argument(
        "--manifests",
        required=True,
        action="append",
        help="directory of Tekton Triggers YAML, read recursively (repeatable)",
    )
    parser.add_argument("--listener", default="", help="EventListener NAME or NAMESPACE/NAME (when several)")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="listen port (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--resolve",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="send interceptor NAME to URL, or SERVICE.NAMESPACE=BASE-URL for a Service (repeatable)",
    )
    parser.add_argument("--out", default="emulator-out", help="where rendered resources are written")
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="NS/NAME/KEY=VALUE",
        help="a Secret value (repeatable)",
    )
    parser.add_argument("--secrets", help="YAML file of Kubernetes Secret objects")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    options = EmulatorOptions(
        manifests_dirs=tuple(Path(d) for d in args.manifests),
        listener=args.listener,
        resolve=tuple(args.resolve),
        secrets=tuple(args.secret),
        secrets_file=Path(args.secrets) if args.secrets else None,
        out_dir=Path(args.out),
    )
    loaded = load(options)  # raises ConfigError (one line on stderr, exit 2) before anything listens

    from interceptor.log_format import configure_logging

    configure_logging(args.log_level)
    asyncio.run(_serve(options, loaded, args.host, args.port))
    return 0


async def _serve(options: EmulatorOptions, loaded: Loaded, host: str, port: int) -> None:
    from aiohttp import web

    from interceptor.web.emulator_server import create_emulator_app

    runner = web.AppRunner(create_emulator_app(options, loaded), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    el = loaded.listener
    lines = [
        f"emulating EventListener {el.namespace}/{el.name} on http://{host}:{bound}/",
        f"  events        GET http://{host}:{bound}/emulator/events",
        f"  output        {options.out_dir}",
        f"  triggers      {len(el.triggers)} inline/ref, {len(el.groups)} group(s)",
    ]
    lines += [f"  resolve       {name} -> {url}" for name, url in sorted(loaded.resolve.items())]
    lines += [f"  warning       {warning}" for warning in loaded.warnings]
    print("\n".join(lines), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
