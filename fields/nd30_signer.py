"""Reading a signer's name on a line of a decision's signature block (NĐ 30/2020, Phụ lục I).

The name is printed in title case under the title, with a seal and a signature over or beside it: their
ink is read as stray letters, figures or words glued before the name, which are taken off here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fields.names import SURNAMES, check_syllables, correct_name
from fields.text import Token, fold
from fields.validators import check_name, split_glued_name

def has_surname(name: str) -> bool:
    """True when a full name starts with one of the family names (``fields.names.SURNAMES``)."""
    words = name.split()
    return bool(words) and fold(words[0]) in _SURNAMES


_SURNAMES = frozenset(fold(s) for s in SURNAMES)


_STAMP_PREFIX = re.compile(r"^.*[^\w\s](?=[^\W\d_]{2,}$)")


def unstamped(token: Token) -> Token:
    """A word with the seal's ink glued before it taken off (``⁄/Phan`` → ``Phan``)."""
    if token.text.rstrip("-–.,").isalpha() and token.text[-1] in "-–.,":  # ``Uyên-``: a speck after the name
        token = Token(token.text.rstrip("-–.,"), fold(token.text), token.bbox, token.confidence, token.page, token.line)
    if _hyphen_parts(token.text) is not None:  # two words a stroke joined (``Hoàng-Minh``): see ``unglued``
        return token
    text = _STAMP_PREFIX.sub("", token.text)
    return token if text == token.text else Token(text, fold(text), token.bbox, min(token.confidence, 0.6),
                                                  token.page, token.line)


_HYPHENED = re.compile(r"^([^\W\d_]{2,})[-–—]([^\W\d_]{2,})$")


def _hyphen_parts(text: str) -> list[str] | None:
    """``Hoàng-Minh``: two title-case words joined by a dash (a signature's stroke read between them);
    a Vietnamese name carries no dash, so the two are the name's words."""
    match = _HYPHENED.match(text)
    if match is None or not all(p[0].isupper() and p[1:].islower() for p in match.groups()):
        return None
    return list(match.groups())


def unglued(tokens: Sequence[Token]) -> list[Token]:
    """Words a tight font let OCR glue together split again (``HoàngGia`` → ``Hoàng`` ``Gia``); words a
    stroke joined with a dash too (``Hoàng-Minh``), then read no surer than 0.6 (ink crossed them)."""
    out: list[Token] = []
    for token in tokens:
        dashed = _hyphen_parts(token.text)
        if dashed is not None:
            token = Token(token.text, token.folded, token.bbox, min(token.confidence, 0.6), token.page, token.line)
        parts = dashed or split_glued_name(token.text).split()
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


def is_surname(word: str) -> bool:
    return fold(word) in _SURNAMES


def _after_ink(tokens: list[Token]) -> list[Token]:
    """The tokens from the name's first word: words read unsurely before it are the seal's or the
    signature's ink (``TT Cừ Hoàng Văn An``): the name starts at the first word read surely when it
    is a family name, else at the nearest family name before it, else at that word."""
    lead = 0
    while lead < len(tokens) and tokens[lead].confidence < _SPECK:
        lead += 1
    if lead == 0:
        return _after_junk(tokens)
    if lead < len(tokens) and is_surname(tokens[lead].text):
        return tokens[lead:]
    # the family name itself read unsurely: the nearest one before the first sure word
    starts = [i for i in range(lead - 1, -1, -1) if is_surname(tokens[i].text)]
    return tokens[starts[0]:] if starts else tokens[lead:]


def name_word(token: Token) -> bool:
    """A word that can be part of a name: two letters or more, title case."""
    text = token.text
    return len(text) > 1 and text.isalpha() and text[0].isupper() and text[1:].islower()


def _after_junk(tokens: list[Token]) -> list[Token]:
    """The tokens from the first family name when all before it are no name's words (``XS 4.2 Ngô
    Hoàng Tuấn``, ``N Dương Ngọc Hà``): a seal's or signature's ink read as letters or figures."""
    for index, token in enumerate(tokens):
        if is_surname(token.text) and name_word(token):
            return tokens[index:]
        if token.text.isalpha() and not (len(token.text) <= 2 and token.text.isupper()):
            break  # a word (``phố Kim Mã``): the line is text, not a name after ink
    return tokens


def name_line(tokens: Sequence[Token]) -> list[Token] | None:
    """The tokens of a signer's name on a line: two to five title-case words of letters; when the whole
    line is none, the words right of its last wide gap (the seal's ink read as words left of the name)."""
    tokens = mended_surname(unglued([unstamped(t) for t in tokens]))
    words = _name_words(tokens)
    if words is None and (run := _last_run(tokens)) is not None:
        words = _name_words(run)
    return words


GAP = 1.2
"""Words of a printed name are a space apart; a gap wider than this many times the line's height
separates ink left of the name (the seal's, the signature's) read as words from it."""


