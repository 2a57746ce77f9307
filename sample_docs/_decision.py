"""The free-text page type: a People's Committee decision (QUYẾT ĐỊNH), form_type ``unknown``.

Dossiers carry such letters next to the forms; they have no fields, but their text must be
OCR'd and the classifier must not mistake them for a form.
"""

from __future__ import annotations

import random

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
)


def _unit(rng: random.Random) -> tuple[str, str]:
    """A committee (``ỦY BAN NHÂN DÂN PHƯỜNG …``) and its place name for the dateline."""
    prov = pl.pick_province(rng)
    district = rng.choice(sorted(prov.districts))
    ward = rng.choice(prov.districts[district])
    return ward, district


def decision_pieces(ctx: Ctx, rng: random.Random) -> list[Piece]:
    """A 1–2 page decision: letterhead, title, grounds, articles and signature.

    Args:
        ctx: page geometry.
        rng: seeded generator choosing the committee, subject, number and signer.

    Returns:
        The piece list for :func:`sample_docs._render.paginate`.
    """
    ward, district = _unit(rng)
    year = rng.randint(2022, 2025)
    subject, articles = rng.choice(_SUBJECTS)
    unit = ward[0].lower() + ward[1:]
    fill = {"unit": unit, "year": year, "n": rng.randint(5, 30)}
    number = f"Số: {rng.randint(12, 480)}/QĐ-UBND"
    place = ward.split(" ", 1)[1]
    date = f"{place}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year}"
    committee = f"ỦY BAN NHÂN DÂN {ward.upper()}"
    head = r.columns(ctx, [
        [("bold", "ỦY BAN NHÂN DÂN"), ("bold", ward.upper()), ("regular", number)],
        [("bold", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("bold", "Độc lập - Tự do - Hạnh phúc"),
         ("italic", date)]])
    body = [f"Điều {i}. {a.format(**fill)}" for i, a in enumerate(articles, 1)]
    body.append(f"Điều {len(body) + 1}. Chánh Văn phòng Ủy ban nhân dân, các tổ chức, cá nhân có "
                "liên quan chịu trách nhiệm thi hành Quyết định này./.")
    signer = pl.person_name(rng, rng.choice(("Nam", "Nữ")))
    return (head + r.spacer(ctx, 0.6) + r.centered(ctx, "QUYẾT ĐỊNH", face="bold", points=14)
            + r.centered(ctx, subject.format(**fill), face="bold")
            + r.spacer(ctx, 0.4) + r.centered(ctx, committee, face="bold")
            + r.paragraph(ctx, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
                          "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ "
                          "chức chính quyền địa phương ngày 22 tháng 11 năm 2019;", face="italic")
            + r.paragraph(ctx, "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của "
                          "Chính phủ về thực hiện thủ tục hành chính trên môi trường điện tử;",
                          face="italic")
            + r.paragraph(ctx, f"Theo đề nghị của công chức Văn phòng - Thống kê {unit}.",
                          face="italic")
            + r.spacer(ctx, 0.3) + r.centered(ctx, "QUYẾT ĐỊNH:", face="bold")
            + sum((r.paragraph(ctx, p) for p in body), [])
            + r.spacer(ctx, 0.6)
            + r.columns(ctx, [[("bolditalic", "Nơi nhận:"), ("regular", "- Như Điều 3;"),
                               ("regular", "- Lưu: VT.")],
                              [("bold", "TM. ỦY BAN NHÂN DÂN"), ("bold", "CHỦ TỊCH"), ("regular", ""),
                               ("regular", ""), ("bold", signer)]]))
