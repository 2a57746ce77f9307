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

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from sohoa.errors import SigningError
from sohoa.files import atomic_write

from .common import VIETNAM_TZ, add_document_timestamp, http_timestamper, load_certificates, signing_errors, vn_writer

__all__ = ["renew_archive_timestamp"]


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
    return when.astimezone(VIETNAM_TZ)
