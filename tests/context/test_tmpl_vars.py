from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interceptor.context.operations import render_result
from interceptor.context.tmpl_vars import resolve_expression, template_context
from interceptor.errors import InvalidInput
from interceptor.templating import TemplateError

DOC: dict[str, Any] = {
    "channel": "release-dev",
    "pipelines": {"deploy": {"deployTask": {"targetNamespace": "apps-dev"}}},
    "jinja2Macros": {"byName": {}, "all": "{%- macro hi(x) -%}hi {{ x }}{%- endmacro -%}"},
    "state": {
        "key1": "value1",
        "tags": ["a", "b"],
        "empty": "",
        "build": {"run-1": {"params": {"request": {"body": {"ref": "refs/tags/2.7.0"}}}}},
    },
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("state.key1", "value1"),  # one match: its value
        ("state.tags[*]", ["a", "b"]),  # several: a list
        ("state.build.run-1", {"params": {"request": {"body": {"ref": "refs/tags/2.7.0"}}}}),
        ("just-a-literal-value", "just-a-literal-value"),  # parses, matches nothing: the literal
        ("plain-literal", "plain-literal"),
        ("apps-dev", "apps-dev"),
        ("x=1 y=2", "x=1 y=2"),  # does not parse: the literal
        ("<@U1>", "<@U1>"),
        ("a/b:c", "a/b:c"),
        ("1.2.0", "1.2.0"),
        ("channel", "release-dev"),  # pitfall kept: a literal equal to a top-level key resolves to it
        ("state.empty", ""),
    ],
)
def test_resolve_expression(expression: str, expected: Any) -> None:
    assert resolve_expression(DOC, expression) == expected


def test_template_context_places_values_at_dotted_keys() -> None:
    context = template_context(
        DOC,
        {"slack": {"orgUrl": "https://x.slack.com"}},
        [
            "event.data=state.build.run-1",
            "tmplctx.prop1=state.key1",
            "tmplctx.literal=just-a-literal-value",
            "tmplctx.eq=a=b",  # split on the first =
            "tmplctx.empty=state.empty",  # falsy results are not set
            "list[]=x,y",
        ],
    )
    assert context["event"]["data"]["params"]["request"]["body"]["ref"] == "refs/tags/2.7.0"
    assert context["tmplctx"] == {"prop1": "value1", "literal": "just-a-literal-value", "eq": "a=b"}
    assert context["list"] == ["x", "y"]
    assert context["configData"] == {"slack": {"orgUrl": "https://x.slack.com"}}
    assert "tmplctx" not in DOC and context["state"] is not DOC["state"]  # the document is not touched


def test_template_context_file_value(tmp_path: Path) -> None:
    source = tmp_path / "v.json"
    source.write_text('{"k": "from-file"}')
    assert template_context(DOC, {}, [f"f=file://{source}"])["f"] == {"k": "from-file"}


@pytest.mark.parametrize("item", ["no-equals", "=state.key1"])
def test_bad_tmpl_ctx_var(item: str) -> None:
    with pytest.raises(InvalidInput, match="expected KEY=EXPRESSION"):
        template_context(DOC, {}, [item])


@pytest.mark.parametrize(
    ("value", "variables", "expected"),
    [
        ("{{ tmplctx.prop1 }}", ["tmplctx.prop1=state.key1"], "value1"),
        ("{{ tmplctx.prop1 }}", ["tmplctx.prop1=just-a-literal-value"], "just-a-literal-value"),
        ("{{ hi(channel) }}", [], "hi release-dev"),  # macros prepended
        ("{{ configData.team }}", [], "shop"),
        (["{{ not rendered }}"], [], ["{{ not rendered }}"]),  # only strings are rendered
        ("", [], ""),
    ],
)
def test_render_result(value: Any, variables: list[str], expected: Any) -> None:
    assert render_result(value, DOC, {"team": "shop"}, variables) == expected


def test_render_result_refuses_sandbox_escape() -> None:
    with pytest.raises(TemplateError, match="sandbox"):
        render_result("{{ ''.__class__.__mro__ }}", DOC, {})
