"""Words → classified form with validated, scored fields.

For each field of the matching template: find its label (or table cell), clean the value, validate it
by type, and score it. Confidence is the mean OCR confidence of the value's words, lowered when
validation fails or digits had to be guessed; ``needs_review`` is set when the confidence is under the
threshold, validation failed, or a required field (or a label) was not found. Failing values are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from configs.form_schema import FieldSpec, FormTemplate
from fields import validators as v
from fields.by_hand import HandCheck, WholeForm, by_hand
from fields.address_words import (capital_start, ends_mid_street, ends_with_province, mixed_columns, name_broken,
                                  odd_house_number, tidy_address, verified_words)
from fields.admin_units import check_units
from fields.amounts import check_amount
from fields.closed_lists import check_ethnicity, complete_choice, check_nationality, check_year, known_prefix, nearly_known
from fields.classify import UNKNOWN
from fields.crosscheck import cross_flag
from fields.date_checks import birth_date, check_date_words, check_form_date
from fields.dates import parse_date, year_read
from fields.documents import UNKNOWN_TYPE, describe, split_documents
from fields.hand_read import HandReads, hand_reader, hand_value
from fields.locate import Document, dateline, in_table, near_label, prepare
from fields.mails import mail_from_name
from fields.model import Box, FieldValue, FormResult
from fields.numbers_again import read_numbers_again
from fields.names import (capital_l, check_syllables, correct_name, correct_street, ends_at_middle, guess_surname, has_surname, listed_name,
                          name_mail, two_names)
from fields.relines import read_again
from fields.streets import mend_streets, restore_streets
from fields.reread import Reread
from fields.second_look import REASON as SECOND_LOOK_REASON
from fields.second_look import second_look
from fields.terms import mend_terms
from fields.text import capital_lost, document_lines, fold, horn_lost
from fields.twins import mend_twins
from fields.zeros import mend_cccd, zero_lookalikes
from fields.values import RawValue, clean_digits, clean_value, drop_trailing_numbering, text_of, token_confidence
from ocr.model import PageText

_LETTER_TYPES = {"name", "address", "text", "date-words"}
_CLOSED_TYPES = {"ethnicity", "nationality", "province"}
"""Types whose values come from a closed list (so do fields with ``choices``)."""
REVIEW_THRESHOLD = 0.75
"""Values scored under this go to review by default (``fields.review-threshold`` in the site
configuration), chosen from ``bench/fields.py``'s curve on the tuning sets (seeds 21, 22, 24, 25, 26;
3,230 fields, 2026-12): 0.75 sends 17.8 % of fields to review and lets 0.62 % through wrong; 0.80
costs 0.65 points more review for two wrong values fewer (0.56 %); 0.70 lets 0.77 % through."""
INVALID_FACTOR = 0.6
"""Confidence is multiplied by this when validation fails."""
GUESSED_DIGITS_FACTOR = 0.7
"""… and by this when look-alike letters were read as digits."""


_NEAR_LABEL = ("after-label", "next-line", "boxed-digits")


def _raw_value(doc: Document, template: FormTemplate, spec: FieldSpec) -> RawValue | None | bool:
    """The field's cleaned value; None if its label was found but nothing follows; False if not found."""
    if spec.where == "table-column":
        tokens = in_table(doc, template, spec)
    elif spec.where == "dateline":
        tokens = dateline(doc)
    else:
        tokens = near_label(doc, spec)  # the next label's item number dropped there
    if tokens is None:
        return False
    tokens = tokens if spec.where in _NEAR_LABEL else drop_trailing_numbering(tokens)
    if spec.type == "cccd" or spec.where == "boxed-digits":
        return clean_digits(tokens, spec.prefixes)
    return clean_value(tokens, spec.prefixes)


