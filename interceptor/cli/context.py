"""``interceptor context init|get|set|load|generate|lock|unlock|history|delete|list``.

Output: ``init`` prints the id; ``get`` prints strings as-is and everything else as JSON (or all
of it as JSON/YAML with ``--format``); ``lock`` prints the fencing token; ``history`` prints JSON
lines; ``list`` one id per line. ``get`` exits 3 when nothing matches. Every failure is one line
on stderr (printed by :mod:`interceptor.cli`).

``get``, ``set``, ``lock`` and ``unlock`` are what Task steps call most, once per process, so their
wall time is mostly imports: ``get`` reads through :mod:`interceptor.store.quick_read` and walks
plain dotted paths without jsonpath-ng; the others write through
:mod:`interceptor.store.quick_write`, which runs the store's own transactions and scripts. Neither
imports asyncio or redis-py; where they cannot answer exactly as the store would, they raise
``Unsupported`` and the command runs on the full async store, as every other command does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from interceptor.cli.options import add_common_options, settings_from_args
from interceptor.errors import AlreadyExists, Conflict, NotFound

if TYPE_CHECKING:
    from interceptor.context.paths import Assignment
    from interceptor.settings import Settings
    from interceptor.store.base import Change, ContextStore, Document
    from interceptor.store.quick_read import QuickReader
    from interceptor.store.quick_write import QuickWriter

SOURCE = "cli"
T = TypeVar("T")
USAGE_EXIT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line on stderr (exit 2), never the whole help."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(USAGE_EXIT)


class _Skipped:
    """Stands in for the parser of a subcommand this call does not run (see :func:`build_parser`)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, a command name, just that subcommand is built.

    Building all ten subparsers costs a one-shot ``get`` several milliseconds, and a call that names
    its command parses, reports errors and prints help exactly as with all of them.
    """
    parser = _Parser(prog="interceptor context", description="Read and write context data.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser | _Skipped:
        if only is not None and name != only:
            return _Skipped()
        sub = commands.add_parser(name, help=help_text, description=help_text)
        add_common_options(sub)
        sub.add_argument("--actor", help="who makes the change, for the history (env INTERCEPTOR_ACTOR)")
        return sub

    init = command("init", "create a context from an app pipeline config and its bases")
    init.add_argument("id")
    init.add_argument("--context-name", required=True, help="the cicd-contexts.<name> block to use")
    init.add_argument("--app-config", required=True, help="the app pipeline config YAML")
    init.add_argument("--bases-dir", help="directory of the files named in the app config's bases")
    init.add_argument("--set", action="append", default=[], metavar="P=V", help="initial writes (repeatable)")
    init.add_argument("--force", action="store_true", help="replace an existing context with the same id")

    get = command("get", "print the value(s) a JSONPath matches; exit 3 when nothing matches")
    get.add_argument("id")
    get.add_argument("jsonpath")
    get.add_argument("--tmpl-ctx-var", action="append", default=[], metavar="K=V", help="implies --render")
    get.add_argument("--render", action="store_true", help="render a string result as a jinja2 template")
    get.add_argument("--format", choices=("raw", "json", "yaml"), default="raw")

    set_ = command("set", "write values: P=V (string), P:=JSON, P[]=A,B (append), P{}=A,B (append unique)")
    set_.add_argument("id")
    set_.add_argument("assignments", nargs="+", metavar="P=V")
    set_.add_argument("--lock", type=int, metavar="TOKEN", help="fencing token from 'context lock'")

    load = command("load", "write the context to local yaml/json/sh/id files")
    load.add_argument("id")
    load.add_argument("--out", help="directory (default: cicdstatemgr.datasources file paths)")
    load.add_argument("--formats", help="comma-separated subset of yaml,json,sh,id")

    generate = command("generate", "run the generator block at a JSONPath")
    generate.add_argument("id")
    generate.add_argument("jsonpath")
    generate.add_argument("--tmpl-ctx-var", action="append", default=[], metavar="K=V")

    lock = command("lock", "take the context's lease and print its fencing token")
    lock.add_argument("id")
    lock.add_argument("--ttl", type=float, default=60.0, metavar="S", help="lease duration in seconds (60)")

    unlock = command("unlock", "release the lease held by TOKEN")
    unlock.add_argument("id")
    unlock.add_argument("token", type=int)

    history = command("history", "print the context's change history (JSON lines)")
    history.add_argument("id")
    history.add_argument("--format", choices=("json", "yaml"), default="json")

    delete = command("delete", "delete a context, its history and its lease")
    delete.add_argument("id")

    command("list", "print every context id")
    return parser


def main(argv: list[str]) -> int:
    named = argv[0] if argv and (argv[0] in HANDLERS or argv[0] == "get") else None
    args = build_parser(named).parse_args(argv)
    settings = settings_from_args(args)
    if args.command == "get":
        return _get(args, settings)
    if args.command in QUICK_HANDLERS:
        return _quick(args, settings)
    return _on_store(args, settings)


def _on_store(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command on the full async store."""
    import asyncio

    return asyncio.run(_with_store(settings, lambda store: HANDLERS[args.command](args, settings, store)))


