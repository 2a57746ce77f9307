"""Generated dossiers for the KPI and look-up bench: a province's archive over five years, bulk-loaded.

Each dossier is what the pipeline indexes for one archived dossier: a ``dossiers`` row (code, dates,
a record of about ``record_bytes`` — real records hold a few kB of OCR text), one ``packages`` row
(its current version), its documents (a component 80 %, a result 60 %, at least one) and the CCCD
numbers it carries (one to three, drawn from a pool of citizens so that many have several dossiers).
The one-stop-shop system's received list of the bench year lists 200,000 dossiers a year's worth:
most archived, some never digitized. Rows go in with SQLite ``executemany`` in large transactions
or PostgreSQL ``COPY``; the search index (``search_text``) is left empty: neither the rates nor the
look-up read it.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from archive.kpi_index import KIND_BITS

LEVELS = (("tinh", "TI", 0.35), ("huyen", "HU", 0.35), ("xa", "XA", 0.30))
FIRST_DAY = date(2021, 1, 1)
DAYS = 5 * 365
COLUMNS = {
    "dossiers": ("dossier_id", "code", "form_type", "package", "pdf", "record_json", "created_at", "updated_at",
                 "start_date", "end_date", "source", "title", "status", "hold", "kinds"),
    "packages": ("objid", "dossier_id", "version", "path", "mets_sha256", "status", "created_at"),
    "dossier_documents": ("dossier_id", "ordinal", "kind", "type", "type_code", "type_name", "issued", "file",
                          "signature_level", "certified"),
    "person_index": ("cccd", "dossier_id", "field", "role", "document", "checked"),
}
WORDS = ("Họ chữ đệm tên người yêu cầu Nguyễn Trần Lê Phạm Văn Thị Hồng nơi cư trú số đường phường xã tỉnh "
         "ngày tháng năm sinh giới tính dân tộc Kinh quốc tịch Việt Nam quê quán").split()


def citizen(n: int) -> str:
    """The CCCD number of citizen ``n`` of the pool (province, century and sex, birth year, serial)."""
    return f"0{1 + n % 96:02d}{n % 4}{n % 100:02d}{n:06d}"[:12]


def dossier(i: int, total: int, rng: random.Random, citizens: int, record_bytes: int) -> dict:
    """The rows of dossier ``i`` of ``total``, spread evenly over five years."""
    day = FIRST_DAY + timedelta(days=i * DAYS // total)
    level, short, _w = rng.choices(LEVELS, weights=[w for *_x, w in LEVELS])[0]
    code = f"000.00.{short}.H36-{day:%y%m%d}-{i:07d}"
    dossier_id = f"hs-{i:012x}"
    kinds = [k for k, p in (("component", 0.8), ("result", 0.6)) if rng.random() < p] or ["component"]
    people = [citizen(rng.randrange(citizens)) for _ in range(rng.choice((1, 1, 2, 3)))]
    text = " ".join(rng.choices(WORDS, k=max(1, record_bytes // 7)))[:record_bytes]
    record = {"dossier_id": dossier_id, "code": code, "form_type": "khai_sinh", "level": level,
              "pages": [{"source_page": 1, "text": text}],
              "fields": {f"tv{n}_so_cccd": {"value": p} for n, p in enumerate(people, start=1)},
              "documents": [{"kind": k, "issued": day.isoformat()} for k in kinds]}
    objid = f"urn:uuid:{i:08x}-0000-5000-8000-{i:012x}"
    package = f"packages/{objid.replace(':', '_')}"
    at = f"{day.isoformat()}T09:00:00.000+07:00"
    return {
        "dossiers": (dossier_id, code, "khai_sinh", package, f"{package}/representations/rep1/data/{code}.1.pdf",
                     json.dumps(record, ensure_ascii=False), at, at, day.isoformat(), day.isoformat(),
                     f"scans/{i}.pdf", "Tờ khai đăng ký khai sinh", "active", 0,
                     sum(KIND_BITS[k] for k in kinds)),
        "packages": [(objid, dossier_id, 1, package, f"{i:064x}", "current", at)],
        "dossier_documents": [(dossier_id, n, k, "to_khai" if k == "component" else "trich_luc", "32", None,
                               day.isoformat(), 1, "B-LTA", 1) for n, k in enumerate(kinds, start=1)],
        "person_index": [(p, dossier_id, f"tv{n}_so_cccd", f"thành viên hộ {n}", 1, 1)
                         for n, p in enumerate(dict.fromkeys(people), start=1)],
        "level": level, "code": code, "day": day, "kinds": kinds,
    }


def generate(total: int, seed: int, record_bytes: int) -> Iterator[dict]:
    """Every dossier, in order (deterministic for a seed)."""
    rng = random.Random(seed)
    citizens = max(1, total * 6 // 10)
    for i in range(total):
        yield dossier(i, total, rng, citizens, record_bytes)


def batches(rows: Iterator[dict], size: int, on_batch=None) -> Iterator[dict[str, list]]:  # noqa: ANN001
    """Table → rows, ``size`` dossiers at a time (``on_batch(dossiers so far)`` after each full batch)."""
    pending: dict[str, list] = {t: [] for t in COLUMNS}
    for n, row in enumerate(rows, start=1):
        pending["dossiers"].append(row["dossiers"])
        for table in ("packages", "dossier_documents", "person_index"):
            pending[table].extend(row[table])
        if n % size == 0:
            yield pending
            pending = {t: [] for t in COLUMNS}
            if on_batch:
                on_batch(n)
    yield pending


def load_sqlite(path: Path, rows: Iterator[dict], *, batch: int = 50_000, on_batch=None) -> None:  # noqa: ANN001
    """Insert into the catalog file with ``executemany`` (synchronous off while loading)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    for pending in batches(rows, batch, on_batch):
        db.execute("BEGIN")
        for table, values in pending.items():
            if values:
                marks = ", ".join("?" for _ in COLUMNS[table])
                db.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS[table])}) VALUES ({marks})", values)
        db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def load_postgresql(url: str, rows: Iterator[dict], *, batch: int = 50_000, on_batch=None) -> None:  # noqa: ANN001
    """``COPY`` into the catalog database, then ``ANALYZE``."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        for pending in batches(rows, batch, on_batch):
            with conn.transaction(), conn.cursor() as cur:
                for table, values in pending.items():
                    with cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                        for value in values:
                            copy.write_row(value)
        conn.execute("VACUUM ANALYZE")  # as autovacuum leaves a table that is read more than written


def received_list(path: Path, archived_rows: list[tuple[str, date, str]], seed: int, *,
                  never: float = 0.12) -> tuple[int, int]:
    """Write the one-stop-shop system's list of a year's received dossiers (CSV); return (rows, archived).

    ``archived_rows`` are (code, day, level) of the dossiers of that year in the catalog: 90 % of
    them are listed (the rest were archived under a temporary code or belong to another list), and
    ``never`` as many again were received but never digitized.
    """
    rng = random.Random(seed + 1)
    rows = archived = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["ma_ho_so", "ngay_tiep_nhan", "ma_thu_tuc", "cap", "co_quan", "ngay_co_ket_qua"])
        for code, day, level in archived_rows:
            if rng.random() < 0.9:
                resolved = day + timedelta(days=rng.randrange(3, 40)) if rng.random() < 0.95 else None
                out.writerow([code, f"{day:%d/%m/%Y}", f"1.00{rng.randrange(600):03d}", level,
                              f"UBND {level} {rng.randrange(40)}", f"{resolved:%d/%m/%Y}" if resolved else ""])
                rows += 1
                archived += 1
            if rng.random() < never:
                out.writerow([f"000.00.KO.H36-{day:%y%m%d}-{rows:07d}", day.isoformat(), "1.001000", "xa",
                              "UBND xa 0", ""])
                rows += 1
    return rows, archived
