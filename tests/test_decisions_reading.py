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
    assert got.confidence == 0.0   # the first reading's figures': the same pixels read twice are no second witness


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


def _centred(words: list[str], middle: int, *, line: int, confidence: float = 0.95) -> list[Token]:
    width = 18 * len(" ".join(words))
    x, out = middle - width // 2, []
    for word in words:
        out.append(_tok(word, x, 100 + 60 * line, confidence=confidence, line=line))
        x += 18 * (len(word) + 1)
    return out


_HEAD = [[_tok("Số:", 100), _tok("12/QĐ-UBND", 170), *_date()]]


def test_ink_read_as_letters_or_figures_before_the_family_name_is_left_out() -> None:
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    for ink, name, expected in ((["XS", "4.2"], ["Ngô", "Hoàng", "Tuần"], "Ngô Hoàng Tuấn"),
                                (["N"], ["Dương", "Ngọc", "Hà"], "Dương Ngọc Hà")):
        words = _centred(name, 1800, line=2)
        line = [_tok(t, words[0].bbox.left - 120 * (len(ink) - i), words[0].bbox.top, line=2)
                for i, t in enumerate(ink)] + words
        got = read_elements(_HEAD + [[], title, line], width=2400, title_line=None)
        assert (got.values["signer"], got.reasons.get("signer")) == (expected, None)
    # words of the text before a family name: no name (an address in the body: ``phố Kim Mã``)
    line = [_tok("phố", 1500, 220, line=2), _tok("Kim", 1580, 220, line=2), _tok("Mã", 1660, 220, line=2)]
    got = read_elements(_HEAD + [[], title, line], width=2400, title_line=None)
    assert "signer" not in got.values and got.reasons["signer"] == "not_found"
    # a word of a name before the family name is no ink: the name is read as it is (and checked)
    words = _centred(["Lan", "Ngô", "Hoàng", "Tuấn"], 1800, line=2)
    got = read_elements(_HEAD + [[], title, words], width=2400, title_line=None)
    assert got.values["signer"] == "Lan Ngô Hoàng Tuấn"


def test_signer_line_read_again_gives_back_a_last_word_read_with_a_figure() -> None:
    """``Huỳnh Ngọc Ma1``: the block's reading drops ``Ma1``; the line read on its own (as printed: light
    type is whitened with the seal) gives ``Huỳnh Ngọc Mai``, centred under the title read first."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    whole = _centred(["Huỳnh", "Ngọc", "Mai"], 1800, line=2)
    block = [[*whole[:2], _tok("Ma1", whole[2].bbox.left, whole[2].bbox.top, line=2)]]
    for again, signer in (([[], whole], "Huỳnh Ngọc Mai"), ([[], whole[:2]], "Huỳnh Ngọc")):
        got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: block,
                            reread_line=lambda _t, a=again: a)
        assert got.values["signer"] == signer
        assert ("signer" in got.reasons) == (signer == "Huỳnh Ngọc")   # left of the title's middle: for review


def test_signer_line_read_again_after_ink_before_the_hidden_family_name() -> None:
    """``sự Hồ Văn Minh Khang`` read on its own where the block gave ``Văn Minh Khang`` (Văn is a family
    name too): the title-case words right before the name are taken, the ink before them is not."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    whole = _centred(["Hồ", "Văn", "Minh", "Khang"], 1800, line=2)
    line = [_tok("sự", whole[0].bbox.left - 80, whole[0].bbox.top, confidence=0.43, line=2), *whole]
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, whole[1:]],
                        reread_line=lambda _t: [line])
    assert (got.values["signer"], got.reasons.get("signer")) == ("Hồ Văn Minh Khang", None)
    # read again without the family name: off the title's middle, for review
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, whole[1:]],
                        reread_line=lambda _t: [whole[1:]])
    assert (got.values["signer"], got.reasons.get("signer")) == ("Văn Minh Khang", "signer_partly_read")
    # the block read again without the title: the title read first places the name
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [whole[1:]],
                        reread_line=lambda _t: [whole[1:]])
    assert (got.values["signer"], got.reasons.get("signer")) == ("Văn Minh Khang", "signer_partly_read")


