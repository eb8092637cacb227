"""A replaced cert/key pair is served on the next connection, without a restart."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import os
import ssl
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from interceptor.errors import ConfigError
from interceptor.settings import TlsSettings
from interceptor.web.tls import ReloadingTls


def write_self_signed(directory: Path, name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    (directory / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "tls.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return der


async def served_certificate(port: int) -> bytes:
    client = ssl.create_default_context()
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    _reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client, server_hostname="cicd-interceptor"
    )
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    await writer.wait_closed()
    return bytes(der)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_rotated_certificate_is_served_without_restart(tmp_path: Path) -> None:
    first = write_self_signed(tmp_path, "cicd-interceptor.ci.svc")
    clock = FakeMonotonic()
    tls = ReloadingTls(
        TlsSettings(cert=str(tmp_path / "tls.crt"), key=str(tmp_path / "tls.key")), clock=clock
    )
    runner, port = await serve(tls)
    try:
        assert await served_certificate(port) == first
        second = write_self_signed(tmp_path, "cicd-interceptor.ci.svc")
        stamp = os.stat(tmp_path / "tls.crt").st_mtime + 5
        os.utime(tmp_path / "tls.crt", (stamp, stamp))  # mtime granularity: make the change visible
        clock.now += 2
        assert await served_certificate(port) == second
        assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()
    finally:
        await runner.cleanup()


async def ok(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def serve(tls: ReloadingTls) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_get("/live", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls.context)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def test_half_written_pair_keeps_serving_the_old_certificate(tmp_path: Path) -> None:
    first = write_self_signed(tmp_path, "a")
    clock = FakeMonotonic()
    tls = ReloadingTls(
        TlsSettings(cert=str(tmp_path / "tls.crt"), key=str(tmp_path / "tls.key")), clock=clock
    )
    runner, port = await serve(tls)
    try:
        write_self_signed(tmp_path, "b")
        (tmp_path / "tls.key").write_text("-----BEGIN PRIVATE KEY-----\ntruncated")
        clock.now += 2
        assert await served_certificate(port) == first
    finally:
        await runner.cleanup()


def test_unreadable_pair_fails_at_startup_naming_the_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"server\.tls: cannot load certificate .*absent\.crt"):
        ReloadingTls(TlsSettings(cert=str(tmp_path / "absent.crt"), key=str(tmp_path / "absent.key")))
