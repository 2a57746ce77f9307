"""The digitization rates the provinces report, from the one-stop-shop system's received list and the catalog.

Two rates, per scope (the total, each level, each procedure, each agency, each month), as the
provincial reports count them:

- **components rate** (tỷ lệ số hóa thành phần hồ sơ): the received dossiers whose archived
  dossier holds at least one component (a form or other paper the citizen filed), over the
  received dossiers;
- **results rate** (tỷ lệ số hóa kết quả giải quyết TTHC): the dossiers with a ``ngay_co_ket_qua``
  whose archived dossier holds a result (a decision, certificate, trích lục …), over the dossiers
  with a ``ngay_co_ket_qua``.

The period is by ``ngay_tiep_nhan``. A dossier of the list is matched to the archive by its code
(mã hồ sơ, exactly as listed, spaces around it ignored); a result joined to its dossier later
counts for that dossier. Also listed: the dossiers received but never digitized (no archived
dossier has the code), and those digitized but not on the list (archived dossiers whose matter
starts in the period and whose code the list does not hold at any date — a temporary code
``SOHOA-TAM-…`` not yet replaced shows here).

**Levels.** The list's ``cap`` gives the three-level structure (tỉnh, huyện, xã) of the reports
before 1 July 2025. From 1 July 2025 local government has two levels (tỉnh and xã: the districts
were abolished and their procedures handed down to the communes), so the report also gives the
two-level structure, where a ``huyen`` row counts with ``xa``. A ``huyen`` row received on or after
1 July 2025 is kept as the list says in the three-level table, counted with ``xa`` in the two-level
one, and named (by line) among the warnings.

The catalog does the matching from its indexes alone (``dossiers.kinds``, :mod:`archive.kpi_index`):
one range scan of the dossiers whose matter starts around the period, one query for the listed
codes not found among them, one for the form types of the dossiers not on the list.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from archive._catalog_store import _read_error as read_error
from archive.catalog import Catalog
from archive.kpi_received import LEVELS, Received, ReceivedList, RowProblem

REFORM_DATE = date(2025, 7, 1)
"""From this day local government has two levels, tỉnh and xã (Luật Tổ chức chính quyền địa phương 2025)."""
LEVELS_2025 = ("tinh", "xa")
_PG_CODES = "unnest(string_to_array(%(codes)s, E'\\n')) AS j(code)"
"""Many codes as one text parameter, one per line: binding a 200,000-element array cost more than the query."""
_PG_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL max_parallel_workers_per_gather = 0")
"""For these few large joins PostgreSQL's plan compiler and parallel workers cost more than they save
(measured with ``bench/catalog.py --kpi``: a second for JIT, a quarter for the workers' start)."""
_FLAGS = {  # the listed codes' dossiers, from the (code, kinds) index alone
    "sqlite": "SELECT d.code, d.kinds FROM json_each(:codes) AS j JOIN dossiers d ON d.code = j.value",
    "postgresql": f"SELECT d.code, d.kinds FROM {_PG_CODES} JOIN dossiers d ON d.code = j.code",
}
_WINDOW = {  # the dossiers whose matter starts in a window, from the (start_date, code, kinds) index alone
    "sqlite": "SELECT d.code, d.start_date, d.kinds FROM dossiers d WHERE d.start_date >= :start "
              "AND d.start_date <= :end AND d.code IS NOT NULL",
    "postgresql": "SELECT d.code, d.start_date, d.kinds FROM dossiers d WHERE d.start_date >= %(start)s "
                  "AND d.start_date <= %(end)s AND d.code IS NOT NULL",
}
WINDOW_DAYS = 120
"""The listed dossiers are looked for first among those whose matter starts this many days around the
period (a form is dated shortly before it is received); the codes not found there are looked up one
by one through the code index. The window only saves work: every listed code is matched."""
_FORM_TYPES = {
    "sqlite": "SELECT d.code, d.form_type FROM json_each(:codes) AS j JOIN dossiers d ON d.code = j.value",
    "postgresql": f"SELECT d.code, d.form_type FROM {_PG_CODES} JOIN dossiers d ON d.code = j.code",
}
COMPONENT, RESULT = 1, 2
"""Bits of ``dossiers.kinds`` (:mod:`archive.kpi_index`)."""


@dataclass
class Counts:
    """The six numbers of one scope."""

    received: int = 0
    components_digitized: int = 0
    results_due: int = 0
    results_digitized: int = 0

    def add(self, n: int, components: bool, due: bool, results: bool) -> None:
        """Count ``n`` received dossiers alike: components digitized or not, with a result date or not, and
        their result digitized or not."""
        self.received += n
        self.components_digitized += n if components else 0
        self.results_due += n if due else 0
        self.results_digitized += n if due and results else 0

    @property
    def components_rate(self) -> float | None:
        """Components digitized over received (None when nothing was received)."""
        return self.components_digitized / self.received if self.received else None

    @property
    def results_rate(self) -> float | None:
        """Results digitized over dossiers with a result date (None when none has one)."""
        return self.results_digitized / self.results_due if self.results_due else None

    def as_json(self) -> dict:
        """The scope as ``--json`` prints it (rates 0–1)."""
        rate = lambda r: None if r is None else round(r, 6)  # noqa: E731
        return {"received": self.received, "components_digitized": self.components_digitized,
                "components_rate": rate(self.components_rate), "results_due": self.results_due,
                "results_digitized": self.results_digitized, "results_rate": rate(self.results_rate)}


@dataclass
class KpiReport:
    """The rates of one period, every scope, and the lists that explain them."""

    start: date
    end: date
    source: str
    total: Counts = field(default_factory=Counts)
    by_level: dict[str, Counts] = field(default_factory=lambda: {lv: Counts() for lv in LEVELS})
    by_level_2025: dict[str, Counts] = field(default_factory=lambda: {lv: Counts() for lv in LEVELS_2025})
    by_procedure: dict[str, Counts] = field(default_factory=dict)
    by_agency: dict[str, Counts] = field(default_factory=dict)
    by_month: dict[str, Counts] = field(default_factory=dict)
    procedure_names: dict[str, str] = field(default_factory=dict)
    not_digitized: list[Received] = field(default_factory=list)
    not_on_list: list[dict] = field(default_factory=list)
    listed: int = 0
    bad_rows: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    district_after_reform: list[int] = field(default_factory=list)
    """Lines of ``huyen`` rows received on or after 1 July 2025."""

    def as_json(self) -> dict:
        """``{"total": {…}, "by_level": {"tinh": {…}, "huyen": {…}, "xa": {…}}, …}``."""
        scopes = lambda d: {k: v.as_json() for k, v in d.items()}  # noqa: E731
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat(), "by": "ngay_tiep_nhan"},
            "source": self.source,
            "total": self.total.as_json(), "by_level": scopes(self.by_level),
            "by_level_2025": scopes(self.by_level_2025),
            "by_procedure": {k: {**v.as_json(), "name": self.procedure_names.get(k, "")}
                             for k, v in self.by_procedure.items()},
            "by_agency": scopes(self.by_agency), "by_month": scopes(self.by_month),
            "not_digitized": [{"code": r.code, "line": r.line, "ngay_tiep_nhan": r.received.isoformat(),
                               "cap": r.level, "ma_thu_tuc": r.procedure, "co_quan": r.agency,
                               "ngay_co_ket_qua": r.resolved.isoformat() if r.resolved else None}
                              for r in self.not_digitized],
            "not_on_list": self.not_on_list,
            "rows": {"listed": self.listed, "in_period": self.total.received,
                     "bad": [{"line": p.line, "column": p.column, "reason": p.reason} for p in self.bad_rows],
                     "warnings": [{"line": p.line, "column": p.column, "reason": p.reason} for p in self.warnings],
                     "huyen_after_2025_07_01": self.district_after_reform},
        }


