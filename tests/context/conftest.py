"""Fixtures for the context tests: data files, real stores (SQLite file, shared Redis) and a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from interceptor.store import open_store
from interceptor.store.base import ContextStore

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"


def unique_id(prefix: str = "ctx-test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(params=["sqlite", "redis", pytest.param("cluster", marks=pytest.mark.cluster)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every store-backed context test runs on SQLite, Redis and a real 3-node Redis Cluster."""
    if request.param == "cluster":
        return str(request.getfixturevalue("redis_cluster").url)
    return f"sqlite://{tmp_path}/contexts.db" if request.param == "sqlite" else REDIS_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path}/contexts.db"


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[ContextStore]:
    opened = open_store(sqlite_url)
    yield opened
    await opened.close()


@pytest.fixture
async def cleanup_ids(store_url: str) -> AsyncIterator[list[str]]:
    """Ids a test created in ``store_url``; deleted afterwards (Redis is shared by other tests)."""
    ids: list[str] = []
    yield ids
    if ids:
        opened = open_store(store_url)
        try:
            for context_id in ids:
                await opened.delete(context_id)
        finally:
            await opened.close()


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., Run]


@pytest.fixture
def cli_process(tmp_path: Path) -> CliRunner:
    """Run ``python -m interceptor ARGS`` in ``tmp_path`` with a clean INTERCEPTOR_/CICDSTATEMGR_ env."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("INTERCEPTOR_", "CICDSTATEMGR_"))}
        clean["PYTHONPATH"] = str(REPO)
        clean.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "interceptor", *args],
            cwd=cwd or tmp_path,
            env=clean,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The same command line in-process (``interceptor.cli.main``): fast enough to run many cases.

    A handful of tests use :func:`cli_process` to prove the real executable behaves the same.
    """
    from interceptor.cli import main

    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith(("INTERCEPTOR_", "CICDSTATEMGR_"))]:
        monkeypatch.delenv(name)

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            if cwd is not None:
                patch.chdir(cwd)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as exc:  # argparse usage errors
                    code = exc.code if isinstance(exc.code, int) else 1
        return Run(code, out.getvalue(), err.getvalue())

    return run