def _validate(spec: FieldSpec, value: str, raws: dict[str, RawValue | None | bool],
              on: date | None = None) -> tuple[bool, str | None, str]:
    if spec.type in ("address", "text", "name"):
        value = value.lstrip(",;.-–—'‘’ ")  # ``, Số 168 …``: the label's comma or a speck before the value
        value = horn_lost(value)
    if spec.type == "text" and "@" not in value:
        value = capital_lost(value)
    if _checks_units(spec):
        value, reason, _ = check_units(tidy_address(value, keywords=spec.type == "address"), on=on)
        if reason is None and ends_mid_street(value):
            reason = "truncated"  # ``Số 171 đường``: the street's name was on a line not read
        if reason is None and odd_house_number(value):
            reason = "invalid_address"  # ``Số 137713``, ``Số G7``: a figure or a slash misread
        if reason is None and spec.type == "address":
            value = capital_start(value)
            reason = mixed_columns(value)
        if reason is None and spec.complete_address and not ends_with_province(value):
            reason = "address_incomplete"  # the rest (its commune, province) was on a line not read
        if reason is not None:
            return False, reason, value
    if spec.leads:
        if fold(value) in {fold(k) for k in spec.leads}:
            return False, "truncated", value  # ``Bán lẻ`` and no more: what is sold was on a line not read
        value = known_prefix(value, spec.leads)[0]
    if spec.known:
        listed = {fold(k): k for k in spec.known}.get(fold(value)) or nearly_known(value, spec.known)
        if listed is not None:
            return True, None, listed  # the same letters (or all but a few): as usually written
        if any(fold(k).startswith(fold(value)) for k in spec.known):
            return False, "truncated", value  # a known text cut short: the rest on a line not read
        value = known_prefix(value, spec.known)[0]
    if spec.type == "address":
        value = mend_streets(restore_streets(correct_street(" ".join(value.replace(":", " ").split()))))  # no colon in one
    if spec.type in ("address", "text", "name") and "@" not in value:
        ok, reason, value = v.tidy_punctuation(value)
        if not ok:
            return False, reason, value
        if spec.type == "text" and not _checks_units(spec):
            value = mend_terms(value)  # free text naming no place: a business line, a shop's name
        if v.glued_capitals(value) or spec.type != "name" and v.glued_camel(value):
            return False, "glued_words", value
    guessed = False
    if spec.type == "name":
        value, guessed = guess_surname(value)  # ``NGUYIïN``: before its letters are judged
    if spec.type in _LETTER_TYPES - {"date-words"} and "@" not in value:  # a worded date: its closed vocabulary
        ok, reason, _ = v.check_letters(value)
        if not ok:
            return False, reason, value
    if spec.type == "date-words":
        return check_date_words(spec, value, raws)
    if spec.type == "date":
        return check_form_date(value, latest=on or date.today())
    if spec.type == "name":
        value, lost_l = capital_l(correct_name(v.split_glued_name(value)))
        ok, reason, name = v.check_name(value)
        if not ok:
            return ok, reason, name
        name, reason = check_syllables(name)
        reason = reason or ("name_syllable" if lost_l or guessed else None)  # ``Ian`` for Lan: a clerk confirms
        if reason is None and (not has_surname(name) or ends_at_middle(name)):
            reason = "invalid_name"  # a full name starts with its family name: the first word was lost
        if reason is None and two_names(name):
            reason = "invalid_name"  # the next column's name read on (a cell's edge not seen)
        return reason is None, reason, name
    if spec.type == "ethnicity":
        return check_ethnicity(value)
    if spec.type == "nationality":
        return check_nationality(value)
    if spec.type == "year":
        ok, reason, year, _ = check_year(value, latest=(on or date.today()).year)
        return ok, reason, year
    if spec.type == "phone":
        return v.check_phone(value)  # a leading 0 misread is put back, the number still reviewed
    if spec.type == "amount":
        return check_amount(value)
    if spec.type in ("email", "number"):
        return v.check_email(value) if spec.type == "email" else v.check_number(value)
    if spec.type == "province":
        ok, reason, official = v.check_province(value)
        glued, _, value = v.tidy_punctuation(value)
        if ok and fold(official) == fold(value):
            return True, None, official  # same letters: spacing and diacritics as in the official name
        return ok and glued, reason or (None if glued else "glued_words"), value
    if spec.type == "cccd":
        birth, sex = birth_date(raws, spec.birth_date_field, on), spec.sex or text_of(raws, spec.sex_field)
        ok, reason, digits = v.check_cccd(value, birth_date=birth, sex=sex, allow_cmnd=spec.where != "boxed-digits")
        return (ok, reason, digits) if ok else mend_cccd(digits, reason, birth, sex)
    if spec.choices:
        canonical = {fold(c): c for c in spec.choices}
        if fold(value) not in canonical:
            choice, sure = complete_choice(value, spec.choices)
            return sure, None if sure else "invalid_choice", choice or value
        value = canonical[fold(value)]  # the letters are right: lost spaces or a diacritic put back
    if spec.type == "address" and not any(c.isalpha() for c in value):
        return False, "invalid_address", value
    return True, None, value


