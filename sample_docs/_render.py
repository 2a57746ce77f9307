"""A tiny page-layout engine for the sample forms: lines, leaders, boxes and tables on A4.

Forms are described (in ``_forms``) as lists of *pieces*: unsplittable horizontal strips that
know their height, how to draw themselves and the clean text they carry. ``paginate`` stacks
them onto A4 pages and returns each page with its reading-order text, which becomes the ground
truth. Everything is drawn in greyscale ("L") on white; degradation happens later.
"""

from __future__ import annotations

import random

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

#: Font families with every Vietnamese glyph, from Debian packages that setup.sh installs:
#: Liberation 2.x (``fonts-liberation2``; the 1.x files in ``truetype/liberation`` draw tofu for
#: ộ, ư, ờ …), DejaVu (``fonts-dejavu-core``) and GNU FreeFont (``fonts-freefont-ttf``). Each family
#: maps a face to its file; the first family is the default look of the forms (Times-like serif).
_LIB2, _DEJAVU, _FREE = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu",
                         "/usr/share/fonts/truetype/freefont")
FAMILIES: dict[str, dict[str, str]] = {
    "liberation-serif": {f: f"{_LIB2}/LiberationSerif-{n}.ttf" for f, n in (
        ("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))},
    "liberation-sans": {f: f"{_LIB2}/LiberationSans-{n}.ttf" for f, n in (
        ("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))},
    "liberation-mono": {f: f"{_LIB2}/LiberationMono-{n}.ttf" for f, n in (
        ("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))},
    "dejavu-serif": {f: f"{_DEJAVU}/DejaVuSerif{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "-Bold"), ("italic", "-Italic"), ("bolditalic", "-BoldItalic"))},
    "dejavu-sans": {f: f"{_DEJAVU}/DejaVuSans{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "-Bold"), ("italic", "-Oblique"), ("bolditalic", "-BoldOblique"))},
    "dejavu-serif-condensed": {f: f"{_DEJAVU}/DejaVuSerifCondensed{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "-Bold"), ("italic", "-Italic"), ("bolditalic", "-BoldItalic"))},
    # held out of tuning (make_samples --held-out): never looked at while the extraction was tuned
    "free-serif": {f: f"{_FREE}/FreeSerif{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))},
    "free-sans": {f: f"{_FREE}/FreeSans{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "Bold"), ("italic", "Oblique"), ("bolditalic", "BoldOblique"))},
    "free-mono": {f: f"{_FREE}/FreeMono{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "Bold"), ("italic", "Oblique"), ("bolditalic", "BoldOblique"))},
    "dejavu-condensed": {f: f"{_DEJAVU}/DejaVuSansCondensed{n}.ttf" for f, n in (
        ("regular", ""), ("bold", "-Bold"), ("italic", "-Oblique"), ("bolditalic", "-BoldOblique"))},
}
#: the pen of handwriting-like values: an even, thin stroke, drawn glyph by glyph with jitter
HAND_FONT = f"{_DEJAVU}/DejaVuSans-ExtraLight.ttf"
TUNING_FAMILIES = ("liberation-serif", "liberation-sans", "liberation-mono", "dejavu-serif", "dejavu-sans",
                   "dejavu-serif-condensed")
HELD_OUT_FAMILIES = ("free-serif", "free-sans", "free-mono", "dejavu-condensed")
A4_MM = (210.0, 297.0)
BODY_PT = 12.5
INK = 0


@lru_cache(maxsize=256)
def font(face: str, px: int, family: str = "liberation-serif") -> ImageFont.FreeTypeFont:
    """Load a face of a font family at ``px`` pixels (cached).

    Raises:
        FileNotFoundError: The family's Debian package is missing (the message names it).
    """
    path = Path(FAMILIES[family][face])
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: install fonts-liberation2 fonts-dejavu-core fonts-freefont-ttf")
    return ImageFont.truetype(str(path), px)


@lru_cache(maxsize=64)
def hand_font(px: int) -> ImageFont.FreeTypeFont:
    """The thin even-stroke face handwriting-like values are drawn with."""
    return ImageFont.truetype(HAND_FONT, px)


@dataclass(frozen=True)
class Style:
    """How one filled form looks: the form's printed font, and how its values were filled in.

    ``value_family`` differs from ``family`` when the form was filled on a computer and printed
    (values in another font); ``hand`` draws every value as handwriting-like strokes instead.
    """

    family: str = "liberation-serif"
    value_family: str = "liberation-serif"
    body_pt: float = BODY_PT
    pitch: float = 1.5
    hand: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Ctx:
    """Page geometry at one resolution: page size, margins and the body font size, in pixels."""

    dpi: int
    style: Style = Style()

    def font(self, face: str = "regular", px: int | None = None) -> ImageFont.FreeTypeFont:
        """A face of the form's printed family at ``px`` (default: the body size)."""
        return font(face, px or self.body, self.style.family)

    def value_font(self, px: int | None = None) -> ImageFont.FreeTypeFont:
        """The typed values' font."""
        return font("regular", px or self.body, self.style.value_family)

    def px(self, mm: float) -> int:
        """Millimetres → pixels at this dpi."""
        return round(mm / 25.4 * self.dpi)

    def pt(self, points: float) -> int:
        """Typographic points → pixels at this dpi."""
        return round(points / 72 * self.dpi)

    @property
    def size(self) -> tuple[int, int]:
        """A4 page size in pixels (portrait)."""
        return self.px(A4_MM[0]), self.px(A4_MM[1])

    @property
    def left(self) -> int:
        """Left margin (30 mm, as Vietnamese administrative documents use)."""
        return self.px(28)

    @property
    def right(self) -> int:
        """x of the right margin (15 mm from the edge)."""
        return self.size[0] - self.px(15)

    @property
    def top(self) -> int:
        """Top margin."""
        return self.px(18)

    @property
    def bottom(self) -> int:
        """y of the bottom margin."""
        return self.size[1] - self.px(18)

    @property
    def body(self) -> int:
        """Body font size in pixels."""
        return self.pt(self.style.body_pt)

    @property
    def line(self) -> int:
        """Line pitch for body text."""
        return round(self.body * self.style.pitch)


Draw = Callable[[ImageDraw.ImageDraw, int], None]


@dataclass(frozen=True)
class Piece:
    """An unsplittable strip: its height, a draw function (given the strip's top y) and its text."""

    height: int
    draw: Draw
    text: str = ""
    page_break: bool = False
    filler: bool = False  # white space: dropped rather than carried onto a new page


def _text_at(d: ImageDraw.ImageDraw, x: float, base: float, text: str,
             f: ImageFont.FreeTypeFont) -> None:
    """Draw ``text`` with its baseline at ``base``."""
    d.text((x, base), text, font=f, fill=INK, anchor="ls")


def value_width(ctx: Ctx, text: str) -> float:
    """How wide a filled-in value is drawn (handwriting runs wider than type)."""
    if ctx.style.hand:
        return hand_font(round(ctx.body * 1.05)).getlength(text) * 1.12
    return ctx.value_font().getlength(text)


def _hand_at(d: ImageDraw.ImageDraw, ctx: Ctx, x: float, base: float, text: str) -> None:
    """Handwriting-like strokes: glyph by glyph with wandering size, baseline and spacing, slanted,
    in an even pen stroke (a thin face thickened), darkening what is under it."""
    rng = random.Random(f"{ctx.style.seed}:{round(x)}:{round(base)}:{text}")
    px = round(ctx.body * 1.05)
    pad = px
    width = round(value_width(ctx, text) * 1.2) + 2 * pad
    layer = Image.new("L", (width, 3 * px), 255)
    ld = ImageDraw.Draw(layer)
    cx, drift = float(pad), 0.0
    for char in text:
        f = hand_font(max(6, round(px * rng.uniform(0.8, 1.22))))
        drift = 0.6 * drift + rng.gauss(0, px * 0.09)
        ld.text((cx, 2 * px + drift), char, font=f, fill=0, anchor="ls")
        cx += f.getlength(char) * rng.uniform(1.0, 1.22)
    target = d._image  # noqa: SLF001 - the page under this ImageDraw
    room = target.width - 2 * px - (x - pad)  # a writer near the paper's edge squeezes, never writes off it
    if cx + pad > room > 0:
        layer = layer.resize((max(1, round(layer.width * room / (cx + pad))), layer.height), Image.BILINEAR)
    shear = rng.uniform(0.12, 0.3)
    layer = layer.transform(layer.size, Image.AFFINE, (1, shear, -shear * 2 * px, 0, 1, 0),
                            resample=Image.BILINEAR, fillcolor=255)
    layer = layer.filter(ImageFilter.MinFilter(3))
    box = (round(x - pad), round(base - 2 * px))
    region = target.crop((box[0], box[1], box[0] + layer.width, box[1] + layer.height))
    target.paste(ImageChops.darker(region, layer), box)


def _value_at(d: ImageDraw.ImageDraw, ctx: Ctx, x: float, base: float, text: str) -> None:
    """Draw a filled-in value: typed in the values' font, or handwritten."""
    if not text:
        return
    if ctx.style.hand:
        _hand_at(d, ctx, x, base, text)
    else:
        _text_at(d, x, base, text, ctx.value_font())


def _baseline(ctx: Ctx, top: int, height: int | None = None) -> int:
    """Baseline of a body line whose strip starts at ``top``."""
    return top + round((height or ctx.line) * 0.72)


def leaders(d: ImageDraw.ImageDraw, x0: float, x1: float, base: float,
            f: ImageFont.FreeTypeFont) -> None:
    """Dotted leaders from ``x0`` to ``x1`` on baseline ``base``."""
    gap = f.getlength(" ")
    count = int((x1 - x0 - gap) // f.getlength("."))
    if count > 0:
        _text_at(d, x0 + gap, base, "." * count, f)


def wrap(text: str, f: ImageFont.FreeTypeFont | Callable[[str], float], first: float, rest: float) -> list[str]:
    """Greedy word wrap: the first line is ``first`` px wide, the others ``rest`` px.

    ``f`` is a font, or a function giving a text's width.
    """
    length = f.getlength if isinstance(f, ImageFont.FreeTypeFont) else f
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        width = first if not lines else rest
        if current and length(trial) > width:
            lines.append(current)
            current = word
        elif not current and not lines and length(word) > first:
            lines.append("")
            current = word
        else:
            current = trial
    lines.append(current)
    return lines


def spacer(ctx: Ctx, lines: float = 0.5) -> list[Piece]:
    """Vertical white space of ``lines`` body lines."""
    return [Piece(round(ctx.line * lines), lambda d, y: None, filler=True)]


def page_break() -> list[Piece]:
    """Force the next piece onto a new page."""
    return [Piece(0, lambda d, y: None, page_break=True)]


def centered(ctx: Ctx, text: str, *, face: str = "regular", points: float = BODY_PT,
             x_range: tuple[int, int] | None = None) -> list[Piece]:
    """One or more centred lines (wrapped to the text width or to ``x_range``)."""
    f = ctx.font(face, ctx.pt(points))
    x0, x1 = x_range or (ctx.left, ctx.right)
    height = round(ctx.pt(points) * 1.45)
    pieces = []
    for line in wrap(text, f, x1 - x0, x1 - x0):
        def draw(d: ImageDraw.ImageDraw, y: int, line: str = line) -> None:
            _text_at(d, (x0 + x1 - f.getlength(line)) / 2, _baseline(ctx, y, height), line, f)
        pieces.append(Piece(height, draw, line))
    return pieces


def rule(ctx: Ctx, width_mm: float, *, x_center: float | None = None) -> list[Piece]:
    """A short horizontal rule, centred (under the national motto)."""
    cx = x_center if x_center is not None else (ctx.left + ctx.right) / 2
    half = ctx.px(width_mm) / 2
    thick = max(1, ctx.px(0.3))

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        d.line([(cx - half, y + thick), (cx + half, y + thick)], fill=INK, width=thick)
    return [Piece(ctx.px(4), draw)]


def corner(ctx: Ctx, text: str) -> list[Piece]:
    """A small italic note in the top-right corner (form number, issuing circular)."""
    f = ctx.font("italic", ctx.pt(10))
    x0 = ctx.left + (ctx.right - ctx.left) * 0.5
    height = round(ctx.pt(10) * 1.35)
    pieces = []
    for line in wrap(text, f, ctx.right - x0, ctx.right - x0):
        def draw(d: ImageDraw.ImageDraw, y: int, line: str = line) -> None:
            _text_at(d, ctx.right - f.getlength(line), _baseline(ctx, y, height), line, f)
        pieces.append(Piece(height, draw, line))
    return pieces


def paragraph(ctx: Ctx, text: str, *, face: str = "regular", indent_mm: float = 10) -> list[Piece]:
    """A left-aligned paragraph with a first-line indent."""
    f = ctx.font(face)
    indent = ctx.px(indent_mm)
    width = ctx.right - ctx.left
    pieces = []
    for i, line in enumerate(wrap(text, f, width - indent, width)):
        x = ctx.left + (indent if i == 0 else 0)

        def draw(d: ImageDraw.ImageDraw, y: int, line: str = line, x: int = x) -> None:
            _text_at(d, x, _baseline(ctx, y), line, f)
        pieces.append(Piece(ctx.line, draw, line))
    return pieces


def field(ctx: Ctx, label: str, value: str, *, indent_mm: float = 0, x_end: int | None = None,
          dots: bool = True) -> list[Piece]:
    """``label value ......`` with leaders to the margin; long values wrap onto leader lines."""
    f = ctx.font()
    right = x_end or ctx.right
    x_label = ctx.left + ctx.px(indent_mm)
    x_value = x_label + f.getlength(label + " ")
    lines = wrap(value, lambda t: value_width(ctx, t), right - x_value, right - ctx.left)
    pieces = []
    for i, line in enumerate(lines):
        x = x_value if i == 0 else ctx.left

        def draw(d: ImageDraw.ImageDraw, y: int, i: int = i, line: str = line, x: float = x) -> None:
            base = _baseline(ctx, y)
            if i == 0:
                _text_at(d, x_label, base, label, f)
            if dots:
                leaders(d, x + value_width(ctx, line), right, base, f)
            _value_at(d, ctx, x, base, line)
        text = f"{label} {line}".strip() if i == 0 else line
        pieces.append(Piece(ctx.line, draw, text))
    return pieces


def field_row(ctx: Ctx, items: list[tuple[str, str]], fracs: list[float]) -> list[Piece]:
    """Several short ``label value ....`` fields side by side on one line; one per line when a
    value does not fit its slot (a wide font, a long value), as a clerk's template would reflow."""
    f = ctx.font()
    width = ctx.right - ctx.left
    edges = [ctx.left + width * sum(fracs[:i]) for i in range(len(fracs) + 1)]
    if any(f.getlength(label + " ") + value_width(ctx, value) > x1 - x0 - ctx.px(4)
           for (label, value), x0, x1 in zip(items, edges, edges[1:])):
        return sum((field(ctx, label, value) for label, value in items), [])

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        base = _baseline(ctx, y)
        for (label, value), x0, x1 in zip(items, edges, edges[1:]):
            _text_at(d, x0, base, label, f)
            x = x0 + f.getlength(label + " ")
            leaders(d, x + value_width(ctx, value), x1 - ctx.px(1.5), base, f)
            _value_at(d, ctx, x, base, value)
    text = " ".join(f"{label} {value}".rstrip() for label, value in items)
    return [Piece(ctx.line, draw, text)]


def boxes(ctx: Ctx, label: str, digits: str) -> list[Piece]:
    """``label`` followed by one printed box per digit, each holding one typed digit."""
    f = ctx.font()
    side = round(ctx.body * 1.05)
    height = max(ctx.line, side + ctx.px(2.5))

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        base = _baseline(ctx, y, height)
        _text_at(d, ctx.left, base, label, f)
        x = ctx.left + f.getlength(label + "  ")
        top = base - round(side * 0.82)
        for digit in digits:
            d.rectangle([x, top, x + side, top + side], outline=INK, width=max(1, ctx.px(0.25)))
            _value_at(d, ctx, x + (side - value_width(ctx, digit)) / 2, base, digit)
            x += side
    return [Piece(height, draw, f"{label} {digits}")]


def _cell_lines(text: str, width_of: Callable[[str], float], width: float) -> list[str]:
    """Wrap a table cell's text to its inner width."""
    return wrap(text, width_of, width, width) if text else [""]


def table_row(ctx: Ctx, cells: list[str], fracs: list[float], *, face: str = "regular",
              center: bool = False, labels: int = 1) -> list[Piece]:
    """One bordered table row; cells wrap and the row grows to its tallest cell.

    The first ``labels`` cells are printed (a header row passes all of them); the rest are values.
    """
    f = ctx.font(face)
    pad = ctx.px(1.5)
    width = ctx.right - ctx.left
    edges = [ctx.left + round(width * sum(fracs[:i])) for i in range(len(fracs) + 1)]
    printed = [n < labels for n in range(len(cells))]
    widths = [f.getlength if p else (lambda t: value_width(ctx, t)) for p in printed]
    wrapped = [_cell_lines(c, w, x1 - x0 - 2 * pad) for c, w, x0, x1 in zip(cells, widths, edges, edges[1:])]
    pitch = round(ctx.body * 1.3)
    height = max(len(w) for w in wrapped) * pitch + 2 * pad
    thick = max(1, ctx.px(0.25))

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        d.rectangle([edges[0], y, edges[-1], y + height], outline=INK, width=thick)
        for x in edges[1:-1]:
            d.line([(x, y), (x, y + height)], fill=INK, width=thick)
        for lines, is_label, width_of, x0, x1 in zip(wrapped, printed, widths, edges, edges[1:]):
            for k, line in enumerate(lines):
                base = y + pad + k * pitch + round(pitch * 0.75)
                x = (x0 + x1 - width_of(line)) / 2 if center else x0 + pad
                if is_label:
                    _text_at(d, x, base, line, f)
                else:
                    _value_at(d, ctx, x, base, line)
    text = " ".join(" ".join(w for w in lines if w) for lines in wrapped).strip()
    return [Piece(height, draw, " ".join(text.split()))]


def _hand_code(d: ImageDraw.ImageDraw, ctx: Ctx, x0: float, width: float, base: float, line: str,
               f: ImageFont.FreeTypeFont) -> None:
    """``Số: 46/TB-UBND`` with its number written by hand in the blank the văn thư left: ``Số:`` and
    ``/TB-UBND`` printed, the figures handwriting-like (taller, slanted) between them."""
    head, _, rest = line.partition(" ")
    number, _, notation = rest.partition("/")
    hand = replace(ctx, style=replace(ctx.style, hand=True, seed=ctx.style.seed + len(line)))
    printed_head, printed_tail = f"{head}   ", f" /{notation}"
    total = f.getlength(printed_head) + value_width(hand, number) + f.getlength(printed_tail)
    x = x0 + (width - total) / 2
    _text_at(d, x, base, printed_head, f)
    x += f.getlength(printed_head)
    _hand_at(d, hand, x, base, number)
    _text_at(d, x + value_width(hand, number), base, printed_tail, f)


def columns(ctx: Ctx, blocks: list[list[tuple[str, str]]], *, points: float | None = None) -> list[Piece]:
    """Side-by-side blocks of centred lines (signature blocks, two-column letterheads).

    Each block is a list of ``(face, text)``; the text of the piece reads block by block. A face
    ``value`` draws a filled-in value (typed or handwritten).
    """
    width = (ctx.right - ctx.left) / len(blocks)
    size = ctx.pt(points) if points else ctx.body
    pitch = round(size * 1.4)
    height = max(len(b) for b in blocks) * pitch + ctx.px(2)

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        for n, block in enumerate(blocks):
            x0 = ctx.left + n * width
            for k, (face, line) in enumerate(block):
                base = y + k * pitch + round(pitch * 0.75)
                if face == "value":
                    _value_at(d, ctx, x0 + (width - value_width(ctx, line)) / 2, base, line)
                    continue
                if face == "hand-code":
                    _hand_code(d, ctx, x0, width, base, line, ctx.font("regular", size))
                    continue
                f = ctx.font(face, size)
                _text_at(d, x0 + (width - f.getlength(line)) / 2, base, line, f)
    text = "\n".join(line for block in blocks for _, line in block if line)
    return [Piece(height, draw, text)]


def paginate(ctx: Ctx, pieces: list[Piece]) -> list[tuple[Image.Image, str]]:
    """Stack pieces onto A4 pages; returns ``(page image "L", page text)`` pairs."""
    pages: list[tuple[Image.Image, list[str]]] = []
    img = draw = None
    y = ctx.bottom + 1
    for piece in pieces:
        if piece.page_break and y == ctx.top:
            continue
        if piece.filler and (draw is None or y + piece.height > ctx.bottom or y == ctx.top):
            continue
        if draw is None or piece.page_break or y + piece.height > ctx.bottom:
            img = Image.new("L", ctx.size, 255)
            draw = ImageDraw.Draw(img)
            pages.append((img, []))
            y = ctx.top
        piece.draw(draw, y)
        if piece.text:
            pages[-1][1].append(piece.text)
        y += piece.height
    return [(page, "\n".join(texts)) for page, texts in pages]
