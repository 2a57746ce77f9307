"""Reading a signature block again without its seal.

A seal printed over the signer's name (NĐ 30/2020 puts it over the left third of the signature) is
mid-grey on a greyscale scan while the type is near black: on the clean page image the block is cut
out, everything lighter than the type is whitened, and the cut-out is read again by Tesseract. The
signer read from it replaces the first reading when it is a valid name read more surely.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from fields.text import Token, document_lines
from ocr.model import PageText

Reread = Callable[..., list[list[Token]]]
"""(source page, normalised box, psm=6, whiten=True) → the lines of that region read again without the
seal (Tesseract's page segmentation mode: 6 a block, 7 one line); ``whiten=False`` reads the region as
it is (a header carries no seal, and light type would be whitened with it); ``leaders=True`` erases
dotted leaders first (see :data:`LEADER_DPI_SCALE`); ``shear`` (x per y) straightens a leaning hand
first (:func:`fields.handwriting.deslant`), and ``scale`` enlarges the region before it is read."""
INK_BELOW = 90
"""Grey levels above this are whitened: a stamp's red or blue, not the signer's black type."""


def value_box(tokens: Sequence[Token], page: PageText, *, left: float, right: float,
              vertical: float) -> tuple[float, float, float, float]:
    """The normalised box around a value's words on ``page``, padded by this many letter heights left,
    right, and above and below: the region a :data:`Reread` reads again."""
    height = max(t.bbox.height for t in tokens)
    x0, x1 = min(t.bbox.left for t in tokens), max(t.bbox.right for t in tokens)
    y0, y1 = min(t.bbox.top for t in tokens), max(t.bbox.bottom for t in tokens)
    w, h = max(page.width, 1), max(page.height, 1)
    return (max(0.0, (x0 - left * height) / w), max(0.0, (y0 - vertical * height) / h),
            min(1.0, (x1 + right * height) / w), min(1.0, (y1 + vertical * height) / h))


def seal_free_reader(images: dict[int, Path], pages: dict[int, PageText]) -> Reread:
    """A :data:`Reread` over a dossier's clean page images."""

    decoded: dict[int, tuple[Image.Image, tuple[float, float]] | None] = {}

    def page_image(source_page: int, page: PageText) -> tuple[Image.Image, tuple[float, float]] | None:
        """The page's clean image in grey and its dpi, decoded once per dossier (a handwritten form's
        every value is read again five ways); None when it cannot be read."""
        if source_page not in decoded:
            try:
                with Image.open(images[source_page]) as img:
                    decoded[source_page] = (img.convert("L"), img.info.get("dpi", (page.dpi, page.dpi)))
            except OSError:
                decoded[source_page] = None
        return decoded[source_page]

    def reread(source_page: int, box: tuple[float, float, float, float], psm: int = 6,
               whiten: bool = True, leaders: bool = False, shear: float = 0.0,
               scale: float = 1.0) -> list[list[Token]]:
        from ocr.leaders import erase_leaders
        from ocr.recognize import recognize

        path, page = images.get(source_page), pages.get(source_page)
        if path is None or page is None:
            return []
        got = page_image(source_page, page)
        if got is None:
            return []
        grey, dpi = got
        w, h = grey.size
        x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
        crop = np.asarray(grey.crop((x0, y0, x1, y1)))
        if leaders:
            crop = erase_leaders(crop, dpi=float(dpi[0] or page.dpi) * LEADER_DPI_SCALE,
                                 x_height=LEADER_X_HEIGHT * page.dpi)
        cleaned = Image.fromarray(np.where(crop > INK_BELOW, 255, crop).astype(np.uint8) if whiten else crop)
        if shear or scale != 1.0:  # the words' boxes are then the straightened, enlarged region's
            from fields.handwriting import deslant

            cleaned = Image.fromarray(deslant(np.asarray(cleaned), shear)) if shear else cleaned
            cleaned = cleaned.resize((round(cleaned.width * scale), round(cleaned.height * scale)), Image.LANCZOS)
            dpi = (float(dpi[0] or page.dpi) * scale, float(dpi[1] or page.dpi) * scale)
        with tempfile.TemporaryDirectory(prefix="sohoa-sign-") as tmp:
            out = Path(tmp) / "block.png"
            cleaned.save(out, dpi=dpi)
            text = recognize(out, psm=psm, source_page=source_page)
        shifted = [w_.__class__(w_.text, w_.bbox.__class__(w_.bbox.left + x0, w_.bbox.top + y0, w_.bbox.width,
                                                          w_.bbox.height), w_.confidence, w_.line)
                   for w_ in text.words]
        return document_lines([PageText(source_page, page.width, page.height, page.dpi, tuple(shifted))])

    return reread


LEADER_DPI_SCALE = 1.5
"""Leaders are erased as if the page had this many times its dpi: the page OCR's erasing takes dots of
at most 9 px at 300 dpi (0.76 mm), and some typefaces print leader dots of 7×8 px at 200 dpi (0.9 mm)
that it leaves; Tesseract then garbles the line (``Hóa, Tỉnh Thanh Hóa …`` read ``;0.8WM. y0.``) or
reads nothing of it. A dot is still no larger than half :data:`LEADER_X_HEIGHT`, so letters stay."""
LEADER_X_HEIGHT = 0.1
"""… the x-height taken for that, in inches of the page (0.1 in ≈ 20 px at 200 dpi: a 12-point face's
lower-case letters with their diacritics)."""

