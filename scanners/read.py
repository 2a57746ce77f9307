"""One dossier → its page images in the work folder, kept at full quality.

JPEG pages are copied byte for byte (no recompression), JPEG-compressed TIFF frames keep their
JPEG data (joined into one JPEG file, :mod:`scanners.tiff_jpeg`), other TIFF frames and PNGs are
stored as lossless PNG, and image-only PDFs give up their embedded page images unchanged where the page
is one plain image (otherwise the page is rendered at 300 dpi). Originals are only read.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import warnings
from pathlib import Path

import pikepdf
from PIL import Image, ImageSequence, UnidentifiedImageError

from scanners.model import Dossier, SourcePage
from scanners.tiff_jpeg import standalone_jpeg
from sohoa.errors import EncryptedPdfError, InputFileError, UnsupportedInputError
from sohoa.files import natural_sort_key
from sohoa.tools import poppler

log = logging.getLogger(__name__)

DEFAULT_DPI = 300.0
RENDER_DPI = 300
MAX_PIXELS = 150_000_000
"""Largest page accepted (about A0 at 300 dpi); beyond it Pillow's bomb check refuses the image."""
MAX_PAGES = 5000
MIN_PLAUSIBLE_DPI, MAX_PLAUSIBLE_DPI = 50.0, 1200.0
"""A resolution tag outside this range is a scanner's mistake: the page counts as dpi unknown."""
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
"""Files Windows leaves in shared folders; not pages."""

_MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG": "png", b"II*\x00": "tiff", b"MM\x00*": "tiff",
          b"%PDF": "pdf"}
_EXPECTED = {"tiff": {"tiff"}, "pdf": {"pdf"}, "image": {"jpeg", "png", "tiff"}}

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Pillow only warns between MAX_IMAGE_PIXELS and twice that; a page that large is refused here.
warnings.simplefilter("error", Image.DecompressionBombWarning)


def _head(path: Path) -> bytes:
    """The first bytes of a regular file; anything else (FIFO, device) is refused, never waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise InputFileError(f"the file cannot be opened ({exc.strerror})", reason="unreadable_file",
                             message_vi="Không mở được tệp (không có quyền đọc hoặc lỗi ổ đĩa).") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsupportedInputError("not a regular file", reason="not_a_file",
                                        message_vi="Không phải tệp thông thường.")
        return os.read(fd, 1024)
    except OSError as exc:
        raise InputFileError(f"the file cannot be read ({exc.strerror})", reason="unreadable_file",
                             message_vi="Không đọc được tệp (không có quyền đọc hoặc lỗi ổ đĩa).") from exc
    finally:
        os.close(fd)


def sniff(path: Path) -> str:
    """The real kind of a file from its first bytes (never from its name)."""
    head = _head(path)
    if not head:
        raise InputFileError("the file is empty (0 bytes)", reason="empty_file",
                             message_vi="Tệp rỗng (0 byte).")
    for magic, kind in _MAGIC.items():
        if head.startswith(magic) or (kind == "pdf" and magic in head):
            return kind
    raise UnsupportedInputError("the file is neither an image nor a PDF",
                                message_vi="Tệp không phải ảnh quét hoặc PDF.")


def _check_kind(path: Path, shape: str) -> str:
    kind = sniff(path)
    if kind not in _EXPECTED.get(shape, {"jpeg", "png", "tiff"}):
        raise UnsupportedInputError(
            f"the file's content ({kind}) does not match its extension", reason="wrong_extension",
            message_vi="Phần mở rộng của tệp không khớp với nội dung.")
    return kind


def _dpi_of(im: Image.Image) -> tuple[float, bool]:
    dpi = im.info.get("dpi")
    if dpi and MIN_PLAUSIBLE_DPI <= float(dpi[0]) <= MAX_PLAUSIBLE_DPI:
        return round(float(dpi[0]), 1), True  # PNG stores pixels per metre: 150 dpi reads 150.0124
    return DEFAULT_DPI, False


def _normalise(frame: Image.Image) -> Image.Image:
    """Modes a PDF/A page can hold: 1, L, RGB (CMYK, 16-bit, palette and alpha converted)."""
    if frame.mode in {"1", "L", "RGB"}:
        return frame
    if frame.mode in {"I;16", "I;16B", "I;16L", "I"}:
        return frame.point(lambda v: v / 256).convert("L")
    if frame.mode == "LA" or (frame.mode == "P" and "transparency" not in frame.info
                              and frame.palette and frame.palette.mode == "L"):
        return frame.convert("L")
    return frame.convert("RGB")


# The only compression a non-JPEG page gets: the PDF/A embeds these PNG bytes as they are.
# On scanned paper zlib level 3 writes 3-5x faster than the default 6, within ~11 % of its size on
# greyscale and smaller on noisy colour pages; bilevel pages are small and fast at 6.
_PNG_LEVEL = {"L": 3, "RGB": 3}


def _save_frame(frame: Image.Image, dest: Path, index: int) -> SourcePage:
    dpi, known = _dpi_of(frame)
    mode = frame.mode
    page = _normalise(frame)
    path = dest / f"page-{index:04d}.png"
    page.save(path, dpi=(dpi, dpi), optimize=False, compress_level=_PNG_LEVEL.get(page.mode, 6))
    return SourcePage(index=index, path=path, dpi=dpi, mode=mode, dpi_known=known)


def _tiff_jpeg_page(path: Path, frame: Image.Image, dest: Path, index: int) -> SourcePage | None:
    """A JPEG-compressed TIFF frame stored as the scanner's own JPEG data (see :mod:`scanners.tiff_jpeg`)."""
    if frame.info.get("compression") != "jpeg":
        return None
    frame.load()
    dpi, known = _dpi_of(frame)
    data = standalone_jpeg(path, frame, dpi if known else None)
    if data is None:
        return None
    target = dest / f"page-{index:04d}.jpg"
    target.write_bytes(data)
    return SourcePage(index=index, path=target, dpi=dpi, mode=frame.mode, dpi_known=known)


