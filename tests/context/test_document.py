from __future__ import annotations

from pathlib import Path

import pytest

from interceptor.context.document import build_document
from interceptor.context.paths import parse_assignment
from interceptor.errors import InvalidInput


def _sets(*texts: str) -> list:
    return [parse_assignment(text) for text in texts]


def test_init_document_shape_and_key_order(data_dir: Path) -> None:
    document = build_document(
        "orders-2.7.0-v1-dev-9f2c1e7",
        "dev",
        data_dir / "app.yaml",
        data_dir / "bases",
        _sets("state.appName=orders", "state.appTag=2.7.0", "state.cicdVersion=v1"),
    )
    # the context's own keys (base order, then keys the app adds), then the generated ones
    assert list(document) == [
        "channel",
        "retries",
        "owners",
        "pipelines",
        "slackTeam",
        "appPipelinesConfig",
        "jinja2Macros",
        "state",
        "variables",
    ]
    assert document["channel"] == "release-dev"  # dev.yaml over core.yaml
    assert document["retries"] == 3  # 0 is falsy: replaced
    assert document["owners"] == ["orders-team"]  # lists replaced, app file last
    assert document["pipelines"]["build"]["event-handlers"]["failure"]["notify"] == {
        "message": "build failed",
        "enabled": False,
    }
    assert document["pipelines"]["deploy"]["deployTask"]["targetNamespace"] == "apps-dev"
    assert document["state"] == {
        "cicdContextDataId": "orders-2.7.0-v1-dev-9f2c1e7",
        "cicdContextName": "dev",
        "appName": "orders",
        "appTag": "2.7.0",
        "cicdVersion": "v1",
    }
    assert list(document["jinja2Macros"]["byName"]) == ["deployButtonValue", "shout", "appMacro"]
    all_macros = document["jinja2Macros"]["all"]
    assert all_macros.startswith("{%- macro deployButtonValue") and all_macros.endswith(
        "orders-macro{%- endmacro -%}"
    )
    assert "\n{%- macro shout" not in all_macros  # each macro stripped before concatenation
    assert document["appPipelinesConfig"]["bases"] == ["core.yaml", "dev.yaml"]  # the unmerged app file
    assert "prod" not in document["appPipelinesConfig"]["cicd-contexts"]
    assert document["variables"] == {
        "registry": "registry.local",
        "imageRef": "registry.local/orders:2.7.0",  # sees variables rendered before it and the --set values
        "greeting": "HELLO! orders-macro",  # macros from bases and app
        "releasedOn": "2021-11-02",  # YAML dates stay strings (JSON documents)
    }


def test_init_without_sets_and_without_bases(data_dir: Path) -> None:
    document = build_document("id-1", "stage", data_dir / "app-minimal.yaml", None)
    assert document == {
        "channel": "stage",
        "appPipelinesConfig": {"cicd-contexts": {"stage": {"channel": "stage"}}},
        "jinja2Macros": {"byName": {}, "all": ""},
        "state": {"cicdContextDataId": "id-1", "cicdContextName": "stage"},
    }


@pytest.mark.parametrize(
    ("app", "name", "bases", "fragments"),
    [
        (
            "app-conflict.yaml",
            "dev",
            "bases",
            ["cicd-contexts.dev.pipelines.build", "core.yaml", "conflict.yaml"],
        ),
        ("app.yaml", "qa", "bases", ["no cicd-contexts.qa", "available: dev, prod"]),
        ("app.yaml", "dev", None, ["lists bases", "no bases directory"]),
        ("app.yaml", "dev", "nowhere", ["base file", "core.yaml", "file not found"]),
        ("missing.yaml", "dev", "bases", ["app config", "missing.yaml", "file not found"]),
    ],
)
def test_init_errors(data_dir: Path, app: str, name: str, bases: str | None, fragments: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_document("id-1", name, data_dir / app, data_dir / bases if bases else None)
    for fragment in fragments:
        assert fragment in caught.value.message


def test_broken_variable_names_the_variable(tmp_path: Path) -> None:
    app = tmp_path / "app.yaml"
    app.write_text("variables:\n  bad: '{{ oops('\ncicd-contexts:\n  dev: {channel: c}\n")
    with pytest.raises(InvalidInput, match=r"^variables\.bad: template syntax error"):
        build_document("id-1", "dev", app, None)


def test_non_string_variables_are_kept(tmp_path: Path) -> None:
    app = tmp_path / "app.yaml"
    app.write_text("variables:\n  n: 5\n  l: [a]\ncicd-contexts:\n  dev: {channel: c}\n")
    assert build_document("id-1", "dev", app, None)["variables"] == {"n": 5, "l": ["a"]}
