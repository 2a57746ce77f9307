"""The catalog's tables as the current code reads and writes them (SQLAlchemy Core, the same for
SQLite and PostgreSQL), and the append-only guards both databases enforce.

The tables here describe the *newest* schema; how a database gets there is the Alembic migration
chain in ``archive/migrations/versions`` (:mod:`archive._catalog_migrate` runs it). A migration
never imports these tables: it writes the DDL of its own step, so a later change here cannot
change what an old step did.

Triggers keep the audit trails (dossier events, archive events, disposal records and decisions)
append-only and forbid deleting a dossier or a package row, in both databases (PostgreSQL also
refuses TRUNCATE): the catalog remembers everything that was ever archived. The search index is
derived data: an FTS5 table in SQLite, a ``tsvector`` column with a GIN index in PostgreSQL
(``archive._catalog_search``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, Table, Text, text

SCHEMA_VERSION = 5
"""Kept in ``catalog_meta`` for older sohoa releases, which refuse a catalog newer than they know.
1: the first SQLite-only layout; 2: SQLAlchemy, SQLite or PostgreSQL; 3: Alembic, dossier codes;
4: the verification station's tables; 5: documents per dossier and the CCCD index."""

STATUS_ACTIVE, STATUS_REVIEW, STATUS_DISPOSED = "active", "review", "disposed"
"""Dossier status: kept; on the "Xem xét hủy" list (retention ended); content destroyed."""
PACKAGE_MISSING = "missing"
"""Package status of a version whose folder was lost and could not be restored (recorded, never deleted)."""

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
    Column("code", Text), Column("title", Text), Column("source", Text),
    Column("start_date", Text), Column("end_date", Text), Column("sheets", Integer),
    Index("dossiers_form_type", "form_type"), Index("dossiers_review_year", "review_year"),
    Index("dossiers_package", "package"), Index("dossiers_retention_end", "retention_end"),
    Index("dossiers_code", "code", unique=True),
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
disposal_decisions = Table(
    "disposal_decisions", metadata, _seq(),
    Column("decision", Text, nullable=False), Column("decision_date", Text),
    Column("council", Text, nullable=False), Column("operator", Text, nullable=False),
    Column("executed_at", Text, nullable=False), Column("dossiers", Integer, nullable=False),
    sqlite_autoincrement=True,
)
archive_events = Table(
    "archive_events", metadata, _seq(),
    Column("event_type", Text, nullable=False), Column("time", Text, nullable=False),
    Column("outcome", Text, nullable=False), Column("detail", Text, nullable=False),
    Column("agent", Text, nullable=False),
    sqlite_autoincrement=True,
)
backup_targets = Table(
    "backup_targets", metadata,
    Column("target_id", Text, primary_key=True), Column("path", Text, nullable=False),
    Column("device", Text, nullable=False), Column("first_seen", Text, nullable=False),
    Column("last_verified_at", Text), Column("last_outcome", Text),
)
backup_copies = Table(
    "backup_copies", metadata,
    Column("target_id", Text, primary_key=True), Column("objid", Text, primary_key=True),
    Column("verified_at", Text, nullable=False),
    Index("backup_copies_objid", "objid"),
)
catalog_meta = Table(
    "catalog_meta", metadata,
    Column("key", Text, primary_key=True), Column("value", Text, nullable=False),
)

