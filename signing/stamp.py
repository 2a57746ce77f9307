"""The visible e-copy stamp of NĐ 30/2020/NĐ-CP Phụ lục I (Phần II.I.3), as a pyHanko stamp style.

Top right of the first page, no seal image, three lines: the copy form ("SAO Y", "SAO LỤC",
"TRÍCH SAO"), the copying agency and the signing time in ISO 8601 with the Vietnam offset, in a
Times New Roman-metric serif, 10 pt, black, upright; where page 1 has no room for three lines on
clear paper, the same text on four, two or one (:mod:`signing.placement` chooses). The font is embedded (a subset made by pyHanko's
OpenType engine): the base-14 fonts have no Vietnamese glyphs (pyHanko issue #459). The font is
prepared once per process (cut to the stamp's characters, rescaled), not per document.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStampStyle

from sohoa.errors import ConfigError

__all__ = [
    "FONT_SIZE",
    "LIBERATION_SERIF",
    "StampText",
    "format_signing_time",
    "prepare_stamp_font",
    "stamp_chars",
    "stamp_layouts",
    "stamp_lines",
    "stamp_params",
    "stamp_size",
    "stamp_style",
]

LIBERATION_SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
"""Debian fonts-liberation2 (2.x), metric-compatible with Times New Roman.

