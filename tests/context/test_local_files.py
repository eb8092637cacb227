from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from interceptor.context.local_files import (
    exclude_key_names,
    parse_formats,
    planned_files,
    shell_file,
    write_files,
)
from interceptor.errors import InvalidInput

NASTY = [
    "it's",
    'say "hi"',
    "$HOME and ${PATH} and $(touch pwned)",
    "`touch pwned`",
    "line1\nline2\n",
    "tab\there",
    "back\\slash\\",
    "ünïcødé ✓ 日本",
    "'",
    "''",
    "-n",
    "trailing space ",
    "!history",
    "semi; rm -rf /",
]


def _sourced(path: Path, name: str) -> str:
    done = subprocess.run(
        ["bash", "-c", f'set -eu; source "$1"; printf %s "${name}"', "bash", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=path.parent,
    )
    return done.stdout


@pytest.mark.parametrize("value", NASTY)
def test_shell_file_round_trips_any_value(tmp_path: Path, value: str) -> None:
    target = tmp_path / "ctx.sh"
    target.write_text(shell_file({"state": {"v": value}}))
    assert _sourced(target, "CICD_state__v") == value
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"state": {"appTag": "2.7.0"}}, {"CICD_state__appTag": "2.7.0"}),
        ({"state": {"tags": ["a", "b"]}}, {"CICD_state__tags__0": "a", "CICD_state__tags__1": "b"}),
        ({"tags": ["a", "b"]}, {"CICD_tags__0": "a", "CICD_tags__1": "b"}),  # top-level indexes kept
        ({"l": [{"k": "v"}, ["x", 1]]}, {"CICD_l__0__k": "v", "CICD_l__1": '["x", 1]'}),
        (
            {"pipelines": {"event-handlers": {"deploy-qa-x1": "y"}}},
            {"CICD_pipelines__event_handlers__deploy_qa_x1": "y"},
        ),
        ({"a.b c": "x"}, {"CICD_a_b_c": "x"}),  # runs of other characters become one _
        (
            {"n": 0, "f": False, "t": True, "e": "", "none": None, "x": 1.5},
            {
                "CICD_n": "0",
                "CICD_f": "False",
                "CICD_t": "True",
                "CICD_e": "",
                "CICD_none": "",
                "CICD_x": "1.5",
            },
        ),
        ({"empty": [], "obj": {}}, {}),
    ],
)
def test_shell_file_names_and_values(
    tmp_path: Path, document: dict[str, Any], expected: dict[str, str]
) -> None:
    target = tmp_path / "ctx.sh"
    target.write_text(shell_file(document))
    names = [line.split("=", 1)[0] for line in target.read_text().splitlines()]
    assert names == list(expected)
    for name, value in expected.items():
        assert _sourced(target, name) == value


def test_exclude_key_names_at_any_depth() -> None:
    text = shell_file({"jinja2Macros": {"all": "x"}, "a": {"jinja2Macros": "y", "k": "v"}}, ["jinja2Macros"])
    assert text == "CICD_a__k='v'\n"


def test_write_all_formats(tmp_path: Path) -> None:
    document = {"channel": "c", "state": {"cicdContextDataId": "id-1", "tags": ["a"]}}
    files = planned_files(str(tmp_path / "out"), None, {})
    write_files(files, "id-1", document)
    out = tmp_path / "out"
    assert (out / "cicdContextData.id").read_text() == "id-1"  # no trailing newline
    assert json.loads((out / "cicdContextData.json").read_text()) == document
    assert (out / "cicdContextData.json").read_text().startswith('{\n  "channel"')  # indent=2
    assert yaml.safe_load((out / "cicdContextData.yaml").read_text()) == document
    assert list(yaml.safe_load((out / "cicdContextData.yaml").read_text())) == ["channel", "state"]
    assert _sourced(out / "cicdContextData.sh", "CICD_state__tags__0") == "a"
    assert sorted(p.name for p in out.iterdir()) == [
        f"cicdContextData.{e}" for e in ("id", "json", "sh", "yaml")
    ]


def test_datasource_paths_used_without_out(tmp_path: Path) -> None:
    datasources = {
        "redis": {"host": "x"},
        "yamlfile": {"path": str(tmp_path / "a" / "ctx.yaml")},
        "shellfile": {"path": str(tmp_path / "b" / "ctx.sh"), "excludeKeyNames": ["jinja2Macros"]},
    }
    files = planned_files(None, None, datasources)
    assert [(f.format, f.path) for f in files] == [
        ("yaml", tmp_path / "a" / "ctx.yaml"),
        ("sh", tmp_path / "b" / "ctx.sh"),
    ]
    write_files(files, "id", {"jinja2Macros": {"all": "m"}, "k": "v"}, exclude_key_names(datasources))
    assert (tmp_path / "b" / "ctx.sh").read_text() == "CICD_k='v'\n"
    assert [(f.format) for f in planned_files(None, ["sh"], datasources)] == ["sh"]


@pytest.mark.parametrize(
    ("out", "formats", "datasources", "fragment"),
    [
        (None, None, {}, "no --out directory given"),
        (None, ["json"], {"yamlfile": {"path": "x"}}, "datasources.jsonfile.path"),
    ],
)
def test_planned_files_errors(
    out: str | None, formats: list[str] | None, datasources: dict, fragment: str
) -> None:
    with pytest.raises(InvalidInput, match=fragment.replace(".", r"\.")):
        planned_files(out, formats, datasources)


@pytest.mark.parametrize(("text", "ok"), [("yaml,json", True), ("sh", True), ("xml", False), ("", False)])
def test_parse_formats(text: str, ok: bool) -> None:
    if ok:
        assert parse_formats(text) == text.split(",")
    else:
        with pytest.raises(InvalidInput, match="--formats"):
            parse_formats(text)
