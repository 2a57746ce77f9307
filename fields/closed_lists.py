"""Closed lists a field's value must come from: Vietnam's 54 ethnic groups, nationalities, years.

A value of such a field that has the letters of a listed name is that name (a misread diacritic or a
lost space put back, ``KÍnh`` → ``Kinh``, ``Việt Nạm`` → ``Việt Nam``); one that matches none goes to
review (``invalid_choice``: a clerk checks it against the paper). A value read into a closed list is
rarely a wrong value that happens to be listed, so its confidence is floored (``fields.extract``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fields.dates import LOOKALIKES
from fields.text import collapse, edits, fold, fold_words, near_keys, one_off, ratio
from ocr.syllables import is_syllable

Check = tuple[bool, str | None, str]

ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Hoa", "Khmer", "Khơ-me", "Mường", "Nùng", "Mông", "H'Mông", "Hmông", "Dao",
    "Gia Rai", "Gia-rai", "Ngái", "Ê Đê", "Ê-đê", "Ba Na", "Xơ Đăng", "Xơ-đăng", "Sán Chay", "Cơ Ho",
    "Cơ-ho", "Chăm", "Chăm (Chàm)", "Sán Dìu", "Hrê", "Mnông", "M'Nông", "Ra Glai", "Raglay", "Ra-glai",
    "Xtiêng", "Stiêng", "Bru - Vân Kiều", "Bru-Vân Kiều", "Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Cơ-tu",
    "Giẻ Triêng", "Gié Triêng", "Mạ", "Khơ Mú", "Khơ-mú", "Co", "Tà Ôi", "Tà-ôi", "Chơ Ro", "Chơ-ro",
    "Kháng", "Xinh Mun", "Xinh-mun", "Hà Nhì", "Chu Ru", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá",
    "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Co Lao", "Cống", "Bố Y", "Si La",
    "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm", "Rơ-măm",
)
"""The 54 ethnic groups of Quyết định 121-TCTK/PPCĐ, with the spellings forms print (Khmer / Khơ-me)."""

NATIONALITIES = (
    "Việt Nam", "Không quốc tịch", "Trung Quốc", "Hàn Quốc", "Nhật Bản", "Lào", "Campuchia",
    "Cam-pu-chia", "Thái Lan", "Hoa Kỳ", "Mỹ", "Pháp", "Anh", "Đức", "Nga", "Liên bang Nga", "Úc",
    "Ô-xtrây-li-a", "Australia", "Canada", "Ca-na-đa", "Đài Loan", "Singapore", "Xin-ga-po", "Malaysia",
    "Ma-lai-xi-a", "Philippines", "Phi-líp-pin", "Indonesia", "In-đô-nê-xi-a", "Ấn Độ", "Myanmar",
    "Mi-an-ma", "Ý", "I-ta-li-a", "Hà Lan", "Thụy Điển", "Ba Lan", "Séc", "Cộng hòa Séc", "Ukraina",
    "U-crai-na", "Cu Ba", "Bra-xin", "Brazil",
)
"""Việt Nam and the nationalities most often met on Vietnamese civil-status forms; another one is
flagged for a clerk to confirm (``invalid_choice``), never rejected."""


def _by_fold(names: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(fold(name), name)  # the first spelling listed is the one put back
    return out


_ETHNIC = _by_fold(ETHNIC_GROUPS)
_NATIONAL = _by_fold(NATIONALITIES)


def _listed(text: str, names: tuple[str, ...], by_fold: dict[str, str]) -> Check:
    value = collapse(text)
    if value in names:
        return True, None, value
    for name in names:  # the printed spelling, in another case (``KINH``, ``việt nam``)
        if value.lower() == name.lower():
            return True, None, name
    listed = by_fold.get(fold(value))
    if listed is None:
        # one letter off exactly one listed name (``Tàầy``, ``Việt Nai``), or two off a long one read
        # with a word no syllable (``Viiit Nam``; ``Việt Nga`` is words): most likely that name, put
        # back for the clerk, who confirms it (a name missing from the list may be one letter off another)
        misread = not all(w.isalpha() and is_syllable(w) for w in value.split())
        near = {by_fold[key] for key in near_keys(fold(value), by_fold, shortest=3, two_off=misread)}
        return False, "invalid_choice", next(iter(near)) if len(near) == 1 and len(fold(value)) >= 3 else value
    return True, None, listed


def check_ethnicity(text: str) -> Check:
    """One of the 54 ethnic groups (``dân tộc``).

    Args:
        text: For example ``"Kinh"`` or ``"KÍnh"`` (a misread mark).

    Returns:
        ``(ok, reason, name)``: the listed spelling; reason ``invalid_choice`` when no group has these letters.
    """
    return _listed(text, ETHNIC_GROUPS, _ETHNIC)


def check_nationality(text: str) -> Check:
    """A nationality (``quốc tịch``) of :data:`NATIONALITIES`.

    Args:
        text: For example ``"Việt Nam"`` or ``"Việt Nạm"``.

    Returns:
        ``(ok, reason, name)``: the listed spelling; reason ``invalid_choice`` when none has these letters.
    """
    return _listed(text, NATIONALITIES, _NATIONAL)


MIN_YEAR, MAX_YEAR = 1900, 2100


_MARK_BEFORE_YEAR = re.compile(r"^\(?\S{1,2}(?:[)\]]\s*|\s+)(?<!\d)((?:19|20)\d\d)$")
"""A year after a short mark that is no figure of it: the form's footnote number ``(5)`` misread
(``I5 1993``, ``j5) 1993``, ``jö)1992``); its mark ends in a bracket or a space."""


def check_year(text: str, *, latest: int = MAX_YEAR) -> tuple[bool, str | None, str, bool]:
    """A year of birth written in four figures (``1987``), read through OCR look-alikes (``l987``).

    Args:
        text: The value as read.
        latest: The last year it may be (the form's own year: nobody on it is born later).

    Returns:
        ``(ok, reason, year, guessed)``: reason ``invalid_date`` when it is not four figures of a year
        from 1900 to ``latest``; ``guessed`` when a look-alike letter was read as a figure.
    """
    value = collapse(text).strip(".,;: ")
    marked = _MARK_BEFORE_YEAR.match(value)
    if marked:
        value = marked.group(1)  # ``(5) 1993`` read ``I5 1993``, ``j5) 1993``: the footnote mark is none of it
    digits, guessed = "", bool(marked)  # taken apart from a mark: less sure
    for char in value.replace(" ", ""):
        if char.isdigit():
            digits += char
        elif char in LOOKALIKES:
            digits, guessed = digits + LOOKALIKES[char], True
        else:
            return False, "invalid_date", value, False
    if len(digits) != 4 or not MIN_YEAR <= int(digits) <= min(latest, MAX_YEAR):
        return False, "invalid_date", value, False
    return True, None, digits, guessed


NEARLY_KNOWN = 0.9
"""A long value this close (letters only) to one known value, and to no other, is that value misread."""


def nearly_known(value: str, known: Sequence[str]) -> str | None:
    """The one known value (20 letters or more) ``value`` is nearly (a few letters misread), if any."""
    close = [k for k in known if len(fold(k)) >= 20 and ratio(fold(value), fold(k)) >= NEARLY_KNOWN]
    return close[0] if len(close) == 1 else None


def _footnote_mark(word: str) -> bool:
    """A footnote mark or a speck read before a value (``I2``, ``q)``, ``I/1):``, ``Z``): a short run
    that is no word and no number, or a lone letter."""
    return len(word) <= 5 and not word.isdigit() and (not word.isalpha() or len(word) == 1)


def known_prefix(value: str, known: Sequence[str]) -> tuple[str, frozenset[str]]:
    """``value`` with its start spelt as the known text it has the letters of (``Ủy ban nhan dân
    phường …`` → ``Ủy ban nhân dân phường …``), and that text's folded words (checked words); the
    longest known text wins. Unchanged, and no words, when it starts with none."""
    words = value.split()
    if len(words) > 2 and _footnote_mark(words[0]):
        rest = known_prefix(" ".join(words[1:]), known)
        if rest[1]:
            return rest  # ``I2 Điều chỉnh …``: a footnote mark read before the known text
    for text in sorted(known, key=len, reverse=True):
        target = fold(text)
        for n in range(1, len(words) + 1):
            joined = fold("".join(words[:n]))
            if joined == target and n < len(words):
                last = words[n - 1]
                mark = last[len(last.rstrip(",.;:")):]  # ``… về cư trú, nơi ở``: its comma stays
                mark = "" if text[-1] in ",.;:" else mark  # the known text's own colon, put back if lost
                if words[n] in _UNIT_HEADS:
                    mark = ""  # ``Công an, phường``: a speck read as a comma
                return " ".join([text + mark, *words[n:]]), frozenset(fold(w) for w in text.split() if fold(w))
            if len(joined) >= len(target):
                break
    near = _near_lead(words, known)
    if near is not None:
        return " ".join([near, *words[len(near.split()):]]), frozenset(fold(w) for w in near.split() if fold(w))
    split = _split_lead(words, known)
    if split is not None:
        text, n = split
        return " ".join([text, *words[n:]]), frozenset(fold(w) for w in text.split() if fold(w))
    return value, frozenset()


SPLIT_LEAD_LETTERS = 10
"""A known text of this many letters or more whose letters the value starts with but for two, in
other words (``Ủy ban nhân ci ân phường …``: a letter of a photocopy broken in two), is put back."""
_UNIT_HEADS = frozenset(("phường", "xã", "quận", "huyện", "thị", "thành", "tỉnh"))
"""The first words of a unit's type: an agency's known start runs on into its unit with no comma."""


def _split_lead(words: list[str], known: Sequence[str]) -> tuple[str, int] | None:
    """(known text, words it takes) when the value's first words hold a known text's letters but for
    two at most, however the words were split, and a word follows; one known text only, or the longest
    of texts that start one another."""
    found: dict[str, int] = {}
    for text in known:
        target = fold(text)
        if len(target) < SPLIT_LEAD_LETTERS:
            continue
        last_word = text.split()[-1]
        best: tuple[int, int] | None = None
        for n in range(1, len(words)):
            joined = fold("".join(words[:n]))
            if len(joined) > len(target) + 2:
                break
            off, last = edits(joined, target), words[n - 1]
            # the misread letters lie inside the words taken: their last word ends as the text ends, is
            # small if the text's is, and is no unit's type (``ciân`` for ``dân``; not ``DOANH.AN``,
            # ``dânxã``, ``nhân An``, ``nhân quận``)
            inside = len(fold(last)) >= 2 and fold(last)[-2:] == target[-2:] and last.lower() not in _UNIT_HEADS \
                and (last[:1].islower() or not last_word[:1].islower())
            if off <= 2 and inside and (best is None or off < best[0]):
                best = (off, n)
        if best is not None:
            found[text] = best[1]
    if not found:
        return None
    longest = max(found, key=lambda text: len(fold(text)))  # ``Đăng ký thường trú tại`` holds ``… trú``
    return (longest, found[longest]) if all(fold(longest).startswith(fold(t)) for t in found) else None


def _near_lead(words: list[str], known: Sequence[str]) -> str | None:
    """The one known text of several words ``words`` start with but for one letter of one word, marks
    compared (``Bán tẻ`` for ``Bán lẻ``, ``Công am`` for ``Công an``): a letter misread in print; a word
    that differs in its mark too is another word (``Bán vé`` is no ``Bán lẻ``)."""
    found = set()
    for text in known:
        lead = text.split()
        if len(lead) < 2 or len(lead) > len(words) or len(fold(text)) < 5:
            continue
        read = [w.rstrip(",.;:") for w in words[:len(lead)]]
        off = [(a, b) for a, b in zip(read, lead, strict=True) if fold(a) != fold(b)]
        if len(off) == 1 and one_off(off[0][0].lower(), off[0][1].lower()):
            found.add(text)
    return found.pop() if len(found) == 1 else None


def complete_choice(value: str, choices: Sequence[str]) -> tuple[str | None, bool]:
    """The one choice a value not in the list stands for, and whether that is sure.

    Sure: the value is the end of exactly one choice, two words or more (``thứ nhất`` → ``Lần thứ
    nhất``: its first word lost to the label's line); or one letter off exactly one choice with a word
    that is no Vietnamese syllable (``NP``, ``Nữđ``, ``Lầr thứ nhất``: a misreading, not another word a
    form could hold). Not sure: one letter off exactly one choice and spelt as words (``Can`` → ``Con``,
    ``NE`` → ``Nữ``, ``Bác`` → ``Bà``), or of three words or more with only its first misread (``Tin
    thứ nhất``), kept for a clerk to confirm. ``(None, False)`` when neither.
    """
    words = fold_words(value)
    if not words:
        return None, False
    tails = [c for c in choices if len(fold_words(c)) > len(words) and fold_words(c)[-len(words):] == words]
    if len(words) >= 2 and len(tails) == 1:
        return tails[0], True
    near = [c for c in choices if one_off(fold(value), fold(c))]
    if not near and len(words) >= 3:
        # ``Tin thứ nhất``: the first word misread, the rest the words of one choice only
        near = [c for c in choices if len(fold_words(c)) == len(words) and fold_words(c)[1:] == words[1:]]
        return (near[0], False) if len(near) == 1 else (None, False)
    if len(fold(value)) < 2 or len(near) != 1:
        return None, False
    words = value.split()
    misread = all(w.isalpha() for w in words) and not all(is_syllable(w) for w in words)
    return near[0], misread

