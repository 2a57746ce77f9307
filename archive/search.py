"""Search text with and without diacritics: folding, FTS5 query building and snippets.

Text is stored as NFC; the full-text index holds a *folded* copy: lower case, tone and vowel marks
removed, đ/Đ → d. Folding maps every NFC character to exactly one character, so a match found in
the folded copy is at the same offsets in the original and the snippet shows the original text
("nguyen van an" finds and prints "Nguyễn Văn An"). SQLite's own ``remove_diacritics`` does not
fold đ, which has no Unicode decomposition — hence this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping

_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_TOKEN = re.compile(r"\w+")
SNIPPET_CHARS = 40
"""Characters of context shown on each side of a match."""


def fold_char(char: str) -> str:
    """Fold one character to exactly one character: lower case, without diacritics."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Fold NFC text character by character (same length as the NFC text)."""
    return "".join(fold_char(c) for c in unicodedata.normalize("NFC", text))


def query_tokens(query: str) -> list[str]:
    """The folded words of a query (punctuation, FTS5 operators and quotes dropped)."""
    return _TOKEN.findall(fold(query))


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of ``query``, or None when it has no words."""
    tokens = query_tokens(query)
    return " ".join(f'"{token}"' for token in tokens) if tokens else None


def snippet(text: str, query: str, *, width: int = SNIPPET_CHARS) -> str:
    """A one-line extract of ``text`` (original spelling) around the first matched query word."""
    nfc = unicodedata.normalize("NFC", text)
    folded = fold(nfc)
    starts = [m.start() for token in query_tokens(query)
              for m in [re.search(rf"(?<!\w){re.escape(token)}", folded)] if m]
    at = min(starts) if starts else 0
    lo, hi = max(0, at - width), min(len(nfc), at + width)
    piece = " ".join(nfc[lo:hi].split())
    return f"{'…' if lo > 0 else ''}{piece}{'…' if hi < len(nfc) else ''}"


def index_rows(record: Mapping[str, object]) -> Iterator[tuple[int | None, str | None, str]]:
    """(page, field key, NFC text) to index for one export record: OCR text per page, then fields."""
    for page in record.get("pages") or []:
        if isinstance(page, Mapping) and page.get("text"):
            yield page.get("source_page"), None, unicodedata.normalize("NFC", str(page["text"]))
    fields = record.get("fields") or {}
    if isinstance(fields, Mapping):
        for key, field in sorted(fields.items()):
            value = field.get("value") if isinstance(field, Mapping) else None
            if value:
                yield None, str(key), unicodedata.normalize("NFC", str(value))
