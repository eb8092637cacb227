"""Hints for the CEL mistakes users make most often, printed by ``interceptor cel eval``."""

from __future__ import annotations

import re

from interceptor.cel.errors import CelError

_HEADER_INDEX = re.compile(r"header\[\s*['\"]([^'\"]+)['\"]\s*\](?!\s*\[)")
_INT_ARITHMETIC = re.compile(r"[+\-*/%]\s*\d+(?![.\deEu])|(?<![.\w])\d+(?![.\deEu])\s*[+\-*/%]")


def hints_for(error: CelError, expression: str, body: str) -> list[str]:
    hints: list[str] = []
    reason = error.reason
    header_use = _HEADER_INDEX.search(expression)
    if header_use and ("no such overload" in reason or "no such key" in reason):
        name = header_use.group(1)
        hints.append(
            f"header['{name}'] is a list of strings: use header.match('{name}', 'value') "
            f"or header['{name}'][0]; header keys are Go-canonical (X-Github-Event), "
            f"header.canonical('{name}') looks a name up in any case"
        )
    if "failed to parse the body as JSON" in error.message and body.lstrip().startswith(
        ("payload=", "token=")
    ):
        hints.append(
            "the body is a form (payload=...), not JSON: point Slack at /slack (which forwards JSON) "
            "or decode it with the slack interceptor first"
        )
    elif "failed to parse the body as JSON" in error.message:
        hints.append("the body must be a JSON object")
    if reason == "no such overload" and _INT_ARITHMETIC.search(expression):
        hints.append("JSON numbers are doubles: write 1.0 instead of 1, or convert with int(body.count)")
    if "undeclared reference" in reason:
        hints.append("the variables are body, header, extensions and requestURL")
    return hints