def _dateline(words: str, confidence: float = 0.95) -> list[Token]:
    out, x = [], 1200
    for word in words.split():
        out.append(_tok(word, x, confidence=confidence))
        x += 18 * (len(word) + 1)
    return out


def test_dateline_with_a_misread_word_or_an_accented_figure() -> None:
    for line, issued, reason in (("Nghi Phong, ngày 12 táng 01 năm 2023", "2023-01-12", None),   # tháng misread
                                 ("Bình Thạnh, ngày 05 tháng 5 năn 2024", "2024-05-05", None),   # năm misread
                                 ("Cống Vị, ngày Ø4 tháng 11 năm 2022", "2022-11-04", "ocr_digits_guessed"),
                                 ("Dịch Vọng, ngày Ï1 tháng 5 năm 2025", "2025-05-11", "ocr_digits_guessed")):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *_dateline(line)]], width=2400,
                            title_line=None)
        assert (got.values.get("issued"), got.reasons.get("issued")) == (issued, reason)


def test_dateline_giving_no_date_is_read_again_and_flagged() -> None:
    """``ngày 0” tháng 9 năm 2024``: no date; the line read again on its own gives one, for a clerk to
    confirm (the first reading could not read it: the second is no surer)."""
    head = [[_tok("Số:", 100), _tok("10/QĐ-UBND", 170), *_dateline("Lạch Tray, ngày 0” tháng 9 năm 2024")]]
    got = read_elements(head, width=2400, title_line=None)
    assert "issued" not in got.values and got.reasons["issued"] == "not_found"
    again = [_dateline("Lạch Tray, ngày 07 tháng 9 năm 2024")]
    got = read_elements(head, width=2400, title_line=None, reread_date=lambda _tokens: again)
    assert (got.values["issued"], got.reasons["issued"]) == ("2024-09-07", "low_confidence")
    # a line of the header that is no dateline is not read again
    calls: list[int] = []
    plain = [[_tok("Số:", 100), _tok("10/QĐ-UBND", 170), _tok("Độc", 1200), _tok("lập", 1300)]]
    read_elements(plain, width=2400, title_line=None, reread_date=lambda _tokens: calls.append(1) or [])
    assert calls == []


def test_number_whose_so_was_read_with_another_vowel() -> None:
    for first, second, expected in (("Sế", "373/QĐ-UBND", ("373", "QĐ-UBND")),
                                    ("Số:", "373/QĐ-UBND", ("373", "QĐ-UBND")),
                                    ("Sế", "373", None),                      # no notation: not surely a number
                                    ("Sa", "Pa", None)):
        got = read_elements([[_tok(first, 100), _tok(second, 170), *_date()]], width=2400, title_line=None)
        number = (got.values["number"], got.values["notation"]) if "number" in got.values else None
        assert number == expected


def test_name_with_garbled_words_mended_word_by_word_from_its_line_read_again() -> None:
    """``Võ Eoàng Minh Khanơ`` (the block read without the seal) and ``VC Hoàng Minh Khang`` (its line
    read as printed): each word from the reading surest of it; the name, read whole by neither, flagged."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    first = _centred(["Võ", "Eoàng", "Minh", "Khanơ"], 1800, line=2)
    confidences = (0.96, 0.06, 0.95, 0.09)
    first = [Token(t.text, t.folded, t.bbox, c, t.page, t.line) for t, c in zip(first, confidences, strict=True)]
    again = [Token(w, fold(w), t.bbox, c, 0, 2) for w, t, c in zip(("VC", "Hoàng", "Minh", "Khang"), first,
                                                                     (0.0, 0.41, 0.96, 0.95), strict=True)]
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, first],
                        reread_line=lambda _t: [again])
    assert (got.values["signer"], got.reasons["signer"]) == ("Võ Hoàng Minh Khang", "low_confidence")
    # read again no better: not found, never a garbled name
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, first],
                        reread_line=lambda _t: [first])
    assert "signer" not in got.values and got.reasons["signer"] == "not_found"


def test_two_name_words_a_stroke_joined_with_a_dash_are_both_kept_and_flagged() -> None:
    """``Dương Hoàng-Minh Đức``: a signature's stroke read as a dash between two words; a name carries none."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    words = _centred(["Dương", "Hoàng-Minh", "Đức"], 1800, line=2)
    got = read_elements(_HEAD + [[], title, words], width=2400, title_line=None)
    assert got.values["signer"] == "Dương Hoàng Minh Đức" and got.confidence <= 0.6
    # a dash before one word only is still the seal's ink glued before it
    words = _centred(["Dương", "/-Hoàng", "Đức"], 1800, line=2)
    got = read_elements(_HEAD + [[], title, words], width=2400, title_line=None)
    assert got.values["signer"] == "Dương Hoàng Đức"


