"""Streams ending with CR in the PDF/A writer's output: every kind, with and without DecodeParms.

About one Flate stream in 256 ends with a CR byte; a strict PDF/A check then reads the CR and the
writer's LF before ``endstream`` as one end-of-line and finds /Length one byte short. Each kind
of stream the writer produces is forced to end so here (by varying what it holds without
changing what it means, or by trailing bytes its readers ignore), then re-encoded, saved the way
the writer saves, and checked: nothing ends in CR, the decoded content is the same, and the
file is PDF/A-2b for the validator, which rejects the same file left unrepaired.
"""

from __future__ import annotations

import base64
import io
import random
import struct
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np
import page as pdfa_validator
import pikepdf
import pytest
from conftest import render_text_page
from PIL import Image

from ocr.model import PageGeometry
from ocr.pdfa import PdfMetadata, PdfPage, _saved, build_pdfa, reencode_cr_endings
from ocr.recognize import recognize
from sohoa.clock import VN_TZ

META = PdfMetadata(title="CR endings", subject="test", creator_tool="sohoa tests",
                   created=datetime(2026, 1, 2, 9, 30, tzinfo=VN_TZ))
KINDS = ("jpeg", "png", "content", "text_layer", "font", "icc", "xmp")


@pytest.fixture(scope="module")
def pdfa(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real PDF/A from the writer: a JPEG page with Tesseract's text layer, and a PNG (predictor) page."""
    tmp = tmp_path_factory.mktemp("pdfa-cr")
    page = render_text_page(lines=["Tờ khai đăng ký khai sinh", "Họ và tên: Nguyễn Văn An"], dpi=100)
    jpeg, png = tmp / "p1.jpg", tmp / "p2.png"
    page.save(jpeg, dpi=(100, 100), quality=80)
    page.convert("L").save(png, dpi=(100, 100))
    page.save(tmp / "ocr.png", dpi=(100, 100))
    recognize(tmp / "ocr.png", text_pdf_dest=tmp / "layer.pdf")
    geo = [PageGeometry(n, False, 0, 0.0, page.width, page.height, 100.0) for n in (1, 2)]
    out = build_pdfa([PdfPage(jpeg, geo[0], tmp / "layer.pdf"), PdfPage(png, geo[1], None)], tmp / "a.pdf",
                     metadata=META)
    return out.read_bytes()


def _stream(pdf: pikepdf.Pdf, kind: str) -> pikepdf.Stream:
    first, second = pdf.pages[0].obj.Resources.XObject, pdf.pages[1].obj.Resources.XObject
    layer = first.Tx0
    font = next(iter(layer.Resources.Font.values()))
    return {"jpeg": first.Im0, "png": second.Im0, "content": pdf.pages[0].obj.Contents, "text_layer": layer,
            "font": font.DescendantFonts[0].FontDescriptor.FontFile2,
            "icc": pdf.Root.OutputIntents[0].DestOutputProfile, "xmp": pdf.Root.Metadata}[kind]


def _ending_in_cr(make) -> bytes:  # noqa: ANN001 - make(n) -> one variant's Flate data
    return next(data for data in (make(n) for n in range(20_000)) if data.endswith(b"\r"))


def _png_rows_ending_in_cr(stream: pikepdf.Stream) -> bytes:
    """The same pixels with other PNG row filters (None or Sub), chosen until the Flate data ends in CR."""
    width, colours = int(stream.Width), 1 if stream.ColorSpace == pikepdf.Name.DeviceGray else 3
    pixels = np.frombuffer(pikepdf.PdfImage(stream).as_pil_image().tobytes(), np.uint8).reshape(-1, width * colours)
    sub = np.concatenate([pixels[:, :colours], (pixels[:, colours:].astype(np.int16)
                                                - pixels[:, :-colours]).astype(np.uint8)], axis=1)

    def make(seed: int) -> bytes:
        rng = random.Random(seed)
        rows = [bytes([1]) + sub[y].tobytes() if rng.random() < 0.5 else bytes([0]) + pixels[y].tobytes()
                for y in range(pixels.shape[0])]
        return zlib.compress(b"".join(rows))
    return _ending_in_cr(make)


def _force_cr(pdf: pikepdf.Pdf, kind: str, with_parms: bool) -> bytes:
    """Make the stream of ``kind`` end in CR, its meaning unchanged; return its decoded content."""
    stream = _stream(pdf, kind)
    if kind == "jpeg":  # data after the end-of-image marker, which JPEG decoders ignore
        stream.write(stream.read_raw_bytes() + b"\r", filter=pikepdf.Name.DCTDecode,
                     decode_parms=pikepdf.Dictionary(ColorTransform=1) if with_parms else None)
        return stream.read_raw_bytes()
    if kind == "xmp":  # white space after the packet trailer; PDF/A forbids filtering the metadata
        stream.write(stream.read_bytes() + b"\r")
        return stream.read_bytes()
    if kind == "png" and with_parms:  # the same pixels, other PNG row filters
        expected = pikepdf.PdfImage(stream).as_pil_image().tobytes()
        stream.write(_png_rows_ending_in_cr(stream), filter=pikepdf.Name.FlateDecode, decode_parms=stream.DecodeParms)
        return expected
    if kind == "png":  # a lossless image without predictor (the writer's fallback): its first pixel varied
        pixels = bytearray(pikepdf.PdfImage(stream).as_pil_image().tobytes())

        def variant(n: int) -> bytes:
            pixels[0], pixels[1] = n % 256, n // 256
            return zlib.compress(bytes(pixels))
        stream.write(_ending_in_cr(variant), filter=pikepdf.Name.FlateDecode)
        if "/DecodeParms" in stream:
            del stream.DecodeParms
        return zlib.decompress(stream.read_raw_bytes())
    content = stream.read_bytes()
    if kind in {"content", "text_layer"}:  # trailing white space between instructions means nothing
        data = _ending_in_cr(lambda n: zlib.compress(content + b"\t" * n))
    elif kind == "icc":  # padding after the last tag, counted in the profile's size field
        data = _ending_in_cr(lambda n: zlib.compress(struct.pack(">I", len(content) + 4 * n) + content[4:]
                                                     + b"\0" * (4 * n)))
    else:  # the TrueType font: padding after its tables, counted in /Length1
        data = _ending_in_cr(lambda n: zlib.compress(content + b"\1" * n))
        stream.Length1 = len(zlib.decompress(data))
    stream.write(data, filter=pikepdf.Name.FlateDecode,
                 decode_parms=pikepdf.Dictionary(Predictor=1) if with_parms else None)
    return stream.read_bytes()


def _validate(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = pdfa_validator.validate_pdf(str(path), profile="2b")
    return [f.rule_id for f in result.failures]


def _raw_cr_endings(data: bytes) -> int:
    """Streams whose bytes before ``endstream`` end with CR LF, as a strict checker reads the file."""
    return data.count(b"\r\nendstream")


# The XMP stream has no filter (PDF/A forbids filtering it), hence no decode parameters.
CASES = [(kind, parms) for kind in KINDS for parms in (False, True) if not (kind == "xmp" and parms)]


@pytest.mark.parametrize(("kind", "with_parms"), CASES, ids=[f"{k}-{'parms' if p else 'no-parms'}" for k, p in CASES])
def test_each_kind_of_stream_ending_in_cr_is_reencoded_and_stays_pdfa(
        pdfa: bytes, tmp_path: Path, kind: str, with_parms: bool) -> None:
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        expected = _force_cr(pdf, kind, with_parms)
        assert _stream(pdf, kind).read_raw_bytes().endswith(b"\r")
        # saved as it is, a strict reader would see the CR (the XMP alone is written anew on saving)
        assert _raw_cr_endings(_saved(pdf, keep_streams=True)) == (0 if kind == "xmp" else 1)
        assert reencode_cr_endings(pdf)
        assert not _stream(pdf, kind).read_raw_bytes().endswith(b"\r")
        fixed = _saved(pdf, keep_streams=True)
    assert _raw_cr_endings(fixed) == 0
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        stream = _stream(pdf, kind)
        assert not stream.read_raw_bytes().endswith(b"\r")
        if kind == "jpeg":  # the same JPEG bytes under an ASCII85 layer
            assert base64.a85decode(stream.read_raw_bytes(), adobe=True) == expected
        elif kind == "png":
            assert pikepdf.PdfImage(stream).as_pil_image().tobytes() == expected
        else:
            assert stream.read_bytes().rstrip() == expected.rstrip()
        if with_parms:
            assert stream.DecodeParms[0] is None and stream.DecodeParms[1] is not None
        assert not reencode_cr_endings(pdf)  # nothing left to do
    assert _validate(fixed, tmp_path) == []


def test_the_validator_rejects_a_stream_ending_in_cr(pdfa: bytes, tmp_path: Path) -> None:
    """The check the tests above rely on: left unrepaired, such a file is not PDF/A-2b for the validator."""
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        _force_cr(pdf, "icc", False)
        broken = _saved(pdf, keep_streams=True)
    assert _raw_cr_endings(broken) == 1
    assert _validate(broken, tmp_path) == ["PDFA2B-STREAM-LENGTH-001"]


def test_a_png_page_whose_predictor_stream_ends_in_cr_builds_a_valid_pdfa(tmp_path: Path) -> None:
    """The defect as it met a clerk: a lossless page image with a PNG predictor whose Flate data ends in CR."""
    rng = np.random.default_rng(7)
    for attempt in range(4000):
        src = tmp_path / f"p{attempt}.png"
        Image.fromarray(rng.integers(180, 256, (64, 48), dtype=np.uint8)).save(src, dpi=(100, 100))
        data = src.read_bytes()
        idat = data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8]
        if idat.endswith(b"\r"):
            break
        src.unlink()
    else:
        pytest.fail("no PNG with Flate data ending in CR found")
    geo = PageGeometry(1, False, 0, 0.0, 48, 64, 100.0)
    out = build_pdfa([PdfPage(src, geo, None)], tmp_path / "out.pdf", metadata=META)
    data = out.read_bytes()
    assert _raw_cr_endings(data) == 0 and _validate(data, tmp_path) == []
    with pikepdf.open(out) as pdf:
        image = pdf.pages[0].obj.Resources.XObject.Im0
        assert list(image.Filter) == [pikepdf.Name.ASCII85Decode, pikepdf.Name.FlateDecode]
        assert image.DecodeParms[1].Predictor == 15
        with Image.open(src) as original:
            assert pikepdf.PdfImage(image).as_pil_image().tobytes() == original.tobytes()