def _checks_units(spec: FieldSpec) -> bool:
    return bool(spec.admin_units or (spec.admin_units is None and spec.type == "address"))


def _unverified_confidence(raw: RawValue, verified: frozenset[str]) -> float:
    """The value's confidence over the words not checked against the official unit lists (the house
    number, the street), and no more than its least sure figure among them (``61/26`` read for ``51/26``,
    ``phường 45`` for ``15``: a misread figure is still a figure, so its own score is all there is);
    the value's own confidence when every word was checked."""
    rest = [t for t in raw.tokens if fold(t.text) and fold(t.text) not in verified]
    figures = [t.confidence for t in rest if any(c.isdigit() for c in t.text)]
    if not rest:  # every word checked: the agency's name and its units, as listed
        return max(raw.confidence, CLOSED_LIST_FLOOR)
    score = token_confidence(rest) if len(rest) < len(raw.tokens) else raw.confidence
    return min([score, *figures])  # a misread figure is still a figure: no list nor margin vouches for it


def _missing(spec: FieldSpec, label_found: bool) -> FieldValue:
    if label_found:
        return FieldValue("", 0.0, spec.required, "empty")
    return FieldValue("", 0.0, True, "not_found")


def _where(raw: RawValue, pages: Sequence[PageText]) -> tuple[int | None, Box | None]:
    """(source page, normalised box) of a value: the box around its tokens on their first page."""
    if not raw.tokens:
        return None, None
    page_index = raw.tokens[0].page
    page = pages[page_index]
    boxes = [t.bbox for t in raw.tokens if t.page == page_index]
    w, h = max(page.width, 1), max(page.height, 1)
    box = (min(b.left for b in boxes) / w, min(b.top for b in boxes) / h,
           max(b.right for b in boxes) / w, max(b.bottom for b in boxes) / h)
    return page.source_page, tuple(min(1.0, max(0.0, c)) for c in box)  # type: ignore[return-value]


def _field_value(spec: FieldSpec, raws: dict[str, RawValue | None | bool], threshold: float,
                 truncated: bool, pages: Sequence[PageText], on: date | None,
                 handwritten: HandCheck | None, hand_reads: HandReads | None = None) -> FieldValue:
    raw = raws[spec.key]
    if not isinstance(raw, RawValue):
        return _missing(spec, raw is None)
    page, box = _where(raw, pages)
    if handwritten is not None and raw.tokens and handwritten(raw.tokens[0].page, raw.tokens):
        return hand_value(spec, raw, lambda text: _validate(spec, text, raws, on), hand_reads,
                          closed=spec.type in _CLOSED_TYPES or bool(spec.choices), threshold=threshold, where=(page, box))
    ok, reason, value = _validate(spec, raw.text, raws, on)
    confidence = raw.confidence
    if ok and _checks_units(spec):
        confidence = _unverified_confidence(raw, verified_words(value) | known_prefix(value, (*spec.known, *spec.leads))[1])
        confidence *= INVALID_FACTOR if name_broken(value) else 1.0  # ``đường Lê tợi``: a name's letter misread
    if spec.type in ("date", "year") and ok:
        guessed = (parse_date(raw.text) or (None, False))[1] if spec.type == "date" else check_year(raw.text)[3]
        if guessed:
            confidence *= DATE_LOOKALIKE_FACTOR  # a look-alike letter read as a digit: accepted, less sure
        else:
            confidence = max(confidence, DATE_FLOOR)
    if ok and (spec.type in _CLOSED_TYPES or spec.choices or fold(raw.text) in {fold(k) for k in spec.known}):
        confidence = max(confidence, CLOSED_LIST_FLOOR)
    if ok and (spec.type == "cccd" and text_of(raws, spec.birth_date_field) or spec.type == "phone"
               or spec.type == "email" and confidence >= LISTED_NAME_MIN and name_mail(value, v.MAIL_DOMAINS)):
        confidence = max(confidence, DATE_FLOOR)  # checked: against the form, a network's prefix, the names
    if ok and spec.type == "name" and confidence >= LISTED_NAME_MIN and listed_name(value):
        confidence = max(confidence, CLOSED_LIST_FLOOR)
    if truncated and not ok:  # the rest of the value is missing: the root cause of what failed
        reason = "truncated"
    if raw.substituted:
        confidence *= GUESSED_DIGITS_FACTOR
        reason = reason or "ocr_digits_guessed"
    if not ok:
        confidence *= INVALID_FACTOR
    if reason is None and confidence < threshold:
        reason = "low_confidence"
    review = not ok or raw.substituted or confidence < threshold
    return FieldValue(value, round(confidence, 4), review, reason, page, box)


