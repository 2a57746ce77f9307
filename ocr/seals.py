"""Red seals lifted off the OCR copy's grey, so the text under them reads.

Vietnamese administrative documents carry a red round seal (con dấu) over the signature and,
often, over the signer's name and the last lines; e-copies carry a small red seal beside the
digital-signature box. In plain luma a seal's red is a mid grey that a threshold turns into
blots across the letters under it. Inside a seal's outline, each pixel takes the lighter of its
luma and its red channel: red ink becomes paper-light, while black print and blue ink (a
signature, a handwritten number), dark in red too, stay as they are. Red ink elsewhere — a
handwritten number, a "HỎA TỐC" stamp (a box, not a circle) — is left alone; only the OCR copy
changes, the archived image keeps its seal.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

SEAL_INCH = (0.5, 2.6)
"""Diameter range of seals: office seals (Nghị định 99/2016: 30-45 mm for most, up to 60 mm) and the
small seal of an e-copy's digital-signature box."""
ROUND = 0.12
"""Largest share of a seal's red outside the circle its box holds: a seal is round, an urgency
stamp ("HỎA TỐC", "KHẨN") or a receipt stamp is a box of text, and stays."""
FIND_DPI = 50.0
"""Resolution the seals are looked for at."""
MIN_RED_SHARE = 0.02
"""Least share of a seal's box in red ink (a seal's ring and letters)."""


def _red_mask(rgb: np.ndarray) -> np.ndarray:
    """Strongly red (or magenta) pixels: seal ink, not black, blue or the paper."""
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    return ((r - np.maximum(g, b) > 50) & (r > 110)).astype(np.uint8)


def seal_boxes(rgb_small: np.ndarray, *, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in ``rgb_small`` pixels) of round red seals."""
    red = _red_mask(rgb_small)
    if red.sum() < 20:
        return []
    k = max(3, round(0.15 * dpi) | 1)
    merged = cv2.dilate(red, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    boxes = []
    low, high = SEAL_INCH[0] * dpi, SEAL_INCH[1] * dpi
    for x, y, w, h, _ in stats[1:count]:
        if not (low <= w <= high and low <= h <= high and 0.7 <= w / h <= 1.4):
            continue
        inked = red[y:y + h, x:x + w]
        if inked.mean() >= MIN_RED_SHARE and _round(inked):
            boxes.append((int(x), int(y), int(x + w), int(y + h)))
    return boxes


def _round(inked: np.ndarray) -> bool:
    """Whether the red in a box lies within the circle (ellipse) the box holds."""
    h, w = inked.shape
    ys, xs = np.mgrid[0:h, 0:w]
    outside = ((xs + 0.5 - w / 2) / (w / 2)) ** 2 + ((ys + 0.5 - h / 2) / (h / 2)) ** 2 > 1.08 ** 2
    total = int(inked.sum())
    return total > 0 and int(inked[outside].sum()) <= ROUND * total


def load_ocr_gray(path: Path, *, dpi: float | None = None) -> np.ndarray:
    """A page as 8-bit grey for OCR: luma, with round red seals lifted to the lighter of luma and red.

    ``dpi`` sizes the seals (None: the page is taken to be A4 tall). A colour JPEG is looked at
    in libjpeg's reduced decode first; it is decoded in full colour only when it has a seal.
    """
    with Image.open(path) as im:
        width, size, is_jpeg = im.width, im.size, im.format == "JPEG"
        if im.mode not in {"RGB", "YCbCr", "RGBA", "CMYK", "P"}:
            return np.asarray(im.convert("L"))
        page_dpi = dpi or max(size) / 11.69
        if is_jpeg:
            factor = FIND_DPI / page_dpi
            im.draft("RGB", (max(1, round(size[0] * factor)), max(1, round(size[1] * factor))))
        rgb = np.asarray(im.convert("RGB"))
    shrink = FIND_DPI / (page_dpi * rgb.shape[1] / width)
    small = rgb if shrink >= 1 else cv2.resize(
        rgb, (max(1, round(rgb.shape[1] * shrink)), max(1, round(rgb.shape[0] * shrink))), interpolation=cv2.INTER_AREA)
    boxes = seal_boxes(small, dpi=page_dpi * small.shape[1] / width)
    if not boxes and rgb.shape[1] == width:
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    with Image.open(path) as im:
        if not boxes:
            if is_jpeg and im.mode in {"RGB", "YCbCr"}:
                im.draft("L", im.size)  # libjpeg decodes the luma plane only: same grey, half the work
            return np.asarray(im.convert("L"))
        if rgb.shape[1] != width:
            rgb = np.asarray(im.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = width / small.shape[1]
    for x0, y0, x1, y1 in boxes:
        pad = 0.05 * (x1 - x0)
        ys = slice(max(0, round((y0 - pad) * scale)), round((y1 + pad) * scale))
        xs = slice(max(0, round((x0 - pad) * scale)), round((x1 + pad) * scale))
        gray[ys, xs] = np.maximum(gray[ys, xs], rgb[ys, xs, 0])
    return gray
