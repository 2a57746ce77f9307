"""The archive-care commands end to end on a small real archive: fixity, search, retention, backup.

The archive is built with the real package writer and catalog (no pipeline run, to stay fast),
once with the archive's own SQLite catalog and once with a real PostgreSQL catalog (which the
commands find through ``catalog.url``); packages are checked with ``eark-validate`` after a restore.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from catalog_archive import CCCD, DOSSIERS, NAME, make_archive
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy.exc import DBAPIError
from eark import EARK_VALIDATE
from test_catalog_backends import Backend

from archive import Catalog
from archive._xml import unseal_dirs
from pipeline.cli import main
from sohoa.errors import ExitCode

CODE, ID = DOSSIERS[0][0], DOSSIERS[0][1]


@pytest.fixture()
def archive(tmp_path: Path, catalog_backend: Backend) -> Path:
    root = tmp_path / "archive"
    make_archive(root, tmp_path / "src", catalog_backend.open)
    assert (root / "catalog.url").exists() == (catalog_backend.name == "postgresql")
    return root


def _package(archive: Path, code: str) -> Path:
    with Catalog.for_archive(archive) as catalog:
        return archive / catalog.packages(catalog.resolve(code))[-1]["path"]


def _flip(path: Path, at: int | None = None) -> None:
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


def test_fixity_names_a_flipped_byte_in_any_file(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    package = _package(archive, DOSSIERS[0][0])
    mets = package / "METS.xml"
    label_at = mets.read_bytes().index(b'LABEL="T') + 8  # inside the label: still well-formed XML
    targets = {"METS.xml": label_at, "metadata/descriptive/EAD.xml": None,
               f"representations/rep1/data/{DOSSIERS[0][0]}.1.pdf": None,
               "representations/rep1/metadata/other/ocr/text.txt": None}
    for rel, at in targets.items():
        _flip(package / rel, at)
    capsys.readouterr()
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.VERIFY_FAILED
    out = capsys.readouterr().out
    for rel in targets:
        assert f"{package.relative_to(archive).as_posix()}/{rel}:" in out, rel
    assert NAME not in out
    with Catalog.for_archive(archive) as catalog:
        checks = [e for e in catalog.events(ID) if e["event_type"] == "fixity check"]
        assert [e["outcome"] for e in checks] == ["success", "failure"]
        assert catalog.archive_events()[-1]["outcome"] == "failure"
    assert len(list((archive / "audits").glob("fixity-*.premis.xml"))) >= 1


def test_search_without_diacritics_by_cccd_and_code(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for query in (["nguyen", "van", "an"], ["NGUYEN VAN AN"], [CCCD], [CODE]):
        capsys.readouterr()
        assert main(["search", "--archive", str(archive), "--json", *query]) == ExitCode.OK
        hits = json.loads(capsys.readouterr().out)
        assert hits and hits[0]["code"] == CODE and hits[0]["dossier_id"] == ID, query
    temporary = DOSSIERS[2][0]
    assert main(["search", "--archive", str(archive), "--json", temporary]) == ExitCode.OK
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["code"] == temporary and hits[0]["field"] == "code"
    main(["search", "--archive", str(archive), "nguyen van an"])
    out = capsys.readouterr().out
    assert f"{CODE}\tscans/{CODE}.pdf\ttrang 1\t" in out and NAME in out and ID not in out


def test_exports_name_dossiers_by_their_code(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "ho_so.xlsx"
    assert main(["export", "--archive", str(archive), "--format", "xlsx", "--output", str(out)]) == ExitCode.OK
    rows = list(load_workbook(out)["Hồ sơ"].values)
    header = rows[0]
    assert header[0] == "Mã hồ sơ" and "Mã nội bộ (CNTT)" in header
    assert sorted(r[0] for r in rows[1:]) == sorted(d[0] for d in DOSSIERS)
    assert sorted(r[header.index("Mã nội bộ (CNTT)")] for r in rows[1:]) == sorted(d[1] for d in DOSSIERS)


def test_retention_due_is_the_archivists_list_and_marks_xem_xet_huy(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "due.xlsx"
    assert main(["retention", "due", "--archive", str(archive), "--as-of", "2021-01-01",
                 "--output", str(out)]) == ExitCode.OK
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("DANH MỤC HỒ SƠ, TÀI LIỆU HẾT GIÁ TRỊ")
    assert rows[2][:9] == ("STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Ngày bắt đầu", "Ngày kết thúc", "Số tờ",
                           "Thời hạn bảo quản", "Lý do hủy", "Ghi chú")
    assert [r[1] for r in rows[3:]] == [CODE]
    stt, code, title, start, end, sheets, period, reason, notes, internal, _package_path = rows[3]
    assert (stt, title, start, end, sheets, period) == (1, "Tờ khai ct01", "01/01/2010", "01/06/2010", 1, "10 năm")
    assert "Hết thời hạn bảo quản" in reason and "31/12/2020" in reason
    assert "chưa được xác nhận" in notes and internal == ID
    with Catalog.for_archive(archive) as catalog:
        assert catalog.dossier(ID)["status"] == "review"
        assert catalog.dossier(DOSSIERS[1][1])["status"] == "active"
        assert [e["event_type"] for e in catalog.events(ID)][-1] == "disposal review"
    assert main(["retention", "due", "--archive", str(archive), "--as-of", "31/12/2020",
                 "--output", str(out)]) == ExitCode.OK
    assert len(list(load_workbook(out).active.iter_rows(values_only=True))) == 3  # header only
    assert all(p.exists() for p in (archive / "packages").rglob("*.pdf"))


def test_dispose_refuses_then_destroys_content_and_keeps_the_record(archive: Path, tmp_path: Path,
                                                                    catalog_backend: Backend,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "approved.xlsx"
    main(["retention", "due", "--archive", str(archive), "--output", str(listing)])
    package = _package(archive, CODE)
    pdf = package / f"representations/rep1/data/{CODE}.1.pdf"
    council = "Hội đồng xác định giá trị tài liệu (QĐ 45/QĐ-UBND)"
    assert main(["retention", "dispose", "--archive", str(archive), "--list", str(listing),
                 "--council", council]) == ExitCode.CONFIG
    assert main(["retention", "dispose", "--archive", str(archive), "--list", str(listing),
                 "--decision", "12/QĐ-UBND"]) == ExitCode.CONFIG  # no council
    assert main(["retention", "hold", "--archive", str(archive), CODE, "--reason", "thanh tra"]) == ExitCode.OK
    assert "Đã giữ lại, tạm dừng hủy 1 hồ sơ" in capsys.readouterr().out
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--council", council, "--list", str(listing)]) == ExitCode.CANNOT_RUN
    err = capsys.readouterr().err
    assert "kept back" in err and "giữ lại, tạm dừng hủy" in err and "phong tỏa" not in err
    early = tmp_path / "early.txt"
    early.write_text(f"{DOSSIERS[1][0]}\n", encoding="utf-8")
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--council", council, "--list", str(early)]) == ExitCode.CANNOT_RUN
    assert pdf.exists()
    assert main(["retention", "release", "--archive", str(archive), CODE, "--reason", "xong"]) == ExitCode.OK
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--decision-date", "02/03/2026", "--council", council, "--list", str(listing),
                 "--operator", "luu-tru-vien"]) == ExitCode.OK
    assert not pdf.exists() and not (package / "representations/rep1/metadata/other/ocr/text.txt").exists()
    assert (package / "metadata/descriptive/EAD.xml").exists() and (package / "METS.xml").exists()
    with Catalog.for_archive(archive) as catalog:
        row = catalog.dossier(ID)
        assert row["status"] == "disposed" and row["record"]["fields"] == {}
        destroyed = catalog.disposals(ID)
        assert {d["path"] for d in destroyed} >= {f"representations/rep1/data/{CODE}.1.pdf"}
        assert all(len(d["sha256"]) == 64 and d["decision"] == "12/QĐ-UBND" for d in destroyed)
        assert catalog.decisions() == [{"decision": "12/QĐ-UBND", "decision_date": "2026-03-02", "council": council,
                                        "operator": "luu-tru-vien", "executed_at": catalog.decisions()[0]["executed_at"],
                                        "dossiers": 1}]
        assert [e["event_type"] for e in catalog.events(ID)][-1] == "deletion"
        assert catalog.search("nguyen van an") == []
        assert catalog.resolve(CODE) == ID  # still found by its code
    record = json.loads(next((archive / "disposals").glob("*.json")).read_text(encoding="utf-8"))
    assert record["operator"] == "luu-tru-vien" and record["dossiers"][0]["code"] == CODE
    assert record["council"] == council and record["decision_date"] == "2026-03-02"
    assert NAME not in (archive / "records" / f"{ID}.json").read_text(encoding="utf-8")
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK  # destroyed files are expected gone
    for table in ("disposals", "disposal_decisions"):
        with pytest.raises(DBAPIError, match="append-only"):
            catalog_backend.raw(archive, f"DELETE FROM {table}")


def test_hold_release_and_code_set_take_codes_never_ids_only(archive: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    temporary, dossier_id = DOSSIERS[2][0], DOSSIERS[2][1]
    assert main(["retention", "hold", "--archive", str(archive), "NO-SUCH-CODE", "--reason", "x"]) == ExitCode.CANNOT_RUN
    assert "Không có hồ sơ với mã này" in capsys.readouterr().err
    assert main(["code", "set", "--archive", str(archive), temporary, DOSSIERS[1][0],
                 "--reason", "nhầm"]) == ExitCode.CONFIG  # another dossier's code
    assert "đã được dùng cho hồ sơ khác" in capsys.readouterr().err
    assert main(["code", "set", "--archive", str(archive), temporary, "bad code!", "--reason", "x"]) == ExitCode.CONFIG
    assert main(["code", "set", "--archive", str(archive), temporary, "X-1", "--reason", " "]) == ExitCode.CONFIG
    real = "000.00.19.H49-240101-0001"
    assert main(["code", "set", "--archive", str(archive), temporary, real, "--reason", "mã trên phiếu hẹn",
                 "--operator", "van-thu"]) == ExitCode.OK
    assert "phiên bản mới" in capsys.readouterr().out
    with Catalog.for_archive(archive) as catalog:
        assert catalog.resolve(real) == dossier_id and catalog.resolve(dossier_id) == dossier_id
        row = catalog.dossier(dossier_id)
        assert row["code"] == real and row["record"]["code"] == real and row["record"]["code_generated"] is False
        change = [e for e in catalog.events(dossier_id) if e["event_type"] == "metadata modification"][-1]
        assert change["agent"] == "van-thu" and change["detail"].startswith("sohoa code set: ")
        assert json.loads(change["detail"].split(": ", 1)[1]) == {
            "field": "code", "action": "correct", "old": temporary, "new": real, "person": "van-thu",
            "reason": "mã trên phiếu hẹn"}
        assert [v["status"] for v in catalog.packages(dossier_id)] == ["superseded", "current"]
    exported = json.loads((archive / "records" / f"{dossier_id}.json").read_text(encoding="utf-8"))
    assert exported["code"] == real and exported["package"] == row["package"]
    package = archive / row["package"]  # the package carries the new code: its documents, EAD and record
    assert [p.name for p in (package / "representations/rep1/data").glob("*.pdf")] == [f"{real}.1.pdf"]
    assert etree.parse(str(package / "metadata/descriptive/EAD.xml")).getroot().findtext("arcFileCode") == \
        f"DEMO.DEMO.{real}"
    assert subprocess.run([str(EARK_VALIDATE), str(package)], capture_output=True).returncode == 0
    assert main(["search", "--archive", str(archive), "--json", real]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)[0]["code"] == real
    assert main(["retention", "hold", "--archive", str(archive), real, "--reason", "khiếu nại"]) == ExitCode.OK
    assert main(["retention", "release", "--archive", str(archive), real, "--reason", "xong"]) == ExitCode.OK
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK  # records/ and catalog agree


@pytest.fixture()
def other_device(tmp_path: Path) -> Iterator[Path]:
    """A folder on a file system of its own (a tmpfs mounted for the test): independent backup media."""
    mount = tmp_path / "media"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m,mode=0750", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_backup_verifies_and_restores_a_damaged_primary(archive: Path, tmp_path: Path, other_device: Path,
                                                        catalog_backend: Backend) -> None:
    copy = other_device / "backup"
    assert main(["backup", "--archive", str(archive), "--to", str(copy)]) == ExitCode.OK
    assert main(["fixity", "--archive", str(copy), "--no-record"]) == ExitCode.OK
    assert not (copy / "catalog.url").exists()  # a copy is self-contained, whatever the primary's database
    with Catalog(copy / "catalog.sqlite") as copied:
        assert copied.dialect == "sqlite" and copied.count() == len(DOSSIERS)
        assert copied.search("nguyen van an")[0]["code"] == CODE
        assert len(copied.packages()) == len(DOSSIERS) and copied.package_files(copied.packages()[0]["objid"])
    assert main(["backup", "--archive", str(archive), "--to", str(copy)]) == ExitCode.OK  # incremental
    damaged = _package(archive, CODE)
    _flip(damaged / f"representations/rep1/data/{CODE}.1.pdf")
    gone = _package(archive, DOSSIERS[1][0])
    unseal_dirs(gone)
    for path in sorted(gone.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    gone.rmdir()
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.VERIFY_FAILED
    fresh = other_device / "fresh-backup"
    assert main(["backup", "--archive", str(archive), "--to", str(fresh)]) == ExitCode.VERIFY_FAILED
    assert not (fresh / damaged.relative_to(archive)).exists()  # damage is never copied
    assert main(["backup", "--archive", str(archive), "--restore-from", str(copy)]) == ExitCode.OK
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    assert any((archive / ".damaged").rglob(f"{CODE}.1.pdf"))  # evidence kept
    result = subprocess.run([str(EARK_VALIDATE), str(damaged), str(gone)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
    _lose_catalog(archive, catalog_backend)
    assert main(["backup", "--archive", str(archive), "--restore-from", str(copy)]) == ExitCode.OK
    with Catalog.for_archive(archive) as catalog:
        assert len(catalog.records()) == len(DOSSIERS)
        assert catalog.search("nguyen van an")[0]["code"] == CODE
        assert [e["event_type"] for e in catalog.archive_events()][-1] == "recovery"
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK


def test_backup_counts_verified_copies_and_refuses_the_archives_own_device(
        archive: Path, tmp_path: Path, other_device: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = tmp_path / "same-disk-backup"
    assert main(["backup", "--archive", str(archive), "--to", str(same)]) == ExitCode.CANNOT_RUN
    err = capsys.readouterr().err
    assert "same file system" in err and "thiết bị" in err and not same.exists()
    assert main(["backup", "--archive", str(archive), "--status"]) == ExitCode.VERIFY_FAILED
    assert f"{len(DOSSIERS)} hồ sơ có ít hơn 2 bản sao" in capsys.readouterr().out
    assert main(["backup", "--archive", str(archive), "--to", str(other_device / "one")]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"{len(DOSSIERS)} hồ sơ có ít hơn 2 bản sao" in out and f"{CODE}: 1 bản sao" in out
    assert main(["backup", "--archive", str(archive), "--to", str(other_device / "one")]) == ExitCode.OK
    assert f"{CODE}: 1 bản sao" in capsys.readouterr().out  # the same target counts once
    assert main(["backup", "--archive", str(archive), "--to", str(same), "--force"]) == ExitCode.OK
    assert "ít nhất 2 bản sao" in capsys.readouterr().out
    assert main(["backup", "--archive", str(archive), "--status"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.count("Bản sao ") == 2 and f"{len(DOSSIERS)} gói đạt" in out
    site = tmp_path / "site.yaml"
    site.write_text("archive:\n  backup-copies: 3\n", encoding="utf-8")
    assert main(["backup", "--archive", str(archive), "--status", "--config", str(site)]) == ExitCode.VERIFY_FAILED
    assert f"{CODE}: 2 bản sao" in capsys.readouterr().out
    with Catalog.for_archive(archive) as catalog:
        replications = [e for e in catalog.archive_events() if e["event_type"] == "replication"]
        assert len(replications) == 3 and all(e["outcome"] == "success" for e in replications)


def _lose_catalog(archive: Path, backend: Backend) -> None:
    """Destroy the primary catalog: a corrupt SQLite file, or a PostgreSQL database the DBA recreated empty."""
    if backend.name == "sqlite":
        (archive / "catalog.sqlite").write_bytes(b"not a database")
        for extra in archive.glob("catalog.sqlite-*"):
            extra.unlink()
        return
    name = backend.url.rsplit("/", 1)[1]
    with backend.cluster.admin() as db:
        db.execute(f'DROP DATABASE "{name}"')
        db.execute(f'CREATE DATABASE "{name}" OWNER sohoa')


def test_backup_refuses_a_folder_inside_the_archive(archive: Path) -> None:
    assert main(["backup", "--archive", str(archive), "--to", str(archive / "copy")]) == ExitCode.CANNOT_RUN
