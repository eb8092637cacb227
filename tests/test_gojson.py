"""Go encoding/json output: floats, escaping, key order, invalid UTF-8."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.gojson import Ordered, go_float, go_string, go_utf8, marshal, ordered_from_yaml


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.0, "2"), (0.5, "0.5"), (1e6, "1000000"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"),
     (123456789.0, "123456789"), (-0.0, "-0"), (5.1, "5.1"), (2.0**53 + 2, "9007199254740994"),
     (1e-7, "1e-7"), (-2.5e-300, "-2.5e-300"), (1.2345e22, "1.2345e+22")],
)  # fmt: skip
def test_floats(value: float, text: str) -> None:
    assert go_float(value) == text


@pytest.mark.parametrize(
    ("value", "message"),
    [(float("nan"), "json: unsupported value: NaN"), (float("inf"), "json: unsupported value: +Inf"),
     (float("-inf"), "json: unsupported value: -Inf"), ({"a": [float("nan")]}, "json: unsupported value: NaN")],
)  # fmt: skip
def test_unsupported_values_are_go_errors(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("+", "\\+")):
        marshal(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
        (Ordered(b=1, a=2), '{"b":1,"a":2}'),
        ({"z": Ordered(y=1, x=2), "a": {"d": 1, "c": 2}}, '{"a":{"c":2,"d":1},"z":{"y":1,"x":2}}'),
        ({"b": [1, 2.5], "a": "<&>"}, '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5]}'),
        ("<a href='x'>&\u2028\u2029", "\"\\u003ca href='x'\\u003e\\u0026\\u2028\\u2029\""),
        ("tab\tnl\n\x01\x7f é", '"tab\\tnl\\n\\u0001\x7f é"'),
        ('\b\f\r"\\', '"\\b\\f\\r\\"\\\\"'),  # Go 1.22+ writes \b and \f by name
        ("\ud800", '"\ufffd"'),
        ("", '""'),
        ({}, "{}"),
        ([], "[]"),
        ((1, "a"), '[1,"a"]'),
        (b"\x00\xff", '"AP8="'),
        (10**20, "100000000000000000000"),
        ({"é": 1, "e": 2, "Z": 3}, '{"Z":3,"e":2,"é":1}'),
    ],
)
def test_marshal(value: Any, text: str) -> None:
    assert marshal(value) == text


def test_unsupported_type() -> None:
    with pytest.raises(TypeError, match="json: unsupported type: set"):
        marshal({"a": {1}})


@pytest.mark.parametrize(
    ("value", "text"),
    [("plain", '"plain"'), ("a<b", '"a\\u003cb"'), ("\udfff!", '"\ufffd!"'), ("日本", '"日本"')],
)
def test_go_string(value: str, text: str) -> None:
    assert go_string(value) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"ok \xc3\xa9", "ok é"),
        (b"a\xffb", "a\ufffdb"),
        (b"\xe2\x82", "\ufffd\ufffd"),
        (b"\xed\xa0\x80", "\ufffd" * 3),
        (b"", ""),
    ],
)
def test_invalid_utf8_is_replaced_byte_by_byte(raw: bytes, text: str) -> None:
    assert go_utf8(raw) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": {"d": 1, "c": [{"f": 1, "e": 2}]}, "a": 3}, '{"b":{"d":1,"c":[{"f":1,"e":2}]},"a":3}'),
        ({1: "x"}, '{"1":"x"}'),
        ("scalar", '"scalar"'),
    ],
)
def test_yaml_key_order_is_kept(value: Any, text: str) -> None:
    assert marshal(ordered_from_yaml(value)) == text
