"""poppler's ``pdfsig`` validates a B-LTA file: signature valid, signer certificate trusted.

pdfsig trusts only what an NSS certificate database trusts, so the test builds a throw-away one
holding the test PKI's root (Debian ``libnss3-tools``: ``certutil``). pdfsig checks the signer's
revocation status online (OCSP from the certificate's AIA), so the PKI's servers stay up.

What pdfsig (poppler 22.12, Debian 12) says about the document timestamp: it lists it as a second
signature of type "unknown" and "has not yet been verified" (it cannot validate ETSI.RFC3161
document timestamps); ``pyhanko sign validate`` and ``sohoa verify`` check that one.
"""


from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pki import RunningPki, require_tool, signed_b_lta


@pytest.fixture(scope="module")
def nss_db(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS database (no password) trusting the test root for signing: ``sql:DIR``."""
    certutil = require_tool("certutil", "libnss3-tools")
    base = tmp_path_factory.mktemp("nss")
    db = f"sql:{base}"
    subprocess.run([certutil, "-N", "--empty-password", "-d", db], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-n", "sohoa-test-root", "-t", "CT,C,C", "-i", str(pki.files.root_cert),
                    "-d", db], check=True, capture_output=True)
    return db


@pytest.fixture(scope="module")
def b_lta(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page signed B-LTA with the visible stamp by the test PKI's signer."""
    return signed_b_lta(pki, tmp_path_factory.mktemp("pdfsig"))


def _pdfsig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_tool("pdfsig", "poppler-utils"), *args], capture_output=True, text=True,
                          check=False)


def _blocks(stdout: str) -> list[str]:
    """pdfsig's report, one text block per signature."""
    return stdout.split("Signature #")[1:]


def test_pdfsig_trusts_the_b_lta_signature_through_nss(b_lta: Path, nss_db: str) -> None:
    out = _pdfsig("-nssdir", nss_db, str(b_lta))
    assert out.returncode == 0, out.stderr[-500:]
    signature, timestamp = _blocks(out.stdout)
    assert "Signature Type: ETSI.CAdES.detached" in signature
    assert "Signature Validation: Signature is Valid." in signature
    assert "Certificate Validation: Certificate is Trusted." in signature
    # The DSS and the document timestamp follow it, so it does not cover the whole file.
    assert "Not total document signed" in signature
    assert "sohoa test TSA" in timestamp and "Total document signed" in timestamp
    assert "Signature is Valid" not in timestamp and "Signature is Invalid" not in timestamp
    assert "Signature has not yet been verified." in timestamp


def test_without_the_nss_root_the_signer_is_not_trusted(b_lta: Path, tmp_path: Path) -> None:
    certutil = require_tool("certutil", "libnss3-tools")
    empty = f"sql:{tmp_path}"
    subprocess.run([certutil, "-N", "--empty-password", "-d", empty], check=True, capture_output=True)
    signature = _blocks(_pdfsig("-nssdir", empty, str(b_lta)).stdout)[0]
    assert "Signature Validation: Signature is Valid." in signature
    assert "Certificate is Trusted" not in signature
