"""A JPEG-compressed TIFF frame → the same JPEG data as one standalone JPEG file, not re-encoded.

Scanners and MFPs often write multi-page TIFF with JPEG compression (TIFF compression 7). Each
strip of such a frame is an abbreviated baseline JPEG sharing the tables of tag 347. Decoding the
frame and storing it as PNG would make the archival page 3-5 times bigger than the scanner's own
data and cost a PNG encode per page; instead the strips' entropy-coded data are joined into one
baseline JPEG, with a restart marker at each strip boundary (each strip starts its DC prediction
afresh, exactly as after a restart), as libtiff's ``tiff2pdf`` does. The result is decoded and
compared with the frame as decoded from the TIFF; anything unusual (RGB-coded JPEG, tiles,
progressive or restart-coded strips, a mismatch) returns ``None`` and the caller keeps the
lossless PNG path.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import numpy as np
from PIL import Image

_SOI, _EOI, _SOS, _DRI = b"\xff\xd8", b"\xff\xd9", 0xDA, 0xDD
_BASELINE_SOF = {0xC0, 0xC1}
_PHOTOMETRIC_GREY, _PHOTOMETRIC_YCBCR = 1, 6
_MAX_DIFFERENCE = 2
"""Largest pixel difference allowed between the joined JPEG and the TIFF frame as Pillow decodes
them (two libjpeg builds may round an upsampled chroma sample differently by one or two)."""


def _segments(data: bytes) -> tuple[list[tuple[int, bytes]], int] | None:
    """(marker, whole segment) pairs after SOI up to and including SOS, and where the scan data starts."""
    if not data.startswith(_SOI):
        return None
    pos, out = 2, []
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI: a tables-only stream
            return out, pos
        if pos + 4 > len(data):
            return None
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:pos + 2 + length]
        out.append((marker, segment))
        pos += 2 + length
        if marker == _SOS:
            return out, pos
    return None


def _sof_fields(segment: bytes) -> tuple[int, int, bytes]:
    """(height, width, the rest: component specifications) of an SOF segment."""
    return int.from_bytes(segment[5:7], "big"), int.from_bytes(segment[7:9], "big"), segment[9:]


def _join(tables: bytes | None, strips: list[bytes], rows_per_strip: int, dpi: float | None) -> bytes | None:
    shared: list[bytes] = []
    if tables:
        parsed = _segments(tables)
        if parsed is None:
            return None
        shared = [seg for _, seg in parsed[0]]
    sof = sos = None
    extra: list[bytes] = []
    scans, total_height = [], 0
    for number, strip in enumerate(strips):
        parsed = _segments(strip)
        if parsed is None or not strip.endswith(_EOI):
            return None
        segments, scan_start = parsed
        markers = {m for m, _ in segments}
        if _DRI in markers or not markers & _BASELINE_SOF or segments[-1][0] != _SOS:
            return None
        this_sof = next(seg for m, seg in segments if m in _BASELINE_SOF)
        height, width, components = _sof_fields(this_sof)
        if number == 0:
            sof, sos = this_sof, segments[-1][1]
            extra = [seg for m, seg in segments if m not in _BASELINE_SOF and m != _SOS]
        elif (_sof_fields(sof)[1:] != (width, components) or segments[-1][1] != sos
              or [seg for m, seg in segments if m not in _BASELINE_SOF and m != _SOS] != extra):
            return None
        if number < len(strips) - 1 and height != rows_per_strip:
            return None
        total_height += height
        scans.append(strip[scan_start:-2])
    if sof is None or sos is None:
        return None
    _, width, components = _sof_fields(sof)
    count = components[0]
    h_max = max(components[2 + 3 * i] >> 4 for i in range(count))
    v_max = max(components[2 + 3 * i] & 0x0F for i in range(count))
    if len(strips) > 1 and rows_per_strip % (8 * v_max):
        return None
    mcus_per_strip = math.ceil(width / (8 * h_max)) * (rows_per_strip // (8 * v_max))
    if len(strips) > 1 and not 0 < mcus_per_strip < 65536:
        return None
    # JFIF: units 1 (dots per inch) and the density, or units 0 (aspect ratio only) when unknown
    units, density = (1, round(dpi).to_bytes(2, "big")) if dpi else (0, (1).to_bytes(2, "big"))
    jfif = b"\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes((units,)) + density + density + b"\x00\x00"
    out = [_SOI, jfif, *shared, *extra, sof[:5] + total_height.to_bytes(2, "big") + sof[7:]]
    if len(strips) > 1:
        out.append(b"\xff\xdd\x00\x04" + mcus_per_strip.to_bytes(2, "big"))
    out.append(sos)
    for number, scan in enumerate(scans):
        if number:
            out.append(bytes((0xFF, 0xD0 + (number - 1) % 8)))
        out.append(scan)
    out.append(_EOI)
    return b"".join(out)


def standalone_jpeg(read_at: Callable[[int, int], bytes], frame: Image.Image, dpi: float | None) -> bytes | None:
    """The current frame of the TIFF ``frame`` as one JPEG file, or None.

    ``read_at(offset, size)`` reads the TIFF file's bytes (through the descriptor it was opened
    from). The frame must be loaded; the JPEG carries a JFIF header with ``dpi`` (None: unknown).
    """
    tags = frame.tag_v2
    photometric = tags.get(262)
    if tags.get(259) != 7 or tags.get(322) is not None or frame.mode not in {"L", "RGB"}:
        return None
    if (frame.mode, photometric) not in {("L", _PHOTOMETRIC_GREY), ("RGB", _PHOTOMETRIC_YCBCR)}:
        return None
    offsets, counts = tags.get(273), tags.get(279)
    if not offsets or not counts or len(offsets) != len(counts):
        return None
    rows = int(tags.get(278) or frame.height)
    strips = [read_at(offset, count) for offset, count in zip(offsets, counts, strict=True)]
    tables = tags.get(347)
    joined = _join(bytes(tables) if tables else None, strips, rows, dpi)
    if joined is None:
        return None
    try:
        with Image.open(io.BytesIO(joined)) as check:
            check.load()
            if check.size != frame.size or check.mode != frame.mode:
                return None
            difference = np.abs(np.asarray(check, dtype=np.int16) - np.asarray(frame, dtype=np.int16))
    except (OSError, SyntaxError, ValueError):
        return None
    return joined if int(difference.max(initial=0)) <= _MAX_DIFFERENCE else None
