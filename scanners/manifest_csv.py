"""The batch manifest: a CSV a clerk (or the front-office system) drops into the inbox with the scans.

One row per dossier, columns ``file`` (name in the inbox), ``dossier`` (1-based position of the
dossier in a stacked file; empty for a file holding one dossier), ``code`` (mã hồ sơ) and
``category`` (procedure category). Vietnamese headers are accepted too (``tệp``, ``hồ sơ số``,
``mã hồ sơ``, ``lĩnh vực``). UTF-8, with or without the BOM Excel writes.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_HEADERS = {"file": "file", "tệp": "file", "tep": "file", "dossier": "dossier", "hồ sơ số": "dossier",
            "stt": "dossier", "code": "code", "mã hồ sơ": "code", "ma_ho_so": "code",
            "category": "category", "lĩnh vực": "category"}


class ManifestError(ValueError):
    """The manifest cannot be used (the message names the line, never a value)."""


@dataclass(frozen=True)
class ManifestRow:
    """What the manifest says about one dossier."""

    code: str | None
    category: str | None


@dataclass(frozen=True)
class Manifest:
    """Rows by (file, dossier position); position None for a row that covers the whole file."""

    rows: dict[tuple[str, int | None], ManifestRow]

    def lookup(self, file: str, position: int, count: int) -> ManifestRow | None:
        """The row for the ``position``-th of ``count`` dossiers cut from ``file``."""
        row = self.rows.get((file, position))
        if row is None and count == 1:
            row = self.rows.get((file, None))
        return row

    def expected_count(self, file: str) -> int | None:
        """How many dossiers the manifest lists for ``file`` (None when it does not number them)."""
        numbers = [n for (f, n) in self.rows if f == file and n is not None]
        return max(numbers) if numbers else None


def _key(header: str) -> str:
    name = unicodedata.normalize("NFC", header.strip().lower())
    if name not in _HEADERS:
        raise ManifestError(f"unknown column {header.strip()!r}: use file, dossier, code, category")
    return _HEADERS[name]


def read_manifest(path: Path) -> Manifest:
    """Read a manifest; an absent file is an empty manifest.

    Raises:
        ManifestError: unknown column, missing file name, bad dossier number or a repeated row.
    """
    if not path.is_file():
        return Manifest({})
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [_key(h) for h in next(reader, [])]
        if "file" not in header:
            raise ManifestError("the manifest has no 'file' column")
        rows: dict[tuple[str, int | None], ManifestRow] = {}
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            cells = {k: unicodedata.normalize("NFC", v.strip()) for k, v in zip(header, values)}
            rows.update(_row(cells, line, rows))
    return Manifest(rows)


def _row(cells: dict[str, str], line: int, seen: dict) -> dict[tuple[str, int | None], ManifestRow]:
    file = cells.get("file", "").rstrip("/")
    if not file:
        raise ManifestError(f"line {line}: the file name is empty")
    number = cells.get("dossier") or None
    if number is not None and not (number.isdigit() and int(number) >= 1):
        raise ManifestError(f"line {line}: the dossier number must be 1, 2, 3 …")
    key = (file, int(number) if number else None)
    if key in seen:
        raise ManifestError(f"line {line}: this file and dossier number are already listed")
    return {key: ManifestRow(cells.get("code") or None, cells.get("category") or None)}
