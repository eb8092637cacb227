"""The service configs shipped with the manifests and the example load with the real settings
loader, stay identical, and the example's app config and bases have cicdstatemgr's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from interceptor.settings import load_settings
from tests.manifests import kustomize
from tests.manifests.conftest import EXAMPLE, MANIFESTS

HANDLER_TYPES = {"notify", "manual-choice", "respond", "trigger-pipeline", "set-values"}
ENVIRONMENT = {
    "INTERCEPTOR_SLACK_SIGNING_SECRET": "signing",
    "INTERCEPTOR_SLACK_BOT_TOKEN": "xoxb-test",
    "INTERCEPTOR_LISTENER_SECRET": "listener",
    "INTERCEPTOR_STORE": "redis://:pw@cicd-redis.cicd-interceptor.svc.cluster.local:6379/0",
}


@pytest.mark.parametrize("path", [MANIFESTS / "base" / "config.yaml", EXAMPLE / "config.yaml"])
def test_config_loads_with_the_deployment_environment(tmp_path: Path, path: Path) -> None:
    template = yaml.safe_load((MANIFESTS / "base" / "secret.template.yaml").read_text())
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(template["stringData"]["secrets.yaml"])
    settings = load_settings(str(path), str(secrets), environ=ENVIRONMENT)
    assert settings.server.port == 8443
    assert settings.server.tls is not None
    assert settings.slack.signingSecret == "signing"
    assert settings.listener.secret == "listener"
    assert settings.store.url == ENVIRONMENT["INTERCEPTOR_STORE"]
    assert settings.listener.url == "http://el-cicd.cicd.svc.cluster.local:8080"
    assert settings.cicdstatemgrSecrets["trigger"]["token"]
    assert set(settings.cicdstatemgr["templates"]) == {"notify", "manual-choice", "respond"}


def test_example_config_is_the_shipped_config() -> None:
    assert yaml.safe_load((EXAMPLE / "config.yaml").read_text()) == yaml.safe_load(
        (MANIFESTS / "base" / "config.yaml").read_text()
    )


def test_deployment_env_matches_the_secret_template() -> None:
    (deployment,) = [d for d in kustomize.load_documents(MANIFESTS / "base" / "deployment.yaml")]
    template = yaml.safe_load((MANIFESTS / "base" / "secret.template.yaml").read_text())
    refs = [
        e["valueFrom"]["secretKeyRef"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    ]
    assert {r["name"] for r in refs} == {template["metadata"]["name"]}
    assert {r["key"] for r in refs} | {"secrets.yaml"} == set(template["stringData"])


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = (
            _merge(merged[key], value)
            if isinstance(value, dict) and isinstance(merged.get(key), dict)
            else value
        )
    return merged


def _merged_app_config() -> dict[str, Any]:
    app = yaml.safe_load((EXAMPLE / "app" / "app-pipeline-config.yaml").read_text())
    merged: dict[str, Any] = {}
    for base in app["bases"]:
        merged = _merge(merged, yaml.safe_load((EXAMPLE / "bases" / base).read_text()))
    return _merge(merged, app)


@pytest.mark.parametrize("context", ["dev", "prod"])
def test_every_context_handles_its_pipelines_events(context: str) -> None:
    config = _merged_app_config()
    pipelines = config["cicd-contexts"][context]["pipelines"]
    assert config["cicd-contexts"][context]["channel"].startswith("orders-release-")
    assert {"start", "deploy"} <= set(pipelines)
    assert pipelines["deploy"]["deployTask"]["targetNamespace"] == f"apps-{context}"
    for name, pipeline in pipelines.items():
        for event, handlers in pipeline["event-handlers"].items():
            assert event in {"init", "success", "failure"}, f"{name}.{event}"
            assert set(handlers) <= HANDLER_TYPES, f"{name}.{event}: {set(handlers) - HANDLER_TYPES}"
    # The flow: notify, buttons (manual-choice), respond and promote are all used.
    used = {h for p in pipelines.values() for handlers in p["event-handlers"].values() for h in handlers}
    assert {"notify", "manual-choice", "respond"} <= used


def test_dev_offers_promotion_and_start_triggers_build() -> None:
    dev = _merged_app_config()["cicd-contexts"]["dev"]["pipelines"]
    assert dev["start"]["event-handlers"]["success"]["trigger-pipeline"]["name"] == "build"
    promote = dev["deploy"]["event-handlers"]["success"]["manual-choice"]["choices"]["promote"]["options"][0]
    assert "changeContextButtonValue('prod')" in promote["value"]
    assert set(_merged_app_config()["jinja2-macros"]) >= {
        "buttonValue",
        "deployButtonValue",
        "changeContextButtonValue",
    }
