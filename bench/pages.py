"""Page clean-up figures on a generated set: blank backs, orientation, residual skew, time per page.

Usage:
    nice python bench/pages.py --out /tmp/pageset [--seed 11] [--pages 200]

Builds (or reuses) a page set in ``--out`` with the sample generator: ``--pages`` content pages
with skews drawn uniformly in ±8° (one in ten exactly 0°), a quarter turned 90/180/270, colour,
greyscale, bilevel and 150-dpi pages in turn, and a blank duplex back after about 30 % of them.
Then runs ``ocr.preprocess.preprocess_page`` on every page and prints orientation accuracy,
residual skew (median, p95; overall and for |skew| > 5°), blank-page precision/recall and the
seconds per page of preprocessing (CPU of this process = one core, and wall clock), and, as a
reference on the same pages, Tesseract's own orientation detection (OSD).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from sample_docs.make_samples import FORM_TYPES, blank_back, degrade, random_values, render_decision, render_pages

KINDS = ("colour", "grey", "bilevel", "low_dpi")
"""Degradation kinds, one per document in turn (every page also has noise, blur, JPEG, specks)."""
CAPTURE_KINDS = ("photo", "notag", "seal")
"""Kinds beyond the office scanner (``--kinds``): phone photos (JPEG, 72-dpi tag, half with the
camera's EXIF), low-resolution pages without a dpi tag (PNG), colour scans with a red seal over text."""
_CAPTURE_PROFILE = {"photo": {"p_photo": 1.0}, "notag": {"p_low_res": 1.0}, "seal": {"p_seal": 1.0}}


def _document(rng: random.Random, n: int, kinds: tuple[str, ...]) -> tuple[list[tuple[Image.Image, str]], str, int]:
    kind = kinds[n % len(kinds)]
    dpi = 150 if kind == "low_dpi" else 200
    form = (*FORM_TYPES, "quyet_dinh")[rng.randrange(len(FORM_TYPES) + 1)]
    if form == "quyet_dinh":
        return render_decision(rng, dpi=dpi), kind, dpi
    return render_pages(form, random_values(form, rng), dpi=dpi), kind, dpi


def _save_scan(scan: Image.Image, dest: Path, kind: str, dpi: int, rng: random.Random) -> tuple[Path, str, dict]:
    """Write a page as a scanner (or phone, or exporter) would; returns its path, mode and what intake reads."""
    if kind == "bilevel":
        scan = scan.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1")
        dest = dest.with_suffix(".png")
    elif kind == "notag":
        dest = dest.with_suffix(".png")
        scan.save(dest)  # no pHYs chunk: intake assumes 300 dpi and says the tag is missing
        return dest, scan.mode, {"dpi": 300.0, "dpi_known": False}
    else:
        dest = dest.with_suffix(".jpg")
    if kind == "photo":
        exif = Image.Exif()
        if rng.random() < 0.5:
            exif[271], exif[272] = "Samsung", "SM-A525F"
        scan.save(dest, dpi=(72, 72), quality=85, exif=exif)
        return dest, scan.mode, {"dpi": 72.0, "dpi_known": True}
    scan.save(dest, dpi=(dpi, dpi), quality=80)
    return dest, scan.mode, {"dpi": float(dpi), "dpi_known": True}


def build_set(out: Path, *, seed: int, pages: int, kinds: tuple[str, ...] = KINDS,
              held_out: bool = False) -> list[dict]:
    """Generate (or reuse) ``pages`` content pages plus blank backs; returns the truth entries.

    ``held_out`` draws the capture kinds from the ranges kept out of tuning (:mod:`sample_docs._capture`).
    """
    from sample_docs._degrade import Profile

    truth_path = out / "truth.json"
    wanted = {"seed": seed, "pages": pages, **({"kinds": list(kinds)} if kinds != KINDS else {}),
              **({"held_out": True} if held_out else {})}
    if truth_path.exists():
        meta = json.loads(truth_path.read_text(encoding="utf-8"))
        if {k: meta.get(k) for k in wanted} == wanted and meta.get("kinds", list(KINDS)) == list(kinds):
            return meta["entries"]
    for sub in ("scan", "clean"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    rng, entries, doc = random.Random(seed), [], 0
    while sum(not e["blank"] for e in entries) < pages:
        clean, kind, dpi = _document(rng, doc, kinds)
        doc += 1
        grey = kind == "grey" or (kind != "colour" and rng.random() < 0.5)
        capture = kind in CAPTURE_KINDS
        profile = Profile(**_CAPTURE_PROFILE[kind], held_out=held_out) if capture else None
        for img, text in clean:
            if sum(not e["blank"] for e in entries) >= pages:
                break
            skew = 0.0 if rng.random() < 0.1 else round(rng.uniform(-8, 8), 2)
            rotation = rng.choice((90, 180, 270)) if rng.random() < 0.25 else 0
            if capture:
                scan, rotation, skew = degrade(img, rng, profile=profile, dpi=dpi, rotation=rotation, skew=skew,
                                               grey=False if kind == "seal" else grey)
            else:
                scan, rotation, skew = degrade(img, rng, dpi=dpi, rotation=rotation, skew=skew, grey=grey)
            n = len(entries)
            path, mode, read = _save_scan(scan, out / "scan" / f"{n:04d}", kind, dpi, rng)
            img.save(out / "clean" / f"{n:04d}.png", dpi=(dpi, dpi))
            entries.append({"id": n, "scan": str(path), "clean": str(out / "clean" / f"{n:04d}.png"),
                            **read, "real_dpi": scan.info.get("sohoa_dpi", dpi), "mode": mode, "kind": kind,
                            "blank": False, "rotation": rotation, "skew": skew, "text": text})
            if rng.random() < 0.3 and kind not in ("photo", "notag"):
                n = len(entries)
                path, mode, read = _save_scan(blank_back(img, rng, grey=grey and kind != "seal"),
                                              out / "scan" / f"{n:04d}", kind, dpi, rng)
                entries.append({"id": n, "scan": str(path), "clean": None, **read, "real_dpi": dpi, "mode": mode,
                                "kind": kind, "blank": True, "rotation": 0, "skew": 0.0, "text": ""})
    truth_path.write_text(json.dumps({**wanted, "kinds": list(kinds), "entries": entries}, ensure_ascii=False),
                          encoding="utf-8")
    return entries


def add_kind_arguments(parser: argparse.ArgumentParser) -> None:
    """``--kinds`` and ``--held-out``, shared with ``bench/ocr.py``."""
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"degradation kinds in turn, among {', '.join(KINDS + CAPTURE_KINDS)}"
                             f" (default: the office scanner's {','.join(KINDS)})")
    parser.add_argument("--held-out", action="store_true",
                        help="draw photos and low-resolution pages from the ranges kept out of tuning")


def kinds_of(args: argparse.Namespace) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = set(kinds) - set(KINDS + CAPTURE_KINDS)
    if unknown or not kinds:
        raise SystemExit(f"unknown kinds: {', '.join(sorted(unknown)) or '(none)'}")
    return kinds


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def geometry_report(label: str, entries: list[dict], found: dict[int, dict]) -> list[str]:
    """Orientation, residual skew and blank figures of one method as printed lines."""
    tp = sum(e["blank"] and found[e["id"]]["blank"] for e in entries)
    fp = sum(not e["blank"] and found[e["id"]]["blank"] for e in entries)
    fn = sum(e["blank"] and not found[e["id"]]["blank"] for e in entries)
    content = [e for e in entries if not e["blank"] and not found[e["id"]]["blank"]]
    right = [e for e in content if found[e["id"]]["rotation"] == e["rotation"]]
    turned = f"{sum(1 for e in right if e['rotation'])}/{sum(1 for e in content if e['rotation'])}"
    share = len(right) / max(1, len(content))
    lines = [f"[{label}] orientation correct: {len(right)}/{len(content)} = {share:.4f} (turned pages: {turned})"]
    if all(found[e["id"]].get("skew") is not None for e in right):
        res = [abs(found[e["id"]]["skew"] - e["skew"]) for e in right]
        big = [abs(found[e["id"]]["skew"] - e["skew"]) for e in right if abs(e["skew"]) > 5]
        zero = [found[e["id"]]["skew"] for e in right if e["skew"] == 0]
        lines.append(f"[{label}] residual skew: median {statistics.median(res):.3f} deg, p95 {percentile(res, .95):.3f} deg,"
                     f" max {max(res):.3f} deg (n={len(res)}); |skew|>5: median {statistics.median(big):.3f},"
                     f" p95 {percentile(big, .95):.3f} (n={len(big)}); on 0 deg pages: median found"
                     f" {statistics.median(zero) if zero else float('nan'):+.3f} (n={len(zero)})")
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    lines.append(f"[{label}] blank pages: precision {p:.3f}, recall {r:.3f} (tp {tp}, fp {fp}, fn {fn})")
    return lines


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract, when orientation asks it)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_ours(entries: list[dict], work: Path) -> tuple[dict[int, dict], list[float], list[float]]:
    """Preprocess every page; returns geometry by page id and CPU / wall seconds per page."""
    import cv2

    cv2.setNumThreads(1)  # as ocr.imaging does: one core
    from ocr.preprocess import preprocess_page

    work.mkdir(parents=True, exist_ok=True)
    found, cpu, wall = {}, [], []
    for e in entries:
        c0, w0 = _cpu(), time.perf_counter()
        geo = preprocess_page(Path(e["scan"]), work / f"{e['id']:04d}.png", source_page=1, dpi=e["dpi"],
                              mode=e["mode"], dpi_known=e.get("dpi_known", True))
        cpu.append(_cpu() - c0)
        wall.append(time.perf_counter() - w0)
        found[e["id"]] = {"blank": geo.blank, "rotation": geo.rotation, "skew": geo.skew}
    return found, cpu, wall