Not ``fonts-liberation`` (``truetype/liberation/``): that is Liberation 1.07, which lacks ơ, ư and
every precomposed letter of U+1EA0–U+1EF9 (Ạ … ỹ); :func:`stamp_size` refuses such a font.
"""

FONT_SIZE = 10
_LEADING = 12
_PADDING = 2
"""Points between the text and the edge of the stamp box."""
_TIME_CHARS = "0123456789-+:T"
"""Every character of an ISO 8601 signing time such as ``2026-11-25T14:34:48+07:00``."""
COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")


@dataclass(frozen=True)
class StampText:
    """What the e-copy stamp says, besides the signing time."""

    copy_form: str
    """Hình thức sao: "SAO Y" | "SAO LỤC" | "TRÍCH SAO"."""
    agency: str
    """Name of the copying agency, in Vietnamese."""


def format_signing_time(moment: datetime) -> str:
    """Render a tz-aware time as ISO 8601 to the second, e.g. ``2026-11-25T14:34:48+07:00``."""
    return moment.isoformat(timespec="seconds")


def stamp_lines(stamp: StampText, signing_time: datetime) -> tuple[str, str, str]:
    """Return the three lines of the stamp, NFC-normalised (the font has precomposed glyphs).

    Raises:
        ConfigError: The copy form is not one the decree names, or the agency is empty.
    """
    copy_form = unicodedata.normalize("NFC", stamp.copy_form.strip())
    agency = unicodedata.normalize("NFC", " ".join(stamp.agency.split()))
    if copy_form not in COPY_FORMS:
        raise ConfigError(f"Copy form must be one of {', '.join(COPY_FORMS)}")
    if not agency:
        raise ConfigError("The copying agency name of the stamp is empty")
    return copy_form, agency, format_signing_time(signing_time)


def stamp_layouts(lines: tuple[str, str, str]) -> list[tuple[str, ...]]:
    """Ways to break the stamp (copy form, agency, time) into lines, the usual three first.

    Then four lines (the agency on two, halves as even as its words allow: a narrower box), two
    (copy form and agency together) and one (a shallower box, for a short top margin). The font
    and its size never change (NĐ 30/2020: 10 pt).
    """
    copy_form, agency, when = lines
    layouts: list[tuple[str, ...]] = [lines]
    words = agency.split()
    if len(words) > 1:
        cut = min(range(1, len(words)),
                  key=lambda n: abs(len(" ".join(words[:n])) - len(" ".join(words[n:]))))
        layouts.append((copy_form, " ".join(words[:cut]), " ".join(words[cut:]), when))
    layouts.append((f"{copy_form} {agency}", when))
    layouts.append((f"{copy_form} {agency} {when}",))
    return layouts


def stamp_size(lines: tuple[str, ...], font_path: Path) -> tuple[float, float]:
    """Width and height in points of the box that holds ``lines`` at 10 pt.

    Raises:
        ConfigError: The font lacks a glyph the text needs.
    """
    width = max(_line_width(line, font_path) for line in lines) + 2 * _PADDING + 2
    height = len(lines) * _LEADING + 2 * _PADDING + 2
    return width, height


def _line_width(text: str, font_path: Path) -> float:
    """Advance width of ``text`` at the stamp's size, from the font's own metrics.

    Raises:
        ConfigError: The font lacks a glyph the text needs (the diacritics would be lost).
    """
    cmap, advances, units_per_em = _font_metrics(font_path)
    total = 0
    for char in text:
        glyph = cmap.get(ord(char))
        if glyph is None:
            raise ConfigError(f"Font {font_path.name} has no glyph for U+{ord(char):04X}")
        total += advances[glyph]
    return total * FONT_SIZE / units_per_em


@lru_cache(maxsize=4)
def _font_metrics(font_path: Path) -> tuple[dict[int, str], dict[str, int], int]:
    """Character map, advance widths and units per em of a TrueType font."""
    try:
        with TTFont(str(font_path), lazy=True) as font:
            cmap = dict(font.getBestCmap())
            advances = {name: adv for name, (adv, _) in font["hmtx"].metrics.items()}
            return cmap, advances, int(font["head"].unitsPerEm)
    except (OSError, KeyError) as exc:
        raise ConfigError(f"Stamp font {font_path} cannot be read") from exc


def stamp_style(font_path: Path, lines: tuple[str, ...], *, chars: str | None = None) -> TextStampStyle:
    """The pyHanko ``TextStampStyle`` of the e-copy stamp: left-aligned black lines, no border, no background.

    The template takes the text parameters ``line1`` … ``line<n>`` (:func:`stamp_params`).

    Args:
        font_path: The TrueType font of the stamp.
        lines: The stamp's text, one entry per line.
        chars: Every character the stamp font must hold (:func:`stamp_chars` of the usual three
            lines); one prepared font then serves every layout and every document of a run.
    """
    top_left = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MAX,
        margins=layout.Margins.uniform(_PADDING),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    )
    text_style = TextBoxStyle(
        font=_StampFontFactory(str(font_path), font_size=FONT_SIZE, chars=chars or stamp_chars(lines)),
        font_size=FONT_SIZE, leading=_LEADING, text_color=(0.0, 0.0, 0.0),
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    return TextStampStyle(
        stamp_text="\n".join(f"%(line{n})s" for n in range(1, len(lines) + 1)),
        text_box_style=text_style,
        inner_content_layout=top_left,
        border_width=0,
        background=None,
    )


def stamp_params(lines: tuple[str, ...]) -> dict[str, str]:
    """The template parameters of :func:`stamp_style` for ``lines``."""
    return {f"line{n}": line for n, line in enumerate(lines, start=1)}


def stamp_chars(lines: tuple[str, ...]) -> str:
    """The characters a stamp with these copy-form and agency lines can ever need, sorted.

    The time line varies per document but only ever uses :data:`_TIME_CHARS`; keying the prepared
    font on this set (not on the time) lets every document of a run share it. A space is always
    in: the shorter layouts join the lines with one.
    """
    return "".join(sorted(set("".join(lines[:2])) | set(_TIME_CHARS) | {" "}))


def prepare_stamp_font(stamp: StampText, font_path: Path = LIBERATION_SERIF) -> None:
    """Build the stamp font now, e.g. in a run's main process before it forks its task processes.

    Raises:
        ConfigError: The stamp text is invalid or the font cannot be read.
    """
    _stamp_font(font_path, stamp_chars(stamp_lines(stamp, datetime.now(UTC))))


@dataclass(frozen=True)
class _StampFontFactory(GlyphAccumulatorFactory):
    """pyHanko's OpenType font engine over the prepared stamp font (see :func:`_stamp_font`)."""

    chars: str = ""
    """Every character the stamp can contain (:func:`stamp_chars`)."""

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: object = None) -> GlyphAccumulator:
        """Build the engine over the prepared font (same options as the parent factory)."""
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_stamp_font(Path(self.font_file), self.chars)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=8)
def _stamp_font(font_path: Path, chars: str) -> bytes:
    """The stamp font, prepared once per process: cut to ``chars`` and rescaled to 1000 units/em.

    Cutting it first makes every document's own subset (pyHanko's, at embedding) and the font
    parsing cheap: a few dozen glyphs instead of 2,600. The cut keeps the glyphs OpenType
    substitutions can reach from ``chars`` (HarfBuzz shapes the text with this font) and the
    layout tables, so the shaped text and its widths are the same as with the whole font.

    pyHanko 0.38 writes the CIDFont /W widths and TJ kerning in font units, but PDF reads them as
    1/1000 em: with a 2048-unit TrueType font (Liberation, Times New Roman) every glyph advances
    about twice too far. Rescaling the font to 1000 units makes both agree; the hinting programs,
    which assume the old grid, are removed.

    Raises:
        ConfigError: The font cannot be read.
    """
    options = subset.Options(layout_closure=True, notdef_outline=True, hinting=False,
                             glyph_names=False)
    options.drop_tables += ["FFTM"]
    try:
        with TTFont(str(font_path)) as font:
            subsetter = subset.Subsetter(options=options)
            subsetter.populate(unicodes=[ord(c) for c in chars])
            subsetter.subset(font)
            if font["head"].unitsPerEm != 1000:
                scale_upem(font, 1000)
                _drop_hinting(font)
            out = BytesIO()
            font.save(out)
            return out.getvalue()
    except (OSError, KeyError) as exc:
        raise ConfigError(f"Stamp font {font_path} cannot be read") from exc


def _drop_hinting(font: TTFont) -> None:
    """Remove TrueType instructions, which are meaningless after rescaling."""
    for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX"):
        if tag in font:
            del font[tag]
    if "glyf" in font:
        glyf = font["glyf"]
        for name in glyf:
            glyf[name].removeHinting()