def _too_large() -> InputFileError:
    return InputFileError("the image is too large to be a scanned page", reason="image_too_large",
                          message_vi="Ảnh quá lớn, không phải trang quét hợp lệ.")


def _open_image(path: Path) -> Image.Image:
    try:
        im = Image.open(path)
        im.load()
        return im
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputFileError(f"the image cannot be decoded ({type(exc).__name__})",
                             reason="corrupt_image",
                             message_vi="Ảnh bị hỏng hoặc bị cắt cụt, không đọc được.") from exc


def _image_pages(path: Path, kind: str, dest: Path, first_index: int) -> list[SourcePage]:
    im = _open_image(path)
    if kind == "jpeg" and im.mode in {"L", "RGB"}:
        dpi, known = _dpi_of(im)
        target = dest / f"page-{first_index:04d}.jpg"
        shutil.copyfile(path, target)
        return [SourcePage(index=first_index, path=target, dpi=dpi, mode=im.mode, dpi_known=known)]
    if getattr(im, "n_frames", 1) > MAX_PAGES:
        raise InputFileError("too many pages in one file", reason="too_many_pages",
                             message_vi="Tệp có quá nhiều trang.")
    pages = []
    try:
        for offset, frame in enumerate(ImageSequence.Iterator(im)):
            if frame.width * frame.height > MAX_PIXELS:
                raise _too_large()
            jpeg = _tiff_jpeg_page(path, frame, dest, first_index + offset) if kind == "tiff" else None
            pages.append(jpeg or _save_frame(frame.copy(), dest, first_index + offset))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputFileError(f"a page of the image cannot be decoded ({type(exc).__name__})",
                             reason="corrupt_image",
                             message_vi="Ảnh bị hỏng hoặc bị cắt cụt, không đọc được.") from exc
    return pages


def _folder_files(folder: Path) -> list[Path]:
    """The page files of a folder dossier in natural order; sub-folders and links are refused."""
    entries = [p for p in folder.iterdir()
               if not p.name.startswith(".") and p.name.casefold() not in IGNORED_NAMES]
    if any(p.is_symlink() for p in entries):
        raise UnsupportedInputError("the folder holds a symbolic link", reason="link_in_folder",
                                    message_vi="Thư mục hồ sơ chứa liên kết (symlink), không phải ảnh trang.")
    if any(p.is_dir() for p in entries):
        raise UnsupportedInputError("the folder holds sub-folders: their pages would be missed",
                                    reason="nested_folder",
                                    message_vi="Thư mục hồ sơ có thư mục con: cần sắp xếp lại trước khi số hóa.")
    files = [p for p in entries if p.is_file()]
    files.sort(key=lambda p: natural_sort_key(p.name))
    if not files:
        raise InputFileError("the folder holds no page images", reason="empty_folder",
                             message_vi="Thư mục không có ảnh trang nào.")
    return files


_IMAGE_ONLY_OPS = {"q", "Q", "cm", "Do", "gs"}


def _only_draws_images(page: pikepdf.Page) -> bool:
    """True when the page's content does nothing but place XObjects (no text, no vector marks)."""
    if "/Annots" in page.obj or "/Font" in page.obj.get("/Resources", pikepdf.Dictionary()):
        return False
    try:
        return all(str(op) in _IMAGE_ONLY_OPS for _, op in pikepdf.parse_content_stream(page))
    except pikepdf.PdfError:
        return False


def _single_image(page: pikepdf.Page) -> pikepdf.PdfImage | None:
    """The page's image if the page is exactly one image and nothing else worth keeping."""
    images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
    if len(images) != 1 or int(page.obj.get("/Rotate", 0)) % 360 or not _only_draws_images(page):
        return None
    image = pikepdf.PdfImage(images[0])
    if image.image_mask or image.colorspace not in {"/DeviceRGB", "/DeviceGray"} or image.bits_per_component not in (1, 8):
        return None
    return image


