"""Fixity audit of a whole archive (or of a backup copy): the catalog database, every package
checked against its METS and against the catalog, and the export records; recorded as PREMIS
``fixity check`` events.

The catalog keeps the SHA-256 of each package's root ``METS.xml`` from ingest; the METS files keep
the SHA-256 of everything else. So a flipped byte anywhere — a document, a metadata file or the
METS itself — is reported. Files destroyed by an approved disposal are expected to be missing.
The catalog itself must pass SQLite's full ``integrity_check`` and be in step with the package
folders (none it does not know, none it knows gone), and each ``records/<id>.json`` (what
``sohoa export`` reads) must be the record the catalog holds for that dossier. Problems name
archive-relative paths only (file names carry the dossier code or id, never personal data).
With ``record=False`` nothing is written: a read-only copy of an archive can be audited.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import sohoa
from archive._xml import write_bytes
from archive.catalog import Catalog
from archive.catalog_health import CatalogHealth, check_catalog, package_folders
from archive.fixity import ROOT_METS, check_fixity
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from archive.premis import premis_document
from sohoa.files import sha256_file

AGENT = f"sohoa {sohoa.__version__}"
FIXITY_EVENT = "fixity check"


@dataclass(frozen=True)
class PackageAudit:
    """The outcome for one package folder.

    Attributes:
        path: Folder relative to the archive (``packages/<name>``).
        dossier_id: The dossier it belongs to, when the catalog knows it.
        objid: The package OBJID, when the catalog knows it.
        problems: Package-relative problems; empty when intact.
    """

    path: str
    dossier_id: str | None
    objid: str | None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FixityReport:
    """The outcome of one audit."""

    archive: Path
    checked_at: str
    packages: list[PackageAudit]
    catalog: CatalogHealth | None = None
    catalog_problems: list[str] = field(default_factory=list)
    """Problems of the catalog database and of ``records/``, as ``<path>: problem`` lines."""

    @property
    def damaged(self) -> list[PackageAudit]:
        """Packages with at least one problem."""
        return [p for p in self.packages if p.problems]

    @property
    def ok(self) -> bool:
        """True when every package is intact and the catalog and records are sound."""
        return not self.damaged and not self.catalog_problems

    def lines(self) -> list[str]:
        """One ``<path>: problem`` line per problem: catalog and records first, then package files."""
        return [*self.catalog_problems, *(f"{p.path}/{problem}" for p in self.damaged for problem in p.problems)]


def audit_archive(archive_root: Path, *, record: bool = True, catalog_url: str | None = None) -> FixityReport:
    """Check the catalog, every package and every export record of ``archive_root`` (a primary
    archive or a backup copy).

    Args:
        archive_root: Folder holding ``packages/`` and its catalog (``catalog.sqlite`` or a
            database named in ``catalog.url``).
        record: Write a ``fixity check`` event per dossier and an archive event to the catalog,
            and a PREMIS file under ``audits/``; when False the archive is only read.
        catalog_url: The archive's catalog when configured (else found as :meth:`Catalog.for_archive` does).

    Returns:
        The report; ``report.ok`` is False when any file is damaged or missing, or the catalog is
        missing, corrupt or out of step.
    """
    checked_at = iso_vn(now_vn())
    health = check_catalog(archive_root, catalog_url, integrity="full")
    usable = health.state in ("ok", "out_of_step", "outdated")
    problems = [] if usable or health.state == "new" else [f"{_catalog_name(health)}: {health.error()}"]
    with contextlib.ExitStack() as stack:
        catalog = stack.enter_context(Catalog.for_archive(archive_root, catalog_url, readonly=not record,
                                                          create=False)) if usable else None
        results = [check_package(archive_root, folder, catalog) for folder in package_folders(archive_root)]
        results += _missing_packages(archive_root, catalog, {r.path for r in results})
        if catalog is not None:
            problems += [f"{rel}: package folder unknown to the catalog (run `sohoa catalog rebuild`)"
                         for rel in health.unknown_packages]
            problems += check_records(archive_root, catalog)
        report = FixityReport(archive_root, checked_at, results, health, problems)
        if record and catalog is not None:
            _record(archive_root, catalog, report)
    return report


def check_records(archive_root: Path, catalog: Catalog) -> list[str]:
    """Problems of ``records/*.json``: unreadable, unknown to the catalog, differing from the catalog's
    record, or missing for a dossier that has a package."""
    problems, seen = [], set()
    for path in sorted((archive_root / "records").glob("*.json")):
        rel = f"records/{path.name}"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            problems.append(f"{rel}: unreadable or not JSON")
            continue
        dossier_id = record.get("dossier_id") if isinstance(record, dict) else None
        row = catalog.dossier(dossier_id) if isinstance(dossier_id, str) else None
        if row is None:
            problems.append(f"{rel}: names no dossier of the catalog")
            continue
        seen.add(dossier_id)
        if row["record"] != record:
            problems.append(f"{rel}: differs from the record the catalog holds for this dossier")
    for row in catalog.packages():
        if row["status"] == "current" and row["dossier_id"] not in seen and \
                not (archive_root / "records" / f"{row['dossier_id']}.json").exists():
            problems.append(f"records/{row['dossier_id']}.json: missing (the dossier is archived)")
    return problems


def _catalog_name(health: CatalogHealth) -> str:
    """The catalog as a report line's path: its file name, or its database URL."""
    return Path(health.where.split("///", 1)[-1]).name if health.where.startswith("sqlite") else health.where


def check_package(archive_root: Path, folder: Path, catalog: Catalog | None) -> PackageAudit:
    """Check one package folder against its METS and, when known, the catalog."""
    rel = folder.relative_to(archive_root).as_posix()
    row = catalog.package_by_path(rel) if catalog is not None else None
    problems = check_fixity(folder)
    if row is None:
        return PackageAudit(rel, None, None, problems)
    mets = folder / ROOT_METS
    if mets.is_file() and sha256_file(mets) != row["mets_sha256"]:
        problems.insert(0, f"{ROOT_METS}: SHA-256 differs from the one the catalog recorded at ingest")
    if row["status"] == "disposed":
        gone = {d["path"] for d in catalog.disposals(row["dossier_id"]) if d["objid"] == row["objid"]}
        problems = [p for p in problems if not (p.split(": ", 1)[0] in gone and p.endswith("but missing"))]
    return PackageAudit(rel, row["dossier_id"], row["objid"], problems)


def _missing_packages(archive_root: Path, catalog: Catalog | None, seen: set[str]) -> list[PackageAudit]:
    """Packages the catalog registered whose folder is gone."""
    if catalog is None:
        return []
    return [PackageAudit(row["path"], row["dossier_id"], row["objid"], ["(package folder): missing"])
            for row in catalog.packages() if row["path"] not in seen and not (archive_root / row["path"]).is_dir()]


def _record(archive_root: Path, catalog: Catalog, report: FixityReport) -> None:
    """Write the audit's events to the catalog and a PREMIS file under ``audits/``."""
    events = []
    for item in report.packages:
        outcome = "failure" if item.problems else "success"
        detail = (f"package {item.objid or item.path}: "
                  + (f"{len(item.problems)} problem(s): " + "; ".join(item.problems)[:1500]
                     if item.problems else "all files match their SHA-256"))
        event = PremisEvent(FIXITY_EVENT, now_vn(), outcome, detail, AGENT)
        events.append(event)
        if item.dossier_id:
            catalog.add_event(item.dossier_id, event)
    summary = PremisEvent(FIXITY_EVENT, now_vn(), "success" if report.ok else "failure",
                          f"fixity audit: {len(report.packages)} packages, {len(report.damaged)} damaged", AGENT)
    catalog.add_archive_event(summary)
    stamp = report.checked_at.replace(":", "").replace("-", "")[:15]
    write_bytes(archive_root / "audits" / f"fixity-{stamp}.premis.xml",
                premis_document([], [*events, summary], originator=AGENT))
