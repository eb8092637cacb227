"""``make demo`` as a newcomer runs it: one command, a timeline, exit 0, nothing left behind."""

from __future__ import annotations

import copy
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from examples.demo.expectations import EXPECTATIONS, check
from examples.demo.flow import RELEASE, FlowRecord
from tests.e2e.conftest import Played

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def _accepts_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1.0):
            return True
    except OSError:
        return False


def test_demo_exits_0_and_stops_everything(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "examples.demo"], cwd=REPO, env=env, capture_output=True, text=True, timeout=50
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"All {len(EXPECTATIONS)} expected steps happened." in done.stdout
    urls = re.findall(
        r"^  (?:fake Slack|service|EventListener) +(http://[\d.]+:\d+)", done.stdout, re.MULTILINE
    )
    assert len(urls) == 3
    assert not any(_accepts_connections(url) for url in urls)
    assert list(tmp_path.iterdir()) == []  # the work directory was removed


@pytest.mark.parametrize(("name", "_"), EXPECTATIONS)
def test_nothing_recorded_means_every_step_is_missing(name: str, _: object) -> None:
    (outcome,) = [o for o in check(FlowRecord(RELEASE)) if o.name == name]
    assert not outcome.ok
    assert outcome.detail


def _without_response_url(record: FlowRecord) -> None:
    record.slack_calls = [c for c in record.slack_calls if c["kind"] != "response_url"]


def _without_prod_context(record: FlowRecord) -> None:
    record.contexts = {k: v for k, v in record.contexts.items() if v["state"]["cicdContextName"] != "prod"}


def _without_deploy_run(record: FlowRecord) -> None:
    record.runs = [(c, r) for c, r in record.runs if r.target != "deploy"]


@pytest.mark.parametrize(
    ("remove", "missing"),
    [
        (_without_response_url, ["deploy=init: buttons replaced via response_url, approval recorded"]),
        (_without_prod_context, ["start (prod): new prod context, deploy-to-prod button"]),
        (
            _without_deploy_run,
            [
                "click → /slack → slack-deploy creates PipelineRun deploy",
                "deploy=success: notify and 'promote to prod' button",
            ],
        ),
    ],
)
def test_a_missing_step_is_named(
    played: Played, remove: Callable[[FlowRecord], None], missing: list[str]
) -> None:
    record = copy.deepcopy(played.record)
    remove(record)
    assert [o.name for o in check(record) if not o.ok] == missing
