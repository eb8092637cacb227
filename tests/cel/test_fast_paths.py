"""Differential: the fast paths give exactly what plain cel-python evaluation gives.

The reference evaluates every expression the way the service did before the fast paths: the whole
body converted to CEL values up front, cel-python's ``Activation``, every AST node through
cel-python's own method, lark's rule-name tokens, and no field-selection shortcut. The service's
way (values converted on first read, plain field selections read directly, the cheaper node
dispatch) must give the same value with the same CEL types, or the same error with the same
message, code and position, for every expression of the library's table and for expressions aimed
at the lazy map and the shortcut.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from types import SimpleNamespace
from typing import Any

import lark
import pytest
from celpy.evaluation import Activation as CelActivation
from celpy.evaluation import CELEvalError, Evaluator

from interceptor.cel import Activation, CelEnvironment, CelError, environment
from interceptor.cel.evaluator import CelEvaluator
from interceptor.cel.field_path import MISSING
from interceptor.cel.values import to_cel, to_python
from interceptor.interceptors.cel import CelInterceptor
from interceptor.protocol import InterceptorRequest, parse_request
from tests.cel.conftest import SECRETS, make_interceptor, shape
from tests.cel.payloads import PAYLOADS, el_request
from tests.cel.test_environment import CASES


class CelPythonEvaluator(CelEvaluator):
    """Our evaluator with every node back on cel-python's own method (no fast node paths)."""

    def relation(self, tree: lark.Tree) -> Any:
        return Evaluator.relation(self, tree)

    def addition(self, tree: lark.Tree) -> Any:
        return Evaluator.addition(self, tree)

    def multiplication(self, tree: lark.Tree) -> Any:
        return Evaluator.multiplication(self, tree)

    def conditionalor(self, tree: lark.Tree) -> Any:
        return Evaluator.conditionalor(self, tree)

    def conditionaland(self, tree: lark.Tree) -> Any:
        return Evaluator.conditionaland(self, tree)

    def member_dot_arg(self, tree: lark.Tree) -> Any:
        return Evaluator.member_dot_arg(self, tree)

    def exprlist(self, tree: lark.Tree) -> Any:
        return Evaluator.exprlist(self, tree)

    def literal(self, tree: lark.Tree) -> Any:
        return Evaluator.literal(self, tree)

    def _visit_tree(self, tree: lark.Tree) -> Any:
        value = lark.visitors.Interpreter._visit_tree(self, tree)
        if isinstance(value, CELEvalError) and value.line is None:
            value.line = getattr(tree.meta, "line", None)
            value.column = getattr(tree.meta, "column", None)
        return value

    def primary(self, tree: lark.Tree) -> Any:
        child = tree.children[0]
        if len(tree.children) == 1 and isinstance(child, lark.Tree) and child.data == "ident":
            token = child.children[0]
            try:
                return self.ident_value(str(token))
            except KeyError:
                return CELEvalError(f"undeclared reference to '{token}' (in container '')", tree=tree)
        return Evaluator.primary(self, tree)

    def sub_evaluator(self, ast: lark.Tree) -> Evaluator:
        return type(self)(ast, activation=self.activation)


def _celpy_activation(variables: Mapping[str, Any], functions: Mapping[str, Any], parent: Any = None) -> Any:
    """Stands in for ``Scope``: the type names, then one cel-python Activation per evaluation."""
    if parent is None:
        return SimpleNamespace(variables=variables)
    return CelActivation(vars={**parent.variables, **variables}, functions=functions)


