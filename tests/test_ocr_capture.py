"""The generator's captures beyond the office scanner (phone photos, low resolution, seals, bilevel),
and the variation kept out of tuning."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import render_text_page

from sample_docs._degrade import OFFICE, PROFILES, WIDE, WIDE_HELD_OUT, Profile, degrade


@pytest.fixture(scope="module")
def clean_page():
    return render_text_page(dpi=100, color=False)


@pytest.mark.parametrize(("kind", "profile"), [("photo", Profile(p_photo=1.0)), ("low_res", Profile(p_low_res=1.0)),
                                               ("seal", Profile(p_seal=1.0)), ("bilevel", Profile(p_bilevel=1.0))])
def test_each_capture_says_what_it_is_and_its_real_resolution(clean_page, kind: str, profile: Profile) -> None:
    scan, rotation, skew = degrade(clean_page, random.Random(3), profile=profile, dpi=100, rotation=0, grey=False)
    assert scan.info["sohoa_capture"] == kind
    real = scan.info["sohoa_dpi"]
    if kind == "photo":
        assert skew == 0.0 and max(scan.size) >= 1800 and 100 < real < 300  # the sheet's text in the frame
        frame = np.asarray(scan.convert("L"))
        assert np.median(frame[:20, :20]) < 180  # the desk shows at the corner
    elif kind == "low_res":
        assert 60 <= real <= 110 and scan.width == pytest.approx(clean_page.width * real / 100, abs=2)
    elif kind == "seal":
        rgb = np.asarray(scan.convert("RGB")).astype(int)
        assert ((rgb[..., 0] - rgb[..., 1:].max(axis=2)) > 50).sum() > 500  # red ink
    else:
        assert set(np.unique(np.asarray(scan))) <= {0, 255}


def test_held_out_ranges_lie_outside_the_tuned_ones(clean_page) -> None:
    tuned = [degrade(clean_page, random.Random(s), profile=Profile(p_low_res=1.0), dpi=100, rotation=0)[0]
             .info["sohoa_dpi"] for s in range(6)]
    held = [degrade(clean_page, random.Random(s), profile=Profile(p_low_res=1.0, held_out=True), dpi=100,
                    rotation=0)[0].info["sohoa_dpi"] for s in range(6)]
    assert min(tuned) >= 60 and max(held) <= 60


def test_the_wide_profiles_mix_captures_and_office_scans_stay_as_they_were(clean_page) -> None:
    assert PROFILES["wide"] is WIDE and PROFILES["wide-held-out"] is WIDE_HELD_OUT and WIDE_HELD_OUT.held_out
    kinds = {degrade(clean_page, random.Random(s), profile=WIDE, dpi=100)[0].info["sohoa_capture"] for s in range(40)}
    assert {"scan", "photo", "seal"} <= kinds
    assert not OFFICE.captures  # an office profile draws nothing more: its seeds give the pages they gave
    first = degrade(clean_page, random.Random(9), profile=OFFICE, dpi=100)
    again = degrade(clean_page, random.Random(9), profile=Profile(), dpi=100)
    assert first[0].tobytes() == again[0].tobytes() and first[0].info["sohoa_capture"] == "scan"
