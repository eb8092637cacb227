"""Go encoding/json compatibility: floats, escaping, invalid UTF-8, syntax error texts."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.emulator.gojson import Ordered, decode_problem, dumps, go_float, go_utf8


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.0, "2"), (0.5, "0.5"), (1e6, "1000000"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"),
     (123456789.0, "123456789"), (-0.0, "-0"), (5.1, "5.1"), (2.0**53 + 2, "9007199254740994")],
)  # fmt: skip
def test_floats(value: float, text: str) -> None:
    assert go_float(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
        (Ordered(b=1, a=2), '{"b":1,"a":2}'),
        ("<a href='x'>&\u2028\u2029", "\"\\u003ca href='x'\\u003e\\u0026\\u2028\\u2029\""),
        ("tab\tnl\n\x01\x7f é", '"tab\\tnl\\n\\u0001\x7f é"'),
        ("\ud800", '"\ufffd"'),
    ],
)
def test_dumps(value: Any, text: str) -> None:
    assert dumps(value) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"ok \xc3\xa9", "ok é"),
        (b"a\xffb", "a\ufffdb"),
        (b"\xe2\x82", "\ufffd\ufffd"),
        (b"\xed\xa0\x80", "\ufffd" * 3),
    ],
)
def test_invalid_utf8_is_replaced_byte_by_byte(raw: bytes, text: str) -> None:
    assert go_utf8(raw) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"a": 1}', None),
        ("null", None),
        ("payload=x", "invalid character 'p' looking for beginning of value"),
        ("", "unexpected end of JSON input"),
        ('{"a": 1', "unexpected end of JSON input"),
        ('{"a" 1}', "invalid character '1' after object key"),
        ('{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"),
        ("[1 2]", "invalid character '2' after array element"),
        ("{'a': 1}", "invalid character '\\'' looking for beginning of object key string"),
        ('{"a": 1} x', "invalid character 'x' after top-level value"),
        ("tru", "unexpected end of JSON input"),
        ("nul!", "invalid character '!' in literal null (expecting 'l')"),
        ("NaN", "invalid character 'N' looking for beginning of value"),
        ("é", "invalid character 'Ã' looking for beginning of value"),
    ],
)
def test_decode_problems(text: str, problem: str | None) -> None:
    assert decode_problem(text) == problem
