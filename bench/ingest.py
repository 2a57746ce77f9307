"""Ingest figures: seconds to read each inbox file into page images (the pipeline's ingest stage).

Usage:
    nice python bench/ingest.py --docs DIR [--repeat 3] [--json]

For every PDF, TIFF, JPEG or PNG file directly in ``--docs`` (a folder of real scans, e.g. the
developers' set of real provincial scans), runs :func:`scanners.read.read_pages` as the ingest
stage does, ``--repeat`` times, each time into a fresh temporary folder, and prints per file the
median wall time, CPU time of this process (rendering runs in poppler child processes: their CPU
is counted in the wall time only), pages, how each page was read (``SourcePage.extraction``:
``jpeg`` the scan's JPEG data, ``decoded`` decoded losslessly, ``resampled``, ``render`` drawn by
poppler; the page file type for code older than that field) and the page images' size on disk;
then the pooled median and total. To compare with an older commit, run its copy of the code
(``git archive <commit> | tar -x -C /tmp/old``) with this script placed in its ``bench/``.
The machine's load average is printed with the figures: compare runs made under a similar
load only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanners.discover import dossier_id_for  # noqa: E402
from scanners.model import Dossier  # noqa: E402
from scanners.read import read_pages  # noqa: E402

SHAPES = {".pdf": "pdf", ".tif": "tiff", ".tiff": "tiff", ".jpg": "image", ".jpeg": "image", ".png": "image"}


def _how(pages: list) -> str:
    counts: dict[str, int] = {}
    for page in pages:
        how = getattr(page, "extraction", "") or page.path.suffix.lstrip(".")  # older code: the file type
        counts[how] = counts.get(how, 0) + 1
    return ",".join(f"{k}:{v}" for k, v in sorted(counts.items()))


def measure(path: Path, repeat: int) -> dict:
    """Read ``path`` ``repeat`` times; the median wall and CPU seconds and what came out."""
    walls, cpus, pages, size = [], [], [], 0
    dossier = Dossier(dossier_id_for(path.name), path, path.name, SHAPES[path.suffix.lower()])
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            wall, cpu = time.perf_counter(), time.process_time()
            pages = read_pages(dossier, Path(tmp))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            size = sum(p.path.stat().st_size for p in pages)
    return {"file": path.name, "pages": len(pages), "wall_s": round(statistics.median(walls), 2),
            "cpu_s": round(statistics.median(cpus), 2), "how": _how(pages), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, required=True, help="folder of scans (files directly in it)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per file; the median is printed")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.docs.iterdir() if p.is_file() and p.suffix.lower() in SHAPES)
    load_before = os.getloadavg()
    rows = [measure(f, args.repeat) for f in files]
    load_after = os.getloadavg()
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"{'file':28} {'pages':>5} {'wall s':>7} {'cpu s':>6} {'MB':>6}  how")
        for r in rows:
            print(f"{r['file']:28} {r['pages']:5d} {r['wall_s']:7.2f} {r['cpu_s']:6.2f} "
                  f"{r['bytes'] / 1e6:6.2f}  {r['how']}")
        walls = [r["wall_s"] for r in rows]
        print(f"total: {len(rows)} files, {sum(r['pages'] for r in rows)} pages, {sum(walls):.2f} s "
              f"(median per file {statistics.median(walls) if walls else 0:.2f} s), "
              f"{sum(r['bytes'] for r in rows) / 1e6:.1f} MB of page images")
    print(f"# command: python bench/ingest.py --docs {args.docs} --repeat {args.repeat}; medians of "
          f"{args.repeat} runs per file; {platform.node()} with {os.cpu_count()} CPUs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
