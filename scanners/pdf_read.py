"""PDF inputs → page images, each at the page's physical size and as the page shows.

A page that shows one plain image over its whole box (a scan, possibly with an invisible OCR
layer or an invisible digital signature) gives up that image as it is: JPEG data kept (image segments
only), other encodings decoded losslessly, JBIG2 through ``jbig2dec``. Any other page — visible
text or drawings, a visible annotation (a digital signature's stamp), an image not filling the page, turned, with a transparency mask, non-square
pixels or an implausible resolution, or an image no decoder here takes — is rendered by poppler
within its crop box at the scan's own resolution (72-600 dpi), so its size and look are the
source's. Every page is charged to the file's budget (:mod:`scanners.budget`) before it is
decoded or rendered. A PDF readable without a password (encrypted for permissions only, as
signed e-copies often are) is read; one needing a password is refused.
"""

from __future__ import annotations

import io
import logging
import math
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

from scanners.active import KINDS, LINK, MESSAGES_VI, actions_in
from scanners.budget import Budget, BudgetExceeded, ToolTimeout
from scanners.images import (MAX_PLAUSIBLE_DPI, MIN_PLAUSIBLE_DPI, SQUARE_TOLERANCE, check_size, jpeg_page,
                             save_frame)
from scanners.model import SourcePage
from scanners.pdf_content import (ANALYSE_LIMIT, LoneImage, TooCostly, drawing_cost, inherited, lone_image,
                                  page_draws, visible_box)
from scanners.source import OpenedFile, private_folder
from sohoa.errors import EncryptedPdfError, InputFileError, ToolError, ToolMissingError, UnsupportedInputError
from sohoa.tools import jbig2dec, poppler

log = logging.getLogger(__name__)

RENDER_DPI = 300.0
"""A page without images is rendered at this resolution."""
MIN_RENDER_DPI, MAX_RENDER_DPI = 72.0, 600.0
_COLOUR_SPACES = {"/DeviceGray": "L", "/DeviceRGB": "RGB", "/CalGray": "L", "/CalRGB": "RGB"}
_SCAN_MODES = {"/DeviceGray": "L", "/CalGray": "L", "/DeviceRGB": "RGB", "/CalRGB": "RGB", "/DeviceCMYK": "CMYK"}


def _corrupt(what: str = "the PDF is damaged and cannot be opened") -> InputFileError:
    return InputFileError(what, reason="corrupt_pdf", message_vi="Tệp PDF bị hỏng, không mở được.")


def _colour_mode(image: pikepdf.Stream) -> str | None:
    """``L`` or ``RGB`` for a plain grey or colour image (ICC-based included), else None."""
    space = image.get("/ColorSpace")
    if isinstance(space, pikepdf.Name):
        return _COLOUR_SPACES.get(str(space))
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
        components = int(space[1].get("/N", 0)) if isinstance(space[1], pikepdf.Stream) else 0
        return {1: "L", 3: "RGB"}.get(components)
    return None


