"""Administrative documents that are neither a citizen's form nor the matter's result (NĐ 30/2020):
công văn, báo cáo, tờ trình, thông báo, chỉ thị … typed from their title, their ký hiệu or their
``V/v`` line, and their elements read, as on the real provincial scans (a digital signature's stamp
above the header, a handwritten number, a receipt stamp in the margin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fields import extract, load_templates
from fields.documents import split_documents
from ocr.model import BBox, PageText, Word
from sohoa.errors import ConfigError

CHAR_W, LINE_H, PAGE_W = 18, 60, 2400
LEFT, MIDDLE, RIGHT = 150, PAGE_W // 2, 1300
"""x of the agency's column, the page's middle (centred lines) and the national header's column."""


def _page(lines: list[list[tuple[int | None, str]]]) -> PageText:
    """A page of lines, each a list of (x, text) parts; x None centres the part on the page."""
    words: list[Word] = []
    for n, parts in enumerate(lines):
        for x, text in parts:
            at = MIDDLE - CHAR_W * len(text) // 2 if x is None else x
            for raw in text.split():
                word, _, tall = raw.partition("^")  # ``299^56``: a word 56 px tall (the others 40)
                width = CHAR_W * len(word)
                words.append(Word(word, BBox(at, 100 + n * LINE_H, width, int(tall or 40)), 0.95, n))
                at += width + CHAR_W
    return PageText(source_page=1, width=PAGE_W, height=3400, dpi=200, words=tuple(words))


STAMP = [[(1500, "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi")], [(1500, "Cơ quan: Tỉnh Quảng Ngãi")],
         [(1500, "Thời gian ký: 07/01/2025 10:09:57")], [(100, "TRUNG TÂM CÔNG BÁO")],
         [(100, "VÀ TIN HỌC")], [(1500, "ttcbth@quangngai.gov.vn")], [(1500, "07.01.2025 10:44:25 +07:00")]]
