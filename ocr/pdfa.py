"""Page images + OCR text layers → one PDF/A-2b file.

Each page shows the archival image as stored (JPEG bytes and PNG data passed through, other
images Flate-compressed losslessly), turned and deskewed by the page's transform matrix rather than by
resampling, with Tesseract's invisible text layer on top, so a search hit falls on the word.
"""

from __future__ import annotations

import base64
import io
import math
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms

from ocr.model import PageGeometry
from sohoa.files import atomic_write


@dataclass(frozen=True)
class PdfPage:
    """One page to place: the stored archival image, its geometry, and its text layer if OCR'd."""

    image: Path
    geometry: PageGeometry
    text_layer: Path | None


@dataclass(frozen=True)
class PdfMetadata:
    """Document metadata written to XMP (no personal data: the title is the dossier's kind and code)."""

    title: str
    subject: str
    creator_tool: str
    created: datetime
    language: str = "vi"


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOURS = {0: 1, 2: 3}  # PNG colour type -> components: greyscale, truecolour


@dataclass(frozen=True)
class _PngData:
    width: int
    height: int
    bits: int
    colours: int
    idat: bytes


def _png_data(path: Path) -> _PngData | None:
    """The zlib data of a plain PNG (1- or 8-bit grey or RGB, not interlaced), else None.

    PNG's IDAT stream is exactly a PDF FlateDecode stream with PNG predictors, so the page
    is embedded without decoding or compressing it again (as img2pdf does).
    """
    data = path.read_bytes()
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pos, header, idat = len(_PNG_SIGNATURE), None, []
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or len(header) != 13 or not idat:
        return None
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    bits, colour_type, interlace = header[8], header[9], header[12]
    if colour_type not in _PNG_COLOURS or interlace or bits not in (1, 8) or (bits == 1 and colour_type):
        return None
    return _PngData(width, height, bits, _PNG_COLOURS[colour_type], b"".join(idat))


def _image_xobject(pdf: pikepdf.Pdf, path: Path) -> tuple[pikepdf.Stream, int, int]:
    """An image XObject holding the stored page image's bytes unchanged where possible."""
    png = _png_data(path) if path.suffix.lower() == ".png" else None
    if png is not None:
        stream = pikepdf.Stream(pdf, png.idat)
        stream.DecodeParms = pikepdf.Dictionary(Predictor=15, Colors=png.colours,
                                                BitsPerComponent=png.bits, Columns=png.width)
        width, height, bits, colours, filt = png.width, png.height, png.bits, png.colours, pikepdf.Name.FlateDecode
    else:
        with Image.open(path) as im:
            width, height, mode = im.width, im.height, im.mode
            if path.suffix.lower() in {".jpg", ".jpeg"} and mode in {"L", "RGB"}:
                data, filt = path.read_bytes(), pikepdf.Name.DCTDecode
                bits = 8
            else:
                if mode not in {"1", "L", "RGB"}:
                    im = im.convert("RGB")
                    mode = "RGB"
                data, filt = zlib.compress(im.tobytes(), 6), pikepdf.Name.FlateDecode
                bits = 1 if mode == "1" else 8
        colours = 3 if mode == "RGB" else 1
        stream = pikepdf.Stream(pdf, data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = width, height, bits
    stream.ColorSpace = pikepdf.Name.DeviceRGB if colours == 3 else pikepdf.Name.DeviceGray
    stream.Filter = filt
    return stream, width, height


def _placement(width_pt: float, height_pt: float, page_w: float, page_h: float,
               rotation: int, skew: float) -> list[float]:
    """The cm matrix that draws the unit-square image turned clockwise by ``rotation`` and
    rotated counter-clockwise by ``skew`` about the page centre."""
    theta = math.radians(skew - rotation)  # PDF y-up: counter-clockwise is positive
    c, s = math.cos(theta), math.sin(theta)
    # unit square -> image rect centred on the origin -> rotate -> page centre
    a, b = c * width_pt, s * width_pt
    cc, d = -s * height_pt, c * height_pt
    e = page_w / 2 - (a + cc) / 2
    f = page_h / 2 - (b + d) / 2
    return [a, b, cc, d, e, f]


def _fmt(values: list[float]) -> str:
    return " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in values)


def _add_page(pdf: pikepdf.Pdf, page: PdfPage) -> None:
    geo = page.geometry
    image, w_px, h_px = _image_xobject(pdf, page.image)
    dpi = geo.dpi or 300.0
    page_w, page_h = geo.width / dpi * 72, geo.height / dpi * 72
    matrix = _placement(w_px / dpi * 72, h_px / dpi * 72, page_w, page_h, geo.rotation, geo.skew)
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    content = f"q {_fmt(matrix)} cm /Im0 Do Q\n"
    if page.text_layer is not None:
        with pikepdf.open(page.text_layer) as layer_pdf:
            layer_page = layer_pdf.pages[0]
            box = [float(v) for v in layer_page.mediabox]
            form = pdf.copy_foreign(layer_page.as_form_xobject())
        sx, sy = page_w / (box[2] - box[0]), page_h / (box[3] - box[1])
        resources.XObject.Tx0 = form
        content += f"q {_fmt([sx, 0, 0, sy, 0, 0])} cm /Tx0 Do Q\n"
    pdf_page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(page_w, 3), round(page_h, 3)],
        Resources=resources, Contents=pikepdf.Stream(pdf, content.encode("ascii"))))
    pdf.pages.append(pdf_page)


