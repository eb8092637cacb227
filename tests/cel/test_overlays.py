"""sjson key paths and Go's text forms used by the cel interceptor."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.cel import CelError
from interceptor.cel.gotext import go_quote, marshal, unmarshal_error
from interceptor.cel.overlays import set_path, split_path
from interceptor.cel.values import format_go_float


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["a.b.c"], {"a": {"b": {"c": 1}}}),
        (["a\\.b"], {"a.b": 1}),
        (["list.0"], {"list": [1]}),
        (["list.1.name"], {"list": [None, {"name": 1}]}),
        (["m.:0"], {"m": {"0": 1}}),
        (["a.b", "a.c"], {"a": {"b": 1, "c": 1}}),
        (["a", "a.b"], {"a": {"b": 1}}),
    ],
)
def test_set_path(keys: list[str], expected: dict[str, Any]) -> None:
    document: dict[str, Any] = {}
    for key in keys:
        set_path(document, key, 1)
    assert document == expected


def test_split_path_escapes() -> None:
    assert split_path("a\\.b.c") == [("a.b", False), ("c", False)]


def test_empty_key_is_code_13() -> None:
    with pytest.raises(CelError) as caught:
        set_path({}, "", 1)
    assert caught.value.code == 13


@pytest.mark.parametrize(
    ("value", "g", "json_form"),
    [
        (2.0, "2", "2"),
        (123456789.0, "1.23456789e+08", "123456789"),
        (1e-7, "1e-07", "1e-7"),
        (1e21, "1e+21", "1e+21"),
    ],
)
def test_go_float_formats(value: float, g: str, json_form: str) -> None:
    assert format_go_float(value, "g") == g
    assert format_go_float(value, "json") == json_form


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("payload=x", "invalid character 'p' looking for beginning of value"),
        ('{"a": 1', "unexpected end of JSON input"),
        ("{} x", "invalid character 'x' after top-level value"),
        ('{"a" 1}', "invalid character '1' after object key"),
        ("tru", "unexpected end of JSON input"),
    ],
)
def test_go_json_errors(text: str, message: str) -> None:
    assert unmarshal_error(text) == message


def test_marshal_and_quote() -> None:
    assert marshal({"b": [1, 2.5], "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5]}'
    assert go_quote('say "hi"\n') == '"say \\"hi\\"\\n"'
