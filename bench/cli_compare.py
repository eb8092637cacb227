"""CLI wall time, ours against cicdstatemgr 1.2.4 installed in its own venv in the same run.

Both CLIs read the same cicdstatemgr ``config.yaml``/``secrets.yaml`` (Redis primary plus the local
yamlfile cache cicdstatemgr needs) and work on equivalent contexts created by their own ``init``.
``event handle`` posts a notify to a fake Slack (a separate process) in both.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from configs import Files
from processes import ROOT, VENV_BIN

CICDSTATEMGR_VERSION = "1.2.4"


@dataclass
class Timing:
    name: str
    ours_ms: list[float]
    theirs_ms: list[float]

    @property
    def ours(self) -> float:
        return statistics.median(self.ours_ms)

    @property
    def theirs(self) -> float:
        return statistics.median(self.theirs_ms)


def ensure_cicdstatemgr(venv: Path) -> Path:
    """Create ``venv`` with cicdstatemgr 1.2.4 unless it already has it; returns its console script."""
    script = venv / "bin" / "cicdstatemgr"
    marker = venv / f".cicdstatemgr-{CICDSTATEMGR_VERSION}"
    if script.exists() and marker.exists():
        return script
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"cicdstatemgr=={CICDSTATEMGR_VERSION}",
        ],
        check=True,
    )
    marker.touch()
    return script


def _run(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return elapsed


class Clis:
    """The two command lines, bound to one run's files and two fresh context ids."""

    def __init__(self, files: Files, cicdstatemgr: Path, work: Path) -> None:
        self.files = files
        self.cicdstatemgr = cicdstatemgr
        self.work = work
        tag = uuid.uuid4().hex[:8]
        self.ours_id = f"bench8-{tag}-ours"
        self.theirs_id = f"bench8-{tag}-theirs"

    def ours(self, *args: str) -> list[str]:
        return [
            str(VENV_BIN / "interceptor"),
            *args,
            "--config",
            str(self.files.config),
            "--secrets",
            str(self.files.secrets),
        ]

    def theirs(self, *args: str) -> list[str]:
        return [
            str(self.cicdstatemgr),
            "-l",
            "ERROR",
            "--config",
            str(self.files.config),
            "--secrets",
            str(self.files.secrets),
            *args,
        ]

    def init(self) -> None:
        sets = ["state.appName=orders", "state.appTag=2.7.0", "state.gitAppName=orders"]
        _run(
            self.ours(
                "context",
                "init",
                self.ours_id,
                "--context-name",
                "dev",
                "--app-config",
                str(self.files.app_config),
                "--bases-dir",
                str(self.files.bases_dir),
                *[a for s in sets for a in ("--set", s)],
            ),
            ROOT,
        )
        _run(
            self.theirs(
                "--init-new",
                self.theirs_id,
                "--init-cicd-context-name",
                "dev",
                "--init-app-config-file",
                str(self.files.app_config),
                "--init-bases-dir",
                str(self.files.bases_dir),
                *[a for s in sets for a in ("--set", s)],
            ),
            self.work,
        )

    def commands(self) -> dict[str, tuple[list[str], list[str]]]:
        return {
            "context get": (
                self.ours("context", "get", self.ours_id, "state.appTag"),
                self.theirs("--id", self.theirs_id, "--get", "state.appTag"),
            ),
            "context set": (
                self.ours("context", "set", self.ours_id, "state.lastStep=build"),
                self.theirs("--id", self.theirs_id, "--set", "state.lastStep=build"),
            ),
            "event handle": (
                self.ours("event", "handle", self.ours_id, "deploy=success"),
                self.theirs("--id", self.theirs_id, "--handle-event", "deploy=success"),
            ),
        }


def time_clis(clis: Clis, repeats: int) -> list[Timing]:
    """Median wall time of each command; runs alternate ours/theirs so load drift hits both."""
    timings = []
    for name, (ours, theirs) in clis.commands().items():
        _run(ours, ROOT)  # warm the page cache and .pyc files
        _run(theirs, clis.work)
        timing = Timing(name, [], [])
        for _ in range(repeats):
            timing.ours_ms.append(_run(ours, ROOT))
            timing.theirs_ms.append(_run(theirs, clis.work))
        timings.append(timing)
    return timings


def import_profile(args: list[str], nested: bool = False) -> list[tuple[str, float]]:
    """The slowest imports of one CLI run (``-X importtime``, cumulative ms), for the hotspot report.
    Top-level imports only, unless ``nested`` (then any module, e.g. ``aiohttp`` under a handler)."""
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-X", "importtime", "-m", "interceptor", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative_us, name = line[len("import time:") :].split("|", 2)
        if name.startswith("  ") and not nested:  # nested: counted in its parent's cumulative time
            continue
        rows.append((name.strip(), int(cumulative_us) / 1000))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:8]