def _make_pdfa(pdf: pikepdf.Pdf, meta: PdfMetadata) -> None:
    icc = pikepdf.Stream(pdf, _srgb_profile())
    icc.N = 3
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB IEC61966-2.1", Info="sRGB IEC61966-2.1",
        DestOutputProfile=icc)])
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = meta.title
        xmp["dc:description"] = meta.subject
        xmp["dc:language"] = [meta.language]
        xmp["xmp:CreatorTool"] = meta.creator_tool
        xmp["pdf:Producer"] = meta.creator_tool
        xmp["xmp:CreateDate"] = meta.created.isoformat()
        xmp["xmp:ModifyDate"] = meta.created.isoformat()
        xmp["xmp:MetadataDate"] = meta.created.isoformat()
        xmp["pdfaid:part"] = "2"
        xmp["pdfaid:conformance"] = "B"


def build_pdfa(pages: list[PdfPage], dst: Path, *, metadata: PdfMetadata) -> Path:
    """Write ``pages`` as one PDF/A-2b file at ``dst`` (atomically)."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    with pikepdf.new() as pdf:
        for page in pages:
            _add_page(pdf, page)
        _make_pdfa(pdf, metadata)
        data = _saved(pdf)
    with pikepdf.open(io.BytesIO(data)) as saved:
        if reencode_cr_endings(saved):
            data = _saved(saved, keep_streams=True)
    with atomic_write(dst) as fh:
        fh.write(data)
    return dst


def _saved(pdf: pikepdf.Pdf, *, keep_streams: bool = False) -> bytes:
    """The file's bytes; ``keep_streams`` writes every stream exactly as it is encoded now."""
    out = io.BytesIO()
    extra = {"stream_decode_level": pikepdf.StreamDecodeLevel.none, "compress_streams": False} if keep_streams else {}
    pdf.save(out, fix_metadata_version=True, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             **extra)
    return out.getvalue()


def _filters(stream: pikepdf.Stream) -> list[pikepdf.Name]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _decode_parms(stream: pikepdf.Stream, count: int) -> list[object]:
    """The stream's decode parameters, one entry (a dictionary or None) per filter."""
    value = stream.get("/DecodeParms")
    if isinstance(value, pikepdf.Array):
        params = [None if v is None or not isinstance(v, pikepdf.Dictionary) else v for v in value]
    else:
        params = [value if isinstance(value, pikepdf.Dictionary) else None]
    return (params + [None] * count)[:count]


def _drawing_streams(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The page content streams (their object numbers): instructions, where trailing whitespace means nothing."""
    found = set()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                found.add(stream.objgen)
    return found


def reencode_cr_endings(pdf: pikepdf.Pdf) -> bool:
    """Re-encode every stream whose stored data ends with a CR; True if any was.

    Writers put a single LF before ``endstream``; after data ending in CR the two read as one
    CRLF end-of-line, and a strict PDF/A check (ISO 19005-2 6.1.7.1: /Length counts the bytes
    before the EOL) then finds the length one byte short. About one Flate stream in 256 ends so
    (the last byte is part of the Adler-32 of the content, whatever the compression level), and
    a JPEG or unfiltered stream may too.

    - An unfiltered stream of instructions or text — page content, a form XObject, the XMP
      metadata (which PDF/A forbids to filter) — gets one LF more: trailing white space is
      insignificant there.
    - Any other stream keeps its encoding under an ASCII85 layer (``~>`` ends it): the filter
      chain gains ``/ASCII85Decode`` in front, the decode parameters a null in front, so a JPEG
      stays the same JPEG and a PNG predictor keeps its parameters. Its content is unchanged.
    """
    drawing = _drawing_streams(pdf)
    changed = False
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        raw = obj.read_raw_bytes()
        if not raw.endswith(b"\r"):
            continue
        filters = _filters(obj)
        text = obj.get("/Type") == pikepdf.Name.Metadata or obj.get("/Subtype") == pikepdf.Name.Form \
            or obj.objgen in drawing
        if not filters and text:
            obj.write(raw + b"\n")
        else:
            params = _decode_parms(obj, len(filters))
            obj.write(base64.a85encode(raw) + b"~>",
                      filter=pikepdf.Array([pikepdf.Name.ASCII85Decode, *filters]),
                      decode_parms=pikepdf.Array([None, *params]) if any(p is not None for p in params) else None)
        changed = True
    return changed
