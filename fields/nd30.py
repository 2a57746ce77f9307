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

from fields.dates import LOOKALIKES, parse_date, repair_date
from fields.names import SURNAMES, check_syllables, correct_name, ends_at_middle
from fields.nd30_checks import OFF_CENTRE, TOUCHED_DIGIT, centred, start_lost, touched_digit, unsure_figure
from fields.text import Token, fold, ratio
from fields.validators import check_name, split_glued_name

_NATIONAL = ("conghoaxahoichunghiavietnam", "doclaptudohanhphuc")
_NUMBER = re.compile(r"^s[oôố6ó0][:.;]?$|^s[oôố6ó0][:.;]", re.I)
_NOTATION = re.compile(r"^[A-ZĐ]{1,6}(?:-[A-ZĐ0-9]{1,8}){0,3}$")
_CAPACITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\s*[.,:]", re.I)
_SUBJECT = ("veviec", "vv")
HEAD_LINES = 8
"""Lines of a page's top the header is looked for in."""


@dataclass(frozen=True)
class Elements:
    """What was read, each with the mean confidence of its words; and per element a review reason."""

    values: dict[str, str]
    confidence: float
    reasons: dict[str, str]


def _text(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens).strip()


def _mean(tokens: Sequence[Token]) -> float:
    return sum(t.confidence for t in tokens) / len(tokens) if tokens else 0.0


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
        number = _number(left) if left else None
        if number and number[1]:
            return number[1]
    return None


def _halves(line: Sequence[Token], middle: float) -> tuple[list[Token], list[Token]]:
    """The agency's column and the national header's column of a header line: split at the widest
    gap near the page's middle (wide type can push ``Số: 123/QĐ-UBND`` past the middle), else at it."""
    tokens = sorted(line, key=lambda t: t.bbox.left)
    height = max((t.bbox.height for t in tokens), default=1)
    gaps = [(tokens[i].bbox.left - tokens[i - 1].bbox.right, i) for i in range(1, len(tokens))
            if middle * 0.5 < tokens[i].bbox.left < middle * 1.5]
    widest = max(gaps, default=(0, 0))
    if widest[0] > 2 * height:
        return list(tokens[:widest[1]]), list(tokens[widest[1]:])
    left = [t for t in tokens if (t.bbox.left + t.bbox.right) / 2 < middle]
    return left, [t for t in tokens if t not in left]


def _number(tokens: Sequence[Token]) -> tuple[str, str, float] | None:
    """(số, ký hiệu, confidence) from ``Số: 123/QĐ-UBND`` tokens."""
    text = _text(tokens).lstrip("+*#-–—_.,:;'`‘’\"|!~^°")  # a speck read before ``Số`` (``+Số``)
    match = re.search(r"S\S{0,2}\s*[:.;]?\s*[_\-.'`‘’,]*([0-9OoIlSs|]{1,5})\s*(?:/\s*([^\s]+))?", text)
    if match is None or not _NUMBER.match(text.split()[0] if text.split() else ""):
        return None
    digits = "".join(LOOKALIKES.get(c, c) for c in match.group(1))
    notation = (match.group(2) or "").strip(".,;:").replace("Ð", "Đ").replace("ĐĐ", "Đ")
    return digits, notation, _mean(tokens)


NUMBER_REREAD = 0.5
"""A ``Số: …`` read below this confidence is read again on its own (a colon glued to the figures)."""


