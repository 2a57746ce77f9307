"""Alembic migrations of the catalog, on SQLite and a real PostgreSQL: a catalog made by the previous
release (schema version 2, built here with that release's DDL) is upgraded with its data intact;
opening a current catalog runs no DDL (a role with data rights only can use it); workers opening
an old catalog at once upgrade it once; a step can be undone and done again. The verification
station's tables (0004) come to a schema-3 catalog, adopting those the station's first release
made; its accounts follow the catalog (moved, backed up, restored, rebuilt), its sessions never do.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from catalog_archive import make_archive
from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from test_catalog_backends import PG_ROLE, Backend, start_cluster

from archive import Catalog, PremisEvent
from archive import _catalog_migrate as migrate
from archive._catalog_schema import SCHEMA_VERSION
from sohoa.clock import now_vn
from pipeline.cli import main
from review import accounts, queue
from review.store import Store
from sohoa.errors import ExitCode

_SEQ = {"sqlite": "INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", "postgresql": "BIGSERIAL PRIMARY KEY"}
_ID = {"sqlite": "INTEGER NOT NULL PRIMARY KEY", "postgresql": "BIGSERIAL PRIMARY KEY"}
# The DDL sohoa's previous release (schema version 2) wrote, as SQLAlchemy compiled it for each database.
_V2_TABLES = """
CREATE TABLE archive_events (seq {seq}, event_type TEXT NOT NULL, time TEXT NOT NULL, outcome TEXT NOT NULL,
    detail TEXT NOT NULL, agent TEXT NOT NULL);
