"""Compile once: the LRU cache of programs, failures included, and other callers' variables."""

from __future__ import annotations

import pytest

from interceptor.cel import CelEnvironment, CelError


def test_known_expression_is_not_parsed_again() -> None:
    env = CelEnvironment(cache_size=4)
    for _ in range(3):
        assert env.evaluate("body.a == 1", {"body": {"a": 1}}) is True
    assert env.compile_count == 1


def test_least_recently_used_is_evicted() -> None:
    env = CelEnvironment(cache_size=2)
    env.compile("1 + 1")
    env.compile("2 + 2")
    env.compile("1 + 1")  # refreshes "1 + 1"
    env.compile("3 + 3")  # evicts "2 + 2"
    assert env.cached("1 + 1") and env.cached("3 + 3") and not env.cached("2 + 2")
    env.compile("2 + 2")
    assert env.compile_count == 4


def test_compile_failures_are_cached_too() -> None:
    env = CelEnvironment()
    for _ in range(2):
        with pytest.raises(CelError) as caught:
            env.compile("body.(")
        assert caught.value.stage == "parse"
        assert (caught.value.line, caught.value.column) == (1, 6)
    assert env.compile_count == 1


def test_cache_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="cacheSize"):
        CelEnvironment(cache_size=0)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("state.phase == 'approved' && event.user in vars.approvers", True),
        ("vars.approvers.size() == 2", True),
        ("state.count == 3", True),
        ("has(state.missing)", False),
    ],
)
def test_handler_when_conditions(expression: str, expected: bool) -> None:
    env = CelEnvironment()
    variables = {
        "state": {"phase": "approved", "count": 3},
        "event": {"user": "dana"},
        "vars": {"approvers": ["dana", "lee"]},
    }
    assert env.evaluate(expression, variables) is expected


def test_variable_not_given_is_undeclared() -> None:
    env = CelEnvironment()
    with pytest.raises(CelError, match="undeclared reference to 'body'"):
        env.evaluate("body.x", {"state": {}})
