"""What a clerk's decision on a flagged field does to the archive: the correction becomes the record.

A decision (:mod:`archive.decisions`: correct, confirm, or "not on the form") is applied by
:func:`apply_decision`:

- a new package version (:func:`archive.versions.derive_version`) replaces the fields JSON, the
  package's ``record.json`` and — when the field dates the matter — the dossier EAD (new
  ``startDate``/``endDate``, the scan-date remark dropped or added); PREMIS gains a ``metadata
  modification`` event naming the person (a PREMIS agent of type person), the time, the field, the
  old value and the new one. Every other file is carried byte for byte (the signed PDF/A is never
  re-signed) and the replaced version is left as it was;
- the catalog (record, search index, package version, retention when the dates moved, the same
  event in the dossier's audit trail) and then ``records/<dossier>.json`` follow, so ``sohoa
  export``, ``sohoa search`` and the EAD show the corrected value.

A decision on the field ``code`` that changes the code is :func:`archive.catalog_codes.change_code`,
the one way a dossier code changes. The caller holds the dossier's lock
(:func:`archive.dossier_lock.dossier_lock`). Values appear in the package's PREMIS event and the
catalog's audit trail (both not world-readable), never in an error message or a log line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from lxml import etree

import sohoa
from archive._xml import to_bytes
from archive.catalog import Catalog
from archive.catalog_codes import (
    EVENT_TYPE,
    RECORD_JSON,
    active_row,
    change_code,
    correction_detail,
    current_files,
    packaged_record,
    write_record,
)
from archive.dates import MatterDates
from archive.decisions import CODE_FIELD, Decision, code_state, decide
from archive.model import PremisEvent
from archive.redating import description_with_dates, redate
from sohoa.clock import now_vn
from archive.package import other_path
from archive.retention import RetentionSchedule
from archive.versions import derive_version

AGENT = f"sohoa {sohoa.__version__} (verification station)"
FIELDS_JSON = other_path("fields/fields.json")
DOSSIER_EAD = "metadata/descriptive/EAD.xml"
_FIELD_KEYS_DROPPED = ("reason", "ocr_value", "ocr_reason", "absent")
"""Keys of a field in ``fields.json`` that the decision's state may no longer carry."""


def apply_decision(archive_root: Path, catalog: Catalog, dossier_id: str, decision: Decision, *,
                   date_keys: tuple[Sequence[str], Sequence[str]] = ((), ()),
                   schedule: RetentionSchedule | None = None) -> dict:
    """Apply one decision: new package version, catalog and audit trail, record file.

    Args:
        archive_root: The archive folder.
        catalog: The archive's open catalog.
        dossier_id: The dossier (internal id).
        decision: What the person decided.
        date_keys: (start, end) date fields of the dossier's form template (``dossier-dates``);
            a decision on one of them re-dates the matter (EAD dates, retention).
        schedule: The retention schedule (default ``configs/retention.yaml``).

    Returns:
        The new export record.

    Raises:
        ReviewConflict: A stale view (reason ``stale_view``), a code already used by another dossier
            (``code_taken``), a disposed dossier (``not_active``).
        ArchiveError: An invalid action or value, or the archive cannot be written.
    """
    row = active_row(catalog, dossier_id)
    record = row["record"]
    if decision.field == CODE_FIELD and decision.action == "correct" and \
            " ".join(str(decision.value or "").split()) != code_state(record)["value"]:
        return change_code(archive_root, catalog, dossier_id, str(decision.value or ""), person=decision.person,
                           rev=decision.rev, software=AGENT, date_keys=date_keys, schedule=schedule)
    at = now_vn()
    new_record, old, new = decide(record, decision, at=at)
    dates, retention = redate(new_record, record, date_keys, catalog, dossier_id, schedule)
    detail = correction_detail("verification station", field=decision.field, action=decision.action, old=old,
                               new=new, person=decision.person)
    package = archive_root / str(record["package"])
    version = derive_version(archive_root, package, replace=_replaced_files(package, record, new_record, decision,
                                                                             dates),
                             events=[PremisEvent(EVENT_TYPE, at, "success", detail, AGENT, person=decision.person)])
    new_record.update(current_files(archive_root, version))
    with catalog.transaction():
        catalog.upsert_dossier(new_record, retention=retention)
        catalog.add_event(dossier_id, PremisEvent(EVENT_TYPE, at, "success", detail, agent=decision.person))
    write_record(archive_root, new_record)
    return new_record


# -- the package's files ---------------------------------------------------------------------------

def _replaced_files(package: Path, old: Mapping[str, object], new: Mapping[str, object], decision: Decision,
                    dates: MatterDates | None) -> dict[str, bytes]:
    """Package-relative path → new bytes of every metadata file the decision changes."""
    out: dict[str, bytes] = {}
    fields_json = package / FIELDS_JSON
    if fields_json.is_file() and decision.field != CODE_FIELD:
        data = json.loads(fields_json.read_text(encoding="utf-8"))
        if isinstance(data.get("fields"), dict) and decision.field in data["fields"]:
            state = new["fields"][decision.field]  # type: ignore[index]
            merged = {**data["fields"][decision.field], **state}
            for key in _FIELD_KEYS_DROPPED:
                if key not in state:
                    merged.pop(key, None)
            data["fields"][decision.field] = merged
            out[FIELDS_JSON] = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
    if (package / RECORD_JSON).is_file():
        out[RECORD_JSON] = packaged_record(dict(new))
    if dates is not None:
        ead = (package / DOSSIER_EAD).read_bytes()
        note = description_with_dates(_parse(ead).findtext("description") or "", old.get("dates"), dates)
        out[DOSSIER_EAD] = patch_ead(ead, {"startDate": dates.start.strftime("%d/%m/%Y"),
                                           "endDate": dates.end.strftime("%d/%m/%Y"), "description": note})
    return out


def patch_ead(xml: bytes, changes: Mapping[str, str | None]) -> bytes:
    """The EAD with some elements' text replaced (None empties one; a missing one is appended).

    Every other element is kept as it was, in its place, so a correction never drops metadata it
    does not touch (TT 05/2025 writes every element, empty when there is no data).
    """
    root = _parse(xml)
    for tag, value in changes.items():
        node = root.find(tag)
        if node is None:
            node = etree.SubElement(root, tag)
        node.text = value or ""
    return to_bytes(root)


def _parse(xml: bytes) -> etree._Element:
    """An EAD file's root (no entities resolved, no network)."""
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True))
