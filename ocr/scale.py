"""The page's resolution from its text, when the file's tag is missing or cannot be believed.

Phones write a meaningless 72-dpi JFIF tag, screenshots and many converters 96, and some files
none at all. Taking such a tag (or a 300-dpi default) at its word makes the OCR copy the wrong
size: a phone photo at "72 dpi" was upscaled 4.17 times, a 576×960 page without a tag was read as
a postage stamp at 300 dpi and its letters then taken for specks and leaders (issue #16).

The text itself carries the scale: administrative documents are set in 12-14 pt type (NĐ 30/2020
asks for 13-14 pt Times New Roman; forms use 12-13 pt), whose x-height, the height of the most
common letters, is about 0.08 inch. The x-height in pixels is the peak of the height
distribution of letter-sized ink components, weighted by their ink, so tone marks and dots
(many, but small) do not pull it down.
"""

from __future__ import annotations

import cv2
import numpy as np

X_HEIGHT_INCH = 0.08
"""x-height of 13 pt Times New Roman / Liberation Serif (0.448 em), the body size of the documents."""
MIN_LINES = 5
"""Fewer text-line pieces than this (four strips of the page): too little text to measure."""
MIN_COMPONENTS = 40
"""Fewer letter-sized components than this: too little text to measure its size."""
SCREEN_DPI = (72.0, 96.0)
"""Tags that say "no resolution was recorded": phones' JFIF default and screens'."""
PLAUSIBLE_PAGE_INCH = (2.5, 18.0)
"""A tagged resolution is believed when the page it makes is this long (long side, inches)."""
A4_LONG_INCH = 11.69
"""The page size assumed when the text cannot say (or while the resolution is still unknown)."""
SMALL_PAGE_INCH = 5.5
"""A page whose long side is shorter than this (A6 is 5.8 inch) is smaller than documents come."""
ESTIMATE_RANGE = (40.0, 1200.0)
"""Estimates outside this range are measurement failures."""


def text_x_height(binary: np.ndarray) -> float | None:
    """The x-height in pixels of the text in a 0/1 ink image, or None when there is too little text."""
    found = _x_height(binary)
    return found[0] if found else None


