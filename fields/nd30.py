"""The NĐ 30/2020 elements of an administrative document, read from its OCR'd lines.

An administrative document (Phụ lục I of NĐ 30/2020) prints, top left, the issuing agency in capitals
and ``Số: 123/QĐ-UBND``; top right, the national header and ``<địa danh>, ngày … tháng … năm …``;
then its type in capitals (``QUYẾT ĐỊNH``) and its subject (``Về việc …``); at the end, the
signer's capacity (``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH``), title (``PHÓ CHỦ TỊCH``) and name,
under a signature and a seal. Tesseract reads the two header columns into shared lines, so the
header is split by x: what lies left of the page's middle is the agency's column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from fields.dates import parse_date, repair_date
from fields.names import check_syllables, correct_name, ends_at_middle
from fields.nd30_checks import (OFF_CENTRE, TOUCHED_DIGIT, centred, figure_dropped, figure_slots, letter_figures,
                               mended_date, start_lost, touched_digit, unsure_figure)
from fields.nd30_dateline import (date_again, dateline, figure_mark, figures_alone, marked_figures, one_date,
                                  shaped_date)
from fields.nd30_number import (NOTATION, halves, handwritten_number, mean_confidence, notation_alone,
                                number_of, read_number, words_text)
from fields.nd30_signer import has_surname, mended_name, name_line, name_word, surer_marks, unglued, unstamped
from fields.nd30_subject import subject_after
from fields.text import Token, fold, ratio
from fields.validators import check_name

_NATIONAL = ("conghoaxahoichunghiavietnam", "doclaptudohanhphuc")
_CAPACITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\s*[.,:]", re.I)
HEAD_LINES = 8
"""Lines of a page's top the header is looked for in."""


@dataclass(frozen=True)
class Elements:
    """What was read, each with the mean confidence of its words; and per element a review reason."""

    values: dict[str, str]
    confidence: float
    reasons: dict[str, str]


def is_national(tokens: Sequence[Token]) -> bool:
    """The national header or motto, alone on its line or sharing it with the agency's column."""
    folded = "".join(t.folded for t in tokens)
    if any(ratio(folded, n) > 0.75 or n in folded for n in _NATIONAL):
        return True
    for start in range(len(tokens)):
        run = ""
        for token in tokens[start:]:
            run += token.folded
            if len(run) >= 12 and any(ratio(run, n) > 0.75 for n in _NATIONAL):
                return True
            if len(run) > 40:
                break
    return False


def notation_of(lines: Sequence[Sequence[Token]], width: float) -> str | None:
    """The ký hiệu (``QĐ-UBND``) of a document's ``Số:`` line in its header, if it has one."""
    for line in lines[:HEAD_LINES]:
        left = [t for t in line if (t.bbox.left + t.bbox.right) / 2 < width / 2]
        number = number_of(left) if left else None
        if number and number[1]:
            return number[1]
    return None


def _accented_figure(right: Sequence[Token]) -> bool:
    """True when a group of a dateline's figures holds an accented letter (``Ö8``): read as the figure
    it looks like, for a clerk to confirm."""
    return any(any(c.isalpha() and not c.isascii() for c in right[at].text) for at, _slot in figure_slots(right))


