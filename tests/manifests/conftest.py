"""Fixtures for the manifest tests: the repository paths and a copy of manifests/ whose TLS
component (manifests/tls) was generated the way the README says, with `interceptor certs`."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from interceptor import certs

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "manifests"
EXAMPLE = REPO / "examples" / "tekton"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
NOW = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
SERVICE = "cicd-interceptor"
NAMESPACE = "cicd-interceptor"


@pytest.fixture(scope="session")
def ca() -> certs.KeyPair:
    return certs.generate_ca(NOW)


@pytest.fixture(scope="session")
def manifests_with_tls(tmp_path_factory: pytest.TempPathFactory, ca: certs.KeyPair) -> Path:
    """A copy of manifests/ with manifests/tls filled by `interceptor certs generate`."""
    root = tmp_path_factory.mktemp("manifests") / "manifests"
    shutil.copytree(MANIFESTS, root, ignore=shutil.ignore_patterns("tls"))
    server = certs.issue_server_certificate(ca, SERVICE, NAMESPACE, NOW)
    certs.write_component(
        root / "tls", certs.component_files(ca, server, certs.DEFAULT_SECRET_NAME, NAMESPACE)
    )
    return root


@pytest.fixture(scope="session")
def manifests_without_tls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of manifests/ as a fresh clone has it: no manifests/tls."""
    root = tmp_path_factory.mktemp("bare") / "manifests"
    shutil.copytree(MANIFESTS, root, ignore=shutil.ignore_patterns("tls"))
    return root
