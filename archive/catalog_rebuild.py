"""``sohoa catalog rebuild``: the catalog made again from the packages, which are the truth.

Two ways, chosen from the state of the catalog (:func:`archive.catalog_health.check_catalog`):

- **Incremental** (the catalog is whole but out of step): package folders it does not know are
  registered from their METS, EAD, PREMIS and record; registered folders that are gone are recorded
  as lost (package status ``missing``, an archive event) — never deleted.
- **Full** (the catalog is missing or corrupt, or ``--full``): a SQLite file is moved aside as
  evidence (``catalog-replaced-<time>.sqlite``) and a new catalog is filled from every package
  version (dossier row, retention from the EAD, versions in their ``altRecordID`` order, the PREMIS
  events), then from what the archive keeps beside the packages: the disposal records
  (``disposals/*.json``), the fixity audits (``audits/*.premis.xml``) and the catalog journal (holds,
  code changes, "Xem xét hủy" marks, archive events, recoveries). A PostgreSQL catalog is rebuilt
  only into an empty database (the DBA recreates it): the old rows cannot be deleted.

The report says what came from where, and what could not be recovered.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from archive import _catalog_journal as journal
from archive._catalog_db import resolve_url, sqlite_path
from archive._catalog_harvest import PackageFacts, package_facts, package_record, premis_events
from archive._catalog_schema import PACKAGE_MISSING
from archive._catalog_replay import RebuildReport, replay_audits, replay_disposals, replay_journal
from archive.catalog import Catalog
from archive.catalog_copy import carry_accounts
from archive.catalog_health import CatalogHealth, check_catalog, package_folders
from archive.disposal import rewrite_export_record
from archive.model import MAINTENANCE_YEARS, PremisEvent, iso_vn
from sohoa.clock import now_vn
from archive.retention import RetentionInfo, RetentionSchedule, load_schedule, retention_for
from sohoa import __version__
from sohoa.errors import ArchiveError

AGENT = f"sohoa {__version__}"
log = logging.getLogger(__name__)


@dataclass
class _Dossier:
    """The package versions of one dossier, oldest first, and what identifies it."""

    dossier_id: str
    versions: list[PackageFacts]
    record: dict
    source: str


def rebuild_catalog(archive_root: Path, url: str | URL | None = None, *, full: bool = False,
                    schedule: RetentionSchedule | None = None) -> RebuildReport:
    """Rebuild (or bring in step) the catalog of ``archive_root`` from its packages.

    Raises:
        ArchiveError: A PostgreSQL catalog that still holds rows was asked for a full rebuild, or
            the catalog database cannot be reached.
    """
    health = check_catalog(archive_root, url, integrity="quick")
    if health.state in ("ok", "out_of_step", "outdated") and not full:
        return _incremental(archive_root, url, health.unknown_packages, health.lost_packages)
    if health.state == "unreachable":
        raise health.error()
    report = RebuildReport("full")
    had_journal = (archive_root / journal.JOURNAL_NAME).exists()
    report.kept_old = _set_aside(archive_root, url, health.state)
    schedule = schedule or load_schedule()
    with Catalog.for_archive(archive_root, url) as catalog:
        if catalog.count("dossiers"):
            raise ArchiveError("the catalog database still holds dossiers: a full rebuild needs an empty one "
                               "(recreate the PostgreSQL database, or give another with --catalog)",
                               reason="catalog_not_empty",
                               message_vi="Cơ sở dữ liệu danh mục vẫn còn hồ sơ; cần một cơ sở dữ liệu trống để dựng lại.")
        dossiers = _harvest(archive_root, package_folders(archive_root), report)
        for item in dossiers:
            _index(catalog, item, schedule, report)
        replay_disposals(archive_root, catalog, report)
        replay_audits(archive_root, catalog, report)
        replay_journal(archive_root, catalog, report, only=None)
        _carry_accounts(report, catalog)
        catalog.add_archive_event(PremisEvent(
            "catalog rebuild", now_vn(), "success",
            f"catalog rebuilt from {report.packages} package version(s) of {report.dossiers} dossier(s)", AGENT))
    if not had_journal:
        report.not_recovered.append(
            "holds, code changes, review marks and archive events: this archive has no catalog journal yet "
            "(made before it existed), so any such rows of the lost catalog are gone; a backup copy's "
            "catalog may still hold them (`sohoa backup --restore-from`)")
    report.not_recovered.append("backup copy counts: recounted by the next `sohoa backup` to each target")
    return report


def _carry_accounts(report: RebuildReport, catalog: Catalog) -> None:
    """The verification station's accounts: from the catalog file set aside when it can be read, else said lost."""
    carried = carry_accounts(report.kept_old, catalog) if report.kept_old is not None else None
    if carried is not None:
        report.recovered["accounts"] = carried
        return
    report.not_recovered.append(
        "accounts of the verification station (sohoa users): they were kept only in the lost catalog; "
        "`sohoa backup --restore-from` brings them back with a backup copy's catalog, else recreate them "
        "with `sohoa users add`")


