"""``interceptor certs``: TLS material for the ClusterInterceptors, as a kustomize Component.

    interceptor certs generate --service NAME --namespace NS --out DIR [--days N] [--ca-days N] [--new-ca]
    interceptor certs cabundle --ca-cert FILE --out DIR

``generate`` makes (or reuses) a private CA and issues the serving pair. ``cabundle`` is for
cert-manager users: cert-manager issues and renews the serving pair, and only the CA it signs with
is published into the ClusterInterceptors (cert-manager's cainjector cannot patch them itself).
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from interceptor import certs
from interceptor.errors import InvalidInput


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interceptor certs",
        description="TLS material for the ClusterInterceptors, written as a kustomize Component.",
    )
    sub = parser.add_subparsers(dest="action", required=True)

    gen = sub.add_parser(
        "generate", help="create a CA (or reuse DIR's) and a server certificate for the Service"
    )
    gen.add_argument("--service", required=True, help="name of the interceptor's Service")
    gen.add_argument("--namespace", required=True, help="namespace of the Service")
    gen.add_argument("--out", required=True, type=Path, help="directory of the kustomize Component to write")
    gen.add_argument("--secret-name", default=certs.DEFAULT_SECRET_NAME, help="name of the TLS Secret")
    gen.add_argument(
        "--days", type=int, default=certs.DEFAULT_SERVER_DAYS, help="server certificate lifetime"
    )
    gen.add_argument("--ca-days", type=int, default=certs.DEFAULT_CA_DAYS, help="lifetime of a new CA")
    gen.add_argument(
        "--new-ca", action="store_true", help="replace the CA already in --out (changes caBundle)"
    )

    bundle = sub.add_parser("cabundle", help="publish an existing CA certificate (e.g. cert-manager's)")
    bundle.add_argument(
        "--ca-cert", required=True, type=Path, help="PEM file of the CA that signs the server"
    )
    bundle.add_argument(
        "--out", required=True, type=Path, help="directory of the kustomize Component to write"
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    now = datetime.datetime.now(datetime.UTC)
    if args.action == "generate":
        return _generate(args, now)
    return _cabundle(args)


def _generate(args: argparse.Namespace, now: datetime.datetime) -> int:
    names = certs.service_dns_names(args.service, args.namespace)
    ca = None if args.new_ca else certs.read_existing_ca(args.out)
    reused = ca is not None
    if ca is None:
        ca = certs.generate_ca(now, args.ca_days)
    server = certs.issue_server_certificate(ca, args.service, args.namespace, now, args.days)
    files = certs.component_files(ca, server, args.secret_name, args.namespace)
    written = certs.write_component(args.out, files)
    print(f"{'reused' if reused else 'created'} CA {args.out / certs.CA_CERT_FILE}")
    print(f"issued server certificate for {', '.join(names)} (valid {args.days} days)")
    _print_written(written)
    print(
        f"keep {args.out / certs.CA_KEY_FILE} secret; re-run the same command to renew the server "
        "certificate with the same CA (caBundle unchanged)."
    )
    return 0


def _cabundle(args: argparse.Namespace) -> int:
    try:
        ca_pem = args.ca_cert.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"--ca-cert: cannot read {args.ca_cert}: {exc.strerror or exc}") from exc
    try:
        ca = certs.KeyPair(ca_pem, b"")
        ca.certificate  # noqa: B018 - parse now, so a wrong file fails here and not in the cluster
    except ValueError as exc:
        raise InvalidInput(f"--ca-cert: {args.ca_cert} is not a PEM certificate: {exc}") from exc
    written = certs.write_component(args.out, certs.component_files(ca, None, certs.DEFAULT_SECRET_NAME, ""))
    _print_written(written)
    return 0


def _print_written(paths: list[Path]) -> None:
    for path in paths:
        print(f"wrote {path}")
