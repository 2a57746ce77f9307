"""Sign a PDF/A with a PAdES signature and the visible e-copy stamp, as an incremental update.

The original revision is never rewritten: pyHanko appends the signature field, its appearance and
the signature to the end of the file (OCRmyPDF #1040 is what happens otherwise). The signing time is
taken once and used for the stamp text, the CMS signing-time attribute, the signature's /M and the
revision's modify date, so they always agree. The stamp goes where page 1 has no ink
(:mod:`signing.placement`); when page 1 has no clear area the page is widened by a margin strip,
in the same signed revision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from sohoa.clock import VN_TZ
from sohoa.errors import ConfigError, SigningError
from sohoa.files import atomic_write

from .common import (
    add_document_timestamp,
    http_timestamper,
    load_certificates,
    signing_error,
    signing_errors,
    vn_writer,
)
from .placement import Placement, choose_placement, page_ink, usual_place
from .stamp import LIBERATION_SERIF, StampText, stamp_chars, stamp_layouts, stamp_lines, stamp_params, stamp_size, stamp_style

if TYPE_CHECKING:
    from asn1crypto import cms
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

__all__ = ["LEVELS", "LIBERATION_SERIF", "Level", "SignResult", "StampText", "sign_pdf", "signature_facts",
           "signing_error"]

Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT", "B-LTA")
"""PAdES baseline levels (ETSI EN 319 142-1), weakest first."""


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
    signature_method: str = ""
    """Digest and signature algorithm, e.g. ``sha256 sha256_rsa``."""
    signature_value: bytes = b""
    """The signature value of the CMS SignerInfo (for the PREMIS record)."""
    timestamp_time: datetime | None = None
    """The signature timestamp's time (B-T and up), in Vietnam time."""
    archive_timestamp_time: datetime | None = None
    """The document timestamp's time (B-LTA), in Vietnam time."""
    stamp_lines: tuple[str, ...] = ()
    """The stamp's text as set, one entry per line (empty: an invisible signature)."""
    stamp_rect: tuple[int, int, int, int] | None = None
    """The stamp's rectangle on page 1, in PDF points."""
    margin_strip: float = 0.0
    """Points added above page 1 to hold the stamp, when the page had no clear area."""


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
        The level, signing time and signer of the new signature, and where its stamp went.

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
    timestamper = http_timestamper(tsa_url) if tsa_url else None
    with signing_errors():
        layout = _stamp_layout(src, stamp, font_path) if stamp is not None else None
        for attempt in range(_ATTEMPTS):
            if attempt:  # a new second: new stamp text, new timestamps, new stream bytes
                time.sleep(1.0 - datetime.now(VN_TZ).microsecond / 1e6)
            signing_time = datetime.now(VN_TZ).replace(microsecond=0)
            check_certificate_dates(signer, signing_time)
            placement = layout.at(signing_time) if layout is not None else None
            signed = BytesIO()
            with src.open("rb") as infile:
                writer = vn_writer(infile, signing_time)
                first_new = int(writer.prev.trailer_view["/Size"])  # objects the signing adds come after
                field = _field_spec(writer, field_name, placement)
                pdf_signer = _PinnedTimePdfSigner(
                    meta, signer, timestamper=timestamper, new_field_spec=field, system_time=signing_time,
                    stamp_style=stamp_style(font_path, placement.lines, chars=layout.chars) if placement else None,
                )
                _sign_into(pdf_signer, writer, stamp_params(placement.lines) if placement else None, signed)
            if level in ("B-LT", "B-LTA"):
                signed = _add_long_term_data(signed, field_name, trust_roots,
                                             timestamper if level == "B-LTA" else None)
            if not _new_stream_ends_with_cr(signed, first_new):
                break
        with atomic_write(dst, "w+b") as out:
            out.write(signed.getbuffer())  # type: ignore[attr-defined]
        facts = _signature_facts(signed, field_name)
    return SignResult(level=level, signing_time=signing_time, signer_subject=subject, **facts,
                      stamp_lines=placement.lines if placement else (),
                      stamp_rect=placement.rect if placement else None,
                      margin_strip=placement.strip if placement else 0.0)


