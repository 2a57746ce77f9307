"""A lost, corrupted or out-of-step catalog is caught by every command that reads it, and
``sohoa catalog rebuild`` makes it again from the packages: the same search answers before and after.

Each test runs on the archive's SQLite file and on a real PostgreSQL catalog.
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from catalog_archive import DOSSIERS, make_archive
from test_catalog_backends import Backend, backend_for

from archive import Catalog
from archive._catalog_journal import JOURNAL_NAME
from archive._xml import unseal_dirs
from archive.catalog_health import check_catalog
from archive.catalog_rebuild import prepare_for_run
from pipeline.cli import main
from sohoa.errors import ArchiveError, ExitCode

CODE, ID = DOSSIERS[0][0], DOSSIERS[0][1]
QUERIES = ("nguyen van an", "tran thi binh", "001090012345", DOSSIERS[1][0], "H49-2000-0003")


@pytest.fixture()
def archive(tmp_path: Path, catalog_backend: Backend) -> Path:
    root = tmp_path / "archive"
    make_archive(root, tmp_path / "src", catalog_backend.open)
    return root


def _answers(archive: Path, capsys: pytest.CaptureFixture[str]) -> list:
    """What ``sohoa search --json`` answers for every query (exit code included)."""
    found = []
    for query in QUERIES:
        capsys.readouterr()
        code = main(["search", "--archive", str(archive), "--json", query])
        found.append((code, json.loads(capsys.readouterr().out) if code == 0 else None))
    return found


def _lose(archive: Path, backend: Backend, how: str) -> None:
    """Delete the catalog, write 4 KiB of garbage into it, or have the DBA recreate the database empty."""
    if backend.name == "postgresql":
        name = backend.url.rsplit("/", 1)[1]
        with backend.cluster.admin() as db:
            db.execute(f'DROP DATABASE "{name}"')
            db.execute(f'CREATE DATABASE "{name}" OWNER sohoa')
        return
    path = archive / "catalog.sqlite"
    if how == "delete":
        path.unlink()
        for extra in archive.glob("catalog.sqlite-*"):
            extra.unlink()
        return
    with path.open("r+b") as fh:  # the pages of the tables, not the header: only an integrity check sees it
        fh.seek(2 * 4096)
        fh.write(bytes(range(256)) * 16)


@pytest.mark.parametrize(("backend_name", "how"), [("sqlite", "delete"), ("sqlite", "garbage"),
                                                   ("postgresql", "recreated empty")])
def test_a_lost_catalog_is_caught_and_rebuilt_with_the_same_answers(tmp_path: Path, backend_name: str, how: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    catalog_backend = backend_for(backend_name)
    archive = tmp_path / "archive"
    make_archive(archive, tmp_path / "src", catalog_backend.open)
    assert main(["retention", "hold", "--archive", str(archive), CODE, "--reason", "thanh tra"]) == ExitCode.OK
    assert main(["code", "set", "--archive", str(archive), DOSSIERS[2][0], "H49-2000-0003",
                 "--reason", "mã thật"]) == ExitCode.OK
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    before = _answers(archive, capsys)
    assert all(code == 0 and hits for code, hits in before)
    with Catalog.for_archive(archive) as catalog:
        events_before = {d[1]: sorted((e["event_type"], e["time"]) for e in catalog.events(d[1])) for d in DOSSIERS}
    _lose(archive, catalog_backend, how)

    (tmp_path / "inbox").mkdir()
    run = ["run", "--inbox", str(tmp_path / "inbox"), "--archive", str(archive), "--work", str(tmp_path / "work")]
    for command in (["search", "--archive", str(archive), "nguyen van an"], ["fixity", "--archive", str(archive)],
                    ["retention", "hold", "--archive", str(archive), CODE, "--reason", "x"], run,
                    ["check", "--archive", str(archive), "--offline"]):
        capsys.readouterr()
        assert main(command) != ExitCode.OK, command
        said = capsys.readouterr()
        assert "sohoa catalog rebuild" in said.out + said.err and "0 kết quả" not in said.out, command
        assert "Không ghi được vào kho lưu trữ" not in said.err, command
    if catalog_backend.name == "sqlite":
        assert how == "garbage" or not (archive / "catalog.sqlite").exists()  # never silently created
    with pytest.raises(ArchiveError, match="sohoa catalog rebuild") as stopped:
        prepare_for_run(archive)  # what `sohoa run` calls first
    assert stopped.value.reason in ("catalog_missing", "catalog_corrupt")

    capsys.readouterr()
    assert main(["catalog", "rebuild", "--archive", str(archive)]) == ExitCode.OK
    out = capsys.readouterr().out
    # the code set above made the dossier's next package version, which carries the new code itself
    assert "4 gói lưu trữ của 3 hồ sơ" in out and "record.json: 1" in out and "records/: 2" in out
    assert "khôi phục hold: 1" in out
    assert _answers(archive, capsys) == before
    with Catalog.for_archive(archive) as catalog:
        assert catalog.dossier(ID)["hold"] == 1 and catalog.resolve("H49-2000-0003") == DOSSIERS[2][1]
        after = {d[1]: sorted((e["event_type"], e["time"]) for e in catalog.events(d[1])) for d in DOSSIERS}
        for dossier_id, events in events_before.items():
            assert set(events) <= set(after[dossier_id]), dossier_id  # ingest, hold, code and fixity events
        assert catalog.archive_events()[-1]["event_type"] == "catalog rebuild"
    if catalog_backend.name == "sqlite":
        assert list(archive.glob("catalog-broken-*.sqlite")) or how == "delete"
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    assert main(["catalog", "check", "--archive", str(archive)]) == ExitCode.OK


def test_rebuild_from_packages_alone_uses_their_fields_and_ocr_text(archive: Path, catalog_backend: Backend,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    before = _answers(archive, capsys)
    for path in (archive / "records").glob("*.json"):
        path.unlink()  # only the packages are left
    (archive / JOURNAL_NAME).unlink(missing_ok=True)
    _lose(archive, catalog_backend, "delete")
    assert main(["catalog", "rebuild", "--archive", str(archive)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "record.json: 1" in out and "fields.json+ocr (id unknown: the code stands for it): 2" in out
    assert "KHÔNG KHÔI PHỤC ĐƯỢC" in out and "no catalog journal" in out
    after = _answers(archive, capsys)

    def seen(hits: list[dict]) -> list[tuple]:  # the id is unknown now: its code stands for it
        return [(h["code"], h["page"], "code" if h["field"] in ("code", "dossier_id") else h["field"], h["snippet"])
                for h in hits if h["field"] != "dossier_id" or h["snippet"] == h["code"]]

    for (_c1, old), (_c2, new) in zip(before, after, strict=True):
        assert seen(old) == seen(new)


def _orphan(archive: Path, code: str, dossier_id: str | None = None) -> Path:
    """A package published without its catalog row (what a run whose catalog write failed leaves)."""
    from datetime import date

    import pikepdf

    from archive import DossierMetadata, build_package

    src = archive.parent / f"orphan-{code}"
    src.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src / "doc.pdf")
    (src / "text.txt").write_text("Họ, chữ đệm, tên: Lê Văn Cường\n", encoding="utf-8")
    meta = DossierMetadata(dossier_code=code, title="Tờ khai ct01", form_type="ct01", number_of_pages=1,
                           number_of_paper=1, start_date=date(2024, 1, 1), end_date=date(2024, 1, 1),
                           maintenance="06", retention_years=10)
    package = build_package(archive_root=archive, meta=meta, documents=[src / "doc.pdf"],
                            extra_files={"ocr/text.txt": src / "text.txt"}, events=[])
    if dossier_id:
        record = {"dossier_id": dossier_id, "code": code, "source": "scans/x.pdf", "form_type": "ct01",
                  "pages": [{"source_page": 1, "text": "Họ, chữ đệm, tên: Lê Văn Cường"}], "fields": {},
                  "package": f"packages/{package.name}",
                  "pdf": f"packages/{package.name}/representations/rep1/data/{code}.1.pdf"}
        (archive / "records" / f"{dossier_id}.json").write_text(json.dumps(record, ensure_ascii=False),
                                                                encoding="utf-8")
    return package


def test_out_of_step_catalog_named_and_brought_back_in_step(archive: Path, catalog_backend: Backend,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    unknown = _orphan(archive, "H49-2024-0009")
    with Catalog.for_archive(archive) as catalog:
        lost = archive / catalog.packages(DOSSIERS[1][1])[0]["path"]
    unseal_dirs(lost)
    subprocess.run(["rm", "-rf", str(lost)], check=True)
    health = check_catalog(archive)
    assert health.state == "out_of_step"
    assert health.unknown_packages == (f"packages/{unknown.name}",)
    assert health.lost_packages == (f"packages/{lost.name}",)
    capsys.readouterr()
    assert main(["search", "--archive", str(archive), "nguyen"]) == ExitCode.CANNOT_RUN
    err = capsys.readouterr().err
    assert "unknown to it" in err and "sohoa catalog rebuild" in err
    assert main(["fixity", "--archive", str(archive), "--no-record"]) == ExitCode.VERIFY_FAILED
    out = capsys.readouterr().out
    assert f"packages/{unknown.name}: package folder unknown to the catalog" in out
    assert f"packages/{lost.name}/(package folder): missing" in out
    assert main(["catalog", "rebuild", "--archive", str(archive)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "đăng ký 1 gói" in out and f"gói bị mất (khôi phục từ bản sao lưu nếu có): packages/{lost.name}" in out
    assert check_catalog(archive).ok
    with Catalog.for_archive(archive) as catalog:
        statuses = {row["path"]: row["status"] for row in catalog.packages()}
        assert statuses[f"packages/{lost.name}"] == "missing"  # recorded as lost, never deleted
        assert catalog.resolve("H49-2024-0009") == "H49-2024-0009"  # no record: the code stands for the id
        assert catalog.archive_events()[-1]["outcome"] == "failure"
    assert main(["search", "--archive", str(archive), "--json", "le van cuong"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)[0]["code"] == "H49-2024-0009"


def test_a_package_without_its_catalog_row_is_registered_at_the_next_run(archive: Path, catalog_backend: Backend,
                                                                        tmp_path: Path) -> None:
    package = _orphan(archive, "H49-2024-0010", "hs-orphan0010x")
    health = check_catalog(archive)
    assert health.state == "out_of_step" and health.unknown_packages == (f"packages/{package.name}",)
    (tmp_path / "inbox").mkdir()
    assert main(["run", "--inbox", str(tmp_path / "inbox"), "--archive", str(archive),
                 "--work", str(tmp_path / "work")]) == ExitCode.OK  # the run registers it from the package first
    assert check_catalog(archive).ok
    with Catalog.for_archive(archive) as catalog:
        assert catalog.resolve("H49-2024-0010") == "hs-orphan0010x"
        assert catalog.packages("hs-orphan0010x")[0]["path"] == f"packages/{package.name}"
        assert catalog.search("le van cuong")[0]["code"] == "H49-2024-0010"
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK


@pytest.fixture()
def read_only_copy(archive: Path, tmp_path: Path, catalog_backend: Backend) -> Iterator[Path]:
    """The archive mounted read-only (a bind mount), as a copy on read-only media is."""
    view = tmp_path / "ro"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(archive), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_read_only_copy_is_searched_and_audited(read_only_copy: Path, catalog_backend: Backend,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(OSError):
        (read_only_copy / "probe").write_text("x")
    assert main(["search", "--archive", str(read_only_copy), "--json", "nguyen van an"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)[0]["code"] == CODE
    assert main(["fixity", "--archive", str(read_only_copy), "--no-record"]) == ExitCode.OK
    assert main(["catalog", "check", "--archive", str(read_only_copy)]) == ExitCode.OK
    capsys.readouterr()
    assert main(["retention", "hold", "--archive", str(read_only_copy), CODE, "--reason", "x"]) != ExitCode.OK


def test_a_writer_waits_for_a_held_lock_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    from archive import _catalog_db

    monkeypatch.setattr(_catalog_db, "SQLITE_BUSY_SECONDS", 0.2)
    with Catalog.for_archive(tmp_path) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-a", "code": "A-1"})
    holder = sqlite3.connect(tmp_path / "catalog.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, holder.execute, args=("COMMIT",))
    release.start()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="archive._catalog_db"), Catalog.for_archive(tmp_path) as catalog:
        catalog.upsert_dossier({"dossier_id": "hs-b", "code": "B-2"})
    release.join()
    holder.close()
    assert time.monotonic() - started >= 1.0
    assert any("another process holds the write lock" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(_catalog_db, "SQLITE_LOCK_WAIT_SECONDS", 0.5)
    holder = sqlite3.connect(tmp_path / "catalog.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Catalog.for_archive(tmp_path) as catalog, pytest.raises(ArchiveError) as gave_up:
            catalog.upsert_dossier({"dossier_id": "hs-c", "code": "C-3"})
    finally:
        holder.close()
    assert gave_up.value.reason == "catalog_busy" and "Không ghi được vào kho" not in gave_up.value.message_vi
