"""Expression cases, each run through the library and through the cel interceptor over HTTP."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest

from interceptor.cel import Activation, CelEnvironment, CelError
from interceptor.protocol import parse_request
from tests.cel.conftest import PostFn
from tests.cel.payloads import PAYLOADS, el_request

NO_VALUE = object()


@dataclass(frozen=True)
class Case:
    id: str
    expression: str
    expected: Any = NO_VALUE
    error: str | None = None  # the exact cause (after "failed to evaluate: ") or an issue prefix
    stage: str = "eval"
    payload: str = "github"
    overlay_code: int = 0  # 13 when Tekton cannot put the value into an extension


CASES = [
    # --- variables and Tekton typing -------------------------------------------------------
    Case("body-string", "body.ref", "refs/heads/main"),
    Case("body-nested", "body.repository.owner.login", "acme"),
    Case("number-is-double", "type(body.repository.stargazers_count) == double", True),
    Case("hetero-equality", "body.repository.stargazers_count == 42", True),
    Case("hetero-in-list", "42 in [body.repository.stargazers_count]", True),
    Case("hetero-ordering", "body.repository.stargazers_count > 41", True),
    Case("int-plus-double-fails", "body.repository.stargazers_count + 1", error="no such overload"),
    Case("double-arith", "body.repository.stargazers_count + 1.0", 43),
    Case("int-conversion", "int(body.repository.stargazers_count) + 2", 44),
    Case("double-mult", "body.repository.stargazers_count * 0.5", 21),
    Case("string-of-double", "string(123456789.0)", "1.23456789e+08"),
    Case("string-of-integral-double", "string(2.0)", "2"),
    Case("missing-key", "body.nope", error="no such key: nope"),
    Case("missing-index-key", "body['nope']", error="no such key: nope"),
    Case("has-present", "has(body.head_commit.author)", True),
    Case("has-absent", "has(body.head_commit.committer)", False),
    Case("has-missing-parent-errors", "has(body.nope.x)", error="no such key: nope"),
    Case("false-and-error", "false && body.nope == 1", False),
    Case("true-or-error", "true || body.nope == 1", True),
    Case("error-and-false", "body.nope == 1 && false", False),
    Case("ternary", "body.deleted ? 'gone' : 'here'", "here"),
    Case("list-index", "body.commits[1].id", "28911bbb"),
    Case("list-index-out-of-range", "body.commits[5]", error="index '5' out of range in list size '2'"),
    Case("requestURL", "requestURL", "/hooks?source=ci"),
    Case("extensions-absent", "extensions.team", error="no such key: team"),
    Case("division-by-zero", "1 / 0", error="division by zero"),
    Case("int-overflow", "9223372036854775807 + 1", error="integer overflow"),
    Case("macro-exists", "body.commits.exists(c, c.message.startsWith('WIP'))", True),
    Case("macro-all", "body.commits.all(c, c.distinct)", True),
    Case("macro-map", "body.commits.map(c, c.id)", ["a1b2c3d4", "28911bbb"]),
    Case("macro-filter", "body.head_commit.modified.filter(f, f.endsWith('.py')).size()", 2),
    Case("macro-exists-one", "body.commits.exists_one(c, c.message == 'WIP')", True),
    Case("string-matches-re2", "body.ref.matches('^refs/heads/(main|release/.*)$')", True),
    Case("list-literal-equality", "[1, 2] == [1.0, 2.0]", True),
    Case("map-equality", "{'a': 1} == {'a': 1.0}", True),
    Case("mixed-equality-false", "1 == 'a'", False),
    Case("bytes-overlay-base64", "b'hello'", b"hello"),
    Case("null-overlay-rejected", "null", None, overlay_code=13),
    Case("uint-overlay-rejected", "1u", 1, overlay_code=13),
    Case(
        "timestamp-overlay-rejected",
        "timestamp('2026-03-02T09:15:42Z')",
        "2026-03-02T09:15:42Z",
        overlay_code=13,
    ),
    Case("duration-overlay-rejected", "duration('90s')", "90s", overlay_code=13),
    Case("map-result", "{'b': 1, 'a': [true, 'x']}", {"a": [True, "x"], "b": 1}),
    # --- header quirks ---------------------------------------------------------------------
    Case("header-canonical-index", "header['X-Github-Event'][0]", "push"),
    Case("header-noncanonical-index", "header['X-GitHub-Event']", error="no such key: X-GitHub-Event"),
    Case("header-is-list", "header['X-Github-Event'] == 'push'", False),
    Case("match-canonicalises-name", "header.match('x-github-event', 'push')", True),
    Case("match-case-sensitive-value", "header.match('X-GitHub-Event', 'Push')", False),
    Case("match-missing-is-empty", "header.match('X-None', '')", True),
    Case("canonical", "header.canonical('x-hub-signature-256').startsWith('sha256=')", True),
    Case("canonical-missing", "header.canonical('X-None')", ""),
    Case(
        "match-on-non-header-map",
        "body.repository.match('name', 'shop')",
        error="failed to convert to http.Header: type conversion error from 'double' to '[]string' for key id",
    ),
    # --- Tekton functions ------------------------------------------------------------------
    Case("truncate", "body.after.truncate(7)", "28911bb"),
    Case("truncate-bytes", "'héllo'.truncate(2)", "h\ufffd"),
    Case("truncate-longer", "'abc'.truncate(10)", "abc"),
    Case("truncate-negative", "'abc'.truncate(-1)", error="runtime error: slice bounds out of range [:-1]"),
    Case("truncate-uint-no-overload", "'abc'.truncate(7u)", error="no such overload: truncate(string, uint)"),
    Case("truncate-map-no-overload", "body.truncate(1)", error="no such overload: truncate(map, int)"),
    Case("compare-secret-true", "'s3cr3t-value'.compareSecret('token', 'github-secret')", True),
    Case("compare-secret-false", "'wrong'.compareSecret('token', 'github-secret')", False),
    Case(
        "compare-secret-namespace-ignored",
        "'s3cr3t-value'.compareSecret('token', 'github-secret', 'other-ns')",
        True,
    ),
    Case(
        "compare-secret-header",
        "header.canonical('X-Gitlab-Token').compareSecret('token', 'gitlab')",
        True,
        payload="gitlab",
    ),
    Case(
        "compare-secret-missing",
        "'x'.compareSecret('token', 'nope')",
        error='failed to find secret \'v1beta1.SecretRef{SecretKey:"token", SecretName:"nope"}\' in compareSecret: secrets "nope" not found',
    ),
    Case("parse-json", '\'{"a": {"b": 2}}\'.parseJSON().a.b', 2),
    Case(
        "parse-json-not-object",
        "'[1]'.parseJSON()",
        error="failed to decode '[1]' in parseJSON: json: cannot unmarshal array into Go value of type map[string]interface {}",
    ),
    Case(
        "parse-json-invalid",
        "'nope'.parseJSON()",
        error="failed to decode 'nope' in parseJSON: invalid character 'o' in literal null (expecting 'u')",
    ),
    Case("parse-yaml", "'app: shop\\nreplicas: 3'.parseYAML().replicas", 3),
    Case(
        "parse-url",
        "'https://u:p@example.com:8443/a%20b/c?x=1&x=2&y=#frag'.parseURL()",
        {
            "scheme": "https",
            "host": "example.com:8443",
            "path": "/a b/c",
            "rawQuery": "x=1&x=2&y=",
            "fragment": "frag",
            "queryStrings": {"x": ["1", "2"], "y": [""]},
            "query": {"x": "1,2", "y": ""},
            "auth": {"username": "u", "password": "p"},
        },
    ),
    Case("parse-url-no-auth", "has(body.repository.html_url.parseURL().auth)", False),
    Case(
        "marshal-json",
        "body.head_commit.author.marshalJSON()",
        '{"email":"dana@example.com","name":"Dana Ivers","username":"dana"}',
    ),
    Case("marshal-json-html-escaped", "{'m': '<b>&'}.marshalJSON()", '{"m":"\\u003cb\\u003e\\u0026"}'),
    Case(
        "marshal-json-string-no-overload", "'x'.marshalJSON()", error="no such overload: marshalJSON(string)"
    ),
    Case("first", "body.commits.first().id", "a1b2c3d4"),
    Case("last", "body.commits.last().id", "28911bbb"),
    Case("first-empty-null", "body.head_commit.removed.first()", None, overlay_code=13),
    Case("translate-group", "body.ref.translate('^refs/heads/(.*)$', 'branch-$1')", "branch-main"),
    Case("translate-named", "'v1.2.3'.translate('v(?P<major>\\\\d+)\\\\..*', '${major}x')", "1x"),
    Case("translate-1x-is-group-1x", "'ab'.translate('(a)', '$1x')", "b"),
    Case(
        "translate-bad-regex",
        "'x'.translate('(', 'y')",
        error="failed to parse regular expression for translation: error parsing regexp: missing ): (",
    ),
    # --- strings -----------------------------------------------------------------------------
    Case("char-at", "'héllo'.charAt(1)", "é"),
    Case("index-of", "body.ref.indexOf('/')", 4),
    Case("index-of-from", "'hello mellow'.indexOf('ello', 2)", 7),
    Case("last-index-of", "'hello mellow'.lastIndexOf('ello')", 7),
    Case("lower-upper", "'ÀbC'.lowerAscii() + 'ÀbC'.upperAscii()", "ÀbcÀBC"),
    Case("replace", "'a-b-c'.replace('-', '+', 1)", "a+b-c"),
    Case("split", "body.ref.split('/')", ["refs", "heads", "main"]),
    Case("split-n", "'a,b,c'.split(',', 2)", ["a", "b,c"]),
    Case("substring", "body.after.substring(0, 7)", "28911bb"),
    Case("substring-out-of-range", "'abc'.substring(2, 9)", error="index out of range: 9"),
    Case("trim", "'  x \\n'.trim()", "x"),
    Case("join", "body.repository.topics.join(', ')", "retail, tekton"),
    Case("string-reverse", "'abc'.reverse()", "cba"),
    Case("strings-quote", "strings.quote('a\"b\\n')", '"a\\"b\\n"'),
    # --- encoders ------------------------------------------------------------------------------
    Case("base64-decode-bytes", "base64.decode('aGVsbG8=')", b"hello"),
    Case("base64-decode-no-padding", "string(base64.decode('aGVsbG8'))", "hello"),
    Case("base64-encode", "base64.encode(b'hello')", "aGVsbG8="),
    Case("base64-invalid", "base64.decode('!!')", error="illegal base64 data at input byte 0"),
    # --- lists and sets ------------------------------------------------------------------------
    Case("distinct", "[1, 2.0, 2, 'a', 'a'].distinct()", [1, 2, "a"]),
    Case("flatten", "[[1], [2, [3]]].flatten()", [1, 2, [3]]),
    Case("flatten-depth", "[[1], [2, [3]]].flatten(2)", [1, 2, 3]),
    Case("lists-range", "lists.range(3)", [0, 1, 2]),
    Case("list-reverse", "body.commits.map(c, c.id).reverse()", ["28911bbb", "a1b2c3d4"]),
    Case("slice", "[1, 2, 3, 4].slice(1, 3)", [2, 3]),
    Case("sort", "['b', 'c', 'a'].sort()", ["a", "b", "c"]),
    Case(
        "sort-mixed-fails", "[1, 'a'].sort()", error="list elements must have the same type: int and string"
    ),
    Case("sets-contains", "sets.contains(body.repository.topics, ['tekton'])", True),
    Case("sets-equivalent", "sets.equivalent([1, 2], [2, 1, 2.0])", True),
    Case("sets-intersects", "sets.intersects(body.head_commit.modified, ['src/cart.py'])", True),
    # --- math ------------------------------------------------------------------------------------
    Case("math-greatest", "math.greatest(1, 2.5, body.repository.stargazers_count)", 42),
    Case("math-least-list", "math.least([3, -1, 2])", -1),
    Case(
        "math-ceil-floor",
        "[math.ceil(1.2), math.floor(-1.2), math.round(2.5), math.trunc(-2.7)]",
        [2, -2, 3, -2],
    ),
    Case("math-abs-sign", "[math.abs(-3), math.sign(-2.5)]", [3, -1]),
    Case("math-is", "[math.isInf(1.0/0.0), math.isNaN(0.0/0.0), math.isFinite(1.0)]", [True, True, True]),
    Case(
        "math-bits", "[math.bitAnd(6, 3), math.bitOr(4, 1), math.bitXor(5, 1), math.bitNot(0)]", [2, 5, 4, -1]
    ),
    Case("math-shifts", "[math.bitShiftLeft(1, 4), math.bitShiftRight(-1024, 3)]", [16, 2305843009213693824]),
    Case("math-sqrt", "math.sqrt(16)", 4),
    # --- compile-time rejections -----------------------------------------------------------------
    Case(
        "decodeb64-unsupported",
        "decodeb64(body.ref)",
        stage="check",
        error="ERROR: <input>:1:1: function decodeb64 is not supported",
    ),
    Case(
        "sortby-unsupported",
        "body.commits.sortBy(c, c.id)",
        stage="check",
        error="ERROR: <input>:1:14: function sortBy is not supported",
    ),
    Case(
        "format-unsupported",
        "'%s'.format([body.ref])",
        stage="check",
        error="ERROR: <input>:1:6: function format is not supported",
    ),
    Case(
        "cel-bind-unsupported",
        "cel.bind(x, 1, x + 1)",
        stage="check",
        error="ERROR: <input>:1:5: function cel.bind is not supported",
    ),
    Case(
        "optional-unsupported",
        "body.?ref",
        stage="parse",
        error="ERROR: <input>:1:5: unsupported syntax '.?'",
    ),
    Case(
        "undeclared-variable",
        "test.value",
        stage="check",
        error="ERROR: <input>:1:1: undeclared reference to 'test' (in container '')",
    ),
    Case(
        "unknown-function",
        "body.ref.shout()",
        stage="check",
        error="ERROR: <input>:1:10: undeclared reference to 'shout' (in container '')",
    ),
    Case(
        "syntax-error",
        "header['X-Test",
        stage="parse",
        error="ERROR: <input>:1:8: Syntax error: token recognition error at: ''X-Test'",
    ),
    # --- GitLab and Slack payloads ---------------------------------------------------------------
    Case("gitlab-branch", "body.ref.split('/').slice(2, 4).join('/')", "release/2.7", payload="gitlab"),
    Case(
        "gitlab-event",
        "header.match('X-Gitlab-Event', 'Push Hook') && body.object_kind == 'push'",
        True,
        payload="gitlab",
    ),
    Case("gitlab-commit-count", "body.total_commits_count == size(body.commits)", True, payload="gitlab"),
    Case("slack-action-data", "body.slack.action.data.app", "shop", payload="slack"),
    Case("slack-args", "body.slack.args[2]", "1.2.0", payload="slack"),
    Case(
        "slack-value-decode",
        "string(base64.decode(body.slack.action.value.split('|')[1])).parseJSON().app",
        "shop",
        payload="slack",
    ),
    Case("slack-user-in-list", "body.slack.user.name in ['dana', 'lee']", True, payload="slack"),
]


def _raw(case: Case) -> tuple[str, dict[str, list[str]]]:
    payload, headers = PAYLOADS[case.payload]
    return json.dumps(payload), headers


def _message(case: Case) -> str:
    expression = json.dumps(case.expression, ensure_ascii=False)
    if case.stage == "parse":
        return f"error evaluating cel expression: failed to parse expression {expression}: {case.error}"
    if case.stage == "check":
        return f"error evaluating cel expression: expression {expression} check failed: {case.error}"
    return f"error evaluating cel expression: expression {expression} failed to evaluate: {case.error}"


def _to_extension(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_library(case: Case, cel_env: CelEnvironment) -> None:
    body, headers = _raw(case)
    request = parse_request(el_request(body, headers, {}))
    variables = Activation.from_request(request)
    if case.error is not None:
        with pytest.raises(CelError) as caught:
            cel_env.evaluate(case.expression, variables)
        assert caught.value.code == 3
        if case.stage == "eval":
            assert caught.value.message == _message(case)
        else:
            assert caught.value.message.startswith(_message(case))
        return
    assert cel_env.evaluate(case.expression, variables) == case.expected


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_over_http(case: Case, post_cel: PostFn) -> None:
    body, headers = _raw(case)
    params = {"overlays": [{"key": "result", "expression": case.expression}]}
    status, response = await post_cel(el_request(body, headers, params))
    assert status == 200
    if case.error is not None:
        assert response["continue"] is False
        assert response["status"]["code"] == 3
        if case.stage == "eval":
            assert response["status"]["message"] == _message(case)
        else:
            assert response["status"]["message"].startswith(_message(case))
        return
    if case.overlay_code:
        assert response["continue"] is False
        assert response["status"]["code"] == case.overlay_code
        assert response["status"]["message"].startswith("failed to convert overlay result to type: ")
        return
    assert response == {
        "extensions": {"result": _to_extension(case.expected)},
        "continue": True,
        "status": {},
    }
