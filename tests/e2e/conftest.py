"""The demo's sandbox, started once for the e2e tests: fake Slack, service and emulator as processes.

``played`` runs the whole release flow of examples/tekton once (it takes a few seconds); the
negative-path tests then send their own events to the same, still running, processes. Its
``record`` is a snapshot taken when the flow ended, so those later events never change it.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from examples.demo.expectations import Outcome, check
from examples.demo.flow import FlowRecord, ReleaseFlow
from examples.demo.processes import Processes
from examples.demo.sandbox import Sandbox, start_sandbox
from examples.demo.timeline import Timeline


@dataclass
class Played:
    sandbox: Sandbox
    flow: ReleaseFlow
    record: FlowRecord
    outcomes: list[Outcome]
    timeline: str


@pytest.fixture(scope="session")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    workdir = tmp_path_factory.mktemp("demo")
    with Processes(workdir) as processes:
        sandbox = start_sandbox(processes)
        output = io.StringIO()
        flow = ReleaseFlow(sandbox, Timeline(output, verbose=True))
        record = copy.deepcopy(flow.play())
        yield Played(sandbox, flow, record, check(record), output.getvalue())
