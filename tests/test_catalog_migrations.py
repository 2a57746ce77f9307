"""Alembic migrations of the catalog, on SQLite and a real PostgreSQL: a catalog made by the previous
release (schema version 2, built here with that release's DDL) is upgraded with its data intact;
opening a current catalog runs no DDL (a role with data rights only can use it); workers opening
an old catalog at once upgrade it once; a step can be undone and done again.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from test_catalog_backends import BACKENDS, PG_ROLE, Backend, backend_for

from archive import Catalog, PremisEvent
from archive import _catalog_migrate as migrate
from archive._catalog_schema import SCHEMA_VERSION
from archive.model import now_vn

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


@pytest.fixture(params=BACKENDS)
def catalog_backend(request: pytest.FixtureRequest) -> Backend:
    return backend_for(request.param)


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