def _x_height(binary: np.ndarray) -> tuple[float, float] | None:
    """(x-height in pixels, share of the letters' weight at that height), or None.

    Letter heights form two peaks: x-height letters (a, c, e, n, o …, the most frequent) and tall
    ones (capitals, ascenders, descenders), about 1.45 times as high; tone marks and dots form a
    third, lower one. The x-height is the lower of the two peaks that stand in that ratio; a page
    where no such pair stands out is not measured.
    """
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 1:
        return None
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    limit = int(max(8, binary.shape[0] // 12))
    letter = (h >= 3) & (h <= limit) & (w <= 3 * h) & (h <= 4 * w) & (area >= 0.12 * w * h)
    if letter.sum() < MIN_COMPONENTS:
        return None
    heights = h[letter]
    # Weighted by height: tone marks and specks are many but small.
    hist = np.bincount(heights, weights=heights, minlength=limit + 2)
    cumulative = np.concatenate([[0.0], np.cumsum(hist)])
    # Components within ±8 % of each height: as sharp a peak at 6 px as at 40 px.
    sizes = np.arange(len(hist))
    lo, hi = np.floor(sizes * 0.92).astype(int), np.minimum(len(hist), np.ceil(sizes * 1.08).astype(int) + 1)
    smooth = cumulative[hi] - cumulative[lo]
    total = float(heights.sum())
    def mass(k: np.ndarray) -> np.ndarray:
        return np.interp(k, sizes, smooth)

    # x-height letters, with tall letters 1.45 times as high above them and little 1.45 times below.
    candidates = np.arange(4, len(smooth), dtype=np.float64)
    score = mass(candidates) + 0.7 * mass(candidates * 1.45) - 0.7 * mass(candidates / 1.45)
    best = int(np.argmax(score))
    if mass(candidates[best]) < 0.1 * total:
        return None
    low = candidates[best]
    near = (heights >= low * 0.92) & (heights <= low * 1.08)
    x_height = float(heights[near].mean()) if near.any() else float(low)
    return x_height, float(mass(np.array([low]))[0] / total)


def core_height(binary: np.ndarray) -> float | None:
    """The height in pixels of the text lines' core (the x-height band, where most of a line's ink
    lies), from the row profiles of the levelled ink in four vertical strips; None without lines.

    Unlike letter heights, it holds where blur has merged letters into words and tone marks into
    their letters (a phone photo at 100-150 dpi).
    """
    from ocr.geometry import estimate_skew
    from ocr.imaging import rotate_bound_same

    h, w = binary.shape
    factor = min(1.0, 800 / max(h, w))
    probe = cv2.resize(binary, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    skew, _ = estimate_skew((probe > 0).astype(np.uint8), max_degrees=10)
    level = rotate_bound_same(binary, skew, border=0, interpolation=cv2.INTER_NEAREST)
    cores = []
    width = max(1, level.shape[1] // 4)
    for x0 in range(0, level.shape[1] - width + 1, width):
        profile = level[:, x0:x0 + width].sum(axis=1).astype(np.float64)
        top = profile.max(initial=0)
        if top == 0:
            continue
        on = np.concatenate([[False], profile > 0.08 * top, [False]])
        edges = np.flatnonzero(np.diff(on.astype(np.int8)))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            line = profile[start:end]
            if end - start >= 3 and line.max() > 0.2 * top:
                cores.append(int((line >= 0.5 * line.max()).sum()))
    return float(np.median(cores)) if len(cores) >= MIN_LINES else None


def dpi_from_text(gray: np.ndarray, *, photo: bool = False) -> float | None:
    """The resolution at which the page's x-height is :data:`X_HEIGHT_INCH`, from a greyscale page.

    On a scan it is measured on the letters (:func:`text_x_height`, within 10 % on the generated
    pages), on a photo on the lines' core (:func:`core_height`: blur merges a photo's letters);
    each is the other's fallback.
    """
    h, w = gray.shape
    # Large photos are measured at about 2.5 Mpx: letters stay well over 10 px tall at any scan size.
    factor = min(1.0, (2.5e6 / max(1, h * w)) ** 0.5)
    small = cv2.resize(gray, (max(1, round(w * factor)), max(1, round(h * factor))),
                       interpolation=cv2.INTER_AREA) if factor < 1 else gray
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if _sideways(binary):  # the page lies on its side: its lines run down
        binary = np.ascontiguousarray(binary.T)
    ways = (core_height, text_x_height) if photo else (text_x_height, core_height)
    size = ways[0](binary)
    if size is None:
        size = ways[1](binary)
    if size is None:
        return None
    dpi = size / factor / X_HEIGHT_INCH
    return dpi if ESTIMATE_RANGE[0] <= dpi <= ESTIMATE_RANGE[1] else None


def _sideways(binary: np.ndarray) -> bool:
    """Whether the text lines run down the page (by their shape on a small copy)."""
    from ocr.geometry import SIDEWAYS_MARGIN, line_shape_score

    h, w = binary.shape
    factor = min(1.0, 900 / max(h, w))
    small = cv2.resize(binary, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    small = (small > 0).astype(np.uint8)
    return line_shape_score(np.ascontiguousarray(small.T)) > line_shape_score(small) + SIDEWAYS_MARGIN


def tag_believable(dpi: float, *, known: bool, long_side_px: int) -> bool:
    """Whether a file's resolution tag can be used: stated, and not a screen default unless the
    page it makes is paper-sized (a 96-dpi chart in a PDF keeps its size, a 72-dpi phone photo
    of 4000 px, "55 inches long", does not)."""
    if not known:
        return False
    return _paper_sized(long_side_px / dpi) if dpi in SCREEN_DPI else True


def _paper_sized(inches: float) -> bool:
    return PLAUSIBLE_PAGE_INCH[0] <= inches <= PLAUSIBLE_PAGE_INCH[1]


def page_resolution(gray: np.ndarray, *, dpi: float, known: bool, default: float = 300.0,
                    photo: bool = False) -> tuple[float, str]:
    """The resolution to use for a page and where it comes from: ``tag``, ``estimated`` or ``default``.

    The tag is used when the file states one that is not a screen default (72/96 dpi) or, for a
    screen default, when it makes a paper-sized page (a 96-dpi chart in a PDF keeps its size).
    Otherwise the resolution is measured from the text; a measurement that would make the page
    larger than paper comes (a misreading) gives way to the page's size taken as A4's. A page
    with too little text to measure keeps the tag if there is one, else ``default``. A tag that
    makes the page smaller than a half sheet (:data:`SMALL_PAGE_INCH`) is checked against the
    text too: when the text says the page is a sheet of paper, the text wins (a 70-dpi export
    tagged "200"). A photo's screen-default tag is never believed (the sheet in it may come out
    paper-sized at 72 dpi by chance).
    """
    long_side = max(gray.shape)
    if tag_believable(dpi, known=known and not (photo and dpi in SCREEN_DPI), long_side_px=long_side):
        if long_side / dpi >= SMALL_PAGE_INCH:
            return dpi, "tag"
        estimate = dpi_from_text(gray, photo=photo)
        if estimate is not None and SMALL_PAGE_INCH <= long_side / estimate <= PLAUSIBLE_PAGE_INCH[1] \
                and estimate < dpi / 1.5:
            return round(estimate, 1), "estimated"
        return dpi, "tag"
    estimate = dpi_from_text(gray, photo=photo)
    if estimate is not None:
        if long_side / estimate > PLAUSIBLE_PAGE_INCH[1]:
            estimate = long_side / A4_LONG_INCH
        return round(estimate, 1), "estimated"
    return (dpi, "tag") if known else (default, "default")
