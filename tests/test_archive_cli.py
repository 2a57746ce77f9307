"""The archive-care commands end to end on a small real archive: fixity, search, retention, backup.

The archive is built with the real package writer and catalog (no pipeline run, to stay fast),
once with the archive's own SQLite catalog and once with a real PostgreSQL catalog (which the
commands find through ``catalog.url``); packages are checked with ``eark-validate`` after a restore.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import DBAPIError
from eark import EARK_VALIDATE
from test_catalog_backends import BACKENDS, Backend, backend_for

from archive import Catalog, DossierMetadata, PremisEvent, build_package, load_schedule, retention_for
from archive._xml import unseal_dirs
from archive.model import VN_TZ
from pipeline.cli import main
from sohoa.errors import ExitCode

NAME = "Nguyễn Văn An"
CCCD = "001090012345"
DOSSIERS = (  # code, form type, year the matter ended
    ("H49-2010-0001", "ct01", 2010),         # 10 years: expired
    ("H49-2012-0002", "ho_kinh_doanh", 2012),  # 20 years: not expired
    ("H49-2000-0003", "khai_sinh", 2000),    # permanent
)


@pytest.fixture(params=BACKENDS)
def catalog_backend(request: pytest.FixtureRequest) -> Backend:
    """Run the test on the archive's SQLite file, then on a PostgreSQL database."""
    return backend_for(request.param)