def _last_run(tokens: Sequence[Token]) -> list[Token] | None:
    """The tokens right of a line's last gap wider than ``GAP`` line heights, when there is one and no
    name's word lies left of it."""
    if len(tokens) < 2:
        return None
    height = sorted(t.bbox.height for t in tokens)[len(tokens) // 2]
    cuts = [i for i in range(1, len(tokens)) if tokens[i].bbox.left - tokens[i - 1].bbox.right > GAP * height]
    if not cuts or any(name_word(t) for t in tokens[:cuts[-1]]):
        return None  # a name's word left of the gap: the name is not cut (its part would pass for it)
    return list(tokens[cuts[-1]:])


def _name_words(tokens: Sequence[Token]) -> list[Token] | None:
    tokens = _after_ink(list(tokens))
    words = [t for t in tokens if t.text.isalpha()]
    if not 2 <= len(words) <= 5 or len(words) < len(tokens) - 3:
        return None
    if not all(w.text[0].isupper() and (w.text[1:].islower() or len(w.text) == 1) for w in words):
        return None  # title case only: capitals lines are offices and headings
    return words


def _overlap(a: Token, b: Token) -> int:
    """How many pixels two words' boxes share across."""
    return min(a.bbox.right, b.bbox.right) - max(a.bbox.left, b.bbox.left)


def mended_name(words: Sequence[Token], again: list[list[Token]]) -> str | None:
    """A name read with garbled words (``Võ Eoàng Minh Khanơ``) mended word by word from its line read
    again (``… Hoàng Minh Khang``): each word is replaced by the word read more surely in its place (its
    box overlapping most of both). Returned only when the name then is a valid one with a family name."""
    for line in again:  # the line read again may give the name whole (``Nguy : n`` completed to ``Nguyễn``)
        whole = name_line(line)
        if whole and all(any(_overlap(w, t) > 0 for t in whole) for w in words if name_word(w)):
            name, syllable = check_syllables(correct_name(" ".join(t.text for t in whole)))
            ok, _, name = check_name(name)
            if ok and not syllable and has_surname(name):  # each word read first has its place in it
                return name
    others = [t for line in again for t in unglued([unstamped(t) for t in line]) if name_word(t)]
    out = []
    for word in words:
        best = word
        for other in others:
            overlap = _overlap(word, other)
            if overlap > 0.7 * max(word.bbox.width, other.bbox.width) and other.confidence > best.confidence:
                best = other
        out.append(best.text)
    name, syllable = check_syllables(correct_name(" ".join(out)))
    ok, _, name = check_name(name)
    return name if ok and not syllable and has_surname(name) else None


MENDED = 0.5
"""The confidence a family name completed from a part of it is given: always below the review threshold,
for a clerk to confirm."""


def mended_surname(tokens: Sequence[Token]) -> list[Token]:
    """A family name partly read made whole when its letters leave one choice among ``SURNAMES`` and a
    name's word follows it: its first letter(s) hidden by the seal (``uỳnh Hoàng`` → ``Huỳnh Hoàng``),
    or one letter in it unread (``Nguy : n Quang`` → ``Nguyễn Quang``). The completed word is read at
    ``MENDED``, so the name goes to review."""
    tokens = list(tokens)
    for start in range(len(tokens)):
        if any(name_word(t) for t in tokens[:start]):
            break  # only a name's first word is completed
        for end in range(start + 1, min(start + 4, len(tokens))):  # tokens[start:end] make the name's first word
            nxt = tokens[end]
            if not name_word(nxt):
                continue
            part = tokens[start:end]
            height = max(t.bbox.height for t in part + [nxt])
            if nxt.bbox.left - part[-1].bbox.right > height:  # the next word is not the name's next
                continue
            found = _surname_of(part)
            if found is not None:
                box = part[0].bbox.__class__(part[0].bbox.left, min(t.bbox.top for t in part),
                                             part[-1].bbox.right - part[0].bbox.left, max(t.bbox.height for t in part))
                mended = Token(found, fold(found), box, MENDED, part[0].page,
                               part[0].line)
                return tokens[:start] + [mended] + tokens[end:]
    return tokens


def _surname_of(part: Sequence[Token]) -> str | None:
    """The one family name ``part`` reads as with letters lost: a tail of three letters or more of it
    (one or two first letters lost, or read as up to two others: ``tluỳnh``), or its head and tail
    around one unread letter (the tokens between them no letters)."""
    texts = [t.text for t in part]
    if len(part) == 1:
        word = texts[0]
        if not word.isalpha() or not word.islower():
            return None
        for cut in range(0, min(3, len(word) - 2)):  # up to two letters read for the lost ones (``tluỳnh``)
            tail = word[cut:]
            choices = [s for s in SURNAMES if s.lower().endswith(tail) and 1 <= len(s) - len(tail) <= 2]
            if choices:
                return choices[0] if len(choices) == 1 else None
        return None
    head, tail = texts[0], texts[-1]
    if not (head.isalpha() and head[0].isupper() and head[1:].islower() and tail.isalpha() and tail.islower()):
        return None
    if any(c.isalpha() for t in texts[1:-1] for c in t) or is_surname(head):
        return None
    choices = [s for s in SURNAMES if len(s) == len(head) + len(tail) + 1 and s.startswith(head) and s.endswith(tail)]
    return choices[0] if len(choices) == 1 else None


def surer_marks(first: Sequence[Token], second: Sequence[Token]) -> str | None:
    """A name read twice with the same letters but for marks (``Nguyễn Thị Yến`` on the page, ``Nguyên Thị
    Yên`` on the seal-free image, whose whitening thins or takes the tone marks): each word as the reading
    surer of it read it; None when the two differ in more than marks or in how many words they have."""
    if len(first) != len(second) or any(fold(a.text) != fold(b.text) for a, b in zip(first, second, strict=True)):
        return None
    return " ".join((a if a.confidence > b.confidence else b).text for a, b in zip(first, second, strict=True))
