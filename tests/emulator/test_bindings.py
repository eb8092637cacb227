"""Binding params against the event: paths, header join, text values, missing keys and defaults."""

from __future__ import annotations

import pytest

from interceptor.emulator.bindings import BindingError, event_document, expressions, resolve_params
from interceptor.emulator.model import Param, TemplateParam, TriggerTemplate

BODY = '{"a": {"b": "x", "n": 1000000, "f": 0.5, "list": [1, {"k": "<v>"}], "none": null, "t": true}}'
HEADER = {"X-Multi": ["one", "two"], "Content-Type": ["application/json"]}
DOC = event_document(BODY, HEADER, {"slack": {"user": "ada"}, "count": 2.0}, "evt-1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$(body.a.b)", "x"),
        ("prefix-$(body.a.b)-$(context.eventID)", "prefix-x-evt-1"),
        ("$(header.X-Multi)", "one,two"),
        ("$(body.a.n)", "1e+06"),
        ("$(body.a.f)", "0.5"),
        ("$(body.a.list[1])", '{"k":"\\u003cv\\u003e"}'),
        ("$(body.a.list[-1].k)", "<v>"),
        ("$(body.a.list)", '[1,{"k":"\\u003cv\\u003e"}]'),
        ("$(body.a.none)", "null"),
        ("$(body.a.t)", "true"),
        ("$(body['a'].b)", "x"),
        ("$(extensions.slack)", '{"user":"ada"}'),
        ("$(extensions.count)", "2"),
        ("no expression", "no expression"),
    ],
)
def test_values(value: str, expected: str) -> None:
    template = TriggerTemplate("tt", "ci", (TemplateParam("p"),))
    (param,) = resolve_params([Param("p", value)], template, DOC)
    assert (param.value, param.source) == (expected, "binding")


def test_missing_key_is_an_error_without_a_default() -> None:
    template = TriggerTemplate("tt", "ci", (TemplateParam("p"),))
    with pytest.raises(BindingError) as caught:
        resolve_params([Param("p", "$(body.nope)")], template, DOC)
    assert str(caught.value) == (
        "failed to ApplyEventValuesToParams: failed to replace JSONPath value for param p: $(body.nope): nope is not found"
    )


def test_missing_key_falls_back_to_the_template_default() -> None:
    template = TriggerTemplate("tt", "ci", (TemplateParam("p", "fallback"), TemplateParam("q", "dq")))
    params = resolve_params([Param("p", "$(body.a.missing)")], template, DOC)
    assert [(p.name, p.value) for p in params] == [("p", "fallback"), ("q", "dq")]
    assert params[0].source.startswith("default (binding failed: missing is not found")


def test_a_body_that_is_not_json_fails_resolution() -> None:
    with pytest.raises(BindingError, match="failed to unmarshal request body: invalid character 'p'"):
        event_document("payload=x", {}, {}, "e")


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("$(a) and $(b.c)", ["$(a)", "$(b.c)"]),
        ("$(body.x[(1)])", ["$(body.x[(1)])"]),
        ("$(open", []),
        ("$", []),
    ],
)
def test_expressions(value: str, found: list[str]) -> None:
    assert expressions(value) == found
