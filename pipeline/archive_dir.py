"""Is a folder a sohoa archive, and making a new one: only when asked.

A typo in ``--archive`` (or a share that failed to mount) must not silently start a new, empty
archive beside the real one. Commands refuse a folder that is not an archive; a new archive is made
by ``sohoa archive init DIR`` or ``sohoa run --create``.
"""

from __future__ import annotations

from pathlib import Path

from sohoa.errors import ArchiveError
from sohoa.mounts import missing_mount

SUBFOLDERS = ("packages", "records", "quarantine", "reports", "logs")


def is_archive(folder: Path) -> bool:
    """True when ``folder`` holds a catalog (or names one) or archive packages."""
    from archive._catalog_db import has_catalog

    return folder.is_dir() and (has_catalog(folder) or (folder / "packages").is_dir())


def _unmounted(folder: Path) -> ArchiveError | None:
    mount = missing_mount(folder)
    if mount is None:
        return None
    return ArchiveError(f"{folder} lies on {mount}, which /etc/fstab lists but is not mounted",
                        reason="not_mounted",
                        message_vi=f"Ổ lưu trữ {mount} chưa được gắn (mount): kiểm tra ổ chia sẻ trước khi chạy.")


def require_archive(folder: Path) -> Path:
    """``folder``, which must be an archive.

    Raises:
        ArchiveError: It is missing, on a share that is not mounted, or not an archive (reason
            ``not_an_archive``: the message says how to make one).
    """
    problem = _unmounted(folder)
    if problem is not None:
        raise problem
    if not is_archive(folder):
        what = "does not exist" if not folder.exists() else "is not a sohoa archive (no catalog, no packages/)"
        raise ArchiveError(f"the archive folder {folder} {what}; to start a new archive there, run "
                           f"`sohoa archive init {folder}` or add --create", reason="not_an_archive",
                           message_vi=f"Thư mục {folder} không phải kho lưu trữ sohoa. Kiểm tra lại đường dẫn; "
                                      "nếu muốn tạo kho mới: `sohoa archive init` hoặc thêm --create.")
    return folder


def create_archive(folder: Path, *, catalog_url: str | None = None) -> bool:
    """Make ``folder`` an archive (its folders and its catalog); return False when it already was one.

    Raises:
        ArchiveError: The folder holds other things, is on a share that is not mounted, or cannot be
            written.
    """
    from archive import Catalog

    problem = _unmounted(folder)
    if problem is not None:
        raise problem
    if is_archive(folder):
        return False
    if folder.exists() and any(p.name not in {"lost+found"} for p in folder.iterdir()):
        raise ArchiveError(f"{folder} is not empty and not a sohoa archive: refusing to make an archive there",
                           reason="not_an_archive",
                           message_vi=f"Thư mục {folder} có dữ liệu khác và không phải kho lưu trữ: không tạo kho ở đây.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for sub in SUBFOLDERS:
            (folder / sub).mkdir(exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot create the archive folder {folder} ({exc.strerror})",
                           message_vi="Không tạo được thư mục lưu trữ.") from exc
    Catalog.for_archive(folder, catalog_url).close()
    return True
