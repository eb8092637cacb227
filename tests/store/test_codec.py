"""History entries as stored text: ``details`` round-trips, and a malformed one is corruption."""

from __future__ import annotations

import json
from typing import Any

import pytest

from interceptor.errors import CorruptDocument
from interceptor.store import codec
from interceptor.store.base import Change, HistoryEntry, Mutation

CHANGE = Change("alice", "cli", ["state.a"], {"event": "build=success", "handlers": []})


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        pytest.param(
            HistoryEntry(1.5, "alice", "cli", ["a"]),
            '{"at":1.5,"actor":"alice","paths":["a"],"source":"cli"}',
            id="no-details-no-key",
        ),
        pytest.param(
            HistoryEntry(1.5, "alice", "cli", [], {"event": "e=f"}),
            '{"at":1.5,"actor":"alice","paths":[],"source":"cli","details":{"event":"e=f"}}',
            id="details",
        ),
    ],
)
def test_entries_round_trip(entry: HistoryEntry, text: str) -> None:
    assert codec.dump_history_entry(entry) == text
    assert codec.load_history("c", [text.encode()]) == [entry]


@pytest.mark.parametrize(
    ("build", "paths"),
    [
        pytest.param(lambda: codec.creation_entry(1.0, Change("a", "s", [])), ["."], id="create-no-paths"),
        pytest.param(lambda: codec.creation_entry(1.0, CHANGE), ["state.a"], id="create-paths"),
        pytest.param(
            lambda: codec.update_entry(1.0, CHANGE, Mutation({})), ["state.a"], id="update-unstated"
        ),
        pytest.param(
            lambda: codec.update_entry(1.0, CHANGE, Mutation({}, [])), [], id="update-wrote-nothing"
        ),
        pytest.param(lambda: codec.update_entry(1.0, CHANGE, Mutation({}, ["b"])), ["b"], id="update-wrote"),
    ],
)
def test_entry_paths(build: Any, paths: list[str]) -> None:
    entry = build()
    assert entry.paths == paths
    assert entry.details == (CHANGE.details if entry.actor == "alice" else {})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param({"at": 1, "actor": "a", "source": "s", "paths": [], "details": [1]}, "details must be an object", id="details-list"),
        pytest.param({"at": 1, "actor": "a", "source": "s", "paths": [], "details": "x"}, "details must be an object", id="details-text"),
        pytest.param({"at": 1, "actor": "a", "source": "s"}, "lacks a valid 'paths' field", id="no-paths"),
        pytest.param(7, "history entry 0 is malformed", id="number"),
    ],
)  # fmt: skip
def test_a_malformed_entry_is_corruption(value: Any, message: str) -> None:
    with pytest.raises(CorruptDocument, match=r"^context c: history entry 0 ") as raised:
        codec.load_history("c", [json.dumps(value)])
    assert message in raised.value.message
