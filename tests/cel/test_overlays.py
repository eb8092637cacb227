"""sjson key paths and Go's float text (``strconv.FormatFloat``) used by the cel interceptor.

Go's ``encoding/json`` texts are tested in ``tests/test_gojson.py`` and ``tests/test_gojson_errors.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.cel import CelError
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
    ("value", "g"),
    [
        (2.0, "2"),
        (123456789.0, "1.23456789e+08"),
        (1e-7, "1e-07"),
        (1e21, "1e+21"),
    ],
)
def test_go_float_formats(value: float, g: str) -> None:
    assert format_go_float(value) == g
