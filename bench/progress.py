"""What the progress line costs on a large backlog: one poll, and the start of a run, at 20,000 and
100,000 dossiers, against the poll sohoa had before (every dossier's files, every poll).

Usage:
    nice python bench/progress.py [--dossiers 20000,100000] [--resumed 0.3] [--slice 200] [--polls 20] [--dir DIR]

For each size it lays out, in a fresh folder under --dir (default: the system temp folder), the
files a run in the middle of a backlog leaves: a work folder for the --resumed share of the
dossiers (each at a stage drawn with a fixed seed: pages, geometry, OCR, fields, PDF/A, signature)
and nothing yet for the rest. Then it times:
  - the old poll (as of commit 672b07e: for every dossier a record, a quarantine reason, a failure
    note and six stage files were looked up), median of 3;
  - the new reporter's start (one listing of the work folder, then the stage of each begun dossier);
  - the new poll with one slice (--slice dossiers) handed to Luigi, median of --polls;
  - the run's plan (which dossiers are archived or quarantined already: one listing each).
It prints the figures with the machine's load and core count. Timings are wall clock, warm cache
(the files were just written); a cold NFS cache is slower for both, by the same count of calls.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import paths  # noqa: E402
from pipeline.plan import make_plan  # noqa: E402
from pipeline.progress import STAGES, Progress  # noqa: E402

OLD_STAGES = ("pages.json", "geometry.json", "ocr.json", "fields.json", "document.pdf", "signed.pdf")


def old_poll(archive: Path, work: Path, ids: list[str], since: float) -> tuple[int, int, int, list[int]]:
    """The poll of pipeline/progress.py as of commit 672b07e (count_finished + stage_counts)."""
    archived = quarantined = failed = 0
    for d in ids:
        if paths.record_file(archive, d).exists():
            archived += 1
            continue
        reason = paths.quarantine_dir(archive, d) / "reason.json"
        if reason.exists() and reason.stat().st_mtime >= since - 1:
            quarantined += 1
            continue
        failure = paths.failure_file(work, d)
        if failure.exists() and failure.stat().st_mtime >= since - 1:
            failed += 1
    stages = [sum(paths.stage_file(work, d, name).exists() for d in ids) for name in OLD_STAGES]
    return archived, quarantined, failed, stages


def lay_out(base: Path, count: int, resumed: float, seed: int) -> tuple[Path, Path, list[str]]:
    archive, work = base / "archive", base / "work"
    for folder in (archive / "records", archive / "quarantine", work):
        folder.mkdir(parents=True)
    rng = random.Random(seed)
    ids = [f"hs-{i:07d}" for i in range(count)]
    for d in ids:
        if rng.random() < resumed:
            (work / d).mkdir()
            for name, *_ in STAGES[:rng.randint(1, len(STAGES))]:
                (work / d / name).write_bytes(b"{}")
    return archive, work, ids


def _median(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(count: int, args: argparse.Namespace) -> None:
    base = Path(tempfile.mkdtemp(prefix="sohoa-bench-progress-", dir=args.dir))
    try:
        start = time.perf_counter()
        archive, work, ids = lay_out(base, count, args.resumed, args.seed)
        made = time.perf_counter() - start
        since = time.time()
        old = _median(lambda: old_poll(archive, work, ids, since), 3)
        start = time.perf_counter()
        progress = Progress(archive, work, ids, started=since)
        progress.activate(ids[:args.slice])
        progress.poll()
        first = time.perf_counter() - start
        new = _median(lambda: (progress.poll(), progress.line()), args.polls)
        intake = SimpleNamespace(dossiers=[SimpleNamespace(dossier_id=d, relative=d, code=None) for d in ids],
                                 growing=[], problems=[])
        plan = _median(lambda: make_plan(intake, archive, work), 3)
        print(f"{count:>7} dossiers ({sum(1 for _ in work.iterdir())} begun; files laid out in {made:.0f} s): "
              f"old poll {old:.3f} s (median of 3); new reporter start {first:.3f} s, new poll {new * 1000:.2f} ms "
              f"(median of {args.polls}, {args.slice} watched); ratio {old / new:.0f}x; run plan {plan:.3f} s",
              flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", default="20000,100000", help="backlog sizes, comma-separated")
    parser.add_argument("--resumed", type=float, default=0.3, help="share of dossiers begun by an earlier run")
    parser.add_argument("--slice", type=int, default=200, help="dossiers handed to Luigi at once (sohoa run --slice)")
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where to lay out the files (default: TMPDIR)")
    args = parser.parse_args()
    load = os.getloadavg()
    where = args.dir or Path(tempfile.gettempdir())
    print(f"# bench/progress.py --dossiers {args.dossiers} --resumed {args.resumed} --slice {args.slice} "
          f"--polls {args.polls} --seed {args.seed}; folder {where}; {os.cpu_count()} cores; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    for count in (int(n) for n in args.dossiers.split(",")):
        bench(count, args)


if __name__ == "__main__":
    main()
