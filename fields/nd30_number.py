"""The ``Số: 123/QĐ-UBND`` line of an NĐ 30/2020 document: its number and ký hiệu, read from the agency's
column of the header, read again when unsure, and whether the number was written by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from fields.dates import LOOKALIKES
from fields.nd30_checks import FIGURE_SURE
from fields.text import Token, fold

_NUMBER = re.compile(r"^s[oôố6ó0][:.;]?$|^s[oôố6ó0][:.;]", re.I)
NOTATION = re.compile(r"^[A-ZĐ]{1,6}(?:-[A-ZĐ0-9]{1,8}){0,3}$")
"""A well-formed ký hiệu: the type's and the agency's abbreviations (``QĐ-UBND``, ``UBND-VP``)."""


def words_text(tokens: Sequence[Token]) -> str:
    """The tokens' text, spaced."""
    return " ".join(t.text for t in tokens).strip()


def mean_confidence(tokens: Sequence[Token]) -> float:
    """The tokens' mean OCR confidence (0 for none)."""
    return sum(t.confidence for t in tokens) / len(tokens) if tokens else 0.0


def halves(line: Sequence[Token], middle: float) -> tuple[list[Token], list[Token]]:
    """The agency's column and the national header's column of a header line: split at the widest
    gap near the page's middle (wide type can push ``Số: 123/QĐ-UBND`` past the middle), else at it."""
    tokens = sorted(line, key=lambda t: t.bbox.left)
    heights = sorted(t.bbox.height for t in tokens)
    height = heights[len(heights) // 2] if heights else 1  # the median: a tall speck or stamp is no measure
    gaps = [(tokens[i].bbox.left - tokens[i - 1].bbox.right, i) for i in range(1, len(tokens))
            if middle * 0.5 < tokens[i].bbox.left < middle * 1.5]
    widest = max(gaps, default=(0, 0))
    if widest[0] > 1.2 * height:  # word spaces are about a third of a line height
        return list(tokens[:widest[1]]), list(tokens[widest[1]:])
    left = [t for t in tokens if (t.bbox.left + t.bbox.right) / 2 < middle]
    return left, [t for t in tokens if t not in left]

def number_of(tokens: Sequence[Token]) -> tuple[str, str, float] | None:
    """(số, ký hiệu, confidence) from ``Số: 123/QĐ-UBND`` tokens."""
    text = words_text(tokens).lstrip("+*#-–—_.,:;'`‘’\"|!~^°")  # a speck read before ``Số`` (``+Số``)
    text = _SLASHES.sub("/", text)  # the slash read as a fraction slash, or twice (``29⁄/QĐ-UBND``)
    match = re.search(r"S\S{0,2}\s*[:.;]?\s*[_\-.'`‘’,]*([0-9OoIlSs|]{1,5})\s*(?:/\s*([^\s]+))?", text)
    words = text.split()
    if match is None or not (_NUMBER.match(words[0]) or _number_misread(words)):
        return None
    digits = "".join(LOOKALIKES.get(c, c) for c in match.group(1))
    notation = (match.group(2) or "").strip(".,;:").replace("Ð", "Đ").replace("ĐĐ", "Đ")
    if notation and "-" not in notation.rstrip(_DASHES) and (more := _CONTINUED.match(text[match.end():])) and (
            more.group(1) or match.group(2)[-1] in _DASHES):
        notation = notation.rstrip(_DASHES) + "-" + more.group(2).replace("Ð", "Đ")
    notation = _INNER_DASH.sub("-", notation)
    return digits, notation, mean_confidence(tokens)


_SLASHES = re.compile(r"[/⁄∕]+")
_DASHES = ":;.,_~-–—"
_CONTINUED = re.compile(r"^\s*([:;.,_~\-–—]+)?\s*([A-ZĐÐ][A-ZĐÐ0-9]{1,7})(?![\w-])")
"""The rest of a ký hiệu whose dash was read as another mark, or apart from its words (``306/QĐ : UBND``,
``306/QĐ- UBND``): its agency's abbreviation in capitals."""
_INNER_DASH = re.compile(r"(?<=[A-ZĐ0-9])[:;._~–—](?=[A-ZĐ])")
"""A ký hiệu's dash read as another mark inside its word (``QĐ:UBND``, ``QĐ~UBND``)."""


_NOTATION_ALONE = re.compile(r"/\s*([A-ZĐ][A-Za-zĐ]{0,5}(?:-[A-ZĐ0-9]{1,8}){1,3})(?![\w-])")


def notation_alone(head: Sequence[Sequence[Token]], middle: float) -> str | None:
    """The ký hiệu of a ``Số`` line whose number was written by hand (``Số: 46' /TB-UBND``, ``Số: HÀ
    /BC-UBND``): printed, it reads well even when the figures before it do not."""
    for line in head:
        left, _right = halves(line, middle)
        text = _SLASHES.sub("/", words_text(left)).replace("Ð", "Đ").replace("ĐĐ", "Đ")
        if left and fold(left[0].text).startswith("so") and (found := _NOTATION_ALONE.search(text)):
            return found.group(1)
    return None


_FIGURES_NOTATION = re.compile(r"^\d{1,5}/[A-ZĐ]{1,6}(?:-[A-ZĐ0-9]{1,8}){1,3}$")


def _number_misread(words: Sequence[str]) -> bool:
    """``Sế 373/QĐ-UBND``: ``Số`` read with another vowel, followed by figures and a whole notation; its
    colon read as a comma (``Số, 358/…``) or apart (``Sổ : 105/…``) too."""
    words = [w for w in words if any(c.isalnum() for c in w)]
    first = words[0].rstrip(":.;,") if words else ""
    return len(words) >= 2 and len(first) == 2 and fold(first)[:1] == "s" and bool(
        _FIGURES_NOTATION.match(words[1].replace("Ð", "Đ")))

_HAND_TALLER = 1.15
"""A number written by hand in the blank the văn thư left (``Số: 299 /UBND-TTHC``) stands taller than
the printed notation beside it: 1.2–1.6 times on the real scans, while type in one font is even."""


def handwritten_number(left: Sequence[Token]) -> bool:
    """Whether a Số line's number, a word of its own before a printed ``/notation``, was written by hand
    (read at any score, it is then for a clerk: ``299`` was read ``839`` at 0.9 on a second reading)."""
    for number, notation in zip(left, left[1:], strict=False):
        if (notation.text.startswith("/") and any(c.isalnum() for c in number.text) and "/" not in number.text
                and number.bbox.height >= _HAND_TALLER * notation.bbox.height):
            return True
    return False


NUMBER_REREAD = 0.5
"""A ``Số: …`` read below this confidence, or whose figures were, is read again on its own (a colon glued
to the figures; ``39/QĐ-UBND`` read ``399/QĐ-UBND`` at 0.04 beside a sure ``Số:``)."""
Number = tuple[str, str, float]
"""(số, ký hiệu, confidence)."""


def read_number(left: Sequence[Token], reread: Callable[[Sequence[Token]], list[list[Token]]] | None,
                ) -> tuple[Number, str | None] | None:
    """The number of a header line's agency column (``Số: 123/QĐ-UBND``) and its doubt, or None.

    With ``reread`` (the ``Số`` line read again, whitened and as printed, and its figures and notation
    read alone), the line is always read again: the same pixels read another way are no second witness
    when they agree, but when a reading whose figures were read surely (``FIGURE_SURE``) gives others
    and a whole notation (``332/`` read ``3327/``: a speck on the slash), one of the two is wrong and
    the number goes to review (``low_confidence``). A line whose first reading gives no figures
    (``§3/QĐ-UBND``) takes the surest reading again's, for review too.
    """
    number = number_of(left)
    if reread is None:
        return (number, None) if number else None
    if number is None:
        if not (fold(left[0].text).startswith("so") and "/" in words_text(left)):
            return None
        again = reread(left)
        texts = " ".join(words_text(line) for line in again)
        # figures read as figures before letters read for them (``S3/…`` read ``53``), then the surest
        found = sorted((n for n in _readings(again) if NOTATION.match(n[1])),
                       key=lambda n: (re.search(rf"(?<!\d){n[0]}\s*/", texts) is None, -n[2]))
        return ((found[0][0], found[0][1], min(found[0][2], NUMBER_REREAD)), "low_confidence") if found else None
    figures = min((t.confidence for t in left if any(c.isdigit() for c in t.text)), default=1.0)
    again = reread(left)
    if min(number[2], figures) < NUMBER_REREAD:
        return better_number(number, again, figures), None
    others = {n[0] for line in again for n in _readings([line]) if NOTATION.match(n[1])
              and min((t.confidence for t in line if any(c.isdigit() for c in t.text)), default=0.0) >= FIGURE_SURE}
    return number, "low_confidence" if others - {number[0]} else None


_ALONE = re.compile(r"^([0-9]{1,5})\s*/\s*(\S+)$")


def _readings(again: list[list[Token]]) -> list[Number]:
    """The numbers read on the lines of a ``Số`` line read again: whole (``Số: 12/QĐ-UBND``) or its
    figures and notation alone (``12/QĐ-UBND``)."""
    out = []
    for line in again:
        found = number_of(line) if line else None
        alone = _ALONE.match(words_text(line).strip(" .,;:'`‘’\"")) if line and found is None else None
        if alone:
            found = alone.group(1), alone.group(2).strip(".,;:").replace("Ð", "Đ").replace("ĐĐ", "Đ"), \
                mean_confidence(line)
        if found:
            out.append(found)
    return out


def better_number(first: tuple[str, str, float], again: list[list[Token]],
                   figures: float = 1.0) -> tuple[str, str, float]:
    """The second reading of ``Số: …`` when it reads a number more surely than the first; no surer
    than the first (the same pixels read twice are no second witness: a clerk still looks), and when
    it reads another number, no surer than the first reading's figures were (``figures``)."""
    best = first
    seconds = _readings(again)
    whole = bool(NOTATION.match(first[1]))
    for second in seconds:  # a notation lost or malformed on a reading again (``QĐ-UBÑD``): not the better
        if second[2] > best[2] and (bool(NOTATION.match(second[1])) or not whole):
            best = second
    for a, b in ((first, n) for n in seconds):
        for short, long in ((a, b), (b, a)):
            if short[1] == long[1] and _doubled(short[0], long[0]):  # one reading read a figure twice
                return short[0], short[1], min(first[2], figures)
    if best is first:
        return first
    changed = best[:2] != first[:2]
    return best[0], best[1], min(first[2], figures) if changed else first[2]


def _doubled(short: str, long: str) -> bool:
    """True when ``long`` is ``short`` with one of its figures read twice (``655`` for ``65``): a slip
    Tesseract makes on a number's figures in the tuning sets' serif type (seeds 41, 101, 103, 2026-12),
    both ways round between two readings of one header; the shorter was printed each time."""
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short and long[i] == long[i - 1]
                                               for i in range(1, len(long)))
