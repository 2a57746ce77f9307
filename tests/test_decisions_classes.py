"""Classes of misreadings of a decision's NĐ 30/2020 elements found on held-out font families: each is
read right or flagged, never kept wrong in silence."""

from __future__ import annotations

from test_decisions_reading import _tok

from fields.nd30 import read_elements
from fields.text import Token, fold
from ocr.model import BBox


def _dateline(day: str, month: str = "6", year: str = "2022") -> list[Token]:
    return [_tok("Vĩnh", 1250), _tok("Hải,", 1330), _tok("ngày", 1400), _tok(day, 1500, confidence=0.84),
            _tok("tháng", 1560), _tok(month, 1670), _tok("năm", 1700), _tok(year, 1780)]


def test_a_figure_read_as_an_accented_letter_in_the_dateline_is_read_as_its_figure_and_flagged() -> None:
    """``ngày 2Š tháng 6``: a speck or the italic's slant puts a mark on the S read for a 5 (seeds 123,
    held-out families): the date is read (not dated by its month alone), for a clerk to confirm."""
    for day, expected in (("2Š", "2022-06-25"), ("Ö8", "2022-06-08"), ("Ø4", "2022-06-04"), ("lŠ", "2022-06-15")):
        got = read_elements([[_tok("Số:", 100), _tok("219/QĐ-UBND", 170), *_dateline(day)]], width=2400,
                            title_line=None)
        assert got.values["issued"] == expected, day
        assert got.reasons["issued"] == "ocr_digits_guessed"


def test_a_figure_read_as_an_accented_letter_is_read_alone_when_that_fits_the_letters_shape() -> None:
    """``0Š`` read alone ``08``: an S's curves are an 8's, so taken. ``2Š`` read alone ``29``: no 9 has an
    S's shape, so the S's figure (``25``). Both flagged."""
    def alone(text: str, confidence: float):
        return lambda token: [[Token(text, fold(text), token.bbox, confidence, 0, 0)]]

    for day, again, expected in (("0Š", "'08", "2022-06-08"), ("2Š", "29.", "2022-06-25"), ("2Š", "", "2022-06-25")):
        got = read_elements([[_tok("Số:", 100), _tok("219/QĐ-UBND", 170), *_dateline(day)]], width=2400,
                            title_line=None, reread_figure=alone(again, 0.33))
        assert got.values["issued"] == expected, (day, again)
        assert got.reasons["issued"] in ("low_confidence", "ocr_digits_guessed")


def test_a_figure_read_as_a_letter_with_two_shapes_gives_the_one_date_they_allow() -> None:
    """``ngày T1 tháng 01``: a serif 1 read as a T, which stands for a 7 too; ``71`` is no day, so ``11``,
    flagged. ``0T`` allows two days (``07``, ``01``): the likelier T's figure, flagged all the same."""
    for day, month, expected in (("T1", "01", "2024-01-11"), ("T2", "3", "2024-03-12"), ("0T", "3", "2024-03-07")):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170),
                              *_dateline(day, month, "2024")]], width=2400, title_line=None)
        assert got.values.get("issued") == expected, day
        assert got.reasons["issued"] == "ocr_digits_guessed"
    sure = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *_dateline("2O", "3", "2024")]], width=2400,
                         title_line=None)   # an O is a 0's shape only
    assert sure.values["issued"] == "2024-03-20" and "issued" not in sure.reasons


def test_a_bracket_read_in_a_group_of_figures_whose_box_holds_one_more_figure_is_a_one() -> None:
    """``tháng 1]`` whose box is as wide as the line's two-figure groups: a serif 1 read as a bracket, so
    ``11``; in the box of one figure the bracket is ink beside it (``1``). Flagged either way."""
    def line(box: int) -> list[Token]:
        month = Token("1]", fold("1]"), BBox(1670, 100, box, 40), 0.51, 0, 0)
        return [_tok("Số:", 100), _tok("318/QĐ-UBND", 170), _tok("ngày", 1400), _tok("27", 1500),
                _tok("tháng", 1560), month, _tok("năm", 1720), _tok("2022", 1800)]

    for box, expected in ((36, "2022-11-27"), (19, "2022-01-27")):
        got = read_elements([line(box)], width=2400, title_line=None)
        assert (got.values["issued"], got.reasons["issued"]) == (expected, "low_confidence"), box


