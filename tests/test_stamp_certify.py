"""Pages below the digitization standard: the signing profile decides whether the dossier is certified.

Runs the pipeline's ``sign`` stage on a work folder: a greyscale page (a greyscale master misses
NĐ 30/2020's colour requirement) is signed without the "SAO Y" stamp by default and certified
when the profile allows it; a colour page is always certified.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from ocr.dossier import save_geometry
from ocr.model import PageGeometry
from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
from sohoa.clock import VN_TZ
from pipeline.tasks import DossierTask, sign


def _task(tmp_path: Path, *, greyscale: bool, config: str = "") -> DossierTask:
    work = tmp_path / "work"
    folder = work / "hs-test"
    folder.mkdir(parents=True)
    image = tmp_path / "page.jpg"
    Image.new("L" if greyscale else "RGB", (827, 1169), 245).save(image, dpi=(100, 100))
    geometry = PageGeometry(1, False, 0, 0.0, 827, 1169, 200.0, ("greyscale",) if greyscale else ())
    save_geometry([geometry], folder / "geometry.json")
    build_pdfa([PdfPage(image, geometry, None)], folder / "document.pdf",
               metadata=PdfMetadata("Hồ sơ", "test", "sohoa tests", datetime.now(VN_TZ)))
    return DossierTask(dossier_id="hs-test", source=str(image), relative="page.jpg", shape="image", work=str(work),
                       archive=str(tmp_path / "archive"), config=config)


def _stamp_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("greyscale", [True, False], ids=["greyscale", "colour"])
def test_default_profile_certifies_only_pages_to_the_standard(tmp_path: Path, greyscale: bool) -> None:
    task = _task(tmp_path, greyscale=greyscale)
    sign(task)
    facts = json.loads(task.path("sign.json").read_text(encoding="utf-8"))
    assert facts["certified"] is (not greyscale)
    assert facts["below_standard"] == ([{"source_page": 1, "rules": ["greyscale"]}] if greyscale else [])
    assert ("SAO Y" in _stamp_text(task.path("signed.pdf"))) is (not greyscale)
    with pikepdf.open(task.path("signed.pdf")) as pdf:
        field = pdf.Root.AcroForm.Fields[0]
        assert "/V" in field  # signed either way: the agency's signature seals the archived copy
        area = [float(v) for v in field.get("/Rect", [0, 0, 0, 0])]
        assert (area[2] - area[0] > 0) is (not greyscale)


def test_a_profile_may_certify_pages_below_the_standard(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("signing:\n  profiles:\n    archive:\n      level: B-LTA\n      certify-below-standard: true\n",
                      encoding="utf-8")
    task = _task(tmp_path, greyscale=True, config=str(config))
    sign(task)
    facts = json.loads(task.path("sign.json").read_text(encoding="utf-8"))
    assert facts["certified"] is True and facts["below_standard"] == [{"source_page": 1, "rules": ["greyscale"]}]
    assert "SAO Y" in _stamp_text(task.path("signed.pdf"))