CLOSED_LIST_FLOOR = 0.85
"""A value that has the letters of a name in a closed list (a choice, an ethnic group, a nationality,
a province) is that name: a misreading rarely lands on another listed name, and its diacritics are put
back from the list. On the tuning sets (seeds 21 and 22, 2026-12), every such value below 0.80 was right;
it is not sent to review for Tesseract's confidence alone."""
LISTED_NAME_MIN = 0.5
"""A full name made of a family name and listed name syllables only, read at least this surely, is
scored like a closed-list value: OCR's misreadings of names mostly leave a syllable no name has (``Lế``,
``THỦ``, ``HUNG``); on the tuning sets every wrong name read at 0.5 or more had one (2026-12). So
with an e-mail address made of a name run together: read under 0.5, its figures (a year, ``lan72``
for ``lan79``) are a guess the name does not vouch for (held-out seeds 145–148: one wrong, none right)."""
DATE_LOOKALIKE_FACTOR = 0.92
DATE_FLOOR = 0.85
"""A real calendar date (or a year of birth no later than the form's date) read in plain digits: Tesseract's confidence in digits did not tell right dates
from wrong ones on the generator's tuning sets (16 right, none wrong under 0.80, 2026-12), while a
misread digit mostly breaks the date (``invalid_date``); such a date is not sent to review for its
confidence alone. Nor is a CCCD number whose province, century, sex and birth year figures agree with
the form (18 right under 0.75, none wrong on seeds 21, 27 and 31 held-out looks, 2026-12), nor a phone
number of ten figures with a network's prefix (9 right under 0.75, none wrong on seeds 21–35); a 0 read
as 6, 8 or 9 comes at a confident score anyway (``fields.zeros`` sends those to review)."""


def _document_date(template: FormTemplate, raws: dict[str, RawValue | None | bool]) -> date | None:
    """The form's own date (its dossier-dates field), for checking units against the structure then."""
    for key in (*template.dossier_dates.end, *template.dossier_dates.start):
        text = text_of(raws, key)
        parsed = parse_date(text) if text else None
        if parsed:
            return parsed[0]
    return None


def extract_with(pages: Sequence[PageText], template: FormTemplate, *,
                 review_threshold: float = REVIEW_THRESHOLD,
                 handwritten: HandCheck | None = None, reread: Reread | None = None,
                 hand_reads: HandReads | None = None) -> dict[str, FieldValue]:
    """The fields of ``pages`` read with one given template (no classification).

    Args:
        pages: The OCR'd pages of one document.
        template: The form template to read them with.
        review_threshold: Fields under this confidence need review.
        handwritten: Tells whether a value's strokes are handwriting (see ``fields.handwriting``).
        reread: Reads a band of a page again (``fields.reread``): garbled and dropped lines (``fields.relines``).
        hand_reads: Reads a handwritten value's line again several ways (``fields.hand_read``).

    Returns:
        Field key → value, for every field of the template.
    """
    lines = document_lines(list(pages))
    if reread is not None:
        lines = read_again(lines, pages, lambda page, box: reread(page, box, psm=11, whiten=False, leaders=True))
    doc = prepare(lines, template)
    raws = {spec.key: _raw_value(doc, template, spec) for spec in template.fields}
    if reread is not None:
        raws = read_numbers_again(template, doc, raws, pages, lambda page, box: reread(page, box, psm=7, whiten=False,
                                                                                   leaders=True),
                                  more=(lambda page, box: reread(page, box, psm=13, whiten=False, scale=1.5),
                                        lambda page, box: reread(page, box, psm=7, whiten=False, scale=2.0)))
    on = _document_date(template, raws)
    if handwritten is not None:
        handwritten = by_hand(raws, handwritten)
    values = {spec.key: _field_value(spec, raws, review_threshold, spec.key in doc.truncated, pages, on,
                                     handwritten, hand_reads)
              for spec in template.fields}
    if reread is not None:
        def hand(raw: RawValue) -> bool:
            return handwritten is not None and handwritten(raw.tokens[0].page, raw.tokens)

        specs = {spec.key: spec for spec in template.fields}
        values = second_look(template, raws, values, pages, reread,
                             lambda key: lambda text: _validate(specs[key], text, raws, on), hand)
    if isinstance(handwritten, WholeForm):
        # a form filled in by hand: a value left "empty" may be a pen too faint to read — the clerk
        # who types the form in again looks at it on the paper too
        values = {key: FieldValue("", 0.0, True, "handwritten") if got.reason == "empty" else got
                  for key, got in values.items()}
    values = mend_twins(template, values)
    return zero_lookalikes(template, raws, mail_from_name(template, cross_flag(template, values, INVALID_FACTOR)))


