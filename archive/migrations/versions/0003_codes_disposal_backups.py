"""Schema version 3: the dossier code as the key for people, disposal decisions, counted backups.

- ``dossiers`` gains ``code`` (unique: the mã hồ sơ people search and act by), and the columns the
  "Xem xét hủy" list shows: ``title``, ``source``, ``start_date``, ``end_date``, ``sheets``.
  Existing rows get their code from the stored export record (else their id). Should two rows
  of an older catalog share a code, the first indexed keeps it, the others keep none (found by
  id) and an archive event names them, so nothing is merged or lost.
- ``disposal_decisions`` (append-only): decision number and date, the appraisal council, the
  operator, per executed disposal.
- ``backup_targets`` and ``backup_copies``: which verified copies of each package exist where.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from alembic import op
from sqlalchemy import BigInteger, Column, Integer, Text, text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NEW_COLUMNS = (("code", Text), ("title", Text), ("source", Text), ("start_date", Text), ("end_date", Text),
                ("sheets", Integer))
_GUARDS = (("disposal_decisions", ("UPDATE", "DELETE"), "disposal records are append-only"),)


def _now() -> str:
    return datetime.now(timezone(timedelta(hours=7))).isoformat(timespec="milliseconds")


def upgrade() -> None:
    """Add the columns and tables, fill the codes, install the new guards."""
    from archive._catalog_schema import guards_for

    conn = op.get_bind()
    for name, kind in _NEW_COLUMNS:
        op.add_column("dossiers", Column(name, kind))
    op.create_table(
        "disposal_decisions",
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("decision", Text, nullable=False), Column("decision_date", Text),
        Column("council", Text, nullable=False), Column("operator", Text, nullable=False),
        Column("executed_at", Text, nullable=False), Column("dossiers", Integer, nullable=False),
        sqlite_autoincrement=True)
    op.create_table(
        "backup_targets",
        Column("target_id", Text, primary_key=True), Column("path", Text, nullable=False),
        Column("device", Text, nullable=False), Column("first_seen", Text, nullable=False),
        Column("last_verified_at", Text), Column("last_outcome", Text))
    op.create_table(
        "backup_copies",
        Column("target_id", Text, primary_key=True), Column("objid", Text, primary_key=True),
        Column("verified_at", Text, nullable=False))
    op.create_index("backup_copies_objid", "backup_copies", ["objid"])
    _fill_codes(conn)
    op.create_index("dossiers_code", "dossiers", ["code"], unique=True)
    for statement in guards_for(conn.dialect.name, _GUARDS):
        conn.execute(text(statement))
    conn.execute(text("UPDATE catalog_meta SET value = '3' WHERE key = 'schema_version'"))


def _fill_codes(conn) -> None:  # noqa: ANN001 - the migration's connection
    """Each row's code and source from its stored record; a code already taken stays unset."""
    taken: dict[str, str] = {}
    clashes: list[str] = []
    rows = conn.execute(text("SELECT dossier_id, record_json FROM dossiers ORDER BY created_at, dossier_id")).all()
    for dossier_id, record_json in rows:
        try:
            record = json.loads(record_json)
        except ValueError:
            record = {}
        code = str(record.get("code") or dossier_id) if isinstance(record, dict) else dossier_id
        source = record.get("source") if isinstance(record, dict) else None
        if code in taken:
            clashes.append(dossier_id)
            code = None
        else:
            taken[code] = dossier_id
        conn.execute(text("UPDATE dossiers SET code = :c, source = :s WHERE dossier_id = :d"),
                     {"c": code, "s": source if isinstance(source, str) else None, "d": dossier_id})
    if clashes:
        conn.execute(text("INSERT INTO archive_events (event_type, time, outcome, detail, agent) "
                          "VALUES ('catalog upgrade', :t, 'failure', :d, 'sohoa catalog migration 0003')"),
                     {"t": _now(), "d": "dossiers sharing a code with an earlier one, left without a code "
                                         "(find them by id, then `sohoa code set`): " + ", ".join(clashes)[:1800]})


def downgrade() -> None:
    """Back to version 2: the codes, titles, decisions and backup counts are dropped."""
    conn = op.get_bind()
    for table in ("disposal_decisions", "backup_copies", "backup_targets"):
        op.drop_table(table)
    op.drop_index("dossiers_code", table_name="dossiers")
    for name, _kind in reversed(_NEW_COLUMNS):
        op.drop_column("dossiers", name)
    conn.execute(text("UPDATE catalog_meta SET value = '2' WHERE key = 'schema_version'"))
