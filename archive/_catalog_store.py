"""The catalog's database plumbing: opening SQLite or PostgreSQL, schema upgrade, transactions.

:class:`archive.catalog.Catalog` says what the catalog records; this says how it reaches its
database. Every database error becomes an :class:`ArchiveError` with the database's own one-line
message (and a Vietnamese one that says whether reading or writing failed), never the SQL
statement or its parameters (they may hold personal data), and URLs are shown without password.

A catalog opened ``readonly`` is never created, upgraded or written (a copy on read-only media can
be searched and audited); one opened with ``create=False`` must exist already: the commands that
read a catalog never make an empty one in place of a lost one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from archive import _catalog_migrate as migrate
from archive._catalog_db import (
    CATALOG_NAME,
    POINTER_NAME,
    BeginMode,
    make_engine,
    parse_url,
    shown,
    sqlite_path,
)
from archive._catalog_search import index_for
from sohoa.errors import ArchiveError

T = TypeVar("T")
_COUNTED = frozenset({"dossiers", "packages", "events", "archive_events", "disposals", "disposal_decisions",
                      "backup_targets", "backup_copies"})


class CatalogStore:
    """One open connection to a catalog database, with its schema current."""

    def __init__(self, target: Path | str | URL, *, archive_root: Path | None = None, readonly: bool = False,
                 create: bool = True) -> None:
        """Open (creating or upgrading if needed and allowed) the catalog at ``target``.

        Args:
            target: A SQLite file (normally ``<archive>/catalog.sqlite``) or a database URL.
            archive_root: The archive folder package paths are relative to; by default the
                SQLite file's folder (required for another database).
            readonly: Open for reading only: never create, upgrade or write.
            create: Create the catalog (file and tables) when there is none; when False a missing
                catalog is an error (``catalog_missing``).

        Raises:
            ArchiveError: The database cannot be created or opened, is missing (``catalog_missing``),
                needs an upgrade while read-only (``catalog_outdated``), was made by a newer sohoa,
                or ``target`` is an archive's SQLite file while that archive's catalog is elsewhere
                (``catalog.url``).
        """
        if isinstance(target, Path):
            if target.name == CATALOG_NAME and (target.parent / POINTER_NAME).is_file():
                raise ArchiveError(f"this archive's catalog is not {CATALOG_NAME}: it is named in {POINTER_NAME}",
                                   reason="catalog_elsewhere", message_vi=f"Danh mục của kho lưu trữ này ghi "
                                                                          f"trong {POINTER_NAME}.")
            url = URL.create("sqlite", database=str(target))
        else:
            url = parse_url(target)
        file = sqlite_path(url)
        if archive_root is None and file is None:
            raise ArchiveError("a catalog database outside the archive needs the archive folder",
                               reason="catalog_failed", message_vi="Cần thư mục kho lưu trữ của danh mục.")
        self.url = url
        self.archive_root = archive_root or file.parent  # type: ignore[union-attr]
        self.readonly = readonly
        self._mode = BeginMode()
        self._conn: Connection | None = None
        if file is not None and (readonly or not create) and not _usable_file(file):
            raise missing_error(shown(url))
        try:
            self._engine = make_engine(url, self._mode, readonly=readonly)
            self._conn = self._engine.connect()
            self.dialect = self._conn.dialect.name
            self._search = index_for(self.dialect)
            self._ensure_schema(create=create and not readonly)
        except (OSError, SQLAlchemyError) as exc:
            self.close()
            damaged = _read_error(exc)
            if damaged.reason == "catalog_corrupt":
                raise damaged from exc
            raise ArchiveError(f"cannot open the archive catalog {shown(url)} ({_why(exc)})",
                               reason="catalog_failed", message_vi=_OPEN_VI) from exc
        except ArchiveError:
            self.close()
            raise

    def _ensure_schema(self, *, create: bool) -> None:
        """Create or upgrade the schema when it is not current (no DDL otherwise)."""
        current = self._read(migrate.revision)
        if current == migrate.head():
            return
        if not migrate.is_known(current):
            raise ArchiveError("the catalog was made by a newer sohoa; upgrade sohoa", reason="catalog_failed",
                               message_vi="Danh mục do phiên bản sohoa mới hơn tạo ra; hãy nâng cấp sohoa.")
        if current is None and not create:
            raise missing_error(shown(self.url))
        if self.readonly:
            raise ArchiveError("the catalog's schema is older than this sohoa and cannot be upgraded read-only: "
                               "run `sohoa catalog upgrade --archive DIR` where it can be written",
                               reason="catalog_outdated",
                               message_vi="Danh mục cần nâng cấp cấu trúc; hãy chạy `sohoa catalog upgrade` "
                                          "trên kho lưu trữ ghi được.")
        with self.transaction() as db:
            migrate.lock(db)
            if migrate.revision(db) != migrate.head():
                migrate.upgrade(db)

    def count(self, table: str = "dossiers") -> int:
        """How many rows ``table`` (one of the catalog's tables) holds."""
        if table not in _COUNTED:
            raise ValueError(table)
        return self._read(lambda db: db.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())

    def rebuild_search_index(self, db: Connection) -> None:
        """Index every stored search text again (after rows were copied in), inside ``db``'s transaction."""
        self._search.rebuild(db)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction (SQLite: ``BEGIN IMMEDIATE``); database errors become ArchiveError."""
        conn = self._connection()
        if conn.in_transaction():
            yield conn
            return
        if self.readonly:
            raise ArchiveError("the catalog was opened read-only", reason="catalog_read_only",
                               message_vi="Danh mục đang mở chỉ để đọc.")
        self._mode.write = True
        try:
            with conn.begin():
                self._mode.write = False
                yield conn
        except SQLAlchemyError as exc:
            raise ArchiveError(f"cannot write the archive catalog ({_why(exc)})", reason="catalog_failed",
                               message_vi="Không ghi được vào danh mục lưu trữ.") from exc
        finally:
            self._mode.write = False

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction that sees one consistent state of the whole catalog."""
        conn = self._engine.connect()
        try:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise _read_error(exc) from exc
        finally:
            conn.close()

    def _rows(self, sql: str, **params: object) -> list[dict]:
        """The rows of one query, as dicts."""
        return self._read(lambda db: [dict(r) for r in db.execute(text(sql), params).mappings()])

    def _read(self, read: Callable[[Connection], T]) -> T:
        """Run ``read(connection)`` in a short read transaction (or the current one)."""
        conn = self._connection()
        if conn.in_transaction():
            return read(conn)
        try:
            with conn.begin():
                return read(conn)
        except SQLAlchemyError as exc:
            raise _read_error(exc) from exc

    def _connection(self) -> Connection:
        if self._conn is None:
            raise ArchiveError("the archive catalog is closed", reason="catalog_failed",
                               message_vi="Danh mục lưu trữ đã đóng.")
        return self._conn

    def raw_sqlite(self) -> sqlite3.Connection:
        """The DB-API connection of a SQLite catalog (online backup, integrity checks)."""
        return self._connection().connection.dbapi_connection  # type: ignore[return-value]

    def close(self) -> None:
        """Close the database connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        with contextlib.suppress(AttributeError):
            self._engine.dispose()

    def __enter__(self) -> Self:
        """Use the catalog in a ``with`` block."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the catalog at the end of the ``with`` block."""
        self.close()


_OPEN_VI = "Không mở được danh mục lưu trữ (cơ sở dữ liệu)."
REBUILD_HINT = "`sohoa catalog rebuild --archive DIR`"


def missing_error(where: str) -> ArchiveError:
    """The error for a catalog that is not there (never replaced by an empty one)."""
    return ArchiveError(f"the archive catalog {where} is missing or empty; rebuild it from the packages with "
                        f"{REBUILD_HINT} (or restore it with `sohoa backup --restore-from`)",
                        reason="catalog_missing",
                        message_vi="Không có danh mục lưu trữ (cơ sở dữ liệu bị mất hoặc trống). Hãy dựng lại "
                                   f"danh mục từ các gói lưu trữ: {REBUILD_HINT}.")


def _usable_file(path: Path) -> bool:
    """True when ``path`` is a non-empty file (SQLite would treat anything else as a new database)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _read_error(exc: BaseException) -> ArchiveError:
    """A read failure: a damaged catalog names the fix; never "cannot write"."""
    why = _why(exc)
    if any(sign in why for sign in ("malformed", "not a database", "corrupt", "disk image")):
        return ArchiveError(f"the archive catalog is damaged ({why}); rebuild it with {REBUILD_HINT}",
                            reason="catalog_corrupt",
                            message_vi=f"Danh mục lưu trữ bị hỏng. Hãy dựng lại danh mục: {REBUILD_HINT}.")
    return ArchiveError(f"cannot read the archive catalog ({why})", reason="catalog_failed",
                        message_vi="Không đọc được danh mục lưu trữ.")


def catalog_ok(path: Path) -> bool:
    """True when ``path`` is a readable SQLite catalog that passes ``PRAGMA integrity_check``."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return ok and db.execute("SELECT COUNT(*) FROM dossiers").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return False


def _why(exc: BaseException) -> str:
    """The database's own error, one line: never the SQL statement or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first}"[:300]
