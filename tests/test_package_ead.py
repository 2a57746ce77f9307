"""The EAD of a package per TT 05/2025: every element the circular lists, filled from the dossier's data.

The lists below are typed from the project's digest of TT 05/2025/TT-BNV Phụ lục I (AIP_hoso:
``EAD.xml`` 18 dossier elements, ``EAD_doc`` 19 document elements, in that order; regulations
digest §5.3), independently of the code's own lists, which the test checks against them.

Dossiers are described from stage outputs built here: one with the documents the fields stage
reads (contract C3: a tờ khai and a QUYẾT ĐỊNH), one without (the dossier is one document).
"""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from archive.ead import DOCUMENT_ELEMENTS, DOSSIER_ELEMENTS, document_ead, dossier_ead
from archive.retention import load_schedule, retention_for
from configs.archive_schema import ArchiveSettings
from configs.schema import Settings
from ocr.model import PageGeometry, PageText
from pipeline.description import document_metadata, dossier_metadata, number_of_sheets
from pipeline.outputs import StageOutputs, dossier_dates

TT05_DOSSIER = ["arcFileCode", "title", "maintenance", "mode", "language", "startDate", "endDate", "keyword",
                "totalDoc", "numberOfPaper", "numberOfPage", "format", "inforSign", "confidenceLevel",
                "paperFileCode", "riskRecovery", "riskRecoveryStatus", "description"]
TT05_DOCUMENT = ["arcFileCode", "mode", "language", "keyword", "numberOfPage", "format", "inforSign",
                 "confidenceLevel", "description", "docCode", "docOrdinal", "typeName", "codeNumber",
                 "codeNotation", "issuedDate", "organName", "subject", "autograph", "process"]
CODE = "000.00.19.H49-250301-0007"
SETTINGS = Settings(archive=ArchiveSettings(agency_code="H49", fonds_code="64"))

DOCUMENTS = [
    {"pages": [1], "kind": "component", "type": "to_khai_khai_sinh", "type_name": "Tờ khai đăng ký khai sinh",
     "type_code": "32", "form_type": "khai_sinh", "issued": "2025-02-27", "confidence": 0.9, "needs_review": False},
    {"pages": [3, 4], "kind": "result", "type": "quyet_dinh", "type_name": "Quyết định", "type_code": "02",
     "form_type": "unknown", "number": "2867", "notation": "QĐ-UBND", "issued": "2025-03-05",
     "place": "Quảng Ngãi", "issuer": "Ủy ban nhân dân phường Nghĩa Chánh",
     "subject": "về việc công nhận kết quả đăng ký khai sinh", "signer": "Nguyễn Văn Hùng",
     "signer_title": "Chủ tịch", "confidence": 0.8, "needs_review": True, "reasons": {"number": "low_confidence"}},
]


def _geometry(blanks: tuple[int, ...] = (), pages: int = 4) -> list[PageGeometry]:
    return [PageGeometry(source_page=n, blank=n in blanks, rotation=0, skew=0.0, width=1654, height=2339, dpi=200.0)
            for n in range(1, pages + 1)]


def _outputs(*, documents: list | None, blanks: tuple[int, ...] = (2,), intake: dict | None = None) -> StageOutputs:
    geometry = _geometry(blanks)
    form = {"form_type": "khai_sinh", "fields": {}}
    if documents is not None:
        form["documents"] = documents
    return StageOutputs(geometry=geometry, texts=[PageText(g.source_page, g.width, g.height, g.dpi) for g in geometry],
                        form=form, intake={"code": CODE, **(intake or {})},
                        sign_info={"certified": True, "copy_form": "SAO Y"}, page_rows=[])


def _described(out: StageOutputs):
    docs = document_metadata(out, SETTINGS)
    dates = dossier_dates(out.form, SETTINGS, scan_date=date(2025, 6, 1), documents=docs)
    retention = retention_for(load_schedule(), out.form["form_type"], dates.end.year)
    return dossier_metadata(out, SETTINGS, code=CODE, documents=docs, dates=dates, retention=retention), dates


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.mark.parametrize("documents", [DOCUMENTS, None], ids=["with-documents", "one-document"])
def test_every_tt05_element_is_written_in_order(documents: list | None) -> None:
    assert list(DOSSIER_ELEMENTS) == TT05_DOSSIER and list(DOCUMENT_ELEMENTS) == TT05_DOCUMENT
    meta, _ = _described(_outputs(documents=documents))
    dossier = _xml(dossier_ead(meta, total_docs=len(meta.documents)))
    assert [child.tag for child in dossier] == TT05_DOSSIER
    for doc in meta.documents:
        assert [child.tag for child in _xml(document_ead(meta, doc))] == TT05_DOCUMENT


