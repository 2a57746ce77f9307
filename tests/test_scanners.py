"""Scanner intake: dossier discovery and page extraction on real files, good and bad."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pikepdf
import pytest
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
    stop = threading.Event()

    def scanner() -> None:
        with growing.open("ab") as fh:
            while not stop.is_set():
                fh.write(b"\x00" * 1024)
                fh.flush()
                time.sleep(0.05)

    thread = threading.Thread(target=scanner)
    thread.start()
    try:
        dossiers, left = discover(inbox, settle_seconds=0.5)
    finally:
        stop.set()
        thread.join()
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
    assert pages[0].path.read_bytes() == raw


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
