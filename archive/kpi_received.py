"""The one-stop-shop system's list of received dossiers, read for the digitization rates (``sohoa kpi``).

A CSV (UTF-8 with or without BOM, UTF-16 as Excel writes "Unicode text", or Windows-1258; comma,
semicolon or tab) or an XLSX workbook (its first sheet; title rows above the header are skipped).
Columns, by name in any order (other columns are ignored):

========================  ===============================================  ==========================
column                    also accepted (diacritics and case ignored)      value
========================  ===============================================  ==========================
``ma_ho_so``              Mã hồ sơ, Mã số hồ sơ, Số hồ sơ                  the dossier code
``ngay_tiep_nhan``        Ngày tiếp nhận, Ngày nhận, Ngày nhận hồ sơ       a date
``ma_thu_tuc``            Mã thủ tục, Mã TTHC, Mã thủ tục hành chính        the procedure's code
``cap``                   Cấp, Cấp giải quyết, Cấp thực hiện               ``tinh``, ``huyen``, ``xa``
``co_quan``               Cơ quan, Cơ quan giải quyết, Đơn vị              the agency
``ngay_co_ket_qua``       Ngày có kết quả, Ngày trả kết quả, Ngày kết quả  a date; empty while unresolved
``ten_thu_tuc`` (option)  Tên thủ tục, Tên TTHC                            the procedure's name
========================  ===============================================  ==========================

Dates are ``dd/mm/yyyy`` (``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, a time after it is
ignored), ISO ``yyyy-mm-dd`` (or an ISO date-time), or a date cell of the workbook. ``cap`` also
takes "Cấp tỉnh", "Tỉnh", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn", "Đặc khu".

A row that cannot be read is named by its line (and the column), never by its values: the list
holds dossier codes and dates of citizens' matters. A code listed twice counts once.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from archive.search import fold
from sohoa.errors import ExitCode, SohoaError

LEVELS = ("tinh", "huyen", "xa")
LEVELS_VI = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}
COLUMNS = ("ma_ho_so", "ngay_tiep_nhan", "ma_thu_tuc", "cap", "co_quan", "ngay_co_ket_qua")
MAX_BYTES = 512 * 1024 * 1024
"""A received list larger than this is refused (a year of a province is a few tens of MB)."""
_ALIASES = {
    "ma_ho_so": ("ma ho so", "ma so ho so", "so ho so", "ma hs", "ma ho so tthc"),
    "ngay_tiep_nhan": ("ngay tiep nhan", "ngay nhan", "ngay nhan ho so", "ngay tiep nhan ho so",
                       "thoi gian tiep nhan"),
    "ma_thu_tuc": ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh", "ma so thu tuc"),
    "cap": ("cap", "cap giai quyet", "cap thuc hien", "cap hanh chinh"),
    "co_quan": ("co quan", "co quan giai quyet", "co quan tiep nhan", "co quan thuc hien", "don vi",
                "don vi giai quyet"),
    "ngay_co_ket_qua": ("ngay co ket qua", "ngay ket qua", "ngay tra ket qua", "ngay hoan thanh",
                        "ngay giai quyet xong"),
    "ten_thu_tuc": ("ten thu tuc", "ten tthc", "ten thu tuc hanh chinh"),
}
_LEVEL_WORDS = {
    "tinh": ("tinh", "thanh pho truc thuoc trung uong"),
    "huyen": ("huyen", "quan", "quan huyen", "huyen quan", "thi xa", "thanh pho thuoc tinh", "quan huyen thi xa",
              "huyen quan thi xa thanh pho"),
    "xa": ("xa", "phuong", "thi tran", "xa phuong", "phuong xa", "xa phuong thi tran", "dac khu"),
}
_LEVEL_OF = {word: level for level, words in _LEVEL_WORDS.items() for word in words}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T].*)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_COLUMN_VI = {"ma_ho_so": "Mã hồ sơ", "ngay_tiep_nhan": "Ngày tiếp nhận", "ma_thu_tuc": "Mã thủ tục", "cap": "Cấp",
              "co_quan": "Cơ quan", "ngay_co_ket_qua": "Ngày có kết quả"}


class ReceivedListError(SohoaError):
    """The received list cannot be used (missing columns, unreadable, bad rows)."""

    exit_code = ExitCode.CONFIG
    reason = "bad_received_list"
    message_vi = "Danh sách hồ sơ tiếp nhận không dùng được."


class Received(NamedTuple):
    """One received dossier as the one-stop-shop system lists it (a tuple: a year's list holds 200,000)."""

    line: int
    code: str
    received: date
    procedure: str
    level: str
    agency: str
    resolved: date | None
    procedure_name: str = ""


@dataclass(frozen=True)
class RowProblem:
    """A row that was not used (or a warning about one): its line and, when one column is at fault, that column."""

    line: int
    column: str
    reason: str
    """``missing_code``, ``bad_date``, ``bad_level``, ``result_before_received``, ``duplicate_code``."""

    def vi(self) -> str:
        """The problem in Vietnamese, without the row's values."""
        where = f" (cột {_COLUMN_VI.get(self.column, self.column)})" if self.column else ""
        what = {"missing_code": "thiếu mã hồ sơ", "bad_date": "không phải ngày hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)",
                "missing_date": "thiếu ngày tiếp nhận",
                "bad_level": "cấp không hợp lệ (tinh, huyen hoặc xa)",
                "result_before_received": "ngày có kết quả trước ngày tiếp nhận",
                "duplicate_code": "mã hồ sơ trùng với một dòng trước (chỉ tính một lần)"}.get(self.reason, self.reason)
        return f"dòng {self.line}{where}: {what}"

    def en(self) -> str:
        """The problem in English, without the row's values."""
        return f"line {self.line}" + (f" ({self.column})" if self.column else "") + f": {self.reason}"


@dataclass
class ReceivedList:
    """The rows of a received list that could be read, and the problems of the others."""

    source: str
    rows: list[Received] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    """Rows left out (bad)."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Rows used with a remark (a code listed twice is counted once)."""

    @property
    def codes(self) -> set[str]:
        """Every code on the list (any date)."""
        return {r.code for r in self.rows}


def read_received(path: Path, *, skip_bad_rows: bool = False) -> ReceivedList:
    """Read the received list at ``path`` (CSV or XLSX, told apart by content).

    Raises:
        ReceivedListError: The file cannot be read, a required column is missing, or a row is bad
            (unless ``skip_bad_rows``: bad rows are then left out and listed in ``problems``).
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReceivedListError(f"the received list is larger than {MAX_BYTES // 2**20} MiB",
                                    message_vi="Tệp danh sách hồ sơ tiếp nhận quá lớn.")
        data = path.read_bytes()
    except OSError as exc:
        raise ReceivedListError(f"cannot read the received list ({exc.strerror})",
                                message_vi=f"Không đọc được tệp danh sách hồ sơ tiếp nhận {path.name}.") from exc
    return parse_received(data, path.name, skip_bad_rows=skip_bad_rows)


def parse_received(data: bytes, name: str = "danh-sach", *, skip_bad_rows: bool = False) -> ReceivedList:
    """Read a received list from its bytes (the web station's upload; ``name`` is only shown)."""
    if data[:4] == b"PK\x03\x04":
        table = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReceivedListError("an old .xls workbook: save it as .xlsx or CSV",
                                message_vi="Tệp Excel cũ (.xls): hãy lưu lại dạng .xlsx hoặc CSV.")
    else:
        table = _csv_rows(data)
    out = ReceivedList(name)
    header_at, columns = _header(table)
    first: dict[str, int] = {}
    for line, cells in table:
        if line <= header_at or not any(cells):
            continue  # the header and what is above it, and empty rows
        row = _row(line, cells, columns, out.problems)
        if row is None:
            continue
        if row.code in first:
            out.warnings.append(RowProblem(line, "ma_ho_so", "duplicate_code"))
            continue
        first[row.code] = line
        out.rows.append(row)
    if out.problems and not skip_bad_rows:
        shown = "; ".join(p.vi() for p in out.problems[:20])
        more = f"; và {len(out.problems) - 20} dòng khác" if len(out.problems) > 20 else ""
        raise ReceivedListError(
            f"{len(out.problems)} row(s) of the received list cannot be read: "
            + "; ".join(p.en() for p in out.problems[:20]) + " (fix them, or pass --skip-bad-rows to leave them out)",
            message_vi=f"{len(out.problems)} dòng của danh sách hồ sơ tiếp nhận không đọc được: {shown}{more}. "
                       "Sửa các dòng này, hoặc dùng --skip-bad-rows để bỏ qua chúng.")
    return out


def _row(line: int, cells: list, columns: dict[str, int], problems: list[RowProblem]) -> Received | None:
    """One data row, or None (its problem appended)."""
    if len(cells) < columns["_width"]:
        cells = [*cells, *([None] * (columns["_width"] - len(cells)))]
    code = _text(cells[columns["ma_ho_so"]])
    if not code:
        if any(_text(c) for c in cells):  # a row of spaces is an empty row, not a bad one
            problems.append(RowProblem(line, "ma_ho_so", "missing_code"))
        return None
    received_cell = cells[columns["ngay_tiep_nhan"]]
    received = parse_date(received_cell)
    if received is None:
        problems.append(RowProblem(line, "ngay_tiep_nhan", "missing_date" if not _text(received_cell) else "bad_date"))
        return None
    level = parse_level(cells[columns["cap"]])
    if level is None:
        problems.append(RowProblem(line, "cap", "bad_level"))
        return None
    resolved_cell = cells[columns["ngay_co_ket_qua"]]
    resolved = parse_date(resolved_cell) if resolved_cell not in (None, "") else None
    if resolved is None and _text(resolved_cell):
        problems.append(RowProblem(line, "ngay_co_ket_qua", "bad_date"))
        return None
    if resolved is not None and resolved < received:
        problems.append(RowProblem(line, "ngay_co_ket_qua", "result_before_received"))
        return None
    name = columns.get("ten_thu_tuc")
    return Received(line, code, received, _text(cells[columns["ma_thu_tuc"]]), level,
                    _text(cells[columns["co_quan"]]), resolved, _text(cells[name]) if name is not None else "")


def _header(table: list[tuple[int, list]]) -> tuple[int, dict[str, int]]:
    """The header row's line and column positions (the first of the first 30 rows naming a known column)."""
    best: tuple[int, dict[str, int]] | None = None
    for line, cells in table[:30]:
        columns: dict[str, int] = {}
        for index, value in enumerate(cells):
            name = header_name(value)
            if name and name not in columns:
                columns[name] = index
        if "ma_ho_so" in columns and len(columns) >= 2:
            best = (line, columns)
            break
    if best is None:
        raise ReceivedListError("no header row naming ma_ho_so (Mã hồ sơ) in the first 30 rows of the received list",
                                message_vi="Không thấy dòng tiêu đề có cột \"ma_ho_so\" (Mã hồ sơ) trong danh sách.")
    missing = [c for c in COLUMNS if c not in best[1]]
    best[1]["_width"] = max(best[1].values()) + 1
    if missing:
        raise ReceivedListError(f"the received list lacks the column(s) {', '.join(missing)}",
                                message_vi="Danh sách hồ sơ tiếp nhận thiếu cột: "
                                           + ", ".join(f"{c} ({_COLUMN_VI[c]})" for c in missing) + ".")
    return best


def header_name(value: object) -> str | None:
    """The column a header cell names (``"Mã hồ sơ"`` → ``ma_ho_so``), or None."""
    if value is None:
        return None
    folded = _NON_WORD.sub(" ", fold(str(value))).strip()
    for name, aliases in _ALIASES.items():
        if folded == name.replace("_", " ") or folded in aliases:
            return name
    return None


def parse_level(value: object) -> str | None:
    """``tinh``, ``huyen`` or ``xa`` from a cell ("Cấp xã", "Phường" …), else None."""
    return _level(value if isinstance(value, str) else str(value or ""))


@functools.lru_cache(maxsize=4096)
def _level(value: str) -> str | None:
    """A list repeats a handful of level spellings: each is folded once."""
    folded = _NON_WORD.sub(" ", fold(value)).strip()
    folded = folded[4:] if folded.startswith("cap ") else folded
    return _LEVEL_OF.get(folded)


def parse_date(value: object) -> date | None:
    """A date from a cell: a date or date-time, ``dd/mm/yyyy`` (time ignored) or ISO; else None."""
    if isinstance(value, str):
        return _date_text(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))  # an Excel serial day number
    return _date_text(str(value or ""))


@functools.lru_cache(maxsize=16384)
def _date_text(value: str) -> date | None:
    """A date written as text (a year of a list repeats a few hundred spellings: each is parsed once)."""
    text = value.strip()
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            found = date(year, month, day)
        else:
            match = _ISO.match(text)
            if not match:
                return None
            found = date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return found if 1980 <= found.year <= 2200 else None


def _text(value: object) -> str:
    if type(value) is str and value.isascii():  # codes and most cells: no normalisation to do
        value = value.strip()
        return value if "  " not in value and "\t" not in value else " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _decode(data: bytes) -> str:
    """The CSV's text: UTF-16 (BOM), UTF-8 (BOM or not), else Windows-1258 (Vietnamese Windows), NFC."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError as exc:
                raise ReceivedListError("the received list is neither UTF-8, UTF-16 nor Windows-1258 text",
                                        message_vi="Không đọc được bảng mã của tệp danh sách (cần UTF-8).") from exc
    return unicodedata.normalize("NFC", text)


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    """(line, cells) of every CSV record; the line is where the record ends."""
    text = _decode(data)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise ReceivedListError(f"the CSV is malformed near line {reader.line_num}",
                                message_vi=f"Tệp CSV bị lỗi định dạng gần dòng {reader.line_num}.") from exc


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) of the workbook's first sheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReceivedListError("the XLSX workbook cannot be read",
                                message_vi="Không đọc được tệp Excel (.xlsx) của danh sách.") from exc
    try:
        sheet = book.worksheets[0]
        return [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
