"""Real pyHanko signing and validation with the demo chain, a local RFC 3161 TSA and a SoftHSM token.

No mocks: the TSA is certomancer's Animator served over HTTP on 127.0.0.1 (as pyHanko's own tests
do), the PKCS#11 token is a throw-away SoftHSM2 token. A missing external tool fails the test with
the package to install; nothing is skipped silently.
"""


from __future__ import annotations

import base64
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import page as pdfa_validator
import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from pki import PASSPHRASE, SOFTHSM_MODULE, RunningPki, require_tool
from pki import softhsm_token as make_softhsm_token

from signing import (
    LIBERATION_SERIF,
    DemoChain,
    StampText,
    cached_signer,
    close_signers,
    ensure_demo_chain,
    load_pkcs11_signer,
    load_pkcs12_signer,
    read_secret,
    sign_pdf,
    verify_pdf,
)
from sohoa.errors import ConfigError, SigningError

AGENCY = "Ủy ban nhân dân phường Bến Nghé"
_MM = 72 / 25.4



@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> DemoChain:
    """A demo chain shared by the module's tests."""
    return ensure_demo_chain(tmp_path_factory.mktemp("keys") / "demo", agency_name=AGENCY)


@pytest.fixture(scope="module")
def signer(chain: DemoChain):
    """The demo PKCS#12 signer."""
    return load_pkcs12_signer(chain.signer_p12, passphrase=read_secret(file=chain.passphrase_file))


@pytest.fixture
def input_pdf(tmp_path: Path) -> Path:
    """A one-page A4 'scan' at 200 dpi, written by pikepdf with PDF/A-2b identification in its XMP."""
    raw = tmp_path / "raw.pdf"
    Image.new("RGB", (1654, 2339), (250, 248, 240)).save(raw, resolution=200.0)
    out = tmp_path / "input.pdf"
    with pikepdf.open(raw) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = "Hồ sơ mẫu"
        pdf.save(out)
    return out


@pytest.fixture
def signed(tmp_path: Path, input_pdf: Path, signer) -> tuple[Path, object]:
    """``input_pdf`` signed B-B with the e-copy stamp."""
    dst = tmp_path / "signed.pdf"
    result = sign_pdf(input_pdf, dst, signer=signer, stamp=StampText("SAO Y", AGENCY))
    return dst, result


# --- keys -------------------------------------------------------------------------------------


def test_demo_chain_created_once_and_reused(tmp_path: Path) -> None:
    first = ensure_demo_chain(tmp_path / "demo", agency_name=AGENCY)
    root_bytes = first.root_cert.read_bytes()
    p12_bytes = first.signer_p12.read_bytes()
    second = ensure_demo_chain(tmp_path / "demo", agency_name=AGENCY)
    assert second == first
    assert second.root_cert.read_bytes() == root_bytes
    assert second.signer_p12.read_bytes() == p12_bytes


def test_demo_chain_files_and_permissions(chain: DemoChain) -> None:
    directory = chain.root_cert.parent
    assert directory.stat().st_mode & 0o777 == 0o700
    assert chain.signer_p12.stat().st_mode & 0o777 == 0o600
    assert chain.passphrase_file.stat().st_mode & 0o777 == 0o600
    assert "NOT FOR PRODUCTION" in (directory / "README.txt").read_text(encoding="utf-8")
    root = x509.load_pem_x509_certificate(chain.root_cert.read_bytes())
    assert "NOT FOR PRODUCTION" in root.subject.rfc4514_string()
    assert root.not_valid_after_utc - root.not_valid_before_utc >= timedelta(days=3650)


def test_demo_signer_subject_and_key_usage(signer) -> None:
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    names = {a.oid._name: a.value for a in cert.subject}
    assert names["commonName"] == f"{AGENCY} (DEMO)"
    assert names["organizationName"] == f"{AGENCY} (DEMO)"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment


