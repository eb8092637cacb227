"""``interceptor cicdstatemgr``: a drop-in for cicdstatemgr 1.2.4's command line.

Same flags (with argparse's prefix abbreviations), same ``CICDSTATEMGR_*`` environment variables,
same mode precedence (``--init-new`` > ``--load`` > ``--get`` > ``--generate`` > ``--handle-event``
> ``--set``; flags the chosen mode does not use are ignored) and the same stdout. The context lives
in the store (``store.url``, or the config's ``datasources.redis``); after every write the local
``yamlfile``/``jsonfile``/``shellfile``/``idfile`` datasources are rewritten as before. Fixed:
dicts print as JSON, errors are one line on stderr (exit 1) with no help dump, writes are atomic,
``--get`` reads the store instead of a possibly stale local file, and ``--init-new`` refuses an
existing id unless ``--init-force``. See the README section "Migrating from cicdstatemgr".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from interceptor.context.history import resolve_actor
from interceptor.context.paths import Assignment, parse_assignment
from interceptor.errors import AlreadyExists, InterceptorError, InvalidInput
from interceptor.settings import Settings, load_settings
from interceptor.store.base import Change, ContextStore, Document

LOG = logging.getLogger("cicdstatemgr")
SOURCE = "cicdstatemgr"
LOG_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"cicdstatemgr: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="interceptor cicdstatemgr", description="cicdstatemgr-compatible command line")
    add = parser.add_argument
    add("-l", "--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ERROR (logs go to stderr)")
    add("--config", help="config YAML (env CICDSTATEMGR_CONFIG_PATH)")
    add("--secrets", help="secrets YAML (env CICDSTATEMGR_SECRETS_PATH)")
    add("--store", help="store URL; overrides store.url and datasources.redis (env INTERCEPTOR_STORE)")
    add("--init-new", metavar="ID", help="create a context with this id and print the id")
    add("--init-cicd-context-name", default="stage", help="the cicd-contexts.<name> block (stage)")
    add("--init-bases-dir", help="directory of bases files (env CICDSTATEMGR_BASES_DIR_PATH)")
    add("--init-app-config-file", help="app pipeline config (env CICDSTATEMGR_INIT_APP_CONFIG_PATH)")
    add("--init-force", action="store_true", help="let --init-new replace an existing context")
    add("--id", help="context id (env CICDSTATEMGR_CONTEXT_DATA_ID)")
    add("--tmpl-ctx-var", action="append", default=[], metavar="KEY=EXPR")
    add("--load", action="store_true", help="load the context and rewrite the local files")
    add("--get", metavar="JSONPATH", help="print a value (strings are rendered as templates)")
    add("--generate", metavar="JSONPATH", help="run the generator block at this path")
    add("--set", action="append", default=[], metavar="P=V", help="write values; each is also split on |")
    add("--pre-set-force-reload", action="store_true", help="accepted; writes are always atomic now")
    add("--handle-event", metavar="PIPELINE=EVENT", help="run the event handlers of a pipeline event")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.log_level)
    try:
        return asyncio.run(_run(args, os.environ))
    except InterceptorError as exc:
        # cicdstatemgr exits 1 on every failure; Task scripts test for exactly that.
        print(f"cicdstatemgr: error: {exc.message}", file=sys.stderr)
        return 1


def _configure_logging(level: str) -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        print(
            f"cicdstatemgr: error: --log-level {level!r}: expected DEBUG, INFO, WARNING or ERROR",
            file=sys.stderr,
        )
        raise SystemExit(2)
    logging.basicConfig(level=numeric, format=LOG_FORMAT, stream=sys.stderr)


def _required(value: str | None, env: Mapping[str, str], variable: str, flag: str) -> str:
    result = value or env.get(variable)
    if not result:
        raise InvalidInput(f"{flag} is required (or set {variable})")
    return result


def split_sets(values: list[str]) -> list[Assignment]:
    """cicdstatemgr's ``--set``: each value split on ``|``; empty pieces and empty values skipped."""
    assignments = []
    for value in values:
        for piece in value.split("|"):
            if not piece.strip():
                continue
            assignment = parse_assignment(piece.strip(), compat=True)
            if assignment is None:
                LOG.warning("--set %r has an empty value; skipped (as cicdstatemgr does)", piece.strip())
                continue
            assignments.append(assignment)
    return assignments


