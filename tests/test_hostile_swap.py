"""A file swapped for a symbolic link while it is read, by a user who can only write to the inbox.

A real unprivileged user is made for the test (``useradd``; the tests run as root, as in CI). The
inbox is theirs; a secret PDF (0600 in a 0700 folder) is not readable by them. At the worst moment
— after the reader has checked and opened the file, just before poppler renders it (where a reopen
by path would follow the link) — that user replaces the inbox file with a link to the secret. The
archive must never hold a page of the secret.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from inputs import caption_image, image_pdf
from PIL import Image, ImageDraw

import scanners.read
from pipeline.cli import main
from scanners.model import Dossier
from scanners.read import read_pages
from sohoa.errors import InputFileError
from sohoa.tools import poppler, tesseract

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def attacker() -> Iterator[pwd.struct_passwd]:
    name = f"sohoa-atk-{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=False)


def _as(user: pwd.struct_passwd, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", *argv],
                          capture_output=True, text=True)


def _page_with_box(path: Path, side: str) -> Path:
    """A page that must be rendered (visible text over the scan), its black box on the ``side`` given."""
    im = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(im).rectangle((40, 100, 240, 300) if side == "left" else (360, 100, 560, 300), fill=0)
    image_pdf(path, im, page_pt=(432, 288))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.obj.Resources.Font = pikepdf.Dictionary(F1=pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
        page.contents_add(pikepdf.Stream(pdf, b"BT /F1 14 Tf 150 20 Td (" + side.encode() + b") Tj ET"), prepend=False)
        pdf.save(path)
    return path


def _box_side(image: Path) -> str:
    with Image.open(image) as im:
        dark = np.asarray(im.convert("L")) < 100
    half = dark.shape[1] // 2
    return "left" if dark[:, :half].sum() > dark[:, half:].sum() else "right"


@pytest.fixture()
def scene(attacker: pwd.struct_passwd) -> Iterator[dict]:
    """/tmp/…/inbox (the attacker's) and /tmp/…/secret/secret.pdf (root only, 0600 in 0700)."""
    base = Path(tempfile.mkdtemp(prefix="sohoa-swap-"))
    base.chmod(0o755)
    inbox, secret_dir = base / "inbox", base / "secret"
    inbox.mkdir()
    secret_dir.mkdir(mode=0o700)
    secret = _page_with_box(secret_dir / "secret.pdf", "right")
    secret.chmod(0o600)
    mine = _page_with_box(inbox / "ho-so.pdf", "left")
    os.chown(inbox, attacker.pw_uid, attacker.pw_gid)
    os.chown(mine, attacker.pw_uid, attacker.pw_gid)
    assert _as(attacker, "cat", str(secret)).returncode != 0  # the inbox writer cannot read the secret
    try:
        yield {"base": base, "inbox": inbox, "file": mine, "secret": secret, "attacker": attacker}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _swap(scene: dict) -> None:
    result = _as(scene["attacker"], "ln", "-sfn", str(scene["secret"]), str(scene["file"]))
    assert result.returncode == 0, result.stderr
    assert scene["file"].is_symlink()


def _swap_before_render(monkeypatch: pytest.MonkeyPatch, scene: dict) -> list[int]:
    real, swaps = poppler.render_page, []

    def swapping_render(*args: object, **kwargs: object) -> Path:
        if not swaps:
            _swap(scene)
            swaps.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(poppler, "render_page", swapping_render)
    return swaps


def test_a_swap_while_the_page_is_rendered_reads_the_file_that_was_opened(
        scene: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    swaps = _swap_before_render(monkeypatch, scene)
    (page,) = read_pages(Dossier("swap", scene["file"], "ho-so.pdf", "pdf"), tmp_path)
    assert swaps and page.extraction == "render"
    assert _box_side(page.path) == "left"


def test_a_swap_right_after_the_check_reads_the_file_that_was_opened(
        scene: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = scanners.read.kind_of

    def swapping_check(source: object) -> str:
        kind = real(source)
        _swap(scene)
        return kind
    monkeypatch.setattr(scanners.read, "kind_of", swapping_check)
    (page,) = read_pages(Dossier("swap", scene["file"], "ho-so.pdf", "pdf"), tmp_path)
    assert _box_side(page.path) == "left"


def test_a_link_in_place_of_the_file_or_of_a_folder_page_is_never_followed(scene: dict, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _swap(scene)
    with pytest.raises(InputFileError) as info:
        read_pages(Dossier("swap", scene["file"], "ho-so.pdf", "pdf"), tmp_path)
    assert info.value.reason == "unreadable_file"
    folder = scene["inbox"] / "thu-muc"
    folder.mkdir()
    caption_image((400, 300)).save(folder / "trang-1.png")
    os.chown(folder, scene["attacker"].pw_uid, scene["attacker"].pw_gid)
    real = scanners.read._page_names

    def swapping_listing(opened: object) -> list[str]:
        names = real(opened)  # listed as a regular file, then swapped before it is opened
        assert _as(scene["attacker"], "ln", "-sfn", str(scene["secret"]), str(folder / "trang-1.png")).returncode == 0
        return names
    monkeypatch.setattr(scanners.read, "_page_names", swapping_listing)
    out = tmp_path / "folder"
    out.mkdir()
    with pytest.raises(InputFileError) as info:
        read_pages(Dossier("folder", folder, "thu-muc/", "folder"), out)
    assert info.value.reason == "unreadable_file" and not list(out.iterdir())


def test_the_archive_never_holds_a_page_of_the_secret(scene: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole run (one worker: the stages run in this process), the swap made mid-ingest."""
    swaps = _swap_before_render(monkeypatch, scene)
    archive = scene["base"] / "archive"
    config = scene["base"] / "site.yaml"
    config.write_text((ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
                      .replace("settle-seconds: 2 ", "settle-seconds: 0 "), encoding="utf-8")
    try:
        assert main(["run", "--create", "--inbox", str(scene["inbox"]), "--archive", str(archive),
                     "--config", str(config)]) == 0
    finally:
        tesseract.close_workers()  # the stages ran in this process: so did their Tesseract worker
    assert swaps
    (record,) = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    shown = scene["base"] / "shown"
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-singlefile", str(archive / record["pdf"]), str(shown)],
                   check=True)
    assert _box_side(shown.with_suffix(".pgm")) == "left"
    secret_bytes = scene["secret"].read_bytes()
    with pikepdf.open(scene["secret"]) as pdf:
        secret_image = pdf.pages[0].obj.Resources.XObject.Im0.read_raw_bytes()
    for packaged in (archive / "packages").rglob("*"):
        if packaged.is_file():
            data = packaged.read_bytes()
            assert secret_bytes not in data and secret_image not in data
