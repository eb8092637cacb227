"""``interceptor cicdstatemgr``: cicdstatemgr's flags, environment and stdout (reference §1)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.context.conftest import CliRunner, unique_id


@pytest.fixture
def base_args(store_url: str, data_dir: Path) -> list[str]:
    """Config and secrets; Redis comes from the config's datasources.redis, SQLite from --store."""
    args = [
        "cicdstatemgr",
        "--config",
        str(data_dir / "config.yaml"),
        "--secrets",
        str(data_dir / "secrets.yaml"),
    ]
    return args + (["--store", store_url] if store_url.startswith("sqlite") else [])


@pytest.fixture
def ctx(cli: CliRunner, base_args: list[str], cleanup_ids: list[str], data_dir: Path) -> str:
    context_id = unique_id("csm")
    cleanup_ids.append(context_id)
    done = cli(
        *base_args, "--init-new", context_id, "--init-cicd-context-name", "dev",
        "--init-bases-dir", str(data_dir / "bases"), "--init-app-config-file", str(data_dir / "app.yaml"),
        "--set", "state.appName=orders|state.appTag=2.7.0", "--set", "state.cicdVersion=v1",
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, context_id + "\n", "")
    return context_id


def _get(cli: CliRunner, base_args: list[str], context_id: str, path: str, *extra: str) -> str:
    done = cli(*base_args, "--id", context_id, "--get", path, *extra)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def test_init_writes_local_datasource_files(ctx: str, tmp_path: Path) -> None:
    local = tmp_path / "localdata"
    assert (local / "cicdContextData.id").read_text() == ctx
    document = json.loads((local / "cicdContextData.json").read_text())
    assert (
        document["state"]["appTag"] == "2.7.0"
        and document["variables"]["imageRef"] == "registry.local/orders:2.7.0"
    )
    shell = (local / "cicdContextData.sh").read_text()
    assert "jinja2Macros" not in shell  # excludeKeyNames honoured
    sourced = subprocess.run(
        ["bash", "-c", 'source localdata/cicdContextData.sh; printf %s "$CICD_pipelines__deploy__deployTask__targetNamespace"'],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert sourced.stdout == "apps-dev"


@pytest.mark.parametrize(
    ("path", "stdout"),
    [
        ("state.appTag", "2.7.0\n"),
        ("owners", '["orders-team"]\n'),  # lists as JSON
        ("pipelines.deploy.deployTask.targetNamespace", "apps-dev\n"),
        (
            "pipelines.build.event-handlers.failure.notify",
            '{"message": "build failed", "enabled": false}\n',
        ),  # JSON, not repr
        ("retries", "3\n"),  # str()
        ("state.nope", ""),  # no match: nothing, exit 0
        (
            "appPipelinesConfig.cicd-contexts.dev.pipelines.build.event-handlers.failure.notify.enabled",
            "",
        ),  # falsy
        ("variables.greeting", "HELLO! orders-macro\n"),
    ],
)
def test_get_stdout(cli: CliRunner, base_args: list[str], ctx: str, path: str, stdout: str) -> None:
    assert _get(cli, base_args, ctx, path) == stdout


def test_get_md_walkthrough(cli: CliRunner, base_args: list[str], ctx: str) -> None:
    """examples/basics/GET.md of cicdstatemgr, step by step."""
    assert cli(*base_args, "--id", ctx, "--set", "state.key1=value1").returncode == 0
    assert _get(cli, base_args, ctx, "state.key1") == "value1\n"
    assert cli(*base_args, "--id", ctx, "--set", "state.templateTest={{tmplctx.prop1}}").returncode == 0
    assert (
        _get(cli, base_args, ctx, "state.templateTest", "--tmpl-ctx-var", "tmplctx.prop1=state.key1")
        == "value1\n"
    )
    assert cli(*base_args, "--id", ctx, "--set", "state.key1=yet a new value").returncode == 0
    args = ("--tmpl-ctx-var", "tmplctx.prop1=state.key1")
    assert _get(cli, base_args, ctx, "state.templateTest", *args) == "yet a new value\n"
    args = ("--tmpl-ctx-var", "tmplctx.prop1=just-a-literal-value")
    assert _get(cli, base_args, ctx, "state.templateTest", *args) == "just-a-literal-value\n"


def test_environment_variables(cli: CliRunner, ctx: str, data_dir: Path, store_url: str) -> None:
    env = {
        "CICDSTATEMGR_CONFIG_PATH": str(data_dir / "config.yaml"),
        "CICDSTATEMGR_SECRETS_PATH": str(data_dir / "secrets.yaml"),
        "CICDSTATEMGR_CONTEXT_DATA_ID": ctx,
    }
    if store_url.startswith("sqlite"):
        env["INTERCEPTOR_STORE"] = store_url
    done = cli("cicdstatemgr", "--get", "state.appName", env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "orders\n", "")


def test_init_from_environment_and_abbreviated_flag(
    cli: CliRunner, base_args: list[str], cleanup_ids: list[str], data_dir: Path
) -> None:
    context_id = unique_id("csm")
    cleanup_ids.append(context_id)
    env = {"CICDSTATEMGR_BASES_DIR_PATH": str(data_dir / "bases")}
    done = cli(*base_args, "--init-new", context_id, "--init-cicd-context-name", "dev",
               "--init-app-config", str(data_dir / "app.yaml"), env=env)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, context_id + "\n"), done.stderr
    assert _get(cli, base_args, context_id, "channel") == "release-dev\n"


