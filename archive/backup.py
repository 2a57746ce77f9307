"""Backup copies of an archive (TT 05/2025 Điều 27: at least two sets, each on independent media,
records and database backed up and restored together) and restore from a copy.

A backup holds ``packages/``, a consistent copy of the catalog as ``catalog.sqlite``, ``records/``
and ``disposals/``. A SQLite catalog is copied with SQLite's online backup; a PostgreSQL catalog is
exported, from one snapshot, into a SQLite catalog holding the same rows, so every copy is
self-contained: it verifies with ``sohoa fixity --archive COPY`` and restores with no database
server (the DBA's own ``pg_dump`` schedule is still advised for the server). Packages are
immutable, so a repeated backup copies only new package versions, re-checks those already there,
replaces a damaged copy, and removes from the copy the files an approved disposal destroyed in the
primary. Every copy is verified with the same fixity audit ``sohoa fixity`` runs, against the
copied catalog.

Copies are counted. Each backup folder carries an identity file (``.sohoa-backup-id``); after a
backup verifies, the catalog records which package versions that target holds, verified, and the
report names the packages with fewer verified copies than the site asks for
(``archive.backup-copies``, default 2). A target on the same file system (device) as the archive is
no independent copy and is refused unless forced.

Restore goes the other way: every primary package that is missing or fails its audit, and a
missing or corrupt catalog, is brought back from a copy that passes its own audit. A PostgreSQL
catalog counts as lost when its database (recreated empty by the DBA) holds no dossier while the
copy does: the copy's rows are then loaded into it. A damaged package is moved aside to
``.damaged/<time>/`` (evidence for the incident record), never deleted.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

from archive import _catalog_journal as journal
from archive._catalog_db import CATALOG_NAME, resolve_url, shown, sqlite_path
from archive._xml import remove_tree, seal_tree, unseal_dirs
from archive.audit import AGENT, audit_archive, check_package
from archive.catalog import Catalog, catalog_ok
from archive.catalog_copy import backup_catalog
from archive.catalog_copy import copy_catalog as _copy_rows
from archive.catalog_health import open_checked, package_folders
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from sohoa.errors import ArchiveError
from sohoa.files import temp_dir_beside

SIDE_FOLDERS = ("records", "disposals", "audits")
"""Small folders copied whole beside the packages."""
SIDE_FILES = (journal.JOURNAL_NAME,)
"""Files copied beside them (the catalog journal)."""
TARGET_ID_NAME = ".sohoa-backup-id"
"""The identity file of a backup folder: the same target counts once, wherever it is mounted."""
DEFAULT_COPIES = 2


@dataclass
class CopyReport:
    """What a backup or a restore did.

    Attributes:
        copied: Package folders copied (relative paths).
        problems: ``packages/<name>/<file>: problem`` lines left after the operation.
    """

    copied: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    required: int = DEFAULT_COPIES
    """Verified copies each package should have."""
    short: dict[str, int] = field(default_factory=dict)
    """Dossier code → verified copies of its current package, for those with fewer than ``required``."""
    target_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when the result verifies."""
        return not self.problems


def backup_archive(archive_root: Path, dest: Path, *, catalog_url: str | None = None, force: bool = False,
                   copies: int = DEFAULT_COPIES) -> CopyReport:
    """Replicate ``archive_root`` to ``dest``, verify the copy and count it.

    Args:
        archive_root: The primary archive.
        dest: The backup folder (outside the archive, on other storage).
        catalog_url: The archive's catalog when configured (else found as :meth:`Catalog.for_archive` does).
        force: Accept a folder on the archive's own file system (not an independent copy).
        copies: Verified copies each package should have (``archive.backup-copies``).

    Raises:
        ArchiveError: The archive's catalog is not usable, ``dest`` overlaps the archive, or lies
            on the archive's device without ``force`` (``backup_same_device``).
    """
    archive_root, dest = archive_root.resolve(), dest.resolve()
    _check_distinct(archive_root, dest)
    if not force:
        _check_other_device(archive_root, dest)
    report = CopyReport(required=copies)
    with open_checked(archive_root, catalog_url, out_of_step_ok=True) as catalog:
        _make_private_dir(dest / "packages")
        report.target_id = _target_id(dest)
        tmp = dest / f".{CATALOG_NAME}.tmp"
        backup_catalog(catalog, tmp)
        os.replace(tmp, dest / CATALOG_NAME)
        with Catalog(dest / CATALOG_NAME, archive_root=dest) as copy_catalog:
            for folder in package_folders(archive_root):
                rel = folder.relative_to(archive_root).as_posix()
                if not _intact(dest, dest / rel, copy_catalog) and _intact(archive_root, folder, catalog):
                    _copy_package(folder, dest / rel)  # a damaged primary never overwrites a copy
                    report.copied.append(rel)
                _apply_disposals(dest / rel, copy_catalog, rel)
        for name in SIDE_FOLDERS:
            _sync_folder(archive_root / name, dest / name)
        for name in SIDE_FILES:
            _sync_file(archive_root / name, dest / name)
        audit = audit_archive(dest, record=False)
        report.problems = audit.lines()
        verified = [p.objid for p in audit.packages if p.objid and not p.problems]
        catalog.record_backup(target_id=report.target_id, path=str(dest), device=str(_device(dest)),
                              verified=verified, outcome="success" if report.ok else "failure")
        report.short = short_of_copies(catalog, copies)
        catalog.add_archive_event(PremisEvent(
            "replication", now_vn(), "success" if report.ok else "failure",
            f"backup copy to target {report.target_id}: {len(report.copied)} package(s) copied, "
            f"{len(verified)} verified, {len(report.problems)} problem(s); "
            f"{len(report.short)} dossier(s) with fewer than {copies} verified copies", AGENT))
    return report


