"""Results an agency issues, laid out per NĐ 30/2020: decisions, certificates, extracts, confirmations.

Each has the elements an archivist describes it by — số and ký hiệu, địa danh and ngày ban hành,
cơ quan ban hành, tên loại and trích yếu, chức vụ and họ tên người ký — and the truth records them
(``documents`` in the truth file). A QUYẾT ĐỊNH standing alone is the free-text dossier
(``form_type`` ``unknown``); the others come after the form they answer (a dossier mixing a
component and its result).
"""

from __future__ import annotations

import datetime as dt
import random

from sample_docs import _marks
from sample_docs import _places as pl
from sample_docs import _render as r
from sample_docs._render import Ctx, Piece

_SUBJECTS = (
    ("Về việc thành lập Tổ công tác chuyển đổi số cộng đồng",
     ["Thành lập Tổ công tác chuyển đổi số cộng đồng {unit} gồm các ông (bà) có tên trong danh "
      "sách kèm theo Quyết định này.",
      "Tổ công tác có nhiệm vụ hướng dẫn người dân cài đặt, sử dụng ứng dụng định danh điện tử "
      "VNeID, dịch vụ công trực tuyến và thanh toán không dùng tiền mặt; tổng hợp khó khăn, "
      "vướng mắc báo cáo Ủy ban nhân dân hằng tháng."]),
    ("Về việc công nhận tổ dân phố đạt danh hiệu Tổ dân phố văn hóa năm {year}",
     ["Công nhận {n} tổ dân phố trên địa bàn {unit} đạt danh hiệu Tổ dân phố văn hóa năm {year} "
      "(có danh sách kèm theo).",
      "Các tổ dân phố được công nhận có trách nhiệm giữ vững và phát huy danh hiệu; kinh phí "
      "khen thưởng thực hiện theo quy định hiện hành."]),
    ("Về việc phê duyệt kế hoạch số hóa hồ sơ thủ tục hành chính năm {year}",
     ["Phê duyệt kế hoạch số hóa hồ sơ, kết quả giải quyết thủ tục hành chính năm {year} của "
      "{unit}, bảo đảm hồ sơ được số hóa, ký số và lưu trữ điện tử theo quy định.",
      "Bộ phận Một cửa chủ trì, phối hợp với công chức Văn phòng - Thống kê tổ chức thực hiện; "
      "định kỳ báo cáo tiến độ vào ngày 25 hằng tháng."]),
    ("Về việc cấp Giấy chứng nhận đăng ký hộ kinh doanh",
     ["Cấp Giấy chứng nhận đăng ký hộ kinh doanh cho hộ kinh doanh có tên trong hồ sơ đề nghị, "
      "địa điểm kinh doanh trên địa bàn {unit}.",
      "Hộ kinh doanh có trách nhiệm kinh doanh đúng ngành, nghề đã đăng ký và thực hiện đầy đủ "
      "nghĩa vụ thuế theo quy định."]),
)
#: result type → (title printed, notation pattern, type key, type name)
RESULTS = {
    "quyet_dinh": ("QUYẾT ĐỊNH", "QĐ-UBND", "quyet_dinh", "Quyết định"),
    "giay_chung_nhan_ket_hon": ("GIẤY CHỨNG NHẬN KẾT HÔN", "", "giay_chung_nhan", "Giấy chứng nhận kết hôn"),
    "trich_luc_khai_sinh": ("TRÍCH LỤC KHAI SINH", "TLKS-BS", "trich_luc", "Trích lục khai sinh"),
    "giay_xac_nhan_cu_tru": ("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "XN-CAX", "giay_xac_nhan",
                             "Giấy xác nhận thông tin về cư trú"),
}
#: the result that answers each form (a dossier's component)
ANSWERS = {"khai_sinh": "trich_luc_khai_sinh", "ket_hon": "giay_chung_nhan_ket_hon",
           "ct01": "giay_xac_nhan_cu_tru", "ho_kinh_doanh": "quyet_dinh"}


def pick_unit(rng: random.Random) -> tuple[str, str]:
    """A commune or ward and its district."""
    prov = pl.pick_province(rng)
    district = rng.choice(sorted(prov.districts))
    ward = rng.choice(prov.districts[district])
    return ward, district


