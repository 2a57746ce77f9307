"""Dates as the forms write them, read through OCR's look-alike letters.

Forms write ``05/03/2024``, ``5/3/2024``, ``05-03-2024``, ``05.03.2024``, ``05032024`` and, in
datelines, ``ngày 05 tháng 3 năm 2024``. OCR turns digits into look-alike letters (``O5/O3/2O24``,
``l5``, ``S``) and drops or doubles separators. Inside a date every position is a digit, so a
look-alike there stands for one digit only: it is read as that digit, and the caller learns that
it was (its confidence is lowered, not the value rewritten silently).
"""

from __future__ import annotations

import re
from datetime import date

from fields.text import fold

LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "Ô": "0", "ô": "0", "Ơ": "0", "ơ": "0", "Ö": "0", "ö": "0",
              "Ò": "0", "ò": "0", "Ó": "0", "ó": "0", "Ø": "0", "ø": "0",
              "l": "1", "I": "1", "i": "1", "|": "1", "!": "1", "L": "1", "í": "1", "ì": "1",
              "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9", "q": "9", "G": "6", "b": "6", "T": "7"}
_DIGITISH = "0-9" + re.escape("".join(LOOKALIKES))
_SEP = r"\s*[/\u2044.\-,](?:\s*[/\u2044])?\s*"
"""Between a date's parts: a slash (or the fraction slash OCR reads for one: ``03/07⁄1984``), a dot,
a dash or a comma; a speck beside a slash read as a second one (``13/08/⁄1990``) makes the date a
guess (its figures were read in the same noise)."""
_NUMERIC = re.compile(rf"(?<![\w])([{_DIGITISH}]{{1,2}}){_SEP}([{_DIGITISH}]{{1,2}}){_SEP}([{_DIGITISH}]{{4}})(?![\w])")
_RUN = re.compile(rf"^([{_DIGITISH}]{{2}})([{_DIGITISH}]{{2}})([{_DIGITISH}]{{4}})$")
_WORDED = re.compile(r"(?:[a-z]?gay|n[a-z]?ay|ng[a-z]?y|nga[a-z]?)\W*([0-9a-z]{1,2})\W*thang\W*([0-9a-z]{1,2})\W*nam\W*([0-9a-z]{4})")
MIN_YEAR, MAX_YEAR = 1900, 2100
_AFTER = " .,:;)"
"""Marks that may follow a whole date: a stop, or the bracket of a note around it (``13.8.2009)``)."""


def _digits(text: str) -> tuple[str, bool] | None:
    """The digits a date part stands for, and whether a look-alike was read as a digit."""
    out, guessed = "", False
    for char in text:
        if char.isdigit():
            out += char
        elif char in LOOKALIKES:
            out, guessed = out + LOOKALIKES[char], True
        else:
            return None
    return out, guessed


def _build(parts: tuple[str, str, str]) -> tuple[date, bool] | None:
    read = [_digits(p) for p in parts]
    if any(r is None for r in read):
        return None
    (d, g1), (m, g2), (y, g3) = read  # type: ignore[misc]
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return day, g1 or g2 or g3


def parse_date(text: str, *, whole: bool = False) -> tuple[date, bool] | None:
    """The date written in ``text`` and whether a look-alike letter was read as a digit.

    Args:
        text: ``"05/03/2024"``, ``"5-3-2024"``, ``"05.03.2024"``, ``"ngày O5 tháng 3 năm 2024"``,
            or a line holding one of them (``"Cầu Giấy, ngày 05 tháng 3 năm 2024"``).
        whole: The text must be the date and nothing else (a worded date may follow its place
            and a comma): ``05/03/2020 Nữ`` is then no date (a neighbour's value ran into it).

    Returns:
        ``(date, guessed)``, or None when no real calendar date between 1900 and 2100 is written.
    """
    compact = " ".join(text.split())
    for match in _NUMERIC.finditer(compact):
        if whole and compact[:match.start()].strip(" .,:;") + compact[match.end():].strip(_AFTER):
            continue
        built = _build(match.groups())
        if built:
            doubled = len(re.findall(r"[/\u2044.\-,]", match.group(0))) > 2
            return built[0], built[1] or doubled
    run = _RUN.match(re.sub(r"[\s/.\-]", "", compact))
    if run:
        built = _build(run.groups())
        if built:
            return built
    worded = _WORDED.search(_fold_keep_case(compact))
    if worded and whole and _fold_keep_case(compact)[worded.end():].strip(" .,:;"):
        worded = None
    if worded:
        return _build(tuple(_unfold(worded, compact)))  # type: ignore[arg-type]
    return None


