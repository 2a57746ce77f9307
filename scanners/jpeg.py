"""Only the scan of a JPEG page is archived: from its first SOI to its EOI, image segments only.

A JPEG page file can carry much that is not the image: data appended after the end of image (a
ZIP after the JPEG reads as both), EXIF with GPS positions and device serial numbers, comments,
thumbnails, XMP. None of it may reach the signed archival PDF. :func:`clean_jpeg` keeps the
segments a decoder needs — quantisation and Huffman tables, frame and scan headers, restart
interval, the JFIF header (density) and Adobe's colour-transform marker — and every scan's
entropy-coded data byte for byte, so the image is exactly the scanner's, not re-encoded.
What is worth keeping for provenance (device make and model, software, capture time) is read by
:func:`provenance` and recorded in the page manifest instead.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime

from PIL import Image

_SOI, _EOI = b"\xff\xd8", b"\xff\xd9"
_SOS = 0xDA
_KEEP = {*range(0xC0, 0xD0), 0xDB, 0xDC, 0xDD, 0xDA}
"""SOFn, DHT, DAC, DQT, DNL, DRI, SOS: what decoding needs."""
_STANDALONE = {*range(0xD0, 0xD8), 0x01}
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
"""The end of entropy-coded data: 0xFF followed by neither a stuffed zero, a restart nor a fill byte."""


def _keep_app(marker: int, segment: bytes) -> bool:
    if marker == 0xE0:
        return segment[4:9] == b"JFIF\x00"  # JFIF (density); JFXX thumbnails dropped
    if marker == 0xEE:
        return segment[4:9] == b"Adobe"  # the colour transform flag decoders read
    return False


def clean_jpeg(data: bytes) -> bytes | None:
    """The JPEG in ``data`` from its first SOI to its EOI with only image segments, or None.

    None when the structure cannot be followed to an EOI (truncated or damaged data): the caller
    then decodes the image instead.
    """
    start = data.find(_SOI)
    if start < 0:
        return None
    out, pos, end = [_SOI], start + 2, len(data)
    while pos + 1 < end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            out.append(_EOI)
            return b"".join(out)
        if marker in _STANDALONE:
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        if pos + 4 > end:
            return None
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > end:
            return None
        segment = data[pos:pos + 2 + length]
        pos += 2 + length
        if marker in _KEEP or (0xE0 <= marker <= 0xEF and _keep_app(marker, segment)):
            out.append(segment)
        if marker == _SOS:
            found = _MARKER.search(data, pos)
            if found is None:
                return None
            out.append(data[pos:found.start()])
            pos = found.start()
    return None


def with_jfif_dpi(data: bytes, dpi: float) -> bytes:
    """JPEG bytes with their JFIF density set to ``dpi`` (header only; the image data is untouched)."""
    density = struct.pack(">BHH", 1, round(dpi), round(dpi))
    if data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00":
        return data[:13] + density + data[18:]
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01" + density + b"\x00\x00"
    return data[:2] + app0 + data[2:]


_TAGS = {"make": 271, "model": 272, "software": 305}
_DATETIME, _EXIF_IFD, _DATETIME_ORIGINAL = 306, 0x8769, 36867
_ORIENTATION = 274


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in value if ch.isprintable()).strip()
    return text[:64] or None


def _when(value: object) -> str | None:
    text = _text(value)
    try:
        return datetime.strptime(text or "", "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def provenance(image: Image.Image) -> dict[str, str]:
    """What the file says of its capture: ``make``, ``model``, ``software``, ``captured`` (ISO 8601, local
    time as the device wrote it) and ``orientation`` (EXIF 2–8: the viewer turns the image), when present.

    Never GPS positions, serial numbers, owner names or comments.
    """
    try:
        exif = image.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    facts = {key: _text(exif.get(tag)) for key, tag in _TAGS.items()}
    facts["captured"] = _when(sub.get(_DATETIME_ORIGINAL)) or _when(exif.get(_DATETIME))
    orientation = exif.get(_ORIENTATION)
    if isinstance(orientation, int) and 2 <= orientation <= 8:
        facts["orientation"] = str(orientation)
    return {key: value for key, value in facts.items() if value}
