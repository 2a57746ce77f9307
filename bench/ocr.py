"""Text quality and OCR time on a generated page set: sohoa vs the clean ceiling vs OCRmyPDF.

Usage:
    nice python bench/ocr.py --out /tmp/pageset [--seed 11] [--pages 200] [--jobs 1]
        [--engines sohoa,clean,ocrmypdf] [--psm 4]

On the page set of ``bench/pages.py`` (same ``--out``/``--seed``/``--pages``), for every
content page:

* ``sohoa``: ``ocr.preprocess.preprocess_page`` then ``ocr.reread.read_page`` (with its text
  layer and its re-readings of suspicious pages) on the degraded scan, as the pipeline does;
* ``clean``: plain ``tesseract IMAGE stdout -l vie`` on the clean render of the same page (no
  noise, no skew, no turn): the "clean ceiling";
* ``tesseract``: the same plain ``tesseract IMAGE stdout -l vie`` on the degraded scan itself, as a
  user without sohoa would read it;
* ``ocrmypdf``: ``ocrmypdf -l vie --deskew --rotate-pages --output-type pdfa --sidecar`` on the
  degraded scan (``--jobs 1``, ``--image-dpi`` the page's dpi).

It prints CER (edit distance / truth characters, NFC, whitespace collapsed) and the order-free
word error (bag of words: truth words not matched plus extra words, over truth words), overall
and per degradation kind, skew band and turn, and the seconds per page of each engine. Every
page's result is cached under ``OUT/ocr-results/<engine>/`` so an interrupted run resumes; delete
that folder to measure again.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _compare import bag_of_words_errors, char_errors, normalize_text
from pages import add_kind_arguments, build_set, kinds_of, percentile

OCRMYPDF = str(Path(sys.executable).with_name("ocrmypdf"))
LOW_QUALITY = 0.75
"""The pipeline's default ``ocr.low-quality`` (configs/default.yaml)."""


def _cpu() -> float:
    """CPU seconds of this process and of its live Tesseract worker."""
    from sohoa.tools.tesseract import worker_cpu_seconds

    return time.process_time() + worker_cpu_seconds()


def _sohoa(entry: dict, work: Path, psm: int) -> dict:
    from ocr.dossier import original_image
    from ocr.model import PageGeometry
    from ocr.preprocess import preprocess_page
    from ocr.reread import read_page
    from ocr.textlayer import photo_layer, to_displayed

    c0, w0 = _cpu(), time.perf_counter()
    geo: PageGeometry = preprocess_page(Path(entry["scan"]), work / "ocr.png", source_page=1, dpi=entry["dpi"],
                                        mode=entry["mode"], dpi_known=entry.get("dpi_known", True))
    pre_cpu, pre_wall = _cpu() - c0, time.perf_counter() - w0
    found = {"rotation": geo.rotation, "blank": geo.blank, "dpi": geo.dpi, "dpi_source": geo.dpi_source,
             "capture": geo.capture, "geo_flags": list(geo.flags), "pre_cpu": pre_cpu, "pre_wall": pre_wall}
    if geo.blank:
        return {**found, "text": "", "ocr_wall": 0.0, "ocr_cpu": 0.0, "flags": [], "quality": 0.0}
    c0, w0 = _cpu(), time.perf_counter()
    original = original_image(Path(entry["scan"]), geo, work / "ocr.png")
    page = read_page(work / "ocr.png", work / "layer.pdf", original=original,
                     languages="vie", psm=psm, timeout=300, source_page=1, low_quality=LOW_QUALITY,
                     expect_text="blank_uncertain" not in geo.flags)
    if geo.warp:
        photo_layer(page, geo, work / "layer.pdf", work / "layer.pdf")
        page = to_displayed(page, geo)
    return {**found, "text": page.text, "ocr_wall": time.perf_counter() - w0, "ocr_cpu": _cpu() - c0,
            "confidence": page.confidence, "quality": page.quality, "flags": list(page.flags),
            "words": [[w.text, w.confidence, w.line] for w in page.words]}


def _clean(entry: dict, work: Path) -> dict:
    from sohoa.tools._run import run

    w0 = time.perf_counter()
    proc = run(["tesseract", entry["clean"], "stdout", "-l", "vie"], timeout=300)
    return {"text": proc.stdout.decode("utf-8"), "ocr_wall": time.perf_counter() - w0}


def _tesseract(entry: dict, work: Path) -> dict:
    """Bare ``tesseract -l vie`` on the degraded scan itself, as a user without sohoa would run it."""
    from sohoa.tools._run import run

    w0 = time.perf_counter()
    proc = run(["tesseract", entry["scan"], "stdout", "-l", "vie"], timeout=300)
    return {"text": proc.stdout.decode("utf-8"), "ocr_wall": time.perf_counter() - w0}


