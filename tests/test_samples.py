"""Tests of the sample dossier generator: determinism, inbox shapes, truth contents, OCR-ability.

The generated sets feed the demo, the pipeline tests and the benchmarks, so their truth must be
right: every field key of forms.md, CCCD numbers consistent with the holder, geometry recorded
in the documented convention, and renders that the real Tesseract can read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from sample_docs import _places, _shapes
from sample_docs._values import date_words, number_words
from sample_docs.make_samples import (FORM_TYPES, LABELS, OPTIONAL_KEYS, degrade, generate,
                                      random_values, render_form, render_pages)

SAMPLES = Path(__file__).resolve().parent.parent / "sample_docs"
CODES = {p.code for p in _places.PROVINCES}
DATE_KEYS = re.compile(r"(^|_)(ngay_sinh|ngay_cap)$")
CCCD_KEYS = re.compile(r"so_cccd$")


def _natural(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """An office-profile set at 100 dpi (fast), every form in every shape plus a decision."""
    out = tmp_path_factory.mktemp("samples")
    return out, generate(out, seed=11, dpi=100, free_text=1)


def _page_count(source: Path) -> int:
    if source.suffix == ".tif":
        with Image.open(source) as img:
            return img.n_frames
    if source.suffix == ".pdf":
        with pikepdf.open(source) as pdf:
            return len(pdf.pages)
    return len(list(source.iterdir()))


def test_generation_is_deterministic(small_set: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, _ = small_set
    generate(tmp_path, seed=11, dpi=100, free_text=1)
    assert _digest(tmp_path) == _digest(out)


def test_other_seed_differs(tmp_path: Path) -> None:
    a = random_values("ct01", random.Random("1:x"))
    b = random_values("ct01", random.Random("2:x"))
    assert a != b


@pytest.mark.parametrize("root", ["small", "committed"])
def test_shapes_open_with_truth_page_count(root: str, small_set: tuple[Path, list[Path]]) -> None:
    out = small_set[0] if root == "small" else SAMPLES
    truths = sorted((out / "truth").glob("*.json"))
    assert len(truths) == 13
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        source = out / "inbox" / truth["source"]
        assert _page_count(source) == len(truth["pages"]), path.name
        assert [p["source_page"] for p in truth["pages"]] == list(range(1, len(truth["pages"]) + 1))


def test_tiff_and_images_carry_dpi(small_set: tuple[Path, list[Path]]) -> None:
    inbox = small_set[0] / "inbox"
    for tif in inbox.glob("*.tif"):
        with Image.open(tif) as img:
            assert tuple(round(d) for d in img.info["dpi"]) == (100, 100)
            assert img.info["compression"] in {"jpeg", "tiff_adobe_deflate", "tiff_deflate"}
    for page in inbox.glob("*-folder/page-*"):
        with Image.open(page) as img:
            assert tuple(round(d) for d in img.info["dpi"]) == (100, 100)


def test_pdf_pages_are_full_page_images_at_dpi(small_set: tuple[Path, list[Path]]) -> None:
    for pdf_path in (small_set[0] / "inbox").glob("*.pdf"):
        with pikepdf.open(pdf_path) as pdf:
            for page in pdf.pages:
                image = page.Resources.XObject.Im0
                width_pt = float(page.MediaBox[2])
                assert image.Width * 72 / 100 == pytest.approx(width_pt, abs=0.01)


def test_folder_pages_sort_naturally_past_ten(tmp_path: Path) -> None:
    pages = [Image.new("L", (20, 30), 255 - i) for i in range(11)]
    _shapes.write_folder(pages, tmp_path / "d", 100, random.Random(0), lossless=0.5)
    names = sorted((p.name for p in (tmp_path / "d").iterdir()), key=_natural)
    assert [int(re.search(r"\d+", n).group()) for n in names] == list(range(1, 12))
    with Image.open(tmp_path / "d" / names[-1]) as last:
        assert abs(last.getpixel((5, 5)) - (255 - 10)) <= 3


def _check_cccd(value: str, birth_year: int | None, sex: str | None) -> None:
    assert re.fullmatch(r"\d{12}", value), value
    assert value[:3] in CODES
    digit = int(value[3])
    if birth_year is not None:
        assert digit // 2 == (0 if birth_year < 2000 else 1)
        assert value[4:6] == f"{birth_year % 100:02d}"
    if sex is not None:
        assert digit % 2 == (1 if sex == "Nữ" else 0)


def _year(fields: dict[str, str], key: str) -> int:
    return dt.datetime.strptime(fields[key], "%d/%m/%Y").year


def _check_consistency(form: str, f: dict[str, str]) -> None:
    if form == "khai_sinh":
        parent = {"Mẹ": ("me", "Nữ"), "Cha": ("cha", "Nam"), "Bố": ("cha", "Nam")}.get(f["quan_he"])
        if parent:  # a parent registers the birth: the requester is that parent
            _check_cccd(f["nyc_so_cccd"], int(f[f"{parent[0]}_nam_sinh"]), parent[1])
            assert f["nyc_ho_ten"] == f[f"{parent[0]}_ho_ten"]
        else:  # a grandparent, born 1950–1970
            assert f["quan_he"] in ("Ông nội", "Bà nội", "Bà") and f["nyc_ho_ten"] not in (f["me_ho_ten"], f["cha_ho_ten"])
            assert f["nyc_so_cccd"][4:6] in {f"{y % 100:02d}" for y in range(1950, 1971)}
        assert f["ho_ten"].split()[0] == f["cha_ho_ten"].split()[0]
        assert date_words(dt.datetime.strptime(f["ngay_sinh"], "%d/%m/%Y").date()) == f["ngay_sinh_chu"]
    elif form == "ket_hon":
        _check_cccd(f["nu_so_cccd"], _year(f, "nu_ngay_sinh"), "Nữ")
        _check_cccd(f["nam_so_cccd"], _year(f, "nam_ngay_sinh"), "Nam")
    elif form == "ct01":
        _check_cccd(f["so_cccd"], _year(f, "ngay_sinh"), f["gioi_tinh"])
        _check_cccd(f["chu_ho_so_cccd"], None, None)
        for i in (1, 2, 3):
            _check_cccd(f[f"tv{i}_so_cccd"], _year(f, f"tv{i}_ngay_sinh"), f[f"tv{i}_gioi_tinh"])
        assert re.fullmatch(r"0\d{9}", f["dien_thoai"])
    elif form == "ho_kinh_doanh":
        _check_cccd(f["so_cccd"], _year(f, "ngay_sinh"), f["gioi_tinh"])
        assert f["ho_ten"] == f["ho_ten"].upper()
        for key in ("dien_thoai", "ts_dien_thoai"):
            assert re.fullmatch(r"0\d{9}", f[key])


@pytest.mark.parametrize("root", ["small", "committed"])
def test_truth_fields_complete_and_valid(root: str, small_set: tuple[Path, list[Path]]) -> None:
    out = small_set[0] if root == "small" else SAMPLES
    for path in sorted((out / "truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        form, fields = truth["form_type"], truth["fields"]
        if form == "unknown":
            assert fields == {} and "QUYẾT ĐỊNH" in truth["pages"][0]["text"]
            continue
        assert list(fields) == [k for k, _ in LABELS[form]], path.name
        for key, value in fields.items():
            assert value == unicodedata.normalize("NFC", value) and value == " ".join(value.split())
            assert value or key in OPTIONAL_KEYS, f"{path.name}: {key} empty"
            if DATE_KEYS.search(key):
                dt.datetime.strptime(value, "%d/%m/%Y")
            if CCCD_KEYS.search(key):
                _check_cccd(value, None, None)
        _check_consistency(form, fields)


@pytest.mark.parametrize("form", FORM_TYPES)
def test_random_values_consistent_over_many_seeds(form: str) -> None:
    requesters = set()
    for seed in range(40):
        fields = random_values(form, random.Random(seed))
        assert list(fields) == [k for k, _ in LABELS[form]]
        _check_consistency(form, fields)
        requesters.add(fields.get("quan_he"))
    if form == "khai_sinh":  # every kind of requester is drawn within 40 seeds
        assert {"Mẹ", "Cha", "Bố"} <= requesters and requesters & {"Ông nội", "Bà nội", "Bà"}


def test_truth_geometry_in_range(small_set: tuple[Path, list[Path]]) -> None:
    for path in small_set[1]:
        for page in json.loads(path.read_text(encoding="utf-8"))["pages"]:
            assert page["rotation"] in (0, 90, 180, 270) and abs(page["skew"]) <= 5
            assert page["blank"] == (page["text"] == "")
            assert "...." not in page["text"]


def test_committed_set_is_small_and_mild() -> None:
    size = sum(p.stat().st_size for p in (SAMPLES / "inbox").rglob("*") if p.is_file())
    assert size <= 4 * 1024 * 1024
    pages = [p for t in (SAMPLES / "truth").glob("*.json")
             for p in json.loads(t.read_text(encoding="utf-8"))["pages"]]
    assert all(abs(p["skew"]) <= 3 for p in pages)
    assert sorted(p["rotation"] for p in pages if p["rotation"]) == [90, 180]
    assert sum(p["blank"] for p in pages) >= 2


def test_generator_fields_are_the_templates_fields() -> None:
    """The generator fills exactly the fields the templates read (forms.md's keys and the form's date).

    (The templates in ``configs/forms`` carry the keys of the official form specs and are what the
    pipeline uses; the tests read nothing outside the repository.)
    """
    from fields.templates import load_templates

    templates = {t.form_type: [f.key for f in t.fields] for t in load_templates()}
    for form, labels in LABELS.items():
        assert [k for k, _ in labels] == templates[form], form


def test_date_words() -> None:
    assert date_words(dt.date(2024, 3, 12)) == "Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"
    assert date_words(dt.date(2021, 1, 25)).endswith("tháng một năm hai nghìn không trăm hai mươi mốt")
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(1990) == "một nghìn chín trăm chín mươi"


def test_degrade_geometry_convention() -> None:
    """Turning the scan clockwise by ``rotation`` then rotating by ``skew`` restores the page."""
    clean = render_form("ct01", random_values("ct01", random.Random(5)), dpi=60)[0]
    scan, rotation, skew = degrade(clean, random.Random(1), dpi=60, rotation=90, skew=3.0, grey=True)
    assert (rotation, skew) == (90, 3.0) and scan.size == clean.size[::-1]
    upright = scan.rotate(-rotation, expand=True)
    restored = np.asarray(upright.rotate(skew, fillcolor=245), dtype=float)
    wrong = np.asarray(upright.rotate(-skew, fillcolor=245), dtype=float)
    ref = np.asarray(clean, dtype=float)
    assert np.abs(restored - ref).mean() < 0.7 * np.abs(wrong - ref).mean()


def test_clean_khai_sinh_is_ocrable(tmp_path: Path) -> None:
    values = random_values("khai_sinh", random.Random("ocr"))
    (page, text), *_ = render_pages("khai_sinh", values, dpi=200)
    page.save(tmp_path / "p.png", dpi=(200, 200))
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    assert "vie" in langs.split(), "tesseract vie data missing: install tesseract-ocr-vie"
    out = subprocess.run(["tesseract", str(tmp_path / "p.png"), "stdout", "-l", "vie"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    out = unicodedata.normalize("NFC", out)
    for label in ("TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ, chữ đệm, tên người yêu cầu:", "Nơi cư trú:",
                  "Quốc tịch:", "Nơi sinh:", values["ho_ten"], values["me_ho_ten"]):
        assert label in out, label
    assert values["ho_ten"] in text


def test_forms_dates_come_before_the_form_is_signed() -> None:
    """The ID card was issued and the child born before the form was signed (dates drawn apart are
    moved, without drawing again, so the rest of a seed's values stay)."""
    import datetime as dt
    import random as _random

    from sample_docs._values import random_values

    def day(text: str) -> dt.date:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()

    for seed in range(60):
        hkd = random_values("ho_kinh_doanh", _random.Random(seed))
        assert day(hkd["ngay_cap"]) <= day(hkd["ngay_lap"])
        birth = random_values("khai_sinh", _random.Random(seed))
        assert day(birth["ngay_sinh"]) <= day(birth["ngay_lap"])


def test_handwriting_near_the_paper_edge_is_squeezed_onto_the_paper() -> None:
    """A handwritten date line long enough to run past the right edge is written narrower: every
    figure of its truth is on the paper (a year's last figure drawn off the page cannot be read)."""
    from PIL import ImageDraw

    from sample_docs import _render

    ctx = _render.Ctx(200, _render.Style(hand=True, seed=5))
    page = Image.new("L", ctx.size, 255)
    text = "Xuân Khánh, ngày 12 tháng 9 năm 2024"
    x = page.width - _render.value_width(ctx, text) * 0.6  # would end far past the edge
    _render._hand_at(ImageDraw.Draw(page), ctx, x, page.height / 2, text)
    ink = np.flatnonzero((np.asarray(page) < 128).any(axis=0))
    margin = 2 * round(ctx.body * 1.05)
    assert ink.size and ink[0] < x + margin and ink[-1] < page.width - margin * 0.9
