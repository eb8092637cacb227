"""Which expressions are plain field selections, read without the evaluator."""

from __future__ import annotations

import pytest

from interceptor.cel import CelEnvironment
from interceptor.cel.field_path import MISSING, select_cel, select_json
from interceptor.cel.json_map import to_cel_lazy
from interceptor.cel.values import to_cel

PATHS = [
    ("body.contextId", ("body", "contextId")),
    ("body.a.b", ("body", "a", "b")),
    ("body", ("body",)),
    ("extensions.x.y", ("extensions", "x", "y")),
    ("header['X-Github-Event']", ("header", "X-Github-Event")),
    ('body["a"].b', ("body", "a", "b")),
    ("body.a['b-c'].d", ("body", "a", "b-c", "d")),
    ("body['']", ("body", "")),
    ("  body . a ", ("body", "a")),
    # Anything else is evaluated normally:
    ("(body).a", None),
    (".body.a", None),
    ("body[r'a']", None),
    ("body['''a''']", None),
    ("body['a\\nb']", None),
    ("body[b'a']", None),
    ("body[1]", None),
    ("header['X-Github-Event'][0]", None),
    ("body.a.size()", None),
    ("size(body)", None),
    ("has(body.a)", None),
    ("-body.a", None),
    ("!body.a", None),
    ("body.a == 'x'", None),
    ("body.a ? 1 : 2", None),
    ("body.a || false", None),
    ("[body.a]", None),
    ("{'a': 1}.a", None),
    ("'a'", None),
    ("dyn(body).a", None),
]


@pytest.mark.parametrize(("expression", "path"), PATHS, ids=[expression for expression, _ in PATHS])
def test_field_path_detection(expression: str, path: tuple[str, ...] | None) -> None:
    assert CelEnvironment().compile(expression).field_path == path


DOCUMENT = {"a": {"b": None, "c": [1], "d": {"e": "x"}}, "s": "text"}
SELECTIONS = [
    (("a", "d", "e"), "x"),
    (("a", "b"), None),
    (("a", "c"), [1.0]),
    ((), DOCUMENT),
    (("nope",), MISSING),
    (("a", "nope"), MISSING),
    (("s", "x"), MISSING),  # a string has no fields
    (("a", "c", "x"), MISSING),  # nor has a list
    (("a", "b", "x"), MISSING),  # nor null
]


@pytest.mark.parametrize(
    ("names", "expected"), SELECTIONS, ids=["/".join(n) or "root" for n, _ in SELECTIONS]
)
def test_selection_over_json_and_cel(names: tuple[str, ...], expected: object) -> None:
    raw = select_json(DOCUMENT, names)
    for root in (to_cel(DOCUMENT), to_cel_lazy(DOCUMENT)):
        value = select_cel(root, names)
        if expected is MISSING:
            assert value is MISSING and raw is MISSING
        else:
            assert value == to_cel(expected)
            assert to_cel(raw) == value
