"""The words error messages use for a value's type: JSON's for payloads, YAML's for config."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.json_types import describe_json_type, describe_yaml_type, json_type, preview


class _Dict(dict[str, Any]):
    pass


@pytest.mark.parametrize(
    ("value", "kind", "json_words", "yaml_words"),
    [
        ({}, "object", "an object", "a mapping"),
        (_Dict(), "object", "an object", "a mapping"),
        ([], "array", "a list", "a list"),
        ("s", "string", "a string", "a string"),
        (True, "boolean", "a boolean", "a boolean"),
        (1, "integer", "a number", "an integer"),
        (1.5, "float", "a number", "a float"),
        (None, "null", "null", "null"),
        ((1,), None, "tuple", "tuple"),
    ],
)
def test_type_words(value: Any, kind: str | None, json_words: str, yaml_words: str) -> None:
    assert json_type(value) == kind
    assert describe_json_type(value) == json_words
    assert describe_yaml_type(value) == yaml_words


@pytest.mark.parametrize(
    ("value", "text"),
    [("1.2.0", "'1.2.0'"), ({"a": 1, "b": 2}, "2 entries"), ([1], "1 entries"), (7, "7"),
     ("x" * 50, "'" + "x" * 36 + "..."), (None, "None")],
)  # fmt: skip
def test_preview(value: Any, text: str) -> None:
    assert preview(value) == text
