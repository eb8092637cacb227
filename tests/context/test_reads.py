from __future__ import annotations

from typing import Any

import pytest

from interceptor.context.reads import NO_MATCH, collapse, find, format_value
from interceptor.errors import InvalidInput

DOC: dict[str, Any] = {
    "channel": "release-dev",
    "state": {"appTag": "2.7.0", "tags": ["a", "b"], "port": 5432, "ok": True, "meta": {"dog": "beagle"}},
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("state.appTag", "2.7.0"),
        ("$.state.appTag", "2.7.0"),
        ("state.tags[1]", "b"),
        ("state.tags[*]", ["a", "b"]),  # several matches collapse into a list
        ("state.tags", ["a", "b"]),
        ("state.meta", {"dog": "beagle"}),
        ("state.port", 5432),
        ("state.missing", NO_MATCH),
        ("nothing.at.all", NO_MATCH),
    ],
)
def test_find_and_collapse(expression: str, expected: Any) -> None:
    assert collapse(find(DOC, expression)) == expected


@pytest.mark.parametrize("expression", ["state..[", "<@U1>", "hello world", "state.tags[1"])
def test_bad_jsonpath_names_the_expression(expression: str) -> None:
    with pytest.raises(InvalidInput, match=r"^JSONPath .* is not valid"):
        find(DOC, expression)


@pytest.mark.parametrize(
    ("value", "output", "expected"),
    [
        ("plain", "raw", "plain"),
        ("multi\nline", "raw", "multi\nline"),
        (5432, "raw", "5432"),
        (True, "raw", "true"),
        (None, "raw", "null"),
        (["a", "b"], "raw", '["a", "b"]'),
        ({"dog": "beagle"}, "raw", '{"dog": "beagle"}'),  # JSON, not a Python repr
        ({"ü": "ß"}, "raw", '{"ü": "ß"}'),
        ("plain", "json", '"plain"'),
        ({"dog": "beagle"}, "yaml", "dog: beagle"),
        ("plain", "yaml", "plain"),
    ],
)
def test_format_value(value: Any, output: str, expected: str) -> None:
    assert format_value(value, output) == expected
