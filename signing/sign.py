"""Sign a PDF/A with a PAdES signature and the visible e-copy stamp, as an incremental update.

The original revision is never rewritten: pyHanko appends the signature field, its appearance and
the signature to the end of the file (OCRmyPDF #1040 is what happens otherwise). The signing time is
taken once and used for the stamp text, the CMS signing-time attribute and the signature's /M, so
the three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

from sohoa.errors import SigningError, SohoaError
from sohoa.files import atomic_write

from .stamp import LIBERATION_SERIF, StampText, stamp_box, stamp_lines, stamp_style

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

__all__ = ["VIETNAM_TZ", "LIBERATION_SERIF", "SignResult", "StampText", "sign_pdf"]

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
"""Vietnam time (UTC+07:00, no daylight saving)."""

_TSA_TIMEOUT_S = 30


@dataclass(frozen=True)
class SignResult:
    """What :func:`sign_pdf` did."""

    level: str
    """PAdES baseline level: "B-B", or "B-T" with an RFC 3161 signature timestamp."""
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
    tsa_url: str | None = None,
    font_path: Path = LIBERATION_SERIF,
    field_name: str = "SohoaSignature",
    reason: str = "Số hóa hồ sơ",
    location: str | None = None,
) -> SignResult:
    """Sign ``src`` (PAdES, ETSI.CAdES.detached) into ``dst`` as an incremental update.

    Args:
        src: The PDF/A to sign; it is not modified (``dst`` may equal ``src``).
        dst: Where the signed file goes; written atomically, never half-written.
        signer: A pyHanko signer from :mod:`signing.keys`.
        stamp: Text of the visible e-copy stamp (top right of page 1), or None for an invisible signature.
        tsa_url: RFC 3161 timestamp server; gives PAdES B-T. Without it the level is B-B.
        font_path: TrueType font of the stamp, embedded as a subset.
        field_name: Name of the new signature field.
        reason: /Reason of the signature.
        location: /Location of the signature.

    Returns:
        The level, signing time and signer of the new signature.

    Raises:
        SigningError: The file cannot be read or written, the timestamp server failed, or pyHanko refused.
        ConfigError: The stamp text or font is unusable.
    """
    signing_time = datetime.now(VIETNAM_TZ).replace(microsecond=0)
    lines = stamp_lines(stamp, signing_time) if stamp is not None else None
    subject = _signer_subject(signer)
    meta = PdfSignatureMetadata(
        field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location,
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=_TSA_TIMEOUT_S) if tsa_url else None
    try:
        with src.open("rb") as infile:
            writer = IncrementalPdfFileWriter(infile, strict=False)
            field = _field_spec(writer, field_name, lines, font_path)
            pdf_signer = _PinnedTimePdfSigner(
                meta, signer, timestamper=timestamper, new_field_spec=field,
                stamp_style=stamp_style(font_path) if lines else None, system_time=signing_time,
            )
            params = dict(zip(("line1", "line2", "line3"), lines)) if lines else None
            with atomic_write(dst, "w+b") as out:
                _sign_into(pdf_signer, writer, params, out)  # type: ignore[arg-type]
    except SohoaError:
        raise
    except Exception as exc:
        raise _signing_error(exc) from exc
    return SignResult(level="B-T" if tsa_url else "B-B", signing_time=signing_time, signer_subject=subject)


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


def _signing_error(exc: BaseException) -> SigningError:
    """Turn a pyHanko, network or file error into a SigningError without document content."""
    kind = type(exc).__name__
    if isinstance(exc, TimestampRequestError) or "aiohttp" in type(exc).__module__:
        return SigningError(
            f"The timestamp server did not give a timestamp ({kind})",
            message_vi="Máy chủ cấp dấu thời gian không phản hồi.",
        )
    if isinstance(exc, OSError):
        return SigningError(f"Cannot read the PDF or write the signed copy ({kind})")
    if isinstance(exc, PyHankoSigningError):
        return SigningError(f"pyHanko refused to sign the PDF ({kind}: {exc})")
    return SigningError(f"Signing failed ({kind})")