def compute_kpi(catalog: Catalog, received: ReceivedList, start: date, end: date) -> KpiReport:
    """The rates of the dossiers received from ``start`` to ``end`` (inclusive), and the lists."""
    report = KpiReport(start, end, received.source, listed=len(received.rows), bad_rows=list(received.problems),
                       warnings=list(received.warnings))
    rows = [r for r in received.rows if start <= r.received <= end]
    window = _fetch(catalog, _WINDOW, {"start": (start - timedelta(days=WINDOW_DAYS)).isoformat(),
                                       "end": (end + timedelta(days=WINDOW_DAYS)).isoformat()})
    found = {code: kinds for code, _day, kinds in window}
    found.update(digitized(catalog, {r.code for r in rows if r.code not in found}))
    hits = [found.get(r.code) for r in rows]  # kinds bits; None: no archived dossier has the code
    components = [bool(h and h & COMPONENT) for h in hits]
    due = [r.resolved is not None for r in rows]
    results = [bool(d and h and h & RESULT) for d, h in zip(due, hits, strict=True)]
    months: dict[date, str] = {}
    keys = (
        (report.by_level, [r.level for r in rows]),
        (report.by_level_2025, ["xa" if r.level == "huyen" else r.level for r in rows]),
        (report.by_procedure, [r.procedure for r in rows]),
        (report.by_agency, [r.agency for r in rows]),
        (report.by_month, [months.get(r.received) or months.setdefault(r.received, r.received.strftime("%Y-%m"))
                           for r in rows]),
    )
    for (c, d, r), n in Counter(zip(components, due, results, strict=True)).items():
        report.total.add(n, c, d, r)
    for scope, names in keys:  # one count per (scope, facts) pair: a year's list is counted in C, not row by row
        for (key, c, d, r), n in Counter(zip(names, components, due, results, strict=True)).items():
            scope.setdefault(key, Counts()).add(n, c, d, r)
    report.district_after_reform = [r.line for r in rows if r.level == "huyen" and r.received >= REFORM_DATE]
    for row in rows:
        if row.procedure_name and row.procedure not in report.procedure_names:
            report.procedure_names[row.procedure] = row.procedure_name
    report.not_digitized = [row for row, hit in zip(rows, hits, strict=True) if hit is None]
    report.by_month = dict(sorted(report.by_month.items()))
    report.by_procedure = dict(sorted(report.by_procedure.items()))
    report.by_agency = dict(sorted(report.by_agency.items()))
    report.not_on_list = _not_on_list(catalog, window, received.codes, start, end)
    return report