def test_read_secret_refuses_group_readable_file(tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_bytes(b"s3cret\n")
    secret.chmod(0o640)
    with pytest.raises(ConfigError) as err:
        read_secret(file=secret)
    assert "s3cret" not in str(err.value)
    secret.chmod(0o600)
    assert read_secret(file=secret) == b"s3cret"


def test_read_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_TEST_PIN", "1234")
    assert read_secret(env="SOHOA_TEST_PIN") == b"1234"
    assert read_secret(env="SOHOA_TEST_UNSET_VARIABLE") is None


def test_wrong_p12_passphrase_is_a_signing_error(chain: DemoChain) -> None:
    with pytest.raises(SigningError) as err:
        load_pkcs12_signer(chain.signer_p12, passphrase=b"not the passphrase")
    assert "passphrase" in str(err.value)


# --- signing ----------------------------------------------------------------------------------


def test_signed_file_verifies_against_demo_root(signed, chain: DemoChain) -> None:
    dst, result = signed
    reports = verify_pdf(dst, trust_roots=[chain.root_cert])
    assert len(reports) == 1
    report = reports[0]
    assert (report.intact, report.valid, report.trusted) == (True, True, True)
    assert report.covers_whole_file
    assert report.level == result.level == "B-B"
    assert report.signing_time == result.signing_time
    assert report.timestamp_time is None
    assert AGENCY in (report.signer or "")
    assert result.signing_time.utcoffset().total_seconds() == 7 * 3600


def test_signed_file_is_untrusted_without_the_root(signed) -> None:
    report = verify_pdf(signed[0], trust_roots=[])[0]
    assert report.intact and report.valid
    assert not report.trusted


def test_unsigned_file_has_no_reports(input_pdf: Path, chain: DemoChain) -> None:
    assert verify_pdf(input_pdf, trust_roots=[chain.root_cert]) == []


def test_pdfsig_sees_one_pades_signature(signed) -> None:
    pdfsig = require_tool("pdfsig", "poppler-utils")
    out = subprocess.run([pdfsig, str(signed[0])], capture_output=True, text=True, check=False).stdout
    assert out.count("Signature #") == 1
    assert "ETSI.CAdES.detached" in out
    assert "Signature is Valid" in out
    assert "Total document signed" in out


def test_signing_is_an_incremental_update(signed, input_pdf: Path) -> None:
    original = input_pdf.read_bytes()
    assert signed[0].read_bytes().startswith(original)


def test_stamp_text_and_time(signed) -> None:
    pdftotext = require_tool("pdftotext", "poppler-utils")
    dst, result = signed
    text = subprocess.run([pdftotext, "-f", "1", "-l", "1", str(dst), "-"],
                          capture_output=True, text=True, check=True).stdout
    iso = result.signing_time.isoformat(timespec="seconds")
    assert iso.endswith("+07:00")
    assert [line.strip() for line in text.splitlines() if line.strip()][:3] == ["SAO Y", AGENCY, iso]


def test_stamp_is_top_right_with_embedded_font(signed) -> None:
    with pikepdf.open(signed[0]) as pdf:
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        field = pdf.Root.AcroForm.Fields[0]
        x1, y1, x2, y2 = (float(v) for v in field.Rect)
        fonts = list(_fonts(field.AP.N))
        assert fonts, "the stamp appearance has no font"
        for font in fonts:
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in descriptor
            assert "LiberationSerif" in str(font.BaseFont)
        assert int(field.F) & 4, "the stamp must be printable"
    assert abs((width - x2) - 15 * _MM) < 2 and abs((height - y2) - 15 * _MM) < 2
    assert 100 < x2 - x1 < 250 and 35 < y2 - y1 < 50


def test_stamp_font_is_prepared_once_and_embedded_whole_for_the_stamp(input_pdf: Path, signer,
                                                                      tmp_path: Path) -> None:
    from io import BytesIO

    from fontTools.ttLib import TTFont

    from signing.stamp import _stamp_font, prepare_stamp_font

    stamp = StampText("TRÍCH SAO", AGENCY)
    prepare_stamp_font(stamp)
    before = _stamp_font.cache_info()
    result = sign_pdf(input_pdf, tmp_path / "signed.pdf", signer=signer, stamp=stamp)
    after = _stamp_font.cache_info()
    assert after.misses == before.misses and after.hits > before.hits  # not prepared again
    lines = ["TRÍCH SAO", AGENCY, result.signing_time.isoformat(timespec="seconds")]
    with pikepdf.open(tmp_path / "signed.pdf") as pdf:
        cid_font = next(_fonts(pdf.Root.AcroForm.Fields[0].AP.N)).DescendantFonts[0]
        program = TTFont(BytesIO(cid_font.FontDescriptor.FontFile2.read_bytes()))
        widths = list(cid_font.W)
    cmap = program.getBestCmap()
    assert all(ord(c) in cmap for line in lines for c in line), "a glyph of the stamp is missing"
    assert program["maxp"].numGlyphs < 100 and program["head"].unitsPerEm == 1000
    advances = program["hmtx"].metrics
    order = program.getGlyphOrder()
    checked = 0
    for first, run in zip(widths[::2], widths[1::2], strict=True):  # /W: cid [w w ...] with CID = GID
        for offset, width in enumerate(run):
            assert int(width) == advances[order[int(first) + offset]][0]
            checked += 1
    assert checked >= len(set("".join(lines)) - {" "})


def test_signing_keeps_pdfa_identification(signed) -> None:
    with pikepdf.open(signed[0]) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2"
        assert meta.get("pdfaid:conformance") == "B"
        assert meta.get("dc:title") == "Hồ sơ mẫu"


def test_tampered_byte_is_not_intact(signed, input_pdf: Path, chain: DemoChain, tmp_path: Path) -> None:
    data = bytearray(signed[0].read_bytes())
    stream_at = data.index(b"stream", data.index(b"/DCTDecode"))
    data[stream_at + 200] ^= 0xFF
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    reports = verify_pdf(tampered, trust_roots=[chain.root_cert])
    assert len(reports) == 1
    assert not reports[0].intact and not reports[0].valid


def test_vietnamese_stamp_needs_a_font_with_vietnamese_glyphs(input_pdf: Path, signer, tmp_path: Path) -> None:
    old = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
    if not old.is_file():
        pytest.fail("fonts-liberation (1.x) is expected for this check: apt-get install -y fonts-liberation")
    dst = tmp_path / "signed.pdf"
    with pytest.raises(ConfigError):
        sign_pdf(input_pdf, dst, signer=signer, stamp=StampText("SAO Y", AGENCY), font_path=old)
    assert not dst.exists()
    assert LIBERATION_SERIF.is_file()


def test_unreachable_tsa_fails_without_output(input_pdf: Path, signer, tmp_path: Path) -> None:
    dst = tmp_path / "signed.pdf"
    with pytest.raises(SigningError) as err:
        sign_pdf(input_pdf, dst, signer=signer, stamp=StampText("SAO Y", AGENCY),
                 tsa_url="http://127.0.0.1:9/tsa")
    assert "timestamp" in str(err.value)
    assert not dst.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".signed.pdf")]