def nd30_date(day: dt.date) -> str:
    """The date of issue as NĐ 30/2020 prints it after the place (``ngày 05 tháng 3 năm 2024``)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(ward: str, district: str) -> str:
    """The địa danh of a paper: the ward's name, or its district's for a numbered ward (Phường 5)."""
    place = ward.split(" ", 1)[1]
    return district.split(" ", 1)[1] if place.isdigit() else place


def result_pieces(ctx: Ctx, rng: random.Random, result: str = "quyet_dinh", *,
                  issued: dt.date | None = None, about: dict[str, str] | None = None,
                  seal: bool = True) -> tuple[list[Piece], dict[str, object]]:
    """A 1–2 page result with its NĐ 30/2020 elements.

    Args:
        ctx: Page geometry and style.
        rng: Seeded generator choosing the committee, subject, number and signer.
        result: A key of :data:`RESULTS`.
        issued: The date of issue (random in 2022–2025 when None).
        about: Field values of the form it answers (names shown in the body), if any.
        seal: Stamp the agency's seal over the signature.

    Returns:
        The piece list for :func:`sample_docs._render.paginate`, and the truth of the document
        (``kind``, ``type``, ``type_name``, ``number``, ``notation``, ``issued`` ISO, ``place``,
        ``issuer``, ``subject``, ``signer``, ``signer_title``; absent elements left out).
    """
    title, notation, doc_type, type_name = RESULTS[result]
    ward, district = pick_unit(rng)
    issued = issued or dt.date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))
    place = place_name(ward, district)
    number = str(rng.randint(1, 480))
    number = number.zfill(2) if len(number) == 1 else number  # NĐ 30: numbers under 10 zero-padded
    code = f"Số: {number}/{notation}" if notation else f"Số: {number}"
    issuer = "ỦY BAN NHÂN DÂN" if result != "giay_xac_nhan_cu_tru" else "CÔNG AN"
    issuer_full = f"{issuer} {ward.upper()}"
    head = r.columns(ctx, [
        [("bold", issuer), ("bold", ward.upper()), ("regular", code)],
        [("bold", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("bold", "Độc lập - Tự do - Hạnh phúc"),
         ("italic", f"{place}, {nd30_date(issued)}")]], points=12)
    deputy = rng.random() < 0.4
    signer_title = "PHÓ CHỦ TỊCH" if deputy else "CHỦ TỊCH"
    if issuer == "CÔNG AN":
        signer_title = "PHÓ TRƯỞNG CÔNG AN" if deputy else "TRƯỞNG CÔNG AN"
    signer = pl.person_name(rng, rng.choice(("Nam", "Nữ")))
    unit = ward[0].lower() + ward[1:]
    subject = None
    if result == "quyet_dinh":
        subject_text, articles = rng.choice(_SUBJECTS)
        fill = {"unit": unit, "year": issued.year, "n": rng.randint(5, 30)}
        subject = subject_text.format(**fill)
        body = _decision_body(ctx, committee=f"ỦY BAN NHÂN DÂN {ward.upper()}", unit=unit,
                              articles=[a.format(**fill) for a in articles])
    else:
        body = _certificate_body(ctx, result, about or {}, unit)
    over = [("bold", "TM. ỦY BAN NHÂN DÂN" if issuer != "CÔNG AN" else "")]
    if deputy:
        over = [("bold", "KT. CHỦ TỊCH" if issuer != "CÔNG AN" else "KT. TRƯỞNG CÔNG AN")]
    sign = r.columns(ctx, [[("bolditalic", "Nơi nhận:"), ("regular", "- Như trên;"), ("regular", "- Lưu: VT.")],
                           [*over, ("bold", signer_title)]])
    sign += _marks.signatures(ctx, 2, seed=rng.randint(0, 10**6), only=1)
    if seal:
        # NĐ 30/2020: the seal covers about a third of the signature, on its left
        sign += _marks.seal(ctx, f"{issuer} {ward}", seed=rng.randint(0, 10**6), x_frac=0.52, up=1.5)
    sign += r.columns(ctx, [[("regular", "")], [("bold", signer)]])
    pieces = (head + r.spacer(ctx, 0.6) + r.centered(ctx, title, face="bold", points=14)
              + (r.centered(ctx, subject, face="bold") if subject else []) + r.spacer(ctx, 0.4)
              + body + r.spacer(ctx, 0.6) + sign)
    truth: dict[str, object] = {
        "kind": "result", "type": doc_type, "type_name": type_name, "number": number,
        "issued": issued.isoformat(), "place": place, "issuer": issuer_full,
        "signer": signer, "signer_title": signer_title}
    if notation:
        truth["notation"] = notation
    if subject:
        truth["subject"] = subject
    return pieces, truth


def _decision_body(ctx: Ctx, *, committee: str, unit: str, articles: list[str]) -> list[Piece]:
    body = [f"Điều {i}. {a}" for i, a in enumerate(articles, 1)]
    body.append(f"Điều {len(body) + 1}. Chánh Văn phòng Ủy ban nhân dân, các tổ chức, cá nhân có "
                "liên quan chịu trách nhiệm thi hành Quyết định này./.")
    return (r.centered(ctx, committee, face="bold")
            + r.paragraph(ctx, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
                          "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ "
                          "chức chính quyền địa phương ngày 22 tháng 11 năm 2019;", face="italic")
            + r.paragraph(ctx, "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của "
                          "Chính phủ về thực hiện thủ tục hành chính trên môi trường điện tử;", face="italic")
            + r.paragraph(ctx, f"Theo đề nghị của công chức Văn phòng - Thống kê {unit}.", face="italic")
            + r.spacer(ctx, 0.3) + r.centered(ctx, "QUYẾT ĐỊNH:", face="bold")
            + sum((r.paragraph(ctx, p) for p in body), []))


def _certificate_body(ctx: Ctx, result: str, about: dict[str, str], unit: str) -> list[Piece]:
    """The body of a certificate, extract or confirmation: who it is about (printed, not fields)."""
    if result == "giay_chung_nhan_ket_hon":
        lines = [f"Họ, chữ đệm, tên vợ: {about.get('nu_ho_ten', '')}",
                 f"Họ, chữ đệm, tên chồng: {about.get('nam_ho_ten', '')}",
                 f"Đã đăng ký kết hôn tại Ủy ban nhân dân {unit}."]
    elif result == "trich_luc_khai_sinh":
        lines = [f"Họ, chữ đệm, tên: {about.get('ho_ten', '')}",
                 f"Ngày, tháng, năm sinh: {about.get('ngay_sinh', '')}",
                 f"Nơi đăng ký khai sinh: Ủy ban nhân dân {unit}."]
    else:
        lines = [f"Xác nhận ông/bà: {about.get('ho_ten', '')}",
                 "Có thông tin về cư trú trong Cơ sở dữ liệu về cư trú như sau:",
                 f"Nơi thường trú: {unit}."]
    return sum((r.paragraph(ctx, line, indent_mm=5) for line in lines), [])


def decision_pieces(ctx: Ctx, rng: random.Random) -> list[Piece]:
    """A stand-alone decision (the free-text dossier), for callers that need only its pieces."""
    return result_pieces(ctx, rng, "quyet_dinh")[0]
