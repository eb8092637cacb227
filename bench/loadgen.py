"""Load generators: ``wrk`` (C, preferred: it leaves the CPU to the server) and an asyncio aiohttp
client (fallback, and for checks). Both use keep-alive connections at a fixed concurrency and
report requests/s and latency percentiles the same way, so ratios are comparable.

A target's bodies are either one fixed body or a list that is cycled through (unique signed Slack
forms, so /slack's dedupe does not short-cut the work).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp


@dataclass
class Target:
    name: str
    url: str
    bodies: list[bytes]
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    # Per-body headers (signed Slack forms); when set, headers[i] goes with bodies[i].
    body_headers: list[dict[str, str]] | None = None


@dataclass
class Result:
    target: str
    generator: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    wrapped: bool = False  # the body list was exhausted and reused

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_LUA = r"""
local bodies, heads = {}, {}
local f = assert(io.open(__BODIES__, "rb"))
for line in f:lines() do
  local sep = line:find("\t", 1, true)
  heads[#heads + 1] = line:sub(1, sep - 1)
  bodies[#bodies + 1] = line:sub(sep + 1)
end
f:close()
local path = __PATH__
local index, wrapped = 0, 0
local prepared = {}
local function headers_of(i)
  local h = {}
  for pair in heads[i]:gmatch("[^\1]+") do
    local k, v = pair:match("^(.-)\2(.*)$")
    h[k] = v
  end
  return h
end
if #bodies == 1 then
  prepared[1] = wrk.format("POST", path, headers_of(1), bodies[1])
end
request = function()
  if prepared[1] then return prepared[1] end
  index = index + 1
  if index > #bodies then index = 1; wrapped = 1 end
  return wrk.format("POST", path, headers_of(index), bodies[index])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"p50_us\":%d,\"p99_us\":%d,\"errors\":%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _write_bodies(target: Target, directory: Path) -> Path:
    """One line per request: headers joined with \\x01 (key \\x02 value), a tab, the body."""
    path = directory / f"{target.name.replace('/', '_')}.bodies"
    host = target.url.split("/", 3)[2]
    with path.open("wb") as out:
        for i, body in enumerate(target.bodies):
            # wrk.format() with a header table drops wrk's defaults, Host included.
            headers = {"Host": host, **(target.body_headers[i] if target.body_headers else target.headers)}
            if b"\n" in body or b"\t" in body:
                raise ValueError(f"{target.name}: wrk bodies must be single-line")
            out.write(b"\x01".join(f"{k}\x02{v}".encode() for k, v in headers.items()))
            out.write(b"\t" + body + b"\n")
    return path


def run_wrk(target: Target, concurrency: int, seconds: float) -> Result:
    """Drive ``target`` with wrk (one thread) for ``seconds`` at ``concurrency`` connections."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        directory = Path(tmp)
        bodies = _write_bodies(target, directory)
        path = "/" + target.url.split("/", 3)[3]
        script = directory / "script.lua"
        script.write_text(
            _LUA.replace("__BODIES__", json.dumps(str(bodies))).replace("__PATH__", json.dumps(path))
        )
        base = "/".join(target.url.split("/", 3)[:3])
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{concurrency}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed on {target.name} ({target.url}): {out.stderr.strip()[-300:]}")
    out_text = out.stdout
    line = next((ln for ln in out_text.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary for {target.name}:\n{out_text}")
    data = json.loads(line[len("WRKJSON ") :])
    served = data["requests"]
    return Result(
        target=target.name,
        generator="wrk",
        concurrency=concurrency,
        requests=served,
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        wrapped=len(target.bodies) > 1 and served > len(target.bodies),
    )


async def run_python(target: Target, concurrency: int, seconds: float, count: int | None = None) -> Result:
    """The same measurement with an asyncio aiohttp client (keep-alive, ``concurrency`` workers),
    for ``seconds`` or, when ``count`` is given, for exactly ``count`` requests."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    limit = count if count is not None else 1 << 62
    deadline = time.perf_counter() + (seconds if count is None else 3600)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline and counter < limit:
                i = counter % len(target.bodies)
                counter += 1
                headers = target.body_headers[i] if target.body_headers else target.headers
                started = time.perf_counter()
                try:
                    async with session.post(target.url, data=target.bodies[i], headers=headers) as resp:
                        await resp.read()
                        if resp.status >= 400:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        target=target.name,
        generator="python",
        concurrency=concurrency,
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=errors,
        wrapped=len(target.bodies) > 1 and counter > len(target.bodies),
    )


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


async def measure(
    target: Target, concurrency: int, seconds: float, warmup: float, use_wrk: bool, warm: Target | None = None
) -> Result:
    """Warm up on ``warm`` (default: the target itself; result discarded), then measure with wrk
    when available, else the Python client. Pass a separate ``warm`` when bodies must be unique."""
    warm = warm or target
    if use_wrk:
        await asyncio.to_thread(run_wrk, warm, concurrency, warmup)
        return await asyncio.to_thread(run_wrk, target, concurrency, seconds)
    await run_python(warm, concurrency, warmup)
    return await run_python(target, concurrency, seconds)