@pytest.mark.parametrize(
    ("flags", "get_path", "expected"),
    [
        (["--load", "--get", "state.appTag"], "state.x", ""),  # --load wins: prints nothing
        (["--get", "state.appTag", "--set", "state.x=1"], "state.x", ""),  # --get wins: nothing set
        (["--set", "state.x=1|state.y=2| |state.empty="], "state.x", "1\n"),  # | split, empties skipped
        (["--load", "--set", "state.x=loaded"], "state.x", "loaded\n"),
    ],
)
def test_mode_precedence(
    cli: CliRunner, base_args: list[str], ctx: str, flags: list[str], get_path: str, expected: str
) -> None:
    done = cli(*base_args, "--id", ctx, *flags)
    assert done.returncode == 0, done.stderr
    assert _get(cli, base_args, ctx, get_path) == expected


def test_set_rewrites_local_files(cli: CliRunner, base_args: list[str], ctx: str, tmp_path: Path) -> None:
    assert cli(*base_args, "--id", ctx, "--set", "state.tags[]=a,b").returncode == 0
    shell = (tmp_path / "localdata" / "cicdContextData.sh").read_text()
    assert "CICD_state__tags__0='a'\nCICD_state__tags__1='b'\n" in shell


def test_handle_event_runs_set_values(cli: CliRunner, base_args: list[str], ctx: str, tmp_path: Path) -> None:
    done = cli(*base_args, "--id", ctx, "--handle-event", "build=init", "--set", "state.appTag=2.8.0")
    assert done.returncode == 0, done.stderr
    assert _get(cli, base_args, ctx, "state.seenTag") == "2.8.0-seen\n"
    assert (
        json.loads((tmp_path / "localdata/cicdContextData.json").read_text())["state"]["seenTag"]
        == "2.8.0-seen"
    )


def test_init_refuses_existing_id_unless_forced(
    cli: CliRunner, base_args: list[str], ctx: str, data_dir: Path
) -> None:
    args = [*base_args, "--init-new", ctx, "--init-cicd-context-name", "dev",
            "--init-bases-dir", str(data_dir / "bases"), "--init-app-config-file", str(data_dir / "app.yaml")]  # fmt: skip
    refused = cli(*args)
    assert refused.returncode == 1 and refused.stdout == "" and "--init-force" in refused.stderr
    assert cli(*args, "--init-force").returncode == 0
    assert _get(cli, base_args, ctx, "state.appTag") == ""


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--get", "state"], "--id is required"),
        (["--id", "x", "--get", "state..["], "is not valid"),
        (["--id", "x", "--handle-event", "build"], "expected PIPELINE=EVENT"),
        (["--id", "x", "--handle-event", "a=b=c"], "expected PIPELINE=EVENT"),
        (["--id", "x", "--set", "no-equals"], "expected PATH=VALUE"),
        (["--id", "x"], "nothing to do"),
    ],
)
def test_errors_are_one_line_on_stderr(
    cli: CliRunner, base_args: list[str], flags: list[str], fragment: str
) -> None:
    done = cli(*base_args, *flags)
    assert done.returncode == 1 and done.stdout == ""  # no argparse help on stdout
    assert done.stderr.count("\n") == 1 and fragment in done.stderr


def test_missing_config_is_one_line(cli: CliRunner) -> None:
    done = cli("cicdstatemgr", "--id", "x", "--get", "state")
    assert (done.returncode, done.stdout) == (1, "")
    assert "--config is required (or set CICDSTATEMGR_CONFIG_PATH)" in done.stderr


def test_real_executable(cli_process: CliRunner, base_args: list[str], ctx: str) -> None:
    done = cli_process(*base_args, "--id", ctx, "--get", "pipelines.deploy.deployTask.deploymentYamlTemplate",
                       "--tmpl-ctx-var", "tmplctx.deploymentName=orders", "--tmpl-ctx-var",
                       "tmplctx.imageName=variables.imageRef")  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "name: orders\nimage: registry.local/orders:2.7.0\n"


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--set", "state.bad={{ oops("], "template syntax error"),
        (["--handle-event", "nopipe=init"], "pipeline 'nopipe' not found"),
    ],
)
def test_render_and_event_errors(
    cli: CliRunner, base_args: list[str], ctx: str, flags: list[str], fragment: str
) -> None:
    if flags[0] == "--set":
        assert cli(*base_args, "--id", ctx, *flags).returncode == 0
        flags = ["--get", "state.bad"]
    done = cli(*base_args, "--id", ctx, *flags)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.count("\n") == 1 and fragment in done.stderr
