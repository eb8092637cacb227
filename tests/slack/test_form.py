"""Form parsing: the payload fast path and parity with parse_qs (and so Go's url.ParseQuery)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote_plus, unquote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interceptor.slack.form import fast_unquote_plus, first_values, parse_form, payload_field
from tests.slack import examples


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("payload=%7B%22a%22%3A1%7D", '{"a":1}'),
        ("payload=a+b%2Bc", "a b+c"),
        ("payload=", ""),
        ("payload=x&other=y", None),  # two fields: not the single-field fast path
        ("token=1&payload=x", None),
        ("command=%2Fx", None),
        ("payloadx=1", None),
    ],
)
def test_payload_field(body: str, expected: str | None) -> None:
    assert payload_field(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", {}),
        ("a=1", {"a": ["1"]}),
        ("a=1&a=2&b=", {"a": ["1", "2"], "b": [""]}),
        ("flag&x=1", {"flag": [""], "x": ["1"]}),
        ("&&a=1&", {"a": ["1"]}),
        ("text=deploy+orders+2.7.0+prod", {"text": ["deploy orders 2.7.0 prod"]}),
        ("k%20ey=v%3Dw=x", {"k ey": ["v=w=x"]}),
        ("text=%26lt%3B%40U1%26gt%3B", {"text": ["&lt;@U1&gt;"]}),
        ("bad=%zz", {"bad": ["%zz"]}),  # invalid escapes are kept, as parse_qs does
    ],
)
def test_parse_form(body: str, expected: dict[str, list[str]]) -> None:
    assert parse_form(body) == expected
    assert parse_form(body) == parse_qs(body, keep_blank_values=True)


def test_slash_command_example_first_values() -> None:
    fields = first_values(parse_form(examples.SLASH_COMMAND_BODY))
    assert fields["command"] == "/cicd"
    assert fields["text"] == "deploy orders 2.7.0 prod"
    assert (
        fields["response_url"]
        == "https://hooks.slack.com/commands/T07QX2M4ND/8240057319803/Ab3dEf6hIj9kLm2nOp5qRs8t"
    )
    assert len(fields) == 13


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1), st.text()), max_size=8))
def test_parity_with_parse_qs(pairs: list[tuple[str, str]]) -> None:
    body = urlencode(pairs)
    assert parse_form(body) == parse_qs(body, keep_blank_values=True)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_payload_fast_path_round_trips(text: str) -> None:
    assert payload_field(urlencode({"payload": text})) == text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fast_unquote_matches_unquote_plus_on_encoded_text(text: str) -> None:
    assert fast_unquote_plus(quote_plus(text)) == unquote_plus(quote_plus(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="%+\\aAfF09zé\x00", max_size=30))
def test_fast_unquote_matches_unquote_plus_on_junk(text: str) -> None:
    # Bad escapes, backslashes, non-ASCII and invalid UTF-8 sequences all behave as unquote_plus.
    assert fast_unquote_plus(text) == unquote_plus(text)


@pytest.mark.parametrize("text", ["%E2%82", "%C3%A9%ZZ", "a%5Cb", "\\x41", "%%41", "%410", "é%41", "%FF%FE"])
def test_fast_unquote_edge_cases(text: str) -> None:
    assert fast_unquote_plus(text) == unquote_plus(text)
