"""The catalog's tables (SQLAlchemy Core, the same for SQLite and PostgreSQL), its append-only
triggers and search index for each dialect, and the in-place upgrade of older catalogs.

Triggers keep the audit trails (dossier events, archive events, disposal records) append-only and
forbid deleting a dossier or a package row, in both databases (PostgreSQL also refuses TRUNCATE):
the catalog remembers everything that was ever archived. The search index is derived data:
an FTS5 table in SQLite, a ``tsvector`` column with a GIN index in PostgreSQL
(``archive._catalog_search``).

The schema version is kept in ``catalog_meta``. Opening a current catalog runs no DDL, so a
PostgreSQL role with data rights only can use it; an older or new one is upgraded under a lock
(SQLite's write lock, a PostgreSQL advisory lock), so several workers starting at once do not race.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    inspect,
    text,
)

SCHEMA_VERSION = 2
"""1: the first SQLite-only layout (no ``catalog_meta``); 2: SQLAlchemy, SQLite or PostgreSQL."""
_LOCK_KEY = 0x50_48_4F_41  # "SOHOA"-ish: the advisory lock the PostgreSQL upgrade holds

metadata = MetaData()
_SEQ = BigInteger().with_variant(Integer, "sqlite")  # SQLite's rowid alias must be INTEGER exactly


def _seq() -> Column:
    """An ever-growing key: ``INTEGER PRIMARY KEY AUTOINCREMENT`` / ``BIGSERIAL``."""
    return Column("seq", _SEQ, primary_key=True, autoincrement=True)


dossiers = Table(
    "dossiers", metadata,
    Column("dossier_id", Text, primary_key=True),
    Column("form_type", Text), Column("package", Text), Column("pdf", Text),
    Column("maintenance", Text), Column("retention_years", Integer), Column("retention_basis", Text),
    Column("retention_confirmed", Integer), Column("review_year", Integer),
    Column("record_json", Text, nullable=False),
    Column("created_at", Text, nullable=False), Column("updated_at", Text, nullable=False),
    Column("end_year", Integer), Column("retention_end", Text),
    Column("hold", Integer, nullable=False, server_default=text("0")), Column("hold_reason", Text),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Index("dossiers_form_type", "form_type"), Index("dossiers_review_year", "review_year"),
    Index("dossiers_package", "package"), Index("dossiers_retention_end", "retention_end"),
)
events = Table(
    "events", metadata, _seq(),
    Column("dossier_id", Text, nullable=False), Column("event_type", Text, nullable=False),
    Column("time", Text, nullable=False), Column("outcome", Text, nullable=False),
    Column("detail", Text, nullable=False), Column("agent", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
    Index("events_dossier", "dossier_id", "seq"),
    sqlite_autoincrement=True,
)
packages = Table(
    "packages", metadata,
    Column("objid", Text, primary_key=True), Column("dossier_id", Text, nullable=False),
    Column("version", Integer, nullable=False), Column("path", Text, nullable=False, unique=True),
    Column("mets_sha256", Text, nullable=False), Column("status", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("packages_dossier", "dossier_id", "version"),
)
package_files = Table(
    "package_files", metadata,
    Column("objid", Text, primary_key=True), Column("path", Text, primary_key=True),
    Column("size", BigInteger), Column("sha256", Text),
)
search_text = Table(
    "search_text", metadata,
    Column("id", _SEQ, primary_key=True, autoincrement=True),
    Column("dossier_id", Text, nullable=False), Column("page", Integer), Column("field", Text),
    Column("text", Text, nullable=False),
    Index("search_text_dossier", "dossier_id"),
)
disposals = Table(
    "disposals", metadata, _seq(),
    Column("decision", Text, nullable=False), Column("executed_at", Text, nullable=False),
    Column("operator", Text, nullable=False), Column("dossier_id", Text, nullable=False),
    Column("objid", Text, nullable=False), Column("path", Text, nullable=False),
    Column("size", BigInteger), Column("sha256", Text),
    Index("disposals_dossier", "dossier_id"),
    sqlite_autoincrement=True,
)
archive_events = Table(
    "archive_events", metadata, _seq(),
    Column("event_type", Text, nullable=False), Column("time", Text, nullable=False),
    Column("outcome", Text, nullable=False), Column("detail", Text, nullable=False),
    Column("agent", Text, nullable=False),
    sqlite_autoincrement=True,
)
catalog_meta = Table(
    "catalog_meta", metadata,
    Column("key", Text, primary_key=True), Column("value", Text, nullable=False),
)

DATA_TABLES = (dossiers, packages, package_files, events, archive_events, disposals, search_text)
"""Tables whose rows a catalog copy carries (``catalog_meta`` belongs to each database)."""

_GUARDS = (  # table, operations refused, message
    ("events", ("UPDATE", "DELETE"), "the audit trail is append-only"),
    ("archive_events", ("UPDATE", "DELETE"), "the audit trail is append-only"),
    ("disposals", ("UPDATE", "DELETE"), "disposal records are append-only"),
    ("dossiers", ("DELETE",), "the catalog never deletes a dossier"),
    ("packages", ("DELETE",), "the catalog never deletes a package"),
)


def _sqlite_guards() -> list[str]:
    """One ``RAISE(ABORT)`` trigger per table and operation (names kept from version 1)."""
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for table, ops, message in _GUARDS for op in ops]


def _postgresql_guards() -> list[str]:
    """A refusing trigger function, row triggers per operation, and a TRUNCATE trigger per table."""
    statements = [("CREATE OR REPLACE FUNCTION sohoa_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END $$")]
    for table, ops, message in _GUARDS:
        for op, level in [*((o, "ROW") for o in ops), ("TRUNCATE", "STATEMENT")]:
            name = f"{table}_no_{op.lower()}"
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                           (f"CREATE TRIGGER {name} BEFORE {op} ON {table} FOR EACH {level} "
                            f"EXECUTE FUNCTION sohoa_refuse('{message}')")]
    return statements


def schema_version(conn: Connection) -> int:
    """The catalog's schema version: 0 for an empty database, 1 for a first-release SQLite catalog."""
    if not inspect(conn).has_table("catalog_meta"):
        return 1 if inspect(conn).has_table("dossiers") else 0
    value = conn.execute(text("SELECT value FROM catalog_meta WHERE key = 'schema_version'")).scalar()
    return int(value) if value is not None else 0


def lock_for_upgrade(conn: Connection) -> None:
    """Serialise schema upgrades between processes (SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def upgrade(conn: Connection, search_ddl: tuple[str, ...]) -> None:
    """Create missing tables, columns, indexes, triggers and the search index; record the version.

    Runs inside the caller's write transaction, after :func:`lock_for_upgrade`.
    """
    metadata.create_all(conn, checkfirst=True)
    present = {c["name"] for c in inspect(conn).get_columns("dossiers")}
    for column in dossiers.columns:
        if column.name not in present:  # columns added after the first release
            decl = column.type.compile(conn.dialect)
            default = f" DEFAULT {column.server_default.arg.text}" if column.server_default is not None else ""
            null = " NOT NULL" if not column.nullable else ""
            conn.execute(text(f"ALTER TABLE dossiers ADD COLUMN {column.name} {decl}{null}{default}"))
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    guards = _postgresql_guards() if conn.dialect.name == "postgresql" else _sqlite_guards()
    for statement in [*guards, *search_ddl]:
        conn.execute(text(statement))
    conn.execute(text("DELETE FROM catalog_meta WHERE key = 'schema_version'"))
    conn.execute(catalog_meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
