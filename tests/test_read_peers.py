"""`sohoa run` over the kinds of files from peers' test suites that once broke it: each ends archived
(pages at their physical size, PDF/A-2b) or quarantined with its reason; none "failed"."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import page as pdfa_validator
import pikepdf
import pytest
from inputs import caption_image, image_pdf, jbig2_pdf, png_header
from PIL import Image

from pipeline.cli import main
from sohoa.errors import ExitCode


def _form_pdf(path: Path) -> Path:
    """An AcroForm page: a text field and a check box drawn by their appearances, nothing else."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(216, 144))
        page = pdf.pages[0]
        box = pikepdf.Stream(pdf, b"0 0 0 RG 2 w 1 1 16 16 re S 3 3 m 15 15 l S")
        box.Type, box.Subtype, box.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 18, 18]
        fields = [pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Btn, T="Dong y", F=4,
            Rect=[20, 20, 38, 38], AP=pikepdf.Dictionary(N=box), P=page.obj)),
            pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                 FT=pikepdf.Name.Tx, T="Ho ten", F=4, Rect=[20, 60, 200, 90],
                                                 P=page.obj))]
        page.obj.Annots = pikepdf.Array(fields)
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=fields)
        pdf.save(path)
    return path


def _inbox(inbox: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """The inputs; returns (name → page size in pt expected in the archive, name → quarantine reason)."""
    inbox.mkdir()
    square = Image.new("L", (400, 400), 255)
    mask = Image.fromarray((np.asarray(caption_image((400, 400))) < 128).astype(np.uint8) * 255)
    image_pdf(inbox / "aspect.pdf", Image.new("RGB", (400, 200), (0, 0, 0)), page_pt=(288, 288),
              smask=mask.resize((400, 200)))
    image_pdf(inbox / "small-image.pdf", caption_image((300, 150)), page_pt=(420, 298), place=(60, 100, 150, 75))
    image_pdf(inbox / "dpi-2400.pdf", caption_image((4000, 2867)), page_pt=(120, 86))
    image_pdf(inbox / "two-pixels.pdf", square.resize((2, 2)), page_pt=(144, 144))
    jbig2_pdf(inbox / "jbig2.pdf", caption_image((850, 550)).point(lambda v: 255 if v > 128 else 0).convert("1"),
              page_pt=(612, 396))
    _form_pdf(inbox / "form.pdf")
    grey16 = np.asarray(caption_image((600, 400)), dtype=np.uint16) * 257
    Image.frombuffer("I;16B", (600, 400), grey16.astype(">u2").tobytes(), "raw", "I;16B", 0, 1).save(
        inbox / "grey16be.tif", dpi=(150, 150))
    ink = np.asarray(caption_image((600, 400))) < 128
    Image.fromarray(np.dstack([np.zeros_like(ink, np.uint8), np.where(ink, 255, 0).astype(np.uint8)]), "LA").save(
        inbox / "grey-alpha.tif", dpi=(150, 150))
    with pikepdf.new() as pdf:
        pdf.save(inbox / "no-pages.pdf")
    Image.new("L", (1, 1), 0).save(inbox / "one-pixel.tif")
    png_header(inbox / "bomb.png", 35_000, 35_000)
    sizes = {"aspect.pdf": (288, 288), "small-image.pdf": (420, 298), "dpi-2400.pdf": (120, 86),
             "two-pixels.pdf": (144, 144), "jbig2.pdf": (612, 396), "form.pdf": (216, 144),
             "grey16be.tif": (288, 192), "grey-alpha.tif": (288, 192)}
    reasons = {"no-pages.pdf": "no_pages", "one-pixel.tif": "degenerate_page", "bomb.png": "image_too_large"}
    return sizes, reasons


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("peers")
    inbox, archive = base / "inbox", base / "archive"
    sizes, reasons = _inbox(inbox)
    config = base / "site.yaml"
    config.write_text((Path(__file__).parents[1] / "configs" / "default.yaml").read_text(encoding="utf-8")
                      .replace("settle-seconds: 2 ", "settle-seconds: 0 "), encoding="utf-8")
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", "2",
                 "--config", str(config)])
    return {"archive": archive, "code": code, "sizes": sizes, "reasons": reasons}


def _records(archive: Path) -> dict[str, dict]:
    return {r["source"]: r for r in (json.loads(p.read_text(encoding="utf-8"))
                                     for p in (archive / "records").glob("*.json"))}


def test_every_input_is_archived_or_quarantined_with_its_reason_and_none_failed(run: dict) -> None:
    archive = run["archive"]
    assert run["code"] == ExitCode.INCOMPLETE
    quarantined = {b["source"]: b["reason"] for b in (json.loads(p.read_text(encoding="utf-8"))
                                                      for p in (archive / "quarantine").glob("*/reason.json"))}
    assert quarantined == run["reasons"]
    assert set(_records(archive)) == set(run["sizes"])
    assert not list((archive / ".work").glob("*/failure.json"))


def test_archived_pages_keep_their_physical_size_and_are_pdfa(run: dict) -> None:
    """The page's own size; page 1 of a page too small to hold the e-copy stamp beside its content is
    widened by the margin strip the signing stage records (README, "The e-copy stamp")."""
    archive = run["archive"]
    for source, record in _records(archive).items():
        pdf_path = archive / record["pdf"]
        with pikepdf.open(pdf_path) as pdf:
            box = [float(v) for v in pdf.pages[0].mediabox]
        sign = json.loads((archive / ".work" / record["dossier_id"] / "sign.json").read_text(encoding="utf-8"))
        width, height = run["sizes"][source]
        assert (box[2] - box[0], box[3] - box[1]) == pytest.approx((width, height + sign["margin_strip"]),
                                                                  abs=0.6), source
        assert sign["margin_strip"] % 72 == 0, source  # whole inches, above page 1 only
        result = pdfa_validator.validate_pdf(str(pdf_path), profile="2b")
        assert result.is_compliant, (source, [f.rule_id for f in result.failures])


def test_the_masked_caption_is_archived_as_text_on_white_not_a_black_bar(run: dict) -> None:
    record = _records(run["archive"])["aspect.pdf"]
    pages = json.loads((run["archive"] / ".work" / record["dossier_id"] / "pages.json").read_text(encoding="utf-8"))
    with Image.open(run["archive"] / ".work" / record["dossier_id"] / pages[0]["path"]) as im:
        dark = np.asarray(im.convert("L")) < 128
    assert 0.002 < dark.mean() < 0.25