def test_ink_read_as_words_left_of_a_wide_gap_before_the_name_is_left_out() -> None:
    """``vi ve Hoàng Anh Khánh``: words the seal's ink made, far left of the name, are not part of it."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    words = _centred(["Hoàng", "Anh", "Khánh"], 1800, line=2)
    ink = [_tok("vi", words[0].bbox.left - 300, words[0].bbox.top, confidence=0.67, line=2),
           _tok("ve", words[0].bbox.left - 110, words[0].bbox.top, confidence=0.6, line=2)]
    got = read_elements(_HEAD + [[], title, ink + words], width=2400, title_line=None)
    assert got.values["signer"] == "Hoàng Anh Khánh"
    # a word a space before the name is no gap away: the line is text, not a name
    near = [_tok("vi", words[0].bbox.left - 54, words[0].bbox.top, line=2)]
    got = read_elements(_HEAD + [[], title, near + words], width=2400, title_line=None)
    assert "signer" not in got.values


def test_family_name_partly_read_is_completed_when_one_family_name_fits_and_flagged() -> None:
    """``uỳnh Hoàng Minh Thư`` (the seal hid the H) → ``Huỳnh …``; ``Nguy : n Quang Đức`` (one letter
    unread) → ``Nguyễn …``; a tail many family names share (``ng``) or a name's later word is left alone."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    for read, expected in ((["uỳnh", "Hoàng", "Minh", "Thư"], "Huỳnh Hoàng Minh Thư"),
                           (["Nguy", ":", "n", "Quang", "Đức"], "Nguyễn Quang Đức"),
                           (["tluỳnh", "Văn", "Minh", "Đức"], "Huỳnh Văn Minh Đức"),   # H read ``tl``
                           (["càng", "Đức", "Thành", "Công"], "Hoàng Đức Thành Công"),  # Ho read ``c``
                           (["ương", "Minh", "Đức"], None),                # Dương, Trương, Vương, Lương
                           (["Lê", "Anh", "Tuấn"], "Lê Anh Tuấn")):        # ``anh``: tail of Danh, but read whole
        words = _centred(read, 1800, line=2)
        got = read_elements(_HEAD + [[], title, words], width=2400, title_line=None)
        assert got.values.get("signer") == expected
        if expected is not None:  # completed: below the review threshold
            assert (got.confidence < 0.75) == (expected != "Lê Anh Tuấn")


