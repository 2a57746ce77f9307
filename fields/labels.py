"""Finding printed labels on OCR'd lines: fuzzy, diacritic-tolerant, robust to split and merged words.

A label matches a run of tokens on one line when the diacritic-folded, space-free text of the run is
close to the label's (difflib ratio). Several labels share words (``Họ, chữ đệm, tên`` and
``Họ, chữ đệm, tên người mẹ``): per line, the longest good match wins and matches never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fields.text import Token, fold_words, is_junk, ratio

MIN_SCORE = 0.8
_EXACT_BELOW = 4
_NUMBERING = re.compile(r"^\d{1,2}$")
_ITEM = re.compile(r"^\(?\d{1,2}[.),;]?$")
"""An item number before a label (``4.``, ``(4)``; ``10,``: its stop read as a comma)."""
_JUNK_CONFIDENCE = 0.4
"""A word read below this confidence after a leader line is junk, so a label may follow it."""
_START_GAP = 1.2
"""A label after plain text must be this many line heights away from it."""


@dataclass(frozen=True)
class Label:
    """One distinct printed text to look for, and the keys that own it."""

    folded: str
    words: int
    owners: frozenset[str]


@dataclass(frozen=True)
class Match:
    """Where a label was found: tokens ``start`` … ``end - 1`` of line ``line``."""

    label: Label
    line: int
    start: int
    end: int
    score: float


def label_words(text: str) -> list[str]:
    """Folded words of a printed label, without a leading item number (``"1. Họ"`` → ``["ho"]``)."""
    words = fold_words(text)
    while words and _NUMBERING.match(words[0]) and len(words) > 1:
        words = words[1:]
    return words


def build_labels(owned: Iterable[tuple[str, str]]) -> tuple[Label, ...]:
    """Merge (owner key, printed text) pairs into distinct labels.

    Args:
        owned: Pairs such as ``("dan_toc", "Dân tộc:")``; one text may have several owners.

    Returns:
        One :class:`Label` per distinct folded text.
    """
    owners: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    for owner, text in owned:
        words = label_words(text)
        if not words:
            continue
        key = "".join(words)
        owners.setdefault(key, set()).add(owner)
        sizes[key] = len(words)
    return tuple(Label(k, sizes[k], frozenset(v)) for k, v in owners.items())


def _tolerance(label: Label) -> int:
    return max(1, len(label.folded) // 6)


def _score(window: str, label: Label) -> float:
    """Similarity of a token run to a label; the first letters must agree (no mid-word matches)."""
    if len(label.folded) < _EXACT_BELOW:
        return 1.0 if window == label.folded else 0.0
    if ratio(window[:3], label.folded[:3]) < 0.6:
        return 0.0
    return ratio(window, label.folded)


def _windows(line: Sequence[Token], spots: list[int], pos: int, label: Label):
    """(last token index, joined folded text) of the runs from ``spots[pos]`` near the label's length."""
    joined = ""
    low, high = len(label.folded) - _tolerance(label), len(label.folded) + _tolerance(label)
    for index in spots[pos:]:
        joined += line[index].folded
        if len(joined) > high:
            return
        if len(joined) >= low:
            yield index, joined


def _may_start(line: Sequence[Token], start: int) -> bool:
    """A label starts a line, or follows junk (leaders, a rule), an item number or a wide gap.

    This keeps labels from matching inside a value (``Phường …`` in an address).
    """
    if start == 0:
        return True
    prev, token = line[start - 1], line[start]
    if is_junk(prev.text) or _ITEM.match(prev.text) or prev.text.endswith((":", ".", ")")):
        return True
    if prev.confidence < _JUNK_CONFIDENCE:
        return True
    return token.bbox.left - prev.bbox.right > _START_GAP * max(min(token.bbox.height, prev.bbox.height), 1)


def _line_candidates(line: Sequence[Token], index: int, labels: Sequence[Label], *,
                     anywhere: bool = False) -> list[Match]:
    spots = [i for i, t in enumerate(line) if t.folded and (anywhere or _may_start(line, i))]
    every = [i for i, t in enumerate(line) if t.folded]
    found = []
    for label in labels:
        for start in spots:
            pos = every.index(start)
            best: Match | None = None
            for last, joined in _windows(line, every, pos, label):
                score = _score(joined, label)
                if score >= MIN_SCORE and (best is None or score > best.score):
                    best = Match(label, index, start, last + 1, score)
            wrapped = _wrapped_header(line, every, pos, label, index) if anywhere else None
            if wrapped is not None and (best is None or wrapped.score > best.score):
                best = wrapped
            if best is not None:
                found.append(best)
    return [m for m in found if not _past_colon(line, m, found)]


def _past_colon(line: Sequence[Token], match: Match, found: Sequence[Match]) -> bool:
    """A fuzzy match running past the colon that ends another label's exact match from the same
    word: the printed label ended there and the rest is its value (``Họ, chữ đệm, tên: Nguyễn Hữu
    Hiếu`` is no ``Họ, chữ đệm, tên người yêu cầu`` at 0.86)."""
    if match.score >= 1.0:
        return False
    for other in found:
        if other.score >= 1.0 and other.start == match.start and other.end < match.end:
            marks = [line[other.end - 1]]
            for token in line[other.end:match.end]:
                if token.folded:
                    break
                marks.append(token)
            if any(t.text.endswith(":") for t in marks):
                return True
    return False


_PREFIX_SHARE = 0.6
"""A table header wrapped in a narrow cell: the words on its first line are at least this share of
its letters (``Họ chữ đệm và`` / ``tên``) …"""
_PREFIX_SCORE = 0.95
"""… read this closely against the header's start; such a match scores this much less than exact."""


