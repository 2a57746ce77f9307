"""Renew a B-LTA file's archive timestamp, so that it still verifies offline years later.

A B-LTA file proves its signature existed while the certificates were valid through its newest
document timestamp. A validator checks that timestamp "now": its TSA's certificate must be valid
and the file must hold revocation data for it that is fresh now. Fresh revocation data only lasts
until the CRL's next update or the OCSP response's expiry, so an archive renews periodically
(ETSI EN 319 142-1 B-LTA, "LTA augmentation"): it adds the current validation data of the newest
timestamp's TSA chain and a new document timestamp over everything, as an incremental update. The
signature, the stamp and the earlier revisions are not touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from sohoa.clock import VN_TZ
from sohoa.errors import SigningError
from sohoa.files import atomic_write

from .common import add_document_timestamp, http_timestamper, load_certificates, signing_errors, vn_writer

__all__ = ["Freshness", "archive_timestamp_freshness", "renew_archive_timestamp"]


def renew_archive_timestamp(src: Path, dst: Path, *, tsa_url: str, trust_roots: Sequence[Path],
                            moment: datetime | None = None) -> datetime:
    """Add the newest document timestamp's validation data and a new document timestamp.

    Args:
        src: A B-LTA file (it has at least one document timestamp); it is not modified.
        dst: Where the renewed file goes (may equal ``src``); written atomically.
        tsa_url: RFC 3161 timestamp server.
        trust_roots: Anchors of the TSA chains, old and new.
        moment: The time the newest timestamp is checked as of; default now. Tests set it to
            the clock their PKI runs on.

    Returns:
        The new document timestamp's time, in Vietnam time.

    Raises:
        SigningError: The file has no document timestamp, its newest one does not validate
            (``reason`` ``timestamp_invalid``), or the TSA or a revocation server is down.
    """
    data = src.read_bytes()
    context = ValidationContext(trust_roots=load_certificates(trust_roots), allow_fetching=True,
                                revocation_mode="require", moment=moment)
    with signing_errors():
        reader = PdfFileReader(BytesIO(data), strict=False)
        stamps = list(reader.embedded_timestamp_signatures)
        if not stamps:
            raise SigningError("The file has no document timestamp to renew: sign it at B-LTA first",
                               reason="no_archive_timestamp",
                               message_vi="Tệp không có dấu thời gian lưu trữ (chưa ký mức B-LTA).")
        status = validate_pdf_timestamp(stamps[-1], validation_context=context)
        if not (status.intact and status.valid and status.trusted):
            raise SigningError("The newest document timestamp does not validate; it cannot be renewed",
                               reason="timestamp_invalid",
                               message_vi="Dấu thời gian lưu trữ mới nhất không hợp lệ, không gia hạn được.")
        writer = vn_writer(BytesIO(data), moment)
        DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=(status.validation_path,),
                                                   validation_context=context)
        out = add_document_timestamp(writer, http_timestamper(tsa_url), md_algorithm=status.md_algorithm,
                                     context=context)
        renewed = PdfFileReader(out, strict=False).embedded_timestamp_signatures[-1]
        when = renewed.signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        with atomic_write(dst, "w+b") as fh:
            fh.write(out.getbuffer())  # type: ignore[attr-defined]
    return when.astimezone(VN_TZ)


@dataclass(frozen=True)
class Freshness:
    """Until when a file's newest document timestamp can still be validated from the file alone.

    Attributes:
        stale_at: The first moment it cannot (its TSA certificate expires, or the revocation data
            of the TSA's chain held in the file passes its next update); None when the file has
            no document timestamp (it is not B-LTA: nothing to renew).
        reason: ``tsa_certificate``, ``revocation_data``, ``no_revocation_data`` (stale now) or
            ``no_archive_timestamp``.
    """

    stale_at: datetime | None
    reason: str


def archive_timestamp_freshness(pdf: Path, *, trust_roots: Sequence[Path] = ()) -> Freshness:
    """When the newest document timestamp of ``pdf`` goes stale (see :class:`Freshness`).

    A validator checks the newest document timestamp "now": its TSA's certificate must be valid
    and the file must hold revocation data for the TSA's chain that is fresh now (until the CRL's
    next update or the OCSP response's). Everything older is protected by that timestamp.

    Raises:
        SigningError: The file cannot be read as a PDF.
        ConfigError: A trust root is unreadable.
    """
    roots = load_certificates(trust_roots)
    with signing_errors():
        reader = PdfFileReader(BytesIO(pdf.read_bytes()), strict=False)
        stamps = list(reader.embedded_timestamp_signatures)
        if not stamps:
            return Freshness(None, "no_archive_timestamp")
        newest = stamps[-1]
        dss = _dss(reader)
        certs = [*dss[0], *newest.other_embedded_certs, *roots]
        tsa = newest.signer_cert
        stale, reason = tsa["tbs_certificate"]["validity"]["not_after"].native, "tsa_certificate"
        for cert in _chain(tsa, certs, roots):
            until = _fresh_until(cert, dss[1], dss[2])
            if until is None:
                return Freshness(datetime.now(VN_TZ), "no_revocation_data")
            if until < stale:
                stale, reason = until, "revocation_data"
    return Freshness(stale.astimezone(VN_TZ), reason)


def _dss(reader: PdfFileReader) -> tuple[list[x509.Certificate], list[asn1_crl.CertificateList], list]:
    """The certificates, CRLs and OCSP responses of the file's DSS (empty lists without one)."""
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return [], [], []
    crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
    ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
             for ref in dss.ocsps]
    return list(dss.load_certs()), crls, ocsps


def _chain(cert: x509.Certificate, pool: Iterable[x509.Certificate],
           roots: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """``cert`` and its issuers up to (not including) a trust anchor or a self-signed certificate."""
    by_subject = {c.subject.dump(): c for c in pool}
    anchors = {c.dump() for c in roots}
    chain: list[x509.Certificate] = []
    while cert is not None and cert.dump() not in anchors and cert.subject.dump() != cert.issuer.dump():
        chain.append(cert)
        if len(chain) > 10:
            break
        cert = by_subject.get(cert.issuer.dump())
    return chain


def _fresh_until(cert: x509.Certificate, crls: Sequence[asn1_crl.CertificateList], ocsps: Sequence) -> datetime | None:
    """The latest next update of the file's revocation data covering ``cert``; None when it has none."""
    serial = cert.serial_number
    found: list[datetime] = []
    for crl in crls:
        tbs = crl["tbs_cert_list"]
        if tbs["issuer"].dump() != cert.issuer.dump():
            continue
        if any(entry["user_certificate"].native == serial for entry in tbs["revoked_certificates"] or ()):
            return tbs["this_update"].native  # revoked: stale since the CRL said so
        found.append((tbs["next_update"].native or tbs["this_update"].native))
    for response in ocsps:
        if response["response_status"].native != "successful":
            continue
        data = response["response_bytes"]["response"].parsed["tbs_response_data"]
        for single in data["responses"]:
            if single["cert_id"]["serial_number"].native == serial and single["cert_status"].name == "good":
                found.append(single["next_update"].native or single["this_update"].native)
    return max(found) if found else None
