"""What the catalog check costs every command that reads the catalog, as the archive grows.

Builds a SQLite catalog of N synthetic dossiers (two pages of OCR-like Vietnamese text and a few
fields each, about the size of a real record), then times, each ``--repeat`` times (median shown):
``PRAGMA quick_check`` (what ``search``, ``retention`` and ``run`` pay), ``PRAGMA integrity_check``
(what ``fixity`` pays), the whole :func:`archive.catalog_health.check_catalog`, and one search.

    python bench/catalog.py --dossiers 20000 --out /tmp/catalog-bench

``--kpi`` measures the rates and the look-up by CCCD at a province's scale instead: it bulk-loads
``--dossiers`` generated dossiers (default 1,000,000: five years of 200,000) into a SQLite catalog
and into a throw-away PostgreSQL cluster (``bench/_kpi_fill.py``, ``bench/_pg.py``), writes the
received list of one year, and times (median of ``--repeat``): reading that list; ``sohoa kpi``'s
work for the year by level and by month (the catalog check, then :func:`archive.kpi.compute_kpi`);
a look-up by CCCD (the queries alone, and audited as ``sohoa person`` does it); the catalog checks
(structural, what the look-up commands pay; ``quick_check`` and the full in-step comparison, what
they would pay otherwise); and the whole ``sohoa person`` command once.

    python bench/catalog.py --kpi --dossiers 1000000 --out /tmp/kpi-bench [--backends sqlite,postgresql]

Prints the figures, how they were made (seed, sizes) and the machine load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import Catalog  # noqa: E402
from archive.catalog_health import check_catalog, sqlite_integrity  # noqa: E402

WORDS = ("Họ chữ đệm tên người yêu cầu Nguyễn Trần Lê Phạm Văn Thị Hồng Nhung Bảo Gia nơi cư trú số đường "
         "phường xã quận huyện tỉnh thành phố Hồ Chí Minh Hà Nội ngày tháng năm sinh giới tính dân tộc Kinh quốc "
         "tịch Việt Nam quê quán Nghệ An tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự "
         "thật").split()


def _record(n: int, rng: random.Random) -> dict:
    pages = [{"source_page": p, "text": "\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(18))}
             for p in (1, 2)]
    fields = {"ho_ten": {"value": " ".join(rng.choices(WORDS, k=3))},
              "so_cccd": {"value": f"{rng.randrange(10**11, 10**12)}"}, "noi_cu_tru": {"value": " ".join(rng.choices(WORDS, k=8))}}
    return {"dossier_id": f"hs-{n:08d}", "code": f"H49-{n:08d}", "form_type": "khai_sinh", "pages": pages,
            "fields": fields}


def _median(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=None, help="default 20000; 1000000 with --kpi")
    parser.add_argument("--out", type=Path, required=True, help="scratch folder (replaced)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=None, help="default 3; 5 with --kpi")
    parser.add_argument("--kpi", action="store_true", help="time the rates and the look-up by CCCD (see above)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="with --kpi: sqlite, postgresql or both")
    parser.add_argument("--year", type=int, default=2024, help="with --kpi: the year of the received list")
    parser.add_argument("--record-bytes", type=int, default=2000, help="with --kpi: OCR text per record")
    parser.add_argument("--lookups", type=int, default=50, help="with --kpi: CCCD numbers looked up")
    parser.add_argument("--no-folders", action="store_true",
                        help="with --kpi: do not make a package folder per dossier (the in-step checks then "
                             "compare against none)")
    args = parser.parse_args()
    if args.kpi:
        from _kpi_bench import run_kpi_bench

        run_kpi_bench(args)
        return
    args.dossiers, args.repeat = args.dossiers or 20000, args.repeat or 3
    shutil.rmtree(args.out, ignore_errors=True)
    archive = args.out / "archive"
    rng = random.Random(args.seed)
    start = time.perf_counter()
    with Catalog.for_archive(archive) as catalog, catalog.transaction():
        for n in range(args.dossiers):
            catalog.upsert_dossier(_record(n, rng))
    built = time.perf_counter() - start
    path = archive / "catalog.sqlite"
    size_mb = path.stat().st_size / 1e6
    quick = _median(lambda: sqlite_integrity(path), args.repeat)
    full = _median(lambda: sqlite_integrity(path, full=True), args.repeat)
    check = _median(lambda: check_catalog(archive), args.repeat)

    def search() -> None:
        with Catalog.for_archive(archive, readonly=True, create=False) as catalog:
            catalog.search("nguyen van hong nhung")

    found = _median(search, args.repeat)
    print(f"catalog bench: {args.dossiers} dossiers, seed {args.seed}, median of {args.repeat}; "
          f"load average before/after {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"  built in {built:.1f} s, catalog.sqlite {size_mb:.0f} MB")
    print(f"  PRAGMA quick_check      {quick * 1000:8.0f} ms   (search, retention, run: check_catalog quick)")
    print(f"  PRAGMA integrity_check  {full * 1000:8.0f} ms   (fixity)")
    print(f"  check_catalog (quick)   {check * 1000:8.0f} ms   (integrity + package folders in step)")
    print(f"  open read-only + search {found * 1000:8.0f} ms")
    print(f"command: python bench/catalog.py --dossiers {args.dossiers} --seed {args.seed} --repeat {args.repeat} "
          f"--out {args.out}")


if __name__ == "__main__":
    main()
