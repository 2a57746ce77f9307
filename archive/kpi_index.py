"""The catalog's index of what each dossier holds: its documents, and the CCCD numbers it carries.

Two tables (migration ``0005``), derived from each dossier's export record, like the search index:

- ``dossier_documents``: one row per document of the dossier (contract C3 ``documents``): its kind
  (``component`` — a form or paper the citizen filed —, ``result`` — a decision, certificate,
  trích lục … — or ``other``), type, TT 05/2025 type code and name, date of issue, the PDF of the
  package that holds it (``<mã hồ sơ>.<file>.pdf``: a result joined later is a file of its own)
  and how that PDF was signed at archiving. ``dossiers.kinds`` sums it up in bits (1 a component,
  2 a result, 4 another document), which is all the digitization rates (:mod:`archive.kpi`) read.
- ``person_index``: CCCD number → (dossier, field, the holder's role in Vietnamese, the document
  that carries it, whether the value was checked). The look-up by CCCD (:mod:`archive.persons`)
  reads it. A result's own text is searched for CCCD numbers too (role "ghi trong nội dung văn bản").

:meth:`archive.catalog.Catalog.upsert_dossier` calls :func:`replace` for every record it stores,
so a new dossier, a correction, a joined result, a version and a ``sohoa catalog rebuild`` all keep
the index in step. CCCD numbers are personal data in a catalog that is not world-readable; they
are never logged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import Connection, text

from archive.persons_fields import TEXT_ROLE, cccd_fields, normalise_cccd, numbers_in_text

KINDS = ("component", "result", "other")
KIND_BITS = {"component": 1, "result": 2, "other": 4}
"""``dossiers.kinds``: the kinds of document a dossier holds, as bits (the rates read only this)."""
_INSERT_DOC = ("INSERT INTO dossier_documents (dossier_id, ordinal, kind, type, type_code, type_name, issued, file, "
               "signature_level, certified) VALUES (:dossier_id, :ordinal, :kind, :type, :type_code, :type_name, "
               ":issued, :file, :signature_level, :certified)")
_INSERT_PERSON = ("INSERT INTO person_index (cccd, dossier_id, field, role, document, checked) "
                  "VALUES (:cccd, :dossier_id, :field, :role, :document, :checked)")
_SET_KINDS = "UPDATE dossiers SET kinds = :k WHERE dossier_id = :d"


def documents(record: Mapping[str, object]) -> list[dict]:
    """The record's documents (C3), each with its ``file``; a record without them is one document."""
    found = [d for d in record.get("documents") or () if isinstance(d, Mapping)]
    if found:
        return [{**d, "file": _int(d.get("file")) or 1} for d in found]
    form_type = record.get("form_type")
    dates = record.get("dates") if isinstance(record.get("dates"), Mapping) else {}
    known = isinstance(form_type, str) and form_type not in ("", "unknown")
    return [{"kind": "component" if known else "other", "type": form_type if known else None,
             "form_type": form_type, "issued": dates.get("start"), "file": 1}]  # type: ignore[union-attr]


def document_rows(dossier_id: str, record: Mapping[str, object]) -> list[dict]:
    """The ``dossier_documents`` rows of one record."""
    signatures = _signatures(record)
    rows = []
    for ordinal, doc in enumerate(documents(record), start=1):
        kind = doc.get("kind") if doc.get("kind") in KINDS else "other"
        level, certified = signatures.get(doc["file"], (None, None))
        rows.append({"dossier_id": dossier_id, "ordinal": ordinal, "kind": kind, "type": _text(doc.get("type")),
                     "type_code": _text(doc.get("type_code")),
                     "type_name": _text(doc.get("type_name")) or _text(doc.get("form_type")),
                     "issued": _iso_date(doc.get("issued")), "file": doc["file"],
                     "signature_level": level, "certified": certified})
    return rows


def person_rows(dossier_id: str, record: Mapping[str, object]) -> list[dict]:
    """The ``person_index`` rows of one record: its CCCD fields, and numbers printed on its results."""
    fields = record.get("fields") if isinstance(record.get("fields"), Mapping) else {}
    docs = documents(record)
    rows: dict[tuple[str, str], dict] = {}
    for key, role in cccd_fields(record.get("form_type"), list(fields)).items():  # type: ignore[arg-type]
        state = fields[key]  # type: ignore[index]
        number = normalise_cccd(state.get("value")) if isinstance(state, Mapping) else None
        if number is None:
            continue
        checked = state.get("status") in ("confirmed", "corrected") or not state.get("needs_review")
        rows[(key, number)] = {"cccd": number, "dossier_id": dossier_id, "field": key, "role": role,
                               "document": _document_of(docs, state.get("page")), "checked": int(bool(checked))}
    pages = _page_texts(record)
    for ordinal, doc in enumerate(docs, start=1):
        if doc.get("kind") != "result":
            continue
        found = " ".join(pages.get((doc["file"], p), "") for p in doc.get("pages") or ()) or \
            " ".join(t for (f, _p), t in pages.items() if f == doc["file"])
        for number in numbers_in_text(found):
            field = f"text:{ordinal}"
            rows.setdefault((field, number), {"cccd": number, "dossier_id": dossier_id, "field": field,
                                              "role": TEXT_ROLE, "document": ordinal, "checked": 0})
    return list(rows.values())


