"""An e-mail address made of the declarant's name, one character misread, spelt as the name.

Citizens mostly give an address of their full name run together, without marks, and two figures
(``lyphuongmai76@gmail.com`` for Lý Phương Mai). OCR misreads one of its letters the way it misreads a
word (``lypfuongmai76``, ``1ythuanh78``: a small l read as a one), adds a speck (``huynhbaothao98f``)
or reads a letter for a figure (``duongphuongma168``); unlike a word, no syllable check can tell. When
the local part is one character off the form's own name run together with the address's figures, and
that name was read without a doubt, it is that name. Whether the value goes to review is left as it
was: the address is mended, not vouched for.
"""

from __future__ import annotations

from dataclasses import replace

from configs.form_schema import FormTemplate
from fields.model import FieldValue
from fields.text import fold, one_off


def _declarant(template: FormTemplate, values: dict[str, FieldValue]) -> str | None:
    """The form's first name (its declarant's), run together without marks, when read without a doubt."""
    spec = next((s for s in template.fields if s.type == "name" and s.where != "table-column"), None)
    got = values.get(spec.key) if spec else None
    if got is None or got.needs_review or len(got.value.split()) < 2:
        return None
    return fold(got.value)


def mended_local(local: str, name: str) -> str | None:
    """``local`` spelt as ``name`` with the figures read in it, when it is one character off that."""
    figures = "".join(c for c in local if c.isdigit())
    for tail in dict.fromkeys((figures[-2:], figures)):
        candidate = name + tail
        if candidate != local and one_off(local, candidate):
            return candidate
    return None


def mail_from_name(template: FormTemplate, values: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """``values`` with each e-mail address made of the declarant's name spelt as that name (see the module)."""
    name = _declarant(template, values)
    if not name:
        return values
    for spec in template.fields:
        got = values.get(spec.key)
        if spec.type != "email" or got is None or got.value.count("@") != 1:
            continue
        local, _, domain = got.value.partition("@")
        mended = mended_local(local, name)
        if mended is not None:
            values[spec.key] = replace(got, value=f"{mended}@{domain}")
    return values
