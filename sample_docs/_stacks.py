"""Stacked scans: several dossiers in one PDF, TIFF or folder, split by QR separator sheets.

What a one-stop-shop clerk feeds through a sheet-fed scanner: for each dossier a separator sheet
printed by ``sohoa separator`` (``scanners.sheets.render_sheet``), the receipt (giấy tiếp nhận)
with the dossier code in a QR code, then the filled form. Every sheet is degraded like an office
scan (skew up to ±5°, some separators upside down, in duplex some fed face down), and the truth
records where each dossier starts and ends. Byte-deterministic for a seed.

Usage::

    python sample_docs/_stacks.py --out DIR [--dossiers 5] [--dpi 200] [--shape pdf|tiff|folder]
        [--seed 11] [--duplex] [--missing 3,7] [--no-receipts]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

if __package__ in (None, ""):  # run as a script: make ``sample_docs`` and ``scanners`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_docs import _render
from sample_docs._degrade import DEMO, OFFICE, Profile, blank_back, degrade
from sample_docs._shapes import WRITERS, inbox_name
from sample_docs._values import FORM_TYPES, random_values
from sample_docs.make_samples import render_pages
from scanners.sheets import qr_modules, render_sheet

#: for the committed stacks: as in DEMO, with less noise, so the files stay small
COMPACT = Profile(max_skew=5.0, p_no_skew=0.1, p_turn=0.0, p_grey=1.0, p_border=0.2, noise=(0.5, 0.8),
                  blur=(0.5, 0.6), jpeg=(60, 70), speckles=(5, 20), p_duplex=0.0, quality=40, lossless=0.0)

UNIT = "000.00.31.H29"
"""An invented unit code in the TT 01/2018 shape (V1V2V3.Z1Z2.Y1Y2.MX1X2)."""


@dataclass(frozen=True)
class StackPlan:
    """How one stack is made."""

    dossiers: int = 5
    dpi: int = 200
    duplex: bool = False
    receipts: bool = True
    missing: tuple[int, ...] = ()
    """1-based dossiers whose separator sheet is left out (they merge into the previous one)."""
    p_upside_down: float = 0.25
    p_face_down: float = 0.2
    """Duplex only: the separator sheet goes through face down (QR code on the second side)."""
    max_skew: float = 5.0
    max_form_pages: int = 2
    p_colour: float = 0.5
    """Chance that a dossier's form pages are scanned in colour (greyscale otherwise)."""
    bilevel: bool = False
    """Black-and-white scan (a TIFF is then written with CCITT G4 compression)."""


def dossier_code(seed: int, n: int) -> str:
    """The invented code of the ``n``-th dossier of a stack (intake date from the seed, sequence n)."""
    day = 1 + seed % 28
    return f"{UNIT}-2401{day:02d}-{n:04d}"


def render_receipt(code: str, dpi: int) -> Image.Image:
    """A short receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) with the code in text and a 25 mm QR code."""
    ctx = _render.Ctx(dpi)
    page = Image.new("L", ctx.size, 255)
    draw = ImageDraw.Draw(page)
    lines = [("bold", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), ("regular", f"Mã hồ sơ: {code}"),
             ("regular", "Bộ phận Một cửa đã tiếp nhận hồ sơ của Ông/Bà theo danh mục dưới đây."),
             ("regular", "Ngày hẹn trả kết quả: trong 03 ngày làm việc.")]
    y = ctx.px(50)
    for face, text in lines:
        draw.text((ctx.px(25), y), text, font=_render.font(face, ctx.pt(13)), fill=0)
        y += ctx.px(9)
    modules = qr_modules(code)
    side = ctx.px(25) // modules.shape[0] * modules.shape[0]
    qr = Image.fromarray(np.where(modules, 0, 255).astype(np.uint8)).resize((side, side), Image.NEAREST)
    page.paste(qr, (ctx.size[0] - ctx.px(20) - side, ctx.px(18)))
    return page


def _scan(img: Image.Image, rng: random.Random, profile: Profile, dpi: int, grey: bool, *,
          rotation: int = 0, max_skew: float = 5.0) -> Image.Image:
    skew = round(rng.uniform(-max_skew, max_skew), 2)
    return degrade(img, rng, profile=profile, dpi=dpi, rotation=rotation, skew=skew, grey=grey)[0]


