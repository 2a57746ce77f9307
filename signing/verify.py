"""Check the signatures in a PDF: integrity, cryptographic validity, trust, coverage and PAdES level.

Used by the tests and by ``sohoa verify``. Validation is offline: trust comes only from the roots
given (never the operating system's list) and nothing is fetched. A signature that carries its
validation data (B-LT, B-LTA) is also validated as ETSI EN 319 102-1 prescribes, from the data
embedded in the file alone; that is what lets an archive check it after the certificates expired.

Every check can be made as of a chosen time (``at``) instead of now. For a B-LTA file checked after
the signer's certificate expired, the AdES-LTA procedure (pyHanko's ``ades_lta_validation``) first
validates the document timestamp at that time, which proves the signature and the embedded
OCSP/CRL existed when it was made, then validates the signature in the past, at that proof's time.
Its limit: the newest document timestamp is validated "now", so the revocation data of its TSA
chain held in the file must still be fresh at ``at`` (per its CRL nextUpdate / OCSP validity);
after that, pyHanko answers NO_POE until the file gets a newer document timestamp with fresh
validation data (:func:`signing.renew.renew_archive_timestamp`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sohoa.clock import VN_TZ
from sohoa.errors import ConfigError

from .common import load_certificates

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
    validated_at: datetime | None = None
    """The time the checks were made as of (now, unless a time was asked for), in Vietnam time."""
    ltv_indication: str | None = None
    """The AdES-LTA result when long-term validation was tried, e.g. "PASSED",
    "INDETERMINATE/NO_POE" (ETSI EN 319 102-1 indications)."""
    signer_expired: bool = False
    """The signer's certificate had expired at :attr:`validated_at`."""

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid and trusted."""
        return self.intact and self.valid and self.trusted


def verify_pdf(path: Path, *, trust_roots: Sequence[Path], at: datetime | None = None) -> list[SignatureReport]:
    """Validate every signature (not document timestamps) in a PDF.

    Args:
        path: The PDF.
        trust_roots: PEM or DER certificates trusted as anchors, for signers and timestamp authorities.
        at: Validate as of this time (tz-aware), e.g. years after signing; default now.

    Returns:
        One report per signature, in file order; an empty list when the PDF is unsigned. A file that
        cannot be parsed at all gives one report with ``error`` set.

    Raises:
        ConfigError: A trust root file is missing or not a certificate.
    """
    roots = load_certificates(trust_roots)
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ConfigError("The validation time must include a UTC offset")
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            signatures = list(reader.embedded_regular_signatures)
            has_dss = "/DSS" in reader.root
            when = _Moment(moment, chosen=at is not None)
            archive_ts = _archive_timestamp_time(reader, roots, when.pinned)
            return [_report(path, sig, roots, has_dss, archive_ts, when) for sig in signatures]
    except Exception as exc:  # noqa: BLE001 - any parser failure means "unreadable", reported per file
        return [_failed(path, f"Unreadable PDF ({type(exc).__name__})")]


@dataclass(frozen=True)
class _Moment:
    """When the checks are made as of, and whether the caller chose it (a historical check)."""

    time: datetime
    chosen: bool

    @property
    def pinned(self) -> datetime | None:
        """The time to pin a validation context to; None lets pyHanko use its own "now"."""
        return self.time if self.chosen else None


def _report(path: Path, sig: EmbeddedPdfSignature, roots: list[x509.Certificate],
            has_dss: bool, archive_ts: datetime | None, moment: _Moment) -> SignatureReport:
    """Validate one embedded signature; a validation crash becomes a failed report."""
    context = _context(roots, moment.pinned)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - reported as a failed signature, never a crash of the run
        return _failed(path, f"Signature cannot be validated ({type(exc).__name__})")
    indication = None
    if has_dss and status.intact and status.valid:
        indication = _long_term_indication(sig, roots, moment)
    ltv = indication == "PASSED"
    not_after = status.signing_cert["tbs_certificate"]["validity"]["not_after"].native
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
        validated_at=_vn(moment.time),
        ltv_indication=indication,
        signer_expired=not_after < moment.time,
    )


def _context(roots: list[x509.Certificate], moment: datetime | None) -> ValidationContext:
    """Offline validation context at ``moment`` (None: now): the given roots only, nothing fetched."""
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail",
                             moment=moment)


def _long_term_indication(sig: EmbeddedPdfSignature, roots: list[x509.Certificate], moment: _Moment) -> str:
    """"PASSED", or why AdES long-term validation did not pass (e.g. "INDETERMINATE/NO_POE").

    B-LTA passes through AdES-LTA; a B-LT file, with no document timestamp to anchor a past
    validation, passes when it validates now from its DSS alone.
    """
    passed, indication = _ades_lta(sig, roots, moment)
    if passed or _dss_only_valid(sig, roots, moment.pinned):
        return "PASSED"
    return indication


def _ades_lta(sig: EmbeddedPdfSignature, roots: list[x509.Certificate], moment: _Moment) -> tuple[bool, str]:
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
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(trust_manager=SimpleTrustManager.build(trust_roots=roots),
                                      revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO))
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ))
    # A chosen time is a historical check (revocation data newer than it does not count), as
    # `pyhanko sign validate --validation-time` does it.
    timing = ValidationTimingInfo(moment.time, moment.time, point_in_time_validation=moment.chosen)
    try:
        result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many types; the file is then not LTV
        return False, f"ERROR/{type(exc).__name__}"
    sub = result.ades_subindic
    if sub.status == AdESStatus.PASSED:
        return True, "PASSED"
    return False, f"{sub.status.name}/{getattr(sub, 'name', sub)}"


def _dss_only_valid(sig: EmbeddedPdfSignature, roots: list[x509.Certificate], moment: datetime | None) -> bool:
    """The signature (and its timestamp) trusted at ``moment`` from the DSS alone, revocation data required.

    The fallback for B-LT, which has no document timestamp to anchor a past validation.
    """
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(sig.reader)
        context = dss.as_validation_context({"trust_roots": roots, "allow_fetching": False,
                                             "revocation_mode": "require", "moment": moment})
        status = validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=context)
    except Exception:  # noqa: BLE001 - any failure here only means "not long-term valid"
        return False
    ts = status.timestamp_validity
    return bool(status.trusted and ts is not None and ts.trusted)


def _archive_timestamp_time(reader: PdfFileReader, roots: list[x509.Certificate],
                            moment: datetime | None) -> datetime | None:
    """Time of the last document timestamp, if it is intact and its TSA trusted at ``moment``."""
    from pyhanko.sign.validation import validate_pdf_timestamp

    stamps = list(reader.embedded_timestamp_signatures)
    if not stamps:
        return None
    try:
        status = validate_pdf_timestamp(stamps[-1], validation_context=_context(roots, moment))
    except Exception:  # noqa: BLE001 - an unverifiable timestamp is simply not counted
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
    return moment.astimezone(VN_TZ) if moment is not None else None


def _failed(path: Path, error: str) -> SignatureReport:
    """A report for a signature that could not be checked."""
    return SignatureReport(
        path=path, intact=False, valid=False, trusted=False, signer=None, signing_time=None,
        timestamp_time=None, level=None, covers_whole_file=False, error=error,
    )
