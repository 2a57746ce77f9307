"""The demo's tour (``sample_docs/demo_tour.py``), run here as ``bash setup.sh demo`` runs it, so the
demo cannot rot between CI runs: a lost catalog detected and rebuilt on a copy, and a clerk's
decision through a real ``sohoa review`` server becoming a new package version."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from conftest import SAMPLES
from review_support import built_archive, copy_archive, flag, make_removable
from sample_docs import demo_tour

KS = "khai_sinh-pdf.pdf"


@pytest.fixture()
def archive(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):  # noqa: ANN201
    root = copy_archive(built_archive(tmp_path_factory), tmp_path / "archive")
    yield root
    make_removable(root)


def test_the_catalog_step_detects_the_loss_and_rebuilds(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in archive.iterdir())
    assert demo_tour.main(["catalog", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "sohoa catalog rebuild" in out and "same search answer" in out
    assert "Không có danh mục lưu trữ" in out  # search refused in Vietnamese, naming the fix
    assert sorted(p.name for p in archive.iterdir()) == before  # the demo archive itself untouched
    assert not archive.with_name("archive-ban-sao").exists()  # the copy is cleaned up


def test_the_station_step_records_a_clerks_decision(archive: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    flag(archive, KS, {"ngay_sinh": {"reason": "invalid_date", "value": "23/O3/2023"}})
    account = tmp_path / "tai-khoan.txt"
    assert demo_tour.main(["station", str(archive), str(SAMPLES / "truth"), "--account-file", str(account)]) == 0
    out = capsys.readouterr().out
    assert "field ngay_sinh" in out and ": correct" in out and "fixity is clean" in out
    assert stat.S_IMODE(account.stat().st_mode) == 0o600 and "password:" in account.read_text(encoding="utf-8")
    truth = json.loads((SAMPLES / "truth" / "khai_sinh-pdf.json").read_text(encoding="utf-8"))["fields"]
    record = next(json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")
                  if json.loads(p.read_text(encoding="utf-8"))["source"] == KS)
    assert record["fields"]["ngay_sinh"]["value"] == truth["ngay_sinh"]
    assert record["fields"]["ngay_sinh"]["status"] == "corrected"
    assert truth["ngay_sinh"] not in out  # values are never printed


def test_the_records_step_dates_from_the_papers_and_sets_a_real_code(archive: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rows = {json.loads(p.read_text(encoding="utf-8"))["source"]: json.loads(p.read_text(encoding="utf-8"))
            for p in (archive / "records").glob("*.json")}
    old = rows["ket_hon-tiff.tif"]["code"]
    received = tmp_path / "tiep-nhan.csv"
    received.write_text(f"Mã hồ sơ,Ngày tiếp nhận\n{old},05/01/2026\n", encoding="utf-8")
    assert demo_tour.main(["records", str(archive), str(received)]) == 0
    out = capsys.readouterr().out
    new = "000.00.19.H49-260105-0001"
    assert "2/2 dossiers dated from their own papers, 0 from the scan date" in out
    assert "component/to_khai_ket_hon ngày " in out and f"{old} is now {new}" in out
    record = next(json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")
                  if json.loads(p.read_text(encoding="utf-8"))["source"] == "ket_hon-tiff.tif")
    assert record["code"] == new and record["dates"] == rows["ket_hon-tiff.tif"]["dates"]  # dated from its paper
    assert rows["khai_sinh-pdf.pdf"]["fields"]["ho_ten"]["value"] not in out  # values are never printed


def test_bad_inputs_are_written_with_their_reasons(tmp_path: Path) -> None:
    assert demo_tour.main(["bad-inputs", str(tmp_path / "inbox")]) == 0
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "inbox").iterdir()}
    assert set(sizes) == {"rong.tif", "cut.jpg", "ghi-chu.pdf", "khoa.pdf"} and sizes["rong.tif"] == 0
