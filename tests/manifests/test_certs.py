"""interceptor/certs.py and `interceptor certs`: the CA, the serving pair and the TLS Component."""

from __future__ import annotations

import base64
import datetime
import re
import stat
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from interceptor import certs
from interceptor.cli import main as cli_main
from interceptor.errors import InvalidInput
from tests.manifests.conftest import NOW

SANS = [
    "cicd-interceptor",
    "cicd-interceptor.cicd-interceptor",
    "cicd-interceptor.cicd-interceptor.svc",
    "cicd-interceptor.cicd-interceptor.svc.cluster.local",
]


def _sans(pair: certs.KeyPair) -> list[str]:
    ext = pair.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return ext.value.get_values_for_type(x509.DNSName)


def test_server_certificate_chains_to_ca_with_service_sans_on_p256(ca: certs.KeyPair) -> None:
    server = certs.issue_server_certificate(ca, "cicd-interceptor", "cicd-interceptor", NOW)
    server.certificate.verify_directly_issued_by(ca.certificate)
    assert _sans(server) == SANS
    for pair in (ca, server):
        key = pair.private_key
        assert isinstance(key.curve, ec.SECP256R1)
        assert pair.certificate.public_key().public_numbers() == key.public_key().public_numbers()
    usage = server.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usage
    assert ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert server.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    for host in SANS:
        certs.verify_server_certificate(ca, server, host)


def test_verification_rejects_a_foreign_ca_and_a_wrong_host(ca: certs.KeyPair) -> None:
    server = certs.issue_server_certificate(ca, "cicd-interceptor", "cicd-interceptor", NOW)
    other = certs.generate_ca(NOW)
    with pytest.raises(InvalidInput, match="not signed by the CA"):
        certs.verify_server_certificate(other, server, SANS[2])
    with pytest.raises(InvalidInput, match=re.escape("does not name 'cicd-interceptor.other.svc'")):
        certs.verify_server_certificate(ca, server, "cicd-interceptor.other.svc")