def read_elements(lines: Sequence[Sequence[Token]], *, width: float, title_line: int | None,
                  reread: Callable[[Sequence[Sequence[Token]]], list[list[Token]]] | None = None,
                  reread_number: Callable[[Sequence[Token]], list[list[Token]]] | None = None,
                  reread_line: Callable[[Sequence[Token]], list[list[Token]]] | None = None,
                  reread_date: Callable[[Sequence[Token]], list[list[Token]]] | None = None,
                  reread_printed: Callable[[Sequence[Sequence[Token]]], list[list[Token]]] | None = None,
                  reread_figure: Callable[[Token], list[list[Token]]] | None = None) -> Elements:
    """The NĐ 30/2020 elements of one document.

    Args:
        lines: The document's lines (all its pages), in reading order.
        width: The first page's width in pixels (the header's two columns split at its middle).
        title_line: Index of the type line (``QUYẾT ĐỊNH``) when known.
        reread: Reads the signature block again without its seal (``fields.reread``), given the
            block's lines; used when the signer's name was not read surely.
        reread_number: Reads the header's ``Số: …`` tokens again on their own (whitened, as printed, and
            its figures and notation alone): see :func:`fields.nd30_number.read_number`.
        reread_line: Reads the signer's name line again on its own, when the name goes to review.
        reread_date: Reads a header line's right part again on its own, when it reads as a dateline
            (``ngày … tháng … năm``) but gives no date.
        reread_printed: Reads the signature block again as printed (not whitened), when neither the
            page's reading nor the seal-free one found a name: whitening can leave Tesseract finding no
            text lines under the title at all.
        reread_figure: Reads one group of a dateline's figures again alone (as printed), when the
            dateline gives no date, or one of its figures was read unsurely: with no words around it,
            Tesseract reads an italic ``08`` it read ``0Š`` or ``06`` on the line.

    Returns:
        The elements found: ``number``, ``notation``, ``issued`` (ISO), ``place``, ``issuer``,
        ``subject``, ``signer_title``, ``signer``; reasons such as ``invalid_notation``,
        ``invalid_date``, ``not_found`` (number, date or signer missing), ``invalid_name``.
    """
    values: dict[str, str] = {}
    reasons: dict[str, str] = {}
    confidences: list[float] = []
    middle = width / 2
    head = _below_stamps(lines, title_line)
    issuer: list[Token] = []
    for line in head:
        left, right = halves(line, middle)
        read = read_number(left, reread_number) if left and "number" not in values else None
        if read:
            values["number"], notation, conf = read[0]
            confidences.append(conf)
            if read[1]:
                reasons["number"] = read[1]
            if handwritten_number(left):
                reasons["number"] = "handwritten"
            if notation:
                values["notation"] = notation
                if not NOTATION.match(notation):
                    reasons["notation"] = "invalid_notation"
        elif left and "number" not in values and not is_national(left) and words_text(left).isupper():
            issuer += left
        when = parse_date(words_text(right)) if right else None
        if right and when is None and "issued" not in values:
            mended, guessed = mended_date(right)  # ``táng`` for ``tháng``, ``Ø4`` for ``04``
            when = parse_date(mended)
            if when is not None and guessed:
                reasons["issued"] = "ocr_digits_guessed"
        repaired = repair_date(words_text(right)) if right and when is None and "issued" not in values else None
        if repaired is not None:  # a 0 read as 6, 8 or 9 (``94 tháng 61 năm 2922``): kept, to be confirmed
            when = (repaired, True)
            reasons["issued"] = "ocr_digits_guessed"
        if when is None and right and "issued" not in values and dateline(right):
            when = one_date(figure_dropped(right))
            if when is not None:  # a speck read as a figure the box has no room for: to be confirmed
                reasons["issued"] = "ocr_digits_guessed"
        if when is None and right and "issued" not in values and reread_date is not None and dateline(right):
            when = date_again(reread_date(right))
            if when is not None:  # read on the second reading only: for a clerk to confirm
                reasons["issued"] = "low_confidence"
        if when is None and right and "issued" not in values and dateline(right):
            when = shaped_date(right, reasons, reread_figure)
        if when is None and right and "issued" not in values and reread_figure is not None and dateline(right):
            when = figures_alone(right, reread_figure, unsure_only=False)
            if when is not None:  # read on the figures read alone only: for a clerk to confirm
                reasons["issued"] = "low_confidence"
        if when and "issued" not in values:
            values["issued"] = when[0].isoformat()
            if when[0] > date.today():  # a paper is not issued after it is scanned: a figure misread
                reasons["issued"] = "invalid_date"
            if "issued" not in reasons and (len(letter_figures(right)) > 1 or _accented_figure(right)):
                reasons["issued"] = "ocr_digits_guessed"  # a letter read for a figure it is not the only shape of
            if "issued" not in reasons and touched_digit(right):
                reasons["issued"] = TOUCHED_DIGIT
            elif "issued" not in reasons and (unsure_figure(right) or figure_mark(right)):
                reasons["issued"] = "low_confidence"  # one figure read unsurely among sure words, or a mark
                again = figures_alone(right, reread_figure, unsure_only=True) if reread_figure else None
                again = again or marked_figures(right)  # ``tháng 1]`` in the box of two figures: 11
                if again is not None:  # the unsure figure read alone, surely, as another: kept flagged
                    values["issued"] = again[0].isoformat()
            place = words_text(right).split(",")[0].strip()
            if place and not any(c.isdigit() for c in place) and "ngay" not in fold(place):
                values["place"] = place
            confidences.append(mean_confidence(right) * (0.9 if when[1] else 1.0))
    if "notation" not in values and (notation := notation_alone(head, middle)):
        values["notation"] = notation  # the number handwritten: unread or in doubt, so reviewed anyway
    if issuer:
        values["issuer"] = " ".join(words_text(issuer).split())
    if title_line is not None:
        subject = subject_after(lines, title_line)
        if subject:
            values["subject"] = subject
    seen: dict[str, list[Token]] = {}
    _signer(lines, middle, values, reasons, confidences, seen=seen)
    if reread is not None:  # the seal sits on the signature block: always read it again without it
        _second_reading(lines, middle, values, reasons, confidences, reread, seen)
    if reread_printed is not None and "signer" not in values and not seen.get("garbled"):
        _second_reading(lines, middle, values, reasons, confidences, reread_printed, seen, seal=True)
    if "signer" not in values and seen.get("garbled") and reread_line is not None:
        mended = mended_name(seen["garbled"], reread_line(seen["garbled"]))
        if mended:  # read on no reading whole: for a clerk to confirm
            values["signer"], reasons["signer"] = mended, "low_confidence"
    if seen.get("words") and not seen.get("title"):  # neither reading found the title with the name
        seen["title"] = _title_above(lines, middle, seen["words"])
    if reread_line is not None and seen.get("words") and not centred(seen["words"], seen.get("title", [])):
        _line_reading(values, reasons, seen, reread_line)
        title = seen["title"]
        if (values.get("signer") == words_text(seen["words"]) and not centred(seen["words"], title)
                and fold("".join(t.text for t in title)) in _TITLE_WORDS):  # a title read whole: off its middle
            reasons.setdefault("signer", OFF_CENTRE if start_lost(seen["words"], title) else "low_confidence")
    if values.get("signer") and "signer" not in reasons and (not has_surname(values["signer"])
                                                              or ends_at_middle(values["signer"])):
        reasons["signer"] = "low_confidence"  # a full name starts with a family name and ends with a given one
    if values.get("signer") and "signer" not in reasons and not (values.get("signer_title") or seen.get("title")):
        reasons["signer"] = "low_confidence"  # no title (``CHỦ TỊCH``) read above the name: the block read badly
    for element in ("number", "issued", "signer"):
        if element not in values:
            reasons.setdefault(element, "not_found")
    confidence = min(confidences) if confidences else 0.0
    return Elements(values, round(confidence, 4), reasons)


