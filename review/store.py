"""The verification station's connection to its tables, which are the catalog's (contract C8).

Users, sessions, failed logins, field leases, per-dossier locks and the review index (each
flagged field's status) are tables of the archive's catalog — its SQLite file or PostgreSQL —
defined in :mod:`archive._catalog_schema` and made by the catalog's migrations (``0004``), so one
backup holds both and several station processes (or machines) share them. Opening the store
opens the catalog first: a catalog of an older schema is upgraded then, and a missing or damaged
one is an error naming the fix (never an empty catalog in place of a lost one).

Writes on SQLite begin with ``BEGIN IMMEDIATE`` (the write lock up front, as the catalog does), so
two writers queue instead of failing on a lock upgrade; PostgreSQL needs nothing special.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from archive._catalog_db import SQLITE_BUSY_SECONDS, resolve_url
from archive._catalog_schema import review_items as items
from archive._catalog_schema import review_leases as leases
from archive._catalog_schema import review_login_failures as login_failures
from archive._catalog_schema import review_meta as meta
from archive._catalog_schema import review_sessions as sessions
from archive._catalog_schema import review_users as users
from archive.catalog import Catalog
from archive.catalog_health import check_catalog
from sohoa.errors import ArchiveError

__all__ = ["Store", "items", "leases", "login_failures", "meta", "sessions", "users"]


class Store:
    """The station's tables in the archive's catalog database."""

    def __init__(self, archive_root: Path, catalog_url: str | None = None) -> None:
        """Open the archive's catalog (creating a new archive's, upgrading an older one) and its database.

        Raises:
            ArchiveError: The catalog is missing while the archive holds packages, damaged or
                unreachable (the message names the fix), or the database cannot be opened.
        """
        health = check_catalog(archive_root, catalog_url, integrity="none")
        if health.state in ("missing", "corrupt", "unreachable"):
            raise health.error()
        Catalog.for_archive(archive_root, catalog_url).close()  # the schema is current from here on
        url = resolve_url(archive_root, catalog_url)
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            self.engine: Engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                                                connect_args={"timeout": SQLITE_BUSY_SECONDS})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                                        connect_args={"application_name": "sohoa-review", "connect_timeout": 15})

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; database errors become :class:`ArchiveError` (no SQL, no values)."""
        try:
            with self.engine.connect() as conn:
                conn.info["write"] = True
                try:
                    with conn.begin():
                        yield conn
                finally:
                    conn.info["write"] = False
        except SQLAlchemyError as exc:
            raise _db_error(exc) from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise _db_error(exc) from exc

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Transactions begun by us; WAL like the catalog."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for a write transaction, plain ``BEGIN`` for a read."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def _db_error(exc: SQLAlchemyError) -> ArchiveError:
    """The database's one-line error, never the statement or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return ArchiveError(f"verification station database error ({type(orig).__name__}: {first[:200]})",
                        reason="catalog_failed")
