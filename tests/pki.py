"""A throw-away test PKI served on 127.0.0.1: root, intermediate CA, OCSP responder, CRLs and a TSA.

certomancer's Animator (the tool pyHanko's own tests use) serves the OCSP responder, the CRL
repositories and the RFC 3161 TSA over HTTP, so signing at B-LT/B-LTA fetches real revocation
information and the verifier can check it offline later. Keys are generated per test session.

    root ─┬─ interm ─┬─ signer          (valid 2020-2050; OCSP + CRL of interm)
          │          ├─ signer-expired  (valid 2020-2021)
          │          ├─ signer-short    (valid until 2 days after the PKI starts)
          │          └─ interm-ocsp     (OCSP responder, ocsp-no-check)
          └─ tsa                        (time stamping, valid until 2055; CRL of root, next update 90 days)

``signer-short`` signs files that are then validated as an archive would years later: its
certificate expires long before the TSA's, as an agency's does.

This module is a pytest plugin (``pytest_plugins`` in ``conftest.py``): its fixtures ``pki`` and
``pdfa`` reach every test by name; its helpers and constants are imported as usual.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

AGENCY = "Ủy ban nhân dân phường Bến Nghé"
SHORT_LIFE = timedelta(days=2)
"""Lifetime of the ``signer-short`` certificate from the moment the PKI starts."""
_KEYS = ("root", "interm", "interm-ocsp", "tsa", "signer")
PASSPHRASE = b"test-pki-passphrase"


@dataclass(frozen=True)
class TestPki:
    """Files and URLs of a running test PKI."""

    __test__ = False  # not a pytest test class

    root_cert: Path
    """PEM of the single trust anchor (signers and TSA chain up to it)."""
    tsa_url: str
    signer_p12: Path
    """PKCS#12 (passphrase :data:`PASSPHRASE`) of the valid signer, with its chain."""
    expired_p12: Path
    """PKCS#12 of a signer whose certificate expired in 2021."""
    short_p12: Path
    """PKCS#12 of a signer whose certificate expires :data:`SHORT_LIFE` after the PKI started."""
    short_not_after: datetime
    """When that certificate expires."""
    signer_key_der: Path
    """The valid signer's private key (PKCS#8 DER), for importing into a token."""
    signer_cert_der: Path
    interm_cert_der: Path


