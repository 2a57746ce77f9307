"""A volume check: several hundred generated pages of the widest variation through `sohoa run`.

Usage:
    nice python bench/volume.py [--out /tmp/bench-volume] [--seed 31] [--per-form 16] [--workers 2]
        [--profile wide|wide-held-out]

One batch from the sample generator (``sample_docs/make_samples.py``) with the ``wide`` profile:
office scans (±8° skew, quarter turns, duplex backs, borders, dust, greyscale), and mixed in
phone photos (perspective, shadows), low-resolution exports, red seals over the text and bilevel
pages; all three inbox shapes (multi-page TIFF, folder of images, image PDF) and every form the
generator knows. ``--profile wide-held-out`` draws photos and low-resolution pages from the ranges
kept out of tuning. The batch goes through one real ``sohoa run``; then, against the generator's
truth, it prints:

* dossiers archived, quarantined (with reasons) and failed;
* text pages dropped as blank backs, and blank backs kept;
* pages with ink but no text, with and without a flag;
* pages whose text is much shorter than the truth (under half its characters), with and without
  a flag (``page_without_text``, ``low_text_quality``);
* pages turned wrong, CER and order-free word error over all text pages;
* how long it took and the machine's load.

A failure one batch in 256 shows up here before users see it. The batch is reused when ``--out``
already holds it (same seed, size and profile); the archive is made afresh each time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _compare import bag_of_words_errors, char_errors, normalize_text
from _proc import measure

SHORT = 0.5
"""A page whose text holds under this share of the truth's characters is "much shorter"."""
FLAGS = {"page_without_text", "low_text_quality", "blank_uncertain"}


def generate(out: Path, *, seed: int, per_form: int, profile: str) -> None:
    """The batch under ``out`` (kept when an earlier run made the same one)."""
    from sample_docs.make_samples import generate as make

    marker, wanted = out / "generated.json", {"seed": seed, "per_form": per_form, "profile": profile}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    for sub in ("inbox", "truth"):
        shutil.rmtree(out / sub, ignore_errors=True)
    make(out, seed=seed, per_form=per_form, free_text=max(1, per_form // 2), profile=profile)
    marker.write_text(json.dumps(wanted))


def _fresh(archive: Path) -> None:
    if archive.exists():
        for path in [archive, *archive.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(archive)


def _outcomes(archive: Path) -> tuple[dict[str, dict], Counter, list[str]]:
    """Records by source, quarantine reasons, and sources that failed."""
    records = {}
    for path in (archive / "records").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        records[record["source"].rstrip("/")] = record
    quarantined = Counter()
    for reason in (archive / "quarantine").glob("*/reason.json"):
        quarantined[json.loads(reason.read_text(encoding="utf-8")).get("reason", "?")] += 1
    notes = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / ".work").glob("*/failure.json")]
    failed = [f"{note.get('stage', '?')}: {note.get('reason', '?')}" for note in notes]
    return records, quarantined, failed


def tally(truth_dir: Path, records: dict[str, dict]) -> Counter:
    """The page counts against the truth."""
    t: Counter = Counter()
    for path in sorted(truth_dir.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        t["dossiers"] += 1
        record = records.get(truth["source"].rstrip("/"))
        if record is None:
            continue
        mine = {p["source_page"]: p for p in record["pages"]}
        for page in truth["pages"]:
            got = mine.get(page["source_page"])
            if got is None:
                t["pages missing from the record"] += 1
                continue
            t["pages"] += 1
            if page["blank"]:
                t["blank backs"] += 1
                t["blank backs kept (not dropped)"] += not got["blank"]
                continue
            t["text pages"] += 1
            flagged = bool(FLAGS & set(got.get("flags", [])) or got.get("ocr_error"))
            if got["blank"]:
                t["text pages dropped as blank"] += 1
                continue
            t["turned wrong"] += got["rotation"] != page["rotation"]
            text, want = normalize_text(got["text"]), normalize_text(page["text"])
            if not text:
                t["ink but no text: flagged" if flagged else "ink but no text: NOT flagged"] += 1
            elif len(text) < SHORT * len(want):
                t["much shorter than truth: flagged" if flagged else "much shorter than truth: NOT flagged"] += 1
            t["flagged pages"] += flagged
            ce, cn = char_errors(got["text"], page["text"])
            we, wn = bag_of_words_errors(got["text"], page["text"])
            t["char errors"] += ce
            t["chars"] += cn
            t["word errors"] += we
            t["words"] += wn
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-volume"))
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--per-form", type=int, default=16, help="dossiers per form type and inbox shape")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", choices=("wide", "wide-held-out"), default="wide")
    args = parser.parse_args()
    out = args.out.resolve()
    t0 = time.perf_counter()
    generate(out, seed=args.seed, per_form=args.per_form, profile=args.profile)
    built = time.perf_counter() - t0
    archive = out / "archive"
    _fresh(archive)
    load = os.getloadavg()
    run = measure([str(Path(sys.executable).with_name("sohoa")), "run", "--create", "--inbox", str(out / "inbox"),
                   "--archive", str(archive), "--workers", str(args.workers)])
    records, quarantined, failed = _outcomes(archive)
    t = tally(out / "truth", records)
    print(f"# bench/volume.py --seed {args.seed} --per-form {args.per_form} --profile {args.profile}"
          f" --workers {args.workers}: {t['dossiers']} dossiers, {t['pages']} pages ({t['text pages']} with text,"
          f" {t['blank backs']} blank backs); batch built in {built:.0f} s; {os.cpu_count()} cores, load average"
          f" {load[0]:.1f} at start (shared machine)")
    print(f"sohoa run: exit {run.returncode}, {run.seconds:.0f} s wall, {run.cpu_seconds:.0f} s CPU,"
          f" {t['pages'] / run.seconds:.2f} pages/s, peak memory {run.peak_rss_mib:.0f} MiB")
    print(f"dossiers: archived {len(records)}/{t['dossiers']}, quarantined {sum(quarantined.values())}"
          f" {dict(quarantined) or ''}, failed {len(failed)} {dict(Counter(failed)) or ''}")
    for key in ("text pages dropped as blank", "blank backs kept (not dropped)", "ink but no text: NOT flagged",
                "ink but no text: flagged", "much shorter than truth: NOT flagged",
                "much shorter than truth: flagged", "turned wrong", "flagged pages", "pages missing from the record"):
        print(f"{key}: {t[key]}")
    if t["chars"]:
        print(f"CER {t['char errors'] / t['chars']:.4f}, order-free word error {t['word errors'] / t['words']:.4f}"
              f" over {t['text pages']} text pages ({t['chars']} characters)")
    print(f"(much shorter: under {SHORT:.0%} of the truth's characters; flags counted: {', '.join(sorted(FLAGS))},"
          " or an OCR error)")


if __name__ == "__main__":
    main()
