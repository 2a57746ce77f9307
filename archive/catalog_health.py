"""Is the archive's catalog there, whole, current and in step with the packages? Checked before use.

Every command that reads the catalog checks it first (:func:`open_checked`): a missing catalog, a
corrupt one (SQLite ``PRAGMA quick_check``, or the full ``integrity_check`` for ``sohoa fixity``),
or one out of step with the packages (package folders it does not know, package rows whose folder
is gone) gives a clear error naming the fix — ``sohoa catalog rebuild`` — never an empty answer and
never a new empty catalog in place of a lost one. ``sohoa run`` calls
:func:`archive.catalog_rebuild.prepare_for_run` at its start, which builds on :func:`check_catalog`.

Costs grow with the archive: ``quick_check`` reads every page of a SQLite catalog, and comparing
the package folders with the package rows lists both (``bench/catalog.py`` measures them). The
look-up commands (``sohoa person``, ``sohoa kpi``) answer in milliseconds from indexes, so they use
the ``structural`` check: the file is there and is a SQLite database (header, page size, size in
whole pages), its schema and revision read, and the number of package folders equals the number of
registered package rows (only when they differ are the two lists compared, to name the folders) —
in an archive of more than :data:`STRUCTURAL_COUNT_LIMIT` folders, only that package versions are
registered at all (a lost or recreated-empty catalog is still caught; a partial one is left to
``fixity``, ``catalog check``, ``search`` and ``run``).
A damaged page the check does not read still stops the command when a query reads it (an error
naming ``sohoa catalog rebuild``, never an empty answer); ``sohoa fixity`` and ``sohoa catalog check``
read every page.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from archive._catalog_db import read_only_fs, read_only_url, resolve_url, shown, sqlite_path
from archive._catalog_schema import PACKAGE_MISSING
from archive._catalog_store import REBUILD_HINT
from archive.catalog import Catalog
from archive.fixity import ROOT_METS
from sohoa.errors import ArchiveError

SHOWN_PATHS = 5
"""Package folders named in a message; the rest are counted."""

_FIX_VI = f"Hãy dựng lại danh mục từ các gói lưu trữ: {REBUILD_HINT}."
_STATES_VI = {
    "missing": "Không có danh mục lưu trữ (tệp cơ sở dữ liệu bị mất hoặc trống) trong khi kho đã có gói lưu trữ.",
    "corrupt": "Danh mục lưu trữ bị hỏng (kiểm tra toàn vẹn cơ sở dữ liệu không đạt).",
    "out_of_step": "Danh mục lưu trữ không khớp với các gói lưu trữ trong kho.",
    "outdated": "Danh mục lưu trữ có cấu trúc cũ, cần nâng cấp (`sohoa catalog upgrade`).",
    "unreachable": "Không mở được danh mục lưu trữ.",
}


@dataclass(frozen=True)
class CatalogHealth:
    """The state of an archive's catalog.

    Attributes:
        archive: The archive folder.
        where: The catalog, as it may be shown (no password).
        state: ``ok``; ``new`` (no catalog and no package yet: it may be created); ``missing``;
            ``corrupt``; ``out_of_step``; ``outdated`` (older schema, upgraded by the next write);
            ``unreachable`` (the database cannot be opened).
        detail: One English line on what is wrong ('' when ok).
        unknown_packages: Package folders the catalog does not know.
        lost_packages: Registered package folders that are gone.
    """

    archive: Path
    where: str
    state: str
    detail: str = ""
    unknown_packages: tuple[str, ...] = ()
    lost_packages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the catalog can be used as it is."""
        return self.state == "ok"

    def error(self) -> ArchiveError:
        """The error a command stops with (English and Vietnamese, naming the fix)."""
        fix = (f"restore the folder(s) with `sohoa backup --restore-from COPY`, or record them as lost with "
               f"{REBUILD_HINT}" if self.lost_packages and not self.unknown_packages else f"run {REBUILD_HINT}")
        if self.state == "outdated":
            fix = "run `sohoa catalog upgrade --archive DIR` where the archive can be written"
        if self.state == "unreachable":
            fix = "check the database server and the catalog URL"
        vi = _STATES_VI.get(self.state, "Danh mục lưu trữ không dùng được.")
        if self.state not in ("outdated", "unreachable"):
            vi += " " + (("Hãy khôi phục các gói bị mất từ bản sao lưu (`sohoa backup --restore-from`) hoặc "
                          f"ghi nhận chúng là đã mất bằng {REBUILD_HINT}.") if "restore" in fix else _FIX_VI)
        return ArchiveError(f"the archive catalog {self.where}: {self.detail}; {fix}", reason=f"catalog_{self.state}",
                            message_vi=vi)

    def require(self, *, allow_new: bool = False) -> None:
        """Raise :meth:`error` unless the catalog is usable (``new`` too when ``allow_new``)."""
        if not (self.ok or (allow_new and self.state == "new")):
            raise self.error()