def test_garbled_name_taken_whole_from_its_line_read_again_when_it_covers_every_word() -> None:
    """The block read ``N Nguy Quang Đức``; the line read again ``Nguy : n Quang Đức``, completed to
    ``Nguyễn Quang Đức``: taken, flagged. A reading missing a word read first (``Võ``) is not taken whole."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    whole = _centred(["Nguy", ":", "n", "Quang", "Đức"], 1800, line=2)
    first = [_tok("N", whole[0].bbox.left - 200, whole[0].bbox.top, confidence=0.72, line=2),
             Token("Nguy", "nguy", BBox(whole[0].bbox.left, whole[0].bbox.top, 100, 40), 0.26, 0, 2), *whole[3:]]
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, first],
                        reread_line=lambda _t: [whole])
    assert (got.values["signer"], got.reasons["signer"]) == ("Nguyễn Quang Đức", "low_confidence")


def test_dateline_figure_group_too_narrow_for_its_figures_loses_one_and_is_flagged() -> None:
    """``ngày 602 tháng 11 năm 2024`` with ``602`` in the box of two figures (a speck read as a 6): the one
    valid day left (02) is kept, flagged; a group as wide as its figures, or several days left, gives none."""
    def line(day: str, room: int) -> list[Token]:
        words = _dateline(f"Dư Hàng, ngày {day} tháng 11 năm 2024")
        return [Token(t.text, t.folded, BBox(t.bbox.left, t.bbox.top, 18 * room, 40), t.confidence, 0, 0)
                if t.text == day else t for t in words]
    for day, room, expected in (("602", 2, ("2024-11-02", "ocr_digits_guessed")),
                                ("602", 3, (None, "not_found")),        # the box holds three figures
                                ("112", 2, (None, "not_found"))):       # 12 or 11: no one day
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *line(day, room)]], width=2400,
                            title_line=None)
        assert (got.values.get("issued"), got.reasons.get("issued")) == expected


def test_block_read_as_printed_when_no_reading_found_a_name() -> None:
    """The page's reading and the seal-free one found no name under the title (whitening left Tesseract
    no text lines there): the block read as printed gives it, with the seal's ink beside it flagged."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    words = _centred(["Trần", "Hoàng", "Thành", "Công"], 1800, line=2)
    ink = [_tok("S=", words[0].bbox.left - 300, words[0].bbox.top, confidence=0.0, line=2)]
    calls: list[int] = []
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title],
                        reread_printed=lambda _l: calls.append(1) or [title, ink + words])
    assert got.values["signer"] == "Trần Hoàng Thành Công" and got.confidence <= 0.5  # for review
    # a name found already: the block is not read once more
    got = read_elements(_HEAD + [[], title, []], width=2400, title_line=None, reread=lambda _l: [title, words],
                        reread_printed=lambda _l: calls.append(1) or [])
    assert got.values["signer"] == "Trần Hoàng Thành Công" and calls == [1]