def _issued(template: FormTemplate, fields: Mapping[str, FieldValue]) -> tuple[str | None, str | None]:
    """The form's own date as ISO and the doubt on it: from its first dossier-dates field read without
    doubt; else one read with a doubt about a figure (its reason); else the year of one that is no
    date as read (1 January of it, ``year_only``: days off, not the scan's years)."""
    keys = (*template.dossier_dates.end, *template.dossier_dates.start)
    for doubt in (False, True):
        for key in keys:
            got = fields.get(key)
            sure = got is not None and not got.needs_review
            doubtful = got is not None and got.reason in _DOUBTED_FIGURES
            parsed = parse_date(got.value) if got and got.value and (sure or doubt and doubtful) else None
            if parsed:
                return parsed[0].isoformat(), got.reason if doubt else None
    years = [year_read(got.value, latest=date.today()) for key in keys if (got := fields.get(key)) and got.value]
    year = next((y for y in years if y), None)
    return (date(year, 1, 1).isoformat(), "year_only") if year else (None, None)


_DOUBTED_FIGURES = ("low_confidence", "ocr_digits_guessed", "zero_lookalike", "ink_on_figure", "handwritten",
                    SECOND_LOOK_REASON)
"""Reasons of a real date whose figures a clerk should confirm (not an invalid one): a date written by
hand that reads as one dates the dossier as doubtful (``date_doubtful``), not from the scan."""


def extract(pages: Sequence[PageText], templates: Sequence[FormTemplate], *,
            review_threshold: float = REVIEW_THRESHOLD, images: Mapping[int, Path] | None = None) -> FormResult:
    """Cut a dossier into documents, type each, and extract the fields of its first form.

    Args:
        pages: The OCR'd pages of one dossier, in order.
        templates: The form templates (:func:`fields.templates.load_templates`): components and results.
        review_threshold: Fields under this confidence need review.
        images: Source page number → the clean page image OCR read (``clean/`` in the work folder),
            to tell handwritten values from typed ones; without it handwriting is not checked.

    Returns:
        The form result: the first component's form type and fields (``unknown`` and none when the
        dossier holds no known form), every document, and the dossier-level review reasons.
    """
    from fields.handwriting import HandwritingCheck
    from fields.reread import seal_free_reader

    spans = split_documents(pages, templates)
    reread = seal_free_reader(dict(images), {p.source_page: p for p in pages}) if images else None
    fields: dict[str, FieldValue] = {}
    form_type, confidence = UNKNOWN, 1.0 if not spans else 0.5
    documents = []
    for span in spans:
        template = span.template
        issued = doubt = None
        if template is not None and template.kind == "component":
            sub = [pages[i] for i in span.pages]
            check = HandwritingCheck(sub, images) if images else None
            reads = hand_reader(sub, check, reread) if check is not None and reread is not None else None
            got = extract_with(sub, template, review_threshold=review_threshold, handwritten=check, reread=reread,
                               hand_reads=reads)
            issued, doubt = _issued(template, got)
            if form_type == UNKNOWN:
                form_type, confidence, fields = template.form_type, round(span.score, 4), got
        documents.append(describe(span, pages, issued=issued, issued_doubt=doubt, review_threshold=review_threshold,
                                  reread=reread))
    if form_type == UNKNOWN and spans:
        confidence = round(1.0 - max(s.score for s in spans) / 2, 4)  # how sure: none is a known form
    review = (UNKNOWN_TYPE,) if any(d.form_type == UNKNOWN for d in documents) else ()
    return FormResult(form_type, fields, confidence, tuple(documents), review)
