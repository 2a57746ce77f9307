"""Schema version 2: the catalog as sohoa released it before Alembic (SQLite or PostgreSQL).

An empty database gets the whole layout. A first-release SQLite catalog (schema version 1: no
``catalog_meta``, fewer ``dossiers`` columns, no guards on some tables) is completed in place.
A catalog already at version 2 is not run through this step: :mod:`archive._catalog_migrate`
records it as done (``alembic stamp``) and goes on from here.

Revision ID: 0002
Revises: (none)
"""

from __future__ import annotations

from alembic import op
from alembic.util import CommandError
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text, inspect, text

revision = "0002"
down_revision = None
branch_labels = None
depends_on = None

_meta = MetaData()
_SEQ = BigInteger().with_variant(Integer, "sqlite")


def _seq() -> Column:
    return Column("seq", _SEQ, primary_key=True, autoincrement=True)


_dossiers = Table(
    "dossiers", _meta,
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
Table("events", _meta, _seq(),
      Column("dossier_id", Text, nullable=False), Column("event_type", Text, nullable=False),
      Column("time", Text, nullable=False), Column("outcome", Text, nullable=False),
      Column("detail", Text, nullable=False), Column("agent", Text, nullable=False),
      Column("recorded_at", Text, nullable=False),
      Index("events_dossier", "dossier_id", "seq"), sqlite_autoincrement=True)
Table("packages", _meta,
      Column("objid", Text, primary_key=True), Column("dossier_id", Text, nullable=False),
      Column("version", Integer, nullable=False), Column("path", Text, nullable=False, unique=True),
      Column("mets_sha256", Text, nullable=False), Column("status", Text, nullable=False),
      Column("created_at", Text, nullable=False),
      Index("packages_dossier", "dossier_id", "version"))
Table("package_files", _meta,
      Column("objid", Text, primary_key=True), Column("path", Text, primary_key=True),
      Column("size", BigInteger), Column("sha256", Text))
Table("search_text", _meta,
      Column("id", _SEQ, primary_key=True, autoincrement=True),
      Column("dossier_id", Text, nullable=False), Column("page", Integer), Column("field", Text),
      Column("text", Text, nullable=False),
      Index("search_text_dossier", "dossier_id"))
Table("disposals", _meta, _seq(),
      Column("decision", Text, nullable=False), Column("executed_at", Text, nullable=False),
      Column("operator", Text, nullable=False), Column("dossier_id", Text, nullable=False),
      Column("objid", Text, nullable=False), Column("path", Text, nullable=False),
      Column("size", BigInteger), Column("sha256", Text),
      Index("disposals_dossier", "dossier_id"), sqlite_autoincrement=True)
Table("archive_events", _meta, _seq(),
      Column("event_type", Text, nullable=False), Column("time", Text, nullable=False),
      Column("outcome", Text, nullable=False), Column("detail", Text, nullable=False),
      Column("agent", Text, nullable=False), sqlite_autoincrement=True)
Table("catalog_meta", _meta, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))

_GUARDS = (
    ("events", ("UPDATE", "DELETE"), "the audit trail is append-only"),
    ("archive_events", ("UPDATE", "DELETE"), "the audit trail is append-only"),
    ("disposals", ("UPDATE", "DELETE"), "disposal records are append-only"),
    ("dossiers", ("DELETE",), "the catalog never deletes a dossier"),
    ("packages", ("DELETE",), "the catalog never deletes a package"),
)
_SEARCH = {
    "sqlite": ("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(folded, "
               "tokenize = 'unicode61 remove_diacritics 2')",),
    "postgresql": ("ALTER TABLE search_text ADD COLUMN IF NOT EXISTS lexemes tsvector",
                   "CREATE INDEX IF NOT EXISTS search_text_lexemes ON search_text USING GIN (lexemes)"),
}


def _guards(dialect: str) -> list[str]:
    """The version-2 guard triggers (the same statements as ``archive._catalog_schema`` writes)."""
    from archive._catalog_schema import guards_for

    return guards_for(dialect, _GUARDS)


def upgrade() -> None:
    """Create the version-2 layout, or complete a version-1 SQLite catalog in place."""
    conn = op.get_bind()
    _meta.create_all(conn, checkfirst=True)
    present = {c["name"] for c in inspect(conn).get_columns("dossiers")}
    for column in _dossiers.columns:
        if column.name not in present:  # columns added after the first release
            decl = column.type.compile(conn.dialect)
            default = f" DEFAULT {column.server_default.arg.text}" if column.server_default is not None else ""
            null = " NOT NULL" if not column.nullable else ""
            conn.execute(text(f"ALTER TABLE dossiers ADD COLUMN {column.name} {decl}{null}{default}"))
    for table in _meta.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    for statement in [*_guards(conn.dialect.name), *_SEARCH[conn.dialect.name]]:
        conn.execute(text(statement))
    conn.execute(text("DELETE FROM catalog_meta WHERE key = 'schema_version'"))
    conn.execute(text("INSERT INTO catalog_meta (key, value) VALUES ('schema_version', '2')"))


def downgrade() -> None:
    """Refused: below version 2 there is no catalog, and a catalog is never dropped by a tool."""
    raise CommandError("the catalog's first step is not undone: a catalog is never dropped by sohoa")
