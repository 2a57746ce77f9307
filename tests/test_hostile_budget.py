"""Budgets: a small hostile file costs a bounded, configured part of a worker, once, then is quarantined
with a reason the next run can act on (``budget_exceeded``, ``tool_timeout``, ``image_too_large``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from inputs import billion_laughs_pdf, caption_image, image_pdf, shared_content_pdf, slow_page_pdf

from configs.scanner_schema import IntakeSettings
from scanners.budget import BudgetExceeded, ToolTimeout
from scanners.model import Dossier
from scanners.read import read_pages
from sohoa.errors import InputFileError


def _read(path: Path, tmp_path: Path, shape: str = "pdf", **limits: object) -> list:
    out = tmp_path / "pages"
    out.mkdir(exist_ok=True)
    return read_pages(Dossier(path.stem, path, path.name, shape), out, limits=IntakeSettings(**limits))


def test_forms_drawing_forms_are_refused_before_anything_is_drawn(tmp_path: Path) -> None:
    path = billion_laughs_pdf(tmp_path / "laughs.pdf", depth=9, fanout=10)  # 10^9 line drawings
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        _read(path, tmp_path)
    assert time.monotonic() - started < 10
    assert info.value.reason == "budget_exceeded" and info.value.message_vi
    assert not list((tmp_path / "pages").iterdir())


def test_a_form_drawing_itself_is_refused(tmp_path: Path) -> None:
    import pikepdf

    path = billion_laughs_pdf(tmp_path / "loop.pdf", depth=2, fanout=2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        form = pdf.pages[0].obj.Resources.XObject.X
        form.Resources.XObject.X = form  # draws itself, without end
        pdf.save(path)
    with pytest.raises(BudgetExceeded):
        _read(path, tmp_path)


def test_pages_sharing_one_heavy_content_stream_are_charged_each_time_before_any_is_rendered(tmp_path: Path) -> None:
    path = shared_content_pdf(tmp_path / "shared.pdf", pages=4, megabytes=20)  # 80 MB drawn, stored small
    assert path.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        _read(path, tmp_path)
    assert time.monotonic() - started < 20  # refused from the plan: not one page was rendered
    assert not list((tmp_path / "pages").iterdir())
    # the same drawing budget lets a page of a few megabytes of quick instructions through
    alone = shared_content_pdf(tmp_path / "one.pdf", pages=1, megabytes=8, line=b"q 1 0 0 1 0 0 cm Q\n")
    (page,) = _read(alone, tmp_path)
    assert page.extraction == "render"


def test_a_page_poppler_cannot_draw_in_time_is_a_tool_timeout_of_that_file(tmp_path: Path) -> None:
    path = slow_page_pdf(tmp_path / "slow.pdf")
    started = time.monotonic()
    with pytest.raises(ToolTimeout) as info:
        _read(path, tmp_path, render_timeout=2)
    assert time.monotonic() - started < 30
    assert info.value.reason == "tool_timeout" and isinstance(info.value, InputFileError)


def test_a_file_out_of_time_is_over_its_budget(tmp_path: Path) -> None:
    path = slow_page_pdf(tmp_path / "slow.pdf")
    with pytest.raises(BudgetExceeded):
        _read(path, tmp_path, file_timeout=2, render_timeout=120)


def test_too_many_pages_and_too_many_pixels_per_file(tmp_path: Path) -> None:
    page = caption_image((1000, 1000))
    stack = tmp_path / "stack.tif"
    page.save(stack, save_all=True, append_images=[page, page])
    with pytest.raises(BudgetExceeded):
        _read(stack, tmp_path, "tiff", max_pages=2)
    with pytest.raises(BudgetExceeded):
        _read(stack, tmp_path, "tiff", max_file_pixels=2 * 1000 * 1000 + 1)
    assert len(_read(stack, tmp_path, "tiff", max_page_pixels=1_000_000, max_file_pixels=3_000_000)) == 3
    pdf = image_pdf(tmp_path / "big.pdf", caption_image((2000, 1500)), page_pt=(720, 540))
    with pytest.raises(InputFileError) as info:
        _read(pdf, tmp_path, max_page_pixels=1_000_000)
    assert info.value.reason == "image_too_large"
