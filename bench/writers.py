"""Concurrent writers: 8 processes × 50 writes to distinct paths of one context; how many survive."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import configs
import redis
import yaml
from cli_compare import Clis, _run
from processes import ROOT, VENV_BIN


@dataclass
class WriterResult:
    name: str
    expected: int
    survived: int
    seconds: float

    @property
    def lost(self) -> int:
        return self.expected - self.survived


def _spawn_all(commands: list[tuple[list[str], dict[str, str] | None]]) -> float:
    started = time.perf_counter()
    procs = [
        subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args, env in commands
    ]
    failures = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            failures.append(err.strip()[-400:])
    if failures:
        raise RuntimeError(f"{len(failures)} writer(s) failed; first: {failures[0]}")
    return time.perf_counter() - started


async def _count_ours(store_url: str, context_id: str) -> int:
    from interceptor.store import open_store

    store = open_store(store_url)
    try:
        document = await store.get(context_id)
        await store.delete(context_id)
    finally:
        await store.close()
    return len(((document or {}).get("state") or {}).get("writers") or {})


def ours(name: str, store_url: str, clis: Clis, workers: int, count: int) -> WriterResult:
    context_id = f"bench8-{uuid.uuid4().hex[:8]}-writers"
    _run(
        clis.ours(
            "context",
            "init",
            context_id,
            "--context-name",
            "dev",
            "--store",
            store_url,
            "--app-config",
            str(clis.files.app_config),
            "--bases-dir",
            str(clis.files.bases_dir),
            "--set",
            "state.appTag=2.7.0",
        ),
        ROOT,
    )
    start_at = time.time() + 1.5  # every process imported and connected before the start line
    commands: list[tuple[list[str], dict[str, str] | None]] = [
        (
            [
                str(VENV_BIN / "python"),
                "bench/writer_worker.py",
                "--impl",
                "ours",
                "--store",
                store_url,
                "--id",
                context_id,
                "--worker",
                str(w),
                "--count",
                str(count),
                "--start-at",
                str(start_at),
            ],
            None,
        )
        for w in range(workers)
    ]
    seconds = _spawn_all(commands) - 1.5
    survived = asyncio.run(_count_ours(store_url, context_id))
    return WriterResult(name, workers * count, survived, seconds)


def theirs(clis: Clis, work: Path, workers: int, count: int, slack_url: str) -> WriterResult:
    context_id = f"bench8-{uuid.uuid4().hex[:8]}-writers-theirs"
    _run(
        clis.theirs(
            "--init-new",
            context_id,
            "--init-cicd-context-name",
            "dev",
            "--init-app-config-file",
            str(clis.files.app_config),
            "--init-bases-dir",
            str(clis.files.bases_dir),
            "--set",
            "state.appTag=2.7.0",
        ),
        clis.work,
    )
    start_at = time.time() + 2.0
    python = clis.cicdstatemgr.parent / "python"
    commands: list[tuple[list[str], dict[str, str] | None]] = []
    for w in range(workers):
        # One config (and local yamlfile cache) per writer, as each Tekton task pod has its own.
        files = configs.cli_files(work / f"writer{w}", slack_url)
        commands.append(
            (
                [
                    str(python),
                    "bench/writer_worker.py",
                    "--impl",
                    "cicdstatemgr",
                    "--config",
                    str(files.config),
                    "--secrets",
                    str(files.secrets),
                    "--id",
                    context_id,
                    "--worker",
                    str(w),
                    "--count",
                    str(count),
                    "--start-at",
                    str(start_at),
                ],
                {"WRITER_DIR": str(files.local_dir), "PATH": "/usr/bin:/bin"},
            )
        )
    seconds = _spawn_all(commands) - 2.0
    client = redis.Redis(host=configs.REDIS_HOST, port=configs.REDIS_PORT)
    try:
        raw = client.get(context_id)
        client.delete(context_id)
    finally:
        client.close()
    document = yaml.safe_load(raw) if raw else {}
    survived = len(((document or {}).get("state") or {}).get("writers") or {})
    return WriterResult("cicdstatemgr 1.2.4 on Redis", workers * count, survived, seconds)
