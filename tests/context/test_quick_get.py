"""``context get``'s light path: plain dotted paths walked without jsonpath-ng (with jsonpath-ng's
exact results), the document read without asyncio or redis-py, and what each command imports."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonpath_ng
import pytest

from interceptor.context.reads import collapse, compile_reader, plain_fields
from tests.context.conftest import REPO, CliRunner, unique_id

DOCUMENTS = [
    {"state": {"appTag": "1.2.0", "empty": "", "zero": 0, "none": None, "no": False}},
    {"state": {"tags": ["a", "b"], "nested": {"deep": {"er": [{"x": 1}]}}}},
    {"state": "a string, not an object"},
    {"state": ["a", "list"], "where": {"x": 1}, "a-b": {"c_d": 2}, "@at": {"_u": 3}},
    {"pipelines": {"event-handlers": {"success": {"notify": {"message": "hi"}}}}},
    {},
]
PATHS = [
    "state",
    "state.appTag",
    "$.state.appTag",
    "state.empty",
    "state.zero",
    "state.none",
    "state.no",
    "state.missing",
    "state.appTag.deeper",
    "state.tags",
    "state.nested.deep.er",
    "state.nested.deep.er.x",
    "a-b.c_d",
    "@at._u",
    "pipelines.event-handlers.success.notify.message",
    "missing",
    "missing.too",
]
# Not plain: these must go to jsonpath-ng, whatever they mean there.
NOT_PLAIN = [
    "$",
    "state.tags[*]",
    "state.*",
    "state..x",
    "where.x",
    "state. appTag",
    "state.0",
    "1.a",
    "a.",
    ".a",
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[f"doc{i}" for i in range(len(DOCUMENTS))])
@pytest.mark.parametrize("path", PATHS)
def test_plain_paths_match_jsonpath_ng(path: str, document: dict) -> None:
    assert plain_fields(path) is not None, "every path in PATHS must take the fast path"
    expected = [match.value for match in jsonpath_ng.parse(path).find(document)]
    found = compile_reader(path)(document)
    assert found == expected
    assert all(a is b for a, b in zip(found, expected, strict=True))  # the same objects, not copies
    assert collapse(found) is collapse(expected) or collapse(found) == collapse(expected)


@pytest.mark.parametrize("path", NOT_PLAIN)
def test_other_expressions_go_to_jsonpath_ng(path: str) -> None:
    assert plain_fields(path) is None


@pytest.fixture
def ctx(store_url: str, cleanup_ids: list[str], data_dir: Path, cli: CliRunner) -> str:
    context_id = unique_id()
    cleanup_ids.append(context_id)
    done = cli(
        "context", "init", context_id, "--context-name", "dev",
        "--app-config", str(data_dir / "app.yaml"), "--bases-dir", str(data_dir / "bases"),
        "--set", "state.appTag=2.7.0", "--set", "state.note:=null", "--store", store_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return context_id


@pytest.mark.parametrize(
    ("jsonpath", "returncode", "stdout", "stderr"),
    [
        ("state.appTag", 0, "2.7.0\n", ""),
        ("$.state.appTag", 0, "2.7.0\n", ""),
        ("state.note", 0, "null\n", ""),
        ("owners", 0, '["orders-team"]\n', ""),
        ("state.nope", 3, "", "interceptor context: error: nothing matches 'state.nope' in context {id!r}\n"),
        (
            "state.appTag.x",
            3,
            "",
            "interceptor context: error: nothing matches 'state.appTag.x' in context {id!r}\n",
        ),
        ("owners[0]", 0, "orders-team\n", ""),
    ],
)
def test_get_prints_and_exits_as_before(
    cli: CliRunner, ctx: str, store_url: str, jsonpath: str, returncode: int, stdout: str, stderr: str
) -> None:
    done = cli("context", "get", ctx, jsonpath, "--store", store_url)
    assert (done.returncode, done.stdout, done.stderr) == (returncode, stdout, stderr.format(id=ctx))


def test_a_missing_sqlite_file_is_left_to_the_store(cli: CliRunner, tmp_path: Path) -> None:
    """The quick reader defers (the store creates the file): the answer is the store's, as before."""
    url = f"sqlite:///{tmp_path}/new/contexts.db"
    done = cli("context", "get", "ctx-1", "state.appTag", "--store", url)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == f"interceptor context: error: context 'ctx-1' not found in {url}\n"
    assert (tmp_path / "new" / "contexts.db").exists()


