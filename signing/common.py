"""What signing, verifying and renewing share: Vietnam time, trust roots, revisions, errors.

- :func:`load_certificates` is used by all three; keeping it here (not in ``sign`` or ``verify``)
  is what lets those modules not import each other. Vietnam time is :data:`sohoa.clock.VN_TZ`.
- :func:`vn_writer` opens a PDF for an incremental update whose Info ``/ModDate`` and XMP
  ``xmp:ModifyDate`` are written in Vietnam time (pyHanko dates every revision "now" in the
  machine's zone, so a server on UTC wrote ``+00:00`` into an archive whose other dates are all
  ``+07:00``), and in which no stream ends with a CR (a strict PDF/A check would misread it).
- :func:`add_document_timestamp` is the one document-timestamp step (B-LTA signing and archive
  timestamp renewal).
- :func:`signing_errors` turns whatever pyHanko, the network or the file system raised into a
  :class:`~sohoa.errors.SigningError` that names no certificate subject.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from asn1crypto import pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext

from sohoa.clock import VN_TZ
from sohoa.errors import ConfigError, SigningError, SohoaError

__all__ = [
    "add_document_timestamp",
    "http_timestamper",
    "load_certificates",
    "signing_error",
    "signing_errors",
    "vn_writer",
]

_TSA_TIMEOUT_S = 30


@dataclass
class _VietnamDates(DocumentMetadata):
    """pyHanko's document metadata, but "now" means now in Vietnam time (or the pinned moment)."""

    pinned: datetime | None = None

    def __setattr__(self, name: str, value: object) -> None:
        if name == "last_modified" and value == "now":
            pinned = self.__dict__.get("pinned")
            value = pinned if pinned is not None else datetime.now(VN_TZ).replace(microsecond=0)
        super().__setattr__(name, value)


class _ArchiveWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, but no stream it writes ends with a CR.

    pyHanko, like qpdf, writes one LF before ``endstream``: after data ending in CR a strict PDF/A
    check reads a CRLF and finds ``/Length`` one byte short (PDFA2B-STREAM-LENGTH-001). Signing
    again a second later changes the stamp and the timestamps, but not a certificate or a CRL put
    into the DSS, nor the stamp's font program: one that ends with CR would fail every document.
    Such a stream is written ASCIIHex-encoded instead (its data then ends with ``>``); its content
    is the same.
    """

    def _prep_dom_for_writing(self) -> None:  # the last step before pyHanko writes the objects
        super()._prep_dom_for_writing()
        for obj in list(self.objects.values()):
            if isinstance(obj, generic.StreamObject) and obj.encoded_data.endswith(b"\r"):
                obj.apply_filter("/ASCIIHexDecode")


def vn_writer(stream: BinaryIO, moment: datetime | None = None) -> IncrementalPdfFileWriter:
    """An incremental writer over ``stream`` whose revision is dated in Vietnam time (and no stream ends with CR).

    Args:
        stream: The PDF so far.
        moment: The revision's modify date (e.g. the signing time); default the time of writing.
    """
    writer = _ArchiveWriter(stream, strict=False)
    # pyHanko keeps the revision's metadata in `_meta` and sets its modify date to "now" just
    # before writing; this subclass turns that "now" into Vietnam time (tested in test_signing).
    writer._meta = _VietnamDates(pinned=moment.astimezone(VN_TZ) if moment else None)  # noqa: SLF001
    return writer


@lru_cache(maxsize=4)
def http_timestamper(tsa_url: str) -> HTTPTimeStamper:
    """One timestamp client per server and process.

    pyHanko sizes the signature container with a sample token it asks the TSA for once per
    client: a client per document would double the TSA requests.
    """
    return HTTPTimeStamper(tsa_url, timeout=_TSA_TIMEOUT_S)


def add_document_timestamp(writer: IncrementalPdfFileWriter, timestamper: HTTPTimeStamper, *,
                           md_algorithm: str, context: ValidationContext) -> BytesIO:
    """Add a document timestamp over everything ``writer`` holds; return the new file.

    The TSA's own validation data goes into the DSS in the timestamp's revision, before the
    timestamp, without VRI (deprecated by ETSI EN 319 142-1): the document timestamp then covers
    the whole file, with nothing unprotected after it.
    """
    out = BytesIO()
    PdfTimeStamper(timestamper).timestamp_pdf(
        writer, md_algorithm, validation_context=context, output=out,
        dss_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True))
    return out


@contextmanager
def signing_errors() -> Iterator[None]:
    """Let our own errors through; turn any other into a :class:`SigningError` (see :func:`signing_error`)."""
    try:
        yield
    except SohoaError:
        raise
    except Exception as exc:
        raise signing_error(exc) from exc


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
