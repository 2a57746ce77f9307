"""Sign a PDF/A with a PAdES signature and the visible e-copy stamp, as an incremental update.

The original revision is never rewritten: pyHanko appends the signature field, its appearance and
the signature to the end of the file (OCRmyPDF #1040 is what happens otherwise). The signing time is
taken once and used for the stamp text, the CMS signing-time attribute and the signature's /M, so
the three always agree.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, PdfTimeStamper
from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

from sohoa.errors import ConfigError, SigningError, SohoaError
from sohoa.files import atomic_write

from .stamp import LIBERATION_SERIF, StampText, stamp_box, stamp_lines, stamp_style

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

__all__ = ["LEVELS", "LIBERATION_SERIF", "VIETNAM_TZ", "Level", "SignResult", "StampText", "sign_pdf", "signing_error"]

Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT", "B-LTA")
"""PAdES baseline levels (ETSI EN 319 142-1), weakest first."""

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
"""Vietnam time (UTC+07:00, no daylight saving)."""

_TSA_TIMEOUT_S = 30


@dataclass(frozen=True)
class SignResult:
    """What :func:`sign_pdf` did."""

    level: Level
    """PAdES baseline level reached: "B-B"; "B-T" (RFC 3161 signature timestamp); "B-LT" (and the
    chain's certificates, OCSP responses and CRLs in the DSS); "B-LTA" (and a document timestamp)."""
    signing_time: datetime
    """The claimed signing time (tz-aware, +07:00), also printed in the stamp."""
    signer_subject: str
    """The signer certificate's subject, human-readable."""


class _PinnedTimePdfSigner(PdfSigner):
    """A PdfSigner whose session uses a signing time chosen by the caller, not its own ``now()``."""

    def __init__(self, *args: object, system_time: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pinned_time = system_time

    def init_signing_session(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        session = super().init_signing_session(*args, **kwargs)  # type: ignore[arg-type]
        session.system_time = self._pinned_time
        return session


def sign_pdf(
    src: Path,
    dst: Path,
    *,
    signer: Signer,
    stamp: StampText | None,
    level: Level | None = None,
    tsa_url: str | None = None,
    trust_roots: Sequence[Path] = (),
    font_path: Path = LIBERATION_SERIF,
    field_name: str = "SohoaSignature",
    reason: str = "Số hóa hồ sơ",
    location: str | None = None,
) -> SignResult:
    """Sign ``src`` (PAdES, ETSI.CAdES.detached) into ``dst`` as incremental updates.

    B-LT and B-LTA add, after the signature, a revision with the validation data (certificates,
    OCSP responses, CRLs fetched from the addresses in the certificates, hence fresher than the
    signature timestamp), and B-LTA then a document timestamp over everything.

    Args:
        src: The PDF/A to sign; it is not modified (``dst`` may equal ``src``).
        dst: Where the signed file goes; written atomically, never half-written.
        signer: A pyHanko signer from :mod:`signing.keys`.
        stamp: Text of the visible e-copy stamp (top right of page 1), or None for an invisible signature.
        level: PAdES level; default "B-T" with a ``tsa_url``, else "B-B".
        tsa_url: RFC 3161 timestamp server; required from B-T up.
        trust_roots: Anchors of the signer's and the TSA's chains; required for B-LT and B-LTA.
        font_path: TrueType font of the stamp, embedded as a subset.
        field_name: Name of the new signature field.
        reason: /Reason of the signature.
        location: /Location of the signature.

    Returns:
        The level, signing time and signer of the new signature.

    Raises:
        SigningError: Expired certificate, unreadable file, timestamp or revocation server down,
            or pyHanko refused; ``reason`` tells which. ``dst`` is then left untouched.
        ConfigError: The stamp text or font is unusable, or the level needs a TSA or trust roots.
    """
    level = level or ("B-T" if tsa_url else "B-B")
    _check_level(level, tsa_url, trust_roots)
    subject = _signer_subject(signer)
    meta = PdfSignatureMetadata(
        field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location,
    )
    timestamper = _timestamper(tsa_url) if tsa_url else None
    try:
        for attempt in range(_ATTEMPTS):
            if attempt:  # a new second: new stamp text, new timestamps, new stream bytes
                time.sleep(1.0 - datetime.now(VIETNAM_TZ).microsecond / 1e6)
            signing_time = datetime.now(VIETNAM_TZ).replace(microsecond=0)
            check_certificate_dates(signer, signing_time)
            lines = stamp_lines(stamp, signing_time) if stamp is not None else None
            signed = BytesIO()
            with src.open("rb") as infile:
                writer = IncrementalPdfFileWriter(infile, strict=False)
                first_new = int(writer.prev.trailer_view["/Size"])  # objects the signing adds come after
                field = _field_spec(writer, field_name, lines, font_path)
                pdf_signer = _PinnedTimePdfSigner(
                    meta, signer, timestamper=timestamper, new_field_spec=field,
                    stamp_style=stamp_style(font_path, lines) if lines else None, system_time=signing_time,
                )
                params = dict(zip(("line1", "line2", "line3"), lines)) if lines else None
                _sign_into(pdf_signer, writer, params, signed)
            if level in ("B-LT", "B-LTA"):
                signed = _add_long_term_data(signed, field_name, trust_roots,
                                             timestamper if level == "B-LTA" else None)
            if not _new_stream_ends_with_cr(signed, first_new):
                break
        with atomic_write(dst, "w+b") as out:
            out.write(signed.getbuffer())  # type: ignore[attr-defined]
    except SohoaError:
        raise
    except Exception as exc:
        raise signing_error(exc) from exc
    return SignResult(level=level, signing_time=signing_time, signer_subject=subject)


_ATTEMPTS = 4


def _new_stream_ends_with_cr(signed: BytesIO, first_new: int) -> bool:
    """Whether a stream the signing added ends with CR (see :func:`ocr.pdfa.reencode_cr_endings`).

    pyHanko, like qpdf, writes one LF before ``endstream``: after data ending in CR a strict PDF/A
    check reads a CRLF and finds /Length one byte short. It cannot be re-encoded once signed, so
    the document is signed again a second later (about one signing in 30 with the stamp font).
    """
    import pikepdf

    with pikepdf.open(BytesIO(signed.getvalue())) as after:
        return any(obj.objgen[0] >= first_new and isinstance(obj, pikepdf.Stream)
                   and obj.read_raw_bytes().endswith(b"\r") for obj in after.objects)


@lru_cache(maxsize=4)
def _timestamper(tsa_url: str) -> HTTPTimeStamper:
    """One timestamp client per server and process.

    pyHanko sizes the signature container with a sample token it asks the TSA for once per
    client: a client per document would double the TSA requests.
    """
    return HTTPTimeStamper(tsa_url, timeout=_TSA_TIMEOUT_S)


def _check_level(level: str, tsa_url: str | None, trust_roots: Sequence[Path]) -> None:
    """Refuse a level the settings cannot reach, before anything is signed."""
    if level not in LEVELS:
        raise ConfigError(f"Unknown PAdES level {level!r}; one of {', '.join(LEVELS)}")
    if level != "B-B" and not tsa_url:
        raise ConfigError(f"PAdES {level} needs a timestamp server: set signing.tsa-url",
                          message_vi=f"Mức ký {level} cần máy chủ cấp dấu thời gian (signing.tsa-url).")
    if level in ("B-LT", "B-LTA") and not trust_roots:
        raise ConfigError(f"PAdES {level} needs the signer's root CA: set signing.trust-roots",
                          message_vi=f"Mức ký {level} cần chứng thư gốc (signing.trust-roots).")


def check_certificate_dates(signer: Signer, moment: datetime) -> None:
    """Refuse to sign with a certificate that is expired or not yet valid at ``moment``.

    pyHanko itself signs B-B/B-T with an expired certificate without complaint; such a
    signature could never be validated.

    Raises:
        SigningError: ``reason`` is ``certificate_expired`` or ``certificate_not_yet_valid``.
    """
    try:
        validity = signer.signing_cert["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
    except Exception as exc:
        raise SigningError("The signer has no usable certificate") from exc
    if moment > not_after:
        raise SigningError(
            f"The signing certificate expired on {not_after:%Y-%m-%d}; renew it with the CA",
            reason="certificate_expired",
            message_vi=f"Chứng thư số của người ký đã hết hạn ngày {not_after:%d/%m/%Y}.",
        )
    if moment < not_before:
        raise SigningError(
            f"The signing certificate is valid only from {not_before:%Y-%m-%d}",
            reason="certificate_not_yet_valid",
            message_vi="Chứng thư số của người ký chưa có hiệu lực.",
        )


def _add_long_term_data(signed: BytesIO, field_name: str, trust_roots: Sequence[Path],
                        timestamper: HTTPTimeStamper | None) -> BytesIO:
    """Append the DSS (B-LT) and, with a timestamper, a document timestamp (B-LTA).

    The validation context is made after signing, so the OCSP responses and CRLs it fetches are
    newer than the signature timestamp, as a long-term validator requires. Revocation data is
    required for every certificate but the trust anchors.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info
    from pyhanko_certvalidator import ValidationContext

    from .verify import load_certificates

    context = ValidationContext(trust_roots=load_certificates(trust_roots), allow_fetching=True,
                                revocation_mode="require")
    reader = PdfFileReader(signed, strict=False)
    sig = next(s for s in reader.embedded_regular_signatures if s.field_name == field_name)
    with_dss = add_validation_info(sig, context, add_vri_entry=False, output=BytesIO())
    if timestamper is None:
        return with_dss
    out = BytesIO()
    # The TSA's own validation data goes into the DSS in the timestamp's revision, before the
    # timestamp, and no VRI (deprecated by ETSI EN 319 142-1): the document timestamp then covers
    # the whole file, with nothing unprotected after it.
    PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(with_dss, strict=False), "sha256", validation_context=context,
        dss_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True), output=out)
    return out


def _sign_into(pdf_signer: PdfSigner, writer: IncrementalPdfFileWriter,
               params: dict[str, str] | None, out: BinaryIO) -> None:
    """Run pyHanko's signing workflow, writing the signed file to ``out``."""
    pdf_signer.sign_pdf(writer, appearance_text_params=params, output=out)


def _field_spec(writer: IncrementalPdfFileWriter, field_name: str,
                lines: tuple[str, ...] | None, font_path: Path) -> SigFieldSpec:
    """A visible field sized to the stamp on page 1, or an invisible field without a stamp."""
    if lines is None:
        return SigFieldSpec(sig_field_name=field_name)
    box = stamp_box(lines, font_path, _first_page_box(writer))
    return SigFieldSpec(sig_field_name=field_name, on_page=0, box=box)


def _first_page_box(writer: IncrementalPdfFileWriter) -> tuple[float, float, float, float]:
    """The visible area (CropBox, else MediaBox, possibly inherited) of page 1, normalised."""
    page_ref, _ = writer.find_page_for_modification(0)
    node: generic.DictionaryObject | None = page_ref.get_object()
    box = None
    while node is not None and box is None:
        box = node.get("/CropBox") or node.get("/MediaBox")
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    if box is None:
        raise SigningError("Page 1 of the PDF has no MediaBox")
    x1, y1, x2, y2 = (float(v) for v in box)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _signer_subject(signer: Signer) -> str:
    """The human-readable subject of the signer's certificate."""
    try:
        return str(signer.signing_cert.subject.human_friendly)
    except Exception as exc:
        raise SigningError("The signer has no usable certificate") from exc


def signing_error(exc: BaseException) -> SigningError:
    """Turn a pyHanko, network or file error into a SigningError without document content.

    pyHanko's own messages are left out: they name certificate subjects, which are people.
    """
    kind = type(exc).__name__
    chain = _causes(exc)
    if any(isinstance(e, TimestampRequestError) for e in chain) or "aiohttp" in type(exc).__module__:
        return SigningError(
            f"The timestamp server did not give a timestamp ({kind})", reason="tsa_unavailable",
            message_vi="Máy chủ cấp dấu thời gian không phản hồi; hồ sơ sẽ được ký lại lần chạy sau.",
        )
    names = {type(e).__name__ for e in chain}
    if names & {"InsufficientRevinfoError", "StaleRevinfoError", "PathValidationError",
                "PathBuildingError", "ValidationError", "RevokedError", "ExpiredError"}:
        return SigningError(
            f"The certificate chain could not be validated or its revocation status (OCSP/CRL) "
            f"could not be obtained ({', '.join(sorted(names))})", reason="revocation_unavailable",
            message_vi="Không kiểm tra được trạng thái thu hồi (OCSP/CRL) của chứng thư số.",
        )
    if any(type(e).__module__.startswith("pkcs11") for e in chain):
        return SigningError(f"The PKCS#11 token failed while signing ({kind})", reason="token_failed",
                            message_vi="Thiết bị ký số bị lỗi hoặc đã bị rút ra trong khi ký.")
    if isinstance(exc, OSError):
        return SigningError(f"Cannot read the PDF or write the signed copy ({kind})")
    if isinstance(exc, PyHankoSigningError):
        return SigningError(f"pyHanko refused to sign the PDF ({kind})")
    return SigningError(f"Signing failed ({kind})")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (bounded, cycles ignored)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 20:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
