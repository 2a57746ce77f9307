"""Split accuracy of intake on generated stacks with QR separator sheets.

Usage:
    nice python bench/separation.py [--out DIR] [--dossiers 20] [--seed 31]

Generates stacks with ``sample_docs/_stacks.py`` (office degradation: noise, blur, specks,
scanner borders; every sheet skewed uniformly within ±5°; each separator upside down with
probability 0.3; in duplex stacks each separator fed face down with probability 0.2; every
dossier with a receipt page carrying its code in a small QR code, then up to 2 form pages),
runs ``scanners.intake.collect`` with the ``separator-sheets`` profile, and compares with the
truth. A dossier counts as right when its page range and its code are both exactly right.
The last stack leaves out two separator sheets, to count merges that are flagged.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_docs._degrade import OFFICE
from sample_docs._stacks import StackPlan, expected_dossiers, write_stack
from scanners.intake import collect
from scanners.profiles import load_profile

SCENARIOS = (
    ("pdf-200dpi-duplex", "pdf", {"dpi": 200, "duplex": True}),
    ("tiff-300dpi-simplex", "tiff", {"dpi": 300, "duplex": False}),
    ("pdf-200dpi-2-missing-separators", "pdf", {"dpi": 200, "duplex": False, "missing": (7, 15)}),
)


def _score(name: str, out: Path, profile_name: str) -> dict:
    truth = json.loads((out / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    expected = expected_dossiers(truth)
    profile = load_profile(profile_name).model_copy(update={"settle_seconds": 0.0, "duplex": truth["duplex"]})
    inbox = out / "inbox"
    started = time.perf_counter()
    result = collect(inbox, out / "staging", profile=profile)
    seconds = time.perf_counter() - started
    got = [d for d in result.dossiers if d.origin == truth["source"]]
    got_keys = {(tuple(d.origin_pages), d.code) for d in got}
    right = sum((tuple(e["pages"]), e["code"] or e["codes"][0]) in got_keys for e in expected)
    merges = [e for e in expected if len(e["codes"]) > 1]
    flagged = sum(any(tuple(e["pages"]) == d.origin_pages and "possible_merge" in d.review for d in got)
                  for e in merges)
    pages = sum(len(d["pages"]) + len(d["separator_pages"]) for d in truth["dossiers"])
    return {"name": name, "dpi": truth["dpi"], "duplex": truth["duplex"], "pages": pages,
            "sheets": sum(d["separator"] for d in truth["dossiers"]),
            "upside_down": sum(d["upside_down"] and d["separator"] for d in truth["dossiers"]),
            "face_down": sum(d["face_down"] and d["separator"] for d in truth["dossiers"]),
            "expected": len(expected), "found": len(got), "right": right, "merges": len(merges),
            "merges_flagged": flagged, "seconds": seconds, "problems": len(result.problems)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="folder for the generated stacks (default: a temporary one)")
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=31)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="sohoa-separation-"))
    print(f"# separation bench: {args.dossiers} dossiers per stack, seed {args.seed}, out {out}")
    print(f"# {platform.python_version()} on {platform.machine()}, OpenCV QRCodeDetectorAruco + QRCodeDetector")
    print("# stacks: office degradation, skew uniform ±5°, separators upside down p=0.3, face down p=0.2 "
          "(duplex), receipts with QR; profile separator-sheets (receipt QR search on)")
    rows = []
    for n, (name, shape, plan) in enumerate(SCENARIOS):
        started = time.perf_counter()
        write_stack(out / name, name, shape, StackPlan(dossiers=args.dossiers, p_upside_down=0.3, p_face_down=0.2,
                                                       **plan), seed=args.seed + n, profile=OFFICE)
        made = time.perf_counter() - started
        row = _score(name, out / name, "separator-sheets")
        rows.append(row)
        print(f"{name}: {row['pages']} pages, {row['sheets']} separator sheets ({row['upside_down']} upside down, "
              f"{row['face_down']} face down); dossiers right (pages and code) {row['right']}/{row['expected']}"
              f" ({100 * row['right'] / row['expected']:.1f} %), found {row['found']}; merges flagged "
              f"{row['merges_flagged']}/{row['merges']}; intake {row['seconds']:.1f} s "
              f"({row['seconds'] / row['pages']:.2f} s/page), generation {made:.1f} s")
    total = sum(r["right"] for r in rows), sum(r["expected"] for r in rows)
    print(f"TOTAL dossiers right {total[0]}/{total[1]} ({100 * total[0] / total[1]:.1f} %)")


if __name__ == "__main__":
    main()