def package_folders(archive_root: Path) -> list[Path]:
    """Published package folders (hidden staging folders left out), by name."""
    base = archive_root / "packages"
    return sorted(base / name for name in _folder_names(base))


def _folder_names(base: Path) -> list[str]:
    """Names of the folders in ``base`` that are not hidden (one ``scandir``: no stat per entry)."""
    try:
        with os.scandir(base) as entries:
            return [e.name for e in entries if not e.name.startswith(".") and e.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def check_catalog(archive_root: Path, url: str | URL | None = None, *, integrity: str = "quick") -> CatalogHealth:
    """Check the catalog of ``archive_root`` without changing anything (it is opened read-only).

    Args:
        archive_root: The archive folder.
        url: The configured catalog (``--catalog`` / ``archive.catalog-url``), if any.
        integrity: ``quick`` (``PRAGMA quick_check``), ``full`` (``integrity_check``), ``structural``
            (the file's header and shape only, and the package folders counted rather than listed
            when the counts agree: see the module's docstring) or ``none``.

    Raises:
        ArchiveError / ConfigError: The configured catalog is not the one the archive is bound to,
            or the URL is invalid (as when opening it).
    """
    resolved = resolve_url(archive_root, url)
    where = shown(resolved)
    folders = _Folders(archive_root / "packages")
    file = sqlite_path(resolved)
    if file is not None:
        if not file.is_file() or file.stat().st_size == 0:
            return _absent(archive_root, where, folders.paths())
        if integrity == "structural":
            problem = sqlite_shape(file)
        else:
            problem = sqlite_integrity(file, full=integrity == "full") if integrity != "none" else None
        if problem:
            return CatalogHealth(archive_root, where, "corrupt", f"the database fails its integrity check ({problem})")
    try:
        with Catalog(resolved, archive_root=archive_root, readonly=True, create=False) as catalog:
            if integrity == "structural" and _structurally_in_step(catalog, folders):
                return CatalogHealth(archive_root, where, "ok")
            registered = set(catalog._read(lambda db: db.execute(text(  # noqa: SLF001
                "SELECT path FROM packages WHERE status <> :missing"), {"missing": PACKAGE_MISSING}).scalars().all()))
    except ArchiveError as exc:
        if exc.reason == "catalog_missing":
            return _absent(archive_root, where, folders.paths())
        state = {"catalog_corrupt": "corrupt", "catalog_outdated": "outdated"}.get(exc.reason, "unreachable")
        return CatalogHealth(archive_root, where, state, str(exc).split(" (", 1)[0] if state != "corrupt" else str(exc))
    return _in_step(archive_root, where, folders, registered)


STRUCTURAL_COUNT_LIMIT = 20_000
"""Up to this many package folders the structural check counts them all (milliseconds); above, it only
checks that package versions are registered at all (a million folders take a second to list)."""


class _Folders:
    """The package folders: counted (up to a limit), or listed and sorted, only as a check needs them."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        if self._names is None:
            self._names = _folder_names(self.base)
        return self._names

    def paths(self) -> list[Path]:
        return sorted(self.base / name for name in self.names())

    def count_up_to(self, limit: int) -> int | None:
        """How many folders (hidden ones left out), or None when there are more than ``limit``."""
        if self._names is not None:
            return len(self._names) if len(self._names) <= limit else None
        found = 0
        try:
            with os.scandir(self.base) as entries:
                for entry in entries:
                    if not entry.name.startswith(".") and entry.is_dir():
                        found += 1
                        if found > limit:
                            return None
        except (FileNotFoundError, NotADirectoryError):
            return 0
        return found


def _structurally_in_step(catalog: Catalog, folders: _Folders) -> bool:
    """The cheap in-step signal: as many folders as registered package versions (an archive of up to
    :data:`STRUCTURAL_COUNT_LIMIT` folders), else some package version registered (a catalog recreated
    empty, or another archive's, is never taken for this one's)."""
    count = folders.count_up_to(STRUCTURAL_COUNT_LIMIT)
    if count is not None:
        return _counts_agree(catalog, count)
    return catalog._read(lambda db: db.execute(text(  # noqa: SLF001
        "SELECT 1 FROM packages WHERE status <> :missing LIMIT 1"), {"missing": PACKAGE_MISSING}).first()) is not None


def _absent(archive_root: Path, where: str, folders: list[Path]) -> CatalogHealth:
    """No catalog: a new archive, or a lost catalog when packages are there."""
    if not folders:
        return CatalogHealth(archive_root, where, "new")
    return CatalogHealth(archive_root, where, "missing", f"it is missing or empty while the archive holds "
                         f"{len(folders)} package folder(s)", tuple(_rel(archive_root, f) for f in folders))


def _in_step(archive_root: Path, where: str, folders: _Folders, registered: set[str]) -> CatalogHealth:
    """Compare the package folders with the registered package versions.

    Names are compared as strings; only a folder the catalog does not know is looked into (for its
    METS file), and only a registered one not listed is looked for: a million registered folders
    cost a listing and a set difference, not a million ``stat`` calls.
    """
    base = _rel(archive_root, folders.base)
    names = {f"{base}/{name}" for name in folders.names()}
    unknown = tuple(sorted(p for p in names - registered if (archive_root / p / ROOT_METS).exists()))
    lost = tuple(sorted(p for p in registered - names if not (archive_root / p).is_dir()))
    if not unknown and not lost:
        return CatalogHealth(archive_root, where, "ok")
    parts = []
    if unknown:
        parts.append(f"{len(unknown)} package folder(s) unknown to it ({_some(unknown)})")
    if lost:
        parts.append(f"{len(lost)} registered package folder(s) missing ({_some(lost)})")
    return CatalogHealth(archive_root, where, "out_of_step", "; ".join(parts), unknown, lost)


def sqlite_integrity(path: Path, *, full: bool = False) -> str | None:
    """None when the SQLite file passes ``quick_check`` (``integrity_check`` when ``full``), else why."""
    url = read_only_url(path)
    uri = f"{url.database}?" + "&".join(f"{k}={v}" for k, v in url.query.items() if k != "uri")
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            rows = db.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else f"{first}"[:200] + (f" and {len(rows) - 1} more" if len(rows) > 1 else "")


_SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_shape(path: Path) -> str | None:
    """None when the file looks like a whole SQLite database (magic, page size, size in whole pages), else why.

    Reads 100 bytes: what the structural check can afford at any size. The schema page is read
    when the catalog is then opened.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot read the file ({exc.strerror})"
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return "not a SQLite database header"
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return "invalid page size in the header"
    if size % page:
        return "the file is not a whole number of pages (truncated or extended)"
    return None


def _counts_agree(catalog: Catalog, folders: int) -> bool:
    """True when there are as many package folders as registered package rows (not lost): cheap at any size."""
    registered = catalog._read(lambda db: db.execute(text(  # noqa: SLF001
        "SELECT COUNT(*) FROM packages WHERE status <> :missing"), {"missing": PACKAGE_MISSING}).scalar_one())
    return registered == folders


def open_checked(archive_root: Path, url: str | URL | None = None, *, readonly: bool = False,
                 integrity: str = "quick", out_of_step_ok: bool = False) -> Catalog:
    """Open the archive's catalog for a command, after :func:`check_catalog` found it usable.

    An ``outdated`` catalog is upgraded first when the archive can be written (as any writing
    command would); on read-only media it is an error naming ``sohoa catalog upgrade``. With
    ``out_of_step_ok`` (backups, which report such packages themselves) only a missing, corrupt or
    unreachable catalog stops the command.

    Raises:
        ArchiveError: The catalog is new (no archive here), missing, corrupt, out of step or unreachable.
    """
    health = check_catalog(archive_root, url, integrity=integrity)
    if health.state == "outdated" and not _read_only_media(archive_root, url):
        Catalog.for_archive(archive_root, url, create=False).close()
        health = check_catalog(archive_root, url, integrity="none")
    if health.state == "new":
        raise ArchiveError(f"the archive has no catalog and no package yet ({health.where})", reason="catalog_missing",
                           message_vi="Kho lưu trữ chưa có danh mục và chưa có gói lưu trữ nào.")
    if not (out_of_step_ok and health.state == "out_of_step"):
        health.require()
    return Catalog.for_archive(archive_root, url, readonly=readonly, create=False)


def _read_only_media(archive_root: Path, url: str | URL | None) -> bool:
    """True when the archive's own catalog file cannot be written (read-only media)."""
    file = sqlite_path(resolve_url(archive_root, url))
    return file is not None and read_only_fs(file.parent)


def _rel(archive_root: Path, folder: Path) -> str:
    return folder.relative_to(archive_root).as_posix()


def _some(paths: tuple[str, ...]) -> str:
    shown_paths = ", ".join(paths[:SHOWN_PATHS])
    return shown_paths + (f" and {len(paths) - SHOWN_PATHS} more" if len(paths) > SHOWN_PATHS else "")
