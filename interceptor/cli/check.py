"""``interceptor check``: validate configuration without starting anything."""

from __future__ import annotations

import argparse

from interceptor.cli.options import add_common_options, settings_from_args


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="interceptor check", description="Validate configuration files.")
    add_common_options(parser)
    parser.add_argument("--app-config", help="an app pipeline config to validate with its bases")
    parser.add_argument("--bases-dir", help="directory of the app config's bases")
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    sources = ", ".join(settings.sources) or "defaults and environment"
    print(f"config OK ({sources})")
    print(f"  store: {_redacted(settings.store.url)}")
    print(
        f"  slack signing secret: {'set' if settings.signing_secrets else 'NOT SET (Slack requests will be refused)'}"
    )
    print(f"  listener: {settings.listener.url or 'NOT SET (/slack cannot forward events)'}")
    if args.app_config:
        from interceptor.context.app_config import check_app_config

        for line in check_app_config(args.app_config, args.bases_dir):
            print(line)
    return 0


def _redacted(url: str) -> str:
    from interceptor.store import redact_url

    return redact_url(url)