_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")


def osd(image: Path) -> int:
    """Tesseract's own orientation detection (``--psm 0``): clockwise degrees to turn the page
    upright, 0 when it finds too little text to say."""
    from sohoa.errors import ToolError
    from sohoa.tools._run import run

    try:
        proc = run(["tesseract", str(image), "stdout", "--psm", "0", "-c", "min_characters_to_try=10"], timeout=60)
    except ToolError:  # "Too few characters": no answer
        return 0
    found = _OSD_ROTATE.search(proc.stdout.decode("utf-8", "replace"))
    return int(found.group(1)) % 360 if found else 0


def run_osd(entries: list[dict]) -> dict[int, dict]:
    """Tesseract's orientation detection on each raw scan (reference; no skew, no blank check)."""
    return {e["id"]: {"blank": e["blank"], "rotation": 0 if e["blank"] else osd(Path(e["scan"])), "skew": None}
            for e in entries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the page set and OCR copies")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pages", type=int, default=200, help="content pages (blank backs come on top)")
    parser.add_argument("--no-osd", action="store_true", help="skip the Tesseract OSD reference")
    add_kind_arguments(parser)
    args = parser.parse_args()
    t0 = time.perf_counter()
    entries = build_set(args.out, seed=args.seed, pages=args.pages, kinds=kinds_of(args), held_out=args.held_out)
    content = [e for e in entries if not e["blank"]]
    kinds = ", ".join(f"{k} {sum(e['kind'] == k for e in content)}" for k in kinds_of(args))
    print(f"# bench/pages.py: seed {args.seed}{' (held-out capture ranges)' if args.held_out else ''},"
          f" {len(content)} content pages + {len(entries) - len(content)} blank backs"
          f" (kinds {kinds};"
          f" turned {sum(bool(e['rotation']) for e in content)}; |skew|>5: {sum(abs(e['skew']) > 5 for e in content)});"
          f" {os.cpu_count()} cores shared with other engineers; set built in {time.perf_counter() - t0:.0f} s")
    found, cpu, wall = run_ours(entries, args.out / "ours-clean")
    for line in geometry_report("sohoa", entries, found):
        print(line)
    print(f"[sohoa] preprocess seconds per page: CPU (incl. Tesseract children) median {statistics.median(cpu):.3f}, p95 {percentile(cpu, .95):.3f},"
          f" mean {statistics.fmean(cpu):.3f}; wall median {statistics.median(wall):.3f}"
          f" (one process, one page at a time; includes writing the OCR copy)")
    if not args.no_osd:
        w0 = time.perf_counter()
        osd = run_osd(entries)
        for line in geometry_report("tesseract OSD (reference)", entries, osd)[:1]:
            print(line)
        print(f"[tesseract OSD (reference)] wall seconds per content page: {(time.perf_counter() - w0) / len(content):.3f}")


if __name__ == "__main__":
    main()