_ATTEMPTS = 4


@dataclass(frozen=True)
class _StampLayout:
    """The stamp's layout on page 1, chosen once per document (the page does not change)."""

    stamp: StampText
    index: int
    """Which of :func:`signing.stamp.stamp_layouts` fits."""
    rect: tuple[int, int, int, int]
    strip: float
    chars: str

    def at(self, signing_time: datetime) -> Placement:
        """The placement with the lines of this signing time (the time line's width never changes)."""
        lines = stamp_layouts(stamp_lines(self.stamp, signing_time))[self.index]
        return Placement(lines, self.rect, self.strip)


def _stamp_layout(src: Path, stamp: StampText, font_path: Path) -> _StampLayout:
    """Measure page 1 and choose where, and on how many lines, the stamp goes."""
    canonical = stamp_lines(stamp, datetime.now(VN_TZ).replace(microsecond=0))
    layouts = stamp_layouts(canonical)
    sized = [(lines, *stamp_size(lines, font_path)) for lines in layouts]
    with src.open("rb") as infile:
        media, visible, rotate = _first_page_boxes(IncrementalPdfFileWriter(infile, strict=False))
    if rotate % 360:
        # A page turned by /Rotate (sohoa's own PDF/A never is) keeps the usual place.
        _, width, height = sized[0]
        return _StampLayout(stamp, 0, usual_place(width, height, visible), 0.0, stamp_chars(canonical))
    placement = choose_placement(sized, page_ink(src, media_box=media, visible_box=visible))
    return _StampLayout(stamp, layouts.index(placement.lines), placement.rect, placement.strip,
                        stamp_chars(canonical))


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
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=load_certificates(trust_roots), allow_fetching=True,
                                revocation_mode="require")
    reader = PdfFileReader(signed, strict=False)
    sig = next(s for s in reader.embedded_regular_signatures if s.field_name == field_name)
    paths = asyncio.run(_collect_validation_info(sig, context))
    writer = vn_writer(BytesIO(signed.getvalue()))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, validation_context=context, paths=paths)
    with_dss = BytesIO()
    writer.write(with_dss)
    if timestamper is None:
        return with_dss
    return add_document_timestamp(vn_writer(with_dss), timestamper, md_algorithm="sha256", context=context)


async def _collect_validation_info(sig: EmbeddedPdfSignature, context) -> list:  # noqa: ANN001
    """The validation paths of the signature and its timestamp, their revocation data fetched into ``context``."""
    from pyhanko.sign.validation.dss import collect_validation_info

    try:
        return await collect_validation_info(sig, context)
    finally:
        await context.aclose()  # the HTTP session belongs to this event loop


def _sign_into(pdf_signer: PdfSigner, writer: IncrementalPdfFileWriter,
               params: dict[str, str] | None, out: BinaryIO) -> None:
    """Run pyHanko's signing workflow, writing the signed file to ``out``."""
    pdf_signer.sign_pdf(writer, appearance_text_params=params, output=out)


def _field_spec(writer: IncrementalPdfFileWriter, field_name: str, placement: Placement | None) -> SigFieldSpec:
    """A visible field at the chosen place on page 1 (widening it first if needed), or an invisible one."""
    if placement is None:
        return SigFieldSpec(sig_field_name=field_name)
    if placement.strip:
        _widen_first_page(writer, placement.strip)
    return SigFieldSpec(sig_field_name=field_name, on_page=0, box=placement.rect)


def _widen_first_page(writer: IncrementalPdfFileWriter, strip: float) -> None:
    """Add a margin strip of ``strip`` points above page 1 (MediaBox, and CropBox if it has one)."""
    media, visible, _ = _first_page_boxes(writer)
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/MediaBox"] = _box_array(media[0], media[1], media[2], media[3] + strip)
    if _inherited(page, "/CropBox") is not None:
        page["/CropBox"] = _box_array(visible[0], visible[1], visible[2], visible[3] + strip)
    writer.mark_update(page_ref)