def prepare_for_run(archive_root: Path, url: str | URL | None = None) -> CatalogHealth:
    """The catalog check at the start of ``sohoa run``.

    A new archive may create its catalog; package folders the catalog does not know while nothing
    else is wrong (a run whose catalog write failed after its package was published) are
    registered from the packages, with a log line each; any other problem raises.

    Raises:
        ArchiveError: The catalog is missing, corrupt, unreachable, or has lost package folders.
    """
    health = check_catalog(archive_root, url, integrity="quick")
    if health.state == "out_of_step" and health.unknown_packages and not health.lost_packages:
        for rel in register_unknown(archive_root, url, health.unknown_packages):
            log.warning("catalog: registered package %s, which a run had written without its catalog row", rel)
        health = check_catalog(archive_root, url, integrity="none")
    if health.state != "outdated":
        health.require(allow_new=True)
    return health


def register_unknown(archive_root: Path, url: str | URL | None, rels: Iterable[str]) -> list[str]:
    """Register package folders the catalog does not know; return those registered."""
    return _incremental(archive_root, url, tuple(rels), ()).registered


def _incremental(archive_root: Path, url: str | URL | None, unknown: tuple[str, ...],
                 lost: tuple[str, ...]) -> RebuildReport:
    """Register unknown package folders and record lost ones, in the existing catalog."""
    report = RebuildReport("incremental")
    schedule = load_schedule()
    with Catalog.for_archive(archive_root, url, create=False) as catalog:
        known = {row["objid"]: row["dossier_id"] for row in catalog.packages()}
        for item in _harvest(archive_root, [archive_root / rel for rel in unknown], report, known=known):
            existing = _existing_id(catalog, item, known)
            if existing is None:
                _index(catalog, item, schedule, report)
                replay_journal(archive_root, catalog, report, only={item.dossier_id})
            else:
                _add_versions(catalog, existing, item, report)
            report.registered += [f.rel for f in item.versions]
        for rel in lost:
            with catalog.transaction() as db:
                db.execute(text("UPDATE packages SET status = :s WHERE path = :p"), {"s": PACKAGE_MISSING, "p": rel})
            report.lost_packages.append(rel)
        if report.registered or lost:
            catalog.add_archive_event(PremisEvent(
                "catalog rebuild", now_vn(), "success" if not lost else "failure",
                f"catalog brought in step: {len(report.registered)} package folder(s) registered from the packages, "
                f"{len(lost)} registered folder(s) recorded as lost: {', '.join(lost)[:1200]}", AGENT))
    return report


def _add_versions(catalog: Catalog, dossier_id: str, item: _Dossier, report: RebuildReport) -> None:
    """Register versions of a known dossier; one that follows its current version becomes current."""
    current = {row["objid"] for row in catalog.packages(dossier_id) if row["status"] == "current"}
    item.dossier_id = dossier_id
    for facts in item.versions:
        catalog.register_package(dossier_id, facts.rel)
        for event in premis_events(catalog.archive_root / facts.rel):
            catalog.add_event(dossier_id, event)
            report.events += 1
        report.packages += 1
    if any(v.previous in current for v in item.versions):  # newer than what the catalog had
        record = _full_record(catalog.archive_root, item)
        known = (catalog.dossier(dossier_id) or {}).get("code")
        if record.get("code") and known and record["code"] != known:  # a code change whose catalog write was lost
            try:
                catalog.set_code(dossier_id, str(record["code"]), journaled=False, event=PremisEvent(
                    "metadata modification", now_vn(), "success",
                    f"dossier code {record['code']} taken from its newest package version", AGENT))
            except ArchiveError as exc:
                report.problems.append(f"{item.versions[-1].rel}: its dossier code was not taken ({exc})")
        catalog.upsert_dossier(record)
        rewrite_export_record(catalog.archive_root, dossier_id, (catalog.dossier(dossier_id) or {})["record"])


def _existing_id(catalog: Catalog, item: _Dossier, known: dict[str, str]) -> str | None:
    """The catalog's dossier these versions belong to: by a linked version, the id, or the code."""
    for facts in item.versions:
        if facts.previous in known:
            return known[facts.previous]
    if catalog.dossier(item.dossier_id) is not None:
        return item.dossier_id
    code = item.record.get("code") or (item.versions[-1].code if item.versions else None)
    try:
        return catalog.resolve(code) if code else None
    except ArchiveError:
        return None


def _set_aside(archive_root: Path, url: str | URL | None, state: str) -> Path | None:
    """Move a SQLite catalog file (and its WAL files) aside before a full rebuild; return where."""
    file = sqlite_path(resolve_url(archive_root, url))
    if file is None or not file.exists():
        return None
    stamp = iso_vn(now_vn()).replace(":", "").replace("-", "")[:15]
    kept = file.with_name(f"catalog-{'broken' if state in ('corrupt', 'missing') else 'replaced'}-{stamp}.sqlite")
    os.replace(file, kept)
    for suffix in ("-wal", "-shm"):
        extra = file.with_name(file.name + suffix)
        if extra.exists():
            os.replace(extra, kept.with_name(kept.name + suffix))
    return kept