def digitized(catalog: Catalog, codes: Iterable[str]) -> dict[str, int]:
    """Code → what its archived dossier holds (``dossiers.kinds`` bits: :data:`COMPONENT`, :data:`RESULT`),
    for the codes the catalog knows (one query)."""
    wanted = list(set(codes))
    if not wanted:
        return {}
    return dict(_fetch(catalog, _FLAGS, {"codes": _codes_param(catalog, wanted)}))


def not_on_list(catalog: Catalog, listed: set[str], start: date, end: date) -> list[dict]:
    """Archived dossiers whose matter starts in the period and whose code the list does not hold."""
    window = _fetch(catalog, _WINDOW, {"start": start.isoformat(), "end": end.isoformat()})
    return _not_on_list(catalog, window, listed, start, end)


def _not_on_list(catalog: Catalog, window: list[tuple], listed: set[str], start: date, end: date) -> list[dict]:
    """Of the dossiers of a window (code, start date, kinds), those of the period whose code is not listed."""
    first, last = start.isoformat(), end.isoformat()
    rows = sorted((day, code, kinds) for code, day, kinds in window if first <= day <= last and code not in listed)
    forms = dict(_fetch(catalog, _FORM_TYPES, {"codes": _codes_param(catalog, [r[1] for r in rows])})) if rows else {}
    return [{"code": code, "start_date": day, "form_type": forms.get(code), "components": bool((kinds or 0) & COMPONENT),
             "results": bool((kinds or 0) & RESULT)} for day, code, kinds in rows]


def _codes_param(catalog: Catalog, codes: list[str]) -> str:
    """Many codes as one parameter: a JSON array for SQLite's ``json_each``, one per line for PostgreSQL
    (a code is one line: the received list's cells are read as one line each)."""
    return "\n".join(codes) if catalog.dialect == "postgresql" else json.dumps(codes)


def _fetch(catalog: Catalog, sql: Mapping[str, str], params: dict) -> list[tuple]:
    """The rows of one query through the driver's own cursor: a few hundred thousand plain tuples, without
    building a result row object for each (the catalog's read transaction and error messages all the same)."""
    def read(db) -> list[tuple]:  # noqa: ANN001 - a SQLAlchemy connection
        cursor = db.connection.dbapi_connection.cursor()
        try:
            for setting in _PG_SETTINGS if catalog.dialect == "postgresql" else ():
                cursor.execute(setting)
            cursor.execute(sql["postgresql" if catalog.dialect == "postgresql" else "sqlite"], params)
            return cursor.fetchall()
        except Exception as exc:  # noqa: BLE001 - the driver's error, named as every catalog read names it
            raise read_error(exc) from exc
        finally:
            cursor.close()

    return catalog._read(read)  # noqa: SLF001


def percent_vi(rate: float | None) -> str:
    """A rate as Vietnamese readers write it: ``0.66262`` → ``66,26 %``; no rate → ``—``."""
    return "—" if rate is None else f"{rate * 100:.2f}".replace(".", ",") + " %"


def number_vi(value: int) -> str:
    """A count with a dot between thousands: ``71085`` → ``71.085``."""
    return f"{value:,}".replace(",", ".")


def month_vi(key: str) -> str:
    """``2023-07`` → ``Tháng 7/2023``."""
    year, month = key.split("-")
    return f"Tháng {int(month)}/{year}"
