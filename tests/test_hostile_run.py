"""`sohoa run` on hostile inputs: foreign bytes never signed, codes checked before any OCR, budgets
quarantine once with a reason (never a failure retried every night)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from inputs import billion_laughs_pdf, caption_image, slow_page_pdf
from PIL import Image

from pipeline.cli import main
from sohoa.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
FOREIGN = (b"PK\x03\x04", b"MA-DOC-HAI", b"SERIAL-7C3F9912", b"Tran Van B", b"CaptureOnTouch")


def _scan_with_baggage(path: Path) -> bytes:
    """A JPEG page with EXIF (make, model, software, serial number, GPS), a comment and a ZIP appended."""
    exif = Image.Exif()
    exif[271], exif[272], exif[305] = "Canon", "DR-C225 II", "CaptureOnTouch"
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-7C3F9912"
    exif.get_ifd(0x8825)[2] = (21.0, 1.0, 30.0)
    buffer = io.BytesIO()
    caption_image((827, 584), "TỜ KHAI ĐĂNG KÝ", mode="RGB").save(
        buffer, "JPEG", quality=85, dpi=(100, 100), exif=exif, comment=b"nguoi-quet: Tran Van B")
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("ghi-chu.txt", "MA-DOC-HAI")
    path.write_bytes(buffer.getvalue() + payload.getvalue())
    return buffer.getvalue()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    inbox, archive = base / "inbox", base / "archive"
    inbox.mkdir()
    _scan_with_baggage(inbox / "HS-2025-0001.jpg")
    caption_image((827, 584), mode="RGB").save(inbox / "HS-Đ02.jpg", dpi=(100, 100))  # Đ: the archive refuses it
    billion_laughs_pdf(inbox / "HS-2025-0003.pdf")
    slow_page_pdf(inbox / "HS-2025-0004.pdf")
    config = base / "site.yaml"
    config.write_text((ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
                      .replace("settle-seconds: 2 ", "settle-seconds: 0 ")
                      .replace("render-timeout: 120 ", "render-timeout: 3   "), encoding="utf-8")
    profile = base / "names.yaml"
    profile.write_text('name: names\nsplit: per-entry\ncode:\n  sources: [file-name]\n'
                       '  file-name-pattern: "^(?P<code>[^.]+)\\\\."\n', encoding="utf-8")
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--config", str(config),
                 "--profile", str(profile), "--workers", "2"])
    reasons = {b["source"]: (b["reason"], b["dossier_id"]) for b in (
        json.loads(p.read_text(encoding="utf-8")) for p in (archive / "quarantine").glob("*/reason.json"))}
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    return {"archive": archive, "code": code, "reasons": reasons, "records": records}


def test_each_hostile_input_is_quarantined_once_with_its_reason(run: dict) -> None:
    assert run["code"] == ExitCode.INCOMPLETE
    assert {source: reason for source, (reason, _) in run["reasons"].items()} == {
        "HS-Đ02.jpg": "invalid_code", "HS-2025-0003.pdf": "budget_exceeded", "HS-2025-0004.pdf": "tool_timeout"}
    assert not list((run["archive"] / ".work").glob("*/failure.json"))


def test_an_invalid_code_is_refused_before_any_page_is_read_or_ocred(run: dict) -> None:
    _, dossier_id = run["reasons"]["HS-Đ02.jpg"]
    work = run["archive"] / ".work" / dossier_id
    assert not (work / "pages.json").exists() and not (work / "ocr.json").exists()


def test_bytes_appended_to_a_jpeg_never_reach_the_signed_pdf(run: dict) -> None:
    (record,) = run["records"]
    assert record["code"] == "HS-2025-0001"
    signed = (run["archive"] / record["pdf"]).read_bytes()
    for foreign in FOREIGN:
        assert foreign not in signed
    with pikepdf.open(run["archive"] / record["pdf"]) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        raw = image.read_raw_bytes()
    assert raw.startswith(b"\xff\xd8") and raw.endswith(b"\xff\xd9") and b"Exif" not in raw
    pages = json.loads((run["archive"] / ".work" / record["dossier_id"] / "pages.json").read_text(encoding="utf-8"))
    assert pages[0]["provenance"] == {"make": "Canon", "model": "DR-C225 II", "software": "CaptureOnTouch"}
    assert pages[0]["extraction"] == "jpeg"