_SEVEN_FOR_SLASH = re.compile(r"(?<=\d)7(?=\d)")


def slash_read_as_seven(text: str, *, whole: bool = False, latest: date | None = None) -> date | None:
    """The one date ``text`` stands for when one of its slashes was read as a 7 (``21709/2000``,
    ``18710/2002``: the slash's stroke without its foot).

    Only for text :func:`parse_date` and :func:`repair_date` find no date in. Each 7 between two
    figures is tried as a slash; the date is returned only when exactly one such reading is a real
    date no later than ``latest`` (today by default): the caller flags it as guessed.
    """
    compact = " ".join(text.split())
    limit = latest or date.today()
    found = set()
    for seven in _SEVEN_FOR_SLASH.finditer(compact):
        parsed = parse_date(compact[:seven.start()] + "/" + compact[seven.end():], whole=whole)
        if parsed and parsed[0] <= limit:
            found.add(parsed[0])
    return found.pop() if len(found) == 1 else None


def _fold_keep_case(text: str) -> str:
    """Folded for the words ``ngày``/``tháng``/``năm``, keeping each other character's position."""
    return "".join(fold(c) or (c if not c.isspace() else " ") for c in text).lower()


def _unfold(match: re.Match[str], original: str) -> list[str]:
    """The original characters of a worded date's three numbers (look-alikes keep their case)."""
    folded = _fold_keep_case(original)
    spans = [match.span(i) for i in (1, 2, 3)]
    # _fold_keep_case maps one character to at most one, except combining marks (none in NFC)
    if len(folded) != len(original):
        return [match.group(i) for i in (1, 2, 3)]
    return [original[a:b] for a, b in spans]


