"""Typed settings, read once at startup from a config file, a secrets file and the environment.

The secrets file has the config's shape and is deep-merged over it. A cicdstatemgr
``config.yaml``/``secrets.yaml`` pair is valid as-is: its ``cicdstatemgr:`` subtree is kept verbatim
(templates and handlers read it), and its ``datasources.redis`` becomes the store URL when no
``store.url`` is given. Unknown keys and wrong types raise :class:`ConfigError` with the dotted path.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from interceptor.errors import ConfigError
from interceptor.json_types import describe_yaml_type

DEFAULT_STORE_URL = "sqlite:///var/lib/interceptor/contexts.db"

# Environment variables that override single settings (secrets first: they belong in Secrets, not files).
ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "INTERCEPTOR_SLACK_SIGNING_SECRET": ("slack", "signingSecret"),
    "INTERCEPTOR_SLACK_BOT_TOKEN": ("slack", "botToken"),
    "INTERCEPTOR_LISTENER_SECRET": ("listener", "secret"),
    "INTERCEPTOR_LISTENER_URL": ("listener", "url"),
    "INTERCEPTOR_STORE": ("store", "url"),
}


@dataclass(frozen=True)
class TlsSettings:
    cert: str
    key: str


@dataclass(frozen=True)
class ServerSettings:
    host: str = "0.0.0.0"  # noqa: S104 - a server in a pod listens on all interfaces
    port: int = 8080
    tls: TlsSettings | None = None
    maxBodyBytes: int = 1024 * 1024
    deadlineSeconds: float = 3.0
    shutdownTimeoutSeconds: float = 20.0


@dataclass(frozen=True)
class StoreSettings:
    url: str = DEFAULT_STORE_URL
    ttlDays: float | None = None
    eventResultTtlSeconds: int = 86400


@dataclass(frozen=True)
class SlackSettings:
    signingSecret: str | None = None
    # Extra accepted secrets, so a signing secret can be rotated without downtime.
    previousSigningSecrets: list[str] = field(default_factory=list)
    botToken: str | None = None
    apiUrl: str = "https://slack.com/api"
    # Optional immediate reply to an interaction, a jinja2 template over the decoded event.
    ackMessage: str | None = None
    dedupeWindowSeconds: float = 10.0
    maxAgeSeconds: int = 300


@dataclass(frozen=True)
class ListenerSettings:
    url: str | None = None
    secret: str | None = None
    retries: int = 3
    timeoutSeconds: float = 10.0


@dataclass(frozen=True)
class OutboundSettings:
    allowHosts: list[str] | None = None
    connectTimeoutSeconds: float = 5.0
    totalTimeoutSeconds: float = 15.0
    retries: int = 3


@dataclass(frozen=True)
class CelSettings:
    # Secrets that CEL's compareSecret(key, secretName) checks against: {secretName: {key: value}}.
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    cacheSize: int = 1024


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    listener: ListenerSettings = field(default_factory=ListenerSettings)
    outbound: OutboundSettings = field(default_factory=OutboundSettings)
    cel: CelSettings = field(default_factory=CelSettings)
    # cicdstatemgr's own subtree, kept verbatim: templates see it as ``configData``.
    cicdstatemgr: dict[str, Any] = field(default_factory=dict)
    # The same subtree of the secrets file (``secretData`` for trigger headers, the Slack token).
    cicdstatemgrSecrets: dict[str, Any] = field(default_factory=dict)
    # Where the settings came from, for error messages and ``check``.
    sources: tuple[str, ...] = ()

    @property
    def signing_secrets(self) -> list[str]:
        """Every Slack signing secret that is accepted, current first."""
        current = [self.slack.signingSecret] if self.slack.signingSecret else []
        return current + list(self.slack.previousSigningSecrets)


def load_settings(
    config_path: str | None = None,
    secrets_path: str | None = None,
    *,
    store_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read, merge and validate the configuration. Raises :class:`ConfigError` naming the bad key."""
    env = os.environ if environ is None else environ
    config_path = config_path or env.get("INTERCEPTOR_CONFIG")
    secrets_path = secrets_path or env.get("INTERCEPTOR_SECRETS")
    raw: dict[str, Any] = {}
    sources: list[str] = []
    for path in (config_path, secrets_path):
        if path:
            raw = deep_merge(raw, _read_yaml(path))
            sources.append(path)
    secrets_subtree: dict[str, Any] = {}
    if secrets_path:
        secrets_subtree = _read_yaml(secrets_path).get("cicdstatemgr") or {}
    for variable, key_path in ENV_OVERRIDES.items():
        if env.get(variable):
            _set_path(raw, key_path, env[variable])
    if store_url:
        _set_path(raw, ("store", "url"), store_url)
    legacy = raw.get("cicdstatemgr")
    if isinstance(legacy, dict) and not (raw.get("store") or {}).get("url"):
        redis_url = redis_url_from_cicdstatemgr(legacy)
        if redis_url:
            _set_path(raw, ("store", "url"), redis_url)
    raw["cicdstatemgrSecrets"] = secrets_subtree
    settings = _build(Settings, raw, "")
    return dataclasses.replace(settings, sources=tuple(sources))