def _harvest(archive_root: Path, folders: list[Path], report: RebuildReport,
             known: dict[str, str] | None = None) -> list[_Dossier]:
    """Read every package folder and group the versions into dossiers."""
    facts: dict[str, PackageFacts] = {}
    for folder in folders:
        found = package_facts(archive_root, folder.relative_to(archive_root).as_posix())
        if found is None:
            report.problems.append(f"{folder.relative_to(archive_root).as_posix()}: no readable METS.xml; skipped")
            continue
        facts[found.objid] = found
    by_record = _records_by_package(archive_root)
    groups: dict[str, list[PackageFacts]] = {}
    for item in facts.values():
        root = item
        while root.previous in facts:
            root = facts[root.previous]
        groups.setdefault(root.objid, []).append(item)
    dossiers = []
    for members in groups.values():
        ordered = _chain(members)
        dossiers.append(_dossier(archive_root, ordered, by_record, report))
    return sorted(dossiers, key=lambda d: d.dossier_id)


def _chain(members: list[PackageFacts]) -> list[PackageFacts]:
    """Versions oldest first, following ``previous``."""
    ids = {m.objid for m in members}
    first = next(m for m in members if m.previous not in ids)
    ordered, after = [first], {m.previous: m for m in members if m.previous in ids}
    while ordered[-1].objid in after:
        ordered.append(after[ordered[-1].objid])
    return ordered + [m for m in members if m not in ordered]


def _dossier(archive_root: Path, versions: list[PackageFacts], by_record: dict[str, dict],
             report: RebuildReport) -> _Dossier:
    """One dossier: its id and current record, from the newest version that says."""
    current = versions[-1]
    record, source = package_record(archive_root / current.rel)
    exported = by_record.get(current.rel)
    if source != "record.json" and exported is not None:
        record, source = exported, "records/"
    record = dict(record or {})
    dossier_id = record.get("dossier_id") or next(
        (by_record[v.rel]["dossier_id"] for v in reversed(versions) if v.rel in by_record), None)
    if not dossier_id:
        dossier_id = current.code or current.objid
        source += " (id unknown: the code stands for it)"
    record.setdefault("code", current.code or dossier_id)
    report.sources[source] = report.sources.get(source, 0) + 1
    return _Dossier(str(dossier_id), versions, record, source)


def _records_by_package(archive_root: Path) -> dict[str, dict]:
    """The export records in ``records/``, by the package folder they name."""
    found: dict[str, dict] = {}
    for path in sorted((archive_root / "records").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("package"), str) and record.get("dossier_id"):
            found[Path(record["package"]).as_posix()] = record
    return found


def _full_record(archive_root: Path, item: _Dossier) -> dict:
    """The record as the catalog stores it: with ``dossier_id``, ``package`` and ``pdf`` of the current version."""
    current = item.versions[-1]
    pdfs = sorted((archive_root / current.rel / "representations" / "rep1" / "data").glob("*.pdf"))
    return {**item.record, "dossier_id": item.dossier_id, "package": current.rel,
            "pdf": pdfs[0].relative_to(archive_root).as_posix() if pdfs else item.record.get("pdf")}


def _index(catalog: Catalog, item: _Dossier, schedule: RetentionSchedule, report: RebuildReport) -> None:
    """Index one dossier: every version registered (the newest current), retention, PREMIS events."""
    record = _full_record(catalog.archive_root, item)
    for facts in item.versions[:-1]:
        catalog.upsert_dossier({**record, "package": facts.rel}, retention=None)
    catalog.upsert_dossier(record, retention=_retention(item.versions[-1], record, schedule))
    for facts in item.versions:
        for event in premis_events(catalog.archive_root / facts.rel):
            catalog.add_event(item.dossier_id, event)
            report.events += 1
    report.dossiers += 1
    report.packages += len(item.versions)


def _retention(facts: PackageFacts, record: dict, schedule: RetentionSchedule) -> RetentionInfo | None:
    """The retention the package's EAD records (its maintenance code wins over today's schedule)."""
    end = facts.end_date or (record.get("dates") or {}).get("end")
    maintenance = facts.ead.get("maintenance")
    if not end or maintenance not in MAINTENANCE_YEARS:
        return None
    end_year = int(str(end)[:4])
    rule = retention_for(schedule, str(record.get("form_type") or "unknown"), end_year)
    if rule.maintenance == maintenance:
        return rule
    years = MAINTENANCE_YEARS[maintenance] or (rule.years if maintenance == "07" else None)
    return RetentionInfo(maintenance, years, f"{rule.basis} (thời hạn theo gói lưu trữ: mã {maintenance})", False,
                         end_year + years if years else None, end_year)