@pytest.mark.parametrize(
    ("url", "stderr"),
    [
        (
            "redis://:pw@127.0.0.1:1/0",
            "interceptor context: error: store redis://127.0.0.1:1/0 unavailable: Error 111 connecting to "
            "127.0.0.1:1. Connect call failed ('127.0.0.1', 1).\n",
        ),
        (
            "mysql://x/y",
            "interceptor context: error: store.url 'mysql://x/y': unsupported scheme; expected one of",
        ),
    ],
)
def test_store_errors_are_one_line(cli: CliRunner, url: str, stderr: str) -> None:
    done = cli("context", "get", "ctx-1", "state", "--store", url)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.startswith(stderr) and done.stderr.count("\n") == 1


HEAVY = ("asyncio", "aiohttp", "jinja2", "redis", "celpy", "jsonpath_ng", "yaml")


def _imported_after(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    """Run ``interceptor.cli.main(argv)`` in a fresh interpreter; its exit code and heavy modules."""
    program = (
        "import sys, contextlib, io\n"
        "from interceptor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({argv!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(code, ' '.join(heavy))\n"
    )
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    code, _, heavy = done.stdout.strip().partition(" ")
    return int(code), heavy.split()


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        pytest.param(["get", "{id}", "state.appTag"], set(), id="get"),
        pytest.param(["get", "{id}", "owners[0]"], {"jsonpath_ng"}, id="get-jsonpath"),
        pytest.param(["get", "{id}", "state.appTag", "--config", "{config}"], {"yaml"}, id="get-config"),
        pytest.param(["get", "{id}", "state", "--format", "yaml"], {"yaml"}, id="get-yaml"),
    ],
)
def test_get_imports_no_event_loop_no_redis_py_no_templates(
    ctx: str, store_url: str, data_dir: Path, tmp_path: Path, args: list[str], allowed: set[str]
) -> None:
    argv = [
        "context",
        *[a.format(id=ctx, config=data_dir / "config.yaml") for a in args],
        "--store",
        store_url,
    ]
    code, heavy = _imported_after(argv, tmp_path)
    assert code == 0
    assert set(heavy) == allowed


def test_get_through_the_real_executable(cli_process: CliRunner, ctx: str, store_url: str) -> None:
    done = cli_process("context", "get", ctx, "state", "--format", "json", "--store", store_url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["appTag"] == "2.7.0"


@pytest.mark.parametrize(
    "argv",
    [
        ["get", "x", "state"],
        ["get", "x", "state", "--format", "yaml", "--store", "sqlite:///./c.db", "--tmpl-ctx-var", "a=b"],
        ["get"],
        ["get", "--help"],
        ["get", "x", "y", "--bogus"],
        ["get", "x", "y", "--format", "xml"],
        ["set", "x"],
        ["set", "x", "a=1", "b:=2", "--lock", "7"],
        ["lock", "x", "--ttl", "abc"],
        ["list", "--help"],
        ["bogus"],
        ["--help"],
        [],
    ],
)
def test_building_only_the_named_subcommand_parses_and_fails_the_same(argv: list[str]) -> None:
    from interceptor.cli.context import HANDLERS, build_parser

    def parse(parser: argparse.ArgumentParser) -> tuple[object, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                result: object = vars(parser.parse_args(argv))
            except SystemExit as exc:
                result = ("exit", exc.code)
        return result, out.getvalue(), err.getvalue()

    named = argv[0] if argv and (argv[0] in HANDLERS or argv[0] == "get") else None
    assert parse(build_parser(named)) == parse(build_parser())