class RunningPki:
    """A test PKI whose HTTP services can be stopped (to test 'TSA down') and restarted."""

    def __init__(self, base: Path) -> None:
        from certomancer.registry import CertomancerConfig
        from werkzeug.serving import make_server

        for label in _KEYS:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            (base / f"{label}.key.pem").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
        self._server = make_server("127.0.0.1", 0, lambda env, start: self._app(env, start))
        self.prefix = f"http://127.0.0.1:{self._server.server_port}"
        self.short_not_after = (datetime.now(UTC) + SHORT_LIFE).replace(microsecond=0)
        self.config = CertomancerConfig.from_yaml(
            _CONFIG.format(prefix=self.prefix, keydir=base, short_to=self.short_not_after.isoformat()),
            key_search_dir=str(base))
        self.arch = self.config.get_pki_arch("testpki")
        self.files = self._write_files(base)
        self._app = self._animator()
        self._thread: threading.Thread | None = None
        self.start()

    def _animator(self, at_time: datetime | None = None):
        from certomancer.integrations.animator import AnimatorArchStore

        return _animator_class()(AnimatorArchStore(self.config.pki_archs), at_time=at_time, with_web_ui=False,
                                 allow_time_override=False)

    def start(self, *, at_time: datetime | None = None) -> None:
        """Serve OCSP, CRLs and the TSA (idempotent); with ``at_time``, as if it were that time.

        The clock only changes what the services put in their answers (OCSP and CRL times, the
        TSA's genTime): it lets a test do at a later date what an archive would do then.
        """
        self._app = self._animator(at_time)
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Answer every request with HTTP 503, as a server that is down behind a proxy would."""
        def down(env, start):
            start("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        self._app = down

    def shutdown(self) -> None:
        """Stop the HTTP server thread."""
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _cert(self, label: str):
        from certomancer.registry import CertLabel

        return self.arch.get_cert(CertLabel(label))

    def _write_files(self, base: Path) -> TestPki:
        from cryptography import x509

        root = base / "test-root.pem"
        root.write_bytes(pem.armor("CERTIFICATE", self._cert("root").dump()))
        chain = [x509.load_der_x509_certificate(self._cert(lbl).dump()) for lbl in ("interm", "root")]
        key = serialization.load_pem_private_key((base / "signer.key.pem").read_bytes(), None)
        for label, name in (("signer", "signer.p12"), ("signer-expired", "expired.p12"),
                            ("signer-short", "short.p12")):
            cert = x509.load_der_x509_certificate(self._cert(label).dump())
            (base / name).write_bytes(pkcs12.serialize_key_and_certificates(
                name=b"signer", key=key, cert=cert, cas=chain,  # type: ignore[arg-type]
                encryption_algorithm=serialization.BestAvailableEncryption(PASSPHRASE)))
        (base / "signer.key.der").write_bytes(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        (base / "signer.cert.der").write_bytes(self._cert("signer").dump())
        (base / "interm.cert.der").write_bytes(self._cert("interm").dump())
        return TestPki(root_cert=root, tsa_url=f"{self.prefix}/testpki/tsa/tsa",
                       signer_p12=base / "signer.p12", expired_p12=base / "expired.p12",
                       short_p12=base / "short.p12", short_not_after=self.short_not_after,
                       signer_key_der=base / "signer.key.der", signer_cert_der=base / "signer.cert.der",
                       interm_cert_der=base / "interm.cert.der")


def _animator_class():
    """certomancer's Animator, with OCSP times in whole seconds as RFC 6960 (4.2.2.1) requires.

    certomancer stamps producedAt/thisUpdate/nextUpdate with microseconds; NSS (hence poppler's
    ``pdfsig``) rejects such a response as malformed (SEC_ERROR_OCSP_MALFORMED_RESPONSE), and real
    responders never send one. Timestamps keep their fractions: RFC 3161 allows them in genTime.
    """
    from certomancer.integrations.animator import Animator

    class WholeSecondOcspAnimator(Animator):
        def serve_ocsp_response(self, request, *, label: str, arch: str):
            from asn1crypto import ocsp
            from certomancer.registry import ArchLabel, ServiceLabel
            from werkzeug.wrappers import Response

            at_time = self.at_time(request).replace(microsecond=0)
            responder = self.architectures[ArchLabel(arch)].service_registry.summon_responder(
                ServiceLabel(label), at_time)
            response = responder.build_ocsp_response(ocsp.OCSPRequest.load(request.stream.read()))
            return Response(response.dump(), mimetype="application/ocsp-response")

    return WholeSecondOcspAnimator


_CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  testkeys:
    path-prefix: "{keydir}"
    keys:
      root: {{path: root.key.pem}}
      interm: {{path: interm.key.pem}}
      interm-ocsp: {{path: interm-ocsp.key.pem}}
      tsa: {{path: tsa.key.pem}}
      signer: {{path: signer.key.pem}}
pki-architectures:
  testpki:
    keyset: testkeys
    entity-defaults:
      country-name: VN
      organization-name: sohoa test PKI
    entities:
      root: {{common-name: sohoa test root CA}}
      interm: {{common-name: sohoa test issuing CA}}
      interm-ocsp: {{common-name: sohoa test OCSP responder}}
      tsa: {{common-name: sohoa test TSA}}
      signer:
        organization-name: "{agency}"
        common-name: "{agency} (TEST)"
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      interm:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2055-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true, path-len-constraint: 0}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      interm-ocsp:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2055-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [ocsp_signing]
          - id: ocsp_no_check
      tsa:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2055-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      signer:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [interm]}}}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [interm]}}}}
      signer-expired:
        template: signer
        subject: signer
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2021-01-01T00:00:00+0000"}}
      signer-short:
        template: signer
        subject: signer
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "{short_to}"}}
    services:
      ocsp:
        interm:
          for-issuer: interm
          responder-cert: interm-ocsp
          signing-key: interm-ocsp
      crl-repo:
        root:
          for-issuer: root
          signing-key: root
          simulated-update-schedule: "P90D"
        interm:
          for-issuer: interm
          signing-key: interm
          simulated-update-schedule: "P30D"
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
""".replace("{agency}", AGENCY)


# --- pytest fixtures: this module is a pytest plugin (conftest.py's ``pytest_plugins``), so every
# test module gets ``pki`` and ``pdfa`` by naming them as parameters ---------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):
    """The test PKI with its OCSP, CRL and TSA services running on 127.0.0.1."""
    running = RunningPki(tmp_path_factory.mktemp("pki"))
    try:
        yield running
    finally:
        running.shutdown()