NATIONAL_LINES = 12
"""The national header is looked for this far down: above it may sit a digital signature's stamp
(``Ký bởi: …``, ``Thời gian ký: …``, up to 7 lines on the real scans) or a receipt stamp."""


def _below_stamps(lines: Sequence[Sequence[Token]], title_line: int | None) -> list[Sequence[Token]]:
    """The header's lines: from the national header's (above it may sit a digital signature's or a
    gazette's stamp, whose ``Thời gian ký: 07/01/2025`` is no date of issue) to the type line, or
    ``HEAD_LINES`` of them when it is not known; at most ``HEAD_LINES + 2``."""
    end = title_line if title_line is not None else NATIONAL_LINES
    start = next((i for i, line in enumerate(lines[:end]) if is_national(line)), 0)
    if title_line is None:
        end = start + HEAD_LINES
    return list(lines[start:end])[:HEAD_LINES + 2]


def _second_reading(lines: Sequence[Sequence[Token]], middle: float, values: dict[str, str],
                    reasons: dict[str, str], confidences: list[float],
                    reread: Callable[[Sequence[Sequence[Token]]], list[list[Token]]],
                    seen: dict[str, list[Token]], *, seal: bool = False) -> None:
    """Read the signature block again without its seal (or, ``seal``, as printed: the seal's ink then
    lowers the name's confidence as on the page's reading); keep the better reading of the name."""
    block = [line for line in lines[max(0, len(lines) - 8):] if line]
    again = reread(block)
    if not again:
        return
    first = (values.get("signer"), reasons.get("signer"), confidences[-1] if "signer" in values else 0.0)
    values2: dict[str, str] = {}
    reasons2: dict[str, str] = {}
    confidences2: list[float] = []
    seen2: dict[str, list[Token]] = {}
    _signer(again, middle, values2, reasons2, confidences2, seal=seal, seen=seen2)
    second = values2.get("signer", "")
    doubt = reasons2.get("signer")
    off_centre = doubt in (OFF_CENTRE, "low_confidence")  # kept with its doubt, as read off-centre or unsure
    if not second or ("signer" in reasons2 and not off_centre):
        if second and "signer" not in values:  # a name read with garbled words: to mend word by word
            seen["garbled"] = seen2["words"]
        return
    better = (has_surname(second), len(second.split()), confidences2[-1]) > (
        has_surname(first[0] or "") and not first[1], len((first[0] or "").split()), first[2])
    if better:
        if "signer" in values:
            confidences.pop()
        values["signer"] = values2["signer"]
        marks = surer_marks(seen.get("words", []), seen2.get("words", [])) if first[0] else None
        if marks:  # the same letters read twice: each word's marks from the reading surer of them
            values["signer"] = check_name(check_syllables(correct_name(marks))[0])[2]
        seen.update({k: v for k, v in seen2.items() if v})  # the title read first, when not again
        confidences.append(confidences2[-1])
        reasons.pop("signer", None)
        if off_centre:
            reasons["signer"] = str(doubt)
        elif first[0] and len(first[0].split()) == len(second.split()) and first[0] != second:
            reasons["signer"] = "low_confidence"  # the two readings differ word for word: which is right?
        if "signer_title" in values2:
            values["signer_title"] = values2["signer_title"]


