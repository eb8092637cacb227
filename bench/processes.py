"""Child processes of the benchmark: start, wait for the port, read RSS, stop by pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process {process.args!r} exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {limit} s: {process.args!r}")


class Child:
    """A server process with a log file; ``stop()`` sends SIGTERM to its pid only."""

    def __init__(
        self, name: str, args: list[str], port: int, log_dir: Path, env: dict[str, str] | None = None
    ):
        self.name = name
        self.port = port
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            args, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        wait_for_port(port, self.process)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for pid {self.pid}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_bare(log_dir: Path) -> Child:
    port = free_port()
    return Child(
        "bare", [str(VENV_BIN / "python"), "bench/bare_server.py", "--port", str(port)], port, log_dir
    )


def start_peer(name: str, log_dir: Path, delay: float = 0.0) -> Child:
    port = free_port()
    args = [str(VENV_BIN / "python"), "bench/fake_peer.py", "--port", str(port), "--delay", str(delay)]
    return Child(name, args, port, log_dir)


def start_service(name: str, config: Path, log_dir: Path) -> Child:
    port = free_port()
    args = [
        str(VENV_BIN / "interceptor"),
        "serve",
        "--config",
        str(config),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--log-level",
        "WARNING",
    ]
    return Child(name, args, port, log_dir, env={"PYTHONUNBUFFERED": "1"})
