"""Zeros a font makes look like 6, 8 or 9.

Some fonts draw a dotted or slashed zero that Tesseract reads as 6, 8 or 9 at a confident score
(``Số 190`` read ``Số 196`` at 0.91). A value's own check seldom catches it; but when another value on
the same page failed its check and reading its 6s, 8s or 9s as 0 mends it, the page is in such a font,
and its other values holding those figures go to review.
"""

from __future__ import annotations

from dataclasses import replace

from configs.form_schema import FieldSpec, FormTemplate
from fields import validators as v
from fields.dates import repair_date
from fields.model import FieldValue
from fields.values import RawValue, text_of

INVALID_FACTOR = 0.6
"""The confidence of a value sent to review here is multiplied by this (as for a failed check)."""


ZERO_LOOKALIKES = "689"
"""Figures a 0 is read as in some fonts (a dotted or slashed zero: ``190`` read ``196`` at 0.91)."""


def _zero_explains(spec: FieldSpec, raw: RawValue, got: FieldValue, raws: dict[str, RawValue | None | bool]) -> bool:
    """True when the value failed its check and reading some of its 6, 8 or 9 as 0 mends it: the
    page's font makes zeros look like those figures."""
    if spec.type == "date":
        # mended by ``repair_date`` from a reading that is no calendar date (``23/94/1994``), not from
        # a real date merely later than the form's
        # by its 0s alone (``46/94/2991``: its 4s are a monospaced face's 1s, which says nothing of 0s)
        return got.reason == "ocr_digits_guessed" and not raw.substituted and not v.check_date(raw.text)[0] \
            and repair_date(raw.text, whole=True, ones=False) is not None
    if spec.type != "cccd" or got.reason not in (*_MENDABLE, MENDED_REASON):
        return False
    digits = "".join(c for c in raw.text if c.isdigit())
    spots = [i for i, c in enumerate(digits) if c in ZERO_LOOKALIKES][:8]
    birth, sex = text_of(raws, spec.birth_date_field), spec.sex or text_of(raws, spec.sex_field)
    if v.check_cccd(digits, birth_date=birth, sex=sex)[0]:
        return False  # right as read (a letter read as a digit, not a 0 as a 6, 8 or 9)
    for mask in range(1, 1 << len(spots)):
        zeros = {spot for bit, spot in enumerate(spots) if mask >> bit & 1}
        mended = "".join("0" if i in zeros else c for i, c in enumerate(digits))
        if v.check_cccd(mended, birth_date=birth, sex=sex)[0]:
            return True
    return False


_CHECKED = 6
"""A CCCD's figures its checks vouch for: province code (3), sex and century (1), birth year (2)."""
_CROSS_CHECKED = {3, 4, 5}
"""… of them, those checked against the birth date and sex read elsewhere on the form."""


def mend_cccd(digits: str, reason: str | None, birth: str | None, sex: str | None) -> tuple[bool, str | None, str]:
    """A CCCD number that failed its checks, mended when reading some of its first six figures' 6, 8 or 9
    as 0 is the one fewest change that passes (``931183…`` → ``031183…``: no province code starts
    with 9). The mended number still goes to review (``ocr_digits_guessed``: its last six figures no
    check vouches for); when a mended figure is one checked against the birth date or sex, the reason
    stays the disagreement, so that the date read elsewhere goes to review too (either may be the
    misread one).

    Returns:
        ``(ok, reason, digits)`` as :func:`fields.validators.check_cccd` gives them.
    """
    if reason not in _MENDABLE or len(digits) != 12:
        return False, reason, digits
    spots = [i for i, c in enumerate(digits[:_CHECKED]) if c in ZERO_LOOKALIKES]
    found: list[tuple[int, str, set[int]]] = []
    for mask in range(1, 1 << len(spots)):
        zeros = {spot for bit, spot in enumerate(spots) if mask >> bit & 1}
        mended = "".join("0" if i in zeros else c for i, c in enumerate(digits))
        if v.check_cccd(mended, birth_date=birth, sex=sex)[0]:
            found.append((len(zeros), mended, zeros))
    fewest = [f for f in found if f[0] == min((f[0] for f in found), default=0)]
    if len(fewest) != 1:
        return False, reason, digits  # nothing mends it, or two ways do: left as read
    _, mended, zeros = fewest[0]
    return False, reason if zeros & _CROSS_CHECKED else MENDED_REASON, mended


_MENDABLE = ("cccd_province", "cccd_century", "cccd_sex", "cccd_birth_year")
MENDED_REASON = "ocr_digits_guessed"


def zero_lookalikes(template: FormTemplate, raws: dict[str, RawValue | None | bool],
                    values: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """On a page where a failed date or ID number was mended by reading a 6, 8 or 9 as 0, every other
    value holding one of those figures goes to review too: the same font misreads its zeros at a
    confident score (``Số 190`` read ``Số 196``, ``ngày 10`` read ``ngày 16``), and only the paper tells.

    Figures typed one to a box (``boxed-digits``) tell about the boxes, not the type face: a box's edge
    beside a 0 makes it a 9 there while the page's other 0s read right (tuning seed 21: a CT01 whose
    boxed ``931…`` sent 10 values to review, all right, their 0s read as 0); such a misreading sends
    only the page's other boxed figures to review."""
    pages: dict[int, set[bool]] = {}
    for spec in template.fields:
        raw = raws.get(spec.key)
        if isinstance(raw, RawValue) and raw.tokens and _zero_explains(spec, raw, values[spec.key], raws):
            pages.setdefault(raw.tokens[0].page, set()).add(spec.where == BOXED)
    if not pages:
        return values
    for spec in template.fields:
        raw, got = raws.get(spec.key), values[spec.key]
        if (isinstance(raw, RawValue) and raw.tokens and not got.needs_review
                and (False in pages.get(raw.tokens[0].page, ()) or spec.where == BOXED
                     and True in pages.get(raw.tokens[0].page, ()))
                and any(c in ZERO_LOOKALIKES for c in _unchecked(spec, got.value))):
            values[spec.key] = replace(got, needs_review=True, reason=ZERO_LOOKALIKE_REASON,
                                       confidence=round(got.confidence * INVALID_FACTOR, 4))
    return values


def _unchecked(spec: FieldSpec, value: str) -> str:
    """The figures of a value no check vouches for: a year's century (19, 20) is no misread 0, nor are
    a CCCD's province code and, when the form gives the birth date, its century and year digits."""
    if spec.type in ("date", "year") and len(value) >= 4 and value[-4:].isdigit():
        return value[:-4] + value[-2:]
    if spec.type == "cccd" and len(value) == 12:
        return value[6:] if spec.birth_date_field else value[3:]
    return value


BOXED = "boxed-digits"
ZERO_LOOKALIKE_REASON = "zero_lookalike"
"""The reason given: a 6, 8 or 9 in the value may be a 0 misread (the clerk compares with the paper)."""
