"""``context history`` formatting: one JSON object per line or a YAML list, details shown last."""

from __future__ import annotations

import json

import pytest
import yaml

from interceptor.context.history import format_history
from interceptor.store.base import HistoryEntry

DETAILS = {
    "event": "deploy=success",
    "handlers": [{"type": "notify", "block": "default", "status": "failed", "detail": "HTTP 500"}],
}
PLAIN = HistoryEntry(1_767_225_600.0, "alice", "cli:context set", ["state.x"])
EVENT = HistoryEntry(1_767_225_601.5, "ci", "interceptor event handle deploy=success", [], DETAILS)


@pytest.mark.parametrize(
    ("entry", "row"),
    [
        pytest.param(
            PLAIN,
            {
                "at": 1_767_225_600.0,
                "actor": "alice",
                "paths": ["state.x"],
                "source": "cli:context set",
                "time": "2026-01-01T00:00:00.000Z",
            },
            id="no-details",
        ),
        pytest.param(
            EVENT,
            {
                "at": 1_767_225_601.5,
                "actor": "ci",
                "paths": [],
                "source": "interceptor event handle deploy=success",
                "time": "2026-01-01T00:00:01.500Z",
                "details": DETAILS,
            },
            id="event-with-details",
        ),
    ],
)
@pytest.mark.parametrize("output", ["json", "yaml"])
def test_each_entry_is_shown_with_its_details(
    entry: HistoryEntry, row: dict[str, object], output: str
) -> None:
    text = format_history([entry], output)
    shown = json.loads(text) if output == "json" else yaml.safe_load(text)[0]
    assert shown == row
    assert list(shown) == list(row)  # details come last, after time


def test_json_lines_oldest_first() -> None:
    lines = format_history([PLAIN, EVENT]).splitlines()
    assert [json.loads(line)["actor"] for line in lines] == ["alice", "ci"]
    assert format_history([]) == "" and format_history([], "yaml") == ""
