"""The e-copy stamp covers nothing: pages with real headers, OCR'd into PDF/A, then signed.

Each page goes through the real pipeline parts (preprocessing, Tesseract, the PDF/A writer) and is
signed with the demo chain. Then, as an inspector would check it:

- the revision before signing and the signed file are rendered and compared: every pixel the
  signature changed lies inside the stamp's box, and the original has no ink there;
- ``pdftotext``, with and without ``-layout``: each stamp line comes out as a line of its own, and
  every text line of page 1 before signing is still a line after;
- the signed file is still PDF/A-2b (page-validation), an incremental update of the original.

The pages: a decision with the national header top right (and the agency's top left) 15 mm from
the top edge (the stamp moves up into the top margin, on two lines), a CT01 form whose corner
note ("Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA…") sits 6 mm from the top and a page
written up to its top edge (no top margin a stamp fits in: a margin strip above the page), and a
page with a wide top margin (the usual place, three lines).
"""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import page as pdfa_validator
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from signing import StampText, ensure_demo_chain, load_pkcs12_signer, read_secret, sign_pdf
from sohoa.clock import VN_TZ

AGENCY = "Ủy ban nhân dân phường Bến Nghé"
FONTS = Path("/usr/share/fonts/truetype/liberation2")
DPI = 200
MM = DPI / 25.4
NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
CT01_NOTE = ("Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
             "ngày 17/11/2023 của Bộ trưởng Bộ Công an")
BODY = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
        "Xét đề nghị của công chức tư pháp - hộ tịch phường,",
        "Điều 1. Công nhận việc đăng ký khai sinh cho cháu Trần Gia Bảo.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]


