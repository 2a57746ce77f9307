"""Make clean renders look like office-scanner output, deterministically from a seeded RNG.

Geometry convention (the one the truth files record):

* the page is first skewed by ``applied`` degrees **counter-clockwise** in its upright frame
  (``PIL.Image.rotate(applied)``), then turned counter-clockwise by ``rotation`` ∈ {0, 90, 180, 270};
* a reader restores it by turning the scan **clockwise** by ``rotation`` and then rotating it
  counter-clockwise by ``skew = -applied`` degrees (``PIL.Image.rotate(skew)``,
  ``cv2.getRotationMatrix2D(center, skew, 1)``).

Beyond the office scanner, a profile may ask for other captures (:mod:`sample_docs._capture`):
phone photos, low-resolution exports, red seals over the text, bilevel pages. A page made so
says what it is in ``scan.info``: ``sohoa_capture`` (``scan``, ``photo``, ``low_res``, ``seal``,
``bilevel``) and ``sohoa_dpi`` (the text's real resolution in the image). A photo's truth skew is
0 (its slant is part of the perspective).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

from sample_docs import _capture


@dataclass(frozen=True)
class Profile:
    """How hard to degrade: limits and probabilities for one generated set."""

    max_skew: float = 5.0
    p_no_skew: float = 0.15
    p_turn: float = 0.12
    p_grey: float = 0.4
    p_border: float = 0.35
    noise: tuple[float, float] = (3.0, 9.0)
    blur: tuple[float, float] = (0.3, 0.9)
    jpeg: tuple[int, int] = (55, 85)
    speckles: tuple[int, int] = (20, 200)
    p_duplex: float = 0.3
    quality: int = 75
    lossless: float = 0.2
    p_photo: float = 0.0
    """Share of pages photographed with a phone instead of scanned."""
    p_low_res: float = 0.0
    """Share of pages exported at 60-110 dpi."""
    p_seal: float = 0.0
    """Share of pages with a red seal over their lower right."""
    p_bilevel: float = 0.0
    """Share of pages scanned black and white."""
    held_out: bool = False
    """Draw captures from the ranges kept out of tuning (:mod:`sample_docs._capture`)."""

    @property
    def captures(self) -> bool:
        return bool(self.p_photo or self.p_low_res or self.p_seal or self.p_bilevel)


OFFICE = Profile()
#: the committed demo set: mild, and tuned for size (blur and low noise keep JPEGs small)
DEMO = Profile(max_skew=3.0, p_no_skew=0.15, p_turn=0.0, p_grey=0.4, p_border=0.3,
               noise=(1.2, 2.0), blur=(0.6, 0.8), jpeg=(65, 80), speckles=(10, 60),
               p_duplex=0.0, quality=60, lossless=0.0)
#: the widest variation: office scans with every other capture mixed in (``bench/volume.py``)
WIDE = Profile(max_skew=8.0, p_turn=0.15, p_photo=0.15, p_low_res=0.1, p_seal=0.2, p_bilevel=0.1)
#: the same, drawn from the ranges kept out of tuning
WIDE_HELD_OUT = Profile(max_skew=8.0, p_turn=0.15, p_photo=0.15, p_low_res=0.1, p_seal=0.2, p_bilevel=0.1,
                        held_out=True)
PROFILES = {"office": OFFICE, "demo": DEMO, "wide": WIDE, "wide-held-out": WIDE_HELD_OUT}


def _np_rng(rng: random.Random) -> np.random.Generator:
    """A numpy generator seeded from (and advancing) ``rng``."""
    return np.random.default_rng(rng.getrandbits(64))


def _paper(rng: random.Random) -> tuple[int, int, int]:
    """A slightly off-white paper colour."""
    base = rng.randint(238, 250)
    return base, base - rng.randint(0, 4), base - rng.randint(2, 10)


def _ink_on_paper(img: Image.Image, paper: tuple[int, int, int], ink: int) -> np.ndarray:
    """Map a white/black "L" render to RGB float paper and ink colours."""
    a = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    out = np.empty(a.shape + (3,), dtype=np.float32)
    for c in range(3):
        out[..., c] = ink + (paper[c] - ink) * a
    return out


def _skew(arr: np.ndarray, angle: float, paper: tuple[int, int, int]) -> np.ndarray:
    """Rotate by ``angle`` degrees counter-clockwise about the centre, filling with paper."""
    if angle == 0:
        return arr
    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(float(p) for p in paper))


def _border(arr: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A dark scanner-lid strip along one edge."""
    h, w = arr.shape[:2]
    size = max(2, round(rng.uniform(1.5, 5.0) / 25.4 * dpi))
    shade = rng.uniform(20, 70)
    edge = rng.choice(("left", "right", "top", "bottom"))
    view = {"left": arr[:, :size], "right": arr[:, w - size:],
            "top": arr[:size, :], "bottom": arr[h - size:, :]}[edge]
    view[...] = shade
    return arr


def _speckles(arr: np.ndarray, gen: np.random.Generator, count: int) -> np.ndarray:
    """Dust: ``count`` small dark dots."""
    h, w = arr.shape[:2]
    ys = gen.integers(0, h, count)
    xs = gen.integers(0, w, count)
    radii = gen.integers(1, 4, count)
    shades = gen.uniform(30, 120, count)
    for y, x, rad, s in zip(ys, xs, radii, shades):
        cv2.circle(arr, (int(x), int(y)), int(rad), (float(s),) * 3, -1)
    return arr