def test_values_come_from_the_documents() -> None:
    meta, dates = _described(_outputs(documents=DOCUMENTS, intake={"paper_file_code": "H49.K2.G5.H12.0031",
                                                                    "category": "HT.01"}))
    dossier = _xml(dossier_ead(meta, total_docs=len(meta.documents)))
    text = {child.tag: child.text or "" for child in dossier}
    assert text["arcFileCode"] == f"H49.64.{CODE}"  # archive agency . fonds . dossier code unchanged
    assert text["title"] == "Tờ khai đăng ký khai sinh; Quyết định về việc công nhận kết quả đăng ký khai sinh"
    assert text["keyword"] == "Tờ khai đăng ký khai sinh; Quyết định"
    assert text["totalDoc"] == "2"
    assert (text["numberOfPaper"], text["numberOfPage"]) == ("2", "3")  # 4 sides duplex = 2 sheets; blank back left out
    assert text["paperFileCode"] == "H49.K2.G5.H12.0031" and text["inforSign"] == "HT.01"
    assert (text["startDate"], text["endDate"]) == ("27/02/2025", "05/03/2025")  # the decision ends the matter
    assert (dates.start_from, dates.end_from, dates.fallback) == ("document:1", "document:2", False)
    decision = {c.tag: c.text or "" for c in _xml(document_ead(meta, meta.documents[1]))}
    assert decision["typeName"] == "02" and decision["docOrdinal"] == "2"
    assert (decision["codeNumber"], decision["codeNotation"], decision["issuedDate"]) == ("2867", "QĐ-UBND", "05/03/2025")
    assert decision["organName"] == "Ủy ban nhân dân phường Nghĩa Chánh"
    assert decision["subject"] == "về việc công nhận kết quả đăng ký khai sinh"
    assert decision["numberOfPage"] == "2" and decision["docCode"] == f"H49.64.{CODE}.0000002"
    assert "Kết quả giải quyết" in decision["description"] and "Chủ tịch Nguyễn Văn Hùng" in decision["description"]
    assert "Cần kiểm tra: số" in decision["description"]
    form = {c.tag: c.text or "" for c in _xml(document_ead(meta, meta.documents[0]))}
    assert form["typeName"] == "32" and form["numberOfPage"] == "1" and form["keyword"] == "Tờ khai đăng ký khai sinh"


def test_without_documents_the_dossier_is_one_document_of_its_form() -> None:
    meta, dates = _described(_outputs(documents=None, blanks=()))
    assert len(meta.documents) == 1
    doc = {c.tag: c.text or "" for c in _xml(document_ead(meta, meta.documents[0]))}
    assert doc["numberOfPage"] == "4" and doc["typeName"] == "32" and doc["keyword"] == "Tờ khai đăng ký khai sinh"
    text = {c.tag: c.text or "" for c in _xml(dossier_ead(meta, total_docs=1))}
    assert text["title"] == "Tờ khai đăng ký khai sinh"
    assert text["paperFileCode"] == "" and text["paperFileCode"] != CODE  # unknown shelf code: empty
    assert text["numberOfPaper"] == "4"  # simplex: no blank back, no duplex flag
    assert dates.fallback and "ngày số hóa" in text["description"]


@pytest.mark.parametrize("reason", ["low_confidence", "ocr_digits_guessed", "zero_lookalike", "ink_on_figure"])
def test_a_doubtful_date_of_issue_dates_the_dossier_before_the_scan_date(reason: str) -> None:
    """A decision alone whose date was read with a doubtful figure: the matter is the decision's
    (flagged ``date_doubtful``, remark in the EAD), never the scan's."""
    decision = {**DOCUMENTS[1], "reasons": {"issued": reason}}
    meta, dates = _described(_outputs(documents=[decision], blanks=()))
    assert (dates.start, dates.end) == (date(2025, 3, 5), date(2025, 3, 5))
    assert (dates.start_from, dates.end_from, dates.fallback, dates.doubtful) == ("document:1", "document:1",
                                                                                   False, True)
    assert dates.as_record()["doubtful"] is True
    text = {c.tag: c.text or "" for c in _xml(dossier_ead(meta, total_docs=1))}
    assert (text["startDate"], text["endDate"]) == ("05/03/2025", "05/03/2025")
    assert "chưa chắc chắn" in text["description"] and "ngày số hóa" not in text["description"]


def test_a_sure_date_wins_over_a_doubtful_one() -> None:
    """The tờ khai's own date is sure: the doubtful decision date does not move the start, and the
    dossier is not flagged; with both doubtful, the sure form date still starts the matter."""
    doubtful = {**DOCUMENTS[1], "reasons": {"issued": "low_confidence"}}
    _, dates = _described(_outputs(documents=[DOCUMENTS[0], doubtful]))
    assert (dates.start, dates.end, dates.doubtful) == (date(2025, 2, 27), date(2025, 2, 27), False)
    assert "doubtful" not in dates.as_record()
    _, sure = _described(_outputs(documents=DOCUMENTS))
    assert (sure.end, sure.end_from, sure.doubtful) == (date(2025, 3, 5), "document:2", False)


def test_a_doubtful_date_after_the_scan_is_no_date() -> None:
    late = {**DOCUMENTS[1], "issued": "2026-03-05", "reasons": {"issued": "ocr_digits_guessed"}}
    _, dates = _described(_outputs(documents=[late], blanks=()))
    assert dates.fallback and not dates.doubtful and dates.end == date(2025, 6, 1)


def test_sheets_count_duplex_backs_once() -> None:
    assert number_of_sheets(_geometry((2, 4)), None) == 2  # blank backs at even positions: duplex
    assert number_of_sheets(_geometry(()), None) == 4
    assert number_of_sheets(_geometry(()), True) == 2  # intake knew the scan was duplex
    assert number_of_sheets(_geometry((2,), pages=3), False) == 3


def test_values_the_archive_cannot_hold_are_cut_not_fatal() -> None:
    noisy = [{**DOCUMENTS[1], "number": "2867/2867/2867/2867", "type_code": "99", "kind": "annex",
              "form_type": "Not A Form", "issued": "31/02/2025"}]
    meta, _ = _described(_outputs(documents=noisy))
    doc = meta.documents[0]
    assert (doc.number, doc.type_code, doc.kind, doc.form_type, doc.issued) == ("2867/2867/2", "32", "other",
                                                                               "unknown", None)
