"""Separator sheets to print: a large QR code ``SOHOA-SEP:<code>`` and the code in text.

A clerk prints one sheet per dossier and puts it on top of the dossier before the stack goes
through the scanner; intake splits the stack there and gives the dossier the sheet's code.
The sheet is drawn once at 300 dpi as a bilevel image (crisp when printed, a few kB in the PDF).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from scanners.codes import is_valid_code
from scanners.qr import separator_payload

SHEET_DPI = 300
QR_SIZE_MM = 70.0
_A4_MM = (210.0, 297.0)
_FONTS = ("/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf",
          "/usr/share/fonts/truetype/dejavu/DejaVuSerif{}.ttf")
TITLE = "TỜ PHÂN CÁCH HỒ SƠ"
INSTRUCTION = ("Đặt tờ này lên trên cùng hồ sơ trước khi quét.",
               "Không ghi, không đóng dấu lên mã QR. Tờ này không được lưu vào hồ sơ.")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    for pattern in _FONTS:
        name = pattern.format("Bold" if bold else ("Regular" if "liberation" in pattern else ""))
        if Path(name).exists():
            return ImageFont.truetype(name, size)
    return ImageFont.load_default(size)


def qr_modules(payload: str) -> np.ndarray:
    """The QR code of ``payload`` as a boolean module matrix (True = dark), quiet zone included."""
    import qrcode  # only the sheet printer needs it

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def _px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (right - left)) // 2, y), text, font=font, fill=0)
    return y + (bottom - top)


def render_sheet(code: str, *, dpi: int = SHEET_DPI) -> Image.Image:
    """One A4 separator sheet for ``code``, as a greyscale ("L") image at ``dpi``."""
    payload = separator_payload(code)
    width, height = _px(_A4_MM[0], dpi), _px(_A4_MM[1], dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = _centred(draw, _px(25, dpi), TITLE, _font(True, _px(9, dpi)), width) + _px(8, dpi)
    for line in INSTRUCTION:
        y = _centred(draw, y, line, _font(False, _px(4.2, dpi)), width) + _px(3, dpi)
    modules = qr_modules(payload)
    side = _px(QR_SIZE_MM, dpi) // modules.shape[0] * modules.shape[0]
    qr = Image.fromarray(np.where(modules, 0, 255).astype(np.uint8)).resize((side, side), Image.NEAREST)
    qr_top = y + _px(12, dpi)
    page.paste(qr, ((width - side) // 2, qr_top))
    y = _centred(draw, qr_top + side + _px(10, dpi), "Mã hồ sơ:", _font(False, _px(6, dpi)), width)
    size = _px(10, dpi) if len(code) <= 28 else _px(6, dpi)
    _centred(draw, y + _px(4, dpi), code, _font(True, size), width)
    draw.text((_px(20, dpi), height - _px(20, dpi)), payload, font=_font(False, _px(3, dpi)), fill=0)
    return page


def consecutive_codes(code: str, count: int) -> list[str]:
    """``count`` codes counting up from ``code``'s trailing number (``…-0041``, ``…-0042`` …), width kept.

    Raises:
        ValueError: a code the archive would refuse (:func:`scanners.codes.is_valid_code`): no sheet
            is printed for a dossier that could never be archived under it.
    """
    if not is_valid_code(code):
        raise ValueError("the code has characters the archive does not take (letters, digits, '.', '_', '-' "
                         "only, at most 100)")
    if count == 1:
        return [code]
    match = re.search(r"(\d+)$", code)
    if match is None:
        raise ValueError("--count above 1 needs a code that ends in a number (the intake sequence)")
    head, digits = code[:match.start()], match.group(1)
    start = int(digits)
    codes = [f"{head}{start + i:0{len(digits)}d}" for i in range(count)]
    if not is_valid_code(codes[-1]):
        raise ValueError("counting up makes codes longer than the archive takes (100 characters)")
    return codes


def write_sheets(codes: list[str], out: Path, *, dpi: int = SHEET_DPI) -> Path:
    """Write a PDF with one separator sheet per code (bilevel, ``dpi``), in the order given.

    Raises:
        ValueError: a code the archive would refuse; nothing is written.
    """
    if not all(is_valid_code(code) for code in codes):
        raise ValueError("a code has characters the archive does not take (letters, digits, '.', '_', '-' "
                         "only, at most 100)")
    pages = [render_sheet(code, dpi=dpi).point(lambda v: 255 if v > 140 else 0).convert("1") for code in codes]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pages[0].save(tmp, "PDF", save_all=True, append_images=pages[1:], resolution=dpi,
                  title="Tờ phân cách hồ sơ (sohoa)")
    tmp.replace(out)
    return out
