"""Check the signatures in a PDF: integrity, cryptographic validity, trust, coverage and PAdES level.

Used by the tests and by ``sohoa verify``. Validation is offline: trust comes only from the roots
given (never the operating system's list), nothing is fetched, and revocation is soft-fail.
"""

from __future__ import annotations

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

__all__ = ["SignatureReport", "verify_pdf"]

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
    roots = [_load_certificate(p) for p in trust_roots]
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            signatures = list(reader.embedded_regular_signatures)
            has_dss = "/DSS" in reader.root
            has_doc_ts = bool(list(reader.embedded_timestamp_signatures))
            return [_report(path, sig, roots, has_dss, has_doc_ts) for sig in signatures]
    except Exception as exc:
        return [_failed(path, f"Unreadable PDF ({type(exc).__name__})")]


def _report(path: Path, sig: EmbeddedPdfSignature, roots: list[x509.Certificate],
            has_dss: bool, has_doc_ts: bool) -> SignatureReport:
    """Validate one embedded signature; a validation crash becomes a failed report."""
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:
        return _failed(path, f"Signature cannot be validated ({type(exc).__name__})")
    return SignatureReport(
        path=path,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        signer=str(status.signing_cert.subject.human_friendly),
        signing_time=_vn(status.signer_reported_dt),
        timestamp_time=_vn(status.timestamp_validity.timestamp) if status.timestamp_validity else None,
        level=_level(sig, status, has_dss, has_doc_ts),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        error=None,
    )


def _level(sig: EmbeddedPdfSignature, status: PdfSignatureStatus, has_dss: bool,
           has_doc_ts: bool) -> str | None:
    """Best guess at the PAdES baseline level from what the file holds."""
    if str(sig.sig_object.get("/SubFilter")) != _PADES_SUBFILTER:
        return None
    if status.timestamp_validity is None:
        return "B-B"
    if not has_dss:
        return "B-T"
    return "B-LTA" if has_doc_ts else "B-LT"


def _vn(moment: datetime | None) -> datetime | None:
    """Express a time in Vietnam time."""
    return moment.astimezone(VIETNAM_TZ) if moment is not None else None


def _failed(path: Path, error: str) -> SignatureReport:
    """A report for a signature that could not be checked."""
    return SignatureReport(
        path=path, intact=False, valid=False, trusted=False, signer=None, signing_time=None,
        timestamp_time=None, level=None, covers_whole_file=False, error=error,
    )


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
