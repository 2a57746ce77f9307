"""End-to-end throughput of `sohoa run` against OCRmyPDF and bare Tesseract, on the same pages.

Usage:
    nice python bench/throughput.py [--dossiers 110] [--seed 5] [--workers 2] [--rss-pages 100,1000] [--out DIR]

In one run, on one generated batch (fixed seed, office-scan degradation, about 1.4 pages per
dossier; at least 150 pages by default), it prints:
  - the pipeline's pages/second end to end (preprocess, OCR, fields, PDF/A, signing, packaging)
    with --workers N and the local scheduler;
  - OCRmyPDF's pages/second doing only deskew + rotate + OCR + PDF/A (`--jobs N`), run once per
    dossier file as a user would (folders of page images are first joined into one PDF with img2pdf);
  - bare Tesseract (`tesseract PAGE stdout -l vie`, OMP_THREAD_LIMIT=1) on every stored page image,
    summed and divided by N: the limit the pipeline can approach;
  - the ratios; peak resident memory of the whole process tree for batches of each --rss-pages
    size; and the time to re-run the finished batch (nothing to do).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _proc import measure  # noqa: E402

BIN = Path(sys.executable).parent
ENV_1T = {"OMP_THREAD_LIMIT": "1"}


def _generate(out: Path, *, dossiers: int, seed: int) -> Path:
    """The batch for ``dossiers`` and ``seed`` under ``out``; a complete earlier one (``--out``) is reused."""
    from sample_docs.make_samples import generate

    marker, wanted = out / "generated.json", {"seed": seed, "dossiers": dossiers}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return out / "inbox"
    per_form = max(1, round(dossiers / 12))
    generate(out, seed=seed, per_form=per_form, free_text=max(0, dossiers - per_form * 12))
    marker.write_text(json.dumps(wanted))
    return out / "inbox"


def _sohoa_run(inbox: Path, archive: Path, workers: int):  # noqa: ANN202 - Measured
    return measure([str(BIN / "sohoa"), "run", "--create", "--inbox", str(inbox), "--archive", str(archive),
                    "--workers", str(workers)])


def _pages(archive: Path) -> int:
    from pipeline.report import load_records

    return sum(len(r["pages"]) for r in load_records(archive))


def _as_pdf(entry: Path, scratch: Path) -> Path:
    """The dossier as one file OCRmyPDF takes: PDFs as they are, images joined with img2pdf."""
    if entry.suffix.lower() == ".pdf":
        return entry
    import img2pdf

    images = sorted(entry.iterdir()) if entry.is_dir() else [entry]
    target = scratch / f"{entry.stem}.pdf"
    target.write_bytes(img2pdf.convert([str(p) for p in images]))
    return target


def _ocrmypdf(inbox: Path, scratch: Path, workers: int) -> float:
    total = 0.0
    for entry in sorted(inbox.iterdir()):
        src = _as_pdf(entry, scratch)
        start = time.perf_counter()
        subprocess.run([str(BIN / "ocrmypdf"), "-l", "vie", "--deskew", "--rotate-pages", "--output-type", "pdfa",
                        "--jobs", str(workers), "--quiet", str(src), str(scratch / f"{entry.stem}.ocr.pdf")],
                       check=False, env={**os.environ, **ENV_1T}, capture_output=True)
        total += time.perf_counter() - start
    return total


def _bare_tesseract(work: Path) -> tuple[float, float, int]:
    """(wall seconds summed, CPU seconds summed, pages) of plain Tesseract on every stored page."""
    times, before = [], os.times()
    for page in sorted(work.glob("*/pages/page-*")):
        start = time.perf_counter()
        subprocess.run(["tesseract", str(page), "stdout", "-l", "vie"], capture_output=True, check=False,
                       env={**os.environ, **ENV_1T})
        times.append(time.perf_counter() - start)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return sum(times), cpu, len(times)


def _stage_seconds(archive: Path) -> dict[str, tuple[float, float]]:
    """Per stage, (wall, CPU of the Python process) summed over dossiers, from the run's JSON log."""
    sums: dict[str, list[float]] = {}
    for log in archive.glob("logs/run-*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if "wall_s" in entry:
                acc = sums.setdefault(entry["stage"], [0.0, 0.0])
                acc[0] += entry["wall_s"]
                acc[1] += entry["cpu_s"]
    return {stage: (wall, cpu) for stage, (wall, cpu) in sums.items()}


def _fresh(archive: Path) -> Path:
    """``archive`` emptied (packages are sealed read-only, so made writable first)."""
    if archive.exists():
        for path in [archive, *archive.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(archive)
    return archive


def _rss_for(pages: int, seed: int, workers: int, base: Path):  # noqa: ANN202 - _proc.Measured
    inbox = _generate(base / f"rss-{pages}", dossiers=max(1, round(pages / 1.4)), seed=seed + pages)
    return _sohoa_run(inbox, _fresh(base / f"rss-{pages}-archive"), workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=110)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rss-pages", default="100,1000", help="batch sizes (pages) for the memory figures; '' skips")
    parser.add_argument("--skip-ocrmypdf", action="store_true")
    parser.add_argument("--only-rss", action="store_true", help="measure only the peak-memory figures")
    parser.add_argument("--out", type=Path, help="keep the generated data here (default: a temporary folder)")
    args = parser.parse_args()
    base = args.out or Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    os.environ.setdefault("SOHOA_DEMO_PKI", str(base / "demo-pki"))
    print(f"# bench/throughput.py  seed={args.seed} dossiers={args.dossiers} workers={args.workers} "
          f"cores={os.cpu_count()} (the machine may be shared: compare ratios, not absolute times)")
    if not args.only_rss:
        _throughput(args, base)
    sizes = [int(s) for s in args.rss_pages.split(",") if s.strip()]
    runs = {n: _rss_for(n, args.seed, args.workers, base) for n in sizes}
    for n, run in runs.items():
        print(f"peak RSS, batch of ~{n} pages: {run.peak_rss_mib:.0f} MiB (whole process tree, sampled every "
              f"0.2 s; 95th percentile of the samples {run.p95_rss_mib:.0f} MiB; the sohoa run process alone "
              f"{run.main_peak_rss_mib:.0f} MiB; {run.seconds:.0f} s)")
    if len(runs) >= 2:
        small, large = runs[min(runs)], runs[max(runs)]
        print(f"peak RSS ratio {max(runs)}/{min(runs)} pages: {large.peak_rss_mib / small.peak_rss_mib:.2f} "
              f"(bar <= 1.10, and < 1024 MiB); 95th percentiles {large.p95_rss_mib / small.p95_rss_mib:.2f}; "
              f"run process alone {large.main_peak_rss_mib / small.main_peak_rss_mib:.2f}")
    if not args.out:
        shutil.rmtree(base, ignore_errors=True)


def _throughput(args: argparse.Namespace, base: Path) -> None:
    inbox = _generate(base / "set", dossiers=args.dossiers, seed=args.seed)
    archive = _fresh(base / "archive")
    run = _sohoa_run(inbox, archive, args.workers)
    pages = _pages(archive)
    print(f"pipeline: {pages} pages in {run.seconds:.1f} s = {pages / run.seconds:.3f} pages/s "
          f"(exit {run.returncode}, peak RSS {run.peak_rss_mib:.0f} MiB, CPU {run.cpu_seconds:.1f} s)")
    stages = _stage_seconds(archive)
    print("  stage wall s/page (summed over dossiers; OCR is Tesseract's time): "
          + ", ".join(f"{stage} {wall / pages:.3f}" for stage, (wall, _) in stages.items()))
    bare, bare_cpu, bare_pages = _bare_tesseract(archive / ".work")
    limit = bare / args.workers
    print(f"bare tesseract: {bare_pages} pages, {bare:.1f} s summed, {bare / bare_pages:.2f} s/page, "
          f"CPU {bare_cpu:.1f} s; limit with {args.workers} workers {limit:.1f} s")
    print(f"pipeline wall / bare-tesseract limit: {run.seconds / limit:.2f} (bar <= 1.15)")
    print(f"pipeline CPU / bare-tesseract CPU: {run.cpu_seconds / bare_cpu:.2f} (the same comparison, "
          f"insensitive to other load on the machine)")
    if not args.skip_ocrmypdf:
        scratch = base / "ocrmypdf"
        scratch.mkdir(exist_ok=True)
        ocr_seconds = _ocrmypdf(inbox, scratch, args.workers)
        print(f"ocrmypdf (--jobs {args.workers}, per dossier file): {ocr_seconds:.1f} s = "
              f"{pages / ocr_seconds:.3f} pages/s, {ocr_seconds / pages:.2f} s/page")
        print(f"pipeline pages/s / ocrmypdf pages/s: {ocr_seconds / run.seconds:.2f} (bar >= 2)")
    rerun = [_sohoa_run(inbox, archive, args.workers).seconds for _ in range(3)]
    print(f"re-run of the finished batch ({args.dossiers} dossiers): median {statistics.median(rerun):.2f} s "
          f"of {', '.join(f'{s:.2f}' for s in rerun)} (bar < 5 s)")


if __name__ == "__main__":
    main()
