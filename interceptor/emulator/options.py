"""What ``interceptor emulate`` is asked to do, checked before the server starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from interceptor.emulator.manifests import add_object, load_manifests
from interceptor.emulator.model import EventListener, Manifests
from interceptor.emulator.resolution import parse_resolve_options
from interceptor.emulator.secret_store import SecretStore
from interceptor.errors import ConfigError


@dataclass(frozen=True)
class EmulatorOptions:
    manifests_dirs: tuple[Path, ...]
    listener: str = ""  # NAME or NAMESPACE/NAME; empty when the directory holds exactly one
    resolve: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()  # NS/NAME/KEY=VALUE
    secrets_file: Path | None = None
    out_dir: Path = Path("emulator-out")
    cel_cache_size: int = 1024


@dataclass
class Loaded:
    """Everything the server needs, validated."""

    manifests: Manifests
    listener: EventListener
    resolve: dict[str, str]
    secrets: SecretStore
    warnings: list[str] = field(default_factory=list)


def load(options: EmulatorOptions) -> Loaded:
    """Read and validate the manifests and options. Raises :class:`ConfigError` naming the problem."""
    manifests = Manifests()
    for directory in options.manifests_dirs:
        load_manifests(directory, manifests)
    listener = choose_listener(manifests, options.listener)
    secrets = SecretStore(manifests.secrets)
    if options.secrets_file is not None:
        extra = Manifests()
        file_manifests = load_manifests_file(options.secrets_file, extra)
        for (namespace, name), data in file_manifests.secrets.items():
            for key, value in data.items():
                secrets.put(namespace, name, key, value)
    secrets.add_options(list(options.secrets))
    loaded = Loaded(manifests, listener, parse_resolve_options(list(options.resolve)), secrets)
    if manifests.skipped_kinds:
        kinds = ", ".join(f"{kind} ({count})" for kind, count in sorted(manifests.skipped_kinds.items()))
        loaded.warnings.append(f"ignored kinds the EventListener does not read: {kinds}")
    return loaded


def load_manifests_file(path: Path, manifests: Manifests) -> Manifests:
    """A secrets file: YAML ``kind: Secret`` documents (``data`` base64 or ``stringData``)."""
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--secrets {path}: cannot read it as YAML: {exc}") from exc
    for index, document in enumerate(documents):
        if document is not None:
            add_object(manifests, document, f"{path}#{index}")
    return manifests


def choose_listener(manifests: Manifests, wanted: str) -> EventListener:
    listeners = manifests.listeners
    names = ", ".join(f"{ns}/{name}" for ns, name in sorted(listeners)) or "none"
    if not wanted:
        if len(listeners) != 1:
            raise ConfigError(
                f"--listener: the manifests hold {len(listeners)} EventListeners ({names}); name one"
                if listeners
                else "--manifests: no EventListener found in the directory"
            )
        return next(iter(listeners.values()))
    namespace, _, name = wanted.rpartition("/")
    matches = [el for (ns, n), el in listeners.items() if n == name and (not namespace or ns == namespace)]
    if len(matches) != 1:
        raise ConfigError(f"--listener {wanted}: expected exactly one match among {names}")
    return matches[0]
