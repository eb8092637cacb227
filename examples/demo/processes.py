"""The demo's long-running processes: started on loopback, logged to files, always stopped.

Each :class:`Process` is a real subprocess whose stdout and stderr go to ``<name>.log`` in the
demo's work directory. :meth:`Process.wait_for_line` reads the URL a process prints when it is
listening; :func:`wait_until_ready` polls an HTTP probe. :class:`Processes` stops every process
it started (SIGTERM, then SIGKILL) when its ``with`` block ends, whatever the reason.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from examples.demo.errors import DemoError

STOP_GRACE_SECONDS = 5.0


def free_port() -> int:
    """A port that was free a moment ago (for ``interceptor serve``, which cannot report one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    def __init__(
        self, name: str, argv: Sequence[str], log_path: Path, env: dict[str, str], cwd: Path
    ) -> None:
        self.name = name
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.popen = subprocess.Popen(
            list(argv), stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def check_running(self) -> None:
        code = self.popen.poll()
        if code is not None:
            raise DemoError(
                f"{self.name} exited with status {code}; last lines of {self.log_path}:\n{self.log_tail()}"
            )

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match[str]:
        """The first log line matching ``pattern`` (a regex), waiting up to ``timeout`` seconds."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
                found = compiled.search(line)
                if found:
                    return found
            self.check_running()
            time.sleep(0.05)
        raise DemoError(f"{self.name} did not print /{pattern}/ within {timeout:g} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()


def wait_until_ready(process: Process, url: str, timeout: float) -> None:
    """Poll ``url`` until it answers 200 (the service's ``/ready``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.check_running()
        try:
            with urllib.request.urlopen(url, timeout=1.0) as reply:  # noqa: S310 - loopback URL we built
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise DemoError(f"{process.name} was not ready at {url} within {timeout:g} s:\n{process.log_tail()}")


class Processes:
    """Use as ``with Processes(workdir) as procs:``; every started process is stopped on exit."""

    def __init__(self, workdir: Path, base_env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        environ = os.environ if base_env is None else base_env
        # A user's own INTERCEPTOR_CONFIG/STORE/... must not leak into the sandbox's processes.
        self.base_env = {k: v for k, v in environ.items() if not k.startswith("INTERCEPTOR_")}
        self.started: list[Process] = []

    def start(
        self, name: str, argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> Process:
        process = Process(
            name, argv, self.workdir / f"{name}.log", {**self.base_env, **(env or {})}, cwd or self.workdir
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        # Newest first: the service stops forwarding before the emulator it forwards to goes away.
        while self.started:
            self.started.pop().stop()

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop_all()