@pytest.fixture(scope="module")
def pdfa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real one-page PDF/A-2b from the OCR stage (image + Vietnamese text layer), made once."""
    from datetime import datetime

    from conftest import render_text_page

    from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
    from ocr.preprocess import preprocess_page
    from ocr.recognize import recognize
    from sohoa.clock import VN_TZ

    base = tmp_path_factory.mktemp("pdfa")
    src = base / "p.jpg"
    render_text_page().save(src, quality=85, dpi=(200, 200))
    geo = preprocess_page(src, base / "ocr.png", source_page=1, dpi=200, mode="RGB")
    recognize(base / "ocr.png", text_pdf_dest=base / "layer.pdf")
    return build_pdfa([PdfPage(src, geo, base / "layer.pdf")], base / "pdfa.pdf",
                      metadata=PdfMetadata(title="Hồ sơ mẫu", subject="test", creator_tool="sohoa tests",
                                           created=datetime(2026, 1, 2, tzinfo=VN_TZ)))


def require_tool(tool: str, package: str) -> str:
    """Path of an external program; fail (not skip) when it is missing."""
    import shutil

    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is not installed: apt-get install -y {package}")
    return found


def signed_b_lta(running: RunningPki, base: Path) -> Path:
    """A plain page signed B-LTA with the visible stamp by the test PKI's signer, in ``base``."""
    import pikepdf
    from PIL import Image

    from signing import StampText, load_pkcs12_signer, sign_pdf

    Image.new("RGB", (827, 1169), (250, 248, 240)).save(base / "raw.pdf", resolution=100.0)
    with pikepdf.open(base / "raw.pdf") as pdf:
        pdf.save(base / "in.pdf")
    signer = load_pkcs12_signer(running.files.signer_p12, passphrase=PASSPHRASE)
    sign_pdf(base / "in.pdf", base / "signed.pdf", signer=signer, stamp=StampText("SAO Y", AGENCY),
             level="B-LTA", tsa_url=running.files.tsa_url, trust_roots=[running.files.root_cert])
    return base / "signed.pdf"


# --- SoftHSM2 tokens ---------------------------------------------------------------------------

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
_SOFTHSM_CONF: list[Path] = []


def softhsm_token(tmp_root: Path, label: str, objects: list[tuple[Path, str, str, str]], *,
                  pin: str = "1234") -> None:
    """Create a SoftHSM2 token holding ``objects`` (DER file, pkcs11-tool type, label, id).

    Every token of a test session lives in one token directory, named by ``$SOFTHSM2_CONF`` set
    once for the whole session. SoftHSM reads its configuration and tokens when the library is
    initialised, so a library this process already loaded is initialised again (sessions still
    open in this process end: create tokens before opening them).

    Raises:
        pytest.fail: softhsm2-util, pkcs11-tool or the SoftHSM library is missing.
    """
    import os
    import shutil
    import subprocess

    tools = {tool: shutil.which(tool) for tool in ("softhsm2-util", "pkcs11-tool")}
    for tool, package in (("softhsm2-util", "softhsm2"), ("pkcs11-tool", "opensc")):
        if tools[tool] is None:
            pytest.fail(f"{tool} is not installed: apt-get install -y {package}")
    if not SOFTHSM_MODULE.is_file():
        pytest.fail(f"{SOFTHSM_MODULE} is missing: apt-get install -y softhsm2")
    if not _SOFTHSM_CONF:
        (tmp_root / "tokens").mkdir(parents=True)
        conf = tmp_root / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {tmp_root / 'tokens'}\nobjectstore.backend = file\n")
        _SOFTHSM_CONF.append(conf)
    os.environ["SOFTHSM2_CONF"] = str(_SOFTHSM_CONF[0])
    subprocess.run([tools["softhsm2-util"], "--init-token", "--free", "--label", label, "--pin", pin,
                    "--so-pin", "5678"], check=True, capture_output=True)
    for path, kind, obj_label, obj_id in objects:
        subprocess.run([tools["pkcs11-tool"], "--module", str(SOFTHSM_MODULE), "--token-label", label, "--login",
                        "--pin", pin, "--write-object", str(path), "--type", kind, "--label", obj_label,
                        "--id", obj_id], check=True, capture_output=True)
    import pkcs11

    loaded = getattr(pkcs11, "_loaded", {}).get(str(SOFTHSM_MODULE))
    if loaded is not None and loaded.initialized:
        loaded.reinitialize()
