"""Schema version 4: the verification station's tables become the catalog's.

``sohoa review`` keeps its accounts (``review_users``: argon2id hashes, roles, enabled), their
sessions and failed logins, the leases that keep two people off one field, the per-dossier locks
that serialise changes to a dossier, and its review index (``review_items``, ``review_meta``) in
the catalog's database. The station's first release created these tables itself on a schema-3
catalog; such tables are kept as they are, rows and all (an account made then still logs in), and
only the missing ones are created.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text, inspect, text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_meta = MetaData()
_TABLES = (
    Table("review_users", _meta,
          Column("name", Text, primary_key=True), Column("role", Text, nullable=False),
          Column("password_hash", Text), Column("enabled", Integer, nullable=False),
          Column("created_at", Text, nullable=False), Column("updated_at", Text, nullable=False)),
    Table("review_sessions", _meta,
          Column("token_hash", Text, primary_key=True), Column("user_name", Text, nullable=False),
          Column("csrf", Text, nullable=False), Column("created", Float, nullable=False),
          Column("last_seen", Float, nullable=False),
          Index("review_sessions_user", "user_name")),
    Table("review_login_failures", _meta,
          Column("id", Integer, primary_key=True, autoincrement=True), Column("key", Text, nullable=False),
          Column("at", Float, nullable=False),
          Index("review_login_failures_key", "key", "at")),
    Table("review_leases", _meta,
          Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
          Column("holder", Text, nullable=False), Column("expires", Float, nullable=False),
          Index("review_leases_holder", "holder")),
    Table("review_locks", _meta,
          Column("dossier_id", Text, primary_key=True), Column("holder", Text, nullable=False),
          Column("expires", Float, nullable=False)),
    Table("review_items", _meta,
          Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
          Column("ord", Integer, nullable=False), Column("code", Text, nullable=False), Column("source", Text),
          Column("form_type", Text), Column("run", Text), Column("ingested_at", Text, nullable=False),
          Column("reason", Text), Column("page", Integer), Column("box", Text),
          Column("flagged", Integer, nullable=False), Column("status", Text, nullable=False),
          Column("reviewed_by", Text), Column("reviewed_at", Text),
          Index("review_items_queue", "status", "flagged", "ingested_at", "dossier_id", "ord"),
          Index("review_items_code", "code"), Index("review_items_reviewer", "reviewed_by")),
    Table("review_meta", _meta,
          Column("key", Text, primary_key=True), Column("value", Text, nullable=False)),
)


def upgrade() -> None:
    """Create the station's tables the catalog lacks (with their indexes); keep those it has."""
    conn = op.get_bind()
    present = set(inspect(conn).get_table_names())
    for table in _TABLES:
        if table.name in present:
            indexes = {i["name"] for i in inspect(conn).get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in indexes:
                    index.create(conn)
            continue
        table.create(conn)
    conn.execute(text("UPDATE catalog_meta SET value = '4' WHERE key = 'schema_version'"))


def downgrade() -> None:
    """Back to version 3: the station's accounts, sessions and review index are dropped."""
    conn = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(conn, checkfirst=True)
    conn.execute(text("UPDATE catalog_meta SET value = '3' WHERE key = 'schema_version'"))
