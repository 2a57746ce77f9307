"""Accuracy of a finished run against the sample generator's truth files.

Usage:
    python bench/accuracy.py --archive DIR --truth sample_docs/truth

Prints form classification, field exact match, wrong-but-unflagged fields, orientation,
residual skew (median, p95), blank-page precision/recall and CER, each with its counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _compare import compare, report  # noqa: E402

from pipeline.report import load_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    print(f"# accuracy of {args.archive} against {args.truth}")
    print(report(compare(load_records(args.archive), args.truth)))


if __name__ == "__main__":
    main()
