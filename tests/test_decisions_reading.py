"""Reading a decision's NĐ 30/2020 elements (number + notation, issue date, signer) on unfamiliar papers."""

from __future__ import annotations

from fields.nd30 import read_elements
from fields.text import Token, fold
from ocr.model import BBox


def _tok(text: str, left: int, top: int = 100, *, confidence: float = 0.95, line: int = 0) -> Token:
    return Token(text, fold(text), BBox(left, top, 18 * len(text), 40), confidence, 0, line)


def _date(top: int = 100) -> list[Token]:
    return [_tok("ngày", 1400, top), _tok("13", 1500, top), _tok("tháng", 1560, top), _tok("3", 1670, top),
            _tok("năm", 1700, top), _tok("2024", 1780, top)]


def test_number_unsure_is_read_again_as_printed_when_whitening_took_the_light_type() -> None:
    """``Số: 12/QĐ-UBND`` in light grey type read ``122/QĐ-UBND`` at 0: the seal-free reading whitens
    light type and finds nothing; the reading as printed finds the number, kept with its doubt."""
    head = [[_tok("Số:", 100), _tok("122/QĐ-UBND", 170, confidence=0.0), *_date()]]
    again = [[_tok("Số", 100), _tok("12/QĐÐ-UBND", 170, confidence=0.75)]]
    got = read_elements(head, width=2400, title_line=None, reread_number=lambda _tokens: [[], *again])
    assert (got.values["number"], got.values["notation"]) == ("12", "QĐ-UBND")
    assert got.confidence == 0.475   # the first reading's: the same pixels read twice are no second witness


def test_light_type_is_read_when_not_whitened(tmp_path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    from fields.reread import seal_free_reader
    from ocr.model import PageText

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf", 40)
    image = Image.new("L", (2400, 3400), 255)
    ImageDraw.Draw(image).text((200, 300), "Số: 12/QĐ-UBND", font=font, fill=120)     # light grey type
    path = tmp_path / "page-0001.png"
    image.save(path, dpi=(200, 200))
    reread = seal_free_reader({1: path}, {1: PageText(1, 2400, 3400, 200)})
    box = (0.0, 280 / 3400, 0.4, 360 / 3400)
    assert "12/" not in " ".join(t.text for line in reread(1, box, psm=7) for t in line)   # whitened away
    lines = reread(1, box, psm=7, whiten=False)
    assert "12/QĐ-UBND" in " ".join(t.text for t in lines[0])


def test_issue_date_with_one_figure_read_unsurely_is_flagged() -> None:
    """``ngày 08`` read ``06`` at 0.74 while the line's other words are read at 0.96: a real date, kept,
    but for a clerk to confirm."""
    def head(day_confidence: float) -> list[list[Token]]:
        date = _date()
        date[1] = _tok("06", 1500, confidence=day_confidence)
        return [[_tok("Số:", 100), _tok("211/QĐ-UBND", 170), *date]]

    sure = read_elements(head(0.96), width=2400, title_line=None)
    assert sure.values["issued"] == "2024-03-06" and "issued" not in sure.reasons
    unsure = read_elements(head(0.74), width=2400, title_line=None)
    assert unsure.values["issued"] == "2024-03-06" and unsure.reasons["issued"] == "low_confidence"
