"""A tiny page-layout engine for the sample forms: lines, leaders, boxes and tables on A4.

Forms are described (in ``_forms``) as lists of *pieces*: unsplittable horizontal strips that
know their height, how to draw themselves and the clean text they carry. ``paginate`` stacks
them onto A4 pages and returns each page with its reading-order text, which becomes the ground
truth. Everything is drawn in greyscale ("L") on white; degradation happens later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: Liberation Serif 2.x (Debian ``fonts-liberation2``) has the Vietnamese glyphs; the 1.x files
#: in ``truetype/liberation`` do not (they draw tofu for ộ, ư, ờ …). DejaVu Serif is the fallback.
FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")
_FACES = {
    "regular": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "bolditalic": ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}
A4_MM = (210.0, 297.0)
BODY_PT = 12.5
INK = 0


@lru_cache(maxsize=64)
def font(face: str, px: int) -> ImageFont.FreeTypeFont:
    """Load a Liberation Serif 2 face (else DejaVu Serif) at ``px`` pixels (cached)."""
    for folder, name in zip(FONT_DIRS, _FACES[face]):
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), px)
    raise FileNotFoundError(f"no Vietnamese serif font: install fonts-liberation2 ({face})")


@dataclass(frozen=True)
class Ctx:
    """Page geometry at one resolution: page size, margins and the body font size, in pixels."""

    dpi: int

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
        return self.pt(BODY_PT)

    @property
    def line(self) -> int:
        """Line pitch for body text."""
        return round(self.body * 1.5)


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


def wrap(text: str, f: ImageFont.FreeTypeFont, first: float, rest: float) -> list[str]:
    """Greedy word wrap: the first line is ``first`` px wide, the others ``rest`` px."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        width = first if not lines else rest
        if current and f.getlength(trial) > width:
            lines.append(current)
            current = word
        elif not current and not lines and f.getlength(word) > first:
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
    f = font(face, ctx.pt(points))
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
    f = font("italic", ctx.pt(10))
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
    f = font(face, ctx.body)
    indent = ctx.px(indent_mm)
    width = ctx.right - ctx.left
    pieces = []
    for i, line in enumerate(wrap(text, f, width - indent, width)):
        x = ctx.left + (indent if i == 0 else 0)

        def draw(d: ImageDraw.ImageDraw, y: int, line: str = line, x: int = x) -> None:
            _text_at(d, x, _baseline(ctx, y), line, f)
        pieces.append(Piece(ctx.line, draw, line))
    return pieces


def field(ctx: Ctx, label: str, value: str, *, indent_mm: float = 0) -> list[Piece]:
    """``label value ......`` with leaders to the margin; long values wrap onto leader lines."""
    f = font("regular", ctx.body)
    x_label = ctx.left + ctx.px(indent_mm)
    x_value = x_label + f.getlength(label + " ")
    lines = wrap(value, f, ctx.right - x_value, ctx.right - ctx.left)
    pieces = []
    for i, line in enumerate(lines):
        x = x_value if i == 0 else ctx.left

        def draw(d: ImageDraw.ImageDraw, y: int, i: int = i, line: str = line, x: float = x) -> None:
            base = _baseline(ctx, y)
            if i == 0:
                _text_at(d, x_label, base, label, f)
            _text_at(d, x, base, line, f)
            leaders(d, x + f.getlength(line), ctx.right, base, f)
        text = f"{label} {line}".strip() if i == 0 else line
        pieces.append(Piece(ctx.line, draw, text))
    return pieces


def field_row(ctx: Ctx, items: list[tuple[str, str]], fracs: list[float]) -> list[Piece]:
    """Several short ``label value ....`` fields side by side on one line."""
    f = font("regular", ctx.body)
    width = ctx.right - ctx.left
    edges = [ctx.left + width * sum(fracs[:i]) for i in range(len(fracs) + 1)]

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        base = _baseline(ctx, y)
        for (label, value), x0, x1 in zip(items, edges, edges[1:]):
            typed = f"{label} {value}".rstrip()
            _text_at(d, x0, base, typed, f)
            leaders(d, x0 + f.getlength(typed), x1 - ctx.px(1.5), base, f)
    text = " ".join(f"{label} {value}".rstrip() for label, value in items)
    return [Piece(ctx.line, draw, text)]


def boxes(ctx: Ctx, label: str, digits: str) -> list[Piece]:
    """``label`` followed by one printed box per digit, each holding one typed digit."""
    f = font("regular", ctx.body)
    side = round(ctx.body * 1.05)
    height = max(ctx.line, side + ctx.px(2.5))

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        base = _baseline(ctx, y, height)
        _text_at(d, ctx.left, base, label, f)
        x = ctx.left + f.getlength(label + "  ")
        top = base - round(side * 0.82)
        for digit in digits:
            d.rectangle([x, top, x + side, top + side], outline=INK, width=max(1, ctx.px(0.25)))
            _text_at(d, x + (side - f.getlength(digit)) / 2, base, digit, f)
            x += side
    return [Piece(height, draw, f"{label} {digits}")]


def _cell_lines(text: str, f: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Wrap a table cell's text to its inner width."""
    return wrap(text, f, width, width) if text else [""]


def table_row(ctx: Ctx, cells: list[str], fracs: list[float], *, face: str = "regular",
              center: bool = False) -> list[Piece]:
    """One bordered table row; cells wrap and the row grows to its tallest cell."""
    f = font(face, ctx.body)
    pad = ctx.px(1.5)
    width = ctx.right - ctx.left
    edges = [ctx.left + round(width * sum(fracs[:i])) for i in range(len(fracs) + 1)]
    wrapped = [_cell_lines(c, f, x1 - x0 - 2 * pad) for c, x0, x1 in zip(cells, edges, edges[1:])]
    pitch = round(ctx.body * 1.3)
    height = max(len(w) for w in wrapped) * pitch + 2 * pad
    thick = max(1, ctx.px(0.25))

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        d.rectangle([edges[0], y, edges[-1], y + height], outline=INK, width=thick)
        for x in edges[1:-1]:
            d.line([(x, y), (x, y + height)], fill=INK, width=thick)
        for lines, x0, x1 in zip(wrapped, edges, edges[1:]):
            for k, line in enumerate(lines):
                base = y + pad + k * pitch + round(pitch * 0.75)
                x = (x0 + x1 - f.getlength(line)) / 2 if center else x0 + pad
                _text_at(d, x, base, line, f)
    text = " ".join(" ".join(w for w in lines if w) for lines in wrapped).strip()
    return [Piece(height, draw, " ".join(text.split()))]


def columns(ctx: Ctx, blocks: list[list[tuple[str, str]]]) -> list[Piece]:
    """Side-by-side blocks of centred lines (signature blocks, two-column letterheads).

    Each block is a list of ``(face, text)``; the text of the piece reads block by block.
    """
    width = (ctx.right - ctx.left) / len(blocks)
    pitch = round(ctx.body * 1.4)
    height = max(len(b) for b in blocks) * pitch + ctx.px(2)

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        for n, block in enumerate(blocks):
            x0 = ctx.left + n * width
            for k, (face, line) in enumerate(block):
                f = font(face, ctx.body)
                _text_at(d, x0 + (width - f.getlength(line)) / 2, y + k * pitch + round(pitch * 0.75),
                         line, f)
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