def _word_lost_before(line: Sequence[Token], words: Sequence[Token]) -> bool:
    """True when a word of letters the name's reading left out stands a space before it (``xyz Văn
    Minh Đức``): the seal's ink read over the name's first word, which is then lost."""
    height = max(t.bbox.height for t in words)
    before = [t for t in line if t.bbox.right <= words[0].bbox.left and t.page == words[0].page]
    if not before:
        return False
    last = max(before, key=lambda t: t.bbox.right)
    letters = sum(c.isalpha() for c in last.text)
    return letters >= 2 and words[0].bbox.left - last.bbox.right <= height and fold(last.text) != fold(words[0].text)


def _title_above(lines: Sequence[Sequence[Token]], middle: float, words: Sequence[Token]) -> list[Token]:
    """The signer's title (``CHỦ TỊCH``) read on a line of the right column above the name, if any."""
    for line in reversed(lines[max(0, len(lines) - 14):]):
        right = [t for t in line if t.bbox.left >= middle * 0.8 and t.page == words[0].page]
        if not right or right[0].bbox.top >= words[0].bbox.top:
            continue
        title = [t for t in right if t.text.isalpha() and t.text.isupper()]
        if any(w in fold(words_text(right)) for w in _TITLE_WORDS) and not _CAPACITY.match(words_text(right)):
            return title
    return []


