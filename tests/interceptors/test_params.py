"""Reading our interceptors' params: one rule and one wording for every interceptor."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.cel import CelEnvironment
from interceptor.errors import Code, InvalidInput
from interceptor.interceptors.params import (
    bool_param,
    evaluate_string,
    expression_param,
    list_param,
    shown,
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, True), ({"verify": None}, True), ({"verify": False}, False), ({"verify": True}, True),
     ({"verify": "false"}, False), ({"verify": " FALSE "}, False), ({"verify": "True"}, True)],
)  # fmt: skip
def test_bool_param(params: dict[str, Any], expected: bool) -> None:
    assert bool_param(params, "verify", default=True) is expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "param verify: expected true or false, got a string 'maybe'"),
        ("yes", "param verify: expected true or false, got a string 'yes'"),
        (1, "param verify: expected true or false, got a number 1"),
        ([True], "param verify: expected true or false, got a list [true]"),
    ],
)
def test_bool_param_refusals(value: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        bool_param({"verify": value}, "verify", default=True)
    assert (caught.value.code, caught.value.message) == (Code.INVALID_ARGUMENT, message)


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, "body.id"), ({"id": None}, "body.id"), ({"id": "  "}, "body.id"), ({"id": "header.x"}, "header.x")],
)  # fmt: skip
def test_expression_param(params: dict[str, Any], expected: str) -> None:
    assert expression_param(params, "id", "body.id") == expected


def test_expression_param_refuses_non_strings() -> None:
    with pytest.raises(InvalidInput, match=r"^param id: expected a CEL expression string, got a number 5$"):
        expression_param({"id": 5}, "id", "body.id")


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, ["state", "variables"]), ({"select": ["a", "b"]}, ["a", "b"]), ({"select": "a, b,,"}, ["a", "b"]),
     ({"select": []}, [])],
)  # fmt: skip
def test_list_param(params: dict[str, Any], expected: list[str]) -> None:
    assert list_param(params, "select", ("state", "variables"), items="top-level keys") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [([1], "param select: expected a list of top-level keys, got a list [1]"),
     ({"a": 1}, 'param select: expected a list of top-level keys, got an object {"a": 1}')],
)  # fmt: skip
def test_list_param_refusals(value: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        list_param({"select": value}, "select", (), items="top-level keys")
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("expression", "variables", "result", "error"),
    [
        ("body.id", {"body": {"id": "ctx-1"}}, "ctx-1", None),
        ("body.a + '-' + body.b", {"body": {"a": "x", "b": "y"}}, "x-y", None),
        ("body.id", {"body": {"id": 1}}, None, "param contextId: 'body.id' gave a number 1.0, expected a non-empty string"),
        ("body.id", {"body": {"id": ""}}, None, "param contextId: 'body.id' gave a string '', expected a non-empty string"),
        ("body.missing", {"body": {}}, None, "param contextId: "),
        ("body.id +", {"body": {}}, None, "param contextId: "),
    ],
)  # fmt: skip
def test_evaluate_string(
    expression: str, variables: dict[str, Any], result: str | None, error: str | None
) -> None:
    cel = CelEnvironment()
    if error is None:
        assert evaluate_string(cel, "contextId", expression, variables) == result
        return
    with pytest.raises(InvalidInput) as caught:
        evaluate_string(cel, "contextId", expression, variables)
    assert caught.value.message.startswith(error)
    assert caught.value.code == Code.INVALID_ARGUMENT


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "null"), ("x" * 50, "a string '" + "x" * 40 + "'"), (True, "a boolean true"), (2.5, "a number 2.5"),
     ({"k": [1, 2]}, 'an object {"k": [1, 2]}')],
)  # fmt: skip
def test_shown(value: Any, text: str) -> None:
    assert shown(value) == text
