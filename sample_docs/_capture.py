"""Captures a flatbed scanner does not make: phone photos, low-resolution images, seals, bilevel pages.

Real paper reaches the archive this way too (issue #16): a clerk photographs a birth certificate
on a desk (perspective, a shadow across it, a meaningless 72-dpi tag), an old system exports a
page at 60-110 dpi with no resolution tag, the agency's red seal sits over the signer's name,
a sheet-fed scanner writes a bilevel page. Each function draws its own variation from the
caller's seeded generators.

Held out from tuning (``held_out=True``): stronger perspective, darker shadows and lower
resolutions than the ranges the pipeline was tuned on, so a bench can report on variation the
code never saw.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SEAL_RED = np.array([205.0, 40.0, 50.0], dtype=np.float32)
_FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"


def photograph(page: np.ndarray, rng: random.Random, gen: np.random.Generator, *, dpi: int,
               held_out: bool = False, long_side: tuple[int, int] = (1800, 2800)) -> tuple[np.ndarray, float]:
    """A phone photo of ``page`` (float RGB, paper and ink, at ``dpi``) lying on a desk.

    The sheet fills 70-88 % of a 3:4 frame whose long side is ``long_side`` pixels, its corners pulled
    by up to 7 % of the frame (perspective; 7-10 % held out) and turned by up to ±8°; light falls
    off across the frame and a soft shadow darkens one side to 45-70 % (35-45 % held out); the
    lens blurs it a little. Returns the frame (float RGB) and the text's resolution in it (dpi).
    """
    h, w = page.shape[:2]
    side = rng.randint(*long_side)
    frame_w, frame_h = (round(side * 0.75), side) if h >= w else (side, round(side * 0.75))
    share = rng.uniform(0.70, 0.88)
    scale = share * min(frame_w / w, frame_h / h)
    pull = rng.uniform(0.07, 0.10) if held_out else rng.uniform(0.02, 0.07)
    angle = math.radians(rng.uniform(-8, 8))
    cx, cy = frame_w / 2 + rng.uniform(-0.04, 0.04) * frame_w, frame_h / 2 + rng.uniform(-0.04, 0.04) * frame_h
    corners = []
    for x, y in ((0, 0), (w, 0), (w, h), (0, h)):
        dx, dy = (x - w / 2) * scale, (y - h / 2) * scale
        rx, ry = dx * math.cos(angle) - dy * math.sin(angle), dx * math.sin(angle) + dy * math.cos(angle)
        corners.append((cx + rx + rng.uniform(-pull, pull) * frame_w, cy + ry + rng.uniform(-pull, pull) * frame_h))
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(corners))
    desk = np.array([rng.uniform(60, 150), rng.uniform(50, 130), rng.uniform(40, 110)], dtype=np.float32)
    frame = np.empty((frame_h, frame_w, 3), dtype=np.float32)
    frame[...] = desk
    frame += cv2.GaussianBlur(gen.normal(0, 12, (frame_h, frame_w)).astype(np.float32), (0, 0), 3)[..., None]
    warped = cv2.warpPerspective(page, matrix, (frame_w, frame_h),
                                 flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    frame = frame * (1 - inside[..., None]) + warped * inside[..., None]
    frame *= _light(frame_h, frame_w, rng, held_out=held_out)[..., None]
    frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.6, 1.3))
    return frame, scale * dpi


def _light(h: int, w: int, rng: random.Random, *, held_out: bool) -> np.ndarray:
    """Uneven light: a gradient across the frame, a vignette and a soft shadow over one side."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * math.pi)
    ramp = ((xs / w - 0.5) * math.cos(theta) + (ys / h - 0.5) * math.sin(theta))
    light = 1.0 - rng.uniform(0.1, 0.3) * (ramp + 0.5)
    light *= 1.0 - 0.25 * (((xs / w - 0.5) ** 2 + (ys / h - 0.5) ** 2) * 2)
    depth = rng.uniform(0.35, 0.45) if held_out else rng.uniform(0.45, 0.70)
    edge = rng.uniform(0.2, 0.45)
    side = ramp if rng.random() < 0.5 else -ramp
    shadow = cv2.GaussianBlur((side > edge - 0.5).astype(np.float32), (0, 0), max(h, w) * 0.03)
    return light * (1 - (1 - depth) * shadow)


def low_resolution(image: Image.Image, rng: random.Random, *, dpi: int,
                   held_out: bool = False) -> tuple[Image.Image, float]:
    """``image`` (at ``dpi``) brought down to 60-110 dpi (50-60 held out), as old exports and
    screenshots are; returns the image and its new resolution."""
    target = rng.uniform(50, 60) if held_out else rng.uniform(60, 110)
    factor = target / dpi
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS), target


def seal(page: np.ndarray, rng: random.Random, *, dpi: int, text: str = "ỦY BAN NHÂN DÂN") -> np.ndarray:
    """A red round seal stamped over the lower right of ``page`` (float RGB), over the text there.

    The seal (35-42 mm across, two rings, a star and lettering round the rim) is pressed on with
    uneven ink: the page's ink shows through it, as on paper.
    """
    h, w = page.shape[:2]
    diameter = round(rng.uniform(35, 42) / 25.4 * dpi)
    layer = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(layer)
    ring = max(2, diameter // 40)
    draw.ellipse([0, 0, diameter - 1, diameter - 1], outline=255, width=ring * 2)
    inner = round(diameter * 0.2)
    draw.ellipse([inner, inner, diameter - 1 - inner, diameter - 1 - inner], outline=255, width=ring)
    r, c = diameter * 0.12, diameter / 2
    star = [(c + r * math.cos(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4),
             c + r * math.sin(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(_FONT, max(8, round(diameter * 0.09)))
    letters = f" {text} * {text} "
    for k, ch in enumerate(letters):
        a = math.radians(-180 + 360 * k / len(letters))
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size // 2, font.size // 2), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        x = c + (diameter * 0.4) * math.cos(a) - glyph.width / 2
        y = c + (diameter * 0.4) * math.sin(a) - glyph.height / 2
        layer.paste(255, (round(x), round(y)), glyph)
    alpha = np.asarray(layer, dtype=np.float32) / 255.0
    alpha *= np.clip(rng.uniform(0.7, 0.95) + np.random.default_rng(rng.getrandbits(32)).normal(0, 0.15, alpha.shape),
                     0.3, 1.0).astype(np.float32)
    x0 = round(w * rng.uniform(0.50, 0.70))
    y0 = round(h * rng.uniform(0.55, 0.80))
    x1, y1 = min(w, x0 + diameter), min(h, y0 + diameter)
    view = page[y0:y1, x0:x1]
    a = alpha[: y1 - y0, : x1 - x0, None]
    # Ink absorbs: the seal's red multiplies what is already on the paper.
    view[...] = view * (1 - a) + view * (SEAL_RED / 255.0) * a
    return page


def bilevel(image: Image.Image, rng: random.Random) -> Image.Image:
    """A sheet-fed scanner's black-and-white page: a fixed threshold between 120 and 170."""
    cut = rng.randint(120, 170)
    return image.convert("L").point(lambda v: 255 if v > cut else 0).convert("1")