def short_of_copies(catalog: Catalog, required: int) -> dict[str, int]:
    """Dossier code → verified copies of its current package, for those with fewer than ``required``."""
    counts = catalog.copy_counts()
    current = [row for row in catalog.packages() if row["status"] in ("current", "disposed")]
    short = {row["dossier_id"]: counts.get(row["objid"], 0) for row in current
             if counts.get(row["objid"], 0) < required}
    codes = catalog.codes(list(short))
    return {codes.get(d, {}).get("code", d): n for d, n in sorted(short.items())}


def restore_archive(archive_root: Path, source: Path, *, catalog_url: str | None = None) -> CopyReport:
    """Bring back every missing or damaged package (and a missing or corrupt catalog) from ``source``.

    Args:
        archive_root: The primary archive.
        source: A backup folder made by :func:`backup_archive`.
        catalog_url: The archive's catalog when configured (else found as :meth:`Catalog.for_archive` does).

    Raises:
        ArchiveError: ``source`` has no usable catalog, overlaps the archive, or the archive's
            catalog database cannot be reached.
    """
    archive_root, source = archive_root.resolve(), source.resolve()
    _check_distinct(archive_root, source)
    if not catalog_ok(source / CATALOG_NAME):
        raise ArchiveError("the backup copy has no usable catalog", reason="backup_invalid",
                           message_vi="Bản sao lưu không có cơ sở dữ liệu danh mục dùng được.")
    report = CopyReport()
    aside = archive_root / ".damaged" / iso_vn(now_vn()).replace(":", "")[:17]
    url = resolve_url(archive_root, catalog_url)
    _restore_catalog(url, archive_root, source, aside, report)
    for name in SIDE_FILES:
        if not (archive_root / name).exists():
            _sync_file(source / name, archive_root / name)
    with Catalog(url, archive_root=archive_root) as catalog, \
            Catalog(source / CATALOG_NAME, archive_root=source, readonly=True) as src_catalog:
        for row in catalog.packages():
            _restore_one(archive_root, source, row, (catalog, src_catalog), aside, report)
        for name in SIDE_FOLDERS:
            _sync_folder(source / name, archive_root / name, missing_only=True)
        report.problems = audit_archive(archive_root, record=False).lines()
        catalog.add_archive_event(PremisEvent(
            "recovery", now_vn(), "success" if report.ok else "failure",
            f"restore from backup: {len(report.copied)} item(s) restored, {len(report.problems)} problem(s) left",
            AGENT))
    return report


def _restore_catalog(url: URL, archive_root: Path, source: Path, aside: Path, report: CopyReport) -> None:
    """Bring the catalog back from the copy when the primary's is missing, corrupt or emptied."""
    path = sqlite_path(url)
    if path is not None:
        if not catalog_ok(path):
            _move_aside(path, aside)
            for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                _move_aside(extra, aside)
            with Catalog(source / CATALOG_NAME, archive_root=source, readonly=True) as src:
                backup_catalog(src, path)
            report.copied.append(path.name)
        return
    with Catalog(url, archive_root=archive_root) as catalog, \
            Catalog(source / CATALOG_NAME, archive_root=source, readonly=True) as src:
        if catalog.count() == 0 and src.count() > 0:
            _copy_rows(src, catalog)
            report.copied.append(f"catalog → {shown(url)}")


