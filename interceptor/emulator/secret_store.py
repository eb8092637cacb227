"""Kubernetes Secrets for the emulator: from the manifests, a secrets YAML file, or ``--secret``.

Core interceptors read ``secretRef {secretName, secretKey}`` in the namespace of the trigger, as in
Tekton; the messages on failure are Tekton's (``secrets "x" not found``,
``cannot find <key> key in secret <ns>/<name>``). Values are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping

from interceptor.errors import ConfigError


class SecretLookupError(Exception):
    """The secret or its key is missing; the message is what Tekton's secret getter returns."""


class SecretStore:
    def __init__(self, secrets: Mapping[tuple[str, str], Mapping[str, str]] | None = None) -> None:
        self._secrets: dict[tuple[str, str], dict[str, str]] = {
            k: dict(v) for k, v in (secrets or {}).items()
        }

    def put(self, namespace: str, name: str, key: str, value: str) -> None:
        self._secrets.setdefault((namespace, name), {})[key] = value

    def get(self, namespace: str, name: str, key: str) -> str:
        data = self._secrets.get((namespace, name))
        if data is None:
            raise SecretLookupError(f'secrets "{name}" not found')
        if key not in data:
            raise SecretLookupError(f"cannot find {key} key in secret {namespace}/{name}")
        return data[key]

    def namespace(self, namespace: str) -> dict[str, dict[str, str]]:
        """``{secretName: {key: value}}`` of one namespace (what CEL's ``compareSecret`` reads)."""
        return {name: dict(data) for (ns, name), data in self._secrets.items() if ns == namespace}

    def add_options(self, options: list[str]) -> None:
        """``--secret NS/NAME/KEY=VALUE`` entries. Raises :class:`ConfigError` naming the bad one."""
        for option in options:
            path, sep, value = option.partition("=")
            parts = path.split("/")
            if not sep or len(parts) != 3 or not all(parts):
                raise ConfigError("--secret: expected NAMESPACE/NAME/KEY=VALUE (the value is not shown here)")
            self.put(parts[0], parts[1], parts[2], value)