def read_elements(lines: Sequence[Sequence[Token]], *, width: float, title_line: int | None,
                  reread: Callable[[Sequence[Sequence[Token]]], list[list[Token]]] | None = None,
                  reread_number: Callable[[Sequence[Token]], list[list[Token]]] | None = None,
                  reread_line: Callable[[Sequence[Token]], list[list[Token]]] | None = None) -> Elements:
    """The NĐ 30/2020 elements of one document.

    Args:
        lines: The document's lines (all its pages), in reading order.
        width: The first page's width in pixels (the header's two columns split at its middle).
        title_line: Index of the type line (``QUYẾT ĐỊNH``) when known.
        reread: Reads the signature block again without its seal (``fields.reread``), given the
            block's lines; used when the signer's name was not read surely.
        reread_number: Reads the header's ``Số: …`` tokens again on their own, when read unsurely.
        reread_line: Reads the signer's name line again on its own, when the name goes to review.

    Returns:
        The elements found: ``number``, ``notation``, ``issued`` (ISO), ``place``, ``issuer``,
        ``subject``, ``signer_title``, ``signer``; reasons such as ``invalid_notation``,
        ``invalid_date``, ``not_found`` (number, date or signer missing), ``invalid_name``.
    """
    values: dict[str, str] = {}
    reasons: dict[str, str] = {}
    confidences: list[float] = []
    middle = width / 2
    head = list(lines[: (title_line if title_line is not None else HEAD_LINES)])[:HEAD_LINES + 2]
    issuer: list[Token] = []
    for line in head:
        left, right = _halves(line, middle)
        number = _number(left) if left else None
        if number and "number" not in values:
            if number[2] < NUMBER_REREAD and reread_number is not None:
                number = _better_number(number, reread_number(left))
            values["number"], notation, conf = number
            confidences.append(conf)
            if notation:
                values["notation"] = notation
                if not _NOTATION.match(notation):
                    reasons["notation"] = "invalid_notation"
        elif left and "number" not in values and not is_national(left) and _text(left).isupper():
            issuer += left
        when = parse_date(_text(right)) if right else None
        repaired = repair_date(_text(right)) if right and when is None and "issued" not in values else None
        if repaired is not None:  # a 0 read as 6, 8 or 9 (``94 tháng 61 năm 2922``): kept, to be confirmed
            when = (repaired, True)
            reasons["issued"] = "ocr_digits_guessed"
        if when and "issued" not in values:
            values["issued"] = when[0].isoformat()
            if "issued" not in reasons and touched_digit(right):
                reasons["issued"] = TOUCHED_DIGIT
            elif "issued" not in reasons and unsure_figure(right):
                reasons["issued"] = "low_confidence"  # one figure read unsurely among sure words
            place = _text(right).split(",")[0].strip()
            if place and not any(c.isdigit() for c in place) and "ngay" not in fold(place):
                values["place"] = place
            confidences.append(_mean(right) * (0.9 if when[1] else 1.0))
    if issuer:
        values["issuer"] = " ".join(_text(issuer).split())
    if title_line is not None:
        subject = _subject(lines, title_line)
        if subject:
            values["subject"] = subject
    seen: dict[str, list[Token]] = {}
    _signer(lines, middle, values, reasons, confidences, seen=seen)
    if reread is not None:  # the seal sits on the signature block: always read it again without it
        _second_reading(lines, middle, values, reasons, confidences, reread, seen)
    if reread_line is not None and seen.get("words") and not centred(seen["words"], seen.get("title", [])):
        _line_reading(values, reasons, seen, reread_line)
    if values.get("signer") and "signer" not in reasons and (not _has_surname(values["signer"])
                                                              or ends_at_middle(values["signer"])):
        reasons["signer"] = "low_confidence"  # a full name starts with a family name and ends with a given one
    for element in ("number", "issued", "signer"):
        if element not in values:
            reasons.setdefault(element, "not_found")
    confidence = min(confidences) if confidences else 0.0
    return Elements(values, round(confidence, 4), reasons)


def _better_number(first: tuple[str, str, float], again: list[list[Token]]) -> tuple[str, str, float]:
    """The second reading of ``Số: …`` when it reads a number more surely than the first; no surer
    than the first (the same pixels read twice are no second witness: a clerk still looks)."""
    best = first
    for line in again:
        second = _number(line)
        if second is not None and second[2] > best[2]:
            best = second
    return first if best is first else (best[0], best[1], first[2])


def _subject(lines: Sequence[Sequence[Token]], title_line: int) -> str | None:
    """``Về việc …`` (or ``V/v …``) on the lines right after the type line, up to the next heading."""
    out: list[str] = []
    for line in lines[title_line + 1: title_line + 4]:
        text = _text(line)
        folded = fold(text)
        if not out and not folded.startswith(_SUBJECT):
            return None
        if out and (text.isupper() or folded.startswith("cancu")):
            break
        out.append(text)
    return " ".join(" ".join(out).split()) or None


def _has_surname(name: str) -> bool:
    """True when a full name starts with one of the family names (``fields.names.SURNAMES``)."""
    words = name.split()
    return bool(words) and fold(words[0]) in _SURNAMES


_SURNAMES = frozenset(fold(s) for s in SURNAMES)


