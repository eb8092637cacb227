"""``interceptor cel eval`` end to end, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REQUEST = (
    "POST /foo HTTP/1.1\r\n"
    "Content-Type: application/json\r\n"
    "x-github-event: push\r\n"
    "X-Header: tacocat\r\n"
    "Content-Length: 1\r\n"
    "\r\n"
    '{"test": {"nested": "value"}, "count": 2, "tags": ["a", "b"]}'
)


def run(tmp_path: Path, *args: str, request: str = REQUEST) -> subprocess.CompletedProcess[str]:
    request_file = tmp_path / "request.http"
    request_file.write_text(request)
    return subprocess.run(
        [sys.executable, "-m", "interceptor", "cel", "eval", "--http-request", str(request_file), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("body.test.nested", "value"),
        ("header.match('X-GitHub-Event', 'push')", True),
        ("header['X-Github-Event'][0]", "push"),
        ("header['Content-Length'][0]", "61"),
        ("requestURL", "/foo"),
        ("body.count + 1.0", 3),
        ("body.tags.join('-')", "a-b"),
        ("base64.decode('aGk=')", "aGk="),
        ("'anything'.compareSecret('k', 's')", False),
        ("''.compareSecret('k', 's')", True),
    ],
)
def test_eval_prints_json(tmp_path: Path, expression: str, expected: object) -> None:
    result = run(tmp_path, "--expression", expression)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_expression_from_file_and_extensions(tmp_path: Path) -> None:
    expression_file = tmp_path / "expr.cel"
    expression_file.write_text("extensions.team + '/' + body.test.nested\n")
    extensions_file = tmp_path / "ext.json"
    extensions_file.write_text('{"team": "platform"}')
    result = run(tmp_path, "-e", str(expression_file), "--extensions", str(extensions_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "platform/value"


@pytest.mark.parametrize(
    ("expression", "stderr_lines"),
    [
        (
            "body.count + 1",
            [
                'error: expression "body.count + 1" failed to evaluate: no such overload',
                " | body.count + 1",
                " | ^",
                "hint: JSON numbers are doubles: write 1.0 instead of 1, or convert with int(body.count)",
            ],
        ),
        (
            "header['X-GitHub-Event'] == 'push'",
            [
                "error: expression \"header['X-GitHub-Event'] == 'push'\" failed to evaluate: "
                "no such key: X-GitHub-Event",
            ],
        ),
        (
            "body.test.nope",
            [
                'error: expression "body.test.nope" failed to evaluate: no such key: nope',
                " | body.test.nope",
                " | ..........^",
            ],
        ),
        (
            "body.(",
            [
                "error: failed to parse expression \"body.(\": ERROR: <input>:1:6: Syntax error: mismatched input '('",
                " | body.(",
                " | .....^",
            ],
        ),
        (
            "decodeb64(body.test)",
            [
                'error: expression "decodeb64(body.test)" check failed: ERROR: <input>:1:1: function decodeb64 '
                "is not supported (removed in Tekton v0.22.0; use string(base64.decode(s)))",
            ],
        ),
    ],
)
def test_errors_exit_1_with_caret_and_hint(tmp_path: Path, expression: str, stderr_lines: list[str]) -> None:
    result = run(tmp_path, "--expression", expression)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[: len(stderr_lines)] == stderr_lines


def test_header_list_hint(tmp_path: Path) -> None:
    result = run(tmp_path, "--expression", "header['X-Github-Event'] + 'x'")
    assert result.returncode == 1
    assert (
        "hint: header['X-Github-Event'] is a list of strings: use header.match('X-Github-Event', 'value')"
        in result.stderr
    )


def test_form_body_hint(tmp_path: Path) -> None:
    request = "POST / HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\npayload=%7B%7D"
    result = run(tmp_path, "--expression", "true", request=request)
    assert result.returncode == 1
    assert "invalid character 'p' looking for beginning of value" in result.stderr
    assert "hint: the body is a form (payload=...), not JSON" in result.stderr


def test_empty_body_is_an_error(tmp_path: Path) -> None:
    result = run(tmp_path, "--expression", "true", request="GET / HTTP/1.1\nAccept: */*\n\n")
    assert result.returncode == 1
    assert "unexpected end of JSON input" in result.stderr


def test_bad_request_file_names_the_problem(tmp_path: Path) -> None:
    result = run(tmp_path, "--expression", "true", request="not a request\n\n{}")
    assert result.returncode == 1
    assert "--http-request: the first line must be 'METHOD TARGET HTTP/1.1'" in result.stderr