class Reference:
    """A CelEnvironment running without any of the fast paths (they are patched out only while
    it compiles and evaluates, so the service's environment in the same test keeps them)."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, evaluator: type[CelEvaluator] = CelPythonEvaluator
    ) -> None:
        self._monkeypatch = monkeypatch
        self._evaluator = evaluator
        with self._slow_paths():
            self.env = CelEnvironment(secrets=SECRETS)

    @contextlib.contextmanager
    def _slow_paths(self) -> Iterator[None]:
        with self._monkeypatch.context() as patch:
            patch.setattr(environment, "CelEvaluator", self._evaluator)
            patch.setattr(environment, "Scope", _celpy_activation)
            patch.setattr(environment, "select_cel", lambda root, names: MISSING)
            patch.setattr(environment, "select_json", lambda root, names: MISSING)
            patch.setattr(environment, "_plain_rule_names", lambda ast: None)
            patch.setattr(environment, "to_cel_lazy", to_cel)
            yield

    def run(self, call: Callable[[CelEnvironment], Any]) -> Any:
        with self._slow_paths():
            return call(self.env)


def outcome(call: Callable[[], Any]) -> Any:
    try:
        value = call()
    except CelError as exc:
        return ("error", exc.code, exc.message, exc.stage, exc.line, exc.column)
    return ("value", shape(value))


ODD_BODY: dict[str, Any] = {
    "n": None,
    "i": 3,
    "f": 1.5,
    "t": True,
    "s": "text",
    "l": [1, {"a": None}, [2.5, "y"], []],
    "o": {"p": {"q": [{}]}, "e": {}, "dash-key": 1, "": "empty key"},
    "contextId": "orders-2.7.0-v1-dev-9f2c1e7",
}
BODIES: dict[str, tuple[str, dict[str, list[str]]]] = {
    **{name: (json.dumps(payload), headers) for name, (payload, headers) in PAYLOADS.items()},
    "odd": (json.dumps(ODD_BODY), {"Content-Type": ["application/json"]}),
}
EXTENSIONS = {"team": {"name": "payments", "size": 4}, "flags": [True, None]}

# Aimed at the lazy map (every way of reading a map) and at the field-selection shortcut
# (found, missing at each depth, stepping into a non-map).
EXTRA = [
    "body",
    "header",
    "extensions",
    "requestURL",
    "body.contextId",
    "body.repository",
    "body.repository.owner.login",
    "body.o.p.q",
    "body.o['dash-key']",
    "body.o['']",
    "body['o'].p",
    "body.n",
    "body.n.x",
    "body.i",
    "body.i.x",
    "body.s.x",
    "body.l.x",
    "body.l[1].a",
    "body.nope",
    "body.nope.deeper",
    "body.o.nope",
    "header['Content-Type']",
    "header['X-Nope']",
    "header.X",
    "extensions.team.name",
    "extensions.team.nope",
    "extensions.flags",
    "extensions.nope.x",
    "requestURL.x",
    "size(body)",
    "size(body.o)",
    "'o' in body",
    "'nope' in body",
    "body == body",
    "body.o == body.o",
    "body.o.p == {'q': [{}]}",
    "body.o != {}",
    "body.map(k, k)",
    "body.filter(k, k.size() == 1)",
    "body.exists(k, k == 'o')",
    "body.all(k, has(body.o) || k != '')",
    "body.exists_one(k, k == 'o')",
    "body.o.map(k, body.o[k])",
    "has(body.o)",
    "has(body.nope)",
    "has(body.o.p.q)",
    "has(body.n.x)",
    "type(body) == map",
    "type(body.o) == type({})",
    "dyn(body).o",
    "[body.o][0].p",
    "{'x': body.o}.x.e",
    "body.o.marshalJSON()",
    "header.marshalJSON()",
    "body.l.map(x, type(x))",
    "body.l[1] == {'a': null}",
    "string(body.i) + body.s",
    "body.i + 1",
    "body.i + 1.0",
    "body.f * 2.0 > body.i",
    "-body.f",
    "!body.t",
    "body.t ? body.s : body.n",
    "body.l.size() > 2 && body.o.e.size() == 0",
    "body.nope || true",
    "body.nope && false",
    "'\\u00e9' + 'x'",
    "b'\\xff'",
    "1u + 2u",
    "9223372036854775807 + 1",
    "'abc'[0]",
    "[1, 2][2]",
    "{'a': 1}['b']",
]
EXPRESSIONS = list(dict.fromkeys([case.expression for case in CASES] + EXTRA))


def _request(body_name: str) -> InterceptorRequest:
    body, headers = BODIES[body_name]
    return parse_request(el_request(body, headers, {}, extensions=EXTENSIONS))


@pytest.fixture(scope="module")
def service_env() -> CelEnvironment:
    return CelEnvironment(secrets=SECRETS)


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reference]:
    yield Reference(monkeypatch)


def _compare(expression: str, body_name: str, service: CelEnvironment, reference: Reference) -> None:
    request = _request(body_name)
    plain = Activation.from_request(request)
    eager = {name: to_cel(value) for name, value in plain.items()}
    expected = reference.run(lambda env: outcome(lambda: env.evaluate_cel(expression, eager)))
    # The cel interceptor's way: lazily converted variables, shared by several expressions
    # (evaluated twice: the second time reads values the first one converted).
    lazy = Activation.cel_from_request(request)
    assert outcome(lambda: service.evaluate_cel(expression, lazy)) == expected
    assert outcome(lambda: service.evaluate_cel(expression, lazy)) == expected
    # The context interceptor's way: plain variables in, plain Python out.
    expected_plain = reference.run(
        lambda env: outcome(lambda: to_python(env.evaluate_cel(expression, eager)))
    )
    assert outcome(lambda: service.evaluate(expression, plain)) == expected_plain


@pytest.mark.parametrize("expression", EXPRESSIONS)
@pytest.mark.parametrize("body_name", list(BODIES))
def test_same_result_as_celpy(
    expression: str, body_name: str, service_env: CelEnvironment, reference: Reference
) -> None:
    _compare(expression, body_name, service_env, reference)


def test_reference_really_takes_the_slow_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the differential test itself: its reference must not use the fast paths."""
    calls: list[str] = []

    class Spy(CelPythonEvaluator):
        def member_dot(self, tree: lark.Tree) -> Any:
            calls.append("member_dot")
            return super().member_dot(tree)

    reference = Reference(monkeypatch, evaluator=Spy)
    variables = {"body": to_cel({"a": {"b": "c"}})}
    assert reference.run(lambda env: env.evaluate_cel("body.a.b", variables)) == "c"
    assert calls == ["member_dot", "member_dot"]
    program = reference.env.compile("body.a.b")
    assert all(type(node.data) is lark.Token for node in program.ast.iter_subtrees())
    assert environment.CelEvaluator is CelEvaluator  # patched only inside run()


