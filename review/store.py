"""The verification station's own tables, beside the catalog's in the same database (contract C8).

Users, sessions, failed logins, field leases, per-dossier locks and the review index (each
flagged field's status) are defined here on their own SQLAlchemy ``MetaData`` and created with
``create_all(checkfirst=True)`` on the archive's catalog database — its SQLite file or PostgreSQL —
so one backup holds both, and several station processes (or machines) share them. The lead folds
them into the catalog's migrations at merge.

Writes on SQLite begin with ``BEGIN IMMEDIATE`` (the write lock up front, as the catalog does), so
two writers queue instead of failing on a lock upgrade; PostgreSQL needs nothing special.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from archive._catalog_db import SQLITE_BUSY_SECONDS, create_private_file, resolve_url, sqlite_path
from sohoa.errors import ArchiveError

metadata = MetaData()

users = Table(
    "review_users", metadata,
    Column("name", Text, primary_key=True), Column("role", Text, nullable=False),
    Column("password_hash", Text), Column("enabled", Integer, nullable=False),
    Column("created_at", Text, nullable=False), Column("updated_at", Text, nullable=False),
)
sessions = Table(
    "review_sessions", metadata,
    Column("token_hash", Text, primary_key=True), Column("user_name", Text, nullable=False),
    Column("csrf", Text, nullable=False), Column("created", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Index("review_sessions_user", "user_name"),
)
login_failures = Table(
    "review_login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True), Column("key", Text, nullable=False),
    Column("at", Float, nullable=False),
    Index("review_login_failures_key", "key", "at"),
)
leases = Table(
    "review_leases", metadata,
    Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
    Column("holder", Text, nullable=False), Column("expires", Float, nullable=False),
    Index("review_leases_holder", "holder"),
)
locks = Table(
    "review_locks", metadata,
    Column("dossier_id", Text, primary_key=True), Column("holder", Text, nullable=False),
    Column("expires", Float, nullable=False),
)
items = Table(
    "review_items", metadata,
    Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
    Column("ord", Integer, nullable=False), Column("code", Text, nullable=False), Column("source", Text),
    Column("form_type", Text), Column("run", Text), Column("ingested_at", Text, nullable=False),
    Column("reason", Text), Column("page", Integer), Column("box", Text),
    Column("flagged", Integer, nullable=False), Column("status", Text, nullable=False),
    Column("reviewed_by", Text), Column("reviewed_at", Text),
    Index("review_items_queue", "status", "flagged", "ingested_at", "dossier_id", "ord"),
    Index("review_items_code", "code"), Index("review_items_reviewer", "reviewed_by"),
)
meta = Table(
    "review_meta", metadata,
    Column("key", Text, primary_key=True), Column("value", Text, nullable=False),
)


class Store:
    """The station's tables in the archive's catalog database."""

    def __init__(self, archive_root: Path, catalog_url: str | None = None) -> None:
        """Open the database the archive's catalog lives in and create the station's tables if missing.

        Raises:
            ArchiveError: The database cannot be opened or written.
        """
        url = resolve_url(archive_root, catalog_url)
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            path = sqlite_path(url)
            if path is not None and str(path) != ":memory:":
                create_private_file(path)
            self.engine: Engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                                                connect_args={"timeout": SQLITE_BUSY_SECONDS})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                                        connect_args={"application_name": "sohoa-review", "connect_timeout": 15})
        try:
            with self.write() as db:
                metadata.create_all(db, checkfirst=True)
        except ArchiveError:
            self.engine.dispose()
            raise

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
