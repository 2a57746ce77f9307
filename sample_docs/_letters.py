"""Administrative papers that are neither a citizen's form nor the matter's result, laid out per
NĐ 30/2020 as the provinces' archives hold them: công văn, thông báo, tờ trình, báo cáo, kế hoạch.

They carry what the real provincial scans show and the forms do not: a công văn prints no title
(its trích yếu ``V/v …`` sits under the Số line), the number is often written by hand in the blank
the văn thư left after signing, and an e-copy carries the digital signature's stamp above the
national header, whose ``Thời gian ký`` is not the date of issue. The truth records the NĐ 30/2020
elements (``documents`` in the truth file, ``kind`` ``other``) and ``number_by_hand``.
"""

from __future__ import annotations

import datetime as dt
import random

from PIL import ImageDraw

from sample_docs import _marks
from sample_docs import _places as pl
from sample_docs import _render as r
from sample_docs._decision import nd30_date, pick_unit, place_name
from sample_docs._render import Ctx, Piece

#: type → (title printed, or "" for a công văn; notation; type name; subjects)
LETTERS = {
    "cong_van": ("", "UBND-VP", "Công văn", (
        "V/v rà soát, cập nhật hồ sơ thủ tục hành chính trên Cổng dịch vụ công",
        "V/v tăng cường số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "V/v báo cáo tình hình tiếp nhận hồ sơ trực tuyến quý {quarter} năm {year}")),
    "thong_bao": ("THÔNG BÁO", "TB-UBND", "Thông báo", (
        "Về việc thụ lý giải quyết khiếu nại lần đầu",
        "Kết luận của Chủ tịch Ủy ban nhân dân tại buổi làm việc về công tác cải cách hành chính")),
    "to_trinh": ("TỜ TRÌNH", "TTr-UBND", "Tờ trình", (
        "Về việc đề nghị phê duyệt danh mục thủ tục hành chính nội bộ",
        "Về việc đề nghị bổ sung kinh phí số hóa hồ sơ lưu trữ năm {year}")),
    "bao_cao": ("BÁO CÁO", "BC-UBND", "Báo cáo", (
        "Tình hình, kết quả thực hiện công tác cải cách thủ tục hành chính quý {quarter} năm {year}",
        "Về việc kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính năm {year}")),
    "ke_hoach": ("KẾ HOẠCH", "KH-UBND", "Kế hoạch", (
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính năm {year}",)),
}
_BODY = ("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc đẩy mạnh cải cách thủ tục hành chính, "
         "số hóa hồ sơ và kết quả giải quyết thủ tục hành chính; Ủy ban nhân dân {unit} đề nghị các cơ "
         "quan, đơn vị, địa phương triển khai thực hiện các nội dung sau:",
         "Rà soát toàn bộ hồ sơ đã tiếp nhận, bảo đảm hồ sơ được số hóa, ký số và lưu trữ theo quy định; "
         "báo cáo kết quả thực hiện về Văn phòng Ủy ban nhân dân trước ngày 25 hằng tháng.",
         "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh về Văn phòng Ủy ban "
         "nhân dân để được hướng dẫn, giải quyết theo quy định.")


def _stamp(ctx: Ctx, agency: str, signed: dt.datetime) -> list[Piece]:
    """The digital signature's stamp an e-copy carries top right, above the national header."""
    lines = [f"Ký bởi: {agency}", "Cơ quan: Tỉnh", f"Thời gian ký: {signed:%d/%m/%Y %H:%M:%S} +07:00"]
    size = max(8, round(ctx.body * 0.6))
    pitch = round(size * 1.3)

    def draw(d: ImageDraw.ImageDraw, y: int) -> None:
        f = ctx.font("regular", size)
        x = ctx.left + (ctx.right - ctx.left) * 0.62
        d.rectangle((x - 6, y - 4, ctx.right, y + pitch * len(lines) + 4), outline=r.INK, width=1)
        for k, line in enumerate(lines):
            d.text((x, y + k * pitch + round(pitch * 0.8)), line, font=f, fill=r.INK, anchor="ls")
    return [Piece(pitch * len(lines) + 10, draw, "\n".join(lines))]


def letter_pieces(ctx: Ctx, rng: random.Random) -> tuple[list[Piece], dict[str, object]]:
    """A 1–2 page administrative paper with its NĐ 30/2020 elements.

    Returns:
        The pieces for :func:`sample_docs._render.paginate`, and the truth of the document (``kind``
        ``other``, ``type``, ``type_name``, ``number``, ``notation``, ``issued`` ISO, ``place``,
        ``issuer``, ``subject``, ``signer``, ``signer_title``, ``number_by_hand``, ``e_copy``).
    """
    kind = rng.choice(sorted(LETTERS))
    title, notation, type_name, subjects = LETTERS[kind]
    ward, district = pick_unit(rng)
    issued = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
    place = place_name(ward, district)
    number = str(rng.randint(1, 480)).zfill(2)
    by_hand = rng.random() < 0.5
    subject = rng.choice(subjects).format(year=issued.year, quarter=rng.choice(("I", "II", "III", "IV")))
    issuer_full = f"ỦY BAN NHÂN DÂN {ward.upper()}"
    left: list[tuple[str, str]] = [("bold", "ỦY BAN NHÂN DÂN"), ("bold", ward.upper()),
                                   ("hand-code" if by_hand else "regular", f"Số: {number}/{notation}")]
    if not title:  # a công văn: the trích yếu under the Số line, in the agency's column
        left += [("regular", line) for line in r.wrap(subject, len, 30, 30)]
    e_copy = rng.random() < 0.5
    pieces: list[Piece] = []
    if e_copy:
        signed = dt.datetime.combine(issued + dt.timedelta(days=rng.randint(1, 6)), dt.time(rng.randint(7, 17),
                                                                                           rng.randint(0, 59)))
        pieces += _stamp(ctx, f"Ủy ban nhân dân {ward}", signed) + r.spacer(ctx, 0.3)
    pieces += r.columns(ctx, [left, [("bold", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                                     ("bold", "Độc lập - Tự do - Hạnh phúc"),
                                     ("italic", f"{place}, {nd30_date(issued)}")]],
                        points=12)
    pieces += r.spacer(ctx, 0.6)
    if title:
        pieces += r.centered(ctx, title, face="bold", points=14) + r.centered(ctx, subject, face="bold")
    pieces += r.spacer(ctx, 0.5) + r.centered(ctx, "Kính gửi: Các cơ quan, đơn vị có liên quan") + r.spacer(ctx, 0.3)
    unit = ward[0].lower() + ward[1:]
    pieces += sum((r.paragraph(ctx, p.format(unit=unit)) for p in _BODY), [])
    deputy = rng.random() < 0.5
    over = "KT. CHỦ TỊCH" if deputy else "TM. ỦY BAN NHÂN DÂN"
    signer_title = "PHÓ CHỦ TỊCH" if deputy else "CHỦ TỊCH"
    signer = pl.person_name(rng, rng.choice(("Nam", "Nữ")))
    sign = r.columns(ctx, [[("bolditalic", "Nơi nhận:"), ("regular", "- Như trên;"), ("regular", "- Lưu: VT.")],
                           [("bold", over), ("bold", signer_title)]])
    sign += _marks.signatures(ctx, 2, seed=rng.randint(0, 10**6), only=1)
    sign += _marks.seal(ctx, f"ỦY BAN NHÂN DÂN {ward}", seed=rng.randint(0, 10**6), x_frac=0.52, up=1.5)
    sign += r.columns(ctx, [[("regular", "")], [("bold", signer)]])
    pieces += r.spacer(ctx, 0.6) + sign
    truth: dict[str, object] = {
        "kind": "other", "type": kind, "type_name": type_name, "number": number, "notation": notation,
        "issued": issued.isoformat(), "place": place, "issuer": issuer_full, "subject": subject,
        "signer": signer, "signer_title": signer_title,
        "number_by_hand": by_hand, "e_copy": e_copy}
    return pieces, truth