def test_a_notation_whose_dash_was_read_as_another_mark_is_whole() -> None:
    """``306/QĐ : UBND``: the dash read as a colon set apart; the agency's part is the notation's."""
    from fields.nd30_number import number_of

    for words in (["Số:", "306/QĐ", ":", "UBND"], ["Số:", "306/QĐ-", "UBND"], ["Số:", "306/QĐ.", "UBND"],
                  ["Số:", "306/QĐ:UBND"], ["Số:", "306/QĐ~UBND"], ["Số:", "306/QĐ", "-", "UBND"]):
        tokens = [_tok(w, 100 + 200 * i) for i, w in enumerate(words)]
        assert number_of(tokens)[:2] == ("306", "QĐ-UBND"), words
    tokens = [_tok(w, 100 + 200 * i) for i, w in enumerate(["Số:", "306/QĐ-UBND", ":", "VP"])]
    assert number_of(tokens)[:2] == ("306", "QĐ-UBND")   # a whole notation is not lengthened


def test_a_slash_read_as_a_fraction_slash_or_twice_still_parts_number_and_notation() -> None:
    """``29⁄/QĐÐ-UBND``: the slash read as a fraction slash before itself, the Đ twice (one an Icelandic
    Ð): number ``29``, notation ``QĐ-UBND``."""
    from fields.nd30_number import notation_alone, number_of

    for text in ("29⁄/QĐÐ-UBND", "29//QĐ-UBND", "29⁄QĐ-UBND"):
        assert number_of([_tok("Số", 100), _tok(text, 170)])[:2] == ("29", "QĐ-UBND"), text
    assert notation_alone([[_tok("Số:", 100), _tok("H⁄/QĐÐ-UBND", 170)]], 1200) == "QĐ-UBND"


def test_a_notation_without_its_agency_part_is_flagged() -> None:
    """NĐ 30/2020 prints a decision's ký hiệu as the type's and the agency's abbreviations (``QĐ-UBND``):
    ``QĐ`` alone lost its agency's part."""
    from fields.documents import typed_notation

    assert typed_notation("QĐ", ("QĐ",)) == ("QĐ", "invalid_notation")
    assert typed_notation("QĐ-UBND", ("QĐ",)) == ("QĐ-UBND", None)


def _number_line(number: str, confidence: float = 0.95) -> list[Token]:
    return [_tok("Số:", 100), _tok(number, 170, confidence=confidence), *_dateline("25", "7", "2024")]


def _again(*readings: tuple[str, float]):
    """A reader of the Số line giving these readings: ``Số: …`` whole, or the figures and notation alone."""
    def reader(_tokens):
        return [[_tok(w, 100 + 80 * i, confidence=c) for i, w in enumerate(text.split())] for text, c in readings]
    return reader


def test_a_number_whose_figures_were_read_as_a_mark_is_taken_from_its_reading_alone_and_flagged() -> None:
    """``Số: §3/QĐ-UBND`` gives no figures; read again, ``S3/…`` (letters read for figures) and, alone,
    ``83/QĐ-UBND``: the figures read as figures are taken, for a clerk to confirm."""
    reader = _again(("Số: S3/QD-UBND", 0.9), ("83/QĐ-UBND", 0.4))
    got = read_elements([_number_line("§3/QĐ-UBND", 0.44)], width=2400, title_line=None, reread_number=reader)
    assert (got.values["number"], got.values["notation"]) == ("83", "QĐ-UBND")
    assert got.reasons["number"] == "low_confidence"
    none = read_elements([_number_line("§3/QĐ-UBND", 0.44)], width=2400, title_line=None)
    assert "number" not in none.values and none.reasons["number"] == "not_found"


def test_a_number_read_unsurely_takes_its_surer_reading_alone() -> None:
    """``27/QĐ-UBND`` read ``227/…`` at 0 beside ``Số``; its figures and notation read alone: ``27`` at 0.43."""
    reader = _again(("Số: 227/QĐ-UBND", 0.0), ("27/QĐ-UBND", 0.43))
    got = read_elements([_number_line("227/QĐ-UBND", 0.0)], width=2400, title_line=None, reread_number=reader)
    assert got.values["number"] == "27" and got.confidence < 0.5


