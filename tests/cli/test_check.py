"""``interceptor check`` as a user runs it: a subprocess, one line on failure, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interceptor", "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_shipped_example_configs_pass() -> None:
    result = run_check(
        "--config",
        "examples/tekton/config.yaml",
        "--app-config",
        "examples/tekton/app/app-pipeline-config.yaml",
        "--bases-dir",
        "examples/tekton/bases",
    )
    assert result.returncode == 0, result.stderr
    assert "config OK" in result.stdout
    assert "app config OK" in result.stdout


@pytest.mark.parametrize(
    ("config", "app", "message"),
    [
        ("server: {port: eighty}", None, "server.port: expected an integer, got a string 'eighty'"),
        ("slak: {}", None, "slak: unknown key"),
        (
            "{}",
            "cicd-contexts:\n  dev:\n    pipelines:\n      build:\n        event-handlers:\n"
            "          success:\n            notfiy: {message: hi}\n",
            "event-handlers.success.notfiy: unknown handler type (expected one of: notify,",
        ),
        (
            "{}",
            "cicd-contexts:\n  dev:\n    pipelines:\n      build:\n        event-handlers:\n"
            "          success:\n            set-values: {set: [], form: x}\n",
            "event-handlers.success.set-values: unknown keys form",
        ),
        ("{}", "cicd-contexts: {}\n", "no cicd-contexts after merging its bases"),
    ],
)
def test_bad_configs_fail_with_one_line_naming_the_key(
    tmp_path: Path, config: str, app: str | None, message: str
) -> None:
    (tmp_path / "config.yaml").write_text(config)
    args = ["--config", str(tmp_path / "config.yaml")]
    if app is not None:
        (tmp_path / "app.yaml").write_text(app)
        args += ["--app-config", str(tmp_path / "app.yaml")]
    result = run_check(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
