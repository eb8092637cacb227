"""``interceptor serve``: run the HTTP service until SIGTERM, then drain in-flight requests."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import socket

from interceptor.cli.options import add_common_options, settings_from_args
from interceptor.errors import ConfigError

log = logging.getLogger("interceptor.serve")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="interceptor serve", description="Run the HTTP service.")
    add_common_options(parser)
    parser.add_argument("--host", help="listen address (server.host)")
    parser.add_argument("--port", type=int, help="listen port (server.port)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    server = dataclasses.replace(
        settings.server,
        host=args.host or settings.server.host,
        port=args.port if args.port is not None else settings.server.port,
    )
    settings = dataclasses.replace(settings, server=server)

    # Heavy imports only for this command: the context CLI in Task steps stays light.
    from aiohttp import web

    from interceptor.log_format import configure_logging
    from interceptor.web.app import create_app
    from interceptor.web.tls import ReloadingTls

    configure_logging(args.log_level)
    tls = ReloadingTls(server.tls) if server.tls else None
    # Bind before starting, so `--port 0` can print the port the kernel chose.
    sock = _bind(server.host, server.port)
    port = sock.getsockname()[1]
    scheme = "https" if tls else "http"
    shown_host = "127.0.0.1" if server.host in ("0.0.0.0", "") else server.host  # noqa: S104
    base = f"{scheme}://{shown_host}:{port}"
    from handlers.delivery import describe_slack_delivery

    log.info("starting", extra={"url": base, "store": _display_store(settings.store.url)})
    log.info(describe_slack_delivery(settings))
    print(
        f"interceptor serving on {base}\n"
        f"  Tekton interceptors  POST {base}/interceptors/{{slack,context,event,cel}}\n"
        f"  Slack request URL    POST {base}/slack\n"
        f"  legacy webhook       POST {base}/webhooks/slack\n"
        f"  probes and metrics   GET  {base}/ready  {base}/live  {base}/metrics\n"
        f"  store                {_display_store(settings.store.url)}",
        flush=True,
    )
    web.run_app(
        create_app(settings),
        sock=sock,
        ssl_context=tls.context if tls else None,
        shutdown_timeout=server.shutdownTimeoutSeconds,
        access_log=None,
        print=None,
    )
    return 0


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"server: cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _display_store(url: str) -> str:
    from interceptor.store import redact_url

    return redact_url(url)
