"""``interceptor serve`` as a process: it prints where it listens, serves, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    config = tmp_path / "config.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{tmp_path}/c.db'}}\n")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interceptor",
            "serve",
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_port_zero_prints_the_bound_port_and_sigterm_exits_cleanly(tmp_path: Path) -> None:
    process = start(tmp_path, "--port", "0")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("interceptor serving on http://127.0.0.1:")
        port = int(first.strip().rsplit(":", 1)[1])
        assert port > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as resp:
            assert json.loads(resp.read())["status"] == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        process = start(tmp_path, "--port", str(port))
        _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("flag", ["--port=http", "--bogus"])
def test_bad_flags_exit_2(tmp_path: Path, flag: str) -> None:
    process = start(tmp_path, flag)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "usage: interceptor serve" in stderr
