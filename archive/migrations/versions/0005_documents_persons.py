"""Schema version 5: what each dossier holds — its documents, and the CCCD numbers it carries.

- ``dossier_documents``: one row per document of a dossier (kind component | result | other, type,
  type code and name, date of issue, the package PDF holding it and how that PDF was signed): the
  digitization rates of ``sohoa kpi`` read it.
- ``person_index``: CCCD number → (dossier, field, the holder's role, document, checked): the
  look-up of ``sohoa person`` reads it (personal data, in a catalog that is not world-readable).
- ``dossiers.kinds``: what the dossier holds, as bits (1 a component, 2 a result, 4 another
  document), with the indexes ``dossiers_code_kinds`` (code, kinds) and ``dossiers_start_date``
  (start_date, code, kinds): a year's received list is matched to its dossiers, and the dossiers of
  a period are found, from the indexes alone, without reading a dossier's row (which holds its whole
  record) or its documents.

Both tables are derived from each dossier's stored export record, like the search index: this step
fills them for the dossiers an older catalog already holds (with the indexing code of this
release, :mod:`archive.kpi_index`; the rows are derived data, never the only copy of anything).

Revision ID: 0005
Revises: 0004 (the verification station's tables)
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Column, Integer, Text, text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables and their indexes, then index the dossiers already there."""
    from archive.kpi_index import rebuild_all

    op.create_table(
        "dossier_documents",
        Column("dossier_id", Text, primary_key=True), Column("ordinal", Integer, primary_key=True),
        Column("kind", Text, nullable=False), Column("type", Text), Column("type_code", Text),
        Column("type_name", Text), Column("issued", Text), Column("file", Integer, nullable=False),
        Column("signature_level", Text), Column("certified", Integer))
    op.create_index("dossier_documents_kind", "dossier_documents", ["dossier_id", "kind"])
    op.create_table(
        "person_index",
        Column("cccd", Text, primary_key=True), Column("dossier_id", Text, primary_key=True),
        Column("field", Text, primary_key=True), Column("role", Text, nullable=False),
        Column("document", Integer), Column("checked", Integer, nullable=False))
    op.create_index("person_index_dossier", "person_index", ["dossier_id"])
    op.add_column("dossiers", Column("kinds", Integer))
    op.create_index("dossiers_code_kinds", "dossiers", ["code", "kinds"])
    op.create_index("dossiers_start_date", "dossiers", ["start_date", "code", "kinds"])
    conn = op.get_bind()
    rebuild_all(conn)
    conn.execute(text("UPDATE catalog_meta SET value = '5' WHERE key = 'schema_version'"))


def downgrade() -> None:
    """Back to the previous step: the derived tables are dropped (the records keep what they came from)."""
    op.drop_index("dossiers_start_date", table_name="dossiers")
    op.drop_index("dossiers_code_kinds", table_name="dossiers")
    op.drop_column("dossiers", "kinds")
    op.drop_table("person_index")
    op.drop_table("dossier_documents")
    conn = op.get_bind()
    conn.execute(text("UPDATE catalog_meta SET value = '3' WHERE key = 'schema_version'"))
