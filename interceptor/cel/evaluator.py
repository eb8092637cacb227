"""cel-python's tree-walking evaluator, with cel-go's error values and ``has()`` semantics.

It also takes the hot paths of cel-python's node methods without their ``typing.cast(Tuple[...],
...)`` calls: building those aliases hashes large ``Union`` types on every node and cost more than
the evaluation itself. Each override does what cel-python's method does for the common shape and
hands anything else (and every failure, whose wording cel-python owns) to that method.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import lark
from celpy import celtypes
from celpy.evaluation import CELEvalError, Evaluator

from interceptor.cel.checker import field_selection
from interceptor.cel.library import CelRuntimeError
from interceptor.cel.operators import map_lookup
from interceptor.cel.values import type_name

# Grammar levels whose one-child form only passes the child's value up (cel-python:
# ``values = self.visit_children(tree); return values[0]``). Most nodes of every expression are
# these; visiting the child directly skips a method dispatch and a list per level.
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary", "member"}
)


_BINARY_OPERATORS = {
    "relation_lt": "_<_",
    "relation_le": "_<=_",
    "relation_ge": "_>=_",
    "relation_gt": "_>_",
    "relation_eq": "_==_",
    "relation_ne": "_!=_",
    "relation_in": "_in_",
    "addition_add": "_+_",
    "addition_sub": "_-_",
    "multiplication_div": "_/_",
    "multiplication_mul": "_*_",
    "multiplication_mod": "_%_",
}
_MACRO_METHODS = frozenset({"map", "filter", "all", "exists", "exists_one", "reduce", "min"})
# What cel-python's node methods turn into error values; on any of them the node is evaluated
# again by cel-python's method (evaluation has no side effects), which words the error.
_OPERATOR_FAILURES = (TypeError, ValueError, ArithmeticError, KeyError, IndexError)


# A literal's value depends on its token alone (type and text) and is immutable, and cel-python
# spends microseconds making one (``int64`` wraps a function per call), so values are shared.
_LITERALS: dict[lark.Token, Any] = {}
_LITERALS_KEPT = 4096
_NOT_CACHED = object()


def _locate(error: CELEvalError, outer: lark.Tree, inner: lark.Tree) -> None:
    """Operators return errors without a position; the innermost node on the way up from
    ``inner`` to ``outer`` that has one supplies it (as when each level was visited in turn)."""
    chain = [outer]
    while chain[-1] is not inner:
        chain.append(chain[-1].children[0])
    for node in reversed(chain):
        if error.line is None:
            error.line = getattr(node.meta, "line", None)
            error.column = getattr(node.meta, "column", None)


def _overload_error(name: str, args: Iterable[Any], token: lark.Token) -> CELEvalError:
    types = ", ".join(type_name(arg) for arg in args)
    return CELEvalError(f"no such overload: {name}({types})", token=token)


class CelEvaluator(Evaluator):
    """Evaluates one checked AST. Function failures become cel-go's messages; a missing map key
    is ``no such key: k``; ``has(a.b.c)`` is an error (not false) when ``a.b`` is missing."""

    def _visit_tree(self, tree: lark.Tree) -> Any:
        node = tree
        while True:  # down the one-child levels to the node that computes something
            children = node.children
            if len(children) != 1 or node.data not in _PASS_THROUGH:
                value = super()._visit_tree(node)
                break
            child = children[0]
            if not isinstance(child, lark.Tree):
                value = child
                break
            node = child
        if isinstance(value, CELEvalError) and value.line is None:
            _locate(value, tree, node)
        return value

    def _binary(self, tree: lark.Tree) -> Any:
        """``relation``/``addition``/``multiplication`` with an operator: ``[[left], right]``."""
        left_op = cast(lark.Tree, tree.children[0])
        func = self.activation.resolve_function(_BINARY_OPERATORS[left_op.data])
        values: list[Any] = self.visit_children(tree)
        (left, *_), right = values
        try:
            return func(left, right)
        except _OPERATOR_FAILURES:
            return getattr(super(), tree.data)(tree)

    def relation(self, tree: lark.Tree) -> Any:
        return self._binary(tree) if len(tree.children) == 2 else super().relation(tree)

    def addition(self, tree: lark.Tree) -> Any:
        return self._binary(tree) if len(tree.children) == 2 else super().addition(tree)

    def multiplication(self, tree: lark.Tree) -> Any:
        return self._binary(tree) if len(tree.children) == 2 else super().multiplication(tree)

    def _logical(self, tree: lark.Tree, name: str) -> Any:
        func = self.activation.resolve_function(name)
        values: list[Any] = self.visit_children(tree)
        left, right = values
        try:
            return func(left, right)
        except _OPERATOR_FAILURES:
            return getattr(super(), tree.data)(tree)

    def conditionalor(self, tree: lark.Tree) -> Any:
        return self._logical(tree, "_||_") if len(tree.children) == 2 else super().conditionalor(tree)

    def conditionaland(self, tree: lark.Tree) -> Any:
        return self._logical(tree, "_&&_") if len(tree.children) == 2 else super().conditionaland(tree)

    def member_dot_arg(self, tree: lark.Tree) -> Any:
        if cast(lark.Token, tree.children[1]).value in _MACRO_METHODS:
            return super().member_dot_arg(tree)
        # A method call: the receiver, the method name and (if any) the argument list.
        values: list[Any] = self.visit_children(tree)
        if len(values) == 2:
            member, ident = values
            return self.method_eval(member, ident)
        member, ident, arguments = values
        return self.method_eval(member, ident, arguments)

    def exprlist(self, tree: lark.Tree) -> Any:
        values: list[Any] = self.visit_children(tree)
        for value in values:
            if isinstance(value, CELEvalError):
                return value
        return celtypes.ListType(values)

    def literal(self, tree: lark.Tree) -> Any:
        children = tree.children
        if len(children) != 1:
            return super().literal(tree)
        token = cast(lark.Token, children[0])
        value = _LITERALS.get(token, _NOT_CACHED)
        if value is _NOT_CACHED:
            value = super().literal(tree)
            # An error value carries this node's position, so it is made afresh each time.
            if not isinstance(value, CELEvalError) and len(_LITERALS) < _LITERALS_KEPT:
                _LITERALS[token] = value
        return value

    def set_activation(self, values: Any) -> Evaluator:
        # cel-python clones the whole activation (and its function table) for every macro
        # iteration; a nested activation that chains to the parent gives the same name resolution
        # (innermost first) at a fraction of the cost.
        self.activation = self.base_activation.nested_activation(vars=values)
        return self

    def sub_evaluator(self, ast: lark.Tree) -> Evaluator:
        return CelEvaluator(ast, activation=self.activation)

    def function_eval(self, name_token: lark.Token, exprlist: Iterable[Any] | None = None) -> Any:
        if isinstance(exprlist, CELEvalError):
            return exprlist
        args = list(exprlist or [])
        for arg in args:
            if isinstance(arg, CELEvalError):
                return arg
        function = self.activation.resolve_function(name_token.value)
        return self._call(name_token, function, args)

    def method_eval(
        self, object: Any, method_ident: lark.Token, exprlist: Iterable[Any] | None = None
    ) -> Any:
        if isinstance(object, CELEvalError):
            return object
        if isinstance(exprlist, CELEvalError):
            return exprlist
        args = [object, *(exprlist or [])]
        for arg in args:
            if isinstance(arg, CELEvalError):
                return arg
        function = self.activation.resolve_function(method_ident.value)
        return self._call(method_ident, function, args)

    @staticmethod
    def _call(token: lark.Token, function: Any, args: list[Any]) -> Any:
        try:
            return function(*args)
        except CelRuntimeError as exc:
            return CELEvalError(str(exc), token=token)
        except TypeError:
            return _overload_error(token.value, args, token)
        except (ValueError, OverflowError) as exc:
            return CELEvalError(str(exc) or "return error for overflow", token=token)

    def member_dot(self, tree: lark.Tree) -> Any:
        member_tree, name_token = cast(tuple[lark.Tree, lark.Token], tree.children)
        member = self.visit(member_tree)
        if isinstance(member, CELEvalError):
            return member
        name = celtypes.StringType(name_token.value)
        if isinstance(member, dict):
            found, value = map_lookup(member, name)
            if found:
                return value
            return CELEvalError(f"no such key: {name}", token=name_token)
        return CELEvalError(f"type '{type_name(member)}' does not support field selection", token=name_token)

    def primary(self, tree: lark.Tree) -> Any:
        child = cast(lark.Tree, tree.children[0])
        if len(tree.children) == 1 and child.data == "ident":
            token = cast(lark.Token, child.children[0])
            try:
                return self.ident_value(token.value)
            except KeyError:
                return CELEvalError(f"undeclared reference to '{token.value}' (in container '')", tree=tree)
        if len(tree.children) == 1 and child.data == "literal":
            return self._visit_tree(child)
        if len(tree.children) == 1 and child.data == "ident_arg" and len(child.children) == 2:
            # name(args): has() and dyn() are macros, anything else a global function call.
            name_token = cast(lark.Token, child.children[0])
            arguments = cast(lark.Tree, child.children[1])
            if name_token.value not in ("has", "dyn"):
                return self.function_eval(name_token, self.visit_children(arguments))
        return super().primary(tree)

    def macro_has_eval(self, exprlist: lark.Tree) -> Any:
        selection = field_selection(cast(lark.Tree, exprlist.children[0]))
        if selection is None:  # the checker rejects this; kept for safety
            return CELEvalError("invalid argument to has() macro", tree=exprlist)
        member_tree, name_token = cast(tuple[lark.Tree, lark.Token], selection.children)
        member = self.visit(member_tree)
        if isinstance(member, CELEvalError):
            return member
        if isinstance(member, dict):
            return celtypes.BoolType(map_lookup(member, celtypes.StringType(name_token.value))[0])
        return CELEvalError(f"invalid type for field selection: {type_name(member)}", tree=selection)
