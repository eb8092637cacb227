"""Sampling profiles of the running service with py-spy (no code change, no restart).

``py-spy record --format raw`` writes one collapsed stack per line (``frame;frame;… count``);
from those we compute, per function, the share of busy samples where it is the leaf ("self") and
where it is anywhere on the stack ("total"). Idle samples (the event loop waiting) are excluded
by py-spy, so shares are of the CPU the server actually spent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from processes import VENV_BIN

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]*)(?::\d+)?\)$")


@dataclass
class Hotspot:
    function: str
    self_pct: float
    total_pct: float


def py_spy() -> str | None:
    candidate = VENV_BIN / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` for ``seconds`` in the background; None when py-spy is missing."""
    tool = py_spy()
    if tool is None:
        return None
    return subprocess.Popen(
        [
            tool,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            "250",
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _name(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("/site-packages/", "/work/main/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def summarize(raw: Path, top: int = 12) -> tuple[int, list[Hotspot], list[Hotspot]]:
    """(busy samples, top functions by self time, top of OUR functions by total time)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(frame) for frame in stack.split(";") if frame and not frame.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        for name in set(frames):
            total[name] += count
    if not samples:
        return 0, [], []

    def pct(value: int) -> float:
        return round(100 * value / samples, 1)

    by_self = [Hotspot(name, pct(n), pct(total[name])) for name, n in own.most_common(top)]
    ours = [
        Hotspot(name, pct(own[name]), pct(n))
        for name, n in total.most_common()
        if ("(interceptor/" in name or "(handlers/" in name) and "(interceptor/cli/" not in name
    ][:top]
    return samples, by_self, ours