# The verification station's tables (``sohoa review``; migration 0004): its accounts, their sessions and
# failed logins, the leases that keep two people off one field, the per-dossier locks that serialise
# changes to a dossier (every writer of a new package version takes one), and the review index.
review_users = Table(
    "review_users", metadata,
    Column("name", Text, primary_key=True), Column("role", Text, nullable=False),
    Column("password_hash", Text), Column("enabled", Integer, nullable=False),
    Column("created_at", Text, nullable=False), Column("updated_at", Text, nullable=False),
)
review_sessions = Table(
    "review_sessions", metadata,
    Column("token_hash", Text, primary_key=True), Column("user_name", Text, nullable=False),
    Column("csrf", Text, nullable=False), Column("created", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Index("review_sessions_user", "user_name"),
)
review_login_failures = Table(
    "review_login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True), Column("key", Text, nullable=False),
    Column("at", Float, nullable=False),
    Index("review_login_failures_key", "key", "at"),
)
review_leases = Table(
    "review_leases", metadata,
    Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
    Column("holder", Text, nullable=False), Column("expires", Float, nullable=False),
    Index("review_leases_holder", "holder"),
)
review_locks = Table(
    "review_locks", metadata,
    Column("dossier_id", Text, primary_key=True), Column("holder", Text, nullable=False),
    Column("expires", Float, nullable=False),
)
review_items = Table(
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
review_meta = Table(
    "review_meta", metadata,
    Column("key", Text, primary_key=True), Column("value", Text, nullable=False),
)
TRANSIENT_TABLES = (review_sessions, review_login_failures, review_leases, review_locks)
"""Station rows that live minutes to hours: never carried into a copy of the catalog (a moved or restored
catalog starts with no session, lease or lock). ``review_items`` and ``review_meta`` are not carried
either: the station rebuilds its review index from the dossiers' records."""

DATA_TABLES = (dossiers, packages, package_files, events, archive_events, disposals, disposal_decisions,
               backup_targets, backup_copies, search_text, review_users)
"""Tables whose rows a catalog copy carries (``catalog_meta`` and the migration record belong to each
database): the station's accounts go with the archive's data, so moving the catalog to PostgreSQL or
restoring it from a backup keeps them."""

def sqlite_guards(guards: tuple[tuple[str, tuple[str, ...], str], ...]) -> list[str]:
    """One ``RAISE(ABORT)`` trigger per table and operation (names kept from version 1)."""
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for table, ops, message in guards for op in ops]


def postgresql_guards(guards: tuple[tuple[str, tuple[str, ...], str], ...]) -> list[str]:
    """A refusing trigger function, row triggers per operation, and a TRUNCATE trigger per table."""
    statements = [("CREATE OR REPLACE FUNCTION sohoa_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END $$")]
    for table, ops, message in guards:
        for op, level in [*((o, "ROW") for o in ops), ("TRUNCATE", "STATEMENT")]:
            name = f"{table}_no_{op.lower()}"
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                           (f"CREATE TRIGGER {name} BEFORE {op} ON {table} FOR EACH {level} "
                            f"EXECUTE FUNCTION sohoa_refuse('{message}')")]
    return statements


def guards_for(dialect: str, guards: tuple[tuple[str, tuple[str, ...], str], ...]) -> list[str]:
    """The guard DDL of ``guards`` for a dialect."""
    return postgresql_guards(guards) if dialect == "postgresql" else sqlite_guards(guards)


# What each dossier holds, for the digitization rates and the look-up by CCCD (migration 0005; derived
# from each dossier's record by ``archive.kpi_index``, like the search index).
dossier_documents = Table(
    "dossier_documents", metadata,
    Column("dossier_id", Text, primary_key=True), Column("ordinal", Integer, primary_key=True),
    Column("kind", Text, nullable=False), Column("type", Text), Column("type_code", Text), Column("type_name", Text),
    Column("issued", Text), Column("file", Integer, nullable=False), Column("signature_level", Text),
    Column("certified", Integer),
    Index("dossier_documents_kind", "dossier_id", "kind"),
)
person_index = Table(
    "person_index", metadata,
    Column("cccd", Text, primary_key=True), Column("dossier_id", Text, primary_key=True),
    Column("field", Text, primary_key=True), Column("role", Text, nullable=False), Column("document", Integer),
    Column("checked", Integer, nullable=False),
    Index("person_index_dossier", "dossier_id"),
)
dossiers.append_column(Column("kinds", Integer))  # bits: 1 a component, 2 a result, 4 another document
Index("dossiers_code_kinds", dossiers.c.code, dossiers.c.kinds)
Index("dossiers_start_date", dossiers.c.start_date, dossiers.c.code, dossiers.c.kinds)
DATA_TABLES = (*DATA_TABLES, dossier_documents, person_index)
