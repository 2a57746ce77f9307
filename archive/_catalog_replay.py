"""The rebuild report, and replaying into a rebuilt catalog what the archive keeps beside the packages: the disposal records
(``disposals/*.json``), the fixity audits (``audits/*.premis.xml``) and the catalog journal (holds,
code changes, "Xem xét hủy" marks, archive events, recoveries). Used by :mod:`archive.catalog_rebuild`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from dataclasses import dataclass, field

from sqlalchemy import text

from archive import _catalog_journal as journal
from archive._catalog_care import event_params
from archive._catalog_harvest import premis_events
from archive._catalog_schema import STATUS_DISPOSED, STATUS_REVIEW
from archive.catalog import Catalog
from archive.model import PremisEvent
from sohoa import __version__
from sohoa.errors import ArchiveError

AGENT = f"sohoa {__version__}"
_AUDIT_DETAIL = re.compile(r"^package (\S+): ")


@dataclass
class RebuildReport:
    """What a rebuild did and what it could not recover."""

    mode: str
    dossiers: int = 0
    packages: int = 0
    events: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    recovered: dict[str, int] = field(default_factory=dict)
    not_recovered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kept_old: Path | None = None
    lost_packages: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)


def replay_disposals(archive_root: Path, catalog: Catalog, report: RebuildReport) -> None:
    """Disposal records from ``disposals/*.json``: destroyed files, decisions, disposed status."""
    for path in sorted((archive_root / "disposals").glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report.problems.append(f"disposals/{path.name}: unreadable; not replayed")
            continue
        for entry in body.get("dossiers", []):
            dossier_id = entry.get("dossier_id")
            row = catalog.dossier(dossier_id) if dossier_id else None
            if row is None:
                report.problems.append(f"disposals/{path.name}: a dossier it names has no package; not replayed")
                continue
            event = PremisEvent("deletion", datetime.fromisoformat(body["executed_at"]), "success",
                                f"content destroyed by decision {body['decision']}, operator {body['operator']}: "
                                f"{len(entry.get('destroyed', []))} file(s); metadata kept", body.get("agent") or AGENT)
            stripped = {**row["record"], "pages": [{**p, "text": ""} for p in row["record"].get("pages", [])],
                        "fields": {}, "disposed": {"decision": body["decision"], "time": body["executed_at"]}}
            catalog.record_disposal(dossier_id, decision=body["decision"], operator=body["operator"],
                                    destroyed=entry.get("destroyed", []), stripped_record=stripped, event=event)
        catalog.record_decision(decision=body["decision"], decision_date=body.get("decision_date"),
                                council=body.get("council") or "(không ghi trong biên bản hủy cũ)",
                                operator=body["operator"], executed_at=body["executed_at"],
                                dossiers=len(body.get("dossiers", [])))
        report.recovered["disposal decisions"] = report.recovered.get("disposal decisions", 0) + 1


def replay_audits(archive_root: Path, catalog: Catalog, report: RebuildReport) -> None:
    """Per-package fixity events from the audit PREMIS files under ``audits/``."""
    owner = {row["objid"]: row["dossier_id"] for row in catalog.packages()}
    for path in sorted((archive_root / "audits").glob("fixity-*.premis.xml")):
        for event in premis_events(path.parent, path.name):
            match = _AUDIT_DETAIL.match(event.detail)
            if match and match.group(1) in owner:
                catalog.add_event(owner[match.group(1)], event)
                report.recovered["fixity events"] = report.recovered.get("fixity events", 0) + 1


def replay_journal(archive_root: Path, catalog: Catalog, report: RebuildReport, *, only: set[str] | None) -> None:
    """Holds, code changes, review marks, archive events and recoveries from the catalog journal."""
    for entry in journal.entries(archive_root):
        kind, dossier_id = entry["kind"], entry.get("dossier_id")
        if only is not None and (kind == "archive_event" or (dossier_id not in only and kind != "review")):
            continue
        event = _event(entry.get("event"))
        if event is None:
            continue
        try:
            _apply(catalog, kind, entry, event, only)
        except ArchiveError as exc:
            report.problems.append(f"journal entry ({kind}, {entry.get('at')}): {exc}")
            continue
        report.recovered[kind] = report.recovered.get(kind, 0) + 1


def _apply(catalog: Catalog, kind: str, entry: dict, event: PremisEvent, only: set[str] | None) -> None:
    """Apply one journal entry without journaling it again."""
    if kind == "archive_event":
        catalog.add_archive_event(event, journaled=False)
    elif kind == "hold":
        catalog.set_hold(entry["dossier_id"], held=bool(entry["held"]), reason=entry.get("reason") or "",
                         event=event, journaled=False)
    elif kind == "code":
        catalog.set_code(entry["dossier_id"], entry["new"], event=event, journaled=False)
    elif kind == "review":
        ids = [d for d in entry.get("dossier_ids", []) if only is None or d in only]
        with catalog.transaction() as db:
            for dossier_id in ids:
                db.execute(text("UPDATE dossiers SET status = :r WHERE dossier_id = :d AND status <> :x"),
                           {"r": STATUS_REVIEW, "d": dossier_id, "x": STATUS_DISPOSED})
                db.execute(text("INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, "
                                "recorded_at) VALUES (:d, :type, :time, :outcome, :detail, :agent, :at)"),
                           event_params(dossier_id, event))
    elif kind == "event":
        catalog.add_event(entry["dossier_id"], event)


def _event(data: object) -> PremisEvent | None:
    """A journaled event, or None when unreadable."""
    if not isinstance(data, dict):
        return None
    try:
        return PremisEvent(data["type"], datetime.fromisoformat(data["time"]), data["outcome"], data["detail"],
                           data["agent"])
    except (KeyError, ValueError, ArchiveError):
        return None

