"""Broken inputs of the kinds a scanner share delivers, for the demo and the tests.

Each is written small and fresh (nothing broken is committed): a zero-byte scan, a JPEG cut off in
the middle of its data, a text file named ``.pdf``, and a PDF that needs a password. A run must
quarantine each with its reason and archive everything else.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image

EXPECTED = {"rong.tif": "empty_file", "cut.jpg": "corrupt_image", "ghi-chu.pdf": "unsupported_input",
            "khoa.pdf": "encrypted_pdf"}
"""File name → the quarantine reason a run must give it."""


def write_bad_inputs(inbox: Path) -> dict[str, str]:
    """Write one file of each broken kind into ``inbox``; return name → expected quarantine reason."""
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "rong.tif").write_bytes(b"")
    photo = io.BytesIO()
    Image.radial_gradient("L").resize((600, 800)).save(photo, format="JPEG", quality=90)
    data = photo.getvalue()
    (inbox / "cut.jpg").write_bytes(data[: len(data) // 4])
    (inbox / "ghi-chu.pdf").write_text("không phải PDF", encoding="utf-8")
    plain = io.BytesIO()
    Image.new("L", (50, 50), 255).save(plain, format="PDF")
    plain.seek(0)
    with pikepdf.open(plain) as pdf:
        pdf.save(inbox / "khoa.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    return dict(EXPECTED)
