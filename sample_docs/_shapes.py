"""Write a dossier's scanned pages in one of the three inbox shapes a scanner produces.

* ``tiff``: one multi-page TIFF (JPEG or Deflate compression), dpi in the resolution tags;
* ``folder``: ``page-1.jpg``, ``page-2.png`` … (unpadded numbers, so natural sort gives the order);
* ``pdf``: an image-only PDF, one full-page JPEG per page sized from the page's dpi.

All writers are byte-deterministic for the same input (no timestamps, fixed PDF /ID).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pikepdf
from PIL import Image

SHAPES = ("tiff", "folder", "pdf")
_SUFFIX = {"tiff": ".tif", "folder": "", "pdf": ".pdf"}


def inbox_name(name: str, shape: str) -> str:
    """File or folder name of a dossier in the inbox."""
    return name + _SUFFIX[shape]


def _jpeg_bytes(img: Image.Image, dpi: int, quality: int) -> bytes:
    """Encode ``img`` as a baseline JPEG carrying its dpi in the JFIF header."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def write_tiff(pages: list[Image.Image], dest: Path, dpi: int, rng: random.Random,
               quality: int = 75, lossless: float = 0.2) -> None:
    """A multi-page TIFF: JPEG compression, or Deflate with probability ``lossless``."""
    compression = "tiff_deflate" if rng.random() < lossless else "jpeg"
    extra = {"quality": quality} if compression == "jpeg" else {}
    if compression == "jpeg":  # YCbCr lets libtiff subsample colour, as scanners do
        pages = [p.convert("YCbCr") if p.mode == "RGB" else p for p in pages]
    first, *rest = pages
    first.save(dest, "TIFF", save_all=True, append_images=rest, compression=compression,
               dpi=(dpi, dpi), **extra)


def write_folder(pages: list[Image.Image], dest: Path, dpi: int, rng: random.Random,
                 quality: int = 75, lossless: float = 0.25) -> None:
    """A folder of page images: JPEG, or PNG with probability ``lossless`` per page."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("page-*"):
        old.unlink()
    for n, page in enumerate(pages, 1):
        if rng.random() < lossless:
            page.save(dest / f"page-{n}.png", "PNG", dpi=(dpi, dpi), optimize=True)
        else:
            (dest / f"page-{n}.jpg").write_bytes(_jpeg_bytes(page, dpi, quality))


def _image_page(pdf: pikepdf.Pdf, img: Image.Image, dpi: int, quality: int) -> None:
    """Append one page showing ``img`` full-bleed at ``dpi``."""
    w, h = img.size
    xobj = pikepdf.Stream(pdf, _jpeg_bytes(img, dpi, quality))
    xobj.Type = pikepdf.Name.XObject
    xobj.Subtype = pikepdf.Name.Image
    xobj.Width, xobj.Height = w, h
    xobj.ColorSpace = pikepdf.Name.DeviceGray if img.mode == "L" else pikepdf.Name.DeviceRGB
    xobj.BitsPerComponent = 8
    xobj.Filter = pikepdf.Name.DCTDecode
    pw, ph = w * 72 / dpi, h * 72 / dpi
    content = pikepdf.Stream(pdf, f"q {pw:.4f} 0 0 {ph:.4f} 0 0 cm /Im0 Do Q".encode())
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(pw, 4), round(ph, 4)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)), Contents=content)
    pdf.pages.append(pikepdf.Page(page))


def write_pdf(pages: list[Image.Image], dest: Path, dpi: int, rng: random.Random,
              quality: int = 75, lossless: float = 0.0) -> None:
    """An image-only PDF of JPEG pages (what a scanner's "scan to PDF" produces)."""
    del rng, lossless  # same signature as the other writers
    with pikepdf.new() as pdf:
        for page in pages:
            _image_page(pdf, page, dpi, quality)
        pdf.docinfo["/Producer"] = "sohoa sample_docs (simulated scanner)"
        pdf.save(dest, deterministic_id=True, compress_streams=True)


WRITERS = {"tiff": write_tiff, "folder": write_folder, "pdf": write_pdf}
