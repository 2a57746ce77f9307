"""Check the signatures in a PDF: integrity, cryptographic validity, trust, coverage and PAdES level.

Used by the tests and by ``sohoa verify``. Validation is offline: trust comes only from the roots
given (never the operating system's list) and nothing is fetched. A signature that carries its
validation data (B-LT, B-LTA) is also validated as ETSI EN 319 102-1 prescribes, from the data
embedded in the file alone; that is what lets an archive check it after the certificates expired.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sohoa.errors import ConfigError

from .sign import VIETNAM_TZ

__all__ = ["SignatureReport", "load_certificates", "verify_pdf"]

_PADES_SUBFILTER = "/ETSI.CAdES.detached"


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature of a PDF."""

    path: Path
    intact: bool
    """The signed byte ranges still hash to the signed digest."""
    valid: bool
    """Intact, and the signer's cryptographic signature over the signed attributes checks out."""
    trusted: bool
    """The signer's certificate chains up to one of the trust roots given."""
    signer: str | None
    """Subject of the signer's certificate."""
    signing_time: datetime | None
    """Time the signer claims (CMS signing-time), in Vietnam time."""
    timestamp_time: datetime | None
    """Time in the RFC 3161 signature timestamp, in Vietnam time, if there is one."""
    level: str | None
    """PAdES baseline level as far as the file shows it ("B-B", "B-T", "B-LT", "B-LTA"); None if not PAdES."""
    covers_whole_file: bool
    """Nothing was appended after this signature."""
    error: str | None
    """Why the signature could not be checked, when it could not."""
    ltv: bool = False
    """The file holds the validation data (certificates, OCSP/CRL) and the signature validates
    from it alone (AdES long-term validation, nothing fetched)."""
    archive_timestamp_time: datetime | None = None
    """Time of the latest valid document timestamp (B-LTA), in Vietnam time."""

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid and trusted."""
        return self.intact and self.valid and self.trusted


def verify_pdf(path: Path, *, trust_roots: Sequence[Path]) -> list[SignatureReport]:
    """Validate every signature (not document timestamps) in a PDF.

    Args:
        path: The PDF.
        trust_roots: PEM or DER certificates trusted as anchors, for signers and timestamp authorities.

    Returns:
        One report per signature, in file order; an empty list when the PDF is unsigned. A file that
        cannot be parsed at all gives one report with ``error`` set.

    Raises:
        ConfigError: A trust root file is missing or not a certificate.
    """
    roots = load_certificates(trust_roots)
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            signatures = list(reader.embedded_regular_signatures)
            has_dss = "/DSS" in reader.root
            archive_ts = _archive_timestamp_time(reader, roots)
            return [_report(path, sig, roots, has_dss, archive_ts) for sig in signatures]
    except Exception as exc:
        return [_failed(path, f"Unreadable PDF ({type(exc).__name__})")]


def _report(path: Path, sig: EmbeddedPdfSignature, roots: list[x509.Certificate],
            has_dss: bool, archive_ts: datetime | None) -> SignatureReport:
    """Validate one embedded signature; a validation crash becomes a failed report."""
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:
        return _failed(path, f"Signature cannot be validated ({type(exc).__name__})")
    ltv = bool(has_dss and status.intact and status.valid and _long_term_valid(sig, roots))
    return SignatureReport(
        path=path,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted) or ltv,
        signer=str(status.signing_cert.subject.human_friendly),
        signing_time=_vn(status.signer_reported_dt),
        timestamp_time=_vn(status.timestamp_validity.timestamp) if status.timestamp_validity else None,
        level=_level(sig, status, ltv, archive_ts),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        error=None,
        ltv=ltv,
        archive_timestamp_time=archive_ts if ltv else None,
    )


def _long_term_valid(sig: EmbeddedPdfSignature, roots: list[x509.Certificate]) -> bool:
    """AdES-LTA validation (ETSI EN 319 102-1 § 5.6.3) from the file's own DSS, nothing fetched."""
    from pyhanko.sign.ades.report import AdESStatus
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(trust_manager=SimpleTrustManager.build(trust_roots=roots),
                                      revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO))
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ))
    try:
        if asyncio.run(ades_lta_validation(sig, spec)).ades_subindic.status == AdESStatus.PASSED:
            return True
        return _dss_only_valid(sig, roots)
    except Exception:
        return False


def _dss_only_valid(sig: EmbeddedPdfSignature, roots: list[x509.Certificate]) -> bool:
    """The signature (and its timestamp) trusted now from the DSS alone, revocation data required.

    The fallback for B-LT, which has no document timestamp to anchor a past validation.
    """
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    dss = DocumentSecurityStore.read_dss(sig.reader)
    context = dss.as_validation_context(
        {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "require"})
    status = validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=context)
    ts = status.timestamp_validity
    return bool(status.trusted and ts is not None and ts.trusted)


def _archive_timestamp_time(reader: PdfFileReader, roots: list[x509.Certificate]) -> datetime | None:
    """Time of the last document timestamp, if it is intact and its TSA trusted."""
    from pyhanko.sign.validation import validate_pdf_timestamp

    stamps = list(reader.embedded_timestamp_signatures)
    if not stamps:
        return None
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_timestamp(stamps[-1], validation_context=context)
    except Exception:
        return None
    if not (status.intact and status.valid and status.trusted):
        return None
    return _vn(status.timestamp)


def _level(sig: EmbeddedPdfSignature, status: PdfSignatureStatus, ltv: bool,
           archive_ts: datetime | None) -> str | None:
    """The PAdES baseline level the signature reaches, not merely the one the file suggests."""
    if str(sig.sig_object.get("/SubFilter")) != _PADES_SUBFILTER or not status.intact:
        return None
    ts = status.timestamp_validity
    if ts is None or not (ts.intact and ts.valid):
        return "B-B"
    if not ltv:
        return "B-T"
    return "B-LTA" if archive_ts is not None else "B-LT"


def _vn(moment: datetime | None) -> datetime | None:
    """Express a time in Vietnam time."""
    return moment.astimezone(VIETNAM_TZ) if moment is not None else None


def _failed(path: Path, error: str) -> SignatureReport:
    """A report for a signature that could not be checked."""
    return SignatureReport(
        path=path, intact=False, valid=False, trusted=False, signer=None, signing_time=None,
        timestamp_time=None, level=None, covers_whole_file=False, error=error,
    )


def load_certificates(paths: Sequence[Path]) -> list[x509.Certificate]:
    """Read PEM or DER certificates (trust roots).

    Raises:
        ConfigError: A file is missing or holds no certificate.
    """
    return [_load_certificate(p) for p in paths]


def _load_certificate(path: Path) -> x509.Certificate:
    """Read a PEM or DER certificate.

    Raises:
        ConfigError: The file is missing or holds no certificate.
    """
    try:
        data = path.read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        cert = x509.Certificate.load(data)
        cert.subject  # noqa: B018 - asn1crypto parses lazily; fail here, not mid-validation
        return cert
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"Trust root {path} is not a readable certificate") from exc
