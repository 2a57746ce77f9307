"""``sohoa retimestamp``: a TSA certificate that expires during the test, renewed in time.

A throw-away PKI (certomancer, served on 127.0.0.1) has two timestamp authorities: ``tsa-short``,
whose certificate expires ten days after the test starts, and ``tsa-long``. A page is signed B-LTA
by a signer whose certificate expires in two days, its timestamps made by ``tsa-short``, and
archived. ``sohoa retimestamp`` with the site's TSA set to ``tsa-long`` then renews it as a new
package version. Eleven days on, with every PKI server down (only what the files hold counts),
``sohoa verify --at`` passes the renewed file and fails the old one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertLabel, CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from werkzeug.serving import make_server

from archive import Catalog, DossierMetadata, build_package, package_versions, read_record
from pipeline import paths
from pipeline.cli import main
from signing import StampText, archive_timestamp_freshness, load_pkcs12_signer, sign_pdf
from sohoa.errors import ExitCode

AGENCY = "Ủy ban nhân dân phường Bến Nghé"
CODE = "H49-2025-0900"
PASSPHRASE = b"retimestamp-test"
TSA_LIFE = timedelta(days=10)
SIGNER_LIFE = timedelta(days=2)


class Pki:
    """Root, two TSAs and a short-lived signer, with the root's CRL (next update in 90 days)."""

    def __init__(self, base: Path) -> None:
        for label in ("root", "tsa", "signer"):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            (base / f"{label}.key.pem").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        self.server = make_server("127.0.0.1", 0, lambda env, start: self.app(env, start))
        prefix = f"http://127.0.0.1:{self.server.server_port}"
        start = datetime.now(UTC).replace(microsecond=0)
        self.tsa_expires, signer_expires = start + TSA_LIFE, start + SIGNER_LIFE
        config = CertomancerConfig.from_yaml(_CONFIG.format(
            prefix=prefix, keydir=base, tsa_to=self.tsa_expires.isoformat(), signer_to=signer_expires.isoformat()),
            key_search_dir=str(base))
        self.arch = config.get_pki_arch("rt")
        self.up = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        self.app = self.up
        self.root = base / "root.pem"
        self.root.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(
            self.arch.get_cert(CertLabel("root")).dump()) + b"-----END CERTIFICATE-----\n")
        self.signer_p12 = base / "signer.p12"
        key = serialization.load_pem_private_key((base / "signer.key.pem").read_bytes(), None)
        self.signer_p12.write_bytes(pkcs12.serialize_key_and_certificates(
            name=b"signer", key=key,  # type: ignore[arg-type]
            cert=x509.load_der_x509_certificate(self.arch.get_cert(CertLabel("signer")).dump()),
            cas=[x509.load_der_x509_certificate(self.arch.get_cert(CertLabel("root")).dump())],
            encryption_algorithm=serialization.BestAvailableEncryption(PASSPHRASE)))
        self.tsa_short, self.tsa_long = f"{prefix}/rt/tsa/tsa-short", f"{prefix}/rt/tsa/tsa-long"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        def unavailable(env, start):
            start("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        self.app = unavailable


_CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  keys:
    path-prefix: "{keydir}"
    keys:
      root: {{path: root.key.pem}}
      tsa: {{path: tsa.key.pem}}
      signer: {{path: signer.key.pem}}
pki-architectures:
  rt:
    keyset: keys
    entity-defaults: {{country-name: VN, organization-name: sohoa retimestamp test}}
    entities:
      root: {{common-name: retimestamp test root}}
      tsa-short: {{common-name: TSA whose certificate expires soon}}
      tsa-long: {{common-name: TSA valid for decades}}
      signer: {{common-name: "Ủy ban nhân dân phường Bến Nghé (TEST)"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2060-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      tsa-short:
        subject: tsa-short
        subject-key: tsa
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "{tsa_to}"}}
        extensions: &tsa
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      tsa-long:
        subject: tsa-long
        subject-key: tsa
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2055-01-01T00:00:00+0000"}}
        extensions: *tsa
      signer:
        subject: signer
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "{signer_to}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
    services:
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
      time-stamping:
        tsa-short: {{signing-key: tsa, signing-cert: tsa-short}}
        tsa-long: {{signing-key: tsa, signing-cert: tsa-long}}
"""


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):
    running = Pki(tmp_path_factory.mktemp("rt-pki"))
    try:
        yield running
    finally:
        running.server.shutdown()
        running.thread.join(timeout=5)


@pytest.fixture
def archived(pki: Pki, tmp_path: Path) -> dict:
    """A page signed B-LTA with tsa-short, archived as a package with its record and catalog row."""
    Image.new("RGB", (827, 1169), (250, 248, 240)).save(tmp_path / "raw.pdf", resolution=100.0)
    with pikepdf.open(tmp_path / "raw.pdf") as pdf:
        pdf.save(tmp_path / "in.pdf")
    signer = load_pkcs12_signer(pki.signer_p12, passphrase=PASSPHRASE)
    sign_pdf(tmp_path / "in.pdf", tmp_path / f"{CODE}.pdf", signer=signer, stamp=StampText("SAO Y", AGENCY),
             level="B-LTA", tsa_url=pki.tsa_short, trust_roots=[pki.root])
    record = {"dossier_id": "hs-rt0001", "code": CODE, "source": "scan.pdf", "form_type": "unknown", "pages": [],
              "fields": {}}
    (tmp_path / "record.json").write_text(json.dumps(record), encoding="utf-8")
    archive = tmp_path / "archive"
    meta = DossierMetadata(dossier_code=CODE, title="Tài liệu", form_type="unknown", number_of_pages=1,
                           number_of_paper=1, start_date=datetime.now().date(), end_date=datetime.now().date())
    package = build_package(archive_root=archive, meta=meta, documents=[tmp_path / f"{CODE}.pdf"],
                            extra_files={"record.json": tmp_path / "record.json"}, events=[])
    pdf = next((package / "representations/rep1/data").glob("*.pdf"))
    final = {**record, "pdf": str(pdf.relative_to(archive)), "package": str(package.relative_to(archive))}
    paths.record_file(archive, "hs-rt0001").parent.mkdir(parents=True)
    paths.record_file(archive, "hs-rt0001").write_text(json.dumps(final), encoding="utf-8")
    with Catalog.for_archive(archive) as catalog:
        catalog.upsert_dossier(final)
    config = tmp_path / "site.yaml"
    config.write_text(f"signing:\n  tsa-url: {pki.tsa_long}\n  trust-roots: [{pki.root}]\n", encoding="utf-8")
    return {"archive": archive, "package": package, "pdf": pdf, "config": config}


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def test_renewed_in_time_the_file_verifies_after_the_tsa_expired(pki: Pki, archived: dict) -> None:
    archive, v1, old_pdf = archived["archive"], archived["package"], archived["pdf"]
    freshness = archive_timestamp_freshness(old_pdf, trust_roots=[pki.root])
    assert freshness.reason == "tsa_certificate" and freshness.stale_at == pki.tsa_expires
    cli = ["retimestamp", "--archive", str(archive), "--config", str(archived["config"])]
    before = _tree(v1)
    assert main([*cli, "--within", "5"]) == ExitCode.OK  # stale in 10 days: not yet
    assert package_versions(archive, agency_code="DEMO", dossier_code=CODE) == [v1]
    assert main([*cli, "--within", "30", "--dry-run"]) == ExitCode.OK
    assert package_versions(archive, agency_code="DEMO", dossier_code=CODE) == [v1]
    assert main([*cli, "--within", "30"]) == ExitCode.OK
    versions = package_versions(archive, agency_code="DEMO", dossier_code=CODE)
    assert len(versions) == 2 and _tree(v1) == before  # a new version; the old one untouched
    new_pdf = next((versions[1] / "representations/rep1/data").glob("*.pdf"))
    assert new_pdf.read_bytes().startswith(old_pdf.read_bytes())  # an incremental update of the same file
    assert archive_timestamp_freshness(new_pdf, trust_roots=[pki.root]).stale_at > pki.tsa_expires + timedelta(days=30)
    record = json.loads(paths.record_file(archive, "hs-rt0001").read_text(encoding="utf-8"))
    assert record["package"] == str(versions[1].relative_to(archive)) and read_record(versions[1])["code"] == CODE
    with Catalog.for_archive(archive) as catalog:
        assert [(r["version"], r["status"]) for r in catalog.packages("hs-rt0001")] == [(1, "superseded"),
                                                                                       (2, "current")]
    assert main([*cli, "--within", "30"]) == ExitCode.OK  # fresh again: nothing more to do
    assert len(package_versions(archive, agency_code="DEMO", dossier_code=CODE)) == 2
    pki.down()  # from now on only what the files hold counts
    later = (pki.tsa_expires + timedelta(days=1)).isoformat()
    verify = ["verify", "--config", str(archived["config"]), "--at", later]
    assert main([*verify, str(new_pdf)]) == ExitCode.OK
    assert main([*verify, str(old_pdf)]) == ExitCode.VERIFY_FAILED