def redis_url_from_cicdstatemgr(legacy: Mapping[str, Any]) -> str | None:
    """Map cicdstatemgr's ``datasources.redis`` block ({host, port, db, username, password}) to a URL."""
    block = (legacy.get("datasources") or {}).get("redis")
    if not isinstance(block, dict) or not block.get("host"):
        return None
    auth = ""
    if block.get("password"):
        user = quote(str(block.get("username") or ""), safe="")
        auth = f"{user}:{quote(str(block['password']), safe='')}@"
    return f"redis://{auth}{block['host']}:{block.get('port') or 6379}/{block.get('db') or 0}"


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into a copy of ``base``: dicts merge recursively, anything else is replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    # PyYAML costs a one-shot CLI call ~15 ms of imports: only pay for it when there is a file.
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}".replace("\n", " ")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {describe_yaml_type(data)}")
    return data


def _set_path(raw: dict[str, Any], key_path: tuple[str, ...], value: Any) -> None:
    node = raw
    for key in key_path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[key_path[-1]] = value


def _build(cls: type, raw: Any, path: str) -> Any:
    """Build dataclass ``cls`` from ``raw``, checking every key and type against the annotations."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path or '<top level>'}: expected a mapping, got {describe_yaml_type(raw)}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "sources"}
    unknown = sorted(set(raw) - known)
    if unknown:
        where = f"{path}.{unknown[0]}" if path else unknown[0]
        raise ConfigError(f"{where}: unknown key (expected one of: {', '.join(sorted(known))})")
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name not in raw
    ]
    if required:
        where = f"{path}.{required[0]}" if path else required[0]
        raise ConfigError(f"{where}: missing required key")
    values = {
        name: _convert(hints[name], value, f"{path}.{name}" if path else name) for name, value in raw.items()
    }
    return cls(**values)


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(option, value, path)
            except ConfigError as exc:
                errors.append(exc)
        raise errors[0]
    if dataclasses.is_dataclass(hint):
        return _build(typing.cast(type, hint), value, path)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{path}: expected a list, got {describe_yaml_type(value)}")
        (item,) = typing.get_args(hint)
        return [_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: expected a mapping, got {describe_yaml_type(value)}")
        _, item = typing.get_args(hint)
        return {str(k): _convert(item, v, f"{path}.{k}") for k, v in value.items()}
    if hint is Any:
        return value
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # YAML reads an unquoted numeric secret as a number
    raise ConfigError(f"{path}: expected {_hint_name(hint)}, got {describe_yaml_type(value)} {value!r}"[:300])


def _hint_name(hint: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(hint, str(hint))
