"""CCCD numbers read with the wrong count of figures, read again from their own box.

Figures printed one to a box, or spaced wide, lose a figure or gain one on the page's reading
(``079191238833`` read ``0 79 19123§8§33``: eleven figures), or run into the next cell's number
(``00109804617703012021``). The number's own box is read again alone, as one line, leaders erased;
a reading of twelve figures that passes the CCCD checks (province code, century and sex figure,
birth year against the form) replaces the first. It goes to review unless it is a fresh reading that
every check vouches for (the form gives the holder's birth date and sex). When that reading fails too,
the box is read other ways (as raw text enlarged, as a line enlarged more): on a copy a figure doubled
or lost at one scale is read right at another; the twelve figures most of them give that pass the
checks are taken, and go to review. Failing that, a run of
twelve figures inside a longer reading, or inside the figures of the value's whole line (two cells
side by side read as one word, ``số040192888847_CCCD số 001091052864``), that alone passes every
check is taken, and goes to review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from configs.form_schema import FieldSpec, FormTemplate
from fields import validators as v
from fields.locate import Document, label_match
from fields.reread import value_box
from fields.text import Token
from fields.values import RawValue, clean_digits, text_of, token_confidence
from ocr.model import PageText

NumberReader = Callable[[int, tuple[float, float, float, float]], list[list[Token]]]
"""(source page, normalised box) → the lines read in that box (one line, leaders erased)."""
CCCD_DIGITS = 12
_PAD_LEFT = 0.5
_PAD_RIGHT = 1.5
"""The box read again reaches this many letter heights left and right of the figures read: a figure
lost at the end lies beyond them (the label lies left, so less room there)."""


GLUED = CCCD_DIGITS + 6
"""A reading this long holds the number and other figures run into it (the next cell's date or
number); one a figure or two longer is the number misread, and which twelve are right no check tells
(only its first six are checked)."""


def _box(raw: RawValue, page: PageText) -> tuple[float, float, float, float]:
    tokens = [t for t in raw.tokens if t.page == raw.tokens[0].page]
    return value_box(tokens, page, left=_PAD_LEFT, right=_PAD_RIGHT, vertical=0.4)


def _windows(digits: str, passes: Callable[[str], bool]) -> list[str]:
    """The distinct runs of twelve figures inside ``digits`` that pass the checks."""
    return sorted({digits[i:i + CCCD_DIGITS] for i in range(len(digits) - CCCD_DIGITS + 1)
                   if passes(digits[i:i + CCCD_DIGITS])})


def _row_figures(doc: Document, spec: FieldSpec) -> tuple[str, tuple[Token, ...]]:
    """The figures of the line of the field's label, and their tokens."""
    match = label_match(doc, spec) if spec.labels else None
    if match is None:
        return "", ()
    tokens = tuple(t for t in doc.lines[match.line] if any(c.isdigit() for c in t.text))
    return "".join(c for t in tokens for c in t.text if c.isdigit()), tokens


def _more(raw: RawValue, page: PageText, more: Sequence[NumberReader], passes: Callable[[str], bool]) -> str | None:
    """The twelve figures most readings of the box another way give that pass the checks (the box read
    as raw text enlarged, as a line enlarged more: on a copy a figure doubled or lost at one scale is
    read right at another), when more readings give them than any other number; else None."""
    found: Counter[str] = Counter()
    box = _box(raw, page)
    for read_again in more:
        read = [t for line in read_again(page.source_page, box) for t in line]
        got = clean_digits(read) if read else None
        if got is not None and len(got.text) == CCCD_DIGITS and passes(got.text):
            found[got.text] += 1
    ranked = found.most_common(2)
    return ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None


def _again(spec: FieldSpec, doc: Document, raw: RawValue | None | bool, raws: dict[str, RawValue | None | bool],
           pages: Sequence[PageText], reader: NumberReader, more: Sequence[NumberReader] = ()) -> RawValue | None:
    birth, sex = text_of(raws, spec.birth_date_field), spec.sex or text_of(raws, spec.sex_field)
    every_check = bool(birth and sex)

    def passes(digits: str) -> bool:
        return v.check_cccd(digits, birth_date=birth, sex=sex)[0]

    again = None
    if isinstance(raw, RawValue) and raw.tokens:
        page = pages[raw.tokens[0].page]
        read = [t for line in reader(page.source_page, _box(raw, page)) for t in line]
        again = clean_digits(read) if read else None
        if again is not None and len(again.text) == CCCD_DIGITS and passes(again.text):
            sure = every_check and not again.substituted
            return RawValue(again.text, token_confidence(again.tokens), not sure, raw.tokens)
        other = _more(raw, page, more, passes) if more else None
        if other is not None:  # read so only another way: a clerk confirms
            return RawValue(other, token_confidence(raw.tokens), True, raw.tokens)
    if not every_check:
        return None  # a run inside a longer reading that only the province code vouches for: left as read
    read_as = [r.text for r in (raw, again) if isinstance(r, RawValue) and len(r.text) >= GLUED]
    # the row's figures only for a cell that holds none (its number fell in the next cell)
    row, tokens = _row_figures(doc, spec) if not isinstance(raw, RawValue) else ("", ())
    for texts in (read_as, [row]):
        found = {w for text in texts for w in _windows(text, passes)}
        if len(found) == 1:
            where = raw.tokens if isinstance(raw, RawValue) and raw.tokens else tokens
            return RawValue(found.pop(), token_confidence(where), True, where)
    return None


def read_numbers_again(template: FormTemplate, doc: Document, raws: dict[str, RawValue | None | bool],
                       pages: Sequence[PageText], reader: NumberReader,
                       more: Sequence[NumberReader] = ()) -> dict[str, RawValue | None | bool]:
    """``raws`` with the CCCD numbers read with other than twelve figures read again (see the module).

    Args:
        template: The form's template (its ``cccd`` fields).
        doc: The document's lines and labels.
        raws: Field key → the value found (``fields.extract``): None when its label was found with
            nothing after it, False when not found.
        pages: The document's pages (``Token.page`` indexes them).
        reader: Reads a box of a page again as one line.
        more: Other ways to read the box, tried when that reading fails (see :func:`_more`).

    Returns:
        The values, a mended number in place of the one read.
    """
    out = dict(raws)
    for spec in template.fields:
        raw = raws.get(spec.key)
        if spec.type != "cccd" or raw is False and not spec.labels:
            continue
        digits = "".join(c for c in raw.text if c.isdigit()) if isinstance(raw, RawValue) else ""
        if len(digits) == CCCD_DIGITS or spec.where != "boxed-digits" and len(digits) == 9:
            continue  # twelve figures (a CMND's nine where one may be written): its checks judge it
        mended = _again(spec, doc, raw, raws, pages, reader, more)
        if mended is not None:
            out[spec.key] = mended
    return out
