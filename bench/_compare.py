"""Compare an archive's export records with the sample generator's ground truth.

Shared by the benchmarks: every figure they print is computed here from files, never typed in.
"""

from __future__ import annotations

import json
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass
class Tally:
    """Counters over a set of dossiers."""

    dossiers: int = 0
    form_right: int = 0
    fields: int = 0
    fields_exact: int = 0
    wrong_unflagged: int = 0
    pages: int = 0
    rotation_right: int = 0
    skew_residuals: list[float] = field(default_factory=list)
    blank_tp: int = 0
    blank_fp: int = 0
    blank_fn: int = 0
    char_errors: int = 0
    chars: int = 0
    missing: list[str] = field(default_factory=list)


def _pages(t: Tally, truth: dict, record: dict) -> None:
    got = {p["source_page"]: p for p in record["pages"]}
    for page in truth["pages"]:
        mine = got.get(page["source_page"])
        if mine is None:
            continue
        t.pages += 1
        if page["blank"] and mine["blank"]:
            t.blank_tp += 1
        elif mine["blank"]:
            t.blank_fp += 1
        elif page["blank"]:
            t.blank_fn += 1
        if page["blank"] or mine["blank"]:
            continue
        t.rotation_right += mine["rotation"] == page["rotation"]
        if mine["rotation"] == page["rotation"]:
            t.skew_residuals.append(abs(mine["skew"] - page["skew"]))
        ref = _norm(page["text"])
        t.char_errors += levenshtein(_norm(mine["text"]), ref)
        t.chars += len(ref)


def _fields(t: Tally, truth: dict, record: dict) -> None:
    for key, value in truth["fields"].items():
        t.fields += 1
        got = record["fields"].get(key)
        exact = got is not None and _norm(got["value"]) == _norm(value)
        t.fields_exact += exact
        if not exact and got is not None and got["value"] and not got["needs_review"]:
            t.wrong_unflagged += 1


def compare(records: list[dict], truth_dir: Path) -> Tally:
    """Tally ``records`` against every truth file in ``truth_dir``."""
    by_source = {r["source"].rstrip("/"): r for r in records}
    t = Tally()
    for path in sorted(truth_dir.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        record = by_source.get(truth["source"].rstrip("/"))
        t.dossiers += 1
        if record is None:
            t.missing.append(truth["source"])
            continue
        t.form_right += record["form_type"] == truth["form_type"]
        _pages(t, truth, record)
        _fields(t, truth, record)
    return t


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.3f}" if b else "n/a"


def report(t: Tally) -> str:
    """The figures as printed text."""
    res = sorted(t.skew_residuals)
    p95 = res[min(len(res) - 1, int(round(0.95 * (len(res) - 1))))] if res else float("nan")
    blank_p = t.blank_tp / (t.blank_tp + t.blank_fp) if t.blank_tp + t.blank_fp else float("nan")
    blank_r = t.blank_tp / (t.blank_tp + t.blank_fn) if t.blank_tp + t.blank_fn else float("nan")
    return "\n".join([
        f"dossiers: {t.dossiers} (missing from archive: {len(t.missing)})",
        f"form classification: {_ratio(t.form_right, t.dossiers)}",
        f"fields exact (NFC, whitespace collapsed): {_ratio(t.fields_exact, t.fields)}",
        f"fields wrong but NOT flagged for review: {_ratio(t.wrong_unflagged, t.fields)}",
        f"orientation correct (non-blank pages): {_ratio(t.rotation_right, t.pages - t.blank_tp - t.blank_fp - t.blank_fn)}",
        f"residual skew: median {statistics.median(res) if res else float('nan'):.2f} deg, p95 {p95:.2f} deg",
        f"blank pages: precision {blank_p:.3f}, recall {blank_r:.3f} (tp {t.blank_tp}, fp {t.blank_fp}, fn {t.blank_fn})",
        f"CER (page text vs truth, NFC): {t.char_errors / t.chars if t.chars else float('nan'):.4f} over {t.chars} chars",
    ])


def normalize_text(text: str) -> str:
    """NFC with whitespace collapsed to single spaces (the form every text figure compares)."""
    return _norm(text)


def char_errors(hypothesis: str, reference: str) -> tuple[int, int]:
    """(edit distance, reference length) after :func:`normalize_text`; rapidfuzz when installed."""
    hyp, ref = _norm(hypothesis), _norm(reference)
    try:
        from rapidfuzz.distance import Levenshtein
    except ImportError:
        return levenshtein(hyp, ref), len(ref)
    return Levenshtein.distance(hyp, ref), len(ref)


def bag_of_words_errors(hypothesis: str, reference: str) -> tuple[int, int]:
    """Order-free word errors and reference word count.

    Words are compared as multisets, so reading side-by-side blocks in another order costs
    nothing: errors = max(reference words, hypothesis words) - words in common.
    """
    from collections import Counter

    hyp, ref = Counter(_norm(hypothesis).split()), Counter(_norm(reference).split())
    common = sum((hyp & ref).values())
    n_ref, n_hyp = sum(ref.values()), sum(hyp.values())
    return max(n_ref, n_hyp) - common, n_ref
