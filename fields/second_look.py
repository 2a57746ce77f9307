"""A second look at figures read unsurely: the value's box read again, and a disagreement asked about.

Tesseract's confidence in figures does not tell a misread figure from a right one (``fields.extract``
lifts a date, a CCCD or a phone number that passes its checks to :data:`~fields.extract.DATE_FLOOR`),
and a figure misread into another figure (``0357741428`` for ``0357711428``, ``1983`` for ``1993``)
passes every check. Read again another way, it is mostly read otherwise: on a copy, a figure's
reading depends on the scale and the page mode. So a value of figures read under :data:`SURE` is read
again from its own box, enlarged twice, as one line; when that reading is valid and the same, it
stands. Otherwise it is read twice more (as a raw line at 1.5 times, as a line at its own size). A
valid reading that differs sends the value to review (``read_again_differs``); two that agree on
another value, with none agreeing with the first, replace it (the value goes to review still). A
reading that is no valid value (a label's figure run in, a slash lost) is no evidence either way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from configs.form_schema import FormTemplate
from fields.model import FieldValue
from fields.reread import Reread, value_box
from fields.values import RawValue
from ocr.model import PageText

FIGURE_TYPES = frozenset({"date", "cccd", "phone", "year"})
SURE = 0.95
"""A value of figures read at least this surely is not read again (Tesseract's figures on a clean
print come at 0.95–0.97; the misread ones on the tuning sets' copies mostly under it)."""
FIRST = {"psm": 7, "whiten": False, "scale": 2.0}
MORE = ({"psm": 13, "whiten": False, "scale": 1.5}, {"psm": 7, "whiten": False})
_PAD = (0.5, 0.35, 1.0)
"""The box read reaches this many letter heights left, above and below, and right of the figures."""
REASON = "read_again_differs"
DIFFERS_FACTOR = 0.6
"""The confidence of a value read otherwise the second time is multiplied by this."""

Validate = Callable[[str], tuple[bool, "str | None", str]]


def _reading(reread: Reread, page: PageText, box: tuple[float, float, float, float], way: dict,
             validate: Validate) -> str | None:
    """The valid value a reading of the box gives, or None."""
    lines = reread(page.source_page, box, **way)
    text = " ".join(t.text for line in lines for t in line)
    ok, _, value = validate(text) if text.strip() else (False, None, "")
    return value if ok else None


def second_look(template: FormTemplate, raws: dict[str, RawValue | None | bool], values: dict[str, FieldValue],
                pages: Sequence[PageText], reread: Reread, validators: Callable[[str], Validate],
                by_hand: Callable[[RawValue], bool]) -> dict[str, FieldValue]:
    """``values`` with each value of figures read unsurely looked at again (see the module).

    Args:
        template: The form's template (its fields' types).
        raws: Field key → the raw value read (its tokens and Tesseract's confidence).
        values: Field key → the value as checked.
        pages: The document's pages (``Token.page`` indexes them).
        reread: Reads a box of a page again (``fields.reread``).
        validators: Field key → the check a reading passes (the field's own, on the form's date).
        by_hand: True for a handwritten value (read again its own ways: ``fields.hand_read``).

    Returns:
        The values, those read otherwise the second time in review.
    """
    out = dict(values)
    for spec in template.fields:
        raw, got = raws.get(spec.key), values.get(spec.key)
        if spec.type not in FIGURE_TYPES or got is None or got.needs_review or not isinstance(raw, RawValue) \
                or not raw.tokens or raw.confidence >= SURE or by_hand(raw):
            continue
        tokens = [t for t in raw.tokens if t.page == raw.tokens[0].page]
        page = pages[tokens[0].page]
        box = value_box(tokens, page, left=_PAD[0], right=_PAD[2], vertical=_PAD[1])
        validate = validators(spec.key)
        first = _reading(reread, page, box, FIRST, validate)
        if first == got.value:
            continue
        readings = [r for r in (first, *(_reading(reread, page, box, way, validate) for way in MORE)) if r]
        others = Counter(r for r in readings if r != got.value)
        if not others:
            continue
        value, count = others.most_common(1)[0]
        taken = count >= 2 and got.value not in readings  # no reading again vouches for the first
        out[spec.key] = replace(got, value=value if taken else got.value, needs_review=True, reason=REASON,
                                confidence=round(got.confidence * DIFFERS_FACTOR, 4))
    return out
