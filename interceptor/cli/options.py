"""Options every subcommand shares: ``--config``, ``--secrets`` and ``--store``."""

from __future__ import annotations

import argparse

from interceptor.settings import Settings, load_settings


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="config YAML (env INTERCEPTOR_CONFIG)")
    parser.add_argument(
        "--secrets", help="secrets YAML, deep-merged over the config (env INTERCEPTOR_SECRETS)"
    )
    parser.add_argument("--store", help="store URL, overrides the config (env INTERCEPTOR_STORE)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Load settings once from the common options; raises ConfigError naming the bad key."""
    return load_settings(args.config, args.secrets, store_url=args.store)