def test_a_sure_number_that_a_sure_reading_again_reads_otherwise_is_flagged() -> None:
    """``332/QĐ-UBND`` with a speck on the slash read ``3327/QĐ-UBND`` at 0.83; read again whitened,
    ``332/QĐ-UBND`` at 0.81: one of them is wrong. Another reading read unsurely is no such witness."""
    sure = read_elements([_number_line("3327/QĐ-UBND", 0.83)], width=2400, title_line=None,
                         reread_number=_again(("Số: 332/QĐ-UBND", 0.81), ("3327/QĐ-UBND", 0.57)))
    assert sure.values["number"] == "3327" and sure.reasons["number"] == "low_confidence"
    unsure = read_elements([_number_line("210/QĐ-UBND", 0.94)], width=2400, title_line=None,
                           reread_number=_again(("Số: 310/QĐ-UBND", 0.72), ("210/QĐ-UBND", 0.95)))
    assert unsure.values["number"] == "210" and "number" not in unsure.reasons


def _centred(words: list[str], middle: int, *, line: int, confidences: tuple[float, ...] = ()) -> list[Token]:
    width = 18 * len(" ".join(words))
    x, out = middle - width // 2, []
    for i, word in enumerate(words):
        out.append(_tok(word, x, 100 + 60 * line, confidence=confidences[i] if confidences else 0.95, line=line))
        x += 18 * (len(word) + 1)
    return out


def test_a_name_whose_marks_the_seal_free_reading_lost_keeps_the_marks_read_surely() -> None:
    """``Nguyễn Thị Yến`` read surely beside the seal's ink (read as junk: the name is then doubted), and
    ``Nguyên Thị Yên`` on the seal-free image, whose whitening thinned the marks: the same letters, each
    word as the surer reading read it. The two readings differ: still for a clerk to confirm."""
    title = _centred(["PHÓ", "CHỦ", "TỊCH"], 1800, line=1)
    junk = [_tok("z", 1700, 160, confidence=0.25, line=2)]
    page = _centred(["Nguyễn", "Thị", "Yến"], 1800, line=3, confidences=(0.96, 0.96, 0.96))
    seal_free = _centred(["Nguyên", "Thị", "Yên"], 1800, line=3, confidences=(0.58, 0.97, 0.95))
    head = [[_tok("Số:", 100), _tok("299/QĐ-UBND", 170), *_dateline("07", "7", "2024")]]
    got = read_elements(head + [[], title, junk, page], width=2400, title_line=None,
                        reread=lambda _l: [title, seal_free])
    assert got.values["signer"] == "Nguyễn Thị Yến"
    assert got.reasons["signer"] == "low_confidence"
    # the seal-free reading surer of the marks: its marks
    seal_free = _centred(["Nguyễn", "Thị", "Yến"], 1800, line=3, confidences=(0.97, 0.97, 0.97))
    page = _centred(["Nguyễn", "Thị", "Yên"], 1800, line=3, confidences=(0.9, 0.9, 0.6))
    got = read_elements(head + [[], title, junk, page], width=2400, title_line=None,
                        reread=lambda _l: [title, seal_free])
    assert got.values["signer"] == "Nguyễn Thị Yến"


def test_a_name_read_with_no_title_above_it_is_flagged() -> None:
    """NĐ 30/2020 prints the signer's title (``CHỦ TỊCH``) above the name: a block read without it was read
    badly (the seal's and the signature's ink), so a name read there (``Lò Mai Yên`` for ``Lê Mai Yến``)
    goes to review; with the title read, a name read surely does not."""
    head = [[_tok("Số:", 100), _tok("190/QĐ-UBND", 170), *_dateline("26", "6", "2024")]]
    capacity = _centred(["TM.", "ỦY", "BAN", "NHÂN", "DÂN"], 1800, line=1)
    title = _centred(["CHỦ", "TỊCH"], 1800, line=2)
    name = _centred(["Lò", "Mai", "Yên"], 1800, line=4)
    without = read_elements(head + [[], capacity, [], [], name], width=2400, title_line=None)
    assert without.values["signer"] == "Lò Mai Yên" and without.reasons["signer"] == "low_confidence"
    with_title = read_elements(head + [[], capacity, title, [], name], width=2400, title_line=None)
    assert with_title.values["signer_title"] == "CHỦ TỊCH" and "signer" not in with_title.reasons