def _line_reading(values: dict[str, str], reasons: dict[str, str], seen: dict[str, list[Token]],
                  reread_line: Callable[[Sequence[Token]], list[list[Token]]]) -> None:
    """Read the name's line again on its own (the whole width right of the middle): a first word the
    seal or the signature hid in the block's reading often comes out (``Lê Hồng Nhung`` → ``Lê Lê Hồng
    Nhung``). Only words left of the name read first are taken (one or two, title case), and only when
    the name they make starts with a family name and is centred under the title (not flagged then)."""
    first, title = seen["words"], seen.get("title", [])
    if not title:
        return
    height = max(t.bbox.height for t in first)
    for line in reread_line(first):
        before = [t for t in unglued([unstamped(t) for t in line]) if t.text.isalpha()
                  and t.bbox.right <= first[0].bbox.left + height // 3]
        run = len(before)
        while run > 0 and name_word(before[run - 1]):
            run -= 1
        before = before[run:][-2:]  # the title-case words right before the name (``sự Hồ``: ink, then Hồ)
        if not before:
            continue
        name, syllable = check_syllables(correct_name(" ".join(t.text for t in before) + " " + values["signer"]))
        ok, _, name = check_name(name)
        if ok and not syllable and has_surname(name) and centred([*before, *first], title):
            values["signer"] = name
            reasons.pop("signer", None)
            return
    for line in reread_line(first):  # a last word the first reading dropped (``Ma1``): the line read whole
        words = name_line(line)
        if not words or len(words) <= len(first) or [t.text for t in words[:len(first)]] != [t.text for t in first]:
            continue
        name, syllable = check_syllables(correct_name(" ".join(t.text for t in words)))
        ok, _, name = check_name(name)
        if ok and not syllable and has_surname(name) and centred(words, title):
            values["signer"] = name
            reasons.pop("signer", None)
            return


_TITLE_WORDS = ("chutich", "photruong", "truong", "giamdoc", "phogiamdoc", "chanhvanphong", "thutruong",
                "bithu", "phochutich", "truongcongan", "photruongcongan", "canbo", "congchuc")




def _signer(lines: Sequence[Sequence[Token]], middle: float, values: dict[str, str], reasons: dict[str, str],
            confidences: list[float], *, seal: bool = True, seen: dict[str, list[Token]] | None = None) -> None:
    """The signer's name — the last right-column line of the document that reads as a name — and
    title — the nearest capitals line above it naming an office (``CHỦ TỊCH``, ``PHÓ CHỦ TỊCH`` …).

    A seal printed over the block garbles words: the name's confidence is then the lowest of its
    words and of the junk around it, so a name the seal may have cut short goes to review.
    """
    right = [[t for t in line if t.bbox.left >= middle * 0.8] for line in lines]
    start = max(0, len(lines) - 14)
    for index in range(len(lines) - 1, start - 1, -1):
        words = name_line(right[index])
        if words is None:
            continue
        name, syllable = check_syllables(correct_name(" ".join(t.text for t in words)))
        ok, reason, name = check_name(name)
        values["signer"] = name
        if seen is not None:
            seen["words"], seen["title"] = list(words), []
        nearby = [t for line in right[max(0, index - 2): index + 1] for t in line]
        junk = [t for t in nearby if not any(c.isalpha() for c in t.text) or t.confidence < 0.5]
        confidence = min([mean_confidence(words)] + [t.confidence for t in words] + ([0.5] if junk and seal else []))
        confidences.append(confidence)
        if not ok or syllable:
            reasons["signer"] = reason or syllable or "invalid_name"
        elif _word_lost_before(right[index], words):
            reasons["signer"] = OFF_CENTRE
        for above in range(index - 1, max(start, index - 6) - 1, -1):
            text = words_text(right[above])
            folded = fold(text)
            if any(w in folded for w in _TITLE_WORDS) and not _CAPACITY.match(text):
                title = [t for t in right[above] if t.text.isalpha() and t.text.isupper()]
                values["signer_title"] = " ".join(t.text for t in title)
                if seen is not None:
                    seen["title"] = title
                if not seal and "signer" not in reasons and start_lost(words, title):
                    reasons["signer"] = OFF_CENTRE
                break
        return
