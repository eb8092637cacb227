"""The ``interceptor`` command line.

Only the chosen subcommand's module is imported, so ``interceptor context get`` in a Task step does
not pay for aiohttp, jinja2 or CEL. Each module exposes ``main(argv) -> int``. This is the one outer
layer that turns any failure into one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import importlib
import sys

from interceptor.errors import InterceptorError

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("interceptor.cli.serve", "run the HTTP service"),
    "check": ("interceptor.cli.check", "validate configuration files and explain errors"),
    "context": ("interceptor.cli.context", "read and write context data"),
    "event": ("interceptor.cli.event", "run or post pipeline events"),
    "cel": ("interceptor.cli.cel", "evaluate CEL expressions like Tekton does"),
    "cicdstatemgr": ("interceptor.cli.cicdstatemgr", "drop-in for cicdstatemgr's command line"),
    "certs": ("interceptor.cli.certs", "generate TLS material for ClusterInterceptors"),
    "emulate": ("interceptor.cli.emulate", "run an EventListener's YAML locally"),
}


def usage() -> str:
    lines = ["usage: interceptor <command> [options]", "", "commands:"]
    lines += [f"  {name:<13} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m interceptor``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    if args[0] not in COMMANDS:
        print(f"interceptor: unknown command {args[0]!r}\n{usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(COMMANDS[args[0]][0])
        return int(module.main(args[1:]))
    except InterceptorError as exc:
        print(f"interceptor {args[0]}: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the one outer layer: no stack trace reaches a user
        print(f"interceptor {args[0]}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
