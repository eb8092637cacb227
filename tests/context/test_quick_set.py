"""``context set|lock|unlock`` on the one-shot writer: the same output, exit codes, documents and
history as on the full async store, none of asyncio, redis-py, aiohttp or jinja2 imported, and
the store used where the writer cannot answer exactly as it would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import interceptor.cli.context as cli_context
from tests.context.conftest import CliRunner, Run, unique_id
from tests.context.test_quick_get import _imported_after

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# argv after "context"; {id} is the context, {tmp} a directory with v.json and v.yaml
SCRIPT = [
    ["set", "{id}", "state.appTag=2.8.0", "state.n:=3", "state.tags[]=a,b", "state.tags{}=b,c"],
    ["set", "{id}", "state.tags[]=[]", "new.deep.path=x", "state.j=file://{tmp}/v.json"],
    ["set", "{id}", "state.y=file://{tmp}/v.yaml", "--actor", "carol"],
    ["set", "{id}", "state.appTag.below=1"],
    ["set", "{id}", "state.bad:={not json"],
    ["set", "{id}", "no-equals-sign"],
    ["lock", "{id}", "--ttl", "30"],
    ["lock", "{id}"],
    ["set", "{id}", "state.locked=yes", "--lock", "1"],
    ["set", "{id}", "state.locked=no", "--lock", "5"],
    ["unlock", "{id}", "1"],
    ["unlock", "{id}", "1"],
    ["set", "{id}", "state.locked=late", "--lock", "1"],
    ["set", "{id}-missing", "state.a=1"],
    ["lock", "{id}-missing"],
    ["unlock", "{id}-missing", "1"],
]


@pytest.fixture
def on_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Send set/lock/unlock to the full async store, as before the one-shot writer."""
    monkeypatch.setattr(cli_context, "QUICK_HANDLERS", {})
    yield


def _init(cli: CliRunner, data_dir: Path, store_url: str, context_id: str) -> None:
    done = cli(
        "context", "init", context_id, "--context-name", "dev",
        "--app-config", str(data_dir / "app.yaml"), "--bases-dir", str(data_dir / "bases"),
        "--set", "state.appTag=2.7.0", "--store", store_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _play(cli: CliRunner, store_url: str, context_id: str, tmp: Path) -> list[tuple[int, str, str]]:
    results = []
    for argv in SCRIPT:
        args = [a.replace("{id}", context_id).replace("{tmp}", str(tmp)) for a in argv]
        done: Run = cli("context", *args, "--store", store_url, env={"INTERCEPTOR_ACTOR": "dave"})
        results.append(
            (done.returncode, done.stdout, ISO.sub("<time>", done.stderr.replace(context_id, "<id>")))
        )
    return results


def _final(cli: CliRunner, store_url: str, context_id: str) -> tuple[object, list[object]]:
    document = json.loads(
        cli("context", "get", context_id, "$", "--format", "json", "--store", store_url).stdout
    )
    document["state"].pop("cicdContextDataId")
    history = [
        json.loads(line)
        for line in cli("context", "history", context_id, "--store", store_url).stdout.splitlines()
    ]
    for entry in history:
        del entry["at"], entry["time"]
    return document, history


def test_the_commands_answer_as_on_the_store(
    cli: CliRunner,
    store_url: str,
    cleanup_ids: list[str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "v.json").write_text('{"from": "json"}')
    (tmp_path / "v.yaml").write_text("from: yaml\nlist: [1, 2]\n")
    quick_id, store_id = unique_id("quick"), unique_id("store")
    cleanup_ids.extend([quick_id, store_id])
    for context_id in (quick_id, store_id):
        _init(cli, data_dir, store_url, context_id)
    quick = _play(cli, store_url, quick_id, tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(cli_context, "QUICK_HANDLERS", {})
        from_store = _play(cli, store_url, store_id, tmp_path)
    assert quick == from_store
    assert [code for code, _, _ in quick] == [0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 3, 3, 1]
    assert quick[6][1] == "1\n"  # the fencing token
    final_quick, final_store = _final(cli, store_url, quick_id), _final(cli, store_url, store_id)
    assert final_quick[0]["state"]["cicdContextName"] == "dev"  # type: ignore[index]
    assert final_quick == final_store
    assert [(e["actor"], e["source"], e["paths"]) for e in final_quick[1][1:]] == [  # type: ignore[index]
        ("dave", "cli:context set", ["state.appTag", "state.n", "state.tags"]),
        ("dave", "cli:context set", ["state.tags", "new.deep.path", "state.j"]),
        ("carol", "cli:context set", ["state.y"]),
        ("dave", "cli:context set", ["state.locked"]),
    ]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["set", "{id}", "state.step=build"], id="set"),
        pytest.param(["set", "{id}", "state.step=build", "state.tags[]=a", "--lock", "1"], id="set-lock"),
        pytest.param(["lock", "{id}"], id="lock"),
        pytest.param(["unlock", "{id}", "1"], id="unlock"),
    ],
)
def test_the_writes_import_no_event_loop_no_redis_py_no_http_no_templates(
    cli: CliRunner, store_url: str, cleanup_ids: list[str], data_dir: Path, tmp_path: Path, argv: list[str]
) -> None:
    context_id = unique_id()
    cleanup_ids.append(context_id)
    _init(cli, data_dir, store_url, context_id)
    if argv[0] != "lock":
        assert cli("context", "lock", context_id, "--store", store_url).stdout == "1\n"
    code, heavy = _imported_after(
        ["context", *[a.replace("{id}", context_id) for a in argv], "--store", store_url], tmp_path
    )
    assert code == 0
    assert not {"asyncio", "redis", "aiohttp", "jinja2", "celpy", "jsonpath_ng"} & set(heavy)


def test_set_without_a_config_imports_no_yaml(
    cli: CliRunner, sqlite_url: str, data_dir: Path, tmp_path: Path
) -> None:
    _init(cli, data_dir, sqlite_url, "ctx-1")
    code, heavy = _imported_after(
        ["context", "set", "ctx-1", "state.step=build", "--store", sqlite_url], tmp_path
    )
    assert code == 0
    assert "yaml" not in heavy


def test_url_options_only_the_store_knows_go_to_the_store(
    cli: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    """``socket_timeout=`` is not implemented by the writer: the command runs on redis-py, correctly."""
    url = "redis://127.0.0.1:6379/0?socket_timeout=5"
    context_id = unique_id()
    _init(cli, data_dir, url, context_id)
    try:
        code, heavy = _imported_after(
            ["context", "set", context_id, "state.step=build", "--store", url], tmp_path
        )
        assert code == 0 and "redis" in heavy
        assert cli("context", "get", context_id, "state.step", "--store", url).stdout == "build\n"
        assert cli("context", "lock", context_id, "--store", url).stdout == "1\n"
        assert cli("context", "unlock", context_id, "1", "--store", url).returncode == 0
    finally:
        assert cli("context", "delete", context_id, "--store", url).returncode == 0


def test_set_through_the_real_executable(
    cli_process: CliRunner, store_url: str, cleanup_ids: list[str], data_dir: Path
) -> None:
    context_id = unique_id()
    cleanup_ids.append(context_id)
    _init(cli_process, data_dir, store_url, context_id)
    done = cli_process("context", "set", context_id, "state.step:=[1]", "--store", store_url)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert cli_process("context", "get", context_id, "state.step", "--store", store_url).stdout == "[1]\n"
