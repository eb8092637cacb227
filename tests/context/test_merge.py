from __future__ import annotations

from typing import Any

import pytest

from interceptor.context.merge import MergeTrace, merge_config
from interceptor.errors import InvalidInput


@pytest.mark.parametrize(
    ("base", "over", "expected"),
    [
        ({"a": 1}, {"b": 2}, {"a": 1, "b": 2}),  # keys added, base order first
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3, "z": 4}}, {"a": {"x": 1, "y": 3, "z": 4}}),  # deep merge
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),  # lists replaced, never appended
        ({"a": "s"}, {"a": "t"}, {"a": "t"}),  # later scalar wins
        ({"a": None}, {"a": {"x": 1}}, {"a": {"x": 1}}),  # falsy: replaced without a type check
        ({"a": ""}, {"a": [1]}, {"a": [1]}),
        ({"a": 0}, {"a": "zero"}, {"a": "zero"}),
        ({"a": False}, {"a": {"k": 1}}, {"a": {"k": 1}}),
        ({"a": {}}, {"a": "now a string"}, {"a": "now a string"}),
        ({"a": []}, {"a": 5}, {"a": 5}),
        ({"a": {"x": 1}}, {"a": {}}, {"a": {"x": 1}}),  # an empty mapping merges to nothing new
    ],
)
def test_merge_rules(base: dict[str, Any], over: dict[str, Any], expected: dict[str, Any]) -> None:
    merged = merge_config(base, over, "over.yaml", MergeTrace())
    assert merged == expected
    assert list(merged) == list(expected)


def test_merge_does_not_mutate_inputs() -> None:
    base = {"a": {"x": [1]}}
    over = {"a": {"y": [2]}}
    merged = merge_config(base, over, "over.yaml", MergeTrace())
    merged["a"]["y"].append(3)
    assert base == {"a": {"x": [1]}} and over == {"a": {"y": [2]}}


@pytest.mark.parametrize(
    ("first", "second", "fragments"),
    [
        (
            {"a": {"b": {"c": 1}}},
            {"a": {"b": [1]}},
            ["a.b", "a mapping", "first.yaml", "a list", "second.yaml"],
        ),
        ({"a": {"n": 1}}, {"a": {"n": "1"}}, ["a.n", "an integer", "first.yaml", "a string", "second.yaml"]),
        ({"a": {"n": True}}, {"a": {"n": 1}}, ["a.n", "a boolean", "an integer"]),
        ({"a": 1.5}, {"a": 2}, ["key a ", "float", "an integer"]),
    ],
)
def test_type_conflict_names_path_and_both_files(
    first: dict[str, Any], second: dict[str, Any], fragments: list[str]
) -> None:
    trace = MergeTrace()
    merged = merge_config({}, first, "first.yaml", trace)
    with pytest.raises(InvalidInput) as caught:
        merge_config(merged, second, "second.yaml", trace)
    for fragment in fragments:
        assert fragment in caught.value.message


def test_conflict_names_the_file_that_last_set_the_key() -> None:
    trace = MergeTrace()
    merged = merge_config({}, {"a": {"b": "x"}}, "one.yaml", trace)
    merged = merge_config(merged, {"a": {"b": "y"}}, "two.yaml", trace)
    with pytest.raises(
        InvalidInput, match=r"a\.b is a string \('y'\) in two\.yaml but a list .* in three\.yaml"
    ):
        merge_config(merged, {"a": {"b": [1]}}, "three.yaml", trace)
