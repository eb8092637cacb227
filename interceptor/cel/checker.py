"""Compile-time checks cel-python does not do, and the rewrites our function tables need.

cel-python has no type checker, so without this pass an unknown function or an unsupported
construct would only fail when a request happens to reach it. cel-go rejects them when the
expression is compiled; so do we:

* every called function must be in our tables; known cel-go features we cannot offer
  (``sortBy``, ``format``, ``cel.bind``, optionals, ...) get "function X is not supported";
* namespaced calls (``base64.decode(x)``) are rewritten into one global function name, because
  cel-python would otherwise look ``base64`` up as a variable;
* the free variables are recorded, so evaluation can report ``undeclared reference`` for a
  variable the caller did not provide, as cel-go's checker does.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import lark

from interceptor.cel.library import Function

MACROS = frozenset({"map", "filter", "all", "exists", "exists_one"})
NAMESPACES = frozenset({"base64", "math", "strings", "lists", "sets", "cel", "optional", "json", "regex"})
TYPE_NAMES = frozenset(
    {"int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type"}
)

UNSUPPORTED: Mapping[str, str] = {
    "decodeb64": "removed in Tekton v0.22.0; use string(base64.decode(s))",
    "sortBy": "cel-python cannot add macros; sort keys with .map() then .sort()",
    "format": "use string concatenation and string()",
    "cel.bind": "cel-python cannot add macros; repeat the sub-expression",
    "cel.block": "cel-python cannot add macros",
    "json.encode": "use marshalJSON()",
    "optional.of": "optional types are not enabled in Tekton either",
    "optional.ofNonZeroValue": "optional types are not enabled in Tekton either",
    "optional.none": "optional types are not enabled in Tekton either",
    "orValue": "optional types are not enabled in Tekton either",
    "hasValue": "optional types are not enabled in Tekton either",
    "value": "optional types are not enabled in Tekton either",
    "or": "optional types are not enabled in Tekton either",
    "transformList": "two-variable comprehensions are not enabled in Tekton either",
    "transformMap": "two-variable comprehensions are not enabled in Tekton either",
}


class CheckFailure(Exception):
    """An expression is rejected before evaluation. ``stage`` is ``parse`` or ``check``."""

    def __init__(self, text: str, line: int, column: int, stage: str = "check") -> None:
        super().__init__(text)
        self.text = text
        self.line = line
        self.column = column
        self.stage = stage


@dataclass
class CheckResult:
    free_variables: dict[str, tuple[int, int]] = field(default_factory=dict)


_OPTIONAL_SYNTAX = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(\.\?|\[\?)""")


def reject_optional_syntax(expression: str) -> None:
    """``a.?b`` and ``a[?'k']`` are optional-type syntax, which Tekton does not enable either."""
    for found in _OPTIONAL_SYNTAX.finditer(expression):
        if found.group(2):
            line = expression.count("\n", 0, found.start()) + 1
            column = found.start() - (expression.rfind("\n", 0, found.start()) + 1) + 1
            raise CheckFailure(
                f"unsupported syntax '{found.group(2)}': optional syntax is not supported",
                line,
                column,
                "parse",
            )


