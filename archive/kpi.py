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

The catalog does the matching: one indexed query for the listed codes and one for the dossiers of
the period (:mod:`archive.kpi_index` keeps each dossier's documents).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from archive.catalog import Catalog
from archive.kpi_received import LEVELS, Received, ReceivedList, RowProblem

REFORM_DATE = date(2025, 7, 1)
"""From this day local government has two levels, tỉnh and xã (Luật Tổ chức chính quyền địa phương 2025)."""
LEVELS_2025 = ("tinh", "xa")
GROUPINGS = ("level", "procedure", "agency", "month")
_FLAGS = {
    "sqlite": ("SELECT d.code, d.dossier_id, "
               "EXISTS (SELECT 1 FROM dossier_documents x WHERE x.dossier_id = d.dossier_id AND x.kind = 'component'), "
               "EXISTS (SELECT 1 FROM dossier_documents x WHERE x.dossier_id = d.dossier_id AND x.kind = 'result') "
               "FROM json_each(:codes) AS j JOIN dossiers d ON d.code = j.value"),
    "postgresql": ("SELECT d.code, d.dossier_id, "
                   "EXISTS (SELECT 1 FROM dossier_documents x WHERE x.dossier_id = d.dossier_id "
                   "AND x.kind = 'component'), "
                   "EXISTS (SELECT 1 FROM dossier_documents x WHERE x.dossier_id = d.dossier_id AND x.kind = 'result') "
                   "FROM unnest(CAST(:codes AS text[])) AS j(code) JOIN dossiers d ON d.code = j.code"),
}
_IN_PERIOD = ("SELECT d.code, d.dossier_id, d.start_date, d.form_type FROM dossiers d "
              "WHERE d.start_date >= :start AND d.start_date <= :end ORDER BY d.start_date, d.code")


@dataclass(frozen=True)
class Digitized:
    """What the archive holds for one dossier code."""

    components: bool
    results: bool


@dataclass
class Counts:
    """The six numbers of one scope."""

    received: int = 0
    components_digitized: int = 0
    results_due: int = 0
    results_digitized: int = 0

    def add(self, row: Received, found: Digitized | None) -> None:
        """Count one received dossier."""
        self.received += 1
        self.components_digitized += bool(found and found.components)
        if row.resolved is not None:
            self.results_due += 1
            self.results_digitized += bool(found and found.results)

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
    found = digitized(catalog, [r.code for r in rows])
    for row in rows:
        hit = found.get(row.code)
        level_2025 = "xa" if row.level == "huyen" else row.level
        if row.level == "huyen" and row.received >= REFORM_DATE:
            report.district_after_reform.append(row.line)
        scopes = [report.total, report.by_level[row.level], report.by_level_2025[level_2025],
                  report.by_procedure.setdefault(row.procedure, Counts()),
                  report.by_agency.setdefault(row.agency, Counts()),
                  report.by_month.setdefault(row.received.strftime("%Y-%m"), Counts())]
        for scope in scopes:
            scope.add(row, hit)
        if row.procedure_name and row.procedure not in report.procedure_names:
            report.procedure_names[row.procedure] = row.procedure_name
        if hit is None:
            report.not_digitized.append(row)
    report.by_month = dict(sorted(report.by_month.items()))
    report.by_procedure = dict(sorted(report.by_procedure.items()))
    report.by_agency = dict(sorted(report.by_agency.items()))
    report.not_on_list = not_on_list(catalog, received.codes, start, end)
    return report


def digitized(catalog: Catalog, codes: Iterable[str]) -> dict[str, Digitized]:
    """Code → what its archived dossier holds, for the codes the catalog knows (one query)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    sql = _FLAGS["postgresql" if catalog.dialect == "postgresql" else "sqlite"]
    param = wanted if catalog.dialect == "postgresql" else json.dumps(wanted)
    rows = catalog._read(lambda db: db.execute(text(sql), {"codes": param}).all())  # noqa: SLF001
    return {code: Digitized(bool(c), bool(r)) for code, _id, c, r in rows}


def not_on_list(catalog: Catalog, listed: set[str], start: date, end: date) -> list[dict]:
    """Archived dossiers whose matter starts in the period and whose code the list does not hold."""
    rows = catalog._read(lambda db: db.execute(  # noqa: SLF001
        text(_IN_PERIOD), {"start": start.isoformat(), "end": end.isoformat()}).all())
    missing = [r for r in rows if r.code not in listed]
    kinds = _kinds(catalog, [r.dossier_id for r in missing])
    return [{"code": r.code, "start_date": r.start_date, "form_type": r.form_type,
             "components": "component" in kinds.get(r.dossier_id, ()),
             "results": "result" in kinds.get(r.dossier_id, ())} for r in missing]


def _kinds(catalog: Catalog, dossier_ids: list[str]) -> Mapping[str, set[str]]:
    """Dossier id → the kinds of documents it holds."""
    out: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(dossier_ids), 500):
        chunk = dossier_ids[start:start + 500]
        marks = ", ".join(f":d{i}" for i in range(len(chunk)))
        rows = catalog._read(lambda db, c=chunk, m=marks: db.execute(  # noqa: SLF001
            text(f"SELECT DISTINCT dossier_id, kind FROM dossier_documents WHERE dossier_id IN ({m})"),
            {f"d{i}": v for i, v in enumerate(c)}).all())
        for dossier_id, kind in rows:
            out[dossier_id].add(kind)
    return out


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
