"""Go encoding/json decoding: syntax error texts, type mismatch texts, strconv.Quote."""

from __future__ import annotations

from typing import Any

import pytest

from interceptor.gojson_errors import (
    GoJsonError,
    decode_problem,
    field_mismatch,
    go_quote,
    json_kind,
    loads,
    quote_char,
    type_mismatch,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"a": 1}', None),
        ("null", None),
        ("  [1.5e3, -0, true]  ", None),
        ("payload=x", "invalid character 'p' looking for beginning of value"),
        ("", "unexpected end of JSON input"),
        ("   ", "unexpected end of JSON input"),
        ('{"a": 1', "unexpected end of JSON input"),
        ('{"a": "b', "unexpected end of JSON input"),
        ("[1,", "unexpected end of JSON input"),
        ('{"a" 1}', "invalid character '1' after object key"),
        ('{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"),
        ("[1 2]", "invalid character '2' after array element"),
        ('[{"a": 1} 2]', "invalid character '2' after array element"),
        ('{"a": [1] "b"}', "invalid character '\"' after object key:value pair"),
        ("{'a': 1}", "invalid character '\\'' looking for beginning of object key string"),
        ('{"a":1,}', "invalid character '}' looking for beginning of object key string"),
        ("[1,]", "invalid character ']' looking for beginning of value"),
        ('{"a": 1} x', "invalid character 'x' after top-level value"),
        ("{} x", "invalid character 'x' after top-level value"),
        ("{} tru", "invalid character 't' after top-level value"),
        ('{"a":1}\x0b', "invalid character '\\v' after top-level value"),
        ("tru", "unexpected end of JSON input"),
        ("nul!", "invalid character '!' in literal null (expecting 'l')"),
        ("nope", "invalid character 'o' in literal null (expecting 'u')"),
        ("fals3", "invalid character '3' in literal false (expecting 'e')"),
        ("NaN", "invalid character 'N' looking for beginning of value"),
        ("[Infinity]", "invalid character 'I' looking for beginning of value"),
        ("-Infinity", "invalid character 'I' in numeric literal"),
        ('{"a-b": NaN}', "invalid character 'N' looking for beginning of value"),
        ("é", "invalid character 'Ã' looking for beginning of value"),
        ("-", "unexpected end of JSON input"),
        ("-x", "invalid character 'x' in numeric literal"),
        ("1-2", "invalid character '-' after top-level value"),
        ("1.", "unexpected end of JSON input"),
        ("1.x", "invalid character 'x' after decimal point in numeric literal"),
        ("[1.]", "invalid character ']' after decimal point in numeric literal"),
        ("1.5.3", "invalid character '.' after top-level value"),
        ("1e", "unexpected end of JSON input"),
        ("1e+x", "invalid character 'x' in exponent of numeric literal"),
        ("[2E]", "invalid character ']' in exponent of numeric literal"),
        ("1e5e", "invalid character 'e' after top-level value"),
        ("01", "invalid character '1' after top-level value"),
        ('"a\x01"', "invalid character '\\x01' in string literal"),
        ('"a\\q"', "invalid character 'q' in string escape code"),
        ('"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"),
        ('"\\u12', "unexpected end of JSON input"),
    ],
)
def test_decode_problems(text: str, problem: str | None) -> None:
    assert decode_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "numbers_as_float", "value"),
    [
        ('{"n": 1, "f": 1.5}', False, {"n": 1, "f": 1.5}),
        ('{"n": 1, "f": 1.5}', True, {"n": 1.0, "f": 1.5}),
        ("[1]", True, [1.0]),
    ],
)
def test_loads(text: str, numbers_as_float: bool, value: Any) -> None:
    decoded = loads(text, numbers_as_float=numbers_as_float)
    assert decoded == value
    assert [type(v) for v in (decoded.values() if isinstance(decoded, dict) else decoded)] == [
        type(v) for v in (value.values() if isinstance(value, dict) else value)
    ]


@pytest.mark.parametrize("text", ["NaN", "{", "payload=x"])
def test_loads_raises_go_text(text: str) -> None:
    with pytest.raises(GoJsonError) as caught:
        loads(text)
    assert str(caught.value) == decode_problem(text)


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "null"), (True, "bool"), (1, "number"), (1.5, "number"), ("s", "string"), ([1], "array"),
     ({"a": 1}, "object")],
)  # fmt: skip
def test_json_kind(value: Any, kind: str) -> None:
    assert json_kind(value) == kind


def test_mismatch_texts() -> None:
    assert type_mismatch([1], "map[string]interface {}") == (
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    )
    assert field_mismatch("x", "InterceptorParams.overlays", "[]cel.Overlay") == (
        "json: cannot unmarshal string into Go struct field InterceptorParams.overlays of type []cel.Overlay"
    )


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('say "hi"\n', '"say \\"hi\\"\\n"'),
        ("tab\tback\\slash", '"tab\\tback\\\\slash"'),
        ("\x00\x7f\a\v", '"\\x00\\x7f\\a\\v"'),
        ("é 日本", '"é 日本"'),
        ("\u00a0\u200b", '"\\u00a0\\u200b"'),
        ("\U000e0001", '"\\U000e0001"'),
        ("it's", '"it\'s"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("char", "quoted"),
    [("p", "'p'"), ("'", "'\\''"), ('"', "'\"'"), ("\n", "'\\n'"), ("\x01", "'\\x01'"), ("é", "'Ã'"),
     ("\u0085", "'Â'"), (" ", "' '")],
)  # fmt: skip
def test_quote_char(char: str, quoted: str) -> None:
    assert quote_char(char) == quoted