class Checker:
    """Walks a cel-python AST once; raises :class:`CheckFailure` for the first problem."""

    def __init__(self, member: Mapping[str, Function], global_: Mapping[str, Function]) -> None:
        self.member = member
        self.global_ = global_

    def check(self, tree: lark.Tree) -> CheckResult:
        result = CheckResult()
        self._walk(tree, frozenset(), result)
        return result

    def _walk(self, node: lark.Tree | lark.Token, bound: Collection[str], result: CheckResult) -> None:
        if not isinstance(node, lark.Tree):
            return
        kind = node.data
        if kind == "member_dot_arg":
            self._method_call(node, bound, result)
            return
        if kind == "ident_arg":
            self._function_call(node, bound, result)
            return
        if kind in ("ident", "dot_ident"):
            token = node.children[0]
            assert isinstance(token, lark.Token)
            name = token.value
            if name not in bound and name not in TYPE_NAMES and name not in result.free_variables:
                result.free_variables[name] = (token.line or 1, token.column or 1)
            return
        if kind == "dot_ident_arg":
            token = node.children[0]
            assert isinstance(token, lark.Token)
            raise self._unsupported(f".{token.value}", token, "a leading dot on a function call")
        if kind == "member_object":
            raise CheckFailure("message construction is not supported", *_position(node))
        for child in node.children:
            self._walk(child, bound, result)

    def _method_call(self, node: lark.Tree, bound: Collection[str], result: CheckResult) -> None:
        target, name_token = node.children[0], node.children[1]
        assert isinstance(name_token, lark.Token) and isinstance(target, lark.Tree)
        args = _args(node)
        name = name_token.value
        namespace = _simple_ident(target)
        if namespace in NAMESPACES and namespace not in bound:
            self._namespaced_call(node, f"{namespace}.{name}", name_token, args, bound, result)
            return
        if name in MACROS:
            self._macro(name, name_token, target, args, bound, result)
            return
        if name not in self.member:
            raise self._unknown(name, name_token)
        self._walk(target, bound, result)
        for arg in args:
            self._walk(arg, bound, result)

    def _macro(
        self,
        name: str,
        token: lark.Token,
        target: lark.Tree,
        args: list[lark.Tree],
        bound: Collection[str],
        result: CheckResult,
    ) -> None:
        if name == "map" and len(args) == 3:
            raise self._unsupported("map(x, filter, transform)", token, "chain .filter() and .map()")
        if len(args) != 2:
            raise CheckFailure(f"{name}() macro takes a variable and an expression", *_at(token))
        variable = _simple_ident(args[0])
        if variable is None:
            raise CheckFailure(f"argument to {name}() must be a simple name", *_position(args[0]))
        self._walk(target, bound, result)
        self._walk(args[1], {*bound, variable}, result)

    def _namespaced_call(
        self,
        node: lark.Tree,
        qualified: str,
        token: lark.Token,
        args: list[lark.Tree],
        bound: Collection[str],
        result: CheckResult,
    ) -> None:
        if qualified not in self.global_:
            raise self._unknown(qualified, token)
        # Rewrite ``ns.f(args)`` into the global call ``ns.f(args)`` that cel-python can resolve.
        qualified_token = lark.Token.new_borrow_pos("IDENT", qualified, token)
        call_children: list[lark.Tree | lark.Token] = [qualified_token]
        if len(node.children) > 2:
            call_children.append(node.children[2])
        call = lark.Tree("ident_arg", call_children, meta=node.meta)
        node.data = "primary"
        node.children = [call]
        for arg in args:
            self._walk(arg, bound, result)

    def _function_call(self, node: lark.Tree, bound: Collection[str], result: CheckResult) -> None:
        token = node.children[0]
        assert isinstance(token, lark.Token)
        args = _args(node)
        name = token.value
        if name in ("has", "dyn"):
            if len(args) != 1:
                raise CheckFailure(f"{name}() takes exactly one argument", *_at(token))
            if name == "has" and _field_selection(args[0]) is None:
                raise CheckFailure("invalid argument to has() macro", *_position(args[0]))
        elif name not in self.global_:
            raise self._unknown(name, token)
        for arg in args:
            self._walk(arg, bound, result)

    def _unknown(self, name: str, token: lark.Token) -> CheckFailure:
        if name in UNSUPPORTED:
            return self._unsupported(name, token, UNSUPPORTED[name])
        if name.partition(".")[0] in ("cel", "optional"):
            return self._unsupported(name, token, "not enabled in Tekton either")
        if name in self.global_ or name in self.member:
            kind = "a method" if name in self.member else "a global function"
            return CheckFailure(
                f"found no matching overload for '{name}': it can only be called as {kind}",
                *_at(token),
            )
        return CheckFailure(f"undeclared reference to '{name}' (in container '')", *_at(token))

    @staticmethod
    def _unsupported(name: str, token: lark.Token, why: str) -> CheckFailure:
        return CheckFailure(f"function {name} is not supported ({why})", token.line or 1, token.column or 1)


def _at(token: lark.Token) -> tuple[int, int]:
    return token.line or 1, token.column or 1


def _args(node: lark.Tree) -> list[lark.Tree]:
    if len(node.children) < 3 and node.data == "member_dot_arg":
        return []
    if node.data == "ident_arg" and len(node.children) < 2:
        return []
    exprlist = node.children[-1]
    assert isinstance(exprlist, lark.Tree)
    return [child for child in exprlist.children if isinstance(child, lark.Tree)]


def _unwrap(node: lark.Tree) -> lark.Tree:
    """Skip the single-child precedence levels down to the interesting node."""
    while len(node.children) == 1 and isinstance(node.children[0], lark.Tree) and node.data in _WRAPPERS:
        node = node.children[0]
    return node


_WRAPPERS = frozenset(
    {
        "expr",
        "conditionalor",
        "conditionaland",
        "relation",
        "addition",
        "multiplication",
        "unary",
        "member",
        "primary",
    }
)


def _simple_ident(node: lark.Tree) -> str | None:
    inner = _unwrap(node)
    if inner.data == "ident":
        token = inner.children[0]
        assert isinstance(token, lark.Token)
        return str(token.value)
    return None


def _field_selection(node: lark.Tree) -> lark.Tree | None:
    inner = _unwrap(node)
    return inner if inner.data == "member_dot" else None


def field_selection(node: lark.Tree) -> lark.Tree | None:
    """The ``member_dot`` inside a ``has()`` argument, if that is what it is."""
    return _field_selection(node)


def _position(node: lark.Tree) -> tuple[int, int]:
    meta = node.meta
    return getattr(meta, "line", 1), getattr(meta, "column", 1)
