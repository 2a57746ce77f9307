"""The catalog on both databases: a throw-away PostgreSQL cluster, and the tests that need a server.

A ``catalog_backend`` fixture (here, and one per test module that runs on both, built with
:func:`backend_for`) runs a test once on SQLite (the archive's own file) and once on a real
PostgreSQL server: ``initdb`` + ``pg_ctl`` from the Debian ``postgresql`` package start a private
cluster once per test process, on 127.0.0.1 and a private socket folder, on a free port, as an
unprivileged user (``nobody`` when we are root: PostgreSQL refuses to run as root). Each test gets
a fresh database owned by a non-superuser role with a password, which libpq reads from a private
``PGPASSFILE`` as a site's service user would from ``~/.pgpass``. Without the binaries these tests
fail with the package to install: they never skip.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from archive import Catalog, PremisEvent
from archive._catalog_db import POINTER_NAME
from sohoa.clock import now_vn
from sohoa.errors import ArchiveError

PG_ROLE, PG_PASSWORD = "sohoa", "s3cret-Pw-not-for-logs"
_names = itertools.count(1)


def _pg_bin() -> Path:
    """The newest installed PostgreSQL server binaries."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise pytest.UsageError("PostgreSQL is missing: install the Debian package `postgresql` (setup.sh does)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgCluster:
    """A running throw-away cluster."""

    folder: Path
    port: int
    sockets: Path

    def admin(self) -> psycopg.Connection:
        """A superuser connection over the private socket (trust auth, autocommit)."""
        return psycopg.connect(host=str(self.sockets), port=self.port, user="postgres", dbname="postgres",
                               autocommit=True)

    def new_database(self) -> str:
        """A fresh database owned by the ``sohoa`` role; its URL (no password: libpq finds it)."""
        name = f"catalog_{os.getpid()}_{next(_names)}"
        with self.admin() as db:
            db.execute(f'CREATE DATABASE "{name}" OWNER {PG_ROLE}')
        return f"postgresql://{PG_ROLE}@127.0.0.1:{self.port}/{name}"


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix and uid that run the server: ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return [], None
    return ["runuser", "-u", "nobody", "--"], pwd.getpwnam("nobody").pw_uid


_cluster: PgCluster | None = None


def start_cluster() -> PgCluster:
    """Start the private cluster once per test process, for every test module that needs it; it is
    stopped and removed when the process exits."""
    global _cluster
    if _cluster is not None:
        return _cluster
    binaries, (prefix, uid) = _pg_bin(), _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="sohoa-pg-", dir="/tmp"))  # short socket path; reachable by nobody
    sockets, data = folder / "sockets", folder / "data"
    sockets.mkdir()
    if uid is not None:
        for path in (folder, sockets):
            os.chown(path, uid, -1)
    port = _free_port()

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, text=True)

    def stop() -> None:
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)

    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # runs after the stop registered below
    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
        "--auth-local=trust", "--auth-host=scram-sha-256")
    options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
    atexit.register(stop)
    passfile = folder / "pgpass"  # a site keeps it in the service user's ~/.pgpass
    passfile.write_text(f"127.0.0.1:{port}:*:{PG_ROLE}:{PG_PASSWORD}\n")
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    _cluster = PgCluster(folder, port, sockets)
    with _cluster.admin() as db:
        db.execute(f"CREATE ROLE {PG_ROLE} LOGIN PASSWORD '{PG_PASSWORD}'")
    return _cluster


@pytest.fixture(scope="session")
def pg_cluster() -> PgCluster:
    """A private PostgreSQL cluster on 127.0.0.1, running as an unprivileged user."""
    return start_cluster()


@dataclass
class Backend:
    """One catalog database for one test: SQLite (the archive's own file) or a fresh PostgreSQL database."""

    name: str
    url: str | None
    """None for SQLite: the archive's default ``catalog.sqlite``."""
    cluster: PgCluster | None = None

    def open(self, archive_root: Path) -> Catalog:
        """The archive's catalog on this backend (binds the archive to it on first use)."""
        return Catalog.for_archive(archive_root, self.url)

    def raw(self, archive_root: Path, sql: str) -> None:
        """Run one statement straight on the database, past the catalog code (as an intruder would)."""
        url = self.url or f"sqlite:///{archive_root / 'catalog.sqlite'}"
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.begin() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()


BACKENDS = ("sqlite", "postgresql")
"""Parameters of a ``catalog_backend`` fixture: each test module that runs on both defines one."""


def backend_for(name: str) -> Backend:
    """The catalog of one test on ``name``: the archive's SQLite file, or a fresh PostgreSQL database."""
    if name == "sqlite":
        return Backend("sqlite", None)
    cluster = start_cluster()
    return Backend("postgresql", cluster.new_database(), cluster)


