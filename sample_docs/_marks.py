"""Marks people put on paper after it is printed: signatures, seals, and copies of copies.

Drawn in the render's greyscale ("L"): a red seal or a blue signature comes out mid-grey, as on a
greyscale scan (colour degradations are ``_degrade``'s business). Signatures are pen scribbles that
cross the text lines above and below them; a seal is the round agency stamp NĐ 30/2020 puts over
about a third of the signature, on the left, reaching over the signer's title and name.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from sample_docs import _render as r
from sample_docs._render import Ctx, Piece

SEAL_GREY = 120
"""A red stamp's ink on a greyscale scan."""
PEN_GREY = 60


def _scribble(d: ImageDraw.ImageDraw, rng: random.Random, cx: float, cy: float, w: float, h: float,
              width: int) -> None:
    """A pen signature: a few loops and a long tail, centred at (cx, cy)."""
    points = []
    x = cx - w / 2
    for k in range(rng.randint(18, 30)):
        x += w / 24 * rng.uniform(0.5, 1.5)
        y = cy + math.sin(k * rng.uniform(0.9, 1.6)) * h / 2 * rng.uniform(0.5, 1.0)
        points.append((x, y))
    points.append((cx + w / 2 + rng.uniform(0, w / 3), cy - h * rng.uniform(0.2, 0.8)))  # the tail
    d.line(points, fill=PEN_GREY, width=width, joint="curve")


def signatures(ctx: Ctx, blocks: int, *, seed: int, only: int | None = None) -> list[Piece]:
    """A strip holding a signature under each signature block, crossing the lines above it."""
    height = ctx.line * 2
    width = (ctx.right - ctx.left) / blocks

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        rng = random.Random(f"sign:{seed}:{y}")
        for n in range(blocks):
            if only is not None and n != only:
                continue
            cx = ctx.left + (n + 0.5) * width + rng.uniform(-width / 8, width / 8)
            _scribble(d, rng, cx, y + height * 0.2, width * 0.55, ctx.line * 1.6, max(2, ctx.px(0.4)))
    return [Piece(height, draw)]


def seal(ctx: Ctx, agency: str, *, seed: int, x_frac: float = 0.62, up: float = 1.0) -> list[Piece]:
    """The agency's round seal (ring text, star) over the signature: a zero-height piece drawn over
    the lines above it (``up`` line pitches) and below it."""
    radius = ctx.px(17)

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        rng = random.Random(f"seal:{seed}:{y}")
        cx = ctx.left + (ctx.right - ctx.left) * x_frac + rng.uniform(-ctx.px(4), ctx.px(4))
        cy = y - ctx.line * up + rng.uniform(-ctx.px(3), ctx.px(3))
        layer = Image.new("L", (2 * radius + 4, 2 * radius + 4), 255)
        ld = ImageDraw.Draw(layer)
        c = radius + 2
        ld.ellipse([2, 2, 2 * radius + 2, 2 * radius + 2], outline=SEAL_GREY, width=max(2, ctx.px(0.8)))
        ld.ellipse([c - radius * 0.62, c - radius * 0.62, c + radius * 0.62, c + radius * 0.62],
                   outline=SEAL_GREY, width=max(1, ctx.px(0.4)))
        f = r.font("bold", max(6, round(radius * 0.2)), "dejavu-sans")
        text = agency.upper()
        for k, char in enumerate(text):
            angle = math.pi * (0.85 + 1.3 * k / max(1, len(text) - 1))
            ld.text((c + math.cos(angle) * radius * 0.8, c + math.sin(angle) * radius * 0.8), char,
                    font=f, fill=SEAL_GREY, anchor="mm")
        star = [(c + math.cos(math.pi / 2 + k * math.pi / 5 * 2 * 2) * radius * 0.35 * (1 if k % 2 == 0 else 1),
                 c - math.sin(math.pi / 2 + k * 4 * math.pi / 5) * radius * 0.35) for k in range(5)]
        ld.polygon(star, fill=SEAL_GREY)
        layer = layer.rotate(rng.uniform(-25, 25), fillcolor=255)
        page = d._image  # noqa: SLF001 - the page under this ImageDraw
        box = (round(cx - c), round(cy - c))
        region = page.crop((box[0], box[1], box[0] + layer.width, box[1] + layer.height))
        page.paste(ImageChops.darker(region, layer), box)
    return [Piece(0, draw)]


def photocopy(img: Image.Image, rng: random.Random, generations: int = 1) -> Image.Image:
    """A copy of a copy: each generation blurs a little, darkens and crushes the greys of the strokes,
    greys the paper unevenly and adds toner specks; the first may also thicken strokes."""
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    gen = np.random.default_rng(rng.getrandbits(64))
    for n in range(generations):
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        if n == 0 and rng.random() < 0.4:
            out = out.filter(ImageFilter.MinFilter(3))
        arr = np.asarray(out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6))), dtype=np.float32)
        arr = np.where(arr < 170, arr * rng.uniform(0.6, 0.8), np.minimum(255, arr * 1.02 + 3))
        mottle = np.asarray(Image.fromarray(gen.normal(0, 10, (arr.shape[0] // 24 + 1, arr.shape[1] // 24 + 1))
                                            .astype(np.float32)).resize(arr.shape[::-1], Image.BILINEAR))
        arr = arr - np.clip(mottle, 0, None) * 0.5
        specks = gen.random(arr.shape) < rng.uniform(0.0001, 0.0004)
        arr[specks] = gen.uniform(40, 110, int(specks.sum()))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