def _filters(image: pikepdf.Stream) -> list[str]:
    value = image.get("/Filter")
    if value is None:
        return []
    return [str(f) for f in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _pdf_date(value: object) -> str | None:
    text = str(value) if value is not None else ""
    digits = text[2:16] if text.startswith("D:") else ""
    if len(digits) < 8 or not digits.isdigit():
        return None
    parts = [digits[0:4], digits[4:6], digits[6:8], digits[8:10] or "00", digits[10:12] or "00",
             digits[12:14] or "00"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T{parts[3]}:{parts[4]}:{parts[5]}"


def signatures(pdf: pikepdf.Pdf) -> list[dict[str, str]]:
    """The digital signatures a PDF carries: signer name and signing time as the file states them."""
    form = pdf.Root.get("/AcroForm")
    todo = list(form.get("/Fields", pikepdf.Array())) if isinstance(form, pikepdf.Dictionary) else []
    found, seen = [], set()
    while todo and len(seen) < 10_000:
        field = todo.pop()
        if not isinstance(field, pikepdf.Dictionary) or field.objgen in seen:
            continue
        seen.add(field.objgen)
        todo.extend(field.get("/Kids", pikepdf.Array()))
        value = field.get("/V")
        if field.get("/FT") == pikepdf.Name.Sig and isinstance(value, pikepdf.Dictionary):
            entry = {"signer": str(value.get("/Name", ""))[:200], "time": _pdf_date(value.get("/M")) or ""}
            found.append({k: v for k, v in entry.items() if v})
    return found[:50]


class _Reader:
    """Reads the pages of one open PDF; keeps a private copy of the file for poppler once one is needed."""

    def __init__(self, source: OpenedFile, dest: Path, budget: Budget, stack: ExitStack) -> None:
        self.source, self.dest, self.budget, self.stack = source, dest, budget, stack
        self._private: Path | None = None
        self._copy: Path | None = None

    def folder(self) -> Path:
        if self._private is None:
            self._private = self.stack.enter_context(private_folder(self.dest.parent))
        return self._private

    def copy(self) -> Path:
        if self._copy is None:
            self._copy = self.source.copy_to(self.folder() / "source.pdf")
        return self._copy

    def plan(self, page: pikepdf.Page, index: int) -> tuple[int, LoneImage | None]:
        """What reading the page will take: its drawing cost, and its lone image if it shows one.

        A page to render is charged to the budget here, so a file whose pages together draw too
        much is refused before any of them is rendered.
        """
        self.budget.check_time()
        try:
            cost = drawing_cost(page, self.budget.limits.max_drawing_bytes)
        except TooCostly as exc:
            raise BudgetExceeded(f"page {index} draws more than the file's drawing budget "
                                 "(forms drawn inside forms)") from exc
        lone = lone_image(page) if cost <= ANALYSE_LIMIT else None
        if lone is None:
            self.charge_render(page, cost)
        return cost, lone

    def charge_render(self, page: pikepdf.Page, cost: int) -> None:
        """Charge rendering ``page``: its drawing work, and every image poppler would decode for it."""
        self.budget.charge_drawing(cost)
        try:  # pikepdf 9 and later also find the images inside form XObjects
            images = list((page.get_images() if hasattr(page, "get_images") else page.images).values())
        except (pikepdf.PdfError, ValueError, TypeError, RecursionError):
            images = []
        for image in images:
            self.budget.charge_pixels(int(image.get("/Width", 0)), int(image.get("/Height", 0)))

    def page(self, page: pikepdf.Page, index: int, cost: int, lone: LoneImage | None) -> SourcePage:
        """The page's image: the lone image as it is where possible, else the page rendered."""
        self.budget.check_time()
        if lone is not None:
            taken = self.direct(lone.image, lone.width_pt, lone.height_pt, index)
            if taken is not None:
                return taken
            self.charge_render(page, cost)
        return self.render(page, index)

    # -- the page's image, taken as it is ----------------------------------------------------

    def direct(self, image: pikepdf.Stream, width_pt: float, height_pt: float, index: int) -> SourcePage | None:
        """The image of a one-image page, or None when the page must be rendered instead."""
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        mode = _colour_mode(image)
        bits = int(image.get("/BitsPerComponent", 0))
        if width <= 0 or height <= 0 or mode is None or bits not in (1, 8) or (bits == 1 and mode != "L"):
            return None
        if any(key in image for key in ("/SMask", "/Mask", "/Decode", "/SMaskInData")) or image.get("/ImageMask"):
            return None
        dpi_x, dpi_y = width / (width_pt / 72), height / (height_pt / 72)
        if not MIN_PLAUSIBLE_DPI <= max(dpi_x, dpi_y) <= MAX_PLAUSIBLE_DPI:
            return None
        check_size(width, height, self.budget)
        square = abs(dpi_x - dpi_y) / max(dpi_x, dpi_y) <= SQUARE_TOLERANCE
        filters = _filters(image)
        if filters == ["/DCTDecode"] and "/DecodeParms" not in image:
            if square:
                return self._jpeg(image, width, height, mode, round((dpi_x + dpi_y) / 2, 2), index)
            frame = self._decoded_jpeg(image, index)
        elif filters == ["/JBIG2Decode"]:
            frame = self._jbig2(image, width, height, index)
        else:
            try:
                frame = pikepdf.PdfImage(image).as_pil_image()
            except Exception as exc:  # noqa: BLE001 - any decoder error: poppler renders the page instead
                log.info("page %d: the image cannot be decoded here (%s); rendering it", index, type(exc).__name__)
                frame = None
        if frame is None or frame.size != (width, height):
            return None
        return save_frame(frame, self.dest, index, self.budget, resolution=(dpi_x, dpi_y))

    def _decoded_jpeg(self, image: pikepdf.Stream, index: int) -> Image.Image | None:
        try:
            with Image.open(io.BytesIO(image.read_raw_bytes())) as im:
                im.load()
                return im.copy()
        except (OSError, SyntaxError, ValueError) as exc:
            log.info("page %d: the JPEG cannot be decoded here (%s); rendering it", index, type(exc).__name__)
            return None

    def _jpeg(self, image: pikepdf.Stream, width: int, height: int, mode: str, dpi: float,
              index: int) -> SourcePage | None:
        data = image.read_raw_bytes()
        try:
            with Image.open(io.BytesIO(data)) as im:
                if im.size != (width, height) or im.mode != mode:
                    return None
                return jpeg_page(data, im, self.dest, index, self.budget, dpi=dpi)
        except (OSError, SyntaxError, ValueError, InputFileError) as exc:
            if isinstance(exc, InputFileError) and exc.reason != "corrupt_image":
                raise
            log.info("page %d: the JPEG cannot be taken as it is (%s); rendering it", index, type(exc).__name__)
            return None

    def _jbig2(self, image: pikepdf.Stream, width: int, height: int, index: int) -> Image.Image | None:
        params = image.get("/DecodeParms")
        if isinstance(params, pikepdf.Array):
            params = params[0] if len(params) else None
        shared = params.get("/JBIG2Globals") if isinstance(params, pikepdf.Dictionary) else None
        timeout, _ = self.budget.tool_timeout()
        with private_folder(self.folder()) as tmp:
            try:
                pbm = jbig2dec.decode(image.read_raw_bytes(), shared.read_bytes() if isinstance(shared, pikepdf.Stream)
                                      else None, tmp, timeout=timeout,
                                      memory_limit=max(256 * 2**20, width * height))
                with Image.open(pbm) as decoded:
                    decoded.load()
                    frame = decoded.copy()
            except (ToolError, ToolMissingError, pikepdf.PdfError, OSError, SyntaxError, ValueError) as exc:
                log.info("page %d: jbig2dec cannot decode the image (%s); rendering it", index,
                         getattr(exc, "reason", type(exc).__name__))
                return None
        return frame if frame.mode == "1" else None

    # -- rendering ---------------------------------------------------------------------------

    def _scan(self, page: pikepdf.Page, box: tuple[float, float, float, float]) -> tuple[float | None, str | None]:
        """The finest resolution of the page's images as drawn, and the mode of its largest image."""
        resources = inherited(page.obj, "/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            return None, None
        try:
            draws, _ = page_draws(page, resources)
        except (pikepdf.PdfError, ValueError, TypeError, IndexError):
            draws = []
        best_dpi, mode, largest = None, None, 0
        for name, (a, b, c, d, _, _) in draws:
            image = xobjects.get(name)
            if not isinstance(image, pikepdf.Stream) or image.get("/Subtype") != pikepdf.Name.Image:
                continue
            width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
            across, down = math.hypot(a, b) / 72, math.hypot(c, d) / 72
            if width <= 0 or height <= 0 or across <= 0 or down <= 0:
                continue
            dpi = max(width / across, height / down)
            best_dpi = max(best_dpi or 0.0, dpi)
            if width * height > largest:
                largest = width * height
                space = image.get("/ColorSpace")
                mode = "1" if int(image.get("/BitsPerComponent", 8)) == 1 else \
                    _SCAN_MODES.get(str(space), _colour_mode(image) or "RGB")
        return best_dpi, mode

    def render(self, page: pikepdf.Page, index: int) -> SourcePage:
        """The page drawn by poppler within its crop box, at the resolution of its finest image."""
        box = visible_box(page)
        width_in, height_in = (box[2] - box[0]) / 72, (box[3] - box[1]) / 72
        if width_in <= 0 or height_in <= 0:
            raise InputFileError(f"page {index} has an empty page box", reason="degenerate_page",
                                 message_vi="Trang PDF có kích thước bằng 0, không phải trang quét.")
        scan_dpi, scan_mode = self._scan(page, box)
        dpi = min(max(scan_dpi or RENDER_DPI, MIN_RENDER_DPI), MAX_RENDER_DPI)
        check_size(math.ceil(width_in * dpi), math.ceil(height_in * dpi), self.budget)
        timeout, whole_budget = self.budget.tool_timeout()
        prefix = self.folder() / f"render-{index:04d}"
        try:
            rendered = poppler.render_page(self.copy(), index, prefix, dpi=dpi, timeout=timeout)
        except ToolError as exc:
            if whole_budget:
                raise BudgetExceeded(
                    f"reading the file took more than {self.budget.limits.file_timeout:.0f} s") from exc
            raise ToolTimeout(f"poppler took more than {timeout:.0f} s to render page {index}") from exc
        try:
            with Image.open(rendered) as im:
                im.load()
                shown = _grey_if_grey(im)
        finally:
            rendered.unlink(missing_ok=True)
        path = self.dest / f"page-{index:04d}.png"
        shown.save(path, dpi=(dpi, dpi), optimize=False, compress_level=3)
        return SourcePage(index=index, path=path, dpi=round(dpi, 2), mode=scan_mode or shown.mode, dpi_known=True,
                          extraction="render")


def _grey_if_grey(im: Image.Image) -> Image.Image:
    """A rendered page whose three channels are equal everywhere, as greyscale (a third of the data)."""
    if im.mode != "RGB":
        return im.convert("L") if im.mode not in {"1", "L"} else im
    array = np.asarray(im)
    if np.array_equal(array[..., 0], array[..., 1]) and np.array_equal(array[..., 1], array[..., 2]):
        return Image.fromarray(np.ascontiguousarray(array[..., 0]), "L")
    return im


def pdf_pages(source: OpenedFile, dest: Path, budget: Budget) -> tuple[list[SourcePage], dict]:
    """The pages of an open PDF file, and facts about it (``encryption``, ``signatures``)."""
    with ExitStack() as stack:
        stream = stack.enter_context(source.stream())
        try:
            pdf = stack.enter_context(pikepdf.open(stream))
        except pikepdf.PasswordError as exc:
            raise EncryptedPdfError("the PDF needs a password to be opened",
                                    message_vi="Tệp PDF cần mật khẩu để mở: cần gửi bản không đặt mật khẩu.") from exc
        except (pikepdf.PdfError, ValueError, OSError) as exc:
            raise _corrupt() from exc
        facts: dict = {"encryption": "permissions-only"} if pdf.is_encrypted else {}
        try:
            count = len(pdf.pages)
            actions = actions_in(pdf)
            active = next((kind for kind in KINDS if kind in actions), None)
            found = signatures(pdf)
        except (pikepdf.PdfError, ValueError, TypeError, RecursionError) as exc:
            raise _corrupt() from exc
        if count == 0:
            raise InputFileError("the PDF has no pages", reason="no_pages", message_vi="Tệp PDF không có trang nào.")
        budget.charge_pages(count)
        if active:
            raise UnsupportedInputError(f"the PDF carries {active.replace('_', ' ')}, which scanner output never does",
                                        reason=f"pdf_{active}", message_vi=MESSAGES_VI[active])
        if found:
            facts["signatures"] = found
        if LINK in actions:
            facts["links"] = True  # links to a web page or another file: noted, never followed
        reader = _Reader(source, dest, budget, stack)
        plans, pages = [], []
        try:
            for page in pdf.pages:
                plans.append((page, *reader.plan(page, len(plans) + 1)))
            for page, cost, lone in plans:
                pages.append(reader.page(page, len(pages) + 1, cost, lone))
        except (pikepdf.PdfError, RecursionError) as exc:
            raise _corrupt(f"page {len(pages) + 1} of the PDF is damaged") from exc
        return pages, facts
