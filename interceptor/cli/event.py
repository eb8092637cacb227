"""``interceptor event handle|post``: run an event's handlers here, or post it to the EventListener.

``handle ID PIPELINE=EVENT`` runs in-process against the configured store and prints one line per
block; it exits 1 when a block failed that is not ``optional: true``. ``--dry-run`` prints every
request that would be sent (secrets masked as ``***``) and sends and stores nothing.

``post`` sends ``{"contextId", "pipeline", "event", "set": {path: value}, "vars": {key: value}}``,
signed with ``listener.secret`` (timestamp and signature headers; a retry re-sends the same signed
bytes, so the ``event`` interceptor runs it at most once), to the EventListener; it
prints the listener's reply and exits 1 on a non-2xx reply or when the listener cannot be reached
after the retries. ``--set`` values are resolved here: ``P:=JSON`` is sent typed and
``file://F`` is read on this machine and sent as its content.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import sys
import time
from typing import Any

from handlers.result import EventResult
from handlers.runner import handle_event, parse_sets
from handlers.runtime import Runtime
from interceptor import hop_signature
from interceptor.cli.options import add_common_options, settings_from_args
from interceptor.errors import InvalidInput, OutboundError
from interceptor.outbound import OutboundClient
from interceptor.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interceptor event", description="run or post pipeline events")
    commands = parser.add_subparsers(dest="command", required=True)
    handle = commands.add_parser("handle", help="run PIPELINE=EVENT's handlers in this process")
    handle.add_argument("context_id", metavar="ID")
    handle.add_argument("target", metavar="PIPELINE=EVENT")
    handle.add_argument("--dry-run", action="store_true", help="print the requests; send and store nothing")
    post = commands.add_parser("post", help="post the event, signed, to the EventListener")
    post.add_argument("--context-id", required=True)
    post.add_argument("--pipeline", required=True)
    post.add_argument("--event", required=True)
    post.add_argument("--listener", help="EventListener URL (default: listener.url)")
    for sub in (handle, post):
        sub.add_argument(
            "--set", action="append", default=[], metavar="P=V", help="P=V, P:=JSON, P[]=A,B, P{}=A,B"
        )
        sub.add_argument(
            "--tmpl-ctx-var", action="append", default=[], metavar="K=V", help="extra template variable"
        )
        add_common_options(sub)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from_args(args)
    for item in args.tmpl_ctx_var:
        if "=" not in item or not item.partition("=")[0].strip():
            raise InvalidInput(f"--tmpl-ctx-var {item!r}: expected KEY=EXPRESSION")
    if args.command == "handle":
        return asyncio.run(_handle(args, settings))
    return asyncio.run(_post(args, settings))


async def _handle(args: argparse.Namespace, settings: Settings) -> int:
    pipeline, equals, event = args.target.partition("=")
    if not equals or not pipeline.strip() or not event.strip() or "=" in event:
        raise InvalidInput(f"{args.target!r}: expected PIPELINE=EVENT, e.g. build=success")
    sets = parse_sets(args.set)
    from interceptor.store import open_store

    store = open_store(settings.store.url, ttl_days=settings.store.ttlDays)
    outbound = OutboundClient(settings.outbound)
    runtime = Runtime(settings, outbound, store, printer=_print_request, dry_run=args.dry_run)
    try:
        result = await handle_event(
            runtime,
            args.context_id,
            pipeline.strip(),
            event.strip(),
            sets=sets,
            tmpl_ctx_vars=args.tmpl_ctx_var,
            actor=_actor(),
            source="interceptor event handle",
        )
    finally:
        await outbound.close()
        await store.close()
    return _report(result)


def _report(result: EventResult) -> int:
    for handler in result.handlers:
        print(handler.line())
    if not result.handlers:
        print(f"{result.pipeline}={result.event}: no handler blocks")
    if result.failed:
        failed = [
            f"{h.type}/{h.block}" if h.block else h.type
            for h in result.handlers
            if h.status == "failed" and not h.optional
        ]
        print(
            f"interceptor event: error: {len(failed)} handler block(s) failed: {', '.join(failed)}",
            file=sys.stderr,
        )
        return 1
    return 0


def _print_request(text: str) -> None:
    print(text, flush=True)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


async def _post(args: argparse.Namespace, settings: Settings) -> int:
    url = args.listener or settings.listener.url
    if not url:
        raise InvalidInput("no EventListener URL: pass --listener or set listener.url in the config")
    body = json.dumps(
        {
            "contextId": args.context_id,
            "pipeline": args.pipeline,
            "event": args.event,
            "set": _posted_sets(args.set),
            "vars": {k.strip(): v for k, _, v in (item.partition("=") for item in args.tmpl_ctx_var)},
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if settings.listener.secret:
        headers.update(hop_signature.sign(settings.listener.secret, body, time.time()))
    else:
        print(
            "interceptor event: warning: listener.secret is not configured; posting unsigned", file=sys.stderr
        )
    # The listener is named explicitly, so outbound.allowHosts (meant for template-driven URLs) does not apply.
    outbound = OutboundClient(
        dataclasses.replace(
            settings.outbound, allowHosts=None, totalTimeoutSeconds=settings.listener.timeoutSeconds
        )
    )
    try:
        response = await outbound.post(
            url, body, headers, purpose="event post", retries=settings.listener.retries
        )
    except OutboundError as exc:
        print(f"interceptor event: error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        await outbound.close()
    print(f"HTTP {response.status}: {response.text.strip()}")
    if not response.ok:
        print(f"interceptor event: error: the EventListener answered HTTP {response.status}", file=sys.stderr)
        return 1
    return 0


def _posted_sets(expressions: list[str]) -> dict[str, Any]:
    """``--set`` expressions as the posted ``set`` map: text stays text, the rest is sent typed."""
    posted: dict[str, Any] = {}
    for assignment in parse_sets(expressions):
        suffix = {"set": "", "append": "[]", "union": "{}"}[assignment.mode]
        key = assignment.dotted + suffix
        if assignment.clear:
            posted[key] = "[]"
        elif assignment.mode == "set":
            posted[key] = assignment.value
        else:
            posted[key] = list(assignment.value)
    return posted