def _second_reading(lines: Sequence[Sequence[Token]], middle: float, values: dict[str, str],
                    reasons: dict[str, str], confidences: list[float],
                    reread: Callable[[Sequence[Sequence[Token]]], list[list[Token]]],
                    seen: dict[str, list[Token]]) -> None:
    """Read the signature block again without its seal; keep the better reading of the name."""
    block = [line for line in lines[max(0, len(lines) - 8):] if line]
    again = reread(block)
    if not again:
        return
    first = (values.get("signer"), reasons.get("signer"), confidences[-1] if "signer" in values else 0.0)
    values2: dict[str, str] = {}
    reasons2: dict[str, str] = {}
    confidences2: list[float] = []
    seen2: dict[str, list[Token]] = {}
    _signer(again, middle, values2, reasons2, confidences2, seal=False, seen=seen2)
    second = values2.get("signer", "")
    doubt = reasons2.get("signer")
    off_centre = doubt in (OFF_CENTRE, "low_confidence")  # kept with its doubt, as read off-centre or unsure
    if not second or ("signer" in reasons2 and not off_centre):
        return
    better = (_has_surname(second), len(second.split()), confidences2[-1]) > (
        _has_surname(first[0] or "") and not first[1], len((first[0] or "").split()), first[2])
    if better:
        if "signer" in values:
            confidences.pop()
        values["signer"] = values2["signer"]
        seen.update(seen2)
        confidences.append(confidences2[-1])
        reasons.pop("signer", None)
        if off_centre:
            reasons["signer"] = str(doubt)
        if "signer_title" in values2:
            values["signer_title"] = values2["signer_title"]


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
        before = [t for t in _unglued([_unstamped(t) for t in line]) if t.text.isalpha()
                  and t.bbox.right <= first[0].bbox.left + height // 3]
        before = before[-2:]
        if not before or not all(t.text[0].isupper() and t.text[1:].islower() for t in before):
            continue
        name, syllable = check_syllables(correct_name(" ".join(t.text for t in before) + " " + values["signer"]))
        ok, _, name = check_name(name)
        if ok and not syllable and _has_surname(name) and centred([*before, *first], title):
            values["signer"] = name
            reasons.pop("signer", None)
            return


_TITLE_WORDS = ("chutich", "photruong", "truong", "giamdoc", "phogiamdoc", "chanhvanphong", "thutruong",
                "bithu", "phochutich", "truongcongan", "photruongcongan", "canbo", "congchuc")


_STAMP_PREFIX = re.compile(r"^.*[^\w\s](?=[^\W\d_]{2,}$)")


def _unstamped(token: Token) -> Token:
    """A word with the seal's ink glued before it taken off (``⁄/Phan`` → ``Phan``)."""
    if token.text.rstrip("-–.,").isalpha() and token.text[-1] in "-–.,":  # ``Uyên-``: a speck after the name
        token = Token(token.text.rstrip("-–.,"), fold(token.text), token.bbox, token.confidence, token.page, token.line)
    text = _STAMP_PREFIX.sub("", token.text)
    return token if text == token.text else Token(text, fold(text), token.bbox, min(token.confidence, 0.6),
                                                  token.page, token.line)


def _unglued(tokens: Sequence[Token]) -> list[Token]:
    """Words a tight font let OCR glue together split again (``HoàngGia`` → ``Hoàng`` ``Gia``)."""
    out: list[Token] = []
    for token in tokens:
        parts = split_glued_name(token.text).split()
        if len(parts) == 1:
            out.append(token)
            continue
        width = token.bbox.width / max(len(token.text), 1)
        left = token.bbox.left
        for part in parts:
            box = token.bbox.__class__(round(left), token.bbox.top, max(1, round(width * len(part))), token.bbox.height)
            out.append(Token(part, fold(part), box, token.confidence, token.page, token.line))
            left += width * len(part)
    return out


_SPECK = 0.5
"""A word before the name on its line read below this confidence (and no family name) is ink of the
seal or the signature."""


def _is_surname(word: str) -> bool:
    return fold(word) in _SURNAMES


def _after_ink(tokens: list[Token]) -> list[Token]:
    """The tokens from the name's first word: words read unsurely before it are the seal's or the
    signature's ink (``TT Cừ Hoàng Văn An``): the name starts at the first word read surely when it
    is a family name, else at the nearest family name before it, else at that word."""
    lead = 0
    while lead < len(tokens) and tokens[lead].confidence < _SPECK:
        lead += 1
    if lead == 0:
        return tokens
    if lead < len(tokens) and _is_surname(tokens[lead].text):
        return tokens[lead:]
    # the family name itself read unsurely: the nearest one before the first sure word
    starts = [i for i in range(lead - 1, -1, -1) if _is_surname(tokens[i].text)]
    return tokens[starts[0]:] if starts else tokens[lead:]


def _name_line(tokens: Sequence[Token]) -> list[Token] | None:
    """The tokens of a signer's name on a line: two to five title-case words of letters."""
    tokens = _unglued([_unstamped(t) for t in tokens])
    tokens = _after_ink(tokens)
    words = [t for t in tokens if t.text.isalpha()]
    if not 2 <= len(words) <= 5 or len(words) < len(tokens) - 3:
        return None
    if not all(w.text[0].isupper() and (w.text[1:].islower() or len(w.text) == 1) for w in words):
        return None  # title case only: capitals lines are offices and headings
    return words


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
        words = _name_line(right[index])
        if words is None:
            continue
        name, syllable = check_syllables(correct_name(" ".join(t.text for t in words)))
        ok, reason, name = check_name(name)
        values["signer"] = name
        if seen is not None:
            seen["words"], seen["title"] = list(words), []
        nearby = [t for line in right[max(0, index - 2): index + 1] for t in line]
        junk = [t for t in nearby if not any(c.isalpha() for c in t.text) or t.confidence < 0.5]
        confidence = min([_mean(words)] + [t.confidence for t in words] + ([0.5] if junk and seal else []))
        confidences.append(confidence)
        if not ok or syllable:
            reasons["signer"] = reason or syllable or "invalid_name"
        for above in range(index - 1, max(start, index - 6) - 1, -1):
            text = _text(right[above])
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
