"""Bringing a catalog database to the current schema with Alembic (SQLite and PostgreSQL).

Opening a catalog reads its revision (``alembic_version``; no DDL): a current catalog is used as
it is, so a PostgreSQL role with data rights only can work with it. An older one is upgraded inside
one write transaction that first takes the upgrade lock (SQLite's ``BEGIN IMMEDIATE``; a PostgreSQL
advisory lock) and reads the revision again, so several workers opening it at once upgrade it once.

Catalogs made before Alembic have no ``alembic_version``: schema version 2 (``catalog_meta``) is
recorded as revision ``0002`` and upgraded from there; a first-release SQLite catalog (no
``catalog_meta``) and an empty database run the whole chain.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LEGACY_V2 = "0002"
"""The revision a pre-Alembic catalog of schema version 2 is at."""
_LOCK_KEY = 0x50_48_4F_41  # the advisory lock the PostgreSQL upgrade holds (same key as schema version 2 used)


@functools.cache
def _script() -> ScriptDirectory:
    """The migration chain (read once per process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def head() -> str:
    """The newest revision this sohoa knows."""
    return _script().get_current_head()  # type: ignore[return-value]


def revision(conn: Connection) -> str | None:
    """The catalog's revision: ``alembic_version``, else ``0002`` for a schema-version-2 catalog made
    before Alembic, ``legacy-1`` for a first-release SQLite catalog, None for an empty database."""
    current = MigrationContext.configure(conn).get_current_revision()
    if current is not None:
        return current
    names = set(inspect(conn).get_table_names())
    if "catalog_meta" in names:
        value = conn.execute(text("SELECT value FROM catalog_meta WHERE key = 'schema_version'")).scalar()
        return LEGACY_V2 if value == "2" else None
    return "legacy-1" if "dossiers" in names else None


def is_known(rev: str | None) -> bool:
    """True when ``rev`` is a revision of this sohoa's chain (or an older layout it can upgrade)."""
    if rev in (None, "legacy-1"):
        return True
    try:
        return _script().get_revision(rev) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def lock(conn: Connection) -> None:
    """Serialise upgrades between processes (SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def upgrade(conn: Connection, target: str = "head") -> None:
    """Run the migrations from the catalog's revision to ``target`` inside the caller's transaction."""
    current = revision(conn)
    script = _script()

    def steps(rev, _context):  # noqa: ANN001, ANN202 - alembic's callback signature
        return script._upgrade_revs(target, rev)

    with EnvironmentContext(Config(), script, fn=steps, destination_rev=target) as env:
        env.configure(connection=conn, fn=steps)
        if current == LEGACY_V2 and MigrationContext.configure(conn).get_current_revision() is None:
            env.get_context().stamp(script, LEGACY_V2)  # made before Alembic: version 2 is done
        env.run_migrations()


def downgrade(conn: Connection, target: str) -> None:
    """Run the migrations down to ``target`` inside the caller's transaction (tests and rollbacks)."""
    script = _script()

    def steps(rev, _context):  # noqa: ANN001, ANN202
        return script._downgrade_revs(target, rev)

    with EnvironmentContext(Config(), script, fn=steps, destination_rev=target) as env:
        env.configure(connection=conn, fn=steps)
        env.run_migrations()
