"""The demo's world: a fake Slack, the service and the EventListener emulator on loopback.

Everything lives in one work directory: the service's config and secrets files (derived from
``examples/tekton/config.yaml``, pointed at the fakes), the SQLite store, the emulator's rendered
resources and one log file per process. The demo secrets below exist only for this sandbox.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from examples.demo.processes import Process, Processes, free_port, wait_until_ready

REPO = Path(__file__).resolve().parents[2]
TEKTON_DIR = REPO / "examples" / "tekton"
MANIFESTS_DIR = REPO / "manifests" / "base"
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class DemoSecrets:
    """Invented secrets, shared by the parts that must agree on them."""

    slack_signing: str = "demo-slack-signing-secret"
    slack_token: str = "demo-bot-token"  # noqa: S105 - invented for the sandbox
    listener: str = "demo-listener-secret"
    github_webhook: str = "demo-github-webhook-secret"
    trigger_token: str = "demo-trigger-token"  # noqa: S105 - invented for the sandbox


@dataclass(frozen=True)
class Endpoints:
    slack: str  # the fake Slack's base URL
    service: str  # interceptor serve
    listener: str  # interceptor emulate (the EventListener)


@dataclass
class Sandbox:
    workdir: Path
    secrets: DemoSecrets
    endpoints: Endpoints
    store_url: str
    processes: dict[str, Process]

    @property
    def emulator_out(self) -> Path:
        return self.workdir / "emulator-out"


def interceptor_command(*args: str) -> list[str]:
    """``interceptor …`` run with this interpreter (the venv's), so no PATH set-up is needed."""
    return [sys.executable, "-m", "interceptor", *args]


def service_config(
    secrets: DemoSecrets, *, port: int, store_url: str, slack_url: str, listener_url: str
) -> dict[str, Any]:
    """``examples/tekton/config.yaml`` (templates, trigger headers, capture rules) on loopback."""
    config: dict[str, Any] = yaml.safe_load((TEKTON_DIR / "config.yaml").read_text(encoding="utf-8"))
    server = {k: v for k, v in config.get("server", {}).items() if k != "tls"}
    config["server"] = {**server, "host": "127.0.0.1", "port": port, "shutdownTimeoutSeconds": 2.0}
    config["store"] = {"url": store_url}
    config["slack"] = {
        **config.get("slack", {}),
        "signingSecret": secrets.slack_signing,
        "apiUrl": f"{slack_url}/api",
    }
    config["listener"] = {**config.get("listener", {}), "url": listener_url, "secret": secrets.listener}
    config["outbound"] = {**config.get("outbound", {}), "allowHosts": ["127.0.0.1"]}
    legacy = config["cicdstatemgr"]
    legacy["slack"] = {**legacy.get("slack", {}), "url": f"{slack_url}/api/chat.postMessage"}
    legacy["trigger"] = {**legacy.get("trigger", {}), "url": listener_url}
    return config


def service_secrets(secrets: DemoSecrets) -> dict[str, Any]:
    """cicdstatemgr's secrets file shape: the bot token and the trigger-pipeline token."""
    return {
        "cicdstatemgr": {"slack": {"token": secrets.slack_token}, "trigger": {"token": secrets.trigger_token}}
    }


def start_sandbox(processes: Processes, secrets: DemoSecrets | None = None) -> Sandbox:
    """Start the three processes inside ``processes`` (which stops them) and wait until they listen."""
    secrets = secrets or DemoSecrets()
    workdir = processes.workdir
    fake_slack = processes.start(
        "fake-slack",
        [sys.executable, "-m", "examples.demo.fake_slack", "--port", "0"],
        env={"FAKE_SLACK_TOKEN": secrets.slack_token, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    slack_url = fake_slack.wait_for_line(r"fake Slack on (http://\S+)", START_TIMEOUT_SECONDS).group(1)

    # The emulator must know where the service is, and the service where the emulator is: the
    # service's port is chosen first, the emulator reports its own.
    service_port = free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    options = {
        "--manifests": [str(TEKTON_DIR), str(MANIFESTS_DIR)],
        "--resolve": [f"cicd-interceptor.cicd-interceptor={service_url}"],
        "--secret": [
            f"cicd/github-webhook-secret/secretToken={secrets.github_webhook}",
            f"cicd/cicd-trigger-token/token={secrets.trigger_token}",
        ],
        "--port": ["0"],
        "--out": [str(workdir / "emulator-out")],
    }
    arguments = [item for option, values in options.items() for value in values for item in (option, value)]
    emulator = processes.start("emulator", interceptor_command("emulate", *arguments))
    listener_url = emulator.wait_for_line(
        r"emulating EventListener \S+ on (http://\S+?)/?$", START_TIMEOUT_SECONDS
    )
    listener = listener_url.group(1).rstrip("/")

    store_url = f"sqlite://{workdir / 'contexts.db'}"
    config_path = workdir / "service-config.yaml"
    secrets_path = workdir / "service-secrets.yaml"
    config = service_config(
        secrets, port=service_port, store_url=store_url, slack_url=slack_url, listener_url=listener
    )
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    secrets_path.write_text(yaml.safe_dump(service_secrets(secrets)), encoding="utf-8")
    secrets_path.chmod(0o600)
    service = processes.start(
        "service",
        interceptor_command("serve", "--config", str(config_path), "--secrets", str(secrets_path)),
    )
    wait_until_ready(service, f"{service_url}/ready", START_TIMEOUT_SECONDS)
    return Sandbox(
        workdir=workdir,
        secrets=secrets,
        endpoints=Endpoints(slack=slack_url, service=service_url, listener=listener),
        store_url=store_url,
        processes={"fake-slack": fake_slack, "emulator": emulator, "service": service},
    )
