from pathlib import Path

import pytest

from interceptor.errors import ConfigError
from interceptor.settings import load_settings, redis_url_from_cicdstatemgr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("server: {port: http}", "server.port: expected an integer, got a string 'http'"),
        ("server: {prot: 80}", "server.prot: unknown key (expected one of:"),
        ("slack: [a]", "slack: expected a mapping, got a list"),
        ("outbound: {allowHosts: slack.com}", "outbound.allowHosts: expected a list, got a string"),
        ("outbound: {allowHosts: [{a: 1}]}", "outbound.allowHosts[0]: expected a string, got a mapping"),
        ("listener: {retries: true}", "listener.retries: expected an integer, got a boolean"),
        ("server: {tls: {cert: a}}", "server.tls.key: missing required key"),
        ("bogus: 1", "bogus: unknown key"),
        ("- a\n- b", "expected a mapping at the top level, got a list"),
        ("server: {port: [", "is not valid YAML"),
    ],
)
def test_bad_config_names_the_key_and_the_expected_type(tmp_path: Path, config: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, "c.yaml", config), environ={})
    assert message in str(caught.value)


def test_secrets_file_is_deep_merged_over_config_and_env_overrides_win(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "c.yaml",
        "slack: {apiUrl: http://x/api, signingSecret: from-config}\nlistener: {url: http://el}",
    )
    secrets = write(tmp_path, "s.yaml", "slack: {signingSecret: from-secrets}\nlistener: {secret: s1}")
    settings = load_settings(config, secrets, environ={"INTERCEPTOR_SLACK_BOT_TOKEN": "xoxb-env"})
    assert settings.slack.signingSecret == "from-secrets"
    assert settings.slack.apiUrl == "http://x/api"
    assert settings.slack.botToken == "xoxb-env"
    assert (settings.listener.url, settings.listener.secret) == ("http://el", "s1")
    assert settings.sources == (config, secrets)


def test_cicdstatemgr_files_are_accepted_as_is(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "config.yaml",
        """
cicdstatemgr:
  datasources:
    redis: {host: cicd-redis, port: 6379, db: 2, isPrimary: true}
    yamlfile: {path: /tekton/results/cicdContextData.yaml}
  slack: {url: https://slack.com/api/chat.postMessage}
  templates: {notify: '{"text": "{{ notify.message }}"}'}
""",
    )
    secrets = write(
        tmp_path,
        "secrets.yaml",
        "cicdstatemgr:\n  datasources: {redis: {username: u, password: 'p@ss'}}\n  slack: {token: xoxb-1}\n",
    )
    settings = load_settings(config, secrets, environ={})
    assert settings.store.url == "redis://u:p%40ss@cicd-redis:6379/2"
    assert settings.cicdstatemgr["templates"]["notify"].startswith('{"text"')
    assert settings.cicdstatemgrSecrets["slack"]["token"] == "xoxb-1"


@pytest.mark.parametrize(
    ("block", "url"),
    [
        ({"host": "r", "port": 6380}, "redis://r:6380/0"),
        ({"host": "r", "password": "pw"}, "redis://:pw@r:6379/0"),
        ({"port": 1}, None),
    ],
)
def test_redis_datasource_maps_to_url(block: dict[str, object], url: str | None) -> None:
    assert redis_url_from_cicdstatemgr({"datasources": {"redis": block}}) == url


def test_store_option_overrides_everything(tmp_path: Path) -> None:
    config = write(tmp_path, "c.yaml", "store: {url: 'sqlite:///a.db'}")
    settings = load_settings(
        config, store_url="redis://h:1/0", environ={"INTERCEPTOR_STORE": "redis://env:1/0"}
    )
    assert settings.store.url == "redis://h:1/0"


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(str(tmp_path / "absent.yaml"), environ={})