def _scan_dpi(page: pikepdf.Page) -> float | None:
    """The resolution of the page's largest image over the page width (what the scanner used)."""
    width_in = float(page.mediabox[2] - page.mediabox[0]) / 72
    images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
    widths = [int(i.get("/Width", 0)) for i in images]
    if not widths or width_in <= 0:
        return None
    rotate = int(page.obj.get("/Rotate", 0)) % 180
    across = float(page.mediabox[3] - page.mediabox[1]) / 72 if rotate else width_in
    dpi = round(max(widths) / (across if rotate else width_in), 1)
    return dpi if MIN_PLAUSIBLE_DPI <= dpi <= MAX_PLAUSIBLE_DPI else None


def _is_javascript(action: object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.JavaScript


def active_content(pdf: pikepdf.Pdf) -> str | None:
    """What makes a PDF more than scanned pages: ``javascript`` or ``attachments`` (else None)."""
    root = pdf.Root
    names = root.get("/Names", pikepdf.Dictionary())
    if "/JavaScript" in names or _is_javascript(root.get("/OpenAction")) or "/AA" in root:
        return "javascript"
    if "/EmbeddedFiles" in names:
        return "attachments"
    for page in pdf.pages:
        if "/AA" in page.obj:
            return "javascript"
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                return "attachments"
            if _is_javascript(annot.get("/A")):
                return "javascript"
    return None


def _pdf_pages(path: Path, dest: Path) -> list[SourcePage]:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdfError("the PDF is encrypted") from exc
    except pikepdf.PdfError as exc:
        raise InputFileError("the PDF is damaged and cannot be opened", reason="corrupt_pdf",
                             message_vi="Tệp PDF bị hỏng, không mở được.") from exc
    with pdf:
        if pdf.is_encrypted:
            raise EncryptedPdfError("the PDF is encrypted")
        if len(pdf.pages) > MAX_PAGES:
            raise InputFileError("too many pages in one file", reason="too_many_pages",
                                 message_vi="Tệp có quá nhiều trang.")
        active = active_content(pdf)
        if active:
            raise UnsupportedInputError(
                f"the PDF carries {active}, which scanner output never does", reason=f"pdf_{active}",
                message_vi="Tệp PDF có mã JavaScript hoặc tệp đính kèm, không phải bản quét: cần kiểm tra.")
        return [_pdf_page(path, page, index, dest) for index, page in enumerate(pdf.pages, start=1)]


def _pdf_page(path: Path, page: pikepdf.Page, index: int, dest: Path) -> SourcePage:
    image = _single_image(page)
    if image is not None:
        width_in = float(page.mediabox[2] - page.mediabox[0]) / 72
        dpi = round(image.width / width_in, 1) if width_in > 0 else DEFAULT_DPI
        try:
            if image.filters == ["/DCTDecode"] and image.mode in {"L", "RGB"}:
                target = dest / f"page-{index:04d}.jpg"
                target.write_bytes(image.obj.read_raw_bytes())
                return SourcePage(index=index, path=target, dpi=dpi, mode=image.mode)
            frame = image.as_pil_image()
        except (pikepdf.PdfError, NotImplementedError, OSError, ValueError):
            frame = None
        if frame is not None:
            frame.info["dpi"] = (dpi, dpi)
            return _save_frame(frame, dest, index)
    # Not one plain image: render it, at the scan's own resolution where the page shows one.
    scan_dpi = _scan_dpi(page)
    dpi = int(min(scan_dpi or RENDER_DPI, 600))
    width_px = float(page.mediabox[2] - page.mediabox[0]) / 72 * dpi
    height_px = float(page.mediabox[3] - page.mediabox[1]) / 72 * dpi
    if width_px * height_px > MAX_PIXELS:
        raise _too_large()
    target = dest / f"page-{index:04d}.png"
    poppler.render_page(path, index, target, dpi=dpi, timeout=300)
    with Image.open(target) as im:
        return SourcePage(index=index, path=target, dpi=float(dpi), mode=im.mode, dpi_known=scan_dpi is not None)


def read_pages(dossier: Dossier, dest: Path) -> list[SourcePage]:
    """Write the dossier's pages into ``dest`` (which must exist) and describe them, in order."""
    if dossier.shape == "folder":
        files = _folder_files(dossier.source)
        pages: list[SourcePage] = []
        for file in files:
            kind = _check_kind(file, "image")
            pages.extend(_image_pages(file, kind, dest, len(pages) + 1))
        return pages
    kind = _check_kind(dossier.source, dossier.shape)
    if kind == "pdf":
        return _pdf_pages(dossier.source, dest)
    return _image_pages(dossier.source, kind, dest, 1)