def format_date(day: date) -> str:
    """``dd/mm/yyyy``, the form sohoa stores dates in."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


ZERO_LOOKALIKES = "689"
"""Figures OCR reads for a 0 in some type faces (a dotted or slashed zero, a worn typewriter's)."""
_MAX_REPAIRS = 4


ONE_LOOKALIKES = "4"
"""Figures OCR reads for a 1 in a monospaced face on a copy (its flag and foot run together:
``46/94/2991`` for ``16/04/2001``, ``4979`` for ``1979``; tuning seeds 204 and 220). Only a part's
first figure is tried: a day, month or year starting with 4 is rarely a date, while one ending in 4
often is (``10/10/2624`` is no 2021)."""


def _zero_variants(part: str, *, ones: bool = True) -> list[tuple[str, int]]:
    """``part`` with each subset of its 6/8/9 figures turned into 0 and (``ones``) of a leading 4 into
    1, and how many were turned."""
    spots = [i for i, c in enumerate(part) if c in ZERO_LOOKALIKES or ones and i == 0 and c in ONE_LOOKALIKES]
    out = []
    for mask in range(1 << len(spots)):
        chars = list(part)
        for bit, i in enumerate(spots):
            if mask >> bit & 1:
                chars[i] = "1" if chars[i] in ONE_LOOKALIKES else "0"
        out.append(("".join(chars), bin(mask).count("1")))
    return out


def repair_date(text: str, *, whole: bool = False, latest: date | None = None, ones: bool = True) -> date | None:
    """The one date ``text`` stands for when some of its 0s were read as 6, 8 or 9 (``94/61/2922``), or
    its 1s as 4 (``18/09/4979``).

    Only for text :func:`parse_date` finds no date in. Each 6/8/9 may stand for a 0, each 4 for a 1;
    the repairs that give a real date no later than ``latest`` (today by default) with the fewest
    changed figures are kept, and the date is returned only when they all give the same one: the caller
    flags it as guessed (``ocr_digits_guessed``), never as read.

    Args:
        text: A date as :func:`parse_date` takes it.
        whole: The text must be the date and nothing else.
        latest: The latest date it may be.
        ones: Also try a leading 4 as a 1; without it, only 0s are repaired (is the page's font one
            whose zeros look like 6, 8 or 9?).

    Returns:
        The repaired date, or None when none or several fit.
    """
    compact = " ".join(text.split())
    candidates = [m for m in _NUMERIC.finditer(compact)
                  if not whole or not compact[:m.start()].strip(" .,:;") + compact[m.end():].strip(" .,:;")]
    groups = [m.groups() for m in candidates]
    run = _RUN.match(re.sub(r"[\s/.\-]", "", compact))
    if run:
        groups.append(run.groups())
    folded = _fold_keep_case(compact)
    worded = _WORDED.search(folded)
    if worded and not (whole and folded[worded.end():].strip(" .,:;")):
        groups.append(tuple(_unfold(worded, compact)))
    limit = latest or date.today()
    for parts in groups:
        read = [_digits(p) for p in parts]
        if any(r is None for r in read):
            continue
        found: dict[date, int] = {}
        d_parts, m_parts, y_parts = (_zero_variants(r[0], ones=ones) for r in read)  # type: ignore[index]
        for d, cd in d_parts:
            for m, cm in m_parts:
                for y, cy in y_parts:
                    cost = cd + cm + cy
                    if not 0 < cost <= _MAX_REPAIRS:
                        continue
                    try:
                        day = date(int(y), int(m), int(d))
                    except ValueError:
                        continue
                    if MIN_YEAR <= day.year and day <= limit:
                        found[day] = min(cost, found.get(day, cost))
        if found:
            best = min(found.values())
            days = [d for d, c in found.items() if c == best]
            return days[0] if len(days) == 1 else None
    return None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def year_read(text: str, *, latest: date) -> int | None:
    """The year of a date that could not be read whole (``ngày 3l tháng l3 năm 2021``): its last
    four-figure year from 1900 to ``latest``'s, else None. Retention counts from the year alone."""
    years = [int(y) for y in _YEAR.findall(text)]
    return years[-1] if years and 1900 <= years[-1] <= latest.year else None


_MONTH_YEAR = re.compile(r"ngay.{0,6}?thang([0-9a-z]{1,2}?)nam(\d{4})")
_YEAR_ONLY = re.compile(r"ngay.{0,6}?thang.{0,3}?nam(\d{4})")


def month_year(text: str, *, latest: date) -> tuple[int, int | None] | None:
    """(year, month or None) of a date line whose day is not read: ``Quảng Ngãi, ngày    tháng 4 năm
    2020`` — the day is written by hand after signing, and is often blank or a scrawl on a scan.

    Only a ``ngày … tháng … năm …`` line counts (not a date in running text); the year must lie
    from 1900 to ``latest``'s year, the month is None when it is no month as read.
    """
    folded = fold(text)
    found = _MONTH_YEAR.search(folded)
    if found:
        month, year = _digits(found.group(1)), int(found.group(2))
        if MIN_YEAR <= year <= latest.year:
            ok = month is not None and 1 <= int(month[0]) <= 12 and date(year, int(month[0]), 1) <= latest
            return year, int(month[0]) if ok else None  # type: ignore[index]
    found = _YEAR_ONLY.search(folded)
    if found and MIN_YEAR <= int(found.group(1)) <= latest.year:
        return int(found.group(1)), None
    return None