def _quick(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command on the synchronous one-shot writer (see the module docstring), or on the
    store when the writer cannot answer exactly as the store would."""
    from interceptor.store.quick_write import QuickWriter, Unsupported

    writer = QuickWriter(settings.store.url, ttl_days=settings.store.ttlDays)  # a bad URL fails first
    try:
        return QUICK_HANDLERS[args.command](args, writer)
    except Unsupported:  # raised before any I/O
        return _on_store(args, settings)


async def _with_store(settings: Settings, body: Callable[[ContextStore], Awaitable[T]]) -> T:
    from interceptor.store import open_store

    store = open_store(settings.store.url, ttl_days=settings.store.ttlDays)
    try:
        return await body(store)
    finally:
        await store.close()


def _change(args: argparse.Namespace) -> Change:
    from interceptor.context.history import resolve_actor
    from interceptor.store.base import Change

    return Change(actor=resolve_actor(args.actor), source=f"{SOURCE}:context {args.command}", paths=[])


def _assignments(texts: list[str]) -> list[Assignment]:
    from interceptor.context.paths import parse_assignment

    parsed = [parse_assignment(text) for text in texts]
    return [item for item in parsed if item is not None]


async def _init(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    from pathlib import Path

    from interceptor.context.document import build_document

    document = build_document(
        args.id,
        args.context_name,
        Path(args.app_config),
        Path(args.bases_dir) if args.bases_dir else None,
        _assignments(args.set),
    )
    try:
        await store.create(args.id, document, _change(args), force=args.force)
    except AlreadyExists as exc:
        raise AlreadyExists(f"{exc.message}; use --force to replace it") from exc
    print(args.id)
    return 0


def _get(args: argparse.Namespace, settings: Settings) -> int:
    """Synchronous: one read, no event loop (see the module docstring)."""
    from interceptor.context.reads import NO_MATCH, collapse, compile_reader, format_value
    from interceptor.store.quick_read import QuickReader

    reader = QuickReader(settings.store.url, ttl_days=settings.store.ttlDays)  # a bad URL fails first
    find = compile_reader(args.jsonpath)  # then a bad expression, before any store access
    document = _read_document(reader, settings, args.id)
    value = collapse(find(document))
    if value is NO_MATCH:
        raise NotFound(f"nothing matches {args.jsonpath!r} in context {args.id!r}")
    if args.render or args.tmpl_ctx_var:
        from interceptor.context.operations import render_result

        value = render_result(value, document, settings.cicdstatemgr, args.tmpl_ctx_var)
    print(format_value(value, args.format))
    return 0


def _read_document(reader: QuickReader, settings: Settings, context_id: str) -> Document:
    """The document, read by ``reader``, or by the full store where the quick reader cannot answer
    exactly as the store would (:class:`~interceptor.store.quick_read.Unsupported`)."""
    from interceptor.store.quick_read import Unsupported
    from interceptor.store.url import redact_url

    try:
        document = reader.read(context_id)
    except Unsupported:
        import asyncio

        document = asyncio.run(_with_store(settings, lambda store: store.get(context_id)))
    if document is None:
        raise NotFound(f"context {context_id!r} not found in {redact_url(settings.store.url)}")
    return document


async def _set(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    from interceptor.context.operations import set_values

    assignments = _assignments(args.assignments)
    await set_values(store, args.id, assignments, _change(args), lock_token=args.lock)
    return 0


def _set_quick(args: argparse.Namespace, writer: QuickWriter) -> int:
    """``set`` over the one-shot writer, with the very mutate and history entry the async path uses."""
    from interceptor.context.operations import assignment_update

    mutate, change = assignment_update(_assignments(args.assignments), _change(args))
    writer.update(args.id, mutate, change, lock_token=args.lock)
    return 0


async def _load(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    from interceptor.context.local_files import exclude_key_names, parse_formats, planned_files, write_files
    from interceptor.context.operations import require_document

    datasources = settings.cicdstatemgr.get("datasources") or {}
    formats = parse_formats(args.formats) if args.formats else None
    files = planned_files(args.out, formats, datasources)
    document = await require_document(store, args.id)
    write_files(files, args.id, document, exclude_key_names(datasources))
    return 0


async def _generate(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    from handlers.generators import run_generator

    await run_generator(store, settings, args.id, args.jsonpath, args.tmpl_ctx_var, _change(args))
    return 0


async def _lock(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    lease = await store.lock(args.id, args.ttl)
    print(lease.token)
    return 0


def _lock_quick(args: argparse.Namespace, writer: QuickWriter) -> int:
    print(writer.lock(args.id, args.ttl).token)
    return 0


async def _unlock(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    _check_released(args, await store.unlock(args.id, args.token))
    return 0


def _unlock_quick(args: argparse.Namespace, writer: QuickWriter) -> int:
    _check_released(args, writer.unlock(args.id, args.token))
    return 0


def _check_released(args: argparse.Namespace, released: bool) -> None:
    if not released:
        raise Conflict(
            f"context {args.id!r}: token {args.token} does not hold the lease (expired or released)"
        )


async def _history(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    from interceptor.context.history import format_history

    text = format_history(await store.history(args.id), args.format)
    if text:
        print(text)
    return 0


async def _delete(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    if not await store.delete(args.id):
        raise NotFound(f"context {args.id!r} not found in {store.url_for_display}")
    return 0


async def _list(args: argparse.Namespace, settings: Settings, store: ContextStore) -> int:
    for context_id in await store.list_ids():
        print(context_id)
    return 0


Handler = Callable[[argparse.Namespace, "Settings", "ContextStore"], Awaitable[int]]
HANDLERS: dict[str, Handler] = {
    "init": _init,
    "set": _set,
    "load": _load,
    "generate": _generate,
    "lock": _lock,
    "unlock": _unlock,
    "history": _history,
    "delete": _delete,
    "list": _list,
}
QuickHandler = Callable[[argparse.Namespace, "QuickWriter"], int]
QUICK_HANDLERS: dict[str, QuickHandler] = {"set": _set_quick, "lock": _lock_quick, "unlock": _unlock_quick}
