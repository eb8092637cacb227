"""cel-python's tree-walking evaluator, with cel-go's error values and ``has()`` semantics."""

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


def _overload_error(name: str, args: Iterable[Any], token: lark.Token) -> CELEvalError:
    types = ", ".join(type_name(arg) for arg in args)
    return CELEvalError(f"no such overload: {name}({types})", token=token)


class CelEvaluator(Evaluator):
    """Evaluates one checked AST. Function failures become cel-go's messages; a missing map key
    is ``no such key: k``; ``has(a.b.c)`` is an error (not false) when ``a.b`` is missing."""

    def _visit_tree(self, tree: lark.Tree) -> Any:
        value = super()._visit_tree(tree)
        # Operators return errors without a position; the innermost failing node supplies one.
        if isinstance(value, CELEvalError) and value.line is None:
            value.line = getattr(tree.meta, "line", None)
            value.column = getattr(tree.meta, "column", None)
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
