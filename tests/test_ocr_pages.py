"""Pages peers' test suites and real paper bring: degenerate images, short lines, charts, seals seen
through the paper, page numbers, and resolutions the file does not state (issues #15, #16)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from conftest import FONT
from PIL import Image, ImageDraw, ImageFont

from ocr.preprocess import preprocess_page
from ocr.scale import dpi_from_text, page_resolution, tag_believable
from sohoa.errors import InputFileError


def _page(lines: list[str], *, dpi: int = 200, size_in: tuple[float, float] = (8.27, 11.69), pt: float = 13,
          top_in: float = 1.0) -> Image.Image:
    im = Image.new("L", (round(size_in[0] * dpi), round(size_in[1] * dpi)), 250)
    font = ImageFont.truetype(str(FONT), round(pt / 72 * dpi))
    for n, line in enumerate(lines):
        ImageDraw.Draw(im).text((round(0.9 * dpi), round((top_in + 0.42 * n) * dpi)), line, font=font, fill=25)
    return im


@pytest.mark.parametrize("size", [(1, 1), (1, 2000), (2000, 1), (15, 15), (3000, 3)])
def test_a_degenerate_page_image_is_a_clear_input_error(tmp_path: Path, size: tuple[int, int]) -> None:
    src = tmp_path / "p.tif"
    Image.new("L", size, 255).save(src, dpi=(300, 300))
    with pytest.raises(InputFileError) as info:
        preprocess_page(src, tmp_path / "o.png", source_page=1, dpi=300, mode="L")
    assert info.value.reason == "degenerate_page"


@pytest.mark.parametrize(("size", "dpi"), [((16, 16), 300), ((17, 3000), 300), ((40, 40), 1200), ((300, 20), 72)])
def test_a_tiny_but_real_image_is_analysed_without_crashing(tmp_path: Path, size: tuple[int, int], dpi: int) -> None:
    src = tmp_path / "p.png"
    im = Image.new("L", size, 255)
    ImageDraw.Draw(im).line([(0, size[1] // 2), (size[0], size[1] // 2)], fill=0, width=1)
    im.save(src, dpi=(dpi, dpi))
    geo = preprocess_page(src, tmp_path / "o.png", source_page=1, dpi=dpi, mode="L")
    assert geo.width == size[0] and geo.height == size[1]


def test_last_page_a_short_line_is_text_not_a_blank_back_and_stays_upright(tmp_path: Path) -> None:
    src = tmp_path / "p.png"
    _page(["Last page"], dpi=300, size_in=(8.5, 11), pt=12, top_in=0.8).save(src, dpi=(300, 300))
    geo = preprocess_page(src, tmp_path / "o.png", source_page=4, dpi=300, mode="L")
    assert not geo.blank and geo.rotation == 0 and geo.flags == ()


def _chart(dpi: int = 96) -> Image.Image:
    """A line chart at 96 dpi: axes, grid values, four series with markers, slanted names, a legend."""
    rng = random.Random(4)
    im = Image.new("RGB", (958, 400), "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(FONT), 11)
    draw.line([(40, 10), (40, 310), (820, 310)], fill=(120, 120, 120))
    for n, value in enumerate(range(0, 700, 100)):
        draw.text((5, 305 - n * 50), str(value), font=font, fill=(60, 60, 60))
    for colour in ((40, 90, 200), (200, 40, 40), (120, 180, 40), (120, 60, 160)):
        points = [(50 + 40 * k, rng.randint(20, 300)) for k in range(20)]
        draw.line(points, fill=colour, width=3)
        for x, y in points:
            draw.rectangle([x - 3, y - 3, x + 3, y + 3], fill=colour)
    for k, name in enumerate(["Newyorkbrad", "NuclearWarfare", "Carcharoth", "Coren", "Keilana", "Pgallert"] * 3):
        label = Image.new("L", (90, 14), 0)
        ImageDraw.Draw(label).text((0, 0), name, font=font, fill=255)
        label = label.rotate(45, expand=True)
        im.paste((30, 30, 30), (40 + 42 * k, 312), label)
    for n, name in enumerate(["Support", "No vote[note 1]", "Oppose", "Net[note 2]"]):
        draw.text((850, 150 + 22 * n), name, font=font, fill=(30, 30, 30))
    return im


def test_an_upright_chart_with_slanted_labels_stays_as_it_came(tmp_path: Path) -> None:
    src = tmp_path / "chart.png"
    _chart().save(src, dpi=(96, 96))
    geo = preprocess_page(src, tmp_path / "o.png", source_page=1, dpi=96, mode="RGB")
    assert not geo.blank
    assert (geo.rotation, geo.skew) == (0, 0.0)
    assert geo.dpi == 96 and geo.dpi_source == "tag"  # a 10-inch chart: its 96 dpi is believed


def _seal_back(dpi: int = 150) -> Image.Image:
    """A back page showing only a red seal through the paper: a faint mirrored ring and letters."""
    im = Image.new("RGB", (round(8.27 * dpi), round(11.69 * dpi)), (250, 250, 248))
    draw = ImageDraw.Draw(im)
    c, r = (round(2.2 * dpi), round(8.8 * dpi)), round(0.8 * dpi)
    draw.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], outline=(235, 150, 160), width=4)
    draw.ellipse([c[0] - r // 2, c[1] - r // 2, c[0] + r // 2, c[1] + r // 2], outline=(235, 150, 160), width=3)
    font = ImageFont.truetype(str(FONT), round(9 / 72 * dpi))
    for k, ch in enumerate("ỦY BAN NHÂN DÂN TỈNH"):
        a = np.radians(200 + k * 7)
        draw.text((c[0] + 0.75 * r * np.cos(a), c[1] + 0.75 * r * np.sin(a)), ch, font=font, fill=(230, 140, 150))
    return im.transpose(Image.FLIP_LEFT_RIGHT)


def test_a_seal_seen_through_the_paper_is_a_blank_back_or_kept_upright(tmp_path: Path) -> None:
    src = tmp_path / "back.jpg"
    _seal_back().save(src, dpi=(150, 150), quality=85)
    geo = preprocess_page(src, tmp_path / "o.png", source_page=2, dpi=150, mode="RGB")
    assert geo.blank or ("blank_uncertain" in geo.flags and (geo.rotation, geo.skew) == (0, 0.0))


def test_a_page_holding_only_its_number_is_never_turned(tmp_path: Path) -> None:
    src = tmp_path / "p.png"
    _page(["- 2 -"], dpi=200, top_in=10.8).save(src, dpi=(200, 200))
    geo = preprocess_page(src, tmp_path / "o.png", source_page=2, dpi=200, mode="L")
    assert geo.blank or (geo.rotation, geo.skew) == (0, 0.0)


def test_a_page_whose_glyphs_never_read_is_kept_as_blank_uncertain_upright(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    page = np.full((2339, 1654), 250, np.uint8)
    for _ in range(8):  # a few smudges: glyph-sized marks in clusters, no letters
        y, x = int(rng.integers(300, 2000)), int(rng.integers(200, 1400))
        for _ in range(3):
            dy, dx = int(rng.integers(0, 30)), int(rng.integers(0, 40))
            side = int(rng.integers(10, 18))
            page[y + dy:y + dy + side, x + dx:x + dx + side] = 30
    src = tmp_path / "p.png"
    Image.fromarray(page).save(src, dpi=(200, 200))
    geo = preprocess_page(src, tmp_path / "o.png", source_page=3, dpi=200, mode="L", min_glyphs=8)
    assert not geo.blank and geo.flags == ("blank_uncertain",) and (geo.rotation, geo.skew) == (0, 0.0)
    assert (tmp_path / "o.png").exists()  # kept: it goes into the PDF


LINES = ["Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung", "Nơi cư trú: Số 12 đường Lê Lợi, Quận 1",
         "Quan hệ với người được khai sinh: Mẹ", "Họ, chữ đệm, tên: Trần Gia Bảo",
         "Ngày, tháng, năm sinh: 12/03/2024", "Nơi sinh: Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh",
         "Quê quán: Tỉnh Nghệ An", "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật."] * 2


@pytest.mark.parametrize("dpi", [75, 100, 200, 300])
def test_the_resolution_is_measured_from_the_text(dpi: int) -> None:
    page = np.asarray(_page(LINES, dpi=dpi))
    assert dpi_from_text(page) == pytest.approx(dpi, rel=0.2)


def test_screen_and_phone_tags_are_not_believed_unless_the_page_is_paper_sized() -> None:
    assert not tag_believable(72, known=True, long_side_px=4000)  # a phone photo "55 inches long"
    assert not tag_believable(96, known=True, long_side_px=1920 * 2)
    assert tag_believable(96, known=True, long_side_px=958)  # a 10-inch chart
    assert tag_believable(200, known=True, long_side_px=2339)
    assert not tag_believable(300, known=False, long_side_px=960)


def test_a_low_resolution_page_without_a_tag_gets_its_real_resolution(tmp_path: Path) -> None:
    im = _page(LINES, dpi=80)
    src = tmp_path / "p.png"
    im.save(src)  # no pHYs: intake says 300 dpi, unknown
    geo = preprocess_page(src, tmp_path / "o.png", source_page=1, dpi=300, mode="L", dpi_known=False)
    assert geo.dpi_source == "estimated" and "dpi_estimated" in geo.flags
    assert geo.dpi == pytest.approx(80, rel=0.2)
    assert "low_dpi" in geo.below_standard and "dpi_unknown" in geo.below_standard
    with Image.open(tmp_path / "o.png") as copy:
        assert copy.info["dpi"][0] == pytest.approx(300, abs=1)  # read at 300 dpi, 3.7 times up, not 1.0
        assert copy.height == pytest.approx(im.height * 300 / geo.dpi, abs=2)


def test_a_small_page_tagged_with_a_scanner_resolution_is_measured_too() -> None:
    page = np.asarray(_page(LINES, dpi=80))  # 662 x 935 px, tagged 200 dpi: a 4.7-inch "page"
    dpi, source = page_resolution(page, dpi=200, known=True)
    assert source == "estimated" and dpi == pytest.approx(80, rel=0.2)
    assert page_resolution(page, dpi=80, known=True) == (80, "tag")
    blank = np.full((600, 400), 250, np.uint8)
    assert page_resolution(blank, dpi=300, known=False) == (300, "default")  # nothing to measure


def test_a_last_page_of_a_few_lines_under_a_scrawl_is_turned_only_on_a_better_reading(tmp_path: Path) -> None:
    """The generator's held-out look (seed 133, FreeMono) ends a khai sinh with six lines and a
    signature's scrawl through the name line: the ink vote said 180° at 0.37. A vote to turn a page
    upside down under ``SURE_TURN`` is checked by reading it both ways; the page stays upright."""
    from sample_docs._degrade import OFFICE
    from sample_docs.make_samples import Plan, _dossier  # noqa: PLC2701

    (tmp_path / "inbox").mkdir()
    (tmp_path / "truth").mkdir()
    _dossier(tmp_path, "khai_sinh-tiff-01", "khai_sinh", "tiff", seed=133, dpi=200, profile=OFFICE, plan=Plan(),
             held_out=True)
    with Image.open(tmp_path / "inbox" / "khai_sinh-tiff-01.tif") as tif:
        tif.seek(1)
        tif.convert("RGB").save(tmp_path / "p2.jpg", dpi=(200, 200), quality=95)
    geo = preprocess_page(tmp_path / "p2.jpg", tmp_path / "o.png", source_page=2, dpi=200, mode="RGB")
    assert (geo.blank, geo.rotation) == (False, 0)