def _restore_one(archive_root: Path, source: Path, row: dict, catalogs: tuple[Catalog, Catalog],
                 aside: Path, report: CopyReport) -> None:
    """Restore one package version if the primary copy is missing or damaged and the backup is intact."""
    catalog, src_catalog = catalogs
    primary = archive_root / row["path"]
    if primary.is_dir() and not check_package(archive_root, primary, catalog).problems:
        return
    if not (source / row["path"]).is_dir() or check_package(source, source / row["path"], src_catalog).problems \
            or check_package(source, source / row["path"], catalog).problems:
        return  # the backup cannot vouch for it either: left for the audit to report
    _move_aside(primary, aside)
    _copy_package(source / row["path"], primary)
    report.copied.append(row["path"])
    catalog.add_event(row["dossier_id"], PremisEvent(
        "recovery", now_vn(), "success", f"package {row['objid']} restored from a verified backup copy", AGENT),
        journaled=True)


def _check_distinct(archive_root: Path, other: Path) -> None:
    """Refuse a backup folder that is, contains or lies inside the archive."""
    if other == archive_root or archive_root in other.parents or other in archive_root.parents:
        raise ArchiveError("the backup folder must be outside the archive folder", reason="backup_overlap",
                           message_vi="Thư mục sao lưu phải nằm ngoài thư mục lưu trữ.")


def _check_other_device(archive_root: Path, dest: Path) -> None:
    """Refuse a backup folder on the archive's own file system: it fails with the archive's disk."""
    if _device(dest) == _device(archive_root):
        raise ArchiveError("the backup folder is on the same file system (device) as the archive: it is no "
                           "independent copy; use other storage, or --force to copy there anyway",
                           reason="backup_same_device",
                           message_vi="Thư mục sao lưu nằm trên cùng thiết bị lưu trữ với kho lưu trữ nên không "
                                      "phải bản sao độc lập; hãy dùng ổ/thiết bị khác (hoặc --force nếu vẫn muốn chép).")


def _device(path: Path) -> int:
    """The device of ``path``, or of its nearest existing parent."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.stat().st_dev
    return -1


def _target_id(dest: Path) -> str:
    """The backup folder's identity (made on first use)."""
    marker = dest / TARGET_ID_NAME
    if not marker.exists():
        tmp = dest / f".{TARGET_ID_NAME}.tmp"
        tmp.write_text(f"{uuid.uuid4()}\n", encoding="utf-8")
        os.replace(tmp, marker)
    return marker.read_text(encoding="utf-8").strip()


def _intact(root: Path, folder: Path, catalog: Catalog) -> bool:
    """True when ``folder`` exists and passes its audit."""
    return folder.is_dir() and not check_package(root, folder, catalog).problems


def _copy_package(src: Path, target: Path) -> None:
    """Copy a package to ``target`` through a staging folder, sealed read-only; replaces a damaged copy."""
    _make_private_dir(target.parent)
    staging = temp_dir_beside(target)
    try:
        remove_tree(staging)
        shutil.copytree(src, staging, copy_function=shutil.copyfile)
        for folder, _dirs, files in os.walk(staging):
            for name in files:
                with open(os.path.join(folder, name), "rb+") as fh:
                    os.fsync(fh.fileno())
        seal_tree(staging)
        remove_tree(target)
        os.replace(staging, target)
    finally:
        remove_tree(staging)


def _apply_disposals(copy: Path, catalog: Catalog, rel: str) -> None:
    """Remove from a backup copy the files a disposal destroyed in the primary."""
    row = catalog.package_by_path(rel)
    if row is None or row["status"] != "disposed":
        return
    gone = [copy / d["path"] for d in catalog.disposals(row["dossier_id"]) if d["objid"] == row["objid"]]
    if any(p.exists() for p in gone):
        unseal_dirs(copy)
        for path in gone:
            path.unlink(missing_ok=True)
        seal_tree(copy)


def _sync_folder(src: Path, dst: Path, *, missing_only: bool = False) -> None:
    """Copy the files of a small flat folder (records, disposal records), atomically each."""
    if not src.is_dir():
        return
    _make_private_dir(dst)
    for item in sorted(src.iterdir()):
        target = dst / item.name
        if not item.is_file() or item.name.startswith(".") or (missing_only and target.exists()):
            continue
        _sync_file(item, target)


def _sync_file(src: Path, dst: Path) -> None:
    """Copy one file atomically when it exists."""
    if not src.is_file():
        return
    tmp = dst.with_name(f".{dst.name}.tmp")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o640)
    os.replace(tmp, dst)


def _move_aside(path: Path, aside: Path) -> None:
    """Move a damaged package or catalog into ``aside`` (kept as evidence)."""
    if not path.exists():
        return
    _make_private_dir(aside)
    if path.is_dir():
        unseal_dirs(path)
    os.replace(path, aside / path.name)


def _make_private_dir(path: Path) -> None:
    """Create a folder (and parents) with mode 0750."""
    path.mkdir(mode=0o750, parents=True, exist_ok=True)
