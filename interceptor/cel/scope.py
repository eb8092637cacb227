"""The variables an evaluation sees: what cel-python's ``Activation`` gives our evaluator, cheaper.

cel-python's ``Activation`` builds a tree of ``NameContainer``/``Referent`` objects (a regular
expression match per variable) for every evaluation and searches it with protobuf package rules on
every identifier. Our variables are plain identifiers (Tekton's ``body``, ``header``, ...; the type
names; one variable per macro level), so a chain of dicts resolves them the same way: the innermost
scope first, then the enclosing ones, then the function table (where cel-python also ends up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Scope:
    """One level of variables, chained to the enclosing level; duck-types the parts of
    cel-python's ``Activation`` that :class:`interceptor.cel.evaluator.CelEvaluator` uses."""

    __slots__ = ("functions", "parent", "variables")

    def __init__(
        self, variables: Mapping[str, Any], functions: Mapping[str, Any], parent: Scope | None = None
    ) -> None:
        self.variables = variables
        self.functions = functions
        self.parent = parent

    def resolve_variable(self, name: str) -> Any:
        """The innermost variable called ``name``, else the function; ``KeyError`` if neither."""
        scope: Scope | None = self
        while scope is not None:
            variables = scope.variables
            if name in variables:
                return variables[name]
            scope = scope.parent
        return self.functions[name]

    def resolve_function(self, name: str) -> Any:
        return self.functions[name]

    def nested_activation(self, annotations: Any = None, vars: Mapping[str, Any] | None = None) -> Scope:
        """A scope for a macro's variable, chained to this one (cel-python's name for it)."""
        return Scope(vars or {}, self.functions, self)

    def __repr__(self) -> str:
        return f"Scope(variables={sorted(self.variables)!r}, parent={self.parent!r})"
