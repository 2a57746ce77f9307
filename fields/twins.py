"""A value a form gives twice, read twice: where one reading is garbled, the other mends it.

Forms repeat values: the declarant of a birth is the child's mother or father, and the three addresses
of a khai sinh form are often one household's; a business household's seat is often its owner's
home. Each copy is read on its own, and OCR garbles them in different places (``Quýn Sơn Trà`` in
one, ``Nguyi Ýn Huệ`` in the other). Two values of the same type that share most of their words are
such twins. Where they differ, a run of words that is garbled in one (a word that is no Vietnamese
syllable, letters mixed with figures or with signs no word holds, a name word in small letters) and
sound in the other takes the sound words, when the two runs are alike at all.

Where both runs are sound (``Hà Nội`` and ``Hải Phòng``, ``Số 12`` and ``Số 13``), nothing is
changed: two people may well differ there. A run that differs only in case, spacing or punctuation
takes the other reading's when that one is sure: read without a doubt, or read the very same in a
third place. A mended value stays in review (``mended_from_twin``,
or ``handwritten`` for a hand-filled one): it is mended, not vouched for.
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from configs.form_schema import FormTemplate
from fields.model import FieldValue
from fields.text import fold, ratio
from ocr.syllables import is_syllable

TWIN_TYPES = frozenset({"address", "text", "province", "nationality", "ethnicity"})
"""Types whose values a form repeats word for word (numbers and dates are left to their own checks; a
name is not: a child's ``Nguyễn Văn Hưnq`` is no father's ``Nguyễn Văn Hùng``)."""
SHARED = 0.6
"""Twins share at least this share of the longer value's words (one word of two), and two words at least
(one of a value of two)."""
ALIKE = 0.5
"""A garbled run and the sound run taking its place are at least this alike (letters without marks)."""
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_NUMBERED = re.compile(r"\d+[A-Za-z]?(/\d+[A-Za-z]?)*")
"""House numbers and alleys with figures: ``12``, ``12A``, ``32/32``, ``5/7B``."""
_SIGNS = frozenset("/-.,;:()")


def _garbled(word: str, kind: str) -> bool:
    """True when ``word`` is no word a value of this type holds as written (see the module)."""
    core = _EDGE.sub("", word)
    if not core:
        return True  # a lone mark: ``-``, ``¡``
    if any(not c.isalnum() and c not in _SIGNS for c in core):
        return True
    if any(c.isdigit() for c in core):
        return any(c.isalpha() for c in core) and not _NUMBERED.fullmatch(core)
    if kind == "name" and (not core[0].isupper() or core != word.rstrip(".")):
        return True  # a name word in small letters, or with signs in it
    return any(part and not is_syllable(part) for part in re.split(r"[-/.,;:()]", core))


def _form_only(a: list[str], b: list[str]) -> bool:
    """The same letters and figures, in other case, spacing or punctuation (``Phường 2_``, ``phường``,
    ``16 7``, ``Thành phố, Thanh Hóa``); figures only in other spacing (``1/6`` is no ``16``)."""
    def letters(words: list[str]) -> str:
        return "".join(c for w in words for c in w.lower() if c.isalnum())

    def figures_kept(words: list[str]) -> str:  # a house number's slash or dash is no mere stop
        return "".join(words).strip(",.;")
    if any(c.isdigit() for w in (*a, *b) for c in w) and figures_kept(a) != figures_kept(b):
        return False
    return letters(a) == letters(b)


def _mended(value: str, twin: str, kind: str, *, twin_sure: bool) -> str | None:
    """``value`` with its garbled runs taken from ``twin``; None when the two are no twins or nothing
    is taken."""
    mine, theirs = value.split(), twin.split()
    matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
    shared = sum(size for _, _, size in matcher.get_matching_blocks())
    if shared < min(2, len(mine) - 1) or shared < SHARED * max(len(mine), len(theirs)) - 0.5:
        return None
    out: list[str] = []
    changed = False
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        ours, other = mine[a0:a1], theirs[b0:b1]
        if op == "equal":
            out += ours
            continue
        if ours and other and _form_only(ours, other):
            take = twin_sure
        else:
            take = bool(ours) and all(_garbled(w, kind) for w in ours) and \
                not any(_garbled(w, kind) for w in other) and \
                (not other or ratio(fold("".join(ours)), fold("".join(other))) >= ALIKE)
        out += other if take else ours
        changed |= take
    return " ".join(out) if changed else None


def mend_twins(template: FormTemplate, values: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """``values`` with each value in review mended from a twin (see the module).

    Args:
        template: The form's template (the fields' types).
        values: Field key → the value read.

    Returns:
        The values, mended ones in place of those read.
    """
    kinds = {spec.key: spec.type for spec in template.fields if spec.type in TWIN_TYPES}
    read = {key: values[key] for key in kinds if key in values and values[key].value}
    out = dict(values)
    for key, got in read.items():
        if not got.needs_review:
            continue
        twins = [twin for other, twin in read.items() if other != key and kinds[other] == kinds[key]]
        mends: dict[bool, set[str]] = {True: set(), False: set()}
        for twin in twins:
            # a twin is sure when read without a doubt, or read the very same in another place
            sure = not twin.needs_review or any(t is not twin and t.value == twin.value for t in twins)
            mended = _mended(got.value, twin.value, kinds[key], twin_sure=sure)
            if mended is not None:
                mends[sure].add(mended)
        # the sure twins' mend first; twins that mend it two ways (``ngõ 7ð``: ``79``, ``70``) leave it
        chosen = mends[True] or mends[False]
        if len(chosen) == 1:
            reason = "handwritten" if got.reason == "handwritten" else "mended_from_twin"
            out[key] = replace(got, value=chosen.pop(), reason=reason)
    return out