def _jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    """Encode and decode as JPEG to add block artefacts."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    with Image.open(buf) as out:
        return out.copy()


def _finish(arr: np.ndarray, rng: random.Random, gen: np.random.Generator, profile: Profile,
            grey: bool) -> Image.Image:
    """Noise, clipping, colour mode and JPEG artefacts."""
    arr += gen.normal(0, rng.uniform(*profile.noise), arr.shape[:2])[..., None].astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    if grey:
        img = img.convert("L")
    return _jpeg_roundtrip(img, rng.randint(*profile.jpeg))


def degrade(img: Image.Image, rng: random.Random, *, profile: Profile = OFFICE, dpi: int = 200,
            rotation: int | None = None, skew: float | None = None,
            grey: bool | None = None) -> tuple[Image.Image, int, float]:
    """Degrade one clean page like an office scanner.

    Args:
        img: clean render ("L", black on white).
        rng: seeded generator; all randomness comes from it.
        profile: limits and probabilities (:data:`OFFICE`, :data:`DEMO`).
        dpi: resolution of ``img`` (sizes the border strip).
        rotation: force the turn (0/90/180/270) instead of drawing it.
        skew: force the truth skew (degrees) instead of drawing it.
        grey: force greyscale (True) or colour (False).

    Returns:
        ``(scan, rotation, skew)`` as recorded in the truth: ``rotation`` is the clockwise turn
        that makes the scan upright, ``skew`` the counter-clockwise rotation that then deskews it.
    """
    gen = _np_rng(rng)
    paper = _paper(rng)
    if skew is None:
        skew = 0.0 if rng.random() < profile.p_no_skew else round(
            rng.uniform(-profile.max_skew, profile.max_skew), 2)
    if rotation is None:
        rotation = rng.choice((90, 180, 270)) if rng.random() < profile.p_turn else 0
    grey = rng.random() < profile.p_grey if grey is None else grey
    kind = _capture_kind(rng, profile)
    if kind == "photo":
        skew = 0.0
    arr = _skew(_ink_on_paper(img, paper, rng.randint(15, 45)), -skew, paper)
    if kind == "seal":
        arr = _capture.seal(arr, rng, dpi=dpi)
    sigma = rng.uniform(*profile.blur)
    arr = cv2.GaussianBlur(arr, (0, 0), sigma)
    real_dpi = float(dpi)
    if kind == "photo":
        arr, real_dpi = _capture.photograph(arr, rng, gen, dpi=dpi, held_out=profile.held_out)
    arr = np.ascontiguousarray(np.rot90(arr, k=rotation // 90))
    if kind != "photo":
        if rng.random() < profile.p_border:
            arr = _border(arr, rng, dpi)
        arr = _speckles(arr, gen, rng.randint(*profile.speckles))
    scan = _finish(arr, rng, gen, profile, grey)
    if kind == "low_res":
        scan, real_dpi = _capture.low_resolution(scan, rng, dpi=dpi, held_out=profile.held_out)
    elif kind == "bilevel":
        # Black and white pixels in an 8-bit page: every inbox writer takes it (JPEG has no 1-bit mode).
        scan = _capture.bilevel(scan, rng).convert("L")
    scan.info.update({"sohoa_capture": kind, "sohoa_dpi": real_dpi})
    return scan, rotation, float(skew)


def _capture_kind(rng: random.Random, profile: Profile) -> str:
    """The capture of one page; draws nothing for a scanner-only profile (its pages stay as they were)."""
    if not profile.captures:
        return "scan"
    draw = rng.random()
    for kind, share in (("photo", profile.p_photo), ("low_res", profile.p_low_res), ("seal", profile.p_seal),
                        ("bilevel", profile.p_bilevel)):
        if draw < share:
            return kind
        draw -= share
    return "scan"


def blank_back(front: Image.Image, rng: random.Random, *, profile: Profile = OFFICE,
               grey: bool = False) -> Image.Image:
    """A duplex back: paper texture, a few specks and the front bleeding through, mirrored.

    Args:
        front: the clean front render ("L"); mirrored and shown at ~5 % contrast.
        rng: seeded generator.
        profile: noise and JPEG limits.
        grey: greyscale output.

    Returns:
        The near-blank page, same size as ``front``.
    """
    gen = _np_rng(rng)
    paper = _paper(rng)
    ghost = ImageOps.mirror(front.convert("L"))
    arr = _ink_on_paper(ghost, paper, 0)
    contrast = rng.uniform(0.035, 0.06)
    arr = np.asarray(paper, np.float32) * (1 - contrast) + arr * contrast
    arr = cv2.GaussianBlur(arr.astype(np.float32), (0, 0), 2.0)
    texture = cv2.GaussianBlur(gen.normal(0, 4, arr.shape[:2]).astype(np.float32), (0, 0), 3)
    arr += texture[..., None]
    arr = _speckles(np.ascontiguousarray(arr), gen, rng.randint(3, 12))
    return _finish(arr, rng, gen, profile, grey)
