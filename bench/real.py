"""sohoa against bare Tesseract on a folder of real documents (PDF, TIFF, JPEG, PNG).

Usage:
    nice python bench/real.py --docs DIR [--out /tmp/bench-real] [--workers 1] [--config FILE]

Every document of ``DIR`` is copied into an inbox of its own folder under ``--out`` and the whole
inbox goes through ``sohoa run`` (the real pipeline: intake, preprocessing, OCR, fields, PDF/A,
signature with the demo chain, package). Then bare ``tesseract IMAGE stdout -l vie`` reads the very
page images sohoa's intake extracted (the work folder's ``pages/``, at the scan's own resolution),
one process per page with one OpenMP thread, as a user without sohoa would.

Printed per document and pooled:

* words read by sohoa and by Tesseract (tokens holding a letter or a digit; blank backs count as
  sohoa reads them: nothing) and their ratio;
* where ``<name>.truth.txt`` sits beside the document: CER and order-free word error (bag of words)
  of both against it;
* the share of lettered tokens that are valid Vietnamese syllables (``ocr.syllables``), both;
* the page flags of sohoa's export record, blank backs, rotations, and quarantine reasons;
* time: the wall seconds of sohoa's stages for the dossier (from the run log; with ``--workers 1``
  one dossier runs at a time, its OCR worker included) and the CPU seconds of bare Tesseract.

The first document of each scan is compared with ``bench/real_elements.json`` (its NĐ 30/2020
type, ký hiệu, signer and subject, typed by eye from the real scans of ``shared/real-scans``).

Then the pages on which Tesseract reads at least 20 words and sohoa's text holds under 70 % of
them (bag-of-words overlap) are listed, with or without a flag: the bar of issue #16 is that none
of them lacks a flag. Results of Tesseract are cached by image digest under ``--out``; sohoa runs
afresh every time (the archive under ``--out`` is replaced).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _compare import bag_of_words_errors, char_errors, normalize_text

SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}
SOHOA = str(Path(sys.executable).with_name("sohoa"))
_WORD = re.compile(r"\w")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LOG_DOSSIER = re.compile(r"^(\w+): (hs-\w+) done$")


def words(text: str) -> list[str]:
    """Tokens holding a letter or a digit (punctuation alone is not a word)."""
    return [t for t in normalize_text(text).split() if _WORD.search(t)]


def syllable_counts(text: str) -> tuple[int, int]:
    """(valid Vietnamese syllables, lettered tokens) of ``text``; digits and mixed tokens are not judged."""
    from ocr.syllables import is_syllable

    valid = total = 0
    for token in words(text):
        core = _EDGE.sub("", token)
        if not core or not core.isalpha():
            continue
        total += 1
        valid += is_syllable(core)
    return valid, total


def overlap(mine: str, reference: str) -> float:
    """Share of ``reference``'s words that ``mine`` holds too (bag of words, case kept)."""
    ref, got = Counter(words(reference)), Counter(words(mine))
    return sum((ref & got).values()) / max(1, sum(ref.values()))


@dataclass
class Doc:
    """One document's figures."""

    name: str
    pages: int = 0
    sohoa_text: list[str] = field(default_factory=list)
    tess_text: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sohoa_wall: float = 0.0
    tess_cpu: float = 0.0
    truth: str | None = None
    quarantined: str = ""
    document: dict = field(default_factory=dict)


def _clear(path: Path) -> None:
    """Remove a folder the pipeline sealed read-only."""
    if path.exists():
        for root, dirs, _files in os.walk(path):
            for d in dirs:
                os.chmod(Path(root) / d, 0o755)
        os.chmod(path, 0o755)
        shutil.rmtree(path)