# -- tests that only make sense with a server ---------------------------------------------------

def _event() -> PremisEvent:
    return PremisEvent("transfer", now_vn(), "success", "scan", "sohoa test")


def _index_many(archive: str, url: str | None, worker: int) -> None:
    """Index 15 dossiers with text and events from one process, and re-index one that every process indexes."""
    with Catalog.for_archive(Path(archive), url) as catalog:
        for n in range(15):
            code = f"W{worker}-{n:02d}"
            catalog.upsert_dossier({"dossier_id": code, "form_type": "ct01",
                                    "pages": [{"source_page": 1, "text": f"Nguyễn Văn An {worker} {n}"}]})
            catalog.add_event(code, _event())
            catalog.upsert_dossier({"dossier_id": "SHARED", "pages": [{"source_page": 1, "text": "Hồ sơ chung"},
                                                                      {"source_page": 2, "text": "chung"}]})


def test_several_processes_index_at_once(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    catalog_backend.open(archive).close()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_index_many, args=(str(archive), catalog_backend.url, w)) for w in range(4)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(120)
        assert proc.exitcode == 0
    with catalog_backend.open(archive) as catalog:
        assert catalog.count("dossiers") == 61 and catalog.count("events") == 60
        assert len(catalog.search("nguyen van an", limit=100)) == 60
        assert sorted(h["page"] for h in catalog.search("chung", limit=100)) == [1, 2]  # re-indexed, never doubled
        assert [h["dossier_id"] for h in catalog.search("nguyen van an 3 7")] == ["W3-07"]


def test_schema_made_once_by_racing_workers(pg_cluster: PgCluster, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_index_many, args=(str(tmp_path / "archive"), url, w)) for w in range(3)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(120)
        assert proc.exitcode == 0
    with Catalog.for_archive(tmp_path / "archive") as catalog:
        assert catalog.count() == 46


def test_append_only_in_postgresql_even_for_truncate(pg_cluster: PgCluster, tmp_path: Path) -> None:
    backend = Backend("postgresql", pg_cluster.new_database())
    with backend.open(tmp_path) as catalog:
        catalog.upsert_dossier({"dossier_id": "A"})
        catalog.add_event("A", _event())
        catalog.add_archive_event(_event())
    for sql, message in (("UPDATE events SET outcome = 'failure'", "append-only"),
                         ("DELETE FROM archive_events", "append-only"),
                         ("TRUNCATE events", "append-only"), ("TRUNCATE disposals", "append-only"),
                         ("DELETE FROM dossiers", "never deletes"), ("TRUNCATE packages", "never deletes")):
        with pytest.raises(DBAPIError, match=message):
            backend.raw(tmp_path, sql)
    with backend.open(tmp_path) as catalog:
        assert len(catalog.events("A")) == 1 and len(catalog.archive_events()) == 1