def test_b_t_with_local_tsa(input_pdf: Path, signer, chain: DemoChain, tmp_path: Path, tsa) -> None:
    url, tsa_root = tsa
    dst = tmp_path / "signed-bt.pdf"
    result = sign_pdf(input_pdf, dst, signer=signer, stamp=StampText("SAO LỤC", AGENCY), tsa_url=url)
    assert result.level == "B-T"
    report = verify_pdf(dst, trust_roots=[chain.root_cert, tsa_root])[0]
    assert report.intact and report.valid and report.trusted
    assert report.level == "B-T"
    assert report.timestamp_time is not None
    assert abs((report.timestamp_time - result.signing_time).total_seconds()) < 120


# --- PAdES B-LT / B-LTA against the test PKI (OCSP, CRL, TSA on 127.0.0.1) ----------------------


@pytest.fixture(scope="module")
def pki_signer(pki: RunningPki):
    """The test PKI's signer, from its PKCS#12 file."""
    return load_pkcs12_signer(pki.files.signer_p12, passphrase=PASSPHRASE)


@pytest.fixture(scope="module")
def b_lta(pki: RunningPki, pki_signer, pdfa: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real PDF/A signed B-LTA with the stamp; made once for the checks below."""
    dst = tmp_path_factory.mktemp("blta") / "signed.pdf"
    result = sign_pdf(pdfa, dst, signer=pki_signer, stamp=StampText("SAO Y", AGENCY), level="B-LTA",
                      tsa_url=pki.files.tsa_url, trust_roots=[pki.files.root_cert])
    return dst, result


def test_b_lta_validates_with_pyhanko_cli(b_lta, pki: RunningPki) -> None:
    pyhanko = str(Path(sys.executable).parent / "pyhanko")
    out = subprocess.run([pyhanko, "sign", "validate", "--trust", str(pki.files.root_cert), "--trust-replace",
                          str(b_lta[0])], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-500:]
    assert "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>" in out.stdout
    assert "EXTENDED_WITH_LTA_UPDATES" in out.stdout and "ACCEPTABLE_MODIFICATIONS" in out.stdout
    assert b_lta[1].level == "B-LTA"


def test_b_lta_is_long_term_valid_offline(b_lta, pki: RunningPki) -> None:
    pki.stop()  # every server answers 503: validation may only use what the file holds
    try:
        report = verify_pdf(b_lta[0], trust_roots=[pki.files.root_cert])[0]
    finally:
        pki.start()
    assert (report.intact, report.valid, report.trusted, report.ltv) == (True, True, True, True)
    assert report.level == "B-LTA"
    assert report.timestamp_time is not None and report.archive_timestamp_time is not None
    assert report.timestamp_time <= report.archive_timestamp_time
    with pikepdf.open(b_lta[0]) as pdf:
        dss = pdf.Root.DSS
        assert len(dss.OCSPs) >= 1 and len(dss.CRLs) >= 1 and len(dss.Certs) >= 3


def test_b_lta_pdfsig_sees_signature_and_document_timestamp(b_lta) -> None:
    pdfsig = require_tool("pdfsig", "poppler-utils")
    out = subprocess.run([pdfsig, str(b_lta[0])], capture_output=True, text=True, check=False).stdout
    assert out.count("Signature #") == 2
    first = out.split("Signature #2")[0]
    assert "ETSI.CAdES.detached" in first and "Signature is Valid" in first


def test_b_lta_is_still_pdfa_2b_with_the_stamp(b_lta, pdfa: Path, tmp_path: Path) -> None:
    before = pdfa_validator.validate_pdf(str(pdfa), profile="2b")
    assert before.is_compliant, [f.rule_id for f in before.failures]
    data = b_lta[0].read_bytes()
    after = pdfa_validator.validate_pdf(str(b_lta[0]), profile="2b")
    # page-validation checks ISO 19005-2 6.4.3 as "every /Type /Sig /ByteRange reaches the end of
    # the file". B-LTA is by definition (ETSI EN 319 142-1) a signature followed by two incremental
    # updates, the DSS and the document timestamp, so no B-LTA file can pass that reading. veraPDF
    # checks each signature against the revision it signed (veraPDF-validation#252, and for several
    # signatures veraPDF-library#1493); ISO 32000-2's "entire file" wording is open at the PDF
    # Association (pdf-issues#777). What must hold instead, asserted here: that rule fails for the
    # signature alone, every other rule passes, the file as signed is fully PDF/A-2b, and the
    # document timestamp covers the whole file.
    assert [f.rule_id for f in after.failures] == ["PDFA2B-SIGNATURE-BYTERANGE-001"]
    with pikepdf.open(b_lta[0]) as pdf:
        sig = pdf.Root.AcroForm.Fields[0].V
        flagged = after.failures[0].object_id
        assert (flagged.object_number, flagged.generation) == sig.objgen
        signed_range = [int(v) for v in sig.ByteRange]
        stamp_range = [int(v) for f in pdf.Root.AcroForm.Fields[1:] for v in f.V.ByteRange]
    assert stamp_range[2] + stamp_range[3] == len(data)
    as_signed = tmp_path / "as-signed.pdf"
    as_signed.write_bytes(data[:signed_range[2] + signed_range[3]])
    assert as_signed.read_bytes().rstrip().endswith(b"%%EOF")
    revision = pdfa_validator.validate_pdf(str(as_signed), profile="2b")
    assert revision.is_compliant, [f.rule_id for f in revision.failures]
    assert data.startswith(pdfa.read_bytes())
    text = subprocess.run([require_tool("pdftotext", "poppler-utils"), "-f", "1", "-l", "1", str(b_lta[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in unicodedata.normalize("NFC", text).splitlines() if line.strip()]
    iso = b_lta[1].signing_time.isoformat(timespec="seconds")
    assert lines[:3] == ["SAO Y", AGENCY, iso] and iso.endswith("+07:00")


def test_b_t_on_real_pdfa_is_fully_pdfa_2b(pki: RunningPki, pki_signer, pdfa: Path, tmp_path: Path) -> None:
    dst = tmp_path / "signed.pdf"
    sign_pdf(pdfa, dst, signer=pki_signer, stamp=StampText("SAO Y", AGENCY), level="B-T",
             tsa_url=pki.files.tsa_url)
    result = pdfa_validator.validate_pdf(str(dst), profile="2b")
    assert result.is_compliant, [f.rule_id for f in result.failures]


def test_b_lt_level(pki: RunningPki, pki_signer, input_pdf: Path, tmp_path: Path) -> None:
    dst = tmp_path / "signed.pdf"
    result = sign_pdf(input_pdf, dst, signer=pki_signer, stamp=None, level="B-LT",
                      tsa_url=pki.files.tsa_url, trust_roots=[pki.files.root_cert])
    report = verify_pdf(dst, trust_roots=[pki.files.root_cert])[0]
    assert result.level == report.level == "B-LT"
    assert report.ltv and report.archive_timestamp_time is None


def test_tsa_down_at_b_lta_is_a_signing_error(pki: RunningPki, pki_signer, input_pdf: Path,
                                              tmp_path: Path) -> None:
    dst = tmp_path / "signed.pdf"
    pki.stop()
    try:
        with pytest.raises(SigningError) as err:
            sign_pdf(input_pdf, dst, signer=pki_signer, stamp=StampText("SAO Y", AGENCY), level="B-LTA",
                     tsa_url=pki.files.tsa_url, trust_roots=[pki.files.root_cert])
    finally:
        pki.start()
    assert err.value.reason == "tsa_unavailable"
    assert "timestamp" in str(err.value) and AGENCY not in str(err.value)
    assert not dst.exists()


def test_expired_certificate_is_refused(pki: RunningPki, input_pdf: Path, tmp_path: Path) -> None:
    expired = load_pkcs12_signer(pki.files.expired_p12, passphrase=PASSPHRASE)
    dst = tmp_path / "signed.pdf"
    with pytest.raises(SigningError) as err:
        sign_pdf(input_pdf, dst, signer=expired, stamp=StampText("SAO Y", AGENCY))
    assert err.value.reason == "certificate_expired"
    assert "2021-01-01" in str(err.value) and AGENCY not in str(err.value)
    assert not dst.exists()


def test_levels_above_b_b_need_a_tsa_and_roots(signer, input_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="tsa-url"):
        sign_pdf(input_pdf, tmp_path / "a.pdf", signer=signer, stamp=None, level="B-T")
    with pytest.raises(ConfigError, match="trust-roots"):
        sign_pdf(input_pdf, tmp_path / "b.pdf", signer=signer, stamp=None, level="B-LTA",
                 tsa_url="http://127.0.0.1:9/tsa")


def test_profile_settings(tmp_path: Path) -> None:
    import configs

    demo = configs.load().signing
    assert demo.active_profile.level == "B-LTA" and demo.level == "B-B"
    assert "B-B" in (demo.level_note or "") and "tsa-url" in (demo.level_note or "")
    bad = tmp_path / "bad.yaml"
    bad.write_text("signing:\n  mode: pkcs12\n  pkcs12-file: /x.p12\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="tsa-url"):
        configs.load(bad)
    good = tmp_path / "good.yaml"
    good.write_text("signing:\n  mode: pkcs12\n  pkcs12-file: /x.p12\n  tsa-url: http://tsa\n"
                    "  trust-roots: [/root.pem]\n  profile: copy\n  profiles:\n"
                    "    copy: {level: B-T, copy-form: TRÍCH SAO}\n", encoding="utf-8")
    loaded = configs.load(good).signing
    assert (loaded.level, loaded.copy_form, loaded.level_note) == ("B-T", "TRÍCH SAO", None)


# --- PKCS#11 ----------------------------------------------------------------------------------


def test_pkcs11_sign_and_verify(softhsm_token, input_pdf: Path, chain: DemoChain, tmp_path: Path) -> None:
    pkcs11_signer = load_pkcs11_signer(SOFTHSM_MODULE, token_label="sohoa-test", key_label="signer",
                                       pin=b"1234")
    try:
        dst = tmp_path / "signed-p11.pdf"
        sign_pdf(input_pdf, dst, signer=pkcs11_signer, stamp=StampText("TRÍCH SAO", AGENCY))
    finally:
        pkcs11_signer.pkcs11_session.close()
    report = verify_pdf(dst, trust_roots=[chain.root_cert])[0]
    assert report.intact and report.valid and report.trusted


def test_pkcs11_batch_b_lta_reuses_one_session(softhsm_token, pki: RunningPki, input_pdf: Path,
                                               tmp_path: Path) -> None:
    opened = []

    def open_token():
        opened.append(1)
        return load_pkcs11_signer(SOFTHSM_MODULE, token_label="sohoa-pki", key_label="pki-signer", pin=b"1234")

    try:
        for n in range(3):
            p11 = cached_signer(("test", "sohoa-pki"), open_token)
            dst = tmp_path / f"doc{n}.pdf"
            sign_pdf(input_pdf, dst, signer=p11, stamp=StampText("SAO Y", AGENCY), level="B-LTA",
                     tsa_url=pki.files.tsa_url, trust_roots=[pki.files.root_cert])
            report = verify_pdf(dst, trust_roots=[pki.files.root_cert])[0]
            assert report.ok and report.level == "B-LTA"
    finally:
        close_signers()
    assert len(opened) == 1


def test_pkcs11_wrong_pin(softhsm_token) -> None:
    with pytest.raises(SigningError) as err:
        load_pkcs11_signer(SOFTHSM_MODULE, token_label="sohoa-test", key_label="signer", pin=b"0000")
    assert "PIN" in str(err.value) and "0000" not in str(err.value)


def test_pkcs11_missing_token(softhsm_token) -> None:
    with pytest.raises(SigningError, match="token"):
        load_pkcs11_signer(SOFTHSM_MODULE, token_label="no-such-token", key_label="signer", pin=b"1234")


# --- helpers and heavier fixtures ---------------------------------------------------------------


def _fonts(xobject: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every font used by an appearance stream, following nested form XObjects."""
    resources = xobject.get("/Resources")
    if resources is None:
        return
    yield from resources.get("/Font", {}).values()
    for child in resources.get("/XObject", {}).values():
        yield from _fonts(child)


@pytest.fixture(scope="module")
def softhsm_token(chain: DemoChain, pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> None:
    """SoftHSM2 tokens (user PIN 1234): 'sohoa-test' with the demo key, 'sohoa-pki' with the test PKI's."""
    base = tmp_path_factory.mktemp("softhsm")
    make_softhsm_token(tmp_path_factory.getbasetemp() / "softhsm-tokens", "sohoa-test", _token_objects(chain, base))
    make_softhsm_token(tmp_path_factory.getbasetemp() / "softhsm-tokens", "sohoa-pki", _pki_token_objects(pki.files))


def _token_objects(chain: DemoChain, base: Path) -> list[tuple[Path, str, str, str]]:
    """DER files of the demo key, signer certificate and root, with their token labels and ids."""
    key, cert, cas = pkcs12.load_key_and_certificates(
        chain.signer_p12.read_bytes(), read_secret(file=chain.passphrase_file))
    files = {
        "key.der": key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()),
        "cert.der": cert.public_bytes(serialization.Encoding.DER),
        "root.der": cas[0].public_bytes(serialization.Encoding.DER),
    }
    for name, data in files.items():
        (base / name).write_bytes(data)
    return [(base / "key.der", "privkey", "signer", "01"), (base / "cert.der", "cert", "signer", "01"),
            (base / "root.der", "cert", "root", "02")]


def _pki_token_objects(files) -> list[tuple[Path, str, str, str]]:
    """The test PKI signer's key, its certificate and the issuing CA, with labels and ids."""
    return [(files.signer_key_der, "privkey", "pki-signer", "11"),
            (files.signer_cert_der, "cert", "pki-signer", "11"),
            (files.interm_cert_der, "cert", "pki-interm", "12")]


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A throw-away RFC 3161 TSA (certomancer's Animator) on 127.0.0.1; yields its URL and root cert."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertLabel, CertomancerConfig
    from werkzeug.serving import make_server

    base = tmp_path_factory.mktemp("tsa")
    for label in ("root", "tsa"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (base / f"{label}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    server = make_server("127.0.0.1", 0, lambda env, start: app(env, start))
    prefix = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig.from_yaml(_TSA_CONFIG.format(prefix=prefix, keydir=base),
                                         key_search_dir=str(base))
    app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = base / "tsa-root.pem"
    root_cert = config.get_pki_arch("testpki").get_cert(CertLabel("root"))
    root.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(root_cert.dump())
                     + b"-----END CERTIFICATE-----\n")
    try:
        yield f"{prefix}/testpki/tsa/tsa", root
    finally:
        server.shutdown()
        thread.join(timeout=5)


_TSA_CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  testkeys:
    path-prefix: "{keydir}"
    keys:
      root:
        path: root.key.pem
      tsa:
        path: tsa.key.pem
pki-architectures:
  testpki:
    keyset: testkeys
    entity-defaults:
      country-name: VN
      organization-name: sohoa test TSA
    entities:
      root:
        common-name: sohoa test TSA root
      tsa:
        common-name: sohoa test TSA
    certs:
      root:
        subject: root
        issuer: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2050-01-01T00:00:00+0000"
        extensions:
          - id: basic_constraints
            critical: true
            value:
              ca: true
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [key_cert_sign, crl_sign]
      tsa:
        subject: tsa
        issuer: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2050-01-01T00:00:00+0000"
        extensions:
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [digital_signature]
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
    services:
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
"""


def test_no_stream_the_signature_adds_ends_with_cr(pki: RunningPki, pki_signer, pdfa: Path, tmp_path: Path) -> None:
    """Twelve B-B signings of one PDF/A (new stamp text each second): every added stream has an unambiguous end."""
    for n in range(12):
        dst = tmp_path / f"s{n}.pdf"
        sign_pdf(pdfa, dst, signer=pki_signer, stamp=StampText("SAO Y", AGENCY), level="B-B")
        with pikepdf.open(pdfa) as before, pikepdf.open(dst) as after:
            first_new = int(before.trailer.Size)
            ends = [obj.read_raw_bytes()[-1:] for obj in after.objects
                    if obj.objgen[0] >= first_new and isinstance(obj, pikepdf.Stream)]
        assert ends and b"\r" not in ends


def test_modify_dates_are_vietnam_time_after_every_revision(signed, b_lta) -> None:
    """pyHanko dates a revision "now" in the machine's zone; the archive's dates are all +07:00."""
    for path, expected in ((signed[0], signed[1].signing_time), (b_lta[0], None)):
        with pikepdf.open(path) as pdf:
            modify = str(pdf.open_metadata().get("xmp:ModifyDate"))
            info = str(pdf.docinfo.get("/ModDate", ""))
        assert modify.endswith("+07:00"), modify
        assert not info or info.endswith("+07'00'") or info.endswith("+07'00"), info
        if expected is not None:  # the signature's own revision carries the signing time
            assert modify == expected.isoformat(timespec="seconds")


def test_a_stream_ending_with_cr_is_written_so_pdfa_reads_its_length(input_pdf: Path, tmp_path: Path) -> None:
    """A certificate, CRL or font program put into a revision may end with a CR byte (1 in 256)."""
    from io import BytesIO

    from pyhanko.pdf_utils import generic

    from signing.common import vn_writer

    with input_pdf.open("rb") as fh:
        writer = vn_writer(fh)
        ref = writer.add_object(generic.StreamObject(stream_data=b"DER bytes ending with a CR\r"))
        writer.root["/SohoaTest"] = ref
        writer.update_root()
        out = BytesIO()
        writer.write(out)
    (tmp_path / "out.pdf").write_bytes(out.getvalue())
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        stream = pdf.Root.SohoaTest
        assert not stream.read_raw_bytes().endswith(b"\r") and stream.read_bytes() == b"DER bytes ending with a CR\r"
    assert "PDFA2B-STREAM-LENGTH-001" not in [f.rule_id for f in pdfa_validator.validate_pdf(
        str(tmp_path / "out.pdf"), profile="2b").failures]