def _make_archive(root: Path, src: Path, backend: Backend) -> None:
    """Three archived dossiers with packages, catalog rows, retention and export records."""
    src.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src / "doc.pdf")
    schedule = load_schedule()
    at = datetime(2024, 1, 2, 9, 30, tzinfo=VN_TZ)
    for n, (code, form, year) in enumerate(DOSSIERS):
        text = src / f"{code}.txt"
        person = NAME if n == 0 else f"Trần Thị Bình {n}"
        text.write_text(f"Họ, chữ đệm, tên: {person}\n", encoding="utf-8")
        retention = retention_for(schedule, form, year)
        meta = DossierMetadata(dossier_code=code, title="Tờ khai", form_type=form, number_of_pages=1,
                               number_of_paper=1, start_date=date(year, 1, 1), end_date=date(year, 6, 1),
                               maintenance=retention.maintenance, retention_years=retention.years)
        package = build_package(archive_root=root, meta=meta, documents=[src / "doc.pdf"],
                                extra_files={"ocr/text.txt": text},
                                events=[PremisEvent("transfer", at, "success", "scan", "sohoa test")])
        record = {"dossier_id": code, "source": code, "form_type": form,
                  "pages": [{"source_page": 1, "text": f"Họ, chữ đệm, tên: {person}"}],
                  "fields": {"so_cccd": {"value": CCCD if n == 0 else f"00109001234{n}"}},
                  "pdf": f"packages/{package.name}/representations/rep1/data/{code}.1.pdf",
                  "package": f"packages/{package.name}"}
        (root / "records").mkdir(exist_ok=True)
        (root / "records" / f"{code}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        with backend.open(root) as catalog:
            catalog.upsert_dossier(record, retention=retention)


@pytest.fixture()
def archive(tmp_path: Path, catalog_backend: Backend) -> Path:
    root = tmp_path / "archive"
    _make_archive(root, tmp_path / "src", catalog_backend)
    assert (root / "catalog.url").exists() == (catalog_backend.name == "postgresql")
    return root


def _package(archive: Path, code: str) -> Path:
    with Catalog.for_archive(archive) as catalog:
        return archive / catalog.packages(code)[-1]["path"]


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
        checks = [e for e in catalog.events(DOSSIERS[0][0]) if e["event_type"] == "fixity check"]
        assert [e["outcome"] for e in checks] == ["success", "failure"]
        assert catalog.archive_events()[-1]["outcome"] == "failure"
    assert len(list((archive / "audits").glob("fixity-*.premis.xml"))) >= 1


def test_search_without_diacritics_by_cccd_and_code(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for query in (["nguyen", "van", "an"], ["NGUYEN VAN AN"], [CCCD], [DOSSIERS[0][0]]):
        capsys.readouterr()
        assert main(["search", "--archive", str(archive), "--json", *query]) == ExitCode.OK
        hits = json.loads(capsys.readouterr().out)
        assert hits and hits[0]["dossier_id"] == DOSSIERS[0][0], query
    main(["search", "--archive", str(archive), "nguyen van an"])
    out = capsys.readouterr().out
    assert f"{DOSSIERS[0][0]}\ttrang 1\t" in out and NAME in out


def test_retention_due_lists_exactly_the_expired(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "due.xlsx"
    assert main(["retention", "due", "--archive", str(archive), "--as-of", "2021-01-01",
                 "--output", str(out)]) == ExitCode.OK
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[2][1] == "Mã hồ sơ"
    assert [r[1] for r in rows[3:]] == [DOSSIERS[0][0]]
    assert rows[3][6] == "31/12/2020" and rows[3][8] == "CHƯA XÁC NHẬN"
    assert main(["retention", "due", "--archive", str(archive), "--as-of", "31/12/2020",
                 "--output", str(out)]) == ExitCode.OK
    assert len(list(load_workbook(out).active.iter_rows(values_only=True))) == 3  # header only
    assert all(p.exists() for p in (archive / "packages").rglob("*.pdf"))


def test_dispose_refuses_then_destroys_content_and_keeps_the_record(archive: Path, tmp_path: Path,
                                                                    catalog_backend: Backend,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = DOSSIERS[0][0]
    listing = tmp_path / "approved.xlsx"
    main(["retention", "due", "--archive", str(archive), "--output", str(listing)])
    package = _package(archive, code)
    pdf = package / f"representations/rep1/data/{code}.1.pdf"
    assert main(["retention", "dispose", "--archive", str(archive), "--list", str(listing)]) == ExitCode.CONFIG
    assert main(["retention", "hold", "--archive", str(archive), code, "--reason", "thanh tra"]) == ExitCode.OK
    capsys.readouterr()
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--list", str(listing)]) == ExitCode.CANNOT_RUN
    assert "legal hold" in capsys.readouterr().err
    early = tmp_path / "early.txt"
    early.write_text(f"{DOSSIERS[1][0]}\n", encoding="utf-8")
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--list", str(early)]) == ExitCode.CANNOT_RUN
    assert pdf.exists()
    assert main(["retention", "release", "--archive", str(archive), code, "--reason", "xong"]) == ExitCode.OK
    assert main(["retention", "dispose", "--archive", str(archive), "--decision", "12/QĐ-UBND",
                 "--list", str(listing), "--operator", "luu-tru-vien"]) == ExitCode.OK
    assert not pdf.exists() and not (package / "representations/rep1/metadata/other/ocr/text.txt").exists()
    assert (package / "metadata/descriptive/EAD.xml").exists() and (package / "METS.xml").exists()
    with Catalog.for_archive(archive) as catalog:
        row = catalog.dossier(code)
        assert row["status"] == "disposed" and row["record"]["fields"] == {}
        destroyed = catalog.disposals(code)
        assert {d["path"] for d in destroyed} >= {f"representations/rep1/data/{code}.1.pdf"}
        assert all(len(d["sha256"]) == 64 and d["decision"] == "12/QĐ-UBND" for d in destroyed)
        assert [e["event_type"] for e in catalog.events(code)][-1] == "deletion"
        assert catalog.search("nguyen van an") == []
    record = json.loads(next((archive / "disposals").glob("*.json")).read_text(encoding="utf-8"))
    assert record["operator"] == "luu-tru-vien" and record["dossiers"][0]["dossier_id"] == code
    assert NAME not in (archive / "records" / f"{code}.json").read_text(encoding="utf-8")
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK  # destroyed files are expected gone
    with pytest.raises(DBAPIError, match="append-only"):
        catalog_backend.raw(archive, "DELETE FROM disposals")


def test_backup_verifies_and_restores_a_damaged_primary(archive: Path, tmp_path: Path,
                                                        catalog_backend: Backend) -> None:
    copy = tmp_path / "backup"
    assert main(["backup", "--archive", str(archive), "--to", str(copy)]) == ExitCode.OK
    assert main(["fixity", "--archive", str(copy), "--no-record"]) == ExitCode.OK
    assert not (copy / "catalog.url").exists()  # a copy is self-contained, whatever the primary's database
    with Catalog(copy / "catalog.sqlite") as copied:
        assert copied.dialect == "sqlite" and copied.count() == len(DOSSIERS)
        assert copied.search("nguyen van an")[0]["dossier_id"] == DOSSIERS[0][0]
        assert len(copied.packages()) == len(DOSSIERS) and copied.package_files(copied.packages()[0]["objid"])
    assert main(["backup", "--archive", str(archive), "--to", str(copy)]) == ExitCode.OK  # incremental
    damaged = _package(archive, DOSSIERS[0][0])
    _flip(damaged / f"representations/rep1/data/{DOSSIERS[0][0]}.1.pdf")
    gone = _package(archive, DOSSIERS[1][0])
    unseal_dirs(gone)
    for path in sorted(gone.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    gone.rmdir()
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.VERIFY_FAILED
    fresh = tmp_path / "fresh-backup"
    assert main(["backup", "--archive", str(archive), "--to", str(fresh)]) == ExitCode.VERIFY_FAILED
    assert not (fresh / damaged.relative_to(archive)).exists()  # damage is never copied
    assert main(["backup", "--archive", str(archive), "--restore-from", str(copy)]) == ExitCode.OK
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    assert any((archive / ".damaged").rglob(f"{DOSSIERS[0][0]}.1.pdf"))  # evidence kept
    result = subprocess.run([str(EARK_VALIDATE), str(damaged), str(gone)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
    _lose_catalog(archive, catalog_backend)
    assert main(["backup", "--archive", str(archive), "--restore-from", str(copy)]) == ExitCode.OK
    with Catalog.for_archive(archive) as catalog:
        assert len(catalog.records()) == len(DOSSIERS)
        assert catalog.search("nguyen van an")[0]["dossier_id"] == DOSSIERS[0][0]
        assert [e["event_type"] for e in catalog.archive_events()][-1] == "recovery"
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK


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
