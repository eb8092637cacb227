"""Generators (``context generate``): the cicdstatemgr §6.11 semantics and the gate rule."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.generators import generate, run_generator
from interceptor.errors import InvalidInput, NotFound
from interceptor.store.base import Change

DOC: dict[str, Any] = {
    "state": {"appTag": "2.7.0", "env": "dev"},
    "gens": {
        "tags": {
            "first": {"set": [{"key": "state.image", "value": "registry.local/orders:{{ state.appTag }}\n"}]},
            "second": {
                "if": "{{ state.image }}",
                "set": [
                    {"key": "state.copy", "value": "{{ state.image }}"},
                    {"key": "state.count:=", "value": "{{ 40 + 2 }}"},
                    {"key": "", "value": "ignored"},
                    {"key": "state.noValue", "value": ""},
                ],
            },
            "skipped": {"when": "state.env == 'prod'", "set": [{"key": "state.prodOnly", "value": "x"}]},
            "off": {"enabled": "false", "set": [{"key": "state.off", "value": "x"}]},
            "withVars": {"set": [{"key": "state.fromVar", "value": "{{ target.ns }}"}]},
        }
    },
}


def test_generate_runs_each_cfg_in_order() -> None:
    result = generate(DOC, "gens.tags", ["target.ns=apps-dev"], config_data={})

    state = result.document["state"]
    assert state["image"] == "registry.local/orders:2.7.0"  # stripped, as cicdstatemgr's setter
    assert state["copy"] == state["image"]  # later cfgs see earlier results
    assert state["count"] == 42
    assert state["fromVar"] == "apps-dev"
    assert "prodOnly" not in state and "off" not in state and "noValue" not in state
    assert [(r.block, r.status) for r in result.results] == [
        ("first", "ok"),
        ("second", "ok"),
        ("skipped", "skipped"),
        ("off", "skipped"),
        ("withVars", "ok"),
    ]
    assert result.paths == ["state.image", "state.copy", "state.count", "state.fromVar"]
    assert DOC["state"] == {"appTag": "2.7.0", "env": "dev"}  # the input is not mutated


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("gens.nothing", NotFound),
        ("gens.tags.*", InvalidInput),
        ("state.appTag", InvalidInput),
        ("gens[", InvalidInput),
    ],
)
def test_generate_needs_exactly_one_mapping(path: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        generate(DOC, path, config_data={})


def test_a_failing_cfg_is_reported_not_raised() -> None:
    doc = {"state": {}, "g": {"bad": {"set": [{"key": "state.x", "value": "{{ ''.__class__.__mro__ }}"}]}}}
    result = generate(doc, "g", config_data={})
    assert result.failed and "sandbox" in result.results[0].detail and result.paths == []


async def test_run_generator_persists_through_the_store(tmp_path: Any) -> None:
    from interceptor.settings import Settings
    from interceptor.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/g.db")
    try:
        await store.create("ctx-1", DOC, Change("t", "init", []))
        stored = await run_generator(
            store, Settings(), "ctx-1", "gens.tags", ["target.ns=apps-qa"], Change("t", "gen", [])
        )
        assert stored is not None and stored["state"]["fromVar"] == "apps-qa"
        assert (await store.history("ctx-1"))[-1].paths == [
            "state.image",
            "state.copy",
            "state.count",
            "state.fromVar",
        ]
    finally:
        await store.close()
