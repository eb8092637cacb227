"""``interceptor context ...`` end to end against real stores (a SQLite file and the shared Redis).

Most cases run the command line in-process for speed; ``test_task_step_flow`` runs the real
executable as a Task step would.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import redis
from redis.cluster import RedisCluster

from tests.context.conftest import REDIS_URL, CliRunner, unique_id


@pytest.fixture
def ctx(store_url: str, cleanup_ids: list[str], data_dir: Path, cli: CliRunner) -> str:
    """A fresh context initialised from the test app config; its id."""
    context_id = unique_id()
    cleanup_ids.append(context_id)
    done = cli(
        "context", "init", context_id, "--context-name", "dev",
        "--app-config", str(data_dir / "app.yaml"), "--bases-dir", str(data_dir / "bases"),
        "--set", "state.appName=orders", "--set", "state.appTag=2.7.0", "--store", store_url,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, context_id + "\n", "")
    return context_id


def _doc(cli: CliRunner, context_id: str, store_url: str) -> dict:
    done = cli("context", "get", context_id, "$", "--store", store_url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("jsonpath", "extra", "stdout"),
    [
        ("state.appTag", [], "2.7.0\n"),
        ("channel", [], "release-dev\n"),
        ("owners", [], '["orders-team"]\n'),
        ("retries", [], "3\n"),
        (
            "pipelines.deploy.deployTask",
            ["--format", "yaml"],
            "targetNamespace: apps-dev\ndeploymentYamlTemplate: |\n  name: {{ tmplctx.deploymentName }}\n  image: {{ tmplctx.imageName }}\n",
        ),
        ("state.appTag", ["--format", "json"], '"2.7.0"\n'),
        ("variables.imageRef", [], "registry.local/orders:2.7.0\n"),
        (
            "pipelines.deploy.deployTask.deploymentYamlTemplate",
            [
                "--tmpl-ctx-var",
                "tmplctx.deploymentName=orders",
                "--tmpl-ctx-var",
                "tmplctx.imageName=variables.imageRef",
            ],
            "name: orders\nimage: registry.local/orders:2.7.0\n",
        ),
        (
            "pipelines.deploy.deployTask.deploymentYamlTemplate",
            [],
            "name: {{ tmplctx.deploymentName }}\nimage: {{ tmplctx.imageName }}\n\n",
        ),
    ],
)
def test_get(cli: CliRunner, ctx: str, store_url: str, jsonpath: str, extra: list[str], stdout: str) -> None:
    done = cli("context", "get", ctx, jsonpath, *extra, "--store", store_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == stdout


def test_task_step_flow(
    cli_process: CliRunner, store_url: str, cleanup_ids: list[str], data_dir: Path, tmp_path: Path
) -> None:
    context_id = unique_id()
    cleanup_ids.append(context_id)
    store = ["--store", store_url]
    init = cli_process("context", "init", context_id, "--context-name", "dev",
                       "--app-config", str(data_dir / "app.yaml"), "--bases-dir", str(data_dir / "bases"), *store)  # fmt: skip
    assert (init.returncode, init.stdout, init.stderr) == (0, context_id + "\n", "")
    done = cli_process("context", "set", context_id, "state.appTag=2.7.0", "state.n:=3", *store,
                       env={"INTERCEPTOR_ACTOR": "task-step"})  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert cli_process("context", "get", context_id, "state.n", *store).stdout == "3\n"
    missing = cli_process("context", "get", context_id, "state.nope", *store)
    assert (missing.returncode, missing.stdout) == (3, "")
    history = cli_process("context", "history", context_id, *store).stdout.splitlines()
    assert json.loads(history[-1])["actor"] == "task-step"
    assert (
        cli_process("context", "load", context_id, "--out", "out", "--formats", "sh", *store).returncode == 0
    )
    sourced = subprocess.run(["bash", "-c", 'source out/cicdContextData.sh; printf %s "$CICD_state__appTag"'],
                             cwd=tmp_path, capture_output=True, text=True, check=True)  # fmt: skip
    assert sourced.stdout == "2.7.0"
    usage = cli_process("context", "get", context_id)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1


def test_get_without_match_exits_3_and_prints_nothing(cli: CliRunner, ctx: str, store_url: str) -> None:
    done = cli("context", "get", ctx, "state.nope", "--store", store_url)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr.count("\n") == 1 and "state.nope" in done.stderr


def test_set_forms_and_history(cli: CliRunner, ctx: str, store_url: str) -> None:
    done = cli(
        "context", "set", ctx, "state.s=5", "state.n:=5", "state.tags[]=a,b", "state.tags{}=b,c",
        "state.obj:={\"k\": [1]}", "--store", store_url, "--actor", "alice",
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    state = _doc(cli, ctx, store_url)["state"]
    assert (state["s"], state["n"], state["tags"], state["obj"]) == ("5", 5, ["a", "b", "c"], {"k": [1]})
    cli("context", "set", ctx, "state.by=env", "--store", store_url, env={"INTERCEPTOR_ACTOR": "bob"})
    history = cli("context", "history", ctx, "--store", store_url)
    rows = [json.loads(line) for line in history.stdout.splitlines()]
    assert [(r["actor"], r["source"]) for r in rows[1:]] == [
        ("alice", "cli:context set"),
        ("bob", "cli:context set"),
    ]
    assert rows[1]["paths"] == ["state.s", "state.n", "state.tags", "state.obj"]
    assert rows[0]["source"] == "cli:context init" and rows[0]["at"] <= rows[1]["at"]
    assert set(rows[0]) == {"at", "actor", "paths", "source", "time"}


@pytest.mark.parametrize(
    ("assignments", "fragment"),
    [
        (["state.ok=1", "state.appTag.x=1"], "cannot write below state.appTag"),
        (["state.ok=1", "state.appTag[]=x"], "not a list"),
        (["state.ok=1", "state.j:={bad"], "must be JSON"),
        (["state.ok=1", "no-equals"], "expected PATH=VALUE"),
    ],
)
def test_failed_write_changes_nothing(
    cli: CliRunner, ctx: str, store_url: str, assignments: list[str], fragment: str
) -> None:
    before = _doc(cli, ctx, store_url)
    history_before = cli("context", "history", ctx, "--store", store_url).stdout
    done = cli("context", "set", ctx, *assignments, "--store", store_url)
    assert done.returncode != 0 and done.stdout == ""
    assert fragment in done.stderr and done.stderr.count("\n") == 1
    assert _doc(cli, ctx, store_url) == before
    assert cli("context", "history", ctx, "--store", store_url).stdout == history_before


def test_init_refuses_existing_id_unless_forced(
    cli: CliRunner, ctx: str, store_url: str, data_dir: Path
) -> None:
    args = ["context", "init", ctx, "--context-name", "dev", "--app-config", str(data_dir / "app.yaml"),
            "--bases-dir", str(data_dir / "bases"), "--store", store_url]  # fmt: skip
    done = cli(*args)
    assert done.returncode != 0 and "already exists" in done.stderr and "--force" in done.stderr
    assert _doc(cli, ctx, store_url)["state"]["appTag"] == "2.7.0"
    assert cli(*args, "--force").returncode == 0
    assert "appTag" not in _doc(cli, ctx, store_url)["state"]


def test_lock_fences_writes(cli: CliRunner, ctx: str, store_url: str) -> None:
    token = cli("context", "lock", ctx, "--ttl", "30", "--store", store_url)
    assert token.returncode == 0 and token.stdout.strip().isdigit()
    second = cli("context", "lock", ctx, "--store", store_url)
    assert second.returncode != 0 and second.stdout == ""
    stale = cli(
        "context", "set", ctx, "state.x=1", "--lock", str(int(token.stdout) + 100), "--store", store_url
    )
    assert stale.returncode != 0 and "x" not in _doc(cli, ctx, store_url)["state"]
    assert (
        cli(
            "context", "set", ctx, "state.x=1", "--lock", token.stdout.strip(), "--store", store_url
        ).returncode
        == 0
    )
    assert _doc(cli, ctx, store_url)["state"]["x"] == "1"
    assert cli("context", "unlock", ctx, token.stdout.strip(), "--store", store_url).returncode == 0
    again = cli("context", "unlock", ctx, token.stdout.strip(), "--store", store_url)
    assert again.returncode != 0 and "does not hold the lease" in again.stderr


def test_load_writes_sourceable_files(cli: CliRunner, ctx: str, store_url: str, tmp_path: Path) -> None:
    nasty = 'it\'s $HOME `id` "q"\nline2'
    assert cli("context", "set", ctx, f"state.nasty={nasty}", "--store", store_url).returncode == 0
    done = cli(
        "context", "load", ctx, "--out", str(tmp_path / "out"), "--formats", "sh,id", "--store", store_url
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cicdContextData.id",
        "cicdContextData.sh",
    ]
    script = 'source out/cicdContextData.sh; printf "%s|%s|%s" "$CICD_state__nasty" "$CICD_state__appTag" "$CICD_owners__0"'
    sourced = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert sourced.stdout == f"{nasty}|2.7.0|orders-team"


def test_load_uses_configured_datasource_paths(
    cli: CliRunner, ctx: str, store_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "cicdstatemgr:\n  datasources:\n    jsonfile: {path: local/ctx.json}\n"
        "    shellfile: {path: local/ctx.sh, excludeKeyNames: [jinja2Macros, appPipelinesConfig]}\n"
    )
    done = cli("context", "load", ctx, "--config", str(config), "--store", store_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads((tmp_path / "local/ctx.json").read_text())["state"]["cicdContextDataId"] == ctx
    shell = (tmp_path / "local/ctx.sh").read_text()
    assert "CICD_state__appTag='2.7.0'\n" in shell and "jinja2Macros" not in shell


def test_list_and_delete(cli: CliRunner, ctx: str, store_url: str) -> None:
    assert ctx in cli("context", "list", "--store", store_url).stdout.splitlines()
    assert cli("context", "delete", ctx, "--store", store_url).returncode == 0
    assert ctx not in cli("context", "list", "--store", store_url).stdout.splitlines()
    missing = cli("context", "get", ctx, "$", "--store", store_url)
    assert missing.returncode == 3 and "not found" in missing.stderr
    assert cli("context", "delete", ctx, "--store", store_url).returncode == 3


def test_bad_jsonpath_is_one_line(cli: CliRunner, ctx: str, store_url: str) -> None:
    done = cli("context", "get", ctx, "state..[", "--store", store_url)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "JSONPath 'state..[' is not valid" in done.stderr


def test_corrupt_document_is_reported_not_repaired(cli: CliRunner, ctx: str, store_url: str) -> None:
    if store_url.startswith("sqlite"):
        with sqlite3.connect(store_url.removeprefix("sqlite://")) as conn:
            conn.execute("UPDATE contexts SET document = ? WHERE id = ?", ("{not json", ctx))
    elif store_url.startswith("redis+cluster://"):
        first = store_url.removeprefix("redis+cluster://").split(",")[0]
        host, port = first.rsplit(":", 1)
        RedisCluster(host=host, port=int(port)).set(f"ctx:{{{ctx}}}:doc", "{not json")
    else:
        redis.Redis.from_url(REDIS_URL).set(f"ctx:{{{ctx}}}:doc", "{not json")
    done = cli("context", "get", ctx, "state", "--store", store_url)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and ctx in done.stderr
    assert cli("context", "set", ctx, "state.x=1", "--store", store_url).returncode != 0


@pytest.mark.parametrize(
    "url",
    ["redis://user:s3cr3t-pw@127.0.0.1:1/0", "redis://:s3cr3t-pw@127.0.0.1:1/0"],
)
def test_unreachable_store_names_url_without_password(cli: CliRunner, url: str) -> None:
    done = cli("context", "get", "any-id", "state", "--store", url)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "127.0.0.1:1" in done.stderr and "s3cr3t-pw" not in done.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["context"], "required"),
        (["context", "get", "id"], "required"),
        (["context", "set", "id", "a=1", "--lock", "abc"], "invalid int value"),
        (["context", "get", "id", "x", "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_line(cli: CliRunner, args: list[str], fragment: str) -> None:
    done = cli(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and fragment in done.stderr


def test_init_without_set_or_bases(
    cli: CliRunner, store_url: str, cleanup_ids: list[str], data_dir: Path
) -> None:
    context_id = unique_id()
    cleanup_ids.append(context_id)
    done = cli("context", "init", context_id, "--context-name", "stage",
               "--app-config", str(data_dir / "app-minimal.yaml"), "--store", store_url)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, context_id + "\n")
    assert _doc(cli, context_id, store_url)["state"] == {
        "cicdContextDataId": context_id,
        "cicdContextName": "stage",
    }


def test_init_type_conflict_is_one_line(cli: CliRunner, store_url: str, data_dir: Path) -> None:
    done = cli("context", "init", unique_id(), "--context-name", "dev", "--app-config",
               str(data_dir / "app-conflict.yaml"), "--bases-dir", str(data_dir / "bases"), "--store", store_url)  # fmt: skip
    assert done.returncode != 0 and done.stderr.count("\n") == 1
    assert "cicd-contexts.dev.pipelines.build" in done.stderr and "conflict.yaml" in done.stderr


def test_generate_runs_the_generator_block(cli: CliRunner, ctx: str, store_url: str) -> None:
    generator = {"first": {"set": [{"key": "state.generated", "value": "{{ state.appTag }}-{{ extra }}"}]}}
    setup = cli("context", "set", ctx, f"state.generators.g1:={json.dumps(generator)}", "--store", store_url)
    assert setup.returncode == 0, setup.stderr
    done = cli("context", "generate", ctx, "state.generators.g1", "--tmpl-ctx-var", "extra=gen",
               "--store", store_url, "--actor", "gen-bot")  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert _doc(cli, ctx, store_url)["state"]["generated"] == "2.7.0-gen"
    last = json.loads(cli("context", "history", ctx, "--store", store_url).stdout.splitlines()[-1])
    assert (last["actor"], last["paths"]) == ("gen-bot", ["state.generated"])