def _wrapped_header(line: Sequence[Token], every: list[int], pos: int, label: Label, index: int) -> Match | None:
    """A table header whose last words wrapped onto the next line: the first line's words match the
    start of the header and end the cell (the line's end, or a gap wider than a word space before the
    next column's header). Without it the next column's header is taken in to make up the length
    (``Họ chữđệmvà Ngày`` read as ``Họ, chữ đệm và tên``) and that column is lost."""
    joined = ""
    best: Match | None = None
    for at in range(pos, len(every)):
        token = line[every[at]]
        joined += token.folded
        if len(joined) >= len(label.folded) - _tolerance(label):
            break
        if len(joined) < max(6, _PREFIX_SHARE * len(label.folded)):
            continue
        after = line[every[at + 1]] if at + 1 < len(every) else None
        ends_cell = after is None or after.bbox.left - token.bbox.right > _START_GAP * max(
            min(token.bbox.height, after.bbox.height), 1)
        score = ratio(joined, label.folded[:len(joined)])
        if ends_cell and score >= _PREFIX_SCORE:
            best = Match(label, index, every[pos], every[at] + 1, _PREFIX_SCORE * score)
    return best


def _select(candidates: list[Match]) -> list[Match]:
    """Greedy: the best (score⁴ × label length) first; no two matches share a token.

    The fourth power makes an exact short label beat a fuzzy long one (``… tên người mẹ`` read
    exactly must not become ``… tên người yêu cầu`` at 0.85).
    """
    taken: set[int] = set()
    chosen = []
    for match in sorted(candidates, key=lambda m: -(m.score ** 4) * len(m.label.folded)):
        span = set(range(match.start, match.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _not_repeated(line: Sequence[Token], matches: list[Match]) -> list[Match]:
    """Drop a fuzzy match of the label just matched, with only junk between: that is its value.

    ``Tỉnh/Thành phố: Tỉnh Thanh Hóa`` — the value reads like the label at 0.92.
    """
    kept: list[Match] = []
    for match in matches:
        prev = kept[-1] if kept else None
        if prev is not None and prev.label == match.label and match.score < 1.0 and \
                all(is_junk(t.text) for t in line[prev.end:match.start]):
            continue
        kept.append(match)
    return kept


def find_labels(lines: Sequence[Sequence[Token]], labels: Sequence[Label], *,
                anywhere: bool = False) -> list[list[Match]]:
    """The label matches of every line.

    Args:
        lines: Document lines from :func:`fields.text.document_lines`.
        labels: The labels to look for.
        anywhere: A label may start at any word (a table's header line is all labels, packed close).

    Returns:
        Per line, its matches sorted left to right.
    """
    found = [_not_repeated(line, _select(_line_candidates(line, i, labels, anywhere=anywhere)))
             for i, line in enumerate(lines)]
    if not anywhere:
        for i, match in _wrapped(lines, labels, found):
            kept = [m for m in found[i] if m.start >= match.end]  # a weaker match of its first words gives way
            found[i] = sorted([*kept, match], key=lambda m: m.start)
            # so does a weaker match of the second line's words (``năm sinh`` read as ``Ngày sinh``)
            found[i + 1] = [m for m in found[i + 1] if m.start != 0 or m.score >= match.score]
    return found


_WRAP_INDENT = 1.5
"""A label's second line starts within this many letter heights of its first line's start …"""
_WRAP_DROP = 2.6
"""… and at most this many letter heights below it."""
_WRAP_SCORE = 0.9
"""A wrapped label is matched this closely, and has three words or more: the start of a wrapped value
and the next line's words join into a short label's letters too often (``Tôn`` + ``Tỉnh``)."""


def _wrapped(lines: Sequence[Sequence[Token]], labels: Sequence[Label],
             found: list[list[Match]]) -> list[tuple[int, Match]]:
    """Labels of three words or more wrapped over two lines in a narrow cell (``Giấy tờ tùy`` /
    ``thân (3)``): the first words of a line that starts with no label (or with a label matched
    less closely: ``Họ, chữ đệm, tên người`` / ``yêu cầu`` is no ``… tên người mẹ``), joined to the
    first words of the next line, which starts right below it with no label, or with one matched less
    closely (``Ngày, tháng,`` / ``năm sinh``, which alone reads as ``Ngày sinh`` at 0.8). The match
    covers the first line's words; the value follows them."""
    out = []
    for i in range(len(lines) - 1):
        line, below = lines[i], lines[i + 1]
        opening = next((m for m in found[i] if m.start == 0), None)
        under = next((m for m in found[i + 1] if m.start == 0), None)
        if not line or not below or opening is not None and opening.score >= 1.0 or \
                under is not None and under.score >= 1.0 or line[0].page != below[0].page:
            continue
        height = max(line[0].bbox.height, 1)
        if abs(below[0].bbox.left - line[0].bbox.left) > _WRAP_INDENT * height or \
                not 0 < below[0].bbox.top - line[0].bbox.top <= _WRAP_DROP * height:
            continue
        first_taken = min((m.start for m in found[i] if m is not opening), default=len(line))
        best: Match | None = None
        for label in labels:
            if label.words < 3:
                continue
            high = len(label.folded) + _tolerance(label)
            for k in range(1, first_taken + 1):
                head = "".join(t.folded for t in line[:k])
                if len(head) >= len(label.folded) or len(head) > high:
                    break
                tail = ""
                for token in below[:3]:
                    tail += token.folded
                    score = _score(head + tail, label) if tail else 0.0
                    if score >= _WRAP_SCORE and (best is None or score > best.score):
                        best = Match(label, i, 0, k, score)
        if best is not None and (opening is None or best.score > opening.score) and \
                (under is None or best.score > under.score):
            out.append((i, best))
    return out
