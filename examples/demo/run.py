"""The ``make demo`` command: start the sandbox, play the release flow, check every step.

Exit status 0 when every expected step happened, 1 when one did not (named on the last lines),
130 when interrupted. The work directory (logs, SQLite store, rendered PipelineRuns) is removed
on success and kept on failure or with ``--keep``.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType

from examples.demo.errors import DemoError
from examples.demo.expectations import check
from examples.demo.flow import ReleaseFlow
from examples.demo.processes import Processes
from examples.demo.sandbox import start_sandbox
from examples.demo.timeline import Timeline


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (and SIGINT, even when a shell started us with it ignored) unwinds like Ctrl-C,
    # so the `with Processes` block stops every child.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__)
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="why each trigger did not fire; full commands"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, store, runs)")
    args = parser.parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    timeline = Timeline(verbose=args.verbose)
    workdir = Path(tempfile.mkdtemp(prefix="interceptor-demo-"))
    keep = args.keep
    try:
        with Processes(workdir) as processes:
            timeline.heading("Sandbox: fake Slack, interceptor serve, interceptor emulate (examples/tekton)")
            sandbox = start_sandbox(processes)
            timeline.line(f"fake Slack        {sandbox.endpoints.slack}", 1)
            timeline.line(f"service           {sandbox.endpoints.service}  (store {sandbox.store_url})", 1)
            timeline.line(
                f"EventListener     {sandbox.endpoints.listener}  (emulator, --resolve cicd-* → service)", 1
            )
            record = ReleaseFlow(sandbox, timeline).play()
            outcomes = check(record)
    except DemoError as exc:
        keep = True
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted; every process it started was stopped", file=sys.stderr)
        return 130
    finally:
        if keep:
            print(
                f"\nwork directory kept: {workdir} (process logs, contexts.db, emulator-out/)",
                file=sys.stderr,
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    timeline.checks((o.name, o.ok, o.detail) for o in outcomes)
    missing = [o.name for o in outcomes if not o.ok]
    if missing:
        print(
            f"\ndemo FAILED: {len(missing)} expected step(s) did not happen: {'; '.join(missing)}",
            file=sys.stderr,
        )
        if not keep:
            print("run `make demo ARGS=--keep` to keep the logs", file=sys.stderr)
        return 1
    timeline.line()
    timeline.line(f"All {len(outcomes)} expected steps happened.")
    return 0
