"""Field extraction on a generated set: classification, per-field exact match, silent errors, time.

Usage (each step can be skipped when its output already exists):

    python bench/fields.py --set /tmp/fset --archive /tmp/fset-arch --generate --run \\
        --seed 21 --per-form 5 --free-text 2
    python bench/fields.py --set /tmp/fset --archive /tmp/fset-arch --reextract

``--generate`` runs ``sample_docs/make_samples.py`` (office profile, the default); ``--run`` runs
``sohoa run`` on its inbox. Then the archive's export records (``pipeline.report.load_records``) are
compared with the truth files (``SET/truth/*.json``, their ``fields``). ``--reextract`` re-reads the
OCR output kept in the work folder with the current ``fields`` code instead of the archived fields
(same OCR, new extraction: for working on ``fields/`` without re-running OCR).

Printed: classification accuracy, exact match per field and overall (NFC, whitespace collapsed),
wrong values not flagged for review (the dangerous number), review rate, documents typed right,
decisions whose number+notation, issue date and signer are all right, form dossiers dated from their
own documents, the same figures on typed (not handwritten) dossiers and on handwritten ones, exact on typed
dossiers by look (photocopy generations, font families, edition, table form), the review-threshold curve
(review rate against wrong-and-not-flagged as the threshold moves; with ``--reextract`` the run's
confidences are re-scored at each threshold), and time per dossier.

Held-out part (never tuned on): ``--generate --held-out --seed 9001`` draws the font families and
layouts ``make_samples.py`` keeps out of tuning (see sample_docs/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _compare import _norm

from pipeline.report import load_records


def _generate(args: argparse.Namespace) -> None:
    cmd = [sys.executable, str(ROOT / "sample_docs" / "make_samples.py"), "--out", str(args.set),
           "--seed", str(args.seed), "--per-form", str(args.per_form), "--free-text", str(args.free_text),
           "--letters", str(args.letters)]
    cmd += ["--held-out"] if args.held_out else []
    print("# generate:", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def _run(args: argparse.Namespace) -> float:
    sohoa = Path(sys.executable).with_name("sohoa")
    cmd = [str(sohoa), "run", "--create", "--inbox", str(args.set / "inbox"), "--archive", str(args.archive),
           "--workers", str(args.workers)]
    print("# run:", " ".join(cmd[1:]), flush=True)
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    print(f"# sohoa run exit code {done.returncode}, {elapsed:.0f} s wall", flush=True)
    return elapsed


def _reextract(truths: list[dict], work: Path) -> tuple[list[dict], float]:
    """Records holding a fresh extraction from the OCR output kept in the work folder.

    A dossier's work folder is ``<source stem>-<hash>``; dossiers whose OCR did not finish are left out.
    """
    from fields import extract, form_result_to_dict, load_templates
    from ocr.model import load_page_texts

    templates = load_templates()
    records, elapsed = [], 0.0
    ids = {}
    for intake in work.glob("*/intake.json"):
        noted = json.loads(intake.read_text(encoding="utf-8"))  # the inbox name: ``origin`` (``source`` before)
        ids[(noted.get("origin") or noted.get("source") or "").rstrip("/")] = intake.parent.name
    for record in load_records(work.parent):
        ids.setdefault(record["source"].rstrip("/"), record["dossier_id"])
    for truth in truths:
        stem = Path(truth["source"].rstrip("/")).stem
        found = sorted(p for p in work.glob(f"{stem}-*/ocr.json") if p.parent.name[len(stem) + 1:].isalnum())
        dossier = ids.get(truth["source"].rstrip("/"))
        if dossier and (work / dossier / "ocr.json").exists():
            found = [work / dossier / "ocr.json"]
        if not found:
            continue
        pages = load_page_texts(found[0])
        images = {p.source_page: found[0].parent / "clean" / f"page-{p.source_page:04d}.png" for p in pages}
        start = time.perf_counter()
        result = form_result_to_dict(extract(pages, templates, review_threshold=args_threshold, images=images))
        elapsed += time.perf_counter() - start
        records.append({"source": truth["source"], **result})
    return records, elapsed


args_threshold = 0.75


class Figures:
    """Counters of one comparison."""

    def __init__(self) -> None:
        self.dossiers = self.form_right = self.fields = self.exact = 0
        self.silent = self.flagged = self.flagged_right = self.spurious = 0
        self.per_field: Counter[str] = Counter()
        self.per_field_exact: Counter[str] = Counter()
        self.per_field_silent: Counter[str] = Counter()
        self.confusion: Counter[tuple[str, str]] = Counter()
        self.missing: list[str] = []
        self.points: list[tuple[float, bool, bool, bool]] = []
        """(confidence, flagged for a reason other than confidence, exact, handwritten dossier) per field."""
        self.decisions = self.decisions_right = 0
        self.doc_pages = self.doc_pages_typed = 0
        self.decision_misses: Counter[str] = Counter()
        self.letters = self.letters_right = 0
        self.letter_misses: Counter[str] = Counter()
        self.dates_from_document = self.dated = 0
        self.by_look: Counter[str] = Counter()
        self.by_look_exact: Counter[str] = Counter()
        """Fields of typed dossiers, and the exact ones, per look of the dossier (``copies=2``, ``family=…``)."""
        self.silent_values: list[str] = []
        """One line per wrong, unflagged field (values: printed only with ``--show-silent``)."""
        self.flagged_values: list[str] = []
        """One line per flagged field, right or wrong, with its reason (printed only with ``--show-flagged``)."""

    def add_documents(self, truth: dict, record: dict) -> None:
        got = record.get("documents", [])
        by_page = {p: d for d in got for p in d["pages"]}
        for doc in truth.get("documents", []):
            mine = by_page.get(doc["pages"][0])
            self.doc_pages += 1
            self.doc_pages_typed += mine is not None and mine["type"] == doc["type"] and mine["kind"] == doc["kind"]
            if doc.get("type") == "quyet_dinh":
                self.decisions += 1
                checks = {"number": mine and mine.get("number") == doc["number"] and mine.get("notation") == doc.get("notation"),
                          "issued": mine and mine.get("issued") == doc["issued"],
                          "signer": mine and mine.get("signer") == doc["signer"]}
                self.decisions_right += all(checks.values())
                self.decision_misses.update(k for k, ok in checks.items() if not ok)
            elif doc.get("kind") == "other" and doc.get("notation"):
                self.add_letter(doc, mine)
        if record["form_type"] != "unknown":
            self.dated += 1
            self.dates_from_document += any(d.get("issued") for d in got)

    def add_letter(self, doc: dict, mine: dict | None) -> None:
        """An administrative paper (``--letters``): type, notation and signer right; number and date
        right, or sent to review (a number written by hand is read by no engine)."""
        self.letters += 1
        mine = mine or {}
        doubt = mine.get("reasons") or {}
        checks = {"type": mine.get("type") == doc["type"] and mine.get("kind") == "other",
                  "notation": mine.get("notation") == doc["notation"],
                  "signer": mine.get("signer") == doc["signer"],
                  "number": mine.get("number") == doc["number"] or bool(doubt.get("number")),
                  "issued": mine.get("issued") == doc["issued"] or bool(doubt.get("issued"))}
        self.letters_right += all(checks.values())
        self.letter_misses.update(k for k, ok in checks.items() if not ok)

    def add(self, truth: dict, record: dict | None) -> None:
        self.dossiers += 1
        if record is None:
            self.missing.append(truth["source"])
            return
        self.form_right += record["form_type"] == truth["form_type"]
        self.add_documents(truth, record)
        self.confusion[(truth["form_type"], record["form_type"])] += 1
        for key, want in truth["fields"].items():
            name = f"{truth['form_type']}.{key}"
            got = record["fields"].get(key)
            exact = got is not None and _norm(got["value"]) == _norm(want)
            flagged = got is not None and got["needs_review"]
            self.fields += 1
            self.per_field[name] += 1
            self.exact += exact
            self.per_field_exact[name] += exact
            self.flagged += flagged
            self.flagged_right += flagged and exact
            if not truth.get("handwritten"):
                for look in _looks(truth):
                    self.by_look[look] += 1
                    self.by_look_exact[look] += exact
            if got is not None:
                other = flagged and (got.get("reason") or "low_confidence") != "low_confidence"
                # a value left blank that the form may leave blank is never sent to review for its score
                scored = got["value"] != "" or flagged
                self.points.append((got["confidence"] if scored else 1.0, other, exact,
                                    bool(truth.get("handwritten"))))
            else:
                self.points.append((0.0, True, exact, bool(truth.get("handwritten"))))
            if flagged:
                self.flagged_values.append(f"{'right' if exact else 'WRONG'} {truth['source']} {name} "
                                           f"[{got['reason']} {got['confidence']}]: want {want!r}, got {got['value']!r}")
            if not exact and not flagged:
                self.silent += 1
                self.per_field_silent[name] += 1
                self.spurious += not want
                self.silent_values.append(f"{truth['source']} {name}: want {want!r}, got "
                                          f"{got['value'] if got else None!r} at {got['confidence'] if got else 0}")


_LOOK_KEYS = ("copies", "family", "value_family", "edition", "table_form")


def _looks(truth: dict) -> list[str]:
    """The dossier's look as ``key=value`` labels (aggregated over fields; no field value)."""
    look = truth.get("look") or {}
    return [f"{key}={look[key]}" for key in _LOOK_KEYS if key in look]


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {100 * a / b:.2f} %" if b else "n/a"


