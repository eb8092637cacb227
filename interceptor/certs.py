"""TLS material for serving our ClusterInterceptors over HTTPS.

An EventListener trusts an interceptor's certificate only through the ``caBundle`` of a
(Cluster)Interceptor labelled ``server/type: https``; system roots are never used, and an
https-labelled interceptor with an EMPTY ``caBundle`` makes every EventListener crash-loop. So the
CA and the patch that publishes it are produced together, here, as one kustomize Component:

- ``ca-cert.pem`` / ``ca-key.pem``: a private CA (ECDSA P-256), reused on later runs so renewing the
  server certificate never changes the ``caBundle`` the EventListeners already trust;
- ``server-cert.pem`` / ``server-key.pem``: the serving pair, SANs ``NAME``, ``NAME.NS``,
  ``NAME.NS.svc`` and ``NAME.NS.svc.cluster.local`` (what Tekton's own core interceptors use);
- ``tls-secret.yaml``: the ``kubernetes.io/tls`` Secret the Deployment mounts (keys ``tls.crt``,
  ``tls.key``, ``ca.crt``, the same keys cert-manager writes);
- ``cabundle-patch.yaml`` + ``kustomization.yaml``: a Component that sets ``caBundle`` (base64 of the
  CA PEM) and the ``server/type: https`` label on every ClusterInterceptor it is applied to.

Everything here is pure: callers pass the clock, and only :func:`write_component` touches disk.
"""

from __future__ import annotations

import base64
import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from interceptor.errors import InvalidInput

DEFAULT_SECRET_NAME = "cicd-interceptor-tls"  # noqa: S105 - a Secret's name, not a secret
DEFAULT_SERVER_DAYS = 365
DEFAULT_CA_DAYS = 3650
ORGANIZATION = "tekton-slack-interceptor"

CA_CERT_FILE = "ca-cert.pem"
CA_KEY_FILE = "ca-key.pem"
SERVER_CERT_FILE = "server-cert.pem"
SERVER_KEY_FILE = "server-key.pem"
SECRET_FILE = "tls-secret.yaml"  # noqa: S105 - a file name, not a secret
PATCH_FILE = "cabundle-patch.yaml"
KUSTOMIZATION_FILE = "kustomization.yaml"

# RFC 1123 label, the rule Kubernetes applies to Service and Namespace names.
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class KeyPair:
    """A PEM certificate and its PEM (PKCS#8, unencrypted) private key."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey:
        key = serialization.load_pem_private_key(self.key_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise InvalidInput("private key: expected an ECDSA key")
        return key


def check_dns_label(field: str, value: str) -> str:
    """Return ``value`` if it is a valid Service/Namespace name, else raise naming ``field``."""
    if not _DNS_LABEL.match(value):
        raise InvalidInput(
            f"{field}: {value!r} is not a valid Kubernetes name "
            "(lower-case letters, digits and '-', at most 63 characters, starting and ending alphanumeric)"
        )
    return value


def service_dns_names(service: str, namespace: str) -> list[str]:
    """The four names an in-cluster client may use for ``service`` in ``namespace``."""
    check_dns_label("--service", service)
    check_dns_label("--namespace", namespace)
    return [
        service,
        f"{service}.{namespace}",
        f"{service}.{namespace}.svc",
        f"{service}.{namespace}.svc.cluster.local",
    ]


def generate_ca(
    now: datetime.datetime, days: int = DEFAULT_CA_DAYS, common_name: str = "cicd-interceptor-ca"
) -> KeyPair:
    """A self-signed CA that may sign server certificates only (path length 0)."""
    _check_days("--ca-days", days)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def load_ca(cert_pem: bytes, key_pem: bytes) -> KeyPair:
    """Load an existing CA, checking it is a CA certificate and that the key belongs to it."""
    try:
        pair = KeyPair(cert_pem, key_pem)
        cert, key = pair.certificate, pair.private_key
    except ValueError as exc:
        raise InvalidInput(f"existing CA files are not valid PEM: {exc}") from exc
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound as exc:
        raise InvalidInput("existing CA certificate has no basicConstraints extension") from exc
    if not constraints.ca:
        raise InvalidInput("existing CA certificate is not a CA (basicConstraints ca=false)")
    if _spki(cert.public_key()) != _spki(key.public_key()):
        raise InvalidInput("existing CA key does not belong to the CA certificate")
    return pair


def issue_server_certificate(
    ca: KeyPair, service: str, namespace: str, now: datetime.datetime, days: int = DEFAULT_SERVER_DAYS
) -> KeyPair:
    """An ECDSA P-256 serving certificate for the Service, signed by ``ca``."""
    _check_days("--days", days)
    names = service_dns_names(service, namespace)
    ca_cert = ca.certificate
    ca_key = ca.private_key
    if now + datetime.timedelta(days=days) > ca_cert.not_valid_after_utc:
        raise InvalidInput(
            f"--days: {days} days outlives the CA (valid until {ca_cert.not_valid_after_utc:%Y-%m-%d}); "
            "use fewer days or --new-ca"
        )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, names[2]),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def verify_server_certificate(ca: KeyPair, server: KeyPair, host: str) -> None:
    """Check ``server`` chains to ``ca`` and names ``host``. Raises :class:`InvalidInput` otherwise."""
    cert = server.certificate
    try:
        cert.verify_directly_issued_by(ca.certificate)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise InvalidInput(f"server certificate is not signed by the CA: {exc}") from exc
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    )
    if host not in sans:
        raise InvalidInput(f"server certificate does not name {host!r} (SANs: {', '.join(sans)})")


def cabundle_patch(ca_cert_pem: bytes) -> list[dict[str, object]]:
    """JSON6902 operations that make a ClusterInterceptor trust ``ca_cert_pem`` over HTTPS."""
    x509.load_pem_x509_certificate(ca_cert_pem)  # refuse to publish anything that is not a certificate
    return [
        {
            "op": "add",
            "path": "/spec/clientConfig/caBundle",
            "value": base64.b64encode(ca_cert_pem).decode("ascii"),
        },
        {"op": "add", "path": "/metadata/labels/server~1type", "value": "https"},
    ]


def tls_secret(name: str, namespace: str, server: KeyPair, ca_cert_pem: bytes) -> dict[str, object]:
    """The ``kubernetes.io/tls`` Secret holding the serving pair (cert-manager's key names)."""
    check_dns_label("--secret-name", name)

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app.kubernetes.io/name": "cicd-interceptor"},
        },
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": b64(server.cert_pem), "tls.key": b64(server.key_pem), "ca.crt": b64(ca_cert_pem)},
    }


