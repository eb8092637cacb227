"""Choosing the EventListener and collecting secrets from every source."""

from __future__ import annotations

from pathlib import Path

import pytest

from interceptor.emulator.options import EmulatorOptions, load
from interceptor.errors import ConfigError
from tests.emulator.conftest import write_manifests

TWO = """
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: a, namespace: x}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: b, namespace: x}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: x}
stringData: {from-manifests: m, overridden: m}
"""


@pytest.mark.parametrize(
    ("wanted", "found"), [("a", "a"), ("x/b", "b"), ("", None), ("y/a", None), ("c", None)]
)
def test_choose_listener(tmp_path: Path, wanted: str, found: str | None) -> None:
    options = EmulatorOptions((write_manifests(tmp_path / "m", TWO),), listener=wanted)
    if found is None:
        with pytest.raises(ConfigError, match="--listener"):
            load(options)
    else:
        assert load(options).listener.name == found


def test_secrets_come_from_manifests_file_and_options(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\nstringData: {from-file: f, overridden: f}\n"
    )
    options = EmulatorOptions(
        (write_manifests(tmp_path / "m", TWO),), listener="a", secrets_file=secrets_file,
        secrets=("x/s/overridden=o", "x/other/k=v=with=equals"),
    )  # fmt: skip
    secrets = load(options).secrets
    assert secrets.namespace("x") == {
        "s": {"from-manifests": "m", "overridden": "o", "from-file": "f"},
        "other": {"k": "v=with=equals"},
    }
