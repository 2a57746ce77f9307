"""Is an OCR token a possible Vietnamese syllable? A check used to flag words, never to rewrite them.

Vietnamese is written in a closed set of syllables: an optional onset (b, ch, ngh, qu …), a
rhyme (a, oai, ương, uyên …) and one tone mark, and a rhyme ending in p, t, c or ch takes only
the sắc or nặng tone. A token that breaks these rules is an OCR error (``Thôngg``, ``nguòi``
is fine but ``ngưòi`` is not). Most OCR errors are still valid syllables (Tấn→Tẩn, số→sổ), so
this catches only part of them, and shared/notes/ocr-engines.md found that automatic correction
did not lower the error rate: recognition uses it to lower a word's confidence, which sends the
field it belongs to for review.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}

ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
          "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")

_RHYMES = """
a ai ao au ay am an ang anh ap at ac ach
ăm ăn ăng ăp ăt ăc
âm ân âng âp ât âc âu ây
e eo em en eng ep et ec
ê êu êm ên ênh êp êt êch
i ia iu im in inh ip it ich
iêu iêm iên iêng iêp iêt iêc
o oi om on ong op ot oc oo ooc oong
oa oai oao oay oam oan oang oanh oap oat oac oach
oăm oăn oăng oăt oăc
oe oeo oem oen oet
ô ôi ôm ôn ông ôp ôt ôc
ơ ơi ơm ơn ơp ơt
u ua ui um un ung up ut uc
uân uâng uât uây uâc
uê uêch uênh uơ
uy uya uyu uyên uyêt uyn uynh uyp uyt uych
uôi uôm uôn uông uôt uôc
ư ưa ưi ưu ưm ưn ưng ưt ưc
ươi ươu ươm ươn ương ươp ươt ươc
y yêu yêm yên yêng yêt
"""
RHYMES = frozenset(_RHYMES.split())
#: after ``qu`` the u is the medial glide: quá, quân, quyết, quê
_QU_RHYMES = (frozenset(r[1:] for r in RHYMES if r.startswith("u") and len(r) > 1)
              | frozenset(r[1:] for r in RHYMES if r[:2] in ("oa", "oă", "oe"))
              | {"y", "yên", "yêt", "ynh", "yt"})
#: after ``gi`` the i doubles as the vowel: gì, gìn, giếng
_GI_RHYMES = frozenset({"", "n", "m", "p", "t", "c", "ng", "nh", "u", "êng", "êt", "ên", "êm", "êu", "êc", "ếp"})
_STOPS = ("p", "t", "c", "ch")
#: loanwords printed on the forms themselves
LOANWORDS = frozenset({"email", "e-mail", "fax", "vneid", "khmer", "website", "internet", "zalo"})
_LETTERS = re.compile(r"^[^\W\d_]+$")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def _split_tone(syllable: str) -> tuple[str, str | None, int]:
    """(letters without the tone mark, tone name or None, number of tone marks)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONES]
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bare, (_TONES[tones[0]] if tones else None), len(tones)


def is_syllable(token: str) -> bool:
    """True when ``token`` (letters only, any case) is a possible Vietnamese syllable."""
    bare, tone, count = _split_tone(token.lower())
    if count > 1:
        return False
    for onset in sorted(ONSETS, key=len, reverse=True):
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset):]
        valid = rhyme in (_QU_RHYMES if onset == "qu" else RHYMES) or (onset == "gi" and rhyme in _GI_RHYMES)
        if valid and (tone in (None, "sắc", "nặng") or not rhyme.endswith(_STOPS)):
            return True
    return False


def suspicious(word: str) -> bool:
    """True when an OCR word looks misread: a lettered token that is not a Vietnamese syllable.

    Punctuation around the word is ignored; numbers, codes with digits, e-mail addresses and
    ASCII abbreviations in capitals (UBND, CCCD, TT-BKHĐT's parts) are not judged.
    """
    core = _EDGE_PUNCT.sub("", word)
    if core.lower() in LOANWORDS:
        return False
    parts = [p for p in re.split(r"[-/.,;:()]", core) if p]
    for part in parts:
        if not _LETTERS.match(part):
            if any(ch.isalpha() for ch in part) and not any(ch.isdigit() for ch in part) and "@" not in core:
                return True  # letters mixed with symbols: "tỉn|", "Hu^ế"
            continue
        if part.isupper() and len(part) <= 6 and not is_syllable(part):
            continue  # an abbreviation (UBND, BKHĐT, III)
        if not is_syllable(part):
            return True
    return False
