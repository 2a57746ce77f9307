"""Scanner intake: dossier discovery and page extraction on real files, good and bad."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
import pytest
from conftest import still_being_written
from PIL import Image

from scanners.discover import discover, dossier_id_for
from scanners.model import Dossier
from scanners.read import read_pages
from sohoa.errors import EncryptedPdfError, InputFileError, UnsupportedInputError


def _dossier(path: Path, shape: str) -> Dossier:
    return Dossier(dossier_id_for(path.name), path, path.name, shape)


def test_discover_finds_each_shape_and_skips_hidden(tmp_path: Path, text_page: Image.Image) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "folder-dossier").mkdir(parents=True)
    text_page.save(inbox / "a.tif", save_all=True, dpi=(200, 200))
    text_page.save(inbox / "b.pdf", resolution=200)
    text_page.save(inbox / "folder-dossier" / "page-1.jpg", dpi=(200, 200))
    (inbox / ".partial").write_bytes(b"x")
    dossiers, growing = discover(inbox)
    assert [(d.relative, d.shape) for d in dossiers] == [("a.tif", "tiff"), ("b.pdf", "pdf"),
                                                        ("folder-dossier/", "folder")]
    assert growing == []
    assert len({d.dossier_id for d in dossiers}) == 3


def test_dossier_ids_are_stable_and_file_name_safe() -> None:
    first = dossier_id_for("Hồ sơ Đặng/../x.pdf")
    assert first == dossier_id_for("Hồ sơ Đặng/../x.pdf")
    assert "/" not in first and ".." not in first and first.isascii()


def test_file_still_being_written_is_left_for_later(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    growing = inbox / "scanning.tif"
    growing.write_bytes(b"II*\x00")
    with still_being_written(growing):
        dossiers, left = discover(inbox, settle_seconds=0.5)
    assert dossiers == [] and left == [growing]


def test_folder_pages_in_natural_order_and_jpeg_bytes_kept(tmp_path: Path, text_page: Image.Image) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for n in (10, 2, 1):
        text_page.rotate(n).save(folder / f"page-{n}.jpg", dpi=(200, 200), quality=80)
    pages = read_pages(_dossier(folder, "folder"), tmp_path)
    assert [p.index for p in pages] == [1, 2, 3]
    assert pages[1].path.read_bytes() == (folder / "page-2.jpg").read_bytes()
    assert pages[2].path.read_bytes() == (folder / "page-10.jpg").read_bytes()
    assert all(p.dpi == 200 and p.mode == "RGB" for p in pages)


def test_multipage_tiff_frames_become_lossless_pages(tmp_path: Path, text_page: Image.Image) -> None:
    src = tmp_path / "s.tif"
    grey = text_page.convert("L")
    grey.save(src, save_all=True, append_images=[text_page.copy(), text_page.convert("1")], dpi=(300, 300))
    pages = read_pages(_dossier(src, "tiff"), tmp_path)
    assert [p.mode for p in pages] == ["L", "RGB", "1"]
    with Image.open(pages[0].path) as im:
        assert im.tobytes() == grey.tobytes()


def test_jpeg_tiff_frames_keep_the_scanners_jpeg_data(tmp_path: Path, text_page: Image.Image) -> None:
    """Multi-strip JPEG TIFF (as libtiff writes it): each frame becomes one JPEG with the same pixels;
    an RGB-coded JPEG frame (no colour transform, which JPEG files cannot say) stays lossless PNG."""
    src = tmp_path / "s.tif"
    grey, ycbcr = text_page.convert("L"), text_page.convert("YCbCr")  # scanners code colour as YCbCr
    grey.save(src, save_all=True, append_images=[ycbcr, text_page.copy()], dpi=(200, 200),
              compression="jpeg", quality=80)
    out = tmp_path / "out"
    out.mkdir()
    pages = read_pages(_dossier(src, "tiff"), out)
    assert [(p.path.suffix, p.mode, p.dpi) for p in pages] == [(".jpg", "L", 200), (".jpg", "RGB", 200),
                                                                 (".png", "RGB", 200)]
    with Image.open(src) as tiff:
        for page in pages:
            tiff.seek(page.index - 1)
            with Image.open(page.path) as image:
                assert image.tobytes() == tiff.tobytes()  # the same pixels
                if page.path.suffix == ".jpg":
                    assert image.format == "JPEG" and image.info["dpi"] == (200, 200)
    jpegs = sum(p.path.stat().st_size for p in pages[:2])
    assert jpegs < src.stat().st_size  # the scanner's JPEG data, not a re-encoding


def test_image_only_pdf_gives_back_the_embedded_jpeg(tmp_path: Path, text_page: Image.Image) -> None:
    jpg = tmp_path / "p.jpg"
    text_page.save(jpg, quality=75, dpi=(200, 200))
    pdf = tmp_path / "s.pdf"
    Image.open(jpg).save(pdf, resolution=200)
    out = tmp_path / "out"
    out.mkdir()
    pages = read_pages(_dossier(pdf, "pdf"), out)
    assert len(pages) == 1 and pages[0].path.suffix == ".jpg"
    assert abs(pages[0].dpi - 200) < 1
    with pikepdf.open(pdf) as doc:
        raw = next(iter(doc.pages[0].get_images().values())).read_raw_bytes()
    kept = pages[0].path.read_bytes()
    # the scan's own data from its first scan header to its end, byte for byte; only the header's density is new
    assert kept[kept.index(b"\xff\xda"):] == raw[raw.index(b"\xff\xda"):]
    with Image.open(pages[0].path) as im:
        assert im.info["dpi"] == (200, 200)


@pytest.mark.parametrize(("name", "content", "shape", "error", "reason"), [
    ("empty.tif", b"", "tiff", InputFileError, "empty_file"),
    ("notes.pdf", b"just some text, not a PDF at all", "pdf", UnsupportedInputError, "unsupported_input"),
])
def test_bad_bytes_give_clear_errors(tmp_path: Path, name: str, content: bytes, shape: str,
                                     error: type, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_pages(_dossier(path, shape), tmp_path)
    assert info.value.reason == reason
    assert info.value.message_vi


def test_truncated_jpeg_is_a_corrupt_image(tmp_path: Path, text_page: Image.Image) -> None:
    good = tmp_path / "good.jpg"
    text_page.save(good, quality=80)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    with pytest.raises(InputFileError) as info:
        read_pages(_dossier(bad, "image"), tmp_path)
    assert info.value.reason == "corrupt_image"


def test_png_named_pdf_is_refused_as_mislabelled(tmp_path: Path, text_page: Image.Image) -> None:
    path = tmp_path / "scan.pdf"
    text_page.save(path, format="PNG")
    with pytest.raises(UnsupportedInputError) as info:
        read_pages(_dossier(path, "pdf"), tmp_path)
    assert info.value.reason == "wrong_extension"


def test_encrypted_pdf_is_refused(tmp_path: Path, text_page: Image.Image) -> None:
    plain = tmp_path / "plain.pdf"
    text_page.save(plain, resolution=200)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(EncryptedPdfError):
        read_pages(_dossier(locked, "pdf"), tmp_path)


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000), 1).save(bomb)  # 400 megapixels in a few kilobytes
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(InputFileError) as info:
        read_pages(_dossier(bomb, "image"), tmp_path)
    assert info.value.reason == "image_too_large"


def _pdf_with(tmp_path: Path, text_page: Image.Image, name: str, extra) -> Path:  # noqa: ANN001
    plain = tmp_path / "plain.pdf"
    text_page.save(plain, resolution=200)
    target = tmp_path / name
    with pikepdf.open(plain) as pdf:
        extra(pdf)
        pdf.save(target)
    return target


def test_pdf_with_javascript_is_refused(tmp_path: Path, text_page: Image.Image) -> None:
    def add_js(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))

    with pytest.raises(UnsupportedInputError) as info:
        read_pages(_dossier(_pdf_with(tmp_path, text_page, "js.pdf", add_js), "pdf"), tmp_path)
    assert info.value.reason == "pdf_javascript"


def test_pdf_with_attachment_is_refused(tmp_path: Path, text_page: Image.Image) -> None:
    def attach(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not really")

    with pytest.raises(UnsupportedInputError) as info:
        read_pages(_dossier(_pdf_with(tmp_path, text_page, "att.pdf", attach), "pdf"), tmp_path)
    assert info.value.reason == "pdf_attachments"


def test_damaged_pdf_is_a_corrupt_pdf(tmp_path: Path, text_page: Image.Image) -> None:
    good = tmp_path / "good.pdf"
    text_page.save(good, resolution=200)
    bad = tmp_path / "bad.pdf"
    data = good.read_bytes()
    bad.write_bytes(data[:200] + b"\x00garbage\x00" * 50)
    with pytest.raises(InputFileError) as info:
        read_pages(_dossier(bad, "pdf"), tmp_path)
    assert info.value.reason == "corrupt_pdf"


def test_cmyk_16_bit_and_mixed_dpi_pages_are_normalised(tmp_path: Path, text_page: Image.Image) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    text_page.convert("CMYK").save(folder / "p1.jpg", dpi=(300, 300))
    import numpy as np

    sixteen = Image.fromarray((np.asarray(text_page.convert("L"), dtype=np.uint16) * 257))
    sixteen.save(folder / "p2.png", dpi=(150, 150))
    out = tmp_path / "out"
    out.mkdir()
    pages = read_pages(_dossier(folder, "folder"), out)
    assert [p.dpi for p in pages] == [300, 150]
    assert [p.mode for p in pages] == ["CMYK", "I;16"]
    for page in pages:
        with Image.open(page.path) as im:
            assert im.mode in {"RGB", "L"}


@pytest.mark.parametrize("name", ["Hồ sơ số 1 (bản sao).tif", "-rf.tif", "a\nb.tif", "x..%2F..%2Fetc.tif",
                                  "x;rm -rf ~.tif"])
def test_odd_file_names_are_read_safely(tmp_path: Path, text_page: Image.Image, name: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text_page.save(inbox / name, format="TIFF", dpi=(200, 200))
    (dossier,) = discover(inbox)[0]
    assert dossier.relative == name
    assert "/" not in dossier.dossier_id and dossier.dossier_id.isascii() and not dossier.dossier_id.startswith(".")
    out = tmp_path / "out"
    out.mkdir()
    assert len(read_pages(dossier, out)) == 1


def test_2000_page_pdf_is_streamed_not_held_in_memory(tmp_path: Path, text_page: Image.Image) -> None:
    one = tmp_path / "one.pdf"
    text_page.convert("L").resize((827, 1169)).save(one, resolution=100)
    big = tmp_path / "big.pdf"
    with pikepdf.open(one) as src, pikepdf.new() as pdf:
        for _ in range(2000):
            pdf.pages.append(src.pages[0])
        pdf.save(big)
    # VmHWM (the peak resident set of this process image); ru_maxrss would carry over the
    # forking pytest process's own peak across exec.
    script = (
        "import re, sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
        "from scanners.model import Dossier; from scanners.read import read_pages;"
        "pages = read_pages(Dossier('big', Path(sys.argv[1]), 'big.pdf', 'pdf'), Path(sys.argv[2]));"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1);"
        "print(len(pages), hwm)")
    out = tmp_path / "pages"
    out.mkdir()
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", script, str(big), str(out), str(Path(__file__).parents[1])],
                            capture_output=True, text=True, check=True, timeout=600)
    count, max_rss_kib = (int(v) for v in result.stdout.split())
    assert count == 2000 and len(list(out.iterdir())) == 2000
    assert max_rss_kib < 400 * 1024, f"peak memory {max_rss_kib // 1024} MiB for a 2000-page PDF"


def test_fifo_and_symlink_in_the_inbox_are_skipped_not_waited_on(tmp_path: Path, text_page: Image.Image) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.pdf")
    (inbox / "link.tif").symlink_to("/etc/passwd")
    text_page.save(inbox / "real.tif", dpi=(200, 200))
    dossiers, _ = discover(inbox)
    assert [d.relative for d in dossiers] == ["real.tif"]


def test_folder_with_sub_folder_or_link_is_refused_not_silently_cut(tmp_path: Path, text_page: Image.Image) -> None:
    nested = tmp_path / "nested"
    (nested / "part2").mkdir(parents=True)
    text_page.save(nested / "page-1.jpg")
    text_page.save(nested / "part2" / "page-2.jpg")
    with pytest.raises(UnsupportedInputError) as info:
        read_pages(_dossier(nested, "folder"), tmp_path)
    assert info.value.reason == "nested_folder"
    linked = tmp_path / "linked"
    linked.mkdir()
    text_page.save(linked / "page-1.jpg")
    (linked / "page-2.jpg").symlink_to("/etc/passwd")
    with pytest.raises(UnsupportedInputError) as info:
        read_pages(_dossier(linked, "folder"), tmp_path)
    assert info.value.reason == "link_in_folder"


def test_windows_thumbnail_files_are_ignored(tmp_path: Path, text_page: Image.Image) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    text_page.save(folder / "page-1.jpg")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0 not an image")
    out = tmp_path / "out"
    out.mkdir()
    assert len(read_pages(_dossier(folder, "folder"), out)) == 1


def test_unreadable_file_is_an_input_error(tmp_path: Path, text_page: Image.Image) -> None:
    path = tmp_path / "secret.tif"
    text_page.save(path)
    path.chmod(0)
    script = ("import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path;"
              "from scanners.read import sniff; from sohoa.errors import InputFileError\n"
              "try:\n    sniff(Path(sys.argv[1]))\nexcept InputFileError as e:\n    print(e.reason)")
    import subprocess
    import sys

    # root reads anything: run the check as nobody
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                             script, str(path), str(Path(__file__).parents[1])], capture_output=True, text=True)
    assert result.stdout.strip() == "unreadable_file", result.stderr


def test_pdf_page_with_text_over_the_image_is_rendered_not_cut_to_the_image(tmp_path: Path) -> None:
    pdf_path = tmp_path / "stamped.pdf"
    Image.new("L", (827, 1169), 255).save(pdf_path, resolution=100)
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        page.Resources.Font = pikepdf.Dictionary(F1=font)
        page.contents_add(pikepdf.Stream(pdf, b"BT /F1 48 Tf 72 500 Td (DA XAC MINH) Tj ET"), prepend=False)
        pdf.save(pdf_path)
    out = tmp_path / "out"
    out.mkdir()
    (page,) = read_pages(_dossier(pdf_path, "pdf"), out)
    assert page.path.suffix == ".png" and page.dpi == 100
    with Image.open(page.path) as im:
        assert im.convert("L").getextrema()[0] < 100  # the text is on the page image
