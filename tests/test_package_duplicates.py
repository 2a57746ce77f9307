"""Two citizens, one code: ``sohoa run`` archives one, holds the other for review, and says so.

Two different scans arrive whose file names carry the same dossier code (a scanner profile reads
the code from the name). The first is archived; the second is quarantined with the reason
``duplicate_code`` and named in the run report; no METS declares another citizen's package
replaced. Running the batch again changes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lxml import etree

from conftest import SAMPLES
from pipeline.cli import main
from sohoa.errors import ExitCode

METS = "{http://www.loc.gov/METS/}"
PROFILE = """name: code-in-name
description: "Mã hồ sơ trong tên tệp"
split: per-entry
code:
  sources: [file-name]
  file-name-pattern: "^(?P<code>H49-[0-9]+)_"
  generate-missing: true
move-processed: false
"""


def test_a_second_dossier_under_a_used_code_is_held_and_reported(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "inbox" / "khai_sinh-pdf.pdf", inbox / "H49-0001_nguyen.pdf")
    shutil.copy2(SAMPLES / "inbox" / "ct01-pdf.pdf", inbox / "H49-0001_tran.pdf")
    (tmp_path / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    args = ["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--profile",
            str(tmp_path / "profile.yaml")]
    assert main(args) == ExitCode.INCOMPLETE
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    reasons = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "quarantine").glob("*/reason.json")]
    assert [r["code"] for r in records] == ["H49-0001"]
    assert [r["reason"] for r in reasons] == ["duplicate_code"]
    assert {records[0]["source"], reasons[0]["source"]} == {"H49-0001_nguyen.pdf", "H49-0001_tran.pdf"}
    copies = list((archive / "quarantine").glob("*/original/*"))
    assert [c.read_bytes() for c in copies] == [(inbox / reasons[0]["source"]).read_bytes()]
    assert len(list((archive / "packages").iterdir())) == 1
    for mets in archive.rglob("METS.xml"):
        assert etree.parse(str(mets)).getroot().find(f"{METS}metsHdr").get("RECORDSTATUS") == "NEW"
    report = sorted((archive / "reports").glob("run-*.txt"))[-1].read_text(encoding="utf-8")
    assert f"Cách ly: H49-0001 — {reasons[0]['source']}" in report and "Mã hồ sơ này đã được dùng" in report
    assert main(args) == ExitCode.INCOMPLETE  # again: still held, still one package
    assert len(list((archive / "packages").iterdir())) == 1