def _box_array(*values: float) -> generic.ArrayObject:
    return generic.ArrayObject(generic.FloatObject(round(v, 3)) for v in values)


def _first_page_boxes(writer: IncrementalPdfFileWriter) -> tuple[tuple[float, ...], tuple[float, ...], int]:
    """Page 1's MediaBox, its visible area (CropBox, else MediaBox) and /Rotate; boxes normalised."""
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    media = _inherited(page, "/MediaBox")
    if media is None:
        raise SigningError("Page 1 of the PDF has no MediaBox")
    crop = _inherited(page, "/CropBox") or media
    rotate = _inherited(page, "/Rotate")
    return _normalised(media), _normalised(crop), int(rotate or 0)


def _inherited(page: generic.DictionaryObject, key: str):  # noqa: ANN202 - a PDF object or None
    """A page attribute, looked up through its /Parent chain as PDF inheritance does."""
    node: generic.DictionaryObject | None = page
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _normalised(box) -> tuple[float, float, float, float]:  # noqa: ANN001 - a PDF array
    x1, y1, x2, y2 = (float(v) for v in box)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _signer_subject(signer: Signer) -> str:
    """The human-readable subject of the signer's certificate."""
    try:
        return str(signer.signing_cert.subject.human_friendly)
    except Exception as exc:
        raise SigningError("The signer has no usable certificate") from exc


def _signature_facts(signed: BytesIO, field_name: str) -> dict:
    """What the archive records about the new signature: method, value and timestamp times."""
    facts = signature_facts(signed, field_name)
    return {key: facts[key] for key in ("signature_method", "signature_value", "timestamp_time",
                                        "archive_timestamp_time")}


def signature_facts(pdf: Path | BytesIO, field_name: str | None = None) -> dict:
    """A PDF's (first, or named) signature as an archive records it.

    Returns:
        ``signer`` (certificate subject), ``signing_time`` (claimed, Vietnam time),
        ``signature_method``, ``signature_value`` (bytes), ``timestamp_time`` and
        ``archive_timestamp_time`` (the newest document timestamp), each None when absent.

    Raises:
        SigningError: The file has no such signature or cannot be read.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = BytesIO(pdf.read_bytes()) if isinstance(pdf, Path) else BytesIO(pdf.getvalue())
    with signing_errors():
        reader = PdfFileReader(data, strict=False)
        sig = next((s for s in reader.embedded_regular_signatures
                    if field_name is None or s.field_name == field_name), None)
        if sig is None:
            raise SigningError("The PDF has no signature", reason="unsigned")
        info = sig.signer_info
        stamps = list(reader.embedded_timestamp_signatures)
        claimed = sig.self_reported_timestamp
        return {
            "signer": str(sig.signer_cert.subject.human_friendly),
            "signing_time": claimed.astimezone(VN_TZ) if claimed else None,
            "signature_method": f"{sig.md_algorithm} {info['signature_algorithm']['algorithm'].native}",
            "signature_value": bytes(info["signature"].native),
            "timestamp_time": _token_time(_signature_timestamp(info)),
            "archive_timestamp_time": _token_time(stamps[-1].signed_data) if stamps else None,
        }


def _signature_timestamp(info: cms.SignerInfo) -> cms.SignedData | None:
    """The RFC 3161 signature timestamp token among the unsigned attributes, if any."""
    for attr in info["unsigned_attrs"] or ():
        if attr["type"].native == "signature_time_stamp_token":
            return attr["values"][0]["content"]
    return None


def _token_time(signed_data: cms.SignedData | None) -> datetime | None:
    """A timestamp token's genTime, in Vietnam time."""
    if signed_data is None:
        return None
    return signed_data["encap_content_info"]["content"].parsed["gen_time"].native.astimezone(VN_TZ)
