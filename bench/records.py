"""The archivist's bars on an archive a run has filled: dossiers dated from the paper, and the code as the key.

For every dossier of ``--archive`` (or ``--sample N`` of them, drawn with ``--seed``), as a clerk
would, through the command line:

- ``sohoa search --archive A CODE`` must list the dossier (its code and source file);
- ``sohoa retention hold --archive A --reason … CODE`` must exit 0 and leave the catalog row held,
  ``sohoa retention release`` the same and the row released.

And over every dossier's export record (``records/*.json``): where its dates come from — a date
field of the form, a document's date of issue, the intake date in its code, or the scan date (the
fallback the bar allows for no dossier) — and how many are dated doubtfully (flagged for an
archivist). Decisions' number, date and signer are scored against a generated set's truth by
``bench/fields.py``.

    python bench/records.py --archive /tmp/h9006-arch [--sample 20 --seed 1]

Prints the counts, the median time of each command, and how they were made. The holds are lifted
again, so the archive is left as found (but for the audit trail's hold and release events).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import Catalog  # noqa: E402
from archive.dates import CODE_DATE, SCAN_DATE  # noqa: E402

SOHOA = [str(Path(sys.executable).with_name("sohoa"))]
"""The installed command, beside this interpreter (``.venv/bin/sohoa``)."""


def _source_kind(source: object) -> str:
    """``field`` (a date field of the form), ``document`` (a date of issue), ``code`` or ``scan``."""
    if source == SCAN_DATE:
        return "scan"
    if source == CODE_DATE:
        return "code"
    return "document" if str(source).startswith("document:") else "field"


def _sohoa(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run([*SOHOA, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    return done, time.perf_counter() - start


def _held(archive: Path, dossier_id: str) -> bool:
    with Catalog.for_archive(archive) as catalog:
        return bool((catalog.dossier(dossier_id) or {}).get("hold"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=0, help="dossiers to try the commands on (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    archive = args.archive.resolve()
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((archive / "records").glob("*.json"))]
    if not records:
        print(f"no export records in {archive / 'records'}: run `sohoa run` into it first", file=sys.stderr)
        return 2
    print(f"# bench/records.py --archive {archive}: {len(records)} dossiers; load average "
          f"{os.getloadavg()[0]:.1f} at start (shared machine)")

    starts, ends, doubtful = Counter(), Counter(), 0
    for record in records:
        dates = record.get("dates") or {}
        starts[_source_kind(dates.get("start_from"))] += 1
        ends[_source_kind(dates.get("end_from"))] += 1
        doubtful += bool(dates.get("doubtful"))
    from_scan = sum(1 for r in records if (r.get("dates") or {}).get("fallback"))
    print(f"dossiers dated from their scan (fallback): {from_scan}/{len(records)}; dated doubtfully (flagged "
          f"date_doubtful): {doubtful}")
    print(f"  start from: {dict(starts)}; end from: {dict(ends)}")

    sample = records if not args.sample else random.Random(args.seed).sample(records, min(args.sample, len(records)))
    found = held = released = 0
    times: dict[str, list[float]] = {"search": [], "hold": [], "release": []}
    for record in sample:
        code, dossier_id = str(record["code"]), str(record["dossier_id"])
        done, spent = _sohoa("search", "--archive", str(archive), code)
        times["search"].append(spent)
        found += done.returncode == 0 and any(code in line and str(record["source"]) in line
                                              for line in done.stdout.splitlines())
        done, spent = _sohoa("retention", "hold", "--archive", str(archive), "--reason", "bench", "--operator",
                             "bench", code)
        times["hold"].append(spent)
        held += done.returncode == 0 and _held(archive, dossier_id)
        done, spent = _sohoa("retention", "release", "--archive", str(archive), "--reason", "bench", "--operator",
                             "bench", code)
        times["release"].append(spent)
        released += done.returncode == 0 and not _held(archive, dossier_id)
    n = len(sample)
    print(f"by its code (mã hồ sơ), of {n} dossiers{' sampled' if args.sample else ''}: search finds {found}/{n}, "
          f"retention hold holds {held}/{n}, retention release releases {released}/{n}")
    print("median seconds per command (a new process each, as a clerk runs it): "
          + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in times.items()))
    return 0 if from_scan == 0 and found == held == released == n else 1


if __name__ == "__main__":
    sys.exit(main())