def _print(f: Figures, *, elapsed: float | None, extract_s: float | None) -> None:
    print(f"dossiers: {f.dossiers} (without a record or OCR output: {len(f.missing)})")
    print(f"classification: {_pct(f.form_right, f.dossiers - len(f.missing))}")
    for (want, got), n in sorted(f.confusion.items()):
        if want != got:
            print(f"  misclassified: {want} -> {got}: {n}")
    print("\n| field | exact | silent wrong |\n|---|---|---|")
    for name in sorted(f.per_field):
        print(f"| {name} | {f.per_field_exact[name]}/{f.per_field[name]} "
              f"({100 * f.per_field_exact[name] / f.per_field[name]:.0f} %) | {f.per_field_silent[name]} |")
    print()
    print(f"fields exact (NFC, whitespace collapsed): {_pct(f.exact, f.fields)}")
    print(f"wrong and NOT flagged for review: {_pct(f.silent, f.fields)} "
          f"(of them a value where the form has none: {f.spurious})")
    print(f"wrong values flagged: {_pct(f.fields - f.exact - f.silent, f.fields - f.exact)}")
    print(f"fields flagged for review: {_pct(f.flagged, f.fields)} (right but flagged: {f.flagged_right})")
    print(f"documents typed right (kind and type, by first page): {_pct(f.doc_pages_typed, f.doc_pages)}")
    print(f"decisions with the right number+notation, issue date and signer: {_pct(f.decisions_right, f.decisions)}"
          f" (misses by element: {dict(f.decision_misses)})")
    if f.letters:
        print(f"administrative papers (công văn, thông báo …) with type, notation and signer right and number and"
              f" date right or sent to review: {_pct(f.letters_right, f.letters)}"
              f" (misses by element: {dict(f.letter_misses)})")
    print(f"form dossiers with a date from their documents (not the scan date): {_pct(f.dates_from_document, f.dated)}")
    for name, hand in (("typed (not handwritten)", False), ("handwritten", True)):
        some = [p for p in f.points if p[3] == hand]
        print(f"on {name} dossiers: exact {_pct(sum(p[2] for p in some), len(some))}, wrong and not flagged "
              f"{_pct(sum(not p[2] and not p[1] and p[0] >= args_threshold for p in some), len(some))}, "
              f"review {_pct(sum(p[1] or p[0] < args_threshold for p in some), len(some))}")
    if f.by_look:
        print("\nexact on typed dossiers by look (where the misses gather):")
        print("| look | exact |\n|---|---|")
        for look in sorted(f.by_look):
            print(f"| {look} | {_pct(f.by_look_exact[look], f.by_look[look])} |")
    print("\nreview threshold curve (flagged = other reason, or confidence under the threshold):")
    print("| threshold | review rate | wrong and not flagged |\n|---|---|---|")
    for t in (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        flagged = [p[1] or p[0] < t for p in f.points]
        silent = sum(not p[2] and not fl for p, fl in zip(f.points, flagged))
        print(f"| {t:.2f} | {100 * sum(flagged) / max(len(flagged), 1):.2f} % | "
              f"{100 * silent / max(len(flagged), 1):.2f} % ({silent}) |")
    done = f.dossiers - len(f.missing)
    if elapsed is not None and done:
        print(f"time per dossier, whole pipeline (wall / dossiers): {elapsed / done:.1f} s")
    if extract_s is not None and done:
        print(f"time per dossier, field extraction only: {1000 * extract_s / done:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True, help="generated set (inbox/, truth/)")
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--generate", action="store_true", help="generate the set first")
    parser.add_argument("--run", action="store_true", help="run sohoa on the set's inbox first")
    parser.add_argument("--reextract", action="store_true", help="re-extract fields from the kept OCR output")
    parser.add_argument("--work", type=Path, help="work folder of the run (default ARCHIVE/.work)")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--per-form", type=int, default=5, help="dossiers per form and inbox shape")
    parser.add_argument("--free-text", type=int, default=2)
    parser.add_argument("--letters", type=int, default=0,
                        help="stand-alone administrative papers to generate (make_samples --letters)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--held-out", action="store_true", help="generate the held-out looks (make_samples --held-out)")
    parser.add_argument("--threshold", type=float, default=0.75,
                        help="review threshold for --reextract (the default of configs/default.yaml)")
    parser.add_argument("--show-silent", action="store_true", help="print each wrong, unflagged field (values!)")
    parser.add_argument("--show-flagged", action="store_true",
                        help="print each flagged field with its reason (values! tuning sets only)")
    args = parser.parse_args()
    global args_threshold
    args_threshold = args.threshold

    print(f"# bench/fields.py on {platform.node()}: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    if args.generate:
        _generate(args)
    elapsed = _run(args) if args.run else None
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((args.set / "truth").glob("*.json"))]
    held = sum(bool(t.get("look", {}).get("held_out")) for t in truths)
    hand = sum(bool(t.get("handwritten")) for t in truths)
    print(f"# set {args.set} ({len(truths)} truth files: {held} drawn from the held-out looks, {hand} filled by"
          f" hand), archive {args.archive}; load average {os.getloadavg()[0]:.1f}; review threshold"
          f" {args_threshold if args.reextract else 'as configured for the run'}")
    if args.reextract:
        records, extract_s = _reextract(truths, args.work or args.archive / ".work")
    else:
        records, extract_s = load_records(args.archive), None
    by_source = {r["source"].rstrip("/"): r for r in records}
    figures = Figures()
    for truth in truths:
        figures.add(truth, by_source.get(truth["source"].rstrip("/")))
    _print(figures, elapsed=elapsed, extract_s=extract_s)
    if args.show_silent:
        print("\nwrong and not flagged (values of a tuning set; never use on the held-out set):")
        print("\n".join(figures.silent_values) or "none")
    if args.show_flagged:
        print("\nflagged for review (values of a tuning set; never use on the held-out set):")
        print("\n".join(sorted(figures.flagged_values)) or "none")


if __name__ == "__main__":
    main()
