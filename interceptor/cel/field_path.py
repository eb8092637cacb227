"""Plain field selections (``body.contextId``, ``body.a.b``, ``header['X-Token']``), read without
the tree walker.

Most overlays and every default ``contextId`` are a variable followed by field names. For such an
expression cel-python's evaluator does nothing but look each name up in a map (``map_lookup``, the
same lookup ``member_dot`` and ``_[_]`` do), so the value can be read directly. Only the success
path is taken here: when a step is not a map or the key is missing the caller evaluates the
expression normally, which produces cel-go's error (``no such key: x`` with its position) exactly.
"""

from __future__ import annotations

import re
from typing import Any

import lark
from celpy import celtypes

from interceptor.cel.operators import map_lookup

# The single-child chain every expression starts with, down to the member node.
_WRAPPERS = ("expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary")
# A quoted string literal with nothing to unescape and no prefix (r'', b'', triple quotes).
_PLAIN_STRING = re.compile(r"""^(?:'([^'\\\n]*)'|"([^"\\\n]*)")$""")

FieldPath = tuple[str, ...]
MISSING: Any = object()


def field_path(ast: lark.Tree) -> FieldPath | None:
    """``("body", "a", "b")`` for ``body.a.b``; ``None`` when ``ast`` is anything else."""
    member = _unwrapped(ast)
    if member is None:
        return None
    names: list[str] = []
    node: Any = member.children[0]
    while isinstance(node, lark.Tree):
        if node.data == "member_dot":
            member, field = node.children
            names.append(str(field))
        elif node.data == "member_index":
            member, index = node.children
            key = _string_key(index)
            if key is None:
                return None
            names.append(key)
        elif node.data == "primary":
            return _root(node, names)
        else:
            return None
        if not isinstance(member, lark.Tree) or member.data != "member" or len(member.children) != 1:
            return None
        node = member.children[0]
    return None


def _unwrapped(node: Any) -> lark.Tree | None:
    """The ``member`` node under an expression's one-child levels, if it has no operator."""
    for name in _WRAPPERS:
        if not isinstance(node, lark.Tree) or node.data != name or len(node.children) != 1:
            return None
        node = node.children[0]
    if not isinstance(node, lark.Tree) or node.data != "member" or len(node.children) != 1:
        return None
    return node


def _root(primary: lark.Tree, names: list[str]) -> FieldPath | None:
    if len(primary.children) != 1:
        return None
    ident = primary.children[0]
    if not isinstance(ident, lark.Tree) or ident.data != "ident" or len(ident.children) != 1:
        return None
    return (str(ident.children[0]), *reversed(names))


def _string_key(index: Any) -> str | None:
    """The text of a plain string literal used as an index (``['X-Token']``), else ``None``."""
    member = _unwrapped(index)
    if member is None:
        return None
    primary = member.children[0]
    if not isinstance(primary, lark.Tree) or primary.data != "primary" or len(primary.children) != 1:
        return None
    literal = primary.children[0]
    if not isinstance(literal, lark.Tree) or literal.data != "literal" or len(literal.children) != 1:
        return None
    token = literal.children[0]
    if not isinstance(token, lark.Token) or token.type != "STRING_LIT":
        return None
    found = _PLAIN_STRING.match(str(token))
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def select_cel(root: Any, names: FieldPath) -> Any:
    """Follow ``names`` through CEL maps from ``root``; :data:`MISSING` when a step fails."""
    value = root
    for name in names:
        if not isinstance(value, dict):
            return MISSING
        found, value = map_lookup(value, str.__new__(celtypes.StringType, name))
        if not found:
            return MISSING
    return value


def select_json(root: Any, names: FieldPath) -> Any:
    """Follow ``names`` through decoded JSON objects from ``root``; :data:`MISSING` when a step
    fails. JSON object keys are strings, so a key is found exactly when the CEL map has it."""
    value = root
    for name in names:
        if type(value) is not dict:
            return MISSING
        value = value.get(name, MISSING)
        if value is MISSING:
            return MISSING
    return value
