"""The catalog's full-text index, one implementation per database, over the ``search_text`` rows.

Both index the *folded* text of :mod:`archive.search` (lower case, no diacritics, đ → d) and
require every word of a query, so "nguyen van an" finds "Nguyễn Văn An" on either database.

- SQLite: an FTS5 table (``unicode61`` tokenizer), ranked by BM25.
- PostgreSQL (no FTS5): a ``tsvector`` column holding the folded words as literal lexemes — built
  here, not by a text-search configuration, so no stemming or stop words change what matches —
  with a GIN index, queried with a literal ``tsquery`` and ranked by ``ts_rank``.

The index is derived data: after a catalog is copied, :meth:`rebuild` recreates it from
``search_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, RowMapping, text

from archive import search as _search

Row = tuple[int | None, str | None, str]
"""(page, field key, NFC text) of one indexed piece."""
_WORD = re.compile(r"[^\W_]+")
_MAX_LEXEME_BYTES = 1000  # PostgreSQL refuses lexemes over 2 KiB; no real word is that long


def index_for(dialect: str) -> Fts5Index | TsvectorIndex:
    """The search index of a database dialect."""
    return TsvectorIndex() if dialect == "postgresql" else Fts5Index()


class Fts5Index:
    """SQLite FTS5 over the folded text; ``search_fts.rowid`` is ``search_text.id`` (made by migration 0002)."""

    def replace(self, conn: Connection, dossier_id: str, rows: Iterable[Row]) -> None:
        """Drop the dossier's indexed rows and index ``rows`` instead."""
        conn.execute(text("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_text "
                          "WHERE dossier_id = :d)"), {"d": dossier_id})
        conn.execute(text("DELETE FROM search_text WHERE dossier_id = :d"), {"d": dossier_id})
        for page, field, value in rows:
            new_id = conn.execute(text("INSERT INTO search_text (dossier_id, page, field, text) "
                                       "VALUES (:d, :p, :f, :t)"),
                                  {"d": dossier_id, "p": page, "f": field, "t": value}).lastrowid
            conn.execute(text("INSERT INTO search_fts (rowid, folded) VALUES (:i, :x)"),
                         {"i": new_id, "x": _search.fold(value)})

    def rebuild(self, conn: Connection) -> None:
        """Index every ``search_text`` row again."""
        conn.execute(text("DELETE FROM search_fts"))
        rows = conn.execute(text("SELECT id, text FROM search_text")).all()
        if rows:
            conn.execute(text("INSERT INTO search_fts (rowid, folded) VALUES (:i, :x)"),
                         [{"i": i, "x": _search.fold(t)} for i, t in rows])

    def query(self, conn: Connection, query: str, limit: int) -> list[RowMapping]:
        """The best ``limit`` rows holding every word of ``query``."""
        expression = _search.fts_query(query)
        if expression is None:
            return []
        return list(conn.execute(text(
            "SELECT t.dossier_id, t.page, t.field, t.text FROM search_fts JOIN search_text t "
            "ON t.id = search_fts.rowid WHERE search_fts MATCH :q ORDER BY bm25(search_fts), t.id LIMIT :n"),
            {"q": expression, "n": limit}).mappings())


class TsvectorIndex:
    """PostgreSQL: ``search_text.lexemes`` (tsvector of folded words) with a GIN index (made by migration 0002)."""

    def replace(self, conn: Connection, dossier_id: str, rows: Iterable[Row]) -> None:
        """Drop the dossier's indexed rows and index ``rows`` instead."""
        conn.execute(text("DELETE FROM search_text WHERE dossier_id = :d"), {"d": dossier_id})
        params = [{"d": dossier_id, "p": page, "f": field, "t": value, "x": lexemes(value)}
                  for page, field, value in rows]
        if params:
            conn.execute(text("INSERT INTO search_text (dossier_id, page, field, text, lexemes) "
                              "VALUES (:d, :p, :f, :t, CAST(:x AS tsvector))"), params)

    def rebuild(self, conn: Connection) -> None:
        """Compute the lexemes of every ``search_text`` row again."""
        rows = conn.execute(text("SELECT id, text FROM search_text")).all()
        if rows:
            conn.execute(text("UPDATE search_text SET lexemes = CAST(:x AS tsvector) WHERE id = :i"),
                         [{"i": i, "x": lexemes(t)} for i, t in rows])

    def query(self, conn: Connection, query: str, limit: int) -> list[RowMapping]:
        """The best ``limit`` rows holding every word of ``query``."""
        words = words_of(query)
        if not words:
            return []
        return list(conn.execute(text(
            "SELECT dossier_id, page, field, text FROM search_text WHERE lexemes @@ CAST(:q AS tsquery) "
            "ORDER BY ts_rank(lexemes, CAST(:q AS tsquery)) DESC, id LIMIT :n"),
            {"q": " & ".join(_quote(w) for w in words), "n": limit}).mappings())


def words_of(value: str) -> list[str]:
    """The distinct folded words of ``value``, in order (letters and digits; ``_`` separates)."""
    found = _WORD.findall(_search.fold(value))
    return [w for w in dict.fromkeys(found) if len(w.encode()) <= _MAX_LEXEME_BYTES]


def lexemes(value: str) -> str:
    """``value``'s folded words as ``tsvector`` input: quoted literal lexemes, no normalisation."""
    return " ".join(_quote(w) for w in words_of(value))


def _quote(word: str) -> str:
    """A quoted lexeme (words hold no quote or backslash; escaped all the same)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