def test_name_word_left_of_a_wide_gap_keeps_the_line_whole() -> None:
    """``ve Lò   Văn Minh``: a title-case word left of the gap may be the name's first: the words right of
    it are not taken for the name (``Văn Minh`` would pass for one)."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    words = _centred(["Văn", "Minh"], 1800, line=2)
    line = [_tok("ve", words[0].bbox.left - 254, words[0].bbox.top, line=2),
            _tok("Lò", words[0].bbox.left - 200, words[0].bbox.top, line=2), *words]
    got = read_elements(_HEAD + [[], title, line], width=2400, title_line=None)
    assert "signer" not in got.values


def test_number_whose_figures_were_read_unsurely_beside_a_sure_so_is_read_again() -> None:
    """``Số: 399/QĐ-UBND`` with ``399/…`` at 0.04 (the line's mean 0.65): read again. Two readings one
    figure apart, one figure read twice (``399``/``39``, ``65``/``655``): the shorter, either way round.
    Another number read again more surely replaces the first, never surer than the first's figures."""
    def head(figures: str, confidence: float) -> list[list[Token]]:
        return [[_tok("Số", 100, confidence=0.96), _tok(":", 140, confidence=0.96),
                 _tok(f"{figures}/QĐ-UBND", 170, confidence=confidence), *_date()]]

    def again(figures: str, confidence: float) -> list[list[Token]]:
        return [[_tok("Số", 100, confidence=0.93), _tok(":", 140, confidence=0.93),
                 _tok(f"{figures}/QĐ-UBND", 170, confidence=confidence)]]
    for first, second, expected in (("399", ("39", 0.05), "39"),   # the shorter, though read less surely
                                    ("65", ("655", 0.53), "65"),   # the shorter, though the longer more surely
                                    ("809", ("80", 0.05), "809"),  # one figure apart, none read twice
                                    ("45", ("46", 0.9), "46")):      # read more surely: taken, flagged
        got = read_elements(head(first, 0.04), width=2400, title_line=None,
                            reread_number=lambda _t, a=again(*second): a)
        assert got.values["number"] == expected
        assert got.confidence <= (0.04 if expected != first else 0.66)
    calls: list[int] = []   # figures read surely: read again, kept and not flagged when no sure reading differs
    got = read_elements(head("45", 0.9), width=2400, title_line=None,
                        reread_number=lambda _t: calls.append(1) or again("46", 0.6))
    assert calls == [1] and got.values["number"] == "45" and "number" not in got.reasons


def test_dateline_figures_read_alone_when_the_line_gives_no_date_or_one_unsurely() -> None:
    """``ngày 0Š``, ``năm 225`` give no date: each group of figures read alone (``08``, ``2025``) gives it,
    flagged. ``T1`` read alone ``1`` in a box of two figures is not taken: the T's shape gives the day
    (``71`` is none, ``11``: ``test_decisions_classes``), flagged as a guess. ``ngày 06`` read at 0.74 and
    alone ``08`` surely: ``08``, still flagged; read alone unsurely: ``06`` stays."""
    def reader(text: str, confidence: float = 0.95):
        return lambda token: [[Token(text, fold(text), token.bbox, confidence, 0, 0)]]
    for line, alone, expected in (("ngày 0Š tháng 3 năm 2024", reader("08."), "2024-03-08"),
                                  ("ngày 03 tháng 5 năm 225", reader("2025"), "2025-05-03"),
                                  ("ngày T1 tháng 01 năm 2024", reader("1"), "2024-01-11")):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *_dateline(line)]], width=2400,
                            title_line=None, reread_figure=alone)
        assert got.values.get("issued") == expected
        assert got.reasons["issued"] == ("low_confidence" if "T1" not in line else "ocr_digits_guessed")
    unsure = _dateline("ngày 06 tháng 10 năm 2024")
    unsure[1] = Token("06", "06", unsure[1].bbox, 0.74, 0, 0)
    for confidence, expected in ((0.9, "2024-10-08"), (0.3, "2024-10-06")):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *unsure]], width=2400, title_line=None,
                            reread_figure=reader("08", confidence))
        assert (got.values["issued"], got.reasons["issued"]) == (expected, "low_confidence")


def test_number_whose_colon_was_read_as_a_comma_or_apart() -> None:
    """``Số, 358/QĐ-UBND`` and ``Sổ : 105/QĐ-UBND``: the number; a word after ``Sở`` is no number."""
    for tokens, expected in ((["Số,", "358/QĐ-UBND"], ("358", "QĐ-UBND")),
                             (["Sổ", ":", "105/QĐ-UBND"], ("105", "QĐ-UBND")),
                             (["Sổ", ":", "105"], None),              # no notation: not surely a number
                             (["Sở", "Tư", "pháp"], None)):
        line = [_tok(t, 100 + 70 * i) for i, t in enumerate(tokens)]
        got = read_elements([[*line, *_date()]], width=2400, title_line=None)
        number = (got.values["number"], got.values["notation"]) if "number" in got.values else None
        assert number == expected