def test_url_binds_the_archive_and_no_password_is_written_or_shown(pg_cluster: PgCluster, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    with_password = url.replace(f"{PG_ROLE}@", f"{PG_ROLE}:{PG_PASSWORD}@")
    archive = tmp_path / "archive"
    with Catalog.for_archive(archive, with_password) as catalog:
        catalog.upsert_dossier({"dossier_id": "A"})
    pointer = archive / POINTER_NAME
    assert PG_PASSWORD not in pointer.read_text() and "127.0.0.1" in pointer.read_text()
    assert stat.S_IMODE(pointer.stat().st_mode) == 0o640
    assert not (archive / "catalog.sqlite").exists()
    with Catalog.for_archive(archive) as catalog:  # found through catalog.url; password from PGPASSFILE
        assert catalog.dossier("A") is not None
    with pytest.raises(ArchiveError, match="catalog.url") as refused:
        Catalog.for_archive(archive, pg_cluster.new_database())
    with pytest.raises(ArchiveError, match="catalog.url"):
        Catalog(archive / "catalog.sqlite")  # an old caller would have split the catalog
    wrong = url.replace(f"{PG_ROLE}@", f"{PG_ROLE}:wrong-{PG_PASSWORD}@")
    with pytest.raises(ArchiveError, match="cannot open") as failed:
        Catalog.for_archive(archive, wrong)
    for exc in (refused.value, failed.value):
        assert PG_PASSWORD not in str(exc) and PG_PASSWORD not in exc.message_vi


def test_sqlite_catalog_with_dossiers_is_not_silently_left_behind(pg_cluster: PgCluster, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with Catalog.for_archive(archive) as catalog:
        catalog.upsert_dossier({"dossier_id": "A", "pages": [{"source_page": 1, "text": "Trần Thị Bình"}]})
        catalog.add_event("A", _event())
    url = pg_cluster.new_database()
    with pytest.raises(ArchiveError, match="move-to"):
        Catalog.for_archive(archive, url)
    assert not (archive / POINTER_NAME).exists()


def test_unreachable_server_is_a_clean_archive_error(tmp_path: Path) -> None:
    url = f"postgresql://{PG_ROLE}@127.0.0.1:{_free_port()}/nowhere"
    with pytest.raises(ArchiveError, match="cannot open the archive catalog") as info:
        Catalog(url, archive_root=tmp_path)
    assert info.value.reason == "catalog_failed"
    with pytest.raises(ArchiveError, match="cannot open the archive catalog"):
        Catalog.for_archive(tmp_path / "archive", url)
    assert not (tmp_path / "archive" / POINTER_NAME).exists()  # bound only once the database answers


_VERSION_1 = """
CREATE TABLE dossiers (dossier_id TEXT PRIMARY KEY, form_type TEXT, package TEXT, pdf TEXT, maintenance TEXT,
    retention_years INTEGER, retention_basis TEXT, retention_confirmed INTEGER, review_year INTEGER,
    record_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, dossier_id TEXT NOT NULL, event_type TEXT NOT NULL,
    time TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, agent TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE search_text (id INTEGER PRIMARY KEY, dossier_id TEXT NOT NULL, page INTEGER, field TEXT, text TEXT NOT NULL);
CREATE VIRTUAL TABLE search_fts USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO dossiers VALUES ('OLD', 'ct01', NULL, NULL, '06', 10, 'x', 0, 2024, '{"dossier_id": "OLD"}', 't', 't');
INSERT INTO events (dossier_id, event_type, time, outcome, detail, agent, recorded_at)
    VALUES ('OLD', 'transfer', 't', 'success', 'scan', 'sohoa 0.1', 't');
INSERT INTO search_text VALUES (1, 'OLD', 1, NULL, 'Đặng Thị Đào');
INSERT INTO search_fts (rowid, folded) VALUES (1, 'dang thi dao');
"""


def test_a_first_release_sqlite_catalog_is_upgraded_in_place(tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.executescript(_VERSION_1)
    db.close()
    with Catalog.for_archive(tmp_path) as catalog:
        row = catalog.dossier("OLD")
        assert row["status"] == "active" and row["hold"] == 0 and row["end_year"] is None
        assert catalog.search("dang thi dao")[0]["dossier_id"] == "OLD"
        catalog.set_hold("OLD", held=True, reason="thanh tra", event=_event())
        assert [e["event_type"] for e in catalog.events("OLD")] == ["transfer", "transfer"]
        catalog.upsert_dossier({"dossier_id": "NEW"})
        assert catalog.count() == 2
    with pytest.raises(DBAPIError, match="append-only"):
        Backend("sqlite", None).raw(tmp_path, "DELETE FROM events")  # the guards version 1 lacked


def test_move_a_sqlite_catalog_to_postgresql(pg_cluster: PgCluster, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    archive = tmp_path / "archive"
    with Catalog.for_archive(archive) as catalog:
        for code, name in (("A", "Nguyễn Văn An"), ("B", "Trần Thị Bình")):
            catalog.upsert_dossier({"dossier_id": code, "pages": [{"source_page": 1, "text": name}]})
            catalog.add_event(code, _event())
        catalog.add_archive_event(_event())
    url = pg_cluster.new_database().replace(f"{PG_ROLE}@", f"{PG_ROLE}:{PG_PASSWORD}@")
    assert main(["catalog", "--archive", str(archive), "--move-to", url]) == 0
    out = capsys.readouterr().out
    assert "2 hồ sơ" in out and PG_PASSWORD not in out
    assert not (archive / "catalog.sqlite").exists() and list(archive.glob("catalog-moved-*.sqlite"))
    with Catalog.for_archive(archive) as catalog:
        assert catalog.dialect == "postgresql" and catalog.count("events") == 2
        assert [h["dossier_id"] for h in catalog.search("tran thi binh")] == ["B"]
        assert len(catalog.archive_events()) == 1
    assert main(["catalog", "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "postgresql" in out and PG_PASSWORD not in out
    assert main(["catalog", "--archive", str(archive), "--move-to", url]) != 0  # once only


def test_catalog_url_setting_is_checked_without_echoing_it(tmp_path: Path) -> None:
    import configs
    from sohoa.errors import ConfigError

    site = tmp_path / "site.yaml"
    site.write_text("archive:\n  catalog-url: mysql://u:hunter2@db/x\n")
    with pytest.raises(ConfigError, match=r"site.yaml:2: archive.catalog_url") as info:
        configs.load(site)
    assert "hunter2" not in str(info.value)
    site.write_text("archive:\n  catalog-url: postgresql://sohoa@db.internal/sohoa\n")
    assert configs.load(site).archive.catalog_url == "postgresql://sohoa@db.internal/sohoa"