def _ocrmypdf(entry: dict, work: Path) -> dict:
    import pikepdf

    from sohoa.tools._run import run

    out, side = work / "out.pdf", work / "side.txt"
    w0 = time.perf_counter()
    run([OCRMYPDF, "-q", "-l", "vie", "--deskew", "--rotate-pages", "--output-type", "pdfa", "--jobs", "1",
         "--image-dpi", str(entry["dpi"]), "--sidecar", str(side), entry["scan"], str(out)], timeout=600)
    wall = time.perf_counter() - w0
    with pikepdf.open(out) as pdf:
        rotation = int(pdf.pages[0].obj.get("/Rotate", 0)) % 360
    return {"text": side.read_text(encoding="utf-8"), "ocr_wall": wall, "rotation": rotation}


def _one(engine: str, entry: dict, dest: Path, psm: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        if engine.startswith("sohoa"):
            result = _sohoa(entry, Path(tmp), psm)
        elif engine == "clean":
            result = _clean(entry, Path(tmp))
        elif engine == "tesseract":
            result = _tesseract(entry, Path(tmp))
        else:
            result = _ocrmypdf(entry, Path(tmp))
    dest.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def run_engines(entries: list[dict], results: Path, engines: list[str], *, psm: int, jobs: int,
                ocrmypdf_pages: int) -> None:
    """Compute every missing (engine, page) result, ``jobs`` at a time."""
    todo = []
    for engine in engines:
        (results / engine).mkdir(parents=True, exist_ok=True)
        pages = entries[:ocrmypdf_pages] if engine.startswith("ocrmypdf") and ocrmypdf_pages else entries
        todo += [(engine, e, results / engine / f"{e['id']:04d}.json", psm) for e in pages
                 if not (results / engine / f"{e['id']:04d}.json").exists()]
    # Page by page, every engine in turn: the machine's load drifts, and this keeps the
    # engines' timings of a page close together.
    todo.sort(key=lambda job: job[1]["id"])
    # Fresh worker processes: a forked child of a parent that already ran OpenCV's thread pool
    # (the page generator) hangs for ever in cv2.setNumThreads.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in [pool.submit(_one, *job) for job in todo]:
            future.result()


def _groups(entry: dict) -> list[str]:
    skew = abs(entry["skew"])
    band = "|skew|<2" if skew < 2 else "|skew| 2-5" if skew <= 5 else "|skew| 5-8"
    return ["all", f"kind={entry['kind']}", band, "turned" if entry["rotation"] else "upright"]


def score(entries: list[dict], results: Path, engine: str) -> dict[str, list[int]]:
    """Per group: [char errors, truth chars, word errors, truth words, pages]."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for e in entries:
        got = json.loads((results / engine / f"{e['id']:04d}.json").read_text(encoding="utf-8"))
        ce, cn = char_errors(got["text"], e["text"])
        we, wn = bag_of_words_errors(got["text"], e["text"])
        for g in _groups(e):
            for i, v in enumerate((ce, cn, we, wn, 1)):
                sums[g][i] += v
    return sums


def _times(entries: list[dict], results: Path, engine: str, key: str) -> list[float]:
    rows = [json.loads((results / engine / f"{e['id']:04d}.json").read_text(encoding="utf-8")) for e in entries]
    return [r[key] for r in rows if key in r]


def syllable_flags(entries: list[dict], results: Path, engine: str) -> str:
    """How well ``ocr.syllables.suspicious`` singles out wrong words (flag only, nothing rewritten)."""
    from collections import Counter

    from ocr.syllables import suspicious

    wrong = flagged = hit = 0
    for e in entries:
        got = json.loads((results / engine / f"{e['id']:04d}.json").read_text(encoding="utf-8"))
        hyp = Counter(normalize_text(" ".join(w[0] for w in got.get("words", []))).split())
        bad = hyp - Counter(normalize_text(e["text"]).split())
        wrong += sum(bad.values())
        for word, n in hyp.items():
            if suspicious(word):
                flagged += n
                hit += min(n, bad.get(word, 0))
    return (f"[{engine}] syllable check: {hit}/{wrong} wrong words flagged (recall {hit / max(1, wrong):.3f}),"
            f" {hit}/{flagged} flagged words wrong (precision {hit / max(1, flagged):.3f})")


def _print_table(entries: list[dict], results: Path, engines: list[str]) -> None:
    table = {engine: score(entries, results, engine) for engine in engines}
    groups = sorted(next(iter(table.values())), key=lambda g: (g != "all", g))
    width = {e: max(16, len(e) + 6) for e in engines}
    print(f"{'group':<16}{'pages':>6} " + " ".join(f"{e + ' CER':>{width[e]}}{e + ' WER':>{width[e]}}" for e in engines))
    for g in groups:
        cells = []
        for e in engines:
            ce, cn, we, wn, _ = table[e][g]
            cells.append(f"{ce / cn:>{width[e]}.4f}{we / wn:>{width[e]}.4f}")
        print(f"{g:<16}{table[engines[0]][g][4]:>6} " + " ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1, help="pages processed at once (each engine single-threaded)")
    parser.add_argument("--engines", default="sohoa,clean,ocrmypdf")
    parser.add_argument("--psm", type=int, default=4, help="page segmentation mode of the sohoa engine")
    parser.add_argument("--limit", type=int, default=0, help="only the first N content pages (0 = all)")
    parser.add_argument("--ocrmypdf-pages", type=int, default=60,
                        help="OCRmyPDF only on the first N content pages (it is ~5x slower); 0 = all")
    add_kind_arguments(parser)
    args = parser.parse_args()
    entries = [e for e in build_set(args.out, seed=args.seed, pages=args.pages, kinds=kinds_of(args),
                                    held_out=args.held_out) if not e["blank"]]
    if args.limit:
        entries = entries[: args.limit]
    engines = [("sohoa" if e == "sohoa" and args.psm == 4 else f"sohoa-psm{args.psm}" if e == "sohoa" else e)
               for e in args.engines.split(",")]
    t0 = time.perf_counter()
    run_engines(entries, args.out / "ocr-results", engines, psm=args.psm, jobs=args.jobs,
                ocrmypdf_pages=args.ocrmypdf_pages)
    print(f"# bench/ocr.py: seed {args.seed}{' (held-out capture ranges)' if args.held_out else ''},"
          f" kinds {args.kinds}, {len(entries)} content pages, engines {', '.join(engines)};"
          f" {args.jobs} page(s) at a time; {os.cpu_count()} cores shared with other engineers;"
          f" missing results computed in {time.perf_counter() - t0:.0f} s")
    full = [e for e in engines if not e.startswith("ocrmypdf")]
    if full:
        print(f"## all {len(entries)} content pages")
        _print_table(entries, args.out / "ocr-results", full)
    ocrmypdf = next((e for e in engines if e.startswith("ocrmypdf")), None)
    if ocrmypdf:
        subset = entries[:args.ocrmypdf_pages] if args.ocrmypdf_pages else entries
        print(f"## the first {len(subset)} content pages, every engine (OCRmyPDF included)")
        _print_table(subset, args.out / "ocr-results", engines)
    print("(CER: edit distance over truth characters; WER: order-free word error, bag of words)")
    for e in engines:
        if e.startswith("sohoa"):
            print(syllable_flags(entries, args.out / "ocr-results", e))
    for e in engines:
        pages = entries[:args.ocrmypdf_pages] if e.startswith("ocrmypdf") and args.ocrmypdf_pages else entries
        for key, what in (("pre_cpu", "preprocess CPU"), ("pre_wall", "preprocess wall"), ("ocr_wall", "OCR wall")):
            vals = _times(pages, args.out / "ocr-results", e, key)
            if vals:
                print(f"[{e}] {what} seconds per page ({len(vals)} pages): median {statistics.median(vals):.3f},"
                      f" p95 {percentile(vals, .95):.3f}, mean {statistics.fmean(vals):.3f}")
    ours = next((e for e in engines if e.startswith("sohoa")), None)
    if ours and ocrmypdf:
        _versus_ocrmypdf(entries[:args.ocrmypdf_pages] if args.ocrmypdf_pages else entries,
                         args.out / "ocr-results", ours, ocrmypdf)


def _versus_ocrmypdf(entries: list[dict], results: Path, ours: str, theirs: str) -> None:
    print(f"(the figures below are on the first {len(entries)} content pages)")
    mine = [a + b for a, b in zip(_times(entries, results, ours, "pre_wall"), _times(entries, results, ours, "ocr_wall"),
                                  strict=True)]
    other = _times(entries, results, theirs, "ocr_wall")
    ratios = [a / b for a, b in zip(mine, other, strict=True)]
    print(f"time {ours} (preprocess + OCR wall) / {theirs} wall: ratio of medians"
          f" {statistics.median(mine) / statistics.median(other):.2f}, median of per-page ratios {statistics.median(ratios):.2f}")
    right = sum(json.loads((results / theirs / f"{e['id']:04d}.json").read_text())["rotation"] == e["rotation"]
                for e in entries)
    print(f"[{theirs}] orientation correct (--rotate-pages): {right}/{len(entries)} = {right / len(entries):.4f}")


if __name__ == "__main__":
    main()
