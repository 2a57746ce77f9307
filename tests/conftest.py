"""Shared fixtures: real tools, throw-away demo PKI, small generated pages and inboxes."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from test_catalog_backends import BACKENDS, Backend, backend_for

# The test PKI's fixtures (``pki``, ``pdfa``) reach every test module by name.
pytest_plugins = ("pki",)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
LINES = [
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân phường Bến Nghé, Thành phố Hồ Chí Minh",
    "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung",
    "Nơi cư trú: Số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1",
    "Quan hệ với người được khai sinh: Mẹ",
    "Họ, chữ đệm, tên: Trần Gia Bảo",
    "Ngày, tháng, năm sinh: 12/03/2024",
    "Giới tính: Nam     Dân tộc: Kinh     Quốc tịch: Việt Nam",
    "Nơi sinh: Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh",
    "Quê quán: Tỉnh Nghệ An",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
]


def pytest_configure(config: pytest.Config) -> None:
    for program in ("tesseract", "pdftotext", "pdftoppm"):
        if shutil.which(program) is None:
            raise pytest.UsageError(f"{program} is missing: run `bash setup.sh test` (it installs the Debian packages)")


@pytest.fixture(autouse=True, scope="session")
def demo_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test signs with a demo chain of its own session, never the user's."""
    path = tmp_path_factory.mktemp("demo-pki") / "pki"
    os.environ["SOHOA_DEMO_PKI"] = str(path)
    return path


def render_text_page(*, dpi: int = 200, lines: list[str] = LINES, color: bool = True) -> Image.Image:
    """A clean A4 page with Vietnamese form-like lines, at ``dpi``."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    paper = (250, 248, 242) if color else 248
    im = Image.new("RGB" if color else "L", (width, height), paper)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(FONT), int(13 / 72 * dpi))
    y = int(1.0 * dpi)
    for line in lines:
        draw.text((int(0.9 * dpi), y), line, font=font, fill=(20, 20, 20) if color else 20)
        y += int(0.42 * dpi)
    return im


def turn_and_skew(im: Image.Image, *, turn_ccw: int, skew: float) -> Image.Image:
    """Rotate a page ``skew`` degrees counter-clockwise, then turn it ``turn_ccw`` counter-clockwise."""
    fill = im.getpixel((5, 5))
    return im.rotate(skew, resample=Image.BICUBIC, fillcolor=fill).rotate(turn_ccw, expand=True)


@pytest.fixture(scope="session")
def text_page() -> Image.Image:
    return render_text_page()


def blank_back(*, dpi: int = 200, seed: int = 1) -> Image.Image:
    """A near-blank duplex back: paper noise, specks and faint mirrored bleed-through."""
    rng = np.random.default_rng(seed)
    front = np.asarray(render_text_page(dpi=dpi, color=False).transpose(Image.FLIP_LEFT_RIGHT), dtype=np.float64)
    page = 246 - (246 - front) * 0.05 + rng.normal(0, 4, front.shape)
    for _ in range(6):
        y, x = rng.integers(0, page.shape[0] - 3), rng.integers(0, page.shape[1] - 3)
        page[y:y + 2, x:x + 2] = 60
    return Image.fromarray(page.clip(0, 255).astype(np.uint8)).convert("RGB")


@contextlib.contextmanager
def still_being_written(path: Path, *, chunk: int = 1024) -> Iterator[Path]:
    """A scanner still writing ``path``: a thread appends to it until the block ends."""
    stop = threading.Event()

    def scanner() -> None:
        with path.open("ab") as fh:
            while not stop.is_set():
                fh.write(b"\x00" * chunk)
                fh.flush()
                time.sleep(0.05)

    thread = threading.Thread(target=scanner)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join()


@pytest.fixture(params=BACKENDS)
def catalog_backend(request: pytest.FixtureRequest) -> Backend:
    """Run the test on the archive's SQLite file, then on a PostgreSQL database (a private cluster,
    started once per test process: ``tests/test_catalog_backends.py``)."""
    return backend_for(request.param)