CREATE TABLE catalog_meta ("key" TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE disposals (seq {seq}, decision TEXT NOT NULL, executed_at TEXT NOT NULL, operator TEXT NOT NULL,
    dossier_id TEXT NOT NULL, objid TEXT NOT NULL, path TEXT NOT NULL, size BIGINT, sha256 TEXT);
CREATE INDEX disposals_dossier ON disposals (dossier_id);
CREATE TABLE dossiers (dossier_id TEXT NOT NULL, form_type TEXT, package TEXT, pdf TEXT, maintenance TEXT,
    retention_years INTEGER, retention_basis TEXT, retention_confirmed INTEGER, review_year INTEGER,
    record_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, end_year INTEGER,
    retention_end TEXT, hold INTEGER DEFAULT 0 NOT NULL, hold_reason TEXT, status TEXT DEFAULT 'active' NOT NULL,
    PRIMARY KEY (dossier_id));
CREATE INDEX dossiers_review_year ON dossiers (review_year);
CREATE INDEX dossiers_package ON dossiers (package);
CREATE INDEX dossiers_form_type ON dossiers (form_type);
CREATE INDEX dossiers_retention_end ON dossiers (retention_end);
CREATE TABLE events (seq {seq}, dossier_id TEXT NOT NULL, event_type TEXT NOT NULL, time TEXT NOT NULL,
    outcome TEXT NOT NULL, detail TEXT NOT NULL, agent TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX events_dossier ON events (dossier_id, seq);
CREATE TABLE package_files (objid TEXT NOT NULL, path TEXT NOT NULL, size BIGINT, sha256 TEXT,
    PRIMARY KEY (objid, path));
CREATE TABLE packages (objid TEXT NOT NULL, dossier_id TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL,
    mets_sha256 TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (objid), UNIQUE (path));
CREATE INDEX packages_dossier ON packages (dossier_id, version);
CREATE TABLE search_text (id {id}, dossier_id TEXT NOT NULL, page INTEGER, field TEXT, text TEXT NOT NULL);
CREATE INDEX search_text_dossier ON search_text (dossier_id);
"""
_V2_GUARDS = {
    "sqlite": """
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER dossiers_no_delete BEFORE DELETE ON dossiers BEGIN SELECT RAISE(ABORT, 'the catalog never deletes a dossier'); END;
CREATE VIRTUAL TABLE search_fts USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO search_fts (rowid, folded) VALUES (1, 'dang thi dao'), (2, 'hs-v2aaaa');
""",
    "postgresql": """
CREATE OR REPLACE FUNCTION sohoa_refuse() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION sohoa_refuse('the audit trail is append-only');
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION sohoa_refuse('the audit trail is append-only');
CREATE TRIGGER dossiers_no_delete BEFORE DELETE ON dossiers FOR EACH ROW EXECUTE FUNCTION sohoa_refuse('the catalog never deletes a dossier');
ALTER TABLE search_text ADD COLUMN lexemes tsvector;
CREATE INDEX search_text_lexemes ON search_text USING GIN (lexemes);
UPDATE search_text SET lexemes = CAST('''dang'' ''thi'' ''dao''' AS tsvector) WHERE id = 1;
UPDATE search_text SET lexemes = CAST('''hs'' ''v2aaaa''' AS tsvector) WHERE id = 2;
SELECT setval(pg_get_serial_sequence('search_text', 'id'), 2);
""",
}
_V2_ROWS = """
INSERT INTO catalog_meta ("key", value) VALUES ('schema_version', '2');
INSERT INTO dossiers (dossier_id, form_type, record_json, created_at, updated_at, maintenance, retention_end)
    VALUES ('hs-v2aaaa', 'ct01', '{"dossier_id": "hs-v2aaaa", "code": "H49-OLD-1", "source": "a.pdf"}', '2025-01-01', 't', '06', '2030-12-31'),
           ('hs-v2bbbb', 'ct01', '{"dossier_id": "hs-v2bbbb", "code": "H49-OLD-1", "source": "b.pdf"}', '2025-01-02', 't', '06', NULL),
           ('hs-v2cccc', 'khai_sinh', '{"dossier_id": "hs-v2cccc"}', '2025-01-03', 't', '01', NULL);
INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at)
    VALUES ('hs-v2aaaa', 'transfer', '2025-01-01T09:00:00.000+07:00', 'success', 'scan', 'sohoa 0.1', 't');
INSERT INTO search_text (id, dossier_id, page, field, text) VALUES (1, 'hs-v2aaaa', 1, NULL, 'Đặng Thị Đào'),
    (2, 'hs-v2aaaa', NULL, 'dossier_id', 'hs-v2aaaa');
"""


def _engine(backend: Backend, archive: Path):  # noqa: ANN202
    url = backend.url or f"sqlite:///{archive / 'catalog.sqlite'}"
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def _make_v2(backend: Backend, archive: Path) -> None:
    """A catalog exactly as the previous release left it, with rows."""
    archive.mkdir(parents=True, exist_ok=True)
    dialect = "sqlite" if backend.url is None else "postgresql"
    script = (_V2_TABLES.format(seq=_SEQ[dialect], id=_ID[dialect]) + _V2_ROWS + _V2_GUARDS[dialect])
    if dialect == "sqlite":
        db = sqlite3.connect(archive / "catalog.sqlite")
        db.executescript(script)
        db.close()
        return
    with psycopg.connect(backend.url, autocommit=True) as db:
        for statement in script.split(";\n"):
            if statement.strip():
                db.execute(statement)


def _event() -> PremisEvent:
    return PremisEvent("transfer", now_vn(), "success", "scan", "sohoa test")


def test_a_previous_release_catalog_is_upgraded_with_its_data(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _make_v2(catalog_backend, archive)
    with catalog_backend.open(archive) as catalog:
        assert catalog.resolve("H49-OLD-1") == "hs-v2aaaa"  # the first indexed keeps a shared code
        assert catalog.dossier("hs-v2bbbb")["code"] is None and catalog.dossier("hs-v2bbbb")["source"] == "b.pdf"
        assert catalog.resolve("hs-v2cccc") == "hs-v2cccc" and catalog.dossier("hs-v2cccc")["code"] == "hs-v2cccc"
        clash = catalog.archive_events()[-1]
        assert clash["event_type"] == "catalog upgrade" and "hs-v2bbbb" in clash["detail"]
        assert [e["event_type"] for e in catalog.events("hs-v2aaaa")] == ["transfer"]
        assert catalog.search("dang thi dao")[0]["code"] == "H49-OLD-1"
        catalog.set_hold("hs-v2aaaa", held=True, reason="thanh tra", event=_event())
        catalog.upsert_dossier({"dossier_id": "hs-new", "code": "H49-NEW-2"})
        catalog.record_decision(decision="1/QĐ", decision_date=None, council="Hội đồng", operator="x",
                                executed_at="t", dossiers=0)
    with _engine(catalog_backend, archive).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrate.head()
        assert conn.execute(text("SELECT value FROM catalog_meta WHERE key = 'schema_version'")).scalar() == \
            str(SCHEMA_VERSION)
    for sql, message in (("DELETE FROM events", "append-only"), ("UPDATE disposal_decisions SET council = 'x'",
                                                                  "append-only"),
                         ("DELETE FROM dossiers", "never deletes")):
        with pytest.raises(DBAPIError, match=message):
            catalog_backend.raw(archive, sql)


def test_opening_a_current_catalog_runs_no_ddl(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with catalog_backend.open(archive) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-a", "code": "A-1", "pages": [{"source_page": 1, "text": "Lê Văn"}]})
    if catalog_backend.name == "sqlite":
        before = sqlite3.connect(archive / "catalog.sqlite").execute("PRAGMA schema_version").fetchone()
        with Catalog.for_archive(archive) as catalog:
            catalog.upsert_dossier({"dossier_id": "hs-b", "code": "B-2"})
        assert sqlite3.connect(archive / "catalog.sqlite").execute("PRAGMA schema_version").fetchone() == before
        return
    reader = f"reader_{tmp_path.name[-8:].replace('-', '_')}".lower()
    dbname = catalog_backend.url.rsplit("/", 1)[1]
    with catalog_backend.cluster.admin() as admin:
        admin.execute(f"CREATE ROLE {reader} LOGIN PASSWORD 'data-only-pw'")
    with psycopg.connect(catalog_backend.url, autocommit=True) as owner:  # the owner grants data rights only
        owner.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {reader}")
        owner.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {reader}")
    url = f"postgresql://{reader}:data-only-pw@127.0.0.1:{catalog_backend.cluster.port}/{dbname}"
    with Catalog(url, archive_root=archive) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-b", "code": "B-2", "pages": [{"source_page": 1, "text": "Trần Bình"}]})
        catalog.add_event("hs-b", _event())
        assert [h["code"] for h in catalog.search("tran binh")] == ["B-2"]
    with psycopg.connect(url) as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("CREATE TABLE probe (x int)")  # the role really has no DDL rights
    assert PG_ROLE != reader


def _open_and_index(archive: str, url: str | None, worker: int) -> None:
    with Catalog.for_archive(Path(archive), url) as catalog:
        catalog.upsert_dossier({"dossier_id": f"hs-w{worker}", "code": f"W-{worker}"})


def test_workers_opening_an_old_catalog_at_once_upgrade_it_once(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _make_v2(catalog_backend, archive)
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_open_and_index, args=(str(archive), catalog_backend.url, w)) for w in range(3)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(120)
        assert proc.exitcode == 0
    with catalog_backend.open(archive) as catalog:
        assert catalog.count() == 6
        assert len([e for e in catalog.archive_events() if e["event_type"] == "catalog upgrade"]) == 1
    with _engine(catalog_backend, archive).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar() == 1


def test_a_step_can_be_undone_and_done_again(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with catalog_backend.open(archive) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-a", "code": "A-1"})
    with _engine(catalog_backend, archive).begin() as conn:
        migrate.downgrade(conn, "0002")
    with _engine(catalog_backend, archive).connect() as conn:
        assert migrate.revision(conn) == "0002"
        assert "code" not in {c for c in conn.execute(text("SELECT * FROM dossiers")).keys()}
    with catalog_backend.open(archive) as catalog:  # upgraded again on open
        assert catalog.resolve("A-1") == "hs-a"


# -- the verification station's tables (0004) ------------------------------------------------------

_WAVE1 = MetaData()  # the tables as the station's first release made them itself (create_all, its own MetaData)
Table("review_users", _WAVE1, Column("name", Text, primary_key=True), Column("role", Text, nullable=False),
      Column("password_hash", Text), Column("enabled", Integer, nullable=False),
      Column("created_at", Text, nullable=False), Column("updated_at", Text, nullable=False))
Table("review_sessions", _WAVE1, Column("token_hash", Text, primary_key=True),
      Column("user_name", Text, nullable=False), Column("csrf", Text, nullable=False),
      Column("created", Float, nullable=False), Column("last_seen", Float, nullable=False),
      Index("review_sessions_user", "user_name"))
Table("review_login_failures", _WAVE1, Column("id", Integer, primary_key=True, autoincrement=True),
      Column("key", Text, nullable=False), Column("at", Float, nullable=False),
      Index("review_login_failures_key", "key", "at"))
Table("review_leases", _WAVE1, Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
      Column("holder", Text, nullable=False), Column("expires", Float, nullable=False),
      Index("review_leases_holder", "holder"))
Table("review_locks", _WAVE1, Column("dossier_id", Text, primary_key=True), Column("holder", Text, nullable=False),
      Column("expires", Float, nullable=False))
Table("review_items", _WAVE1, Column("dossier_id", Text, primary_key=True), Column("field", Text, primary_key=True),
      Column("ord", Integer, nullable=False), Column("code", Text, nullable=False), Column("source", Text),
      Column("form_type", Text), Column("run", Text), Column("ingested_at", Text, nullable=False),
      Column("reason", Text), Column("page", Integer), Column("box", Text),
      Column("flagged", Integer, nullable=False), Column("status", Text, nullable=False),
      Column("reviewed_by", Text), Column("reviewed_at", Text),
      Index("review_items_queue", "status", "flagged", "ingested_at", "dossier_id", "ord"),
      Index("review_items_code", "code"), Index("review_items_reviewer", "reviewed_by"))
Table("review_meta", _WAVE1, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))
_STATION = sorted(_WAVE1.tables)
_PASSWORD = "mat-khau-cua-lan"


def _station_tables(backend: Backend, archive: Path) -> set[str]:
    with _engine(backend, archive).connect() as conn:
        return set(inspect(conn).get_table_names()) & set(_STATION)


@pytest.mark.parametrize("wave1", [False, True], ids=["plain-schema-3", "with-the-first-stations-tables"])
def test_a_schema_3_catalog_gets_the_station_tables(catalog_backend: Backend, tmp_path: Path, wave1: bool) -> None:
    """A catalog at schema 3 — as the catalog's release left it, or with the tables the station's first
    release created in it beside the catalog's, holding an account — is upgraded to the station's
    tables by the migration, rows kept: that account still logs in."""
    archive = tmp_path / "archive"
    with catalog_backend.open(archive) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-a", "code": "A-1"})
    with _engine(catalog_backend, archive).begin() as conn:
        migrate.downgrade(conn, "0003")
        assert migrate.revision(conn) == "0003"
    assert _station_tables(catalog_backend, archive) == set()
    if wave1:
        with _engine(catalog_backend, archive).begin() as conn:
            _WAVE1.create_all(conn)
            conn.execute(text("INSERT INTO review_users VALUES ('lan', 'clerk', :h, 1, 't', 't')"),
                         {"h": PasswordHasher().hash(_PASSWORD)})
            conn.execute(text("INSERT INTO review_sessions VALUES ('x', 'lan', 'c', 1.0, 1.0)"))
    with catalog_backend.open(archive) as catalog:  # upgraded on open
        assert catalog.resolve("A-1") == "hs-a"
    with _engine(catalog_backend, archive).connect() as conn:
        assert migrate.revision(conn) == migrate.head()
        assert conn.execute(text("SELECT value FROM catalog_meta WHERE key = 'schema_version'")).scalar() == \
            str(SCHEMA_VERSION)
        indexes = {i["name"] for i in inspect(conn).get_indexes("review_items")}
    assert _station_tables(catalog_backend, archive) == set(_STATION)
    assert {"review_items_queue", "review_items_code", "review_items_reviewer"} <= indexes
    store = Store(archive, catalog_backend.url)
    try:
        if not wave1:
            accounts.add_user(store, "lan", "clerk", _PASSWORD)
        user = accounts.check_password(store, "lan", _PASSWORD, client="127.0.0.1",
                                       throttle=accounts.Throttle(5, 60))
        assert user.name == "lan" and user.role == "clerk"
    finally:
        store.close()
    with _engine(catalog_backend, archive).begin() as conn:  # and down again: the station's tables go
        migrate.downgrade(conn, "0003")
    assert _station_tables(catalog_backend, archive) == set()


def _station_rows(url: str) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in _STATION}  # noqa: S608
    finally:
        engine.dispose()


def _log_in(archive: Path) -> str:
    """Log in as lan on the archive's catalog; leave a session, a failed login, a lease and a lock behind."""
    store = Store(archive)
    try:
        throttle = accounts.Throttle(5, 60)
        with pytest.raises(accounts.AccountError):
            accounts.check_password(store, "lan", "sai-mat-khau", client="10.0.0.9", throttle=throttle)
        user = accounts.check_password(store, "lan", _PASSWORD, client="10.0.0.9", throttle=throttle)
        accounts.open_session(store, user)
        queue.take(store, "lan", [("hs-x", "ho_ten")], seconds=600)
        with store.write() as db:
            db.execute(text("INSERT INTO review_locks VALUES ('hs-x', 'lan', 9e9)"))
        return user.name
    finally:
        store.close()


def test_the_station_accounts_go_where_the_catalog_goes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Accounts move to PostgreSQL with the catalog, are in every backup copy and come back with a
    restore; sessions, failed logins, leases and locks never leave the database they were made in.
    A full rebuild carries the accounts over from the catalog file it sets aside, and says so when
    it cannot."""
    archive = tmp_path / "archive"
    make_archive(archive, tmp_path / "src", lambda root: Catalog.for_archive(root))
    store = Store(archive)
    accounts.add_user(store, "lan", "clerk", _PASSWORD)
    store.close()
    assert _log_in(archive) == "lan"
    sqlite_url = f"sqlite:///{archive / 'catalog.sqlite'}"
    assert _station_rows(sqlite_url)["review_sessions"] == 1
    first = tmp_path / "copy-sqlite"
    assert main(["backup", "--archive", str(archive), "--to", str(first), "--force"]) == ExitCode.OK
    left = _station_rows(f"sqlite:///{first / 'catalog.sqlite'}")
    assert left["review_users"] == 1 and left["review_sessions"] == left["review_leases"] == 0
    assert left["review_login_failures"] == left["review_locks"] == 0
    cluster = start_cluster()
    url = cluster.new_database()
    capsys.readouterr()
    assert main(["catalog", "--archive", str(archive), "--move-to", url]) == ExitCode.OK
    assert "1 tài khoản của trạm kiểm tra" in capsys.readouterr().out
    moved = _station_rows(url)
    assert moved["review_users"] == 1 and moved["review_sessions"] == moved["review_leases"] == 0
    assert _log_in(archive) == "lan"  # the account works on PostgreSQL (the archive is bound to it now)
    second = tmp_path / "copy-postgresql"
    assert main(["backup", "--archive", str(archive), "--to", str(second), "--force"]) == ExitCode.OK
    left = _station_rows(f"sqlite:///{second / 'catalog.sqlite'}")
    assert left["review_users"] == 1 and left["review_sessions"] == left["review_locks"] == 0
    name = url.rsplit("/", 1)[1]
    with cluster.admin() as db:  # the database is lost; the DBA recreates it empty
        db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}" OWNER {PG_ROLE}')
    assert main(["backup", "--archive", str(archive), "--restore-from", str(second)]) == ExitCode.OK
    assert _station_rows(url)["review_users"] == 1 and _log_in(archive) == "lan"

    local = tmp_path / "local"  # a rebuild, on an archive of its own SQLite catalog
    make_archive(local, tmp_path / "src-local", lambda root: Catalog.for_archive(root))
    store = Store(local)
    accounts.add_user(store, "lan", "clerk", _PASSWORD)
    store.close()
    capsys.readouterr()
    assert main(["catalog", "rebuild", "--archive", str(local), "--full"]) == ExitCode.OK
    assert "khôi phục accounts: 1" in capsys.readouterr().out
    assert _log_in(local) == "lan"
    for path in local.glob("catalog.sqlite*"):
        path.unlink()
    assert main(["catalog", "rebuild", "--archive", str(local)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "KHÔNG KHÔI PHỤC ĐƯỢC: accounts of the verification station" in out and "sohoa users add" in out