"""The digital-signature and gazette stamps the province's scans carry above the header (7 lines)."""
HEADER = [[(LEFT, "ỦY BAN NHÂN DÂN"), (RIGHT, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
          [(LEFT, "TỈNH QUẢNG NGÃI"), (RIGHT, "Độc lập - Tự do - Hạnh phúc")]]
SIGNATURE = [[], [(1500, "KT. CHỦ TỊCH")], [(1500, "PHÓ CHỦ TỊCH")], [], [], [(1500, "Trần Phước Hiền")]]


def _doc(number_line: str, *rest: list[tuple[int | None, str]]) -> list[list[tuple[int | None, str]]]:
    return [*STAMP, *HEADER, [(LEFT, number_line), (RIGHT, "Quảng Ngãi, ngày 24 tháng 01 năm 2025")], *rest]


@pytest.fixture(scope="module")
def templates():
    return load_templates()


def test_titled_document_below_a_signature_stamp_is_typed_and_described(templates) -> None:
    page = _page(_doc("Số: 46/TB-UBND", [(None, "THÔNG BÁO")],
                      [(None, "Về việc thụ lý giải quyết khiếu nại lần hai")],
                      [(None, "Kính gửi: Bà Huỳnh Thị Gái")],
                      [(300, "Qua xem xét nội dung đơn đề ngày 10/12/2024 của bà Huỳnh Thị Gái, ông Trần")],
                      *SIGNATURE))
    result = extract([page], templates)
    (doc,) = result.documents
    assert (doc.kind, doc.type, doc.type_code) == ("other", "thong_bao", "32")
    assert (doc.elements["number"], doc.elements["notation"]) == ("46", "TB-UBND")
    assert doc.elements["issued"] == "2025-01-24"
    assert doc.elements["subject"] == "Về việc thụ lý giải quyết khiếu nại lần hai"  # not on to Kính gửi
    assert doc.elements["signer"] == "Trần Phước Hiền"
    assert result.review == ()  # a type sohoa knows: no clerk asked to type it
    assert (result.form_type, result.fields) == ("unknown", {})


def test_letter_without_title_is_typed_by_its_vv_line(templates) -> None:
    page = _page(_doc("Số: 575/UBND-KTTH", [(LEFT, "V/v tham gia ý kiến")], [(LEFT, "các dự thảo Nghị định của")],
                      [(LEFT, "Chính phủ")], [], [(None, "Kính gửi: Sở Tài chính")],
                      [(300, "Theo đề nghị của Bộ Tài chính tại nội dung các Công văn số 1060/BTC-QLCS")],
                      *SIGNATURE))
    (doc,) = extract([page], templates).documents
    assert (doc.kind, doc.type, doc.type_code, doc.type_name) == ("other", "cong_van", "22", "Công văn")
    assert (doc.elements["number"], doc.elements["notation"]) == ("575", "UBND-KTTH")
    assert doc.elements["subject"] == "V/v tham gia ý kiến các dự thảo Nghị định của Chính phủ"


def test_document_with_a_garbled_title_and_a_handwritten_number_is_typed_by_its_notation(templates) -> None:
    page = _page(_doc("Số: Ø2 /CT-UBND", [(None, "CHÍ TH.")],
                      [(None, "Về việc triển khai sử dụng hóa đơn điện tử")],
                      [(None, "trên địa bàn tỉnh Quảng Ngãi")], [], [],
                      [(300, "Thực hiện Nghị định số 123/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy")],
                      [(150, "định về hóa đơn, chứng từ; theo đó, kể từ ngày 01/7/2022, các tổ chức")]))
    (doc,) = extract([page], templates).documents
    assert (doc.kind, doc.type) == ("other", "chi_thi")
    # the subject stops at the blank line before the body's first paragraph
    assert doc.elements["subject"] == "Về việc triển khai sử dụng hóa đơn điện tử trên địa bàn tỉnh Quảng Ngãi"
    assert "number" not in doc.elements and doc.needs_review  # the handwritten number: for a clerk
    assert doc.elements["notation"] == "CT-UBND"  # printed, it reads well after an unread number


def test_subject_without_ve_viec_and_a_receipt_stamp_in_the_margin(templates) -> None:
    page = _page(_doc("Số: 44/BC-UBND", [(None, "BÁO CÁO")],
                      [(None, "Tình hình, kết quả thực hiện công tác")],
                      [(None, "cải cách thủ tục hành chính tháng 01/2025")],
                      [(0, "CV ĐẾN Số: 2770 Ngày: 04/4/18")]))
    (doc,) = extract([page], templates).documents
    assert (doc.type, doc.type_code) == ("bao_cao", "14")
    assert doc.elements["subject"] == ("Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính "
                                       "tháng 01/2025")


def test_quy_dinh_ending_a_paragraph_on_a_later_page_starts_no_decision(templates) -> None:
    first = _page(_doc("Số: 01/CT-UBND", [(None, "CHỈ THỊ")], [(None, "Về việc triển khai hóa đơn điện tử")],
                       [(300, "Thực hiện Nghị định số 123/2020/NĐ-CP ngày 19/10/2020 của Chính phủ")]))
    later = _page([[(150, "kịp thời báo cáo UBND tỉnh (qua Cục Thuế tỉnh) để xem xét, giải quyết theo")],
                   [(150, "quy định")], [(150, "Nơi nhận:"), (1500, "CHỦ TỊCH")]])
    later = PageText(source_page=2, width=later.width, height=later.height, dpi=later.dpi, words=later.words)
    spans = split_documents([first, later], templates)
    assert [(s.pages, s.template.form_type if s.template else None) for s in spans] == [((0, 1), "chi_thi")]


def test_a_template_needs_titles_or_subject_marks_with_a_name(tmp_path: Path) -> None:
    (tmp_path / "untitled.yaml").write_text("form-type: x\nkind: other\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="subject-marks"):
        load_templates(tmp_path)
    (tmp_path / "untitled.yaml").write_text("form-type: x\nkind: other\ntitle-vi: X\nsubject-marks: [V/v]\n",
                                            encoding="utf-8")
    (template,) = load_templates(tmp_path)
    assert (template.title, template.titles, template.kind) == ("X", (), "other")


@pytest.mark.parametrize(("number_line", "reason"), [
    ("Số: 299^56 /UBND-TTHC", "handwritten"),  # written by hand in the blank: taller than the print
    ("Số: 299 /UBND-TTHC", None),  # typed with a space before the notation
])
def test_a_number_written_by_hand_is_for_a_clerk_at_any_score(templates, number_line: str,
                                                              reason: str | None) -> None:
    page = _page(_doc(number_line, [(LEFT, "V/v công bố Danh mục TTHC")], [], [(None, "Kính gửi: Sở Giao thông")],
                      *SIGNATURE))
    (doc,) = extract([page], templates).documents
    assert (doc.elements["number"], doc.elements["notation"]) == ("299", "UBND-TTHC")
    assert doc.reasons.get("number") == reason


def test_issuer_column_close_to_the_national_header_keeps_its_own_words(templates) -> None:
    """A header set tight: ``DÂN`` and ``CỘNG`` 1.8 line heights apart, ``CỘNG`` left of the middle."""
    page = _page([*STAMP, [(700, "ỦY BAN NHÂN DÂN"), (1042, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
                  [(700, "TỈNH QUẢNG NGÃI"), (1300, "Độc lập - Tự do - Hạnh phúc")],
                  [(LEFT, "Số: 280/BC-UBND"), (RIGHT, "Quảng Ngãi, ngày 22 tháng 11 năm 2024")],
                  [(None, "BÁO CÁO")], [(None, "Về việc điều chỉnh dự toán ngân sách")], *SIGNATURE])
    (doc,) = extract([page], templates).documents
    assert doc.elements["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert doc.elements["issued"] == "2024-11-22"


def test_a_generated_letter_read_by_tesseract_is_typed_and_its_hand_number_flagged(tmp_path: Path,
                                                                                   templates) -> None:
    """End to end on the generator's công văn (no title, ``V/v`` under the Số line, the number written
    by hand, an e-copy's signature stamp above the header): real Tesseract, the page's own reading."""
    import random

    import numpy as np

    from ocr.reread import read_page
    from sample_docs.make_samples import render_letter

    ((image, _text), *_), truth = render_letter(random.Random("letter:13"))
    assert (truth["type"], truth["number_by_hand"], truth["e_copy"]) == ("cong_van", True, True)
    clean = tmp_path / "page-0001.png"
    image.save(clean, dpi=(200, 200))
    page = read_page(clean, tmp_path / "layer.pdf", original=lambda: np.asarray(image), languages="vie", psm=3,
                     timeout=120, source_page=1, low_quality=0.75)
    (doc,) = extract([page], templates, images={1: clean}).documents
    assert (doc.kind, doc.type) == ("other", "cong_van")
    assert doc.elements["notation"] == truth["notation"] and doc.elements["signer"] == truth["signer"]
    assert doc.elements["issued"] == truth["issued"]  # the stamp's 'Thời gian ký' is days later
    assert doc.elements["subject"].startswith("V/v báo cáo tình hình")
    assert doc.reasons.get("number") == "handwritten"  # taller than the printed notation beside it


def test_vv_read_as_vw_still_marks_a_letter_but_a_centred_subject_does_not(templates) -> None:
    vw = _page(_doc("Số: 459/UBND-VP", [(LEFT, "VW rà soát, cập nhật hồ sơ")], [(LEFT, "thủ tục hành chính")], [],
                    [(None, "Kính gửi: Các cơ quan, đơn vị")]))
    (doc,) = extract([vw], templates).documents
    assert (doc.type, doc.elements["subject"]) == ("cong_van", "VW rà soát, cập nhật hồ sơ thủ tục hành chính")
    # a title sohoa does not know over a centred "Về việc …" and no ký hiệu: no công văn, a paper to type
    centred = _page(_doc("Số: 46", [(None, "PHIẾU TRÌNH")], [(None, "Về việc thụ lý giải quyết khiếu nại lần hai")]))
    (doc,) = extract([centred], templates).documents
    assert (doc.kind, doc.type) == ("other", "unknown")


def test_a_notation_whose_type_is_not_the_titles_goes_to_review(templates) -> None:
    page = _page(_doc("Số: 12/TT-UBND", [(None, "TỜ TRÌNH")], [(None, "Về việc đề nghị phê duyệt danh mục")],
                      *SIGNATURE))
    (doc,) = extract([page], templates).documents
    assert (doc.type, doc.elements["notation"], doc.reasons.get("notation")) == ("to_trinh", "TT-UBND",
                                                                                  "invalid_notation")
