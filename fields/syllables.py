"""A word that is no Vietnamese syllable put right when its letters leave exactly one syllable.

Tesseract's Vietnamese model puts marks no Vietnamese letter has on a letter (``Ñgô``, ``Đằñg``,
``đườnäg``: a tilde on n, a diaeresis on a) or picks the wrong vowel of a family (``Đạơ`` for
``Đạo``, ``Nguyẽn`` for ``Nguyễn``: o/ô/ơ, a/ă/â, e/ê, u/ư share a shape). Such a word breaks the
syllable rules of ``ocr.syllables`` (onset + rhyme + tone). It is put right only when one change of
that kind gives a valid syllable and no other does: the letters stay the same (folded, the word is
unchanged), as with the family and unit names put right elsewhere. Anything else, a letter for another
(``Nhmnz``), a figure (``H3``), a symbol (``Nguy¿n``), is left for the checks that flag it.
"""

from __future__ import annotations

import re
import unicodedata

from ocr.syllables import is_syllable

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SHAPES = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}
"""Vietnamese vowel marks (circumflex, breve, horn) and the vowels that carry them."""
_FAMILIES = ("aăâ", "eê", "oôơ", "uư")
_VIETNAMESE = frozenset("abcdeghiklmnopqrstuvxyđ")
_WORD = re.compile(r"[^\W\d_]+")


def _foreign(char: str) -> tuple[str, bool, bool]:
    """(the char with marks no Vietnamese letter has removed, whether any was, whether its base is a
    Vietnamese letter)."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[:1], decomposed[1:]
    if base.lower() not in _VIETNAMESE:
        return char, False, False
    kept = "".join(m for m in marks if m in _TONES and base.lower() in "aeiouy"
                   or base.lower() in _SHAPES.get(m, ""))
    return unicodedata.normalize("NFC", base + kept), kept != marks, True


def _in_case(word: str, model: str) -> str:
    """``model`` (lower case) in the case of ``word``: capitals, title case or small letters."""
    if word.isupper() and len(word) > 1:
        return model.upper()
    return model[:1].upper() + model[1:] if word[:1].isupper() else model


def _family_swaps(word: str) -> set[str]:
    """Lower-case words that are ``word`` with one vowel changed for another of its family, tone kept."""
    out = set()
    for i, char in enumerate(word):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in decomposed if m in _TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONES))
        for family in _FAMILIES:
            if base in family:
                for other in family.replace(base, ""):
                    out.add(word[:i] + unicodedata.normalize("NFC", other + tones) + word[i + 1:])
    return out


def mend_word(word: str) -> str:
    """``word`` put right when it is no syllable and one mark-level change makes it one (see module)."""
    if not word.isalpha() or not word.isupper() and any(c.isupper() for c in word[1:]):
        return word  # ``HồAnh``: two words glued (split elsewhere), not one misread
    lower = word.lower()
    cleaned = [_foreign(c) for c in lower]
    if not all(viet for _, _, viet in cleaned):
        return word  # a letter of another alphabet (ø, ß): no mark to take off
    stripped = "".join(c for c, _, _ in cleaned)
    if stripped != lower:
        if is_syllable(stripped):
            return _in_case(word, stripped)  # ``Ñgô`` → ``Ngô``
        dropped = "".join(c for (c, changed, _), o in zip(cleaned, lower, strict=True) if not changed)
        if is_syllable(dropped) and len(dropped) >= 2:
            return _in_case(word, dropped)  # ``đườnäg`` → ``đường``: the marked speck was no letter
        return word
    if is_syllable(lower):
        return word
    swaps = {s for s in _family_swaps(lower) if is_syllable(s)}
    return _in_case(word, swaps.pop()) if len(swaps) == 1 else word


def mend_syllables(text: str) -> str:
    """Every word of ``text`` put right by :func:`mend_word` (figures, codes and punctuation untouched)."""
    return _WORD.sub(lambda m: mend_word(m.group(0)), text)