def _event(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    parts = text.split("=")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise InvalidInput(f"--handle-event {text!r}: expected PIPELINE=EVENT, e.g. build=success")
    return parts[0].strip(), parts[1].strip()


async def _run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    config = _required(args.config, env, "CICDSTATEMGR_CONFIG_PATH", "--config")
    secrets = args.secrets or env.get("CICDSTATEMGR_SECRETS_PATH") or None
    settings = load_settings(config, secrets, store_url=args.store)
    from interceptor.store import open_store

    store = open_store(settings.store.url, ttl_days=settings.store.ttlDays)
    try:
        return await _dispatch(args, env, settings, store)
    finally:
        await store.close()


async def _dispatch(
    args: argparse.Namespace, env: Mapping[str, str], settings: Settings, store: ContextStore
) -> int:
    change = Change(actor=resolve_actor(None, env), source=SOURCE, paths=[])
    if args.init_new:
        return await _init(args, env, settings, store, change)
    context_id = _required(args.id, env, "CICDSTATEMGR_CONTEXT_DATA_ID", "--id")
    if args.load:
        return await _load(args, context_id, settings, store, change)
    if args.get:
        return await _get(args, context_id, settings, store)
    if args.generate:
        from handlers.generators import run_generator

        document = await run_generator(store, settings, context_id, args.generate, args.tmpl_ctx_var, change)
        if document is not None:
            _write_local_files(settings, context_id, document)
        return 0
    if args.handle_event:
        return await _load(args, context_id, settings, store, change)
    if args.set:
        from interceptor.context.operations import set_values

        assignments = split_sets(args.set)
        if assignments:
            document = await set_values(store, context_id, assignments, change)
            _write_local_files(settings, context_id, document)
        return 0
    raise InvalidInput("nothing to do: give --init-new, --load, --get, --generate, --handle-event or --set")


async def _init(
    args: argparse.Namespace, env: Mapping[str, str], settings: Settings, store: ContextStore, change: Change
) -> int:
    from interceptor.context.document import build_document

    app_config = _required(
        args.init_app_config_file, env, "CICDSTATEMGR_INIT_APP_CONFIG_PATH", "--init-app-config-file"
    )
    bases_dir = args.init_bases_dir or env.get("CICDSTATEMGR_BASES_DIR_PATH") or None
    document = build_document(
        args.init_new,
        args.init_cicd_context_name,
        Path(app_config),
        Path(bases_dir) if bases_dir else None,
        split_sets(args.set),
    )
    event = _event(args.handle_event)
    try:
        await store.create(args.init_new, document, change, force=args.init_force)
    except AlreadyExists as exc:
        raise AlreadyExists(f"{exc.message}; pass --init-force to replace it") from exc
    if event is not None:
        document = await _handle_event(store, settings, args.init_new, event, args.tmpl_ctx_var, change)
    _write_local_files(settings, args.init_new, document)
    print(args.init_new)
    return 0


async def _load(
    args: argparse.Namespace, context_id: str, settings: Settings, store: ContextStore, change: Change
) -> int:
    """``--load`` and ``--handle-event``: apply ``--set``, run the event, rewrite the local files."""
    from interceptor.context.operations import require_document, set_values

    event = _event(args.handle_event)
    assignments = split_sets(args.set)
    if assignments:
        document = await set_values(store, context_id, assignments, change)
    else:
        document = await require_document(store, context_id)
    if event is not None:
        document = await _handle_event(store, settings, context_id, event, args.tmpl_ctx_var, change)
    _write_local_files(settings, context_id, document)
    return 0


async def _get(args: argparse.Namespace, context_id: str, settings: Settings, store: ContextStore) -> int:
    from interceptor.context.operations import render_result, require_document
    from interceptor.context.reads import NO_MATCH, collapse, compile_jsonpath

    jsonpath = compile_jsonpath(args.get)  # a bad expression fails before any store access
    document = await require_document(store, context_id)
    value = collapse([match.value for match in jsonpath.find(document)])
    if value is NO_MATCH or not value:
        return 0  # cicdstatemgr prints nothing for no match and for falsy values
    rendered = render_result(value, document, settings.cicdstatemgr, args.tmpl_ctx_var)
    if rendered != "":  # a template rendering to nothing prints nothing, as before
        print(format_compat(rendered))
    return 0


def format_compat(value: Any) -> str:
    """cicdstatemgr's stdout for a value, but JSON (not Python repr) for objects."""
    import json

    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


async def _handle_event(
    store: ContextStore,
    settings: Settings,
    context_id: str,
    event: tuple[str, str],
    tmpl_ctx_vars: list[str],
    change: Change,
) -> Document:
    from interceptor.context.events import handle_event

    return await handle_event(store, settings, context_id, event[0], event[1], tmpl_ctx_vars, change)


def _write_local_files(settings: Settings, context_id: str, document: Document) -> None:
    from interceptor.context.local_files import exclude_key_names, planned_files, write_files

    datasources = settings.cicdstatemgr.get("datasources") or {}
    if not isinstance(datasources, dict):
        raise InvalidInput("cicdstatemgr.datasources: expected a mapping")
    try:
        files = planned_files(None, None, datasources)
    except InvalidInput:
        return  # no local file datasource configured: nothing to write
    write_files(files, context_id, document, exclude_key_names(datasources))
