"""Random ``context set`` arguments and posted ``set`` maps: a write is applied whole or refused with
a clear one-line error, and a refused write leaves the stored document exactly as it was."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interceptor.cli import main as cli_main
from interceptor.context.paths import parse_assignment
from interceptor.errors import InvalidInput
from interceptor.store import open_store
from interceptor.store.base import Change
from tests.fuzz.conftest import ErrorRecords, LiveService
from tests.fuzz.strategies import JSON_VALUES

pytestmark = pytest.mark.fuzz

CONTEXT_ID = "fuzz-ctx"
SEED = {
    "channel": "C06B4N7R2PD",
    "state": {"appTag": "2.7.0", "tags": ["a", "b"], "count": "1", "nested": {"x": {"y": "z"}}},
    "variables": {"imageRef": "registry.local/orders:2.7.0"},
    "pipelines": {
        "deploy": {
            "event-handlers": {
                "success": {"set-values": {"set": [{"from": "{{ state.appTag }}", "to": "state.deployed"}]}}
            }
        }
    },
}
PATH_PIECES = [
    "state",
    "variables",
    "tags",
    "appTag",
    "nested",
    "x",
    "y",
    "new",
    ".",
    "..",
    "[]",
    "{}",
    "0",
    " ",
    "$",
    "*",
    "[0]",
    "a.b",
    "é",
    ":",
    "=",
]
PATHS = st.lists(st.sampled_from(PATH_PIECES), min_size=0, max_size=6).map("".join) | st.text(max_size=20)
OPERATORS = st.sampled_from(["=", ":=", "[]=", "{}=", "[]:=", "{}:=", "", "==", "=:"])
VALUES = (
    st.text(max_size=30)
    | JSON_VALUES.map(json.dumps)
    | st.sampled_from(["[]", "{}", "a,b,a", "null", "file://"])
)
ARGUMENTS = st.tuples(PATHS, OPERATORS, VALUES).map("".join)


@given(argument=ARGUMENTS)
def test_parse_assignment_accepts_or_names_the_problem(argument: str) -> None:
    try:
        parse_assignment(argument)
    except InvalidInput as exc:
        assert exc.message and "\n" not in exc.message.strip()


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('fuzz-cli')}/contexts.db"


def stored(url: str) -> Any:
    async def read() -> Any:
        store = open_store(url)
        try:
            return await store.get(CONTEXT_ID)
        finally:
            await store.close()

    return asyncio.run(read())


def reseed(url: str) -> None:
    async def write() -> None:
        store = open_store(url)
        try:
            await store.create(
                CONTEXT_ID, json.loads(json.dumps(SEED)), Change("fuzz", "seed", []), force=True
            )
        finally:
            await store.close()

    asyncio.run(write())


@given(arguments=st.lists(ARGUMENTS, min_size=1, max_size=3))
def test_cli_context_set(store_url: str, arguments: list[str]) -> None:
    reseed(store_url)
    before = stored(store_url)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(["context", "set", CONTEXT_ID, *arguments, "--store", store_url])
        except SystemExit as exc:  # argparse refusing an option-like argument
            code = int(exc.code or 0)
    message = err.getvalue()
    assert "internal error" not in message and "Traceback" not in message, message
    if code != 0:
        assert message.strip(), "a refused write must say why on stderr"
        assert stored(store_url) == before, f"refused write {arguments!r} changed the document"


@given(sets=st.dictionaries(PATHS, JSON_VALUES, min_size=1, max_size=3), event_id=st.uuids())
def test_event_interceptor_set_map(
    live: LiveService, error_log: ErrorRecords, sets: dict[str, Any], event_id: Any
) -> None:
    async def seed_and_read() -> Any:
        await live.store.create(
            CONTEXT_ID, json.loads(json.dumps(SEED)), Change("fuzz", "seed", []), force=True
        )
        return await live.store.get(CONTEXT_ID)

    before = live.run(seed_and_read())
    body = {"contextId": CONTEXT_ID, "pipeline": "deploy", "event": "success", "set": sets}
    envelope = {
        "body": json.dumps(body),
        "header": {},
        "interceptor_params": {"verify": False},
        "context": {"event_id": str(event_id), "event_url": "/", "trigger_id": ""},
    }
    status, raw = live.post("/interceptors/event", json.dumps(envelope).encode())
    assert status == 200, raw[:300]
    answer = json.loads(raw)
    after = live.run(live.store.get(CONTEXT_ID))
    if not answer["continue"]:
        assert answer["status"]["code"] in (3, 5, 9), answer
        assert after == before, f"refused set {sets!r} changed the document"
    assert error_log.take() == []
