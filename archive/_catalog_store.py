"""The catalog's database plumbing: opening SQLite or PostgreSQL, schema upgrade, transactions.

:class:`archive.catalog.Catalog` says what the catalog records; this says how it reaches its
database. Every database error becomes an :class:`ArchiveError` with the database's own one-line
message, never the SQL statement or its parameters (they may hold personal data), and URLs are
shown without password.
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

from archive._catalog_db import (
    CATALOG_NAME,
    POINTER_NAME,
    BeginMode,
    create_private_file,
    make_engine,
    parse_url,
    shown,
    sqlite_path,
)
from archive._catalog_schema import SCHEMA_VERSION, lock_for_upgrade, schema_version, upgrade
from archive._catalog_search import index_for
from sohoa.errors import ArchiveError

T = TypeVar("T")
_COUNTED = frozenset({"dossiers", "packages", "events", "archive_events", "disposals"})


class CatalogStore:
    """One open connection to a catalog database, with its schema current."""

    def __init__(self, target: Path | str | URL, *, archive_root: Path | None = None) -> None:
        """Open (creating or upgrading if needed) the catalog at ``target``.

        Args:
            target: A SQLite file (normally ``<archive>/catalog.sqlite``) or a database URL.
            archive_root: The archive folder package paths are relative to; by default the
                SQLite file's folder (required for another database).

        Raises:
            ArchiveError: The database cannot be created or opened, or ``target`` is an archive's
                SQLite file while that archive's catalog is elsewhere (``catalog.url``).
        """
        if isinstance(target, Path):
            if target.name == CATALOG_NAME and (target.parent / POINTER_NAME).is_file():
                raise ArchiveError(f"this archive's catalog is not {CATALOG_NAME}: it is named in {POINTER_NAME}",
                                   reason="catalog_elsewhere")
            url = URL.create("sqlite", database=str(target))
        else:
            url = parse_url(target)
        file = sqlite_path(url)
        if archive_root is None and file is None:
            raise ArchiveError("a catalog database outside the archive needs the archive folder",
                               reason="catalog_failed")
        self.url = url
        self.archive_root = archive_root or file.parent  # type: ignore[union-attr]
        self._mode = BeginMode()
        self._conn: Connection | None = None
        try:
            self._engine = make_engine(url, self._mode)
            self._conn = self._engine.connect()
            self.dialect = self._conn.dialect.name
            self._search = index_for(self.dialect)
            self._ensure_schema()
        except (OSError, SQLAlchemyError) as exc:
            self.close()
            raise ArchiveError(f"cannot open the archive catalog {shown(url)} ({_why(exc)})",
                               reason="catalog_failed") from exc
        except ArchiveError:
            self.close()
            raise

    def _ensure_schema(self) -> None:
        """Create or upgrade the schema when it is not current (no DDL otherwise)."""
        version = self._read(schema_version)
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise ArchiveError("the catalog was made by a newer sohoa; upgrade sohoa", reason="catalog_failed")
        with self.transaction() as db:
            lock_for_upgrade(db)
            if schema_version(db) != SCHEMA_VERSION:
                upgrade(db, self._search.ddl)

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
        self._mode.write = True
        try:
            with conn.begin():
                self._mode.write = False
                yield conn
        except SQLAlchemyError as exc:
            raise ArchiveError(f"cannot write the archive catalog ({_why(exc)})", reason="catalog_failed") from exc
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
            raise ArchiveError(f"cannot read the archive catalog ({_why(exc)})", reason="catalog_failed") from exc
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
            raise ArchiveError(f"cannot read the archive catalog ({_why(exc)})", reason="catalog_failed") from exc

    def _connection(self) -> Connection:
        if self._conn is None:
            raise ArchiveError("the archive catalog is closed", reason="catalog_failed")
        return self._conn

    def backup_to(self, path: Path) -> None:
        """Write a consistent copy of the catalog to the SQLite file ``path``, mode 0640.

        A SQLite catalog is copied with SQLite's online backup; another database's rows are
        copied from one snapshot into a new SQLite catalog (:func:`archive.catalog_copy.copy_catalog`).
        """
        path.unlink(missing_ok=True)
        if self.dialect != "sqlite":
            from archive.catalog_copy import copy_catalog

            with type(self)(path, archive_root=path.parent) as target:
                copy_catalog(self, target)
            return
        create_private_file(path)
        target = sqlite3.connect(path)
        try:
            self._connection().connection.dbapi_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()

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