def replace(db: Connection, dossier_id: str, record: Mapping[str, object]) -> None:
    """Index one dossier again (its rows dropped, the record's written), inside ``db``'s transaction."""
    db.execute(text("DELETE FROM dossier_documents WHERE dossier_id = :d"), {"d": dossier_id})
    db.execute(text("DELETE FROM person_index WHERE dossier_id = :d"), {"d": dossier_id})
    docs, people = document_rows(dossier_id, record), person_rows(dossier_id, record)
    if docs:
        db.execute(text(_INSERT_DOC), docs)
    if people:
        db.execute(text(_INSERT_PERSON), people)
    db.execute(text(_SET_KINDS), {"d": dossier_id, "k": kinds(docs)})


def kinds(docs: list[dict]) -> int:
    """The bits of ``dossiers.kinds`` for a dossier's document rows.

    A document of the dossier's own scan (file 1) that was not classified is also a component: it is
    paper the citizen filed, digitized, only of a type no template knows (a received dossier whose
    forms are all of such types is still a digitized one). One that came with a result joined later
    (file 2 and after) stays ``other`` only.
    """
    bits = 0
    for doc in docs:
        bits |= KIND_BITS[doc["kind"]]
        if doc["kind"] == "other" and (doc.get("file") or 1) == 1:
            bits |= KIND_BITS["component"]
    return bits


def rebuild_all(db: Connection, *, batch: int = 2000) -> int:
    """Index every dossier of the catalog from its stored record (a migration, a copied catalog); return how many.

    Dossiers are read ``batch`` at a time, in id order, each batch a statement of its own (no cursor
    stays open on ``dossiers`` while its rows are updated).
    """
    db.execute(text("DELETE FROM dossier_documents"))
    db.execute(text("DELETE FROM person_index"))
    count, last = 0, ""
    while True:
        rows = db.execute(text("SELECT dossier_id, record_json FROM dossiers WHERE dossier_id > :last "
                               "ORDER BY dossier_id LIMIT :n"), {"last": last, "n": batch}).all()
        if not rows:
            return count
        docs, people, bits = [], [], []
        for dossier_id, record_json in rows:
            record = _load(record_json)
            mine = document_rows(dossier_id, record)
            docs += mine
            people += person_rows(dossier_id, record)
            bits.append({"d": dossier_id, "k": kinds(mine)})
        if docs:
            db.execute(text(_INSERT_DOC), docs)
        if people:
            db.execute(text(_INSERT_PERSON), people)
        db.execute(text(_SET_KINDS), bits)
        count, last = count + len(rows), rows[-1][0]


def _load(record_json: str) -> dict:
    try:
        record = json.loads(record_json)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _signatures(record: Mapping[str, object]) -> dict[int, tuple[str | None, int | None]]:
    """PDF file number → (PAdES level, certified as an e-copy) as recorded when it was archived."""
    out = {}
    for file, e_copy in [(1, record.get("e_copy")),
                         *((_int(j.get("file")), j.get("e_copy")) for j in record.get("joined") or ()
                           if isinstance(j, Mapping))]:
        if file and isinstance(e_copy, Mapping):
            certified = e_copy.get("certified")
            out[file] = (_text(e_copy.get("level")), None if certified is None else int(bool(certified)))
    return out


def _page_texts(record: Mapping[str, object]) -> dict[tuple[int, int], str]:
    """(file, source page) → OCR text, for the first scan's pages and each joined scan's."""
    out = {}
    parts = [(1, record.get("pages"))] + [(_int(j.get("file")), j.get("pages")) for j in record.get("joined") or ()
                                          if isinstance(j, Mapping)]
    for file, pages in parts:
        for page in pages or ():
            if file and isinstance(page, Mapping) and isinstance(page.get("text"), str):
                out[(file, _int(page.get("source_page")) or 0)] = page["text"]
    return out


def _document_of(docs: list[dict], page: object) -> int:
    """The ordinal of the document of the first scan that holds source page ``page`` (a component first)."""
    for ordinal, doc in enumerate(docs, start=1):
        if doc["file"] == 1 and isinstance(page, int) and page in (doc.get("pages") or ()):
            return ordinal
    return next((n for n, d in enumerate(docs, start=1) if d.get("kind") == "component" and d["file"] == 1), 1)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return str(value)[:300] if isinstance(value, (str, int)) and str(value) else None


def _iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` (or the year-month or year given), else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()[:10]
    return value if len(value) in (4, 7, 10) and value[:4].isdigit() else None
