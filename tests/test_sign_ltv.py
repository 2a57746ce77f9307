"""Long-term validation: a file signed while its certificates were valid, checked after they expired.

The test PKI's ``signer-short`` certificate expires two days after the PKI starts; its TSA is valid
until 2055 and the CRL covering the TSA (embedded in the file's DSS) has a 90-day next update.
Every check runs with the PKI's servers answering 503, so only what the file holds counts.
"""


from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pki import AGENCY, PASSPHRASE, RunningPki

from signing import (
    StampText,
    load_pkcs12_signer,
    parse_validation_time,
    render_json,
    render_vi,
    sign_pdf,
    verify_files,
    verify_pdf,
)
from sohoa.clock import VN_TZ
from sohoa.errors import ConfigError


@pytest.fixture(scope="module")
def short_signed(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same page signed B-LTA and B-T by ``signer-short`` while its certificate is valid."""
    import pikepdf
    from PIL import Image

    base = tmp_path_factory.mktemp("ltv")
    Image.new("RGB", (827, 1169), (250, 248, 240)).save(base / "raw.pdf", resolution=100.0)
    with pikepdf.open(base / "raw.pdf") as pdf:
        pdf.save(base / "in.pdf")
    signer = load_pkcs12_signer(pki.files.short_p12, passphrase=PASSPHRASE)
    out = {}
    for level in ("B-LTA", "B-T"):
        out[level] = base / f"{level}.pdf"
        sign_pdf(base / "in.pdf", out[level], signer=signer, stamp=StampText("SAO Y", AGENCY), level=level,
                 tsa_url=pki.files.tsa_url, trust_roots=[pki.files.root_cert])
    return out


@pytest.fixture
def offline(pki: RunningPki):
    """Every PKI server answers 503 during the test."""
    pki.stop()
    try:
        yield pki
    finally:
        pki.start()


def test_b_lta_verifies_after_the_signer_certificate_expired(short_signed, offline: RunningPki) -> None:
    later = offline.files.short_not_after + timedelta(days=28)
    report = verify_pdf(short_signed["B-LTA"], trust_roots=[offline.files.root_cert], at=later)[0]
    assert report.signer_expired, "the scenario needs the signer's certificate expired at `later`"
    assert (report.intact, report.valid, report.trusted, report.ltv) == (True, True, True, True)
    assert report.ltv_indication == "PASSED" and report.level == "B-LTA"
    assert report.validated_at == later.astimezone(VN_TZ)
    assert report.archive_timestamp_time is not None and report.archive_timestamp_time < later
    verdict = verify_files([short_signed["B-LTA"]], trust_roots=[offline.files.root_cert], at=later)[0]
    assert verdict.ok
    text = render_vi([verdict])
    assert "kiểm tra dài hạn (LTV): có" in text and "chứng thư người ký đã hết hạn" in text
    assert f"kiểm tra tại thời điểm: {later.astimezone(VN_TZ).isoformat(timespec='seconds')}" in text


def test_same_signature_without_ltv_data_fails_as_expired(short_signed, offline: RunningPki) -> None:
    later = offline.files.short_not_after + timedelta(days=28)
    verdict = verify_files([short_signed["B-T"]], trust_roots=[offline.files.root_cert], at=later)[0]
    report = verdict.signatures[0]
    assert report.intact and report.valid and report.signer_expired
    assert not report.trusted and not report.ltv and report.level == "B-T"
    assert verdict.problems == ("expired",)
    row = json.loads(render_json([verdict]))[0]
    assert row["signatures"][0]["signer_expired"] is True and "expired" in row["messages"][0]
    assert "chứng thư số của người ký đã hết hạn" in render_vi([verdict])


def test_both_pass_today(short_signed, offline: RunningPki) -> None:
    for level, path in short_signed.items():
        report = verify_pdf(path, trust_roots=[offline.files.root_cert])[0]
        assert report.ok and not report.signer_expired, level
    assert verify_pdf(short_signed["B-LTA"], trust_roots=[offline.files.root_cert])[0].ltv


def test_past_the_tsa_revocation_data_freshness_there_is_no_proof_of_existence(
        short_signed, offline: RunningPki) -> None:
    # The newest document timestamp must validate at the validation time itself (ETSI EN 319 102-1
    # 5.6.3): its TSA's CRL in the DSS says "next update in 90 days"; after that it is stale, the
    # timestamp cannot prove anything, and pyHanko reports NO_POE for the expired signer. The cure
    # is a newer document timestamp with fresh validation data before the check (renewal).
    much_later = datetime.now(UTC) + timedelta(days=120)
    report = verify_pdf(short_signed["B-LTA"], trust_roots=[offline.files.root_cert], at=much_later)[0]
    assert report.intact and report.valid and report.signer_expired
    assert not report.trusted and not report.ltv
    assert report.ltv_indication == "INDETERMINATE/NO_POE"


def test_validation_time_parsing() -> None:
    assert parse_validation_time("2060-01-01") == datetime(2060, 1, 1, tzinfo=VN_TZ)
    assert parse_validation_time("2060-01-01T08:00:00+00:00").utcoffset() == timedelta(0)
    with pytest.raises(ConfigError, match="ISO 8601"):
        parse_validation_time("01/01/2060")


def test_renewal_later_extends_offline_validation(short_signed, pki: RunningPki, tmp_path: Path) -> None:
    # 120 days on, the file alone proves nothing (test above). The archive renews then: the PKI
    # runs on that date's clock, so the TSA's CRL and the new timestamp are of that date.
    from pyhanko.pdf_utils.reader import PdfFileReader

    from signing.renew import renew_archive_timestamp

    renewal_day = datetime.now(UTC) + timedelta(days=120)
    renewed = tmp_path / "renewed.pdf"
    pki.start(at_time=renewal_day)
    try:
        stamped_at = renew_archive_timestamp(short_signed["B-LTA"], renewed, tsa_url=pki.files.tsa_url,
                                             trust_roots=[pki.files.root_cert], moment=renewal_day)
    finally:
        pki.start()
    assert abs((stamped_at - renewal_day).total_seconds()) < 5
    original = short_signed["B-LTA"].read_bytes()
    assert renewed.read_bytes().startswith(original)
    with renewed.open("rb") as fh:
        stamps = list(PdfFileReader(fh).embedded_timestamp_signatures)
        assert len(stamps) == 2
        last_range = [int(v) for v in stamps[-1].sig_object["/ByteRange"]]
    assert last_range[2] + last_range[3] == renewed.stat().st_size
    pki.stop()
    try:
        report = verify_pdf(renewed, trust_roots=[pki.files.root_cert], at=renewal_day + timedelta(days=1))[0]
    finally:
        pki.start()
    assert report.signer_expired and report.ltv and report.trusted and report.intact
    assert report.ltv_indication == "PASSED" and report.level == "B-LTA"


def test_renewal_refuses_a_file_without_document_timestamp(short_signed, pki: RunningPki, tmp_path: Path) -> None:
    from signing.renew import renew_archive_timestamp
    from sohoa.errors import SigningError

    with pytest.raises(SigningError, match="no document timestamp"):
        renew_archive_timestamp(short_signed["B-T"], tmp_path / "x.pdf", tsa_url=pki.files.tsa_url,
                                trust_roots=[pki.files.root_cert])
    assert not (tmp_path / "x.pdf").exists()