INTERCEPTOR_PARAMS = [
    {
        "filter": "header.match('X-GitHub-Event', 'push') && body.ref.startsWith('refs/')",
        "overlays": [
            {"key": "gitAppName", "expression": "body.repository.name"},
            {"key": "branch", "expression": "body.ref.split('/')[2]"},
            {"key": "commit.message", "expression": "body.head_commit.message"},
            {"key": "commit.author", "expression": "body.head_commit.author"},
        ],
    },
    {"overlays": [{"key": "whole", "expression": "body"}, {"key": "ext", "expression": "extensions"}]},
    {
        "overlays": [
            {"key": "a", "expression": "body.repository.name"},
            {"key": "b", "expression": "body.nope"},
        ]
    },
    {"filter": "body.nope == 'x'"},
    {"filter": "body.repository.private"},
    {"overlays": [{"key": "n", "expression": "body.head_commit.removed.first()"}]},
]


@pytest.mark.parametrize("params", INTERCEPTOR_PARAMS, ids=[json.dumps(p)[:60] for p in INTERCEPTOR_PARAMS])
def test_interceptor_same_response_as_celpy(params: dict[str, Any], reference: Reference) -> None:
    body, headers = BODIES["github"]
    raw = el_request(body, headers, params, extensions=EXTENSIONS)

    def respond(interceptor: CelInterceptor) -> dict[str, Any]:
        return asyncio.run(interceptor.process(parse_request(raw))).to_json()

    expected = reference.run(lambda env: respond(make_interceptor(env)))
    assert respond(make_interceptor(CelEnvironment(secrets=SECRETS))) == expected
