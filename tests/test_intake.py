"""Scanner intake: stacks split at QR separator sheets, dossier codes, hot folder, profiles."""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import SAMPLES, still_being_written
from PIL import Image

from configs.scanner_schema import ScannerProfile
from sample_docs._degrade import DEMO, degrade
from sample_docs._stacks import StackPlan, expected_dossiers, write_stack
from scanners import codes
from scanners.discover import discover, dossier_id_for
from scanners.intake import collect, finish_sources, intake_event
from scanners.profiles import load_profile, profile_names
from scanners.read import read_pages
from scanners.separate import PageSignal, page_signal, split_stack
from scanners.sheets import render_sheet
from scanners.staging import with_jfif_dpi
from sohoa.errors import ConfigError

STACKS = SAMPLES / "stacks"


def _profile(name: str, **changes: object) -> ScannerProfile:
    return load_profile(name).model_copy(update={"settle_seconds": 0.0, **changes})


def _inbox_with(tmp_path: Path, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copyfile(STACKS / "inbox" / name, inbox / name)
    return inbox


def _truth(name: str) -> list[dict]:
    return expected_dossiers(json.loads((STACKS / "truth" / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def tiff_intake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    tmp = tmp_path_factory.mktemp("tiff-stack")
    inbox = _inbox_with(tmp, "stack-5-duplex-bw.tif")
    result = collect(inbox, tmp / "staging", profile=_profile("separator-sheets"))
    return inbox, tmp / "staging", result


def test_five_dossier_duplex_stack_is_split_at_the_right_pages_with_codes(tiff_intake: tuple) -> None:
    _, _, result = tiff_intake
    truth = _truth("stack-5-duplex-bw")
    assert len(truth) == 5 and result.problems == []
    assert [(d.code, list(d.origin_pages)) for d in result.dossiers] == [(t["code"], t["pages"]) for t in truth]
    # separator sides (the QR side and its blank back, also when the sheet went through face down)
    assert [[p for p, _ in d.separator_pages] for d in result.dossiers] == [t["separator_pages"] for t in truth]
    assert all(d.code_source == "separator" and not d.code_generated for d in result.dossiers)
    assert all("possible_merge" not in d.review for d in result.dossiers)


def test_staged_dossiers_are_read_by_the_pipeline_reader_as_folders(tiff_intake: tuple, tmp_path: Path) -> None:
    _, staging_dir, result = tiff_intake
    dossier = result.dossiers[0]
    assert dossier.shape == "folder" and dossier.source.parent == staging_dir.resolve()
    assert dossier.relative == f"stack-5-duplex-bw.tif#pages={dossier.origin_pages[0]}-{dossier.origin_pages[-1]}"
    pages = read_pages(dossier, tmp_path)
    assert len(pages) == len(dossier.origin_pages)
    assert all(p.dpi == 200 and p.dpi_known and p.mode == "1" for p in pages)
    event = intake_event(dossier)
    assert event["code"] == dossier.code and event["separator_pages"][0]["page"] == 1


def test_intake_again_gives_the_same_dossiers_without_redoing_the_split(tiff_intake: tuple) -> None:
    inbox, staging_dir, first = tiff_intake
    before = {p: p.stat().st_mtime_ns for p in staging_dir.rglob("page-*")}
    again = collect(inbox, staging_dir, profile=_profile("separator-sheets"))
    assert again.dossiers == first.dossiers
    assert {p: p.stat().st_mtime_ns for p in staging_dir.rglob("page-*")} == before
    assert not list(staging_dir.glob(".extract-*"))


def test_pdf_stack_with_upside_down_separators_keeps_jpeg_bytes_and_dpi(tmp_path: Path) -> None:
    inbox = _inbox_with(tmp_path, "stack-4-grey.pdf")
    result = collect(inbox, tmp_path / "staging", profile=_profile("separator-sheets", duplex=False))
    truth = _truth("stack-4-grey")
    assert [(d.code, list(d.origin_pages)) for d in result.dossiers] == [(t["code"], t["pages"]) for t in truth]
    with pikepdf.open(inbox / "stack-4-grey.pdf") as pdf:
        original = pdf.pages[truth[0]["pages"][0] - 1].Resources.XObject.Im0.read_raw_bytes()
    staged = result.dossiers[0].source / "page-0001.jpg"
    assert staged.read_bytes() == original  # not recompressed
    with Image.open(staged) as im:
        assert im.info["dpi"] == (200, 200)


@pytest.mark.parametrize(("dpi", "skew"), [(200, 5.0), (300, -4.6)])
def test_separator_scanned_upside_down_and_skewed_is_found(dpi: int, skew: float, tmp_path: Path) -> None:
    code = "000.00.31.H29-240115-0042"
    scan, _, _ = degrade(render_sheet(code, dpi=dpi), random.Random(dpi), profile=DEMO, dpi=dpi,
                         rotation=180, skew=skew, grey=True)
    path = tmp_path / "sep.jpg"
    scan.save(path, dpi=(dpi, dpi), quality=60)
    signal = page_signal(1, path, dpi)
    assert signal.separator == code and not signal.blank


def test_missing_separator_merges_two_dossiers_flagged_and_no_page_lost(tmp_path: Path) -> None:
    plan = StackPlan(dossiers=3, dpi=200, receipts=True, missing=(2,), max_form_pages=1, p_upside_down=0.5)
    path = write_stack(tmp_path, "merged", "pdf", plan, seed=5)
    truth = json.loads((tmp_path / "truth" / "merged.json").read_text(encoding="utf-8"))
    result = collect(path.parent, tmp_path / "staging", profile=_profile("separator-sheets", duplex=False))
    first, second = result.dossiers
    assert first.code == truth["dossiers"][0]["code"] and "possible_merge" in first.review
    assert list(first.origin_pages) == truth["dossiers"][0]["pages"] + truth["dossiers"][1]["pages"]
    assert second.code == truth["dossiers"][2]["code"] and "possible_merge" not in second.review
    stack_pages = sum(len(d["pages"]) + len(d["separator_pages"]) for d in truth["dossiers"])
    assert sum(len(d.origin_pages) + len(d.separator_pages) for d in result.dossiers) == stack_pages


def test_a_file_still_being_written_is_left_alone(tmp_path: Path) -> None:
    inbox = _inbox_with(tmp_path, "stack-4-grey.pdf")
    growing = inbox / "scanning.pdf"
    growing.write_bytes(b"%PDF-1.4\n")
    with still_being_written(growing, chunk=512):
        result = collect(inbox, tmp_path / "staging", profile=_profile("separator-sheets", settle_seconds=0.5))
    assert result.growing == [growing]
    assert {d.origin for d in result.dossiers} == {"stack-4-grey.pdf"}


def test_default_profile_is_todays_one_dossier_per_entry(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "inbox", inbox)
    today, _ = discover(inbox)
    result = collect(inbox, tmp_path / "staging", profile=_profile("default"))
    assert [(d.source, d.relative, d.shape) for d in result.dossiers] == \
        [(d.source, d.relative, d.shape) for d in today]
    # the id names the content too: a new scan saved under an old name is a new dossier
    assert all(d.dossier_id == dossier_id_for(d.relative, content=codes.content_digest(d.source))
               for d in result.dossiers)
    assert all(d.code_generated and d.code.startswith(codes.GENERATED_PREFIX) for d in result.dossiers)
    assert all(d.review == ("code_generated",) for d in result.dossiers)
    assert len({d.code for d in result.dossiers}) == len(result.dossiers)
    assert not (tmp_path / "staging").exists()
    assert collect(inbox, tmp_path / "staging", profile=_profile("default")).dossiers == result.dossiers


def test_codes_from_manifest_and_file_name_and_their_conflicts(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "hs_000.00.31.H29-240101-0007").mkdir(parents=True)
    Image.new("L", (100, 100), 255).save(inbox / "hs_000.00.31.H29-240101-0007" / "page-1.png")
    Image.new("L", (100, 100), 255).save(inbox / "b.png")
    Image.new("L", (100, 100), 255).save(inbox / "c.png")
    (inbox / "manifest.csv").write_text("\ufefftệp,mã hồ sơ,lĩnh vực\nb.png,X-1,hộ tịch\n"
                                        "hs_000.00.31.H29-240101-0007,X-2,\n", encoding="utf-8")
    pattern = r"hs_(?P<code>[0-9A-Z.]+-\d{6}-\d{4})"
    profile = _profile("default").model_copy(update={"code": load_profile("default").code.model_copy(
        update={"sources": ("file-name", "manifest"), "file_name_pattern": pattern})})
    got = {d.relative: d for d in collect(inbox, tmp_path / "staging", profile=profile).dossiers}
    assert set(got) == {"b.png", "c.png", "hs_000.00.31.H29-240101-0007/"}
    folder = got["hs_000.00.31.H29-240101-0007/"]
    assert (folder.code, folder.code_source, folder.review) == ("000.00.31.H29-240101-0007", "file-name",
                                                               ("code_conflict",))
    assert (got["b.png"].code, got["b.png"].category, got["b.png"].review) == ("X-1", "hộ tịch", ())
    assert got["c.png"].code_generated


def test_split_rules_page_count_blank_sheets_and_duplex_separator_sides() -> None:
    blank = {3, 4, 7}
    signals = [PageSignal(i, blank=i in blank) for i in range(1, 10)]
    assert [s.pages for s in split_stack(signals, mode="page-count", pages_per_dossier=4)] == \
        [(1, 2, 3, 4), (5, 6, 7, 8), (9,)]
    assert split_stack(signals, mode="page-count", pages_per_dossier=4)[-1].flags == ("short_dossier",)
    assert [s.pages for s in split_stack(signals, mode="blank-sheet", duplex=True)] == [(1, 2), (5, 6, 7, 8, 9)]
    assert [s.pages for s in split_stack(signals, mode="blank-sheet")] == [(1, 2), (5, 6), (8, 9)]
    # duplex: the separator is fed face down (QR on page 4), its blank front (3) goes with it
    seps = [PageSignal(i, blank=i == 3, separator="B" if i == 4 else None) for i in range(1, 7)]
    cut = split_stack(seps, mode="separator-sheet", duplex=True)
    assert [(s.pages, s.separator_pages, s.separator_code, s.flags) for s in cut] == \
        [((1, 2), (), None, ("no_separator",)), ((5, 6), (3, 4), "B", ())]


def test_generated_codes_are_stable_and_distinct_per_page_range(tmp_path: Path) -> None:
    file = tmp_path / "a.pdf"
    file.write_bytes(b"%PDF-1.4 one")
    digest = codes.content_digest(file)
    assert codes.generated_code(digest, 1, 3) == codes.generated_code(codes.content_digest(file), 1, 3)
    assert codes.generated_code(digest, 1, 3) != codes.generated_code(digest, 4, 6)
    file.write_bytes(b"%PDF-1.4 two")
    assert codes.generated_code(codes.content_digest(file), 1, 3) != codes.generated_code(digest, 1, 3)


def test_processed_sources_move_to_a_dated_folder_only_when_all_archived(tiff_intake: tuple,
                                                                         tmp_path: Path) -> None:
    _, _, result = tiff_intake
    inbox = _inbox_with(tmp_path, "stack-5-duplex-bw.tif")
    dossiers, profile = result.dossiers, _profile("separator-sheets")
    from datetime import date

    day = date(2025, 3, 4)
    assert finish_sources(inbox, dossiers, {d.dossier_id for d in dossiers[:-1]}, profile=profile, today=day) == []
    assert finish_sources(inbox, dossiers, {d.dossier_id for d in dossiers},
                          profile=profile.model_copy(update={"move_processed": False}), today=day) == []
    moved = finish_sources(inbox, dossiers, {d.dossier_id for d in dossiers}, profile=profile, today=day)
    assert moved == [inbox / "processed" / "2025-03-04" / "stack-5-duplex-bw.tif"]
    assert moved[0].read_bytes() == (STACKS / "inbox" / "stack-5-duplex-bw.tif").read_bytes()
    assert not (inbox / "stack-5-duplex-bw.tif").exists()
    assert discover(inbox)[0] == []  # processed/ is not taken again


def test_shipped_profiles_load_and_a_bad_key_is_named_with_its_line(tmp_path: Path) -> None:
    assert {"default", "separator-sheets", "page-count", "blank-sheet"} <= set(profile_names())
    for name in profile_names():
        load_profile(name)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsplit: separator-sheet\ndupplex: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml:3: dupplex"):
        load_profile(bad)
    bad.write_text("split: page-count\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="pages-per-dossier"):
        load_profile(bad)


def test_sohoa_separator_prints_sheets_whose_qr_reads_back(tmp_path: Path) -> None:
    from pipeline.cli import main

    out = tmp_path / "sheets.pdf"
    assert main(["separator", "--code", "000.00.31.H29-240115-0009", "--count", "2", "--output", str(out)]) == 0
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
        image = pikepdf.PdfImage(next(iter(pdf.pages[1].get_images().values()))).as_pil_image()
    image.save(tmp_path / "p2.png", dpi=(300, 300))
    assert page_signal(2, tmp_path / "p2.png", 300).separator == "000.00.31.H29-240115-0010"
    assert main(["separator", "--code", "NO-NUMBER-X", "--count", "2", "--output", str(out)]) == 4


def test_jfif_density_is_written_without_touching_the_image_data() -> None:
    buf = io.BytesIO()
    Image.new("L", (16, 16), 128).save(buf, "JPEG")
    plain = buf.getvalue()
    fixed = with_jfif_dpi(plain, 200)
    with Image.open(io.BytesIO(fixed)) as im:
        assert im.info["dpi"] == (200, 200)
    assert fixed[20:] == plain[20:]


def test_every_skipped_inbox_entry_is_a_problem_with_its_reason(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import socket

    from pipeline.cli import main

    inbox = tmp_path / "inbox"
    (inbox / "processed").mkdir(parents=True)  # sohoa's own area: neither a dossier nor a problem
    Image.new("L", (100, 100), 255).save(inbox / "real.png")
    (inbox / "link.png").symlink_to("/etc/passwd")
    os.mkfifo(inbox / "pipe.pdf")
    (inbox / ".scan-0001.part").write_bytes(b"partial")
    (inbox / "~$ghi-chu.docx").write_bytes(b"lock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(inbox / "agent.sock"))
    try:
        result = collect(inbox, tmp_path / "staging", profile=_profile("default"))
        assert [d.relative for d in result.dossiers] == ["real.png"]
        assert sorted((p.relative, p.reason, p.detail, p.skipped) for p in result.problems) == [
            (".scan-0001.part", "skipped_hidden", "", True), ("agent.sock", "skipped_special", "socket", True),
            ("link.png", "skipped_link", "symlink", True), ("pipe.pdf", "skipped_special", "fifo", True),
            ("~$ghi-chu.docx", "skipped_temporary", "", True)]
        assert main(["intake", "--inbox", str(inbox), "--staging", str(tmp_path / "staging"), "--json"]) == 3
        problems = json.loads(capsys.readouterr().out)["problems"]
        assert {"relative": "link.png", "reason": "skipped_link", "detail": "symlink", "skipped": True} in problems
    finally:
        listener.close()


def test_a_code_the_archive_would_refuse_is_flagged_at_intake(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("HS-Đ01.png", "HS 02.png", "HS-2025-0003.png", "000.00.31.H29-240101-0004.png"):
        Image.new("L", (100, 100), 255).save(inbox / name)
    code = load_profile("default").code.model_copy(update={
        "sources": ("file-name",), "file_name_pattern": r"^(?P<code>.+)\.png$",
        "valid_pattern": r"[0-9A-Z.]+-\d{6}-\d{4}"})
    profile = _profile("default").model_copy(update={"code": code})
    got = {d.relative: d.review for d in collect(inbox, tmp_path / "staging", profile=profile).dossiers}
    assert got == {"HS-Đ01.png": ("invalid_code",), "HS 02.png": ("invalid_code",),
                   "HS-2025-0003.png": ("code_pattern_mismatch",), "000.00.31.H29-240101-0004.png": ()}


def test_sohoa_separator_refuses_codes_the_archive_would_refuse(tmp_path: Path) -> None:
    from pipeline.cli import main

    out = tmp_path / "sheets.pdf"
    for bad in ("HS/2025/01", "Hồ-sơ-01", ".an-di", "x" * 101):
        assert main(["separator", "--code", bad, "--output", str(out)]) == 4
    assert main(["separator", "--code", "A" * 96 + "9999", "--count", "2", "--output", str(out)]) == 4  # 101 chars
    assert not out.exists()


def test_one_definition_of_a_valid_code_agrees_with_the_archive() -> None:
    from archive.model import _CODE_RE

    rng = random.Random(17)
    alphabet = "AZaz09._-/ Đđơưáạ\\:#%\t\n" + "0123456789"
    samples = ["", "A", "-A", "A" * 100, "A" * 101, "000.00.31.H29-240101-0004", "SOHOA-TAM-0A1B2C3D4E5F"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 110))) for _ in range(3000)]
    for sample in samples:
        assert codes.is_valid_code(sample) == bool(_CODE_RE.fullmatch(sample)), repr(sample)
    assert codes.is_valid_code(codes.generated_code("0" * 64, 1, 2))
