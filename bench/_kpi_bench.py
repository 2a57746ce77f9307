"""``bench/catalog.py --kpi``: the rates and the look-up by CCCD at a province's scale, on SQLite and PostgreSQL.

See ``bench/catalog.py``'s docstring. Prints one block per database, then how the figures were made.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from _kpi_fill import generate, load_postgresql, load_sqlite, received_list

from archive import Catalog
from archive.catalog_health import check_catalog, open_checked, sqlite_integrity
from archive.kpi import compute_kpi
from archive.kpi_received import read_received
from archive.persons import find, lookup

ROOT = Path(__file__).resolve().parents[1]


def _times(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(values) * 1000:8.1f} ms  (min {ordered[0] * 1000:.1f}, p95 {p95 * 1000:.1f}, " \
           f"n={len(values)})"


def _progress(label: str, total: int, started: float):  # noqa: ANN202
    def report(done: int) -> None:
        print(f"  {label}: {done:,}/{total:,} dossiers loaded, {time.perf_counter() - started:.0f} s", flush=True)
    return report


def _folders(shared: Path, total: int) -> float:
    """One package folder per dossier (empty: the checks count or list folders, they do not read them)."""
    started = time.perf_counter()
    shared.mkdir(parents=True, exist_ok=True)
    for i in range(total):
        os.mkdir(shared / f"urn_uuid_{i:08x}-0000-5000-8000-{i:012x}")
    return time.perf_counter() - started


def run_kpi_bench(args) -> None:  # noqa: ANN001 - argparse.Namespace
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed bench still stops its cluster (atexit)
    total, repeat = args.dossiers or 1_000_000, args.repeat or 5
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    load_before = os.getloadavg()
    folders_s = None if args.no_folders else _folders(args.out / "packages", total)
    listed = args.out / f"tiep-nhan-{args.year}.csv"
    results, notes = {}, []
    for backend in args.backends.split(","):
        root = args.out / backend / "archive"
        root.mkdir(parents=True)
        if not args.no_folders:
            (root / "packages").symlink_to(args.out / "packages", target_is_directory=True)
        url, setting = (None, "SQLite file catalog.sqlite (WAL)") if backend == "sqlite" else _pg()
        Catalog.for_archive(root, url).close()  # the schema, by the migrations
        year_rows, people = [], []
        rng = random.Random(args.seed + 2)

        def rows():  # noqa: ANN202
            for row in generate(total, args.seed, args.record_bytes):
                if row["day"].year == args.year:
                    year_rows.append((row["code"], row["day"], row["level"]))
                if row["person_index"] and rng.random() < 0.001:
                    people.append(row["person_index"][0][0])
                yield row

        started = time.perf_counter()
        progress = _progress(backend, total, started)
        if backend == "sqlite":
            load_sqlite(root / "catalog.sqlite", rows(), on_batch=lambda n: n % 200_000 == 0 and progress(n))
        else:
            load_postgresql(url, rows(), on_batch=lambda n: n % 200_000 == 0 and progress(n))
        loaded = time.perf_counter() - started
        if not listed.exists():
            list_rows, archived = received_list(listed, year_rows, args.seed)
            notes.append(f"received list {listed.name}: {list_rows:,} rows ({archived:,} archived, "
                         f"{list_rows - archived:,} never digitized), {listed.stat().st_size / 1e6:.1f} MB")
        results[backend] = _measure(root, url, listed, args, repeat, people, total)
        results[backend]["load"] = f"{loaded:.0f} s" + (f", {(root / 'catalog.sqlite').stat().st_size / 1e9:.2f} GB"
                                                         if backend == "sqlite" else "")
        results[backend]["setting"] = setting
    _print(args, total, repeat, results, notes, load_before, folders_s)


def _pg() -> tuple[str, str]:
    from _pg import start_cluster

    return start_cluster()


def _measure(root: Path, url: str | None, listed: Path, args, repeat: int, people: list[str],  # noqa: ANN001
             total: int) -> dict:
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    out: dict[str, str] = {}
    received = read_received(listed)
    out["read the received list"] = _ms(_times(lambda: read_received(listed), repeat))

    found: list = []

    def kpi() -> None:
        with open_checked(root, url, readonly=True, integrity="structural") as catalog:
            found[:] = [compute_kpi(catalog, received, start, end)]
        assert found[0].total.received > 0

    cold = _times(kpi, 1)
    out["kpi: catalog check + rates, year by level and month (first run)"] = f"{cold[0] * 1000:8.1f} ms"
    out["kpi: catalog check + rates, year by level and month"] = _ms(_times(kpi, repeat))
    out["kpi: list read + check + rates (sohoa kpi's work)"] = _ms(_times(
        lambda: (read_received(listed), kpi()), repeat))
    total = found[0].total
    out["kpi: what it found (total)"] = (f"{total.received:,} received, components {total.components_rate:.2%}, "
                                         f"results {total.results_rate:.2%}, never digitized "
                                         f"{len(found[0].not_digitized):,}, not on the list {len(found[0].not_on_list):,}")
    sample = people[: args.lookups] or ["001000000000"]
    with Catalog.for_archive(root, url, create=False) as catalog:
        hits = [len(find(catalog, n)[0]) for n in sample]
        out["look-up by CCCD: the queries"] = _ms([t for n in sample for t in _times(lambda n=n: find(catalog, n), 1)])
        out["look-up by CCCD: audited (sohoa person's look-up)"] = _ms(
            [t for n in sample for t in _times(lambda n=n: lookup(catalog, n, person="bench", purpose="BENCH-0001",
                                                                  via="bench"), 1)])
        out["look-up of a number no dossier carries"] = _ms(_times(lambda: find(catalog, "099099999999"), repeat))
    out["documents found per look-up"] = f"median {statistics.median(hits)}, max {max(hits)} (n={len(hits)})"
    out["catalog check, structural (sohoa person, sohoa kpi)"] = _ms(
        _times(lambda: check_catalog(root, url, integrity="structural"), repeat))
    out["catalog check, in-step by listing (search, run, without quick_check)"] = _ms(
        _times(lambda: check_catalog(root, url, integrity="none"), 1))
    if url is None:
        out["PRAGMA quick_check (search, run)"] = _ms(_times(lambda: sqlite_integrity(root / "catalog.sqlite"), 1))
    command = [sys.executable, "-m", "pipeline.cli", "person", "--archive", str(root), "--cccd", sample[0],
               "--purpose", "BENCH-0002"] + (["--catalog", url] if url else [])
    out["sohoa person, whole command (Python start-up and imports included)"] = _ms(_times(
        lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT), 3))
    return out


def _print(args, total: int, repeat: int, results: dict, notes: list[str], load_before: tuple,  # noqa: ANN001
           folders_s: float | None) -> None:
    print(f"\nKPI and look-up bench: {total:,} dossiers, seed {args.seed}, year {args.year}, "
          f"record {args.record_bytes} bytes of text, repeat {repeat}")
    for backend, figures in results.items():
        print(f"\n{backend} ({figures.pop('setting')}); bulk load {figures.pop('load')}")
        for label, value in figures.items():
            print(f"  {label:<72} {value}")
    for note in notes:
        print(f"\n{note}")
    if folders_s is not None:
        print(f"{total:,} package folders made in {folders_s:.0f} s (shared by the archives, empty)")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}, on {os.cpu_count()} cores")
    print(f"command: python bench/catalog.py --kpi --dossiers {total} --seed {args.seed} --year {args.year} "
          f"--record-bytes {args.record_bytes} --repeat {repeat} --backends {args.backends} --out {args.out}"
          + (" --no-folders" if args.no_folders else ""))