def _font(size_pt: float, style: str = "Regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"LiberationSerif-{style}.ttf"), round(size_pt / 72 * DPI))


def _centered(draw: ImageDraw.ImageDraw, centre_x: float, y: float, text: str, font) -> float:
    """Draw ``text`` centred on ``centre_x`` at ``y``; return the y below it."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text((centre_x - (right - left) / 2, y), text, font=font, fill=(25, 25, 25))
    return y + (bottom - top) * 1.45


def _page(kind: str) -> Image.Image:
    """An A4 page at 200 dpi: ``decision``, ``ct01``, ``crowded`` or ``roomy``."""
    width, height = round(210 * MM), round(297 * MM)
    im = Image.new("RGB", (width, height), (248, 246, 240))
    draw = ImageDraw.Draw(im)
    right_centre = width * 0.66
    top = {"decision": 15, "ct01": 22, "crowded": 2, "roomy": 45}[kind] * MM
    if kind == "ct01":
        y = 6 * MM
        for line in CT01_NOTE:
            left, _, right, bottom = draw.textbbox((0, 0), line, font=_font(9, "Italic"))
            draw.text((width - 12 * MM - (right - left), y), line, font=_font(9, "Italic"), fill=(25, 25, 25))
            y += bottom * 1.3
    if kind in ("decision", "crowded"):
        y = top
        for line in ("ỦY BAN NHÂN DÂN", "PHƯỜNG BẾN NGHÉ"):
            y = _centered(draw, width * 0.24, y, line, _font(12, "Bold"))
    y = top
    y = _centered(draw, right_centre, y, NATIONAL[0], _font(12, "Bold"))
    y = _centered(draw, right_centre, y, NATIONAL[1], _font(13, "Bold"))
    draw.line((right_centre - 30 * MM, y, right_centre + 30 * MM, y), fill=(25, 25, 25), width=3)
    y += (5 if kind == "crowded" else 12) * MM
    title = "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" if kind == "ct01" else "QUYẾT ĐỊNH"
    y = _centered(draw, width / 2, y, title, _font(14, "Bold")) + 4 * MM
    for line in BODY * (4 if kind == "crowded" else 1):  # crowded: lines close all the way down
        draw.text((25 * MM, y), line, font=_font(13), fill=(25, 25, 25))
        y += (6 if kind == "crowded" else 9) * MM
    return im


def _pdfa(page: Image.Image, base: Path) -> Path:
    """The page through the OCR stage and the PDF/A writer, as the pipeline makes it."""
    from ocr.pdfa import PdfMetadata, PdfPage, build_pdfa
    from ocr.preprocess import preprocess_page
    from ocr.recognize import recognize

    src = base / "scan.jpg"
    page.save(src, quality=90, dpi=(DPI, DPI))
    geometry = preprocess_page(src, base / "ocr.png", source_page=1, dpi=DPI, mode="RGB")
    recognize(base / "ocr.png", text_pdf_dest=base / "layer.pdf")
    return build_pdfa([PdfPage(src, geometry, base / "layer.pdf")], base / "document.pdf",
                      metadata=PdfMetadata(title="Hồ sơ", subject="test", creator_tool="sohoa tests",
                                           created=datetime(2026, 1, 2, tzinfo=VN_TZ)))


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory):
    chain = ensure_demo_chain(tmp_path_factory.mktemp("keys") / "demo", agency_name=AGENCY)
    return load_pkcs12_signer(chain.signer_p12, passphrase=read_secret(file=chain.passphrase_file))


@pytest.fixture(scope="module", params=["decision", "ct01", "crowded", "roomy"])
def signed(request: pytest.FixtureRequest, signer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp(request.param)
    original = _pdfa(_page(request.param), base)
    result = sign_pdf(original, base / "signed.pdf", signer=signer, stamp=StampText("SAO Y", AGENCY))
    return {"kind": request.param, "original": original, "signed": base / "signed.pdf", "result": result}


def _render(pdf: Path, dpi: int = 100) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", str(pdf)],
                         capture_output=True, check=True).stdout
    from io import BytesIO

    return np.asarray(Image.open(BytesIO(out)), dtype=np.int16)


def _lines(pdf: Path, *layout: str) -> list[str]:
    text = subprocess.run(["pdftotext", *layout, "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines() if line.strip()]


def test_no_ink_of_the_original_under_the_stamp(signed: dict) -> None:
    dpi = 100
    scale = dpi / 72
    with pikepdf.open(signed["original"]) as pdf:
        _, _, width, height = (float(v) for v in pdf.pages[0].MediaBox)
    with pikepdf.open(signed["signed"]) as pdf:
        x1, y1, x2, y2 = (float(v) for v in pdf.Root.AcroForm.Fields[0].Rect)
        signed_height = float(pdf.pages[0].MediaBox[3])
    strip = signed_height - height
    assert strip == pytest.approx(signed["result"].margin_strip, abs=0.01)
    before, after = _render(signed["original"], dpi), _render(signed["signed"], dpi)
    top = round(strip * scale)
    after_page = after[top:top + before.shape[0], :before.shape[1]]  # the original page's area
    assert after_page.shape == before.shape
    changed = np.abs(after_page - before) > 40
    assert changed.any() or strip > 0, "the stamp left no mark"
    rows, cols = np.nonzero(changed)
    box_rows = (height - y2) * scale - 2, (height - y1) * scale + 2
    box_cols = x1 * scale - 2, x2 * scale + 2
    assert ((rows >= box_rows[0]) & (rows <= box_rows[1]) & (cols >= box_cols[0]) & (cols <= box_cols[1])).all()
    paper = np.percentile(before, 90)
    r0, r1 = max(0, int(box_rows[0])), max(0, int(box_rows[1]) + 1)
    under = before[r0:r1, max(0, int(box_cols[0])):int(box_cols[1]) + 1]
    assert not (under < paper - 40).any(), "ink of the original lies under the stamp"
    if strip:
        assert y1 >= height, "in a margin strip the stamp lies wholly above the original page"
        stamp_rows = after[:top]
        assert (stamp_rows < 128).any(), "the stamp is printed in the strip"


def test_stamp_is_its_own_lines_and_page_lines_survive(signed: dict) -> None:
    stamp = signed["result"].stamp_lines
    assert stamp[0].startswith("SAO Y") and stamp[-1].endswith("+07:00")
    assert AGENCY in " ".join(stamp)
    for layout in ((), ("-layout",)):
        before, after = _lines(signed["original"], *layout), _lines(signed["signed"], *layout)
        for line in stamp:
            assert line in after, (layout, line, after[:6])
        rest = list(after)
        for line in stamp:
            rest.remove(line)
        assert rest == before, layout
        assert len(before) >= 6, "the page's OCR text layer is there"


def test_stamp_is_top_right_and_the_usual_place_when_the_page_allows(signed: dict) -> None:
    with pikepdf.open(signed["signed"]) as pdf:
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        x1, y1, x2, y2 = (float(v) for v in pdf.Root.AcroForm.Fields[0].Rect)
    assert x1 > width / 4 and width - x2 >= 3 * 72 / 25.4 and height - y2 >= 3 * 72 / 25.4
    assert y2 > height * 0.7
    if signed["kind"] == "roomy":
        assert signed["result"].stamp_lines[0] == "SAO Y" and len(signed["result"].stamp_lines) == 3
        assert abs((width - x2) - 15 * 72 / 25.4) < 2 and abs((height - y2) - 15 * 72 / 25.4) < 2
    if signed["kind"] in ("ct01", "crowded"):  # no top margin a stamp fits in: a strip above the page
        assert signed["result"].margin_strip == 72 and len(signed["result"].stamp_lines) == 3
        assert y1 >= height - 72
    else:  # decision: the top margin above the national header, on fewer lines
        assert signed["result"].margin_strip == 0


def test_signed_file_is_an_incremental_pdfa_update(signed: dict) -> None:
    assert signed["signed"].read_bytes().startswith(signed["original"].read_bytes())
    result = pdfa_validator.validate_pdf(str(signed["signed"]), profile="2b")
    assert result.is_compliant, [f.rule_id for f in result.failures]
