"""Fixity audit of a whole archive (or of a backup copy): every package, checked against its METS
and against the catalog, recorded as PREMIS ``fixity check`` events.

The catalog keeps the SHA-256 of each package's root ``METS.xml`` from ingest; the METS files keep
the SHA-256 of everything else. So a flipped byte anywhere — a document, a metadata file or the
METS itself — is reported. Files destroyed by an approved disposal are expected to be missing.
Problems name package-relative paths only (file names carry the dossier code, never personal data).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import sohoa
from archive._catalog_db import has_catalog
from archive._xml import write_bytes
from archive.catalog import Catalog
from archive.fixity import ROOT_METS, check_fixity
from archive.model import PremisEvent, iso_vn, now_vn
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

    @property
    def damaged(self) -> list[PackageAudit]:
        """Packages with at least one problem."""
        return [p for p in self.packages if p.problems]

    @property
    def ok(self) -> bool:
        """True when every package is intact."""
        return not self.damaged

    def lines(self) -> list[str]:
        """One ``packages/<name>/<file>: problem`` line per damaged or missing file."""
        return [f"{p.path}/{problem}" for p in self.damaged for problem in p.problems]


def package_folders(archive_root: Path) -> list[Path]:
    """Published package folders (hidden staging folders left out), by name."""
    base = archive_root / "packages"
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.is_dir() else []


def audit_archive(archive_root: Path, *, record: bool = True, catalog_url: str | None = None) -> FixityReport:
    """Check every package of ``archive_root`` (a primary archive or a backup copy).

    Args:
        archive_root: Folder holding ``packages/`` and, normally, its catalog (``catalog.sqlite``
            or a database named in ``catalog.url``).
        record: Write a ``fixity check`` event per dossier and an archive event to the catalog,
            and a PREMIS file under ``audits/``.
        catalog_url: The archive's catalog when configured (else found as :meth:`Catalog.for_archive` does).

    Returns:
        The report; ``report.ok`` is False when any file is damaged or missing.
    """
    checked_at = iso_vn(now_vn())
    with contextlib.ExitStack() as stack:
        known = catalog_url or has_catalog(archive_root)
        catalog = stack.enter_context(Catalog.for_archive(archive_root, catalog_url)) if known else None
        results = [check_package(archive_root, folder, catalog) for folder in package_folders(archive_root)]
        results += _missing_packages(archive_root, catalog, {r.path for r in results})
        report = FixityReport(archive_root, checked_at, results)
        if record and catalog is not None:
            _record(archive_root, catalog, report)
    return report


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