class _Stack:
    """Pages of a stack as they are appended, and the truth about them."""

    def __init__(self, plan: StackPlan, rng: random.Random, profile: Profile) -> None:
        self.plan, self.rng, self.profile = plan, rng, profile
        self.scans: list[Image.Image] = []

    def sheet(self, front: Image.Image, *, face_down: bool = False, rotation: int = 0,
              grey: bool = True) -> tuple[int, ...]:
        """Append a sheet (its blank back too when duplex); returns its 1-based pages."""
        scan = _scan(front, self.rng, self.profile, self.plan.dpi, grey, rotation=rotation,
                     max_skew=self.plan.max_skew)
        sides = [scan]
        if self.plan.duplex:
            back = blank_back(front, self.rng, profile=self.profile, grey=grey)
            sides = [back, scan] if face_down else [scan, back]
        first = len(self.scans) + 1
        self.scans.extend(sides)
        return tuple(range(first, len(self.scans) + 1))


def build_stack(plan: StackPlan, *, seed: int, profile: Profile = DEMO) -> tuple[list[Image.Image], dict]:
    """The page images of one stack and its truth (codes, pages and separator sides of each dossier)."""
    rng = random.Random(f"stack:{seed}")
    stack = _Stack(plan, rng, profile)
    truth: list[dict] = []
    for n in range(1, plan.dossiers + 1):
        code = dossier_code(seed, n)
        upside = rng.random() < plan.p_upside_down
        face_down = plan.duplex and rng.random() < plan.p_face_down
        entry: dict = {"code": code, "separator": n not in plan.missing, "upside_down": upside,
                       "face_down": face_down, "separator_pages": [], "pages": []}
        if entry["separator"]:
            entry["separator_pages"] = list(stack.sheet(render_sheet(code, dpi=plan.dpi), face_down=face_down,
                                                        rotation=180 if upside else 0))
        if plan.receipts:
            entry["pages"] += stack.sheet(render_receipt(code, plan.dpi))
        form_type = rng.choice(FORM_TYPES)
        entry["form_type"] = form_type
        grey = rng.random() >= plan.p_colour
        for img, _text in render_pages(form_type, random_values(form_type, rng), dpi=plan.dpi)[:plan.max_form_pages]:
            entry["pages"] += stack.sheet(img, grey=grey)
        truth.append(entry)
    return stack.scans, {"dpi": plan.dpi, "duplex": plan.duplex, "dossiers": truth}


def expected_dossiers(truth: dict) -> list[dict]:
    """What a correct split gives: dossiers whose separator is missing merge into the previous one."""
    merged: list[dict] = []
    for entry in truth["dossiers"]:
        if entry["separator"] or not merged:
            merged.append({"code": entry["code"] if entry["separator"] else None,
                           "pages": list(entry["pages"]), "separator_pages": list(entry["separator_pages"]),
                           "codes": [entry["code"]]})
        else:
            merged[-1]["pages"] += entry["pages"]
            merged[-1]["codes"].append(entry["code"])
    return merged


def write_stack(out: Path, name: str, shape: str, plan: StackPlan, *, seed: int,
                profile: Profile = DEMO, quality: int | None = None) -> Path:
    """Write ``out/inbox/<name>`` (a stack) and ``out/truth/<name>.json``; returns the stack's path."""
    scans, truth = build_stack(plan, seed=seed, profile=profile)
    dest = out / "inbox" / inbox_name(name, shape)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if plan.bilevel:
        scans = [s.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for s in scans]
    if plan.bilevel and shape == "tiff":
        scans[0].save(dest, "TIFF", save_all=True, append_images=scans[1:], compression="group4",
                      dpi=(plan.dpi, plan.dpi))
    else:
        WRITERS[shape](scans, dest, plan.dpi, random.Random(seed), quality or profile.quality, 0.0)
    truth = {"source": dest.name, "shape": shape, **truth}
    (out / "truth").mkdir(parents=True, exist_ok=True)
    (out / "truth" / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
    return dest


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", default="stack")
    p.add_argument("--shape", choices=sorted(WRITERS), default="pdf")
    p.add_argument("--dossiers", type=int, default=5)
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--duplex", action="store_true")
    p.add_argument("--no-receipts", action="store_true")
    p.add_argument("--missing", default="", help="comma list of dossiers whose separator is left out")
    p.add_argument("--profile", choices=("demo", "office"), default="demo")
    args = p.parse_args(argv)
    plan = StackPlan(dossiers=args.dossiers, dpi=args.dpi, duplex=args.duplex, receipts=not args.no_receipts,
                     missing=tuple(int(m) for m in args.missing.split(",") if m.strip()))
    path = write_stack(args.out, args.name, args.shape, plan, seed=args.seed,
                       profile=DEMO if args.profile == "demo" else OFFICE)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