@pytest.mark.parametrize(
    ("service", "namespace", "days", "message"),
    [
        ("Bad_Name", "ns", 365, "--service: 'Bad_Name' is not a valid Kubernetes name"),
        ("svc", "-ns", 365, "--namespace: '-ns' is not a valid Kubernetes name"),
        ("svc", "a" * 64, 365, "--namespace"),
        ("svc", "ns", 0, "--days: expected a positive number of days, got 0"),
        ("svc", "ns", 5000, "--days: 5000 days outlives the CA"),
    ],
)
def test_bad_arguments_name_the_option(
    ca: certs.KeyPair, service: str, namespace: str, days: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        certs.issue_server_certificate(ca, service, namespace, NOW, days)


def test_component_patch_sets_base64_ca_and_https_label(ca: certs.KeyPair) -> None:
    operations = certs.cabundle_patch(ca.cert_pem)
    assert operations[0]["path"] == "/spec/clientConfig/caBundle"
    assert base64.b64decode(str(operations[0]["value"])) == ca.cert_pem
    assert operations[1] == {"op": "add", "path": "/metadata/labels/server~1type", "value": "https"}
    with pytest.raises(ValueError):
        certs.cabundle_patch(b"not a certificate")


@pytest.mark.parametrize("with_server", [True, False])
def test_component_files_and_permissions(tmp_path: Path, ca: certs.KeyPair, with_server: bool) -> None:
    server = certs.issue_server_certificate(ca, "svc", "ns", NOW) if with_server else None
    written = certs.write_component(tmp_path, certs.component_files(ca, server, "svc-tls", "ns"))
    names = {p.name for p in written}
    kustomization = yaml.safe_load((tmp_path / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Component"
    assert kustomization["patches"][0]["target"]["kind"] == "ClusterInterceptor"
    if with_server:
        assert names == {
            "ca-cert.pem",
            "ca-key.pem",
            "server-cert.pem",
            "server-key.pem",
            "tls-secret.yaml",
            "cabundle-patch.yaml",
            "kustomization.yaml",
        }
        assert kustomization["resources"] == ["tls-secret.yaml"]
        secret = yaml.safe_load((tmp_path / "tls-secret.yaml").read_text())
        assert secret["type"] == "kubernetes.io/tls"
        assert secret["metadata"] == {
            "name": "svc-tls",
            "namespace": "ns",
            "labels": {"app.kubernetes.io/name": "cicd-interceptor"},
        }
        assert base64.b64decode(secret["data"]["tls.key"]) == (tmp_path / "server-key.pem").read_bytes()
        for private in ("ca-key.pem", "server-key.pem", "tls-secret.yaml"):
            assert stat.S_IMODE((tmp_path / private).stat().st_mode) == 0o600
    else:
        # cert-manager owns the serving pair: only the CA certificate is published, no key material.
        assert names == {"ca-cert.pem", "cabundle-patch.yaml", "kustomization.yaml"}
        assert "resources" not in kustomization


def test_load_ca_refuses_a_non_ca_and_a_foreign_key(ca: certs.KeyPair) -> None:
    server = certs.issue_server_certificate(ca, "svc", "ns", NOW)
    with pytest.raises(InvalidInput, match="is not a CA"):
        certs.load_ca(server.cert_pem, server.key_pem)
    with pytest.raises(InvalidInput, match="does not belong"):
        certs.load_ca(ca.cert_pem, server.key_pem)
    assert certs.load_ca(ca.cert_pem, ca.key_pem) == ca


def test_cli_generate_reuses_the_ca_so_the_cabundle_survives_renewal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tls"
    argv = [
        "certs",
        "generate",
        "--service",
        "cicd-interceptor",
        "--namespace",
        "cicd-interceptor",
        "--out",
        str(out),
    ]
    assert cli_main(argv) == 0
    first_ca, first_server = (out / "ca-cert.pem").read_bytes(), (out / "server-cert.pem").read_bytes()
    assert "created CA" in capsys.readouterr().out
    assert cli_main(argv) == 0
    assert "reused CA" in capsys.readouterr().out
    assert (out / "ca-cert.pem").read_bytes() == first_ca
    assert (out / "server-cert.pem").read_bytes() != first_server
    ca = certs.load_ca(first_ca, (out / "ca-key.pem").read_bytes())
    server = certs.KeyPair((out / "server-cert.pem").read_bytes(), (out / "server-key.pem").read_bytes())
    certs.verify_server_certificate(ca, server, "cicd-interceptor.cicd-interceptor.svc")
    assert cli_main([*argv, "--new-ca"]) == 0
    assert (out / "ca-cert.pem").read_bytes() != first_ca


def test_cli_cabundle_publishes_a_given_ca(tmp_path: Path, ca: certs.KeyPair) -> None:
    (tmp_path / "ca.crt").write_bytes(ca.cert_pem)
    assert (
        cli_main(["certs", "cabundle", "--ca-cert", str(tmp_path / "ca.crt"), "--out", str(tmp_path / "tls")])
        == 0
    )
    patch = yaml.safe_load((tmp_path / "tls" / "cabundle-patch.yaml").read_text())
    assert base64.b64decode(patch[0]["value"]) == ca.cert_pem


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (
            ["certs", "generate", "--service", "UPPER", "--namespace", "ns", "--out", "{tmp}/x"],
            "--service: 'UPPER'",
        ),
        (
            ["certs", "cabundle", "--ca-cert", "{tmp}/missing.pem", "--out", "{tmp}/x"],
            "--ca-cert: cannot read",
        ),
        (
            ["certs", "cabundle", "--ca-cert", "{tmp}/junk.pem", "--out", "{tmp}/x"],
            "is not a PEM certificate",
        ),
    ],
)
def test_cli_errors_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], stderr: str
) -> None:
    (tmp_path / "junk.pem").write_text("junk")
    assert cli_main([a.replace("{tmp}", str(tmp_path)) for a in argv]) != 0
    err = capsys.readouterr().err
    assert stderr in err
    assert err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_ca_lifetime_is_honoured() -> None:
    ca = certs.generate_ca(NOW, days=30)
    assert ca.certificate.not_valid_after_utc == NOW + datetime.timedelta(days=30)
