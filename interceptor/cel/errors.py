"""The one error type of the CEL package, carrying Tekton's code and message forms."""

from __future__ import annotations

from interceptor.errors import Code, InvalidInput
from interceptor.gojson_errors import go_quote

# The stage an expression failed in; each has Tekton's own wording (pkg/interceptors/cel/cel.go).
PARSE = "parse"
CHECK = "check"
EVAL = "eval"


class CelError(InvalidInput):
    """A CEL expression failed to parse, check or evaluate (code 3), or its result could not be
    converted (code 13).

    ``message`` is Tekton's full status message (``error evaluating cel expression: expression
    "body.x" failed to evaluate: no such key: x``); ``detail`` is the part after the prefix and
    ``reason`` the bare cause (``no such key: x``). ``line``/``column`` (1-based) locate the failing
    part of ``expression`` when cel-python knows it, for the caret under it.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Code = Code.INVALID_ARGUMENT,
        expression: str = "",
        reason: str = "",
        stage: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.expression = expression
        self.reason = reason or message
        self.stage = stage
        self.line = line
        self.column = column

    @classmethod
    def for_expression(
        cls, expression: str, stage: str, reason: str, line: int | None = None, column: int | None = None
    ) -> CelError:
        """Wrap ``reason`` the way Tekton's interceptor words a failure at ``stage``."""
        quoted = go_quote(expression)
        if stage == PARSE:
            detail = f"failed to parse expression {quoted}: {reason}"
        elif stage == CHECK:
            detail = f"expression {quoted} check failed: {reason}"
        else:
            detail = f"expression {quoted} failed to evaluate: {reason}"
        return cls(
            f"error evaluating cel expression: {detail}",
            expression=expression,
            reason=reason,
            stage=stage,
            line=line,
            column=column,
        )

    @property
    def detail(self) -> str:
        prefix = "error evaluating cel expression: "
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message


def issue(expression: str, line: int, column: int, text: str) -> str:
    """cel-go's issue format: ``ERROR: <input>:L:C: text`` plus the source line and a caret."""
    lines = expression.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else lines[-1]
    caret = "." * max(column - 1, 0) + "^"
    return f"ERROR: <input>:{line}:{column}: {text}\n | {source}\n | {caret}"
