"""QR codes on scanned pages: separator sheets (``SOHOA-SEP:<code>``) and receipts (giấy tiếp nhận).

Reading uses OpenCV's own detectors (no zbar): ``QRCodeDetectorAruco`` first, the classic
``QRCodeDetector`` as a fallback, both rotation-invariant. A separator's QR code is printed
large (about 7 cm), so it is searched on a copy reduced to about 75 dpi, which is fast; a
receipt's QR code is small (2–3 cm) and is searched at about 200 dpi only when a profile asks.
"""

from __future__ import annotations

import cv2
import numpy as np

SEPARATOR_PREFIX = "SOHOA-SEP:"
"""Payload prefix of a separator sheet, so that no other QR code on a page is taken for one."""
COARSE_DPI = 75.0
FINE_DPI = 200.0
MAX_CODE_LENGTH = 100


def separator_payload(code: str) -> str:
    """The QR payload of a separator sheet for ``code`` (checked: printable, one line, not too long)."""
    check_code(code)
    return SEPARATOR_PREFIX + code


def check_code(code: str) -> str:
    """Return ``code`` if it can be a dossier code: 1–100 printable characters, no spaces at the ends."""
    if not code or len(code) > MAX_CODE_LENGTH or code != code.strip() or not code.isprintable():
        raise ValueError("a dossier code is 1 to 100 printable characters without leading or trailing spaces")
    return code


def separator_code(payloads: list[str]) -> str | None:
    """The dossier code of the first separator payload among ``payloads`` ('' for a sheet without a code)."""
    for payload in payloads:
        if payload.startswith(SEPARATOR_PREFIX):
            return payload[len(SEPARATOR_PREFIX):].strip()
    return None


def _scaled(grey: np.ndarray, dpi: float, target: float) -> np.ndarray:
    if dpi <= target * 1.15:
        return grey
    factor = target / dpi
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def _decode(detector: cv2.QRCodeDetector | cv2.QRCodeDetectorAruco, image: np.ndarray) -> tuple[list[str], bool]:
    """Decoded payloads, and whether something QR-like was found at all."""
    try:
        found, payloads, points, _ = detector.detectAndDecodeMulti(image)
    except cv2.error:
        return [], False
    decoded = [p for p in (payloads or ()) if p]
    return decoded, bool(found) or points is not None


def read_payloads(grey: np.ndarray, dpi: float, *, fine: bool = False) -> list[str]:
    """All QR payloads found on a page.

    Args:
        grey: the page as an 8-bit greyscale array, at its scanned resolution.
        dpi: the page's resolution.
        fine: also search at about 200 dpi, for small QR codes such as a receipt's.

    Returns:
        The decoded payloads (possibly empty), coarse search first.
    """
    coarse = _scaled(grey, dpi, COARSE_DPI)
    found, seen = _decode(cv2.QRCodeDetectorAruco(), coarse)
    if found:
        return found
    if seen:  # a QR-like pattern that did not decode: try the classic detector, then more pixels
        found, _ = _decode(cv2.QRCodeDetector(), coarse)
        if found:
            return found
    if seen or fine:
        detail = _scaled(grey, dpi, FINE_DPI)
        found, _ = _decode(cv2.QRCodeDetectorAruco(), detail)
        if not found:
            found, _ = _decode(cv2.QRCodeDetector(), detail)
    return found