def test_name_after_a_word_left_out_a_space_before_it_is_flagged() -> None:
    """``xvq Văn Minh Đức`` (``xvq`` read at 0.3 a space before ``Văn``): the seal's ink over the name's first
    word, which is lost: ``Văn Minh Đức`` is flagged. Ink further left, or one letter, is no lost word."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    words = _centred(["Văn", "Minh", "Đức"], 1800, line=2)
    for ink, left, reason in (("xvq", 72, "signer_partly_read"), ("xvq", 160, None), ("N", 36, None)):
        line = [_tok(ink, words[0].bbox.left - left, words[0].bbox.top, confidence=0.3, line=2), *words]
        got = read_elements(_HEAD + [[], title, line], width=2400, title_line=None)
        assert (got.values["signer"], got.reasons.get("signer")) == ("Văn Minh Đức", reason)


def test_notation_whose_type_part_is_not_the_documents_is_flagged_and_put_right_when_one_letter_off() -> None:
    from fields.documents import typed_notation

    assert typed_notation("QĐ-UBND", ("QĐ",)) == ("QĐ-UBND", None)
    assert typed_notation("QB-UBND", ("QĐ",)) == ("QĐ-UBND", "invalid_notation")   # Đ read B
    assert typed_notation("TB-UBND", ("QĐ",)) == ("TB-UBND", "invalid_notation")   # another type: as read
    assert typed_notation("QB-UBND", ("QĐ", "QB2")) == ("QĐ-UBND", "invalid_notation")


def test_number_read_again_without_its_notation_or_with_it_malformed_does_not_replace_the_first() -> None:
    """``268/QĐ-UBND`` read at 0.42, read again ``268 QĐ-UBND`` (the slash lost) more surely: the first
    reading, with its notation, stays."""
    head = [[_tok("Số", 100, confidence=0.42), _tok(":", 140, confidence=0.42),
             _tok("268/QĐ-UBND", 170, confidence=0.42), *_date()]]
    again = [[_tok("Số", 100, confidence=0.85), _tok(":", 140, confidence=0.85), _tok("268", 170, confidence=0.93),
              _tok("QĐ-UBND", 250, confidence=0.72)]]
    got = read_elements(head, width=2400, title_line=None, reread_number=lambda _t: again)
    assert (got.values["number"], got.values.get("notation")) == ("268", "QĐ-UBND")
    # nor does one whose notation is malformed (``QĐ-UBÑD``)
    again = [[_tok("Số", 100, confidence=0.93), _tok(":", 140, confidence=0.93),
              _tok("268/QĐ-UBÑD", 170, confidence=0.89)]]
    got = read_elements(head, width=2400, title_line=None, reread_number=lambda _t: again)
    assert (got.values["number"], got.values.get("notation")) == ("268", "QĐ-UBND")


def test_issue_date_after_today_is_flagged() -> None:
    """``năm 2094`` for 2024 read surely: a paper is not issued after it is scanned."""
    from datetime import date

    later = date.today().year + 1
    for year, reason in ((later, "invalid_date"), (2024, None)):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170), *_dateline(f"ngày 23 tháng 4 năm {year}")]],
                            width=2400, title_line=None)
        assert (got.values["issued"], got.reasons.get("issued")) == (f"{year}-04-23", reason)


def test_issue_date_read_past_a_mark_in_its_figures_is_flagged() -> None:
    """``tháng 1]`` read as January though ``1]`` may be ``11``: flagged; ``tháng 11,`` and ``tháng 1O``
    (a letter read for a figure, taken as it) are not."""
    for month, reason in (("1]", "low_confidence"), ("11,", None), ("1O", None)):
        got = read_elements([[_tok("Số:", 100), _tok("37/QĐ-UBND", 170),
                              *_dateline(f"Tân Định, ngày 09 tháng {month} năm 2022")]], width=2400, title_line=None)
        assert got.reasons.get("issued") == reason


def test_seal_free_reading_that_differs_word_for_word_from_the_first_is_flagged() -> None:
    """``Phạm Thanh Hạnh`` on the page (seal ink beside it), ``Phạm Thành Hạnh`` read again without the
    seal: the second is kept, flagged (the two readings disagree); the same name read twice is not."""
    title = _centred(["CHỦ", "TỊCH"], 1800, line=1)
    first = _centred(["Phạm", "Thanh", "Hạnh"], 1800, line=2)
    ink = [_tok("Là", 1500, 160, confidence=0.0, line=1)]
    for again, reason in ((["Phạm", "Thành", "Hạnh"], "low_confidence"), (["Phạm", "Thanh", "Hạnh"], None)):
        words = _centred(again, 1800, line=2)
        got = read_elements(_HEAD + [[], [*title, *ink], first], width=2400, title_line=None,
                            reread=lambda _l, w=words: [title, w])
        assert (got.values["signer"], got.reasons.get("signer")) == (" ".join(again), reason)
