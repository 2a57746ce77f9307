"""Small input files made at test time: PDFs and images of the kinds peers' test suites and hostile
users have sent (non-square pixels, masks, JBIG2, bombs, nested forms, slow pages), built with
pikepdf and Pillow so that no file from outside the repository is needed."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont, ImageOps

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"


def caption_image(size: tuple[int, int], text: str = "Phiếu tiếp nhận 0042", *, mode: str = "L") -> Image.Image:
    """A light page with a dark caption: what must stay readable, in any mode."""
    im = Image.new("RGB", size, (250, 250, 245))
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, max(10, size[1] // 10))
    draw.text((size[0] // 10, size[1] // 2), text, fill=(20, 20, 20), font=font)
    draw.rectangle((size[0] // 10, size[1] // 10, size[0] // 3, size[1] // 3), outline=(0, 0, 0), width=3)
    return im.convert(mode)


def _page(pdf: pikepdf.Pdf, size_pt: tuple[float, float], content: bytes, resources: pikepdf.Dictionary,
          **extra: object) -> pikepdf.Page:
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, *size_pt],
                                           Resources=resources, Contents=pikepdf.Stream(pdf, content), **extra))
    pdf.pages.append(page)
    return pdf.pages[-1]


def image_xobject(pdf: pikepdf.Pdf, im: Image.Image, *, jpeg: bool = False,
                  smask: Image.Image | None = None) -> pikepdf.Stream:
    """An image XObject holding ``im`` (Flate, or DCT with ``jpeg``), with an optional soft mask."""
    if jpeg:
        buffer = io.BytesIO()
        im.save(buffer, "JPEG", quality=85)
        stream = pikepdf.Stream(pdf, buffer.getvalue())
        stream.Filter = pikepdf.Name.DCTDecode
    else:
        stream = pikepdf.Stream(pdf, zlib.compress(im.tobytes()))  # mode 1 packs white as 1, as PDF's DeviceGray
        stream.Filter = pikepdf.Name.FlateDecode
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = im.width, im.height
    stream.ColorSpace = pikepdf.Name.DeviceRGB if im.mode == "RGB" else pikepdf.Name.DeviceGray
    stream.BitsPerComponent = 1 if im.mode == "1" else 8
    if smask is not None:
        stream.SMask = image_xobject(pdf, smask.convert("L"))
    return stream


def image_pdf(path: Path, im: Image.Image, *, page_pt: tuple[float, float],
              place: tuple[float, float, float, float] | None = None, jpeg: bool = False,
              smask: Image.Image | None = None, text_layer: bool = False, signed: bool = False) -> Path:
    """A one-page PDF drawing ``im`` at ``place`` (x, y, width, height in pt; default: the whole page).

    ``text_layer`` adds an invisible OCR text layer (render mode 3), ``signed`` a visible
    digital-signature widget with its signer's name and time, as signed e-copies carry.
    """
    x, y, w, h = place or (0, 0, *page_pt)
    with pikepdf.new() as pdf:
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image_xobject(pdf, im, jpeg=jpeg, smask=smask)))
        content = f"q {w} 0 0 {h} {x} {y} cm /Im0 Do Q\n".encode()
        if text_layer:
            resources.Font = pikepdf.Dictionary(F1=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
            content = b"BT 3 Tr /F1 12 Tf 20 20 Td (Phieu tiep nhan) Tj ET\n" + content
        page = _page(pdf, page_pt, content, resources)
        if signed:
            _sign_widget(pdf, page, page_pt)
        pdf.save(path)
    return path


def _sign_widget(pdf: pikepdf.Pdf, page: pikepdf.Page, page_pt: tuple[float, float]) -> None:
    appearance = pikepdf.Stream(pdf, b"0 0 1 rg 2 2 100 30 re f")
    appearance.Type, appearance.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    appearance.BBox = [0, 0, 104, 34]
    value = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Sig, Name="UBND tinh Thu nghiem",
                                                 M="D:20241126104048+07'00'"))
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig, T="Signature1", F=132,
        Rect=[page_pt[0] - 110, page_pt[1] - 40, page_pt[0] - 6, page_pt[1] - 6], V=value,
        AP=pikepdf.Dictionary(N=appearance), P=page.obj))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=3)


def _jbig2_segment(number: int, kind: int, data: bytes) -> bytes:
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def jbig2_stream(bitmap: Image.Image) -> bytes:
    """``bitmap`` (mode 1, black = 0) as an embedded JBIG2 stream: a page of one MMR-coded
    (ITU T.6, as Pillow's Group 4 TIFF writes it) immediate generic region."""
    buffer = io.BytesIO()
    ImageOps.invert(bitmap.convert("L")).convert("1").save(buffer, "TIFF", compression="group4",
                                                             strip_size=2**30)  # one strip: one T.6 stream
    with Image.open(io.BytesIO(buffer.getvalue())) as tiff:
        offsets, counts = tiff.tag_v2[273], tiff.tag_v2[279]
        assert len(offsets) == 1
    data = buffer.getvalue()
    mmr = b"".join(data[o:o + c] for o, c in zip(offsets, counts, strict=True))
    width, height = bitmap.size
    page = _jbig2_segment(0, 48, struct.pack(">IIIIBH", width, height, 0, 0, 0, 0))
    region = _jbig2_segment(1, 38, struct.pack(">IIIIB", width, height, 0, 0, 0) + b"\x01" + mmr)
    return page + region + _jbig2_segment(2, 49, b"")


def jbig2_pdf(path: Path, bitmap: Image.Image, *, page_pt: tuple[float, float], data: bytes | None = None) -> Path:
    """A one-page PDF whose page is ``bitmap`` stored as JBIG2 (or ``data`` in its place)."""
    with pikepdf.new() as pdf:
        image = pikepdf.Stream(pdf, data if data is not None else jbig2_stream(bitmap))
        image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.JBIG2Decode
        image.Width, image.Height = bitmap.size
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 1
        _page(pdf, page_pt, f"q {page_pt[0]} 0 0 {page_pt[1]} 0 0 cm /Im0 Do Q".encode(),
              pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
        pdf.save(path)
    return path


def png_header(path: Path, width: int, height: int, *, colour_type: int = 0) -> Path:
    """A PNG that claims ``width`` × ``height`` pixels and holds almost nothing (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
                     + chunk(b"IEND", b""))
    return path


def huge_image_pdf(path: Path, width: int, height: int) -> Path:
    """A PDF whose one page image claims ``width`` × ``height`` pixels in a few bytes of Flate data."""
    with pikepdf.new() as pdf:
        image = pikepdf.Stream(pdf, zlib.compress(b"\xff" * 65536))
        image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.FlateDecode
        image.Width, image.Height, image.ColorSpace, image.BitsPerComponent = width, height, pikepdf.Name.DeviceGray, 8
        _page(pdf, (595, 842), b"q 595 0 0 842 0 0 cm /Im0 Do Q",
              pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
        pdf.save(path)
    return path


def billion_laughs_pdf(path: Path, *, depth: int = 9, fanout: int = 10) -> Path:
    """Form XObjects each drawing the next ``fanout`` times, ``depth`` deep: a few kB, ``fanout**depth`` draws."""
    with pikepdf.new() as pdf:
        inner = pikepdf.Stream(pdf, b"0 0 m 1 1 l S")
        for _ in range(depth):
            form = pikepdf.Stream(pdf, b" ".join(b"q /X Do Q" for _ in range(fanout)))
            form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 612, 792]
            form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=inner))
            inner = form
        inner.Type, inner.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        _page(pdf, (612, 792), b"/X Do", pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=inner)))
        pdf.save(path)
    return path


def shared_content_pdf(path: Path, *, pages: int = 4, megabytes: int = 20,
                       line: bytes = b"0 0 m 612 792 l S\n") -> Path:
    """``pages`` pages all drawing one heavy content stream (``megabytes`` of ``line``, stored small)."""
    with pikepdf.new() as pdf:
        content = pikepdf.Stream(pdf, line * (megabytes * 2**20 // len(line)))
        for _ in range(pages):
            pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792],
                                                             Resources=pikepdf.Dictionary(), Contents=content)))
        pdf.save(path, compress_streams=True)
    return path


def slow_page_pdf(path: Path, *, shapes: int = 2000) -> Path:
    """A small page poppler takes minutes to draw: large translucent multiplied rectangles."""
    rng = random.Random(1)
    ops = ["/G0 gs"] + [f"{rng.random():.2f} g {rng.randrange(600)} {rng.randrange(800)} "
                        f"{rng.randrange(100, 400)} {rng.randrange(100, 400)} re f" for _ in range(shapes)]
    with pikepdf.new() as pdf:
        state = pikepdf.Dictionary(ca=0.5, BM=pikepdf.Name.Multiply)
        _page(pdf, (612, 792), "\n".join(ops).encode(), pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(G0=state)))
        pdf.save(path)
    return path
