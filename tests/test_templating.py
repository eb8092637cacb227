import pytest

from interceptor.templating import TemplateError, render


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{{ state.appTag }}", {"state": {"appTag": "1.2.0"}}, "1.2.0"),
        ("{{ missing }}", {}, ""),
        ("{{ v | to_nice_yaml }}", {"v": {"b": 1, "a": [1]}}, "b: 1\na:\n- 1\n"),
        ("{{ (s | from_json).a }}", {"s": '{"a": 2}'}, "2"),
        ("{{ s | json_dumps }}", {"s": 'say "hi"'}, '"say \\"hi\\""'),
        ("{{ s | json_dumps(stripLeadingTrailingQuotes=True) }}", {"s": 'say "hi"'}, 'say \\"hi\\"'),
        ("{{ 'a=1,b=2=3,c' | kv_comma_pairs_to_json }}", {}, '{"a": "1", "b": "2"}'),
        ("{{ 'hé' | to_base64 }}", {}, "aMOp"),
        ("{{ 'aMOp' | from_base64 }}", {}, "hé"),
        ("{% for i in [1,2,3] %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}, "1"),
        ("{{ greet('x') }}", {}, "hi x"),
    ],
)
def test_renders_like_cicdstatemgr(template: str, context: dict[str, object], expected: str) -> None:
    macros = "{%- macro greet(n) -%}hi {{ n }}{%- endmacro -%}"
    assert render(template, context, macros=macros) == expected


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ state.__class__.__init__.__globals__ }}",
        "{{ ''.__class__ }}",
        "{{ state.__class__ }}",
    ],
)
def test_sandbox_refuses_python_internals(template: str) -> None:
    with pytest.raises(TemplateError, match=r"sandbox|unsafe|render"):
        render(template, {"state": {}})


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ a.b.c }}", "template failed to render"),
        ("{% if %}", "template syntax error at line 1"),
        ("{{ 'x' | from_json }}", "from_json: expected a JSON string"),
        ("{{ 5 | to_base64 }}", "to_base64: expected a string"),
    ],
)
def test_broken_templates_raise_clear_errors_unless_blank_on_error(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(template, {})
    if "from_json" not in message and "to_base64" not in message:
        assert render(template, {}, blank_on_error=True) == ""