def component_kustomization(with_secret: bool) -> dict[str, object]:
    """The Component that base/kustomization.yaml includes from ``manifests/tls``."""
    component: dict[str, object] = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"}
    if with_secret:
        component["resources"] = [SECRET_FILE]
    component["patches"] = [
        {
            "path": PATCH_FILE,
            "target": {"group": "triggers.tekton.dev", "version": "v1alpha1", "kind": "ClusterInterceptor"},
        }
    ]
    return component


def component_files(
    ca: KeyPair, server: KeyPair | None, secret_name: str, namespace: str
) -> dict[str, bytes]:
    """Every file of the TLS Component, by file name. ``server`` is None when cert-manager owns the
    serving pair and only the CA is published (then no key material is written at all)."""
    header = "# Generated by `interceptor certs`; do not edit. Re-run the command to rotate.\n"
    files: dict[str, bytes] = {
        PATCH_FILE: (header + _dump(cabundle_patch(ca.cert_pem))).encode(),
        KUSTOMIZATION_FILE: (
            header + _dump(component_kustomization(with_secret=server is not None))
        ).encode(),
        CA_CERT_FILE: ca.cert_pem,
    }
    if server is not None:
        files[CA_KEY_FILE] = ca.key_pem
        files[SERVER_CERT_FILE] = server.cert_pem
        files[SERVER_KEY_FILE] = server.key_pem
        files[SECRET_FILE] = (
            header + _dump(tls_secret(secret_name, namespace, server, ca.cert_pem))
        ).encode()
    return files


def write_component(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` into ``out_dir``; private keys and the Secret get mode 0600."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out_dir / name
        private = name in (CA_KEY_FILE, SERVER_KEY_FILE, SECRET_FILE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        if private:
            os.chmod(path, 0o600)  # an older file keeps its mode through O_TRUNC
        written.append(path)
    return written


def read_existing_ca(out_dir: Path) -> KeyPair | None:
    """The CA already in ``out_dir``, or None when there is none to reuse."""
    cert_path, key_path = out_dir / CA_CERT_FILE, out_dir / CA_KEY_FILE
    if not (cert_path.exists() and key_path.exists()):
        return None
    return load_ca(cert_path.read_bytes(), key_path.read_bytes())


def _check_days(field: str, days: int) -> None:
    if days < 1:
        raise InvalidInput(f"{field}: expected a positive number of days, got {days}")


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
