"""``interceptor cel eval``: Tekton's ``cel-eval`` inputs, our environment, JSON output.

Errors print a caret under the failing position and a hint for the mistakes users make most.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interceptor.cel import Activation, CelEnvironment, CelError
from interceptor.cel.hints import hints_for
from interceptor.cel.httpfile import parse_http_request
from interceptor.cel.overlays import overlay_json
from interceptor.cel.values import to_cel, to_python
from interceptor.cli.options import add_common_options
from interceptor.errors import InvalidInput


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interceptor cel", description="Evaluate CEL like Tekton does.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("eval", help="evaluate one expression over a raw HTTP request (cel-eval's inputs)")
    run.add_argument(
        "-e", "--expression", required=True, help="file holding the expression, or the expression"
    )
    run.add_argument("-r", "--http-request", required=True, help="raw HTTP/1.1 request file")
    run.add_argument("--extensions", help="JSON file with the extensions variable (default {})")
    # The common options, so scripts can pass them to every command; cel.secrets backs compareSecret.
    add_common_options(run)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    expression = _read_expression(args.expression)
    request = parse_http_request(_read_file(args.http_request, "--http-request"))
    extensions = _read_extensions(args.extensions)
    env = CelEnvironment(secrets=_secrets(args))
    variables: dict[str, Any] = {}
    try:
        body = Activation.parse_body(request.body, empty_is_object=False)
        variables = {
            "body": to_cel(body),
            "header": to_cel(request.header),
            "extensions": to_cel(extensions),
            "requestURL": to_cel(request.target),
        }
        value = env.evaluate_cel(expression, variables)
    except CelError as exc:
        _report(exc, expression, request.body)
        return 1
    print(json.dumps(_printable(value), indent=2, ensure_ascii=False))
    return 0


def _printable(value: Any) -> Any:
    try:
        return overlay_json(value)
    except CelError:
        # Values an overlay cannot hold (null, uint, timestamps) still print here.
        plain = to_python(value)
        return plain.decode("utf-8", errors="replace") if isinstance(plain, bytes) else plain


def _report(exc: CelError, expression: str, body: str) -> None:
    lines = [f"error: {exc.detail}"]
    if exc.line and exc.stage == "eval":
        source = (expression.splitlines() or [""])[exc.line - 1]
        lines += [f" | {source}", f" | {'.' * max((exc.column or 1) - 1, 0)}^"]
    lines += [f"hint: {hint}" for hint in hints_for(exc, expression, body)]
    print("\n".join(lines), file=sys.stderr)


def _read_expression(value: str) -> str:
    path = Path(value)
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InvalidInput(f"--expression: cannot read {value}: {exc.strerror}") from exc
    return value


def _read_file(value: str, option: str) -> bytes:
    try:
        return Path(value).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{option}: cannot read {value}: {exc.strerror}") from exc


def _read_extensions(value: str | None) -> dict[str, Any]:
    if not value:
        return {}
    try:
        parsed = json.loads(_read_file(value, "--extensions"))
    except ValueError as exc:
        raise InvalidInput(f"--extensions: {value} is not JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise InvalidInput(f"--extensions: {value} must hold a JSON object")
    return parsed


def _secrets(args: argparse.Namespace) -> dict[str, dict[str, str]] | None:
    if not (args.config or args.secrets):
        return None  # cel-eval compares against an empty secret
    from interceptor.settings import load_settings

    return load_settings(args.config, args.secrets, store_url=args.store).cel.secrets