def run_sohoa(docs: list[Path], out: Path, *, workers: int, config: Path | None) -> tuple[float, float, int]:
    """One ``sohoa run`` over an inbox of ``docs``; returns (wall s, CPU s of the run and its children, exit code)."""
    from sohoa.errors import ToolError
    from sohoa.tools._run import run

    inbox, archive = out / "inbox", out / "archive"
    _clear(inbox)
    _clear(archive)
    inbox.mkdir(parents=True)
    for doc in docs:
        shutil.copy2(doc, inbox / doc.name)
    argv = [SOHOA, "run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", str(workers)]
    if config:
        argv += ["--config", str(config)]
    before, wall = os.times(), time.perf_counter()
    code = 0
    try:
        run(argv, timeout=24 * 3600)
    except ToolError as exc:  # exit 3: some dossiers quarantined or failed; read back below
        code = exc.returncode or 1
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    return time.perf_counter() - wall, cpu, code


def stage_seconds(archive: Path) -> dict[str, float]:
    """Dossier id → wall seconds of its stages, from the run's JSON-lines log.

    Wall, not CPU: the stage's own CPU leaves out its Tesseract worker, a process of its own.
    """
    seconds: dict[str, float] = Counter()
    for log in archive.glob("logs/run-*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            found = _LOG_DOSSIER.match(entry.get("message", ""))
            if found and "wall_s" in entry:
                seconds[found.group(2)] += entry["wall_s"]
    return seconds


def tesseract_page(image: Path, cache: Path) -> tuple[str, float]:
    """Bare ``tesseract IMAGE stdout -l vie`` on one page: (text, CPU seconds); cached by image digest."""
    from sohoa.tools._run import run

    digest = hashlib.sha256(image.read_bytes()).hexdigest()[:24]
    hit = cache / f"{digest}.json"
    if hit.exists():
        data = json.loads(hit.read_text(encoding="utf-8"))
        return data["text"], data["cpu"]
    before = os.times()
    proc = run(["tesseract", str(image), "stdout", "-l", "vie"], timeout=600)
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    text = unicodedata.normalize("NFC", proc.stdout.decode("utf-8"))
    cache.mkdir(parents=True, exist_ok=True)
    hit.write_text(json.dumps({"text": text, "cpu": cpu}, ensure_ascii=False), encoding="utf-8")
    return text, cpu


def collect(docs: list[Path], out: Path) -> list[Doc]:
    """Read back sohoa's records and run Tesseract on the same page images."""
    archive, work = out / "archive", out / "archive" / ".work"
    records = {}
    for path in (archive / "records").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        records[record["source"]] = record
    quarantine = {}
    for reason in (archive / "quarantine").glob("*/reason.json"):
        data = json.loads(reason.read_text(encoding="utf-8"))
        quarantine[data.get("source") or data.get("relative") or reason.parent.name] = data.get("reason", "?")
    walls = stage_seconds(archive)
    result = []
    for doc in docs:
        truth = doc.with_name(f"{doc.stem}.truth.txt")
        item = Doc(doc.name, truth=truth.read_text(encoding="utf-8") if truth.exists() else None)
        record = records.get(doc.name)
        if record is None:
            item.quarantined = next((r for k, r in quarantine.items() if doc.name in str(k)), "not archived")
            result.append(item)
            continue
        item.sohoa_wall = walls.get(record["dossier_id"], 0.0)
        pages = json.loads((work / record["dossier_id"] / "pages.json").read_text(encoding="utf-8"))
        for page, entry in zip(record["pages"], pages, strict=True):
            text, tess_cpu = tesseract_page(work / record["dossier_id"] / entry["path"], out / "tesseract-cache")
            item.tess_text.append(text)
            item.tess_cpu += tess_cpu
            item.sohoa_text.append(page["text"])
            marks = list(page.get("flags", []))
            if page["blank"]:
                marks.append("blank")
            if page["rotation"]:
                marks.append(f"rot{page['rotation']}")
            item.flags.append(",".join(marks))
        item.pages = len(record["pages"])
        item.document = (record.get("documents") or [{}])[0]
        result.append(item)
    return result


def _pct(a: float, b: float) -> str:
    return f"{a / b:6.3f}" if b else "   n/a"


def report(docs: list[Doc]) -> list[str]:
    """The printed table, pooled row and per-page checks."""
    lines = [f"{'document':<22}{'pages':>5}{'sohoa w':>9}{'tess w':>8}{'ratio':>7}"
             f"{'WER s':>8}{'WER t':>7}{'CER s':>7}{'CER t':>7}{'syl s':>7}{'syl t':>7}{'wall s':>7}"
             f"{'cpu t':>7}  flags"]
    pooled = Counter()
    for d in docs:
        if d.quarantined:
            lines.append(f"{d.name:<22}  QUARANTINED / NOT ARCHIVED: {d.quarantined}")
            pooled["lost"] += 1
            continue
        sw, tw = sum(len(words(t)) for t in d.sohoa_text), sum(len(words(t)) for t in d.tess_text)
        sv, sn = syllable_counts("\n".join(d.sohoa_text))
        tv, tn = syllable_counts("\n".join(d.tess_text))
        wer = cer = ("", "")
        if d.truth is not None:
            ws, n = bag_of_words_errors("\n".join(d.sohoa_text), d.truth)
            wt, _ = bag_of_words_errors("\n".join(d.tess_text), d.truth)
            cs, m = char_errors("\n".join(d.sohoa_text), d.truth)
            ct, _ = char_errors("\n".join(d.tess_text), d.truth)
            wer, cer = (_pct(ws, n), _pct(wt, n)), (_pct(cs, m), _pct(ct, m))
            pooled.update({"ws": ws, "wt": wt, "wn": n, "cs": cs, "ct": ct, "cn": m})
        pooled.update({"sw": sw, "tw": tw, "sv": sv, "sn": sn, "tv": tv, "tn": tn, "pages": d.pages})
        pooled["swall"] += d.sohoa_wall
        pooled["tcpu"] += d.tess_cpu
        flags = " ".join(f"p{i}:{f}" for i, f in enumerate(d.flags, 1) if f) or "-"
        lines.append(f"{d.name:<22}{d.pages:>5}{sw:>9}{tw:>8}{_pct(sw, tw):>7}{wer[0]:>8}{wer[1]:>7}"
                     f"{cer[0]:>7}{cer[1]:>7}{_pct(sv, sn):>7}{_pct(tv, tn):>7}{d.sohoa_wall:>7.1f}"
                     f"{d.tess_cpu:>7.1f}  {flags}")
    p = pooled
    lines.append(f"{'POOLED':<22}{p['pages']:>5}{p['sw']:>9}{p['tw']:>8}{_pct(p['sw'], p['tw']):>7}"
                 f"{_pct(p['ws'], p['wn']) if p['wn'] else '':>8}{_pct(p['wt'], p['wn']) if p['wn'] else '':>7}"
                 f"{_pct(p['cs'], p['cn']) if p['cn'] else '':>7}{_pct(p['ct'], p['cn']) if p['cn'] else '':>7}"
                 f"{_pct(p['sv'], p['sn']):>7}{_pct(p['tv'], p['tn']):>7}{p['swall']:>7.1f}{p['tcpu']:>7.1f}"
                 f"  ({p['lost']} documents not archived)")
    lines.append("(w: words = tokens with a letter or digit; ratio: sohoa/Tesseract words; WER: order-free word error"
                 " vs <name>.truth.txt; CER: edit distance / truth chars; syl: valid Vietnamese syllables /"
                 " lettered tokens; wall s: seconds of all sohoa stages of the dossier, from the run log;"
                 " cpu t: CPU seconds of bare Tesseract on the same page images)")
    under = [d.name for d in docs if not d.quarantined
             and sum(len(words(t)) for t in d.sohoa_text) < 0.95 * sum(len(words(t)) for t in d.tess_text)]
    lost = [d.name for d in docs if d.quarantined]
    lines.append(f"bar: every document archived: {'yes' if not lost else 'NO: ' + ', '.join(lost)}")
    lines.append(f"bar: sohoa's word count within 5 % of Tesseract's or more on every archived document: "
                 f"{'yes' if not under else 'NO: ' + ', '.join(under)}")
    checked = silent = 0
    for d in docs:
        for i, (mine, theirs, flags) in enumerate(zip(d.sohoa_text, d.tess_text, d.flags, strict=True), 1):
            if len(words(theirs)) < 20:
                continue
            checked += 1
            share = overlap(mine, theirs)
            if share < 0.7:
                silent += not flags.replace("rot90", "").replace("rot180", "").replace("rot270", "").strip(",")
                lines.append(f"  {d.name} p{i}: holds {share:.2f} of Tesseract's {len(words(theirs))} words,"
                             f" flags: {flags or 'NONE'}")
    lines.append(f"bar: pages where Tesseract reads >= 20 words and sohoa holds < 70 % of them without a flag:"
                 f" {silent} (of {checked} such pages)")
    return lines


ELEMENTS = Path(__file__).with_name("real_elements.json")
"""The NĐ 30/2020 elements of the real scans of ``shared/real-scans``, typed by eye (type, ký hiệu,
signer, the subject's first words); handwritten numbers and days are not judged, only whether
they are flagged."""


def elements_report(docs: list[Doc], truth: dict[str, dict]) -> list[str]:
    """The first document of each dossier against ``real_elements.json``: type, notation, signer and
    subject (diacritic-folded; the subject by its first words), and whether number and date are
    flagged when read."""
    from fields.text import fold

    lines = ["NĐ 30/2020 elements of each scan's first document (vs bench/real_elements.json; number and "
             "date: read value and its flag):"]
    score = Counter()
    for d in docs:
        want = truth.get(d.name)
        if d.quarantined or not want:
            continue
        got, reasons = d.document, d.document.get("reasons") or {}
        marks = []
        for key in ("type", "notation", "signer", "subject"):
            mine = got.get(key) or ""
            right = (fold(mine).startswith(fold(want[key])) if key == "subject"
                     else fold(mine) == fold(want[key]))
            score[key] += right
            marks.append(f"{key} {'ok' if right else 'WRONG ' + repr(mine)}")
        for key in ("number", "issued"):
            marks.append(f"{key} {got.get(key)!r} ({reasons.get(key) or 'NOT FLAGGED'})")
            score[f"{key} flagged"] += bool(reasons.get(key))
        lines.append(f"  {d.name}: " + "; ".join(marks))
    n = sum(1 for d in docs if not d.quarantined and d.name in truth)
    lines.append("elements right: " + ", ".join(f"{k} {score[k]}/{n}" for k in ("type", "notation", "signer", "subject"))
                 + f"; handwritten number and date sent to review: number {score['number flagged']}/{n},"
                 f" date {score['issued flagged']}/{n}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, required=True, help="folder of real documents (and <name>.truth.txt)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-real"), help="inbox, archive and caches")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--config", type=Path, help="sohoa configuration file (default: the built-in one)")
    args = parser.parse_args()
    docs = sorted(p for p in args.docs.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not docs:
        parser.error(f"no documents ({', '.join(sorted(SUFFIXES))}) in {args.docs}")
    load = os.getloadavg()
    wall, cpu, code = run_sohoa(docs, args.out.resolve(), workers=args.workers, config=args.config)
    rows = collect(docs, args.out.resolve())
    print(f"# bench/real.py --docs {args.docs} --workers {args.workers}: {len(docs)} documents;"
          f" sohoa run exit {code}, {wall:.0f} s wall, {cpu:.0f} s CPU; {os.cpu_count()} cores,"
          f" load average {load[0]:.1f} at start (shared machine)")
    for line in report(rows):
        print(line)
    for line in elements_report(rows, json.loads(ELEMENTS.read_text(encoding="utf-8"))):
        print(line)
    times = [d.sohoa_wall / d.pages for d in rows if d.pages]
    tess = sum(d.tess_cpu for d in rows)
    if times:
        print(f"sohoa wall seconds per page (all stages, one dossier at a time): median {statistics.median(times):.2f};"
              f" whole run CPU {cpu:.0f} s (every stage, signing and packaging included) against bare"
              f" Tesseract's {tess:.0f} s: ratio {cpu / tess if tess else float('nan'):.2f}")


if __name__ == "__main__":
    main()
