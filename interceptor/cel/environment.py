"""One CEL environment for the whole service: Tekton's functions, cel-go's extension libraries,
cel-go's operator semantics, and an LRU cache of compiled programs keyed by expression text."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lark
from celpy import celtypes
from celpy.celparser import CELParseError, CELParser
from celpy.evaluation import CELEvalError, CELSyntaxError, CELUnsupportedError, base_functions
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from interceptor.cel import (
    functions_lists,
    functions_math,
    functions_standard,
    functions_strings,
    functions_tekton,
)
from interceptor.cel.checker import Checker, CheckFailure, reject_optional_syntax
from interceptor.cel.errors import CHECK, EVAL, PARSE, CelError, issue
from interceptor.cel.evaluator import CelEvaluator
from interceptor.cel.field_path import MISSING, FieldPath, field_path, select_cel, select_json
from interceptor.cel.json_map import to_cel_lazy
from interceptor.cel.library import Function
from interceptor.cel.operators import OPERATORS
from interceptor.cel.scope import Scope
from interceptor.cel.values import to_cel, to_python

_TYPE_VALUES: dict[str, Any] = {
    "int": celtypes.IntType,
    "uint": celtypes.UintType,
    "double": celtypes.DoubleType,
    "string": celtypes.StringType,
    "bytes": celtypes.BytesType,
    "bool": celtypes.BoolType,
    "list": celtypes.ListType,
    "map": celtypes.MapType,
    "null_type": type(None),
    "type": celtypes.TypeType,
}


@dataclass(frozen=True)
class Program:
    """A parsed and checked expression, ready to evaluate any number of times. ``field_path`` is
    set when the expression is a plain field selection (``body.a.b``), read without the evaluator."""

    expression: str
    ast: lark.Tree
    free_variables: Mapping[str, tuple[int, int]]
    field_path: FieldPath | None = None


class CelEnvironment:
    """Compiles (once, cached) and evaluates CEL expressions with Tekton's environment.

    ``secrets`` backs ``compareSecret`` (``{secretName: {key: value}}``); ``None`` makes every
    secret read as empty, as Tekton's ``cel-eval`` does.
    """

    def __init__(
        self, secrets: Mapping[str, Mapping[str, str]] | None = None, cache_size: int = 1024
    ) -> None:
        if cache_size < 1:
            raise ValueError("cel.cacheSize must be at least 1")
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Program | CelError] = OrderedDict()
        self._lock = threading.Lock()
        self._parser = CELParser()
        member: dict[str, Function] = {}
        global_: dict[str, Function] = {}
        for library in (
            functions_standard,
            functions_tekton,
            functions_strings,
            functions_lists,
            functions_math,
        ):
            member.update(library.MEMBER)
            global_.update(library.GLOBAL)
        member["compareSecret"] = functions_tekton.make_compare_secret(secrets)
        self._checker = Checker(member, global_)
        # cel-python falls back to its own table for a name ours lacks; merged once, not per call.
        self._functions: dict[str, Any] = {**base_functions, **global_, **member, **OPERATORS}
        self._types = Scope(_TYPE_VALUES, self._functions)
        self.compile_count = 0  # how many expressions were actually parsed (for tests and metrics)

    def compile(self, expression: str) -> Program:
        """Parse and check ``expression``, or return the cached result. Raises :class:`CelError`."""
        with self._lock:
            cached = self._cache.get(expression)
            if cached is not None:
                self._cache.move_to_end(expression)
        if cached is None:
            cached = self._compile(expression)
            with self._lock:
                self._cache[expression] = cached
                self._cache.move_to_end(expression)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if isinstance(cached, CelError):
            raise cached
        return cached

    def cached(self, expression: str) -> bool:
        with self._lock:
            return expression in self._cache

    def _compile(self, expression: str) -> Program | CelError:
        self.compile_count += 1
        try:
            reject_optional_syntax(expression)
            ast = self._parser.parse(expression)
            result = self._checker.check(ast)
        except CELParseError as exc:
            line, column, text = _parse_problem(expression, exc)
            return CelError.for_expression(
                expression, PARSE, issue(expression, line, column, text), line, column
            )
        except CheckFailure as exc:
            stage = PARSE if exc.stage == PARSE else CHECK
            reason = issue(expression, exc.line, exc.column, exc.text)
            return CelError.for_expression(expression, stage, reason, exc.line, exc.column)
        _plain_rule_names(ast)
        return Program(expression, ast, result.free_variables, field_path(ast))

    def evaluate_cel(self, expression: str, variables: Mapping[str, Any]) -> Any:
        """Evaluate over already-converted CEL values; returns a CEL value. Raises :class:`CelError`."""
        program = self.compile(expression)
        path = program.field_path
        if path is not None and path[0] in variables:
            value = select_cel(variables[path[0]], path[1:])
            if value is not MISSING:
                return value
            # A failed selection is evaluated below, for cel-go's error and its position.
        for name, (line, column) in program.free_variables.items():
            if name not in variables:
                text = f"undeclared reference to '{name}' (in container '')"
                reason = issue(expression, line, column, text)
                raise CelError.for_expression(expression, CHECK, reason, line, column)
        # Variables shadow the type names (a variable called ``int`` wins), as they did in
        # cel-python's single activation.
        scope: Any = Scope(variables, self._functions, self._types)
        try:
            value = CelEvaluator(program.ast, scope).evaluate()
        except CELEvalError as exc:
            raise _eval_error(expression, exc) from None
        except (CELSyntaxError, CELUnsupportedError) as exc:
            raise CelError.for_expression(expression, EVAL, str(exc.args[0]), exc.line, exc.column) from exc
        except RecursionError as exc:
            raise CelError.for_expression(expression, EVAL, "expression nests too deeply") from exc
        return value

    def evaluate(self, expression: str, variables: Mapping[str, Any]) -> Any:
        """Evaluate ``expression`` over plain JSON-like ``variables`` (numbers become doubles, as
        Tekton decodes JSON; object keys are strings). Returns plain Python. Raises
        :class:`CelError`. Values are converted to CEL only where the expression reads them."""
        program = self.compile(expression)
        path = program.field_path
        if path is not None and path[0] in variables:
            value = select_json(variables[path[0]], path[1:])
            if value is not MISSING:
                return to_python(to_cel(value))
        return to_python(self.evaluate_cel(expression, {k: to_cel_lazy(v) for k, v in variables.items()}))


def _plain_rule_names(ast: lark.Tree) -> None:
    """Make every node's rule name a plain (interned) ``str``. lark names nodes with ``Token``
    objects, whose Python-level ``__eq__`` runs for every ``tree.data == "..."`` test and method
    lookup the evaluator makes; the text is the same, so is everything that compares it."""
    for node in ast.iter_subtrees():
        node.data = sys.intern(str(node.data))


def _eval_error(expression: str, exc: CELEvalError) -> CelError:
    message = exc.args[0] if exc.args else "evaluation failed"
    return CelError.for_expression(expression, EVAL, str(message), exc.line, exc.column)


def _parse_problem(expression: str, exc: CELParseError) -> tuple[int, int, str]:
    """Line, column and cel-go-like text for a lark syntax error."""
    cause = exc.__context__
    line = exc.line or 1
    column = exc.column or 1
    if isinstance(cause, UnexpectedCharacters):
        lines = expression.splitlines() or [""]
        rest = lines[line - 1][column - 1 :] if line <= len(lines) else ""
        return line, column, f"Syntax error: token recognition error at: '{rest[:20]}'"
    if isinstance(cause, UnexpectedEOF) or (
        isinstance(cause, UnexpectedToken) and cause.token.type == "$END"
    ):
        return line, column, "Syntax error: mismatched input '<EOF>'"
    if isinstance(cause, UnexpectedToken):
        return line, column, f"Syntax error: mismatched input '{cause.token.value}'"
    return line, column, f"Syntax error: {exc.args[0] if exc.args else 'invalid expression'}"
