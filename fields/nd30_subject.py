"""The subject (trích yếu) of an NĐ 30/2020 document under its type line: ``Về việc …``, or a báo cáo's
subject without it, up to what sets the body apart."""

from __future__ import annotations

from collections.abc import Sequence

from fields.nd30_number import words_text
from fields.text import Token, fold

_SUBJECT = ("veviec", "vv")
_SUBJECT_GAP = 1.0
"""A blank line's height (in line heights) between the subject and what follows it."""
_OFF_CENTRE = 0.3
"""A line centred this far (share of the subject's first line's width) from that line's centre is no
part of the subject: a receipt stamp (``CV ĐẾN``) or a note in the margin."""


def subject_after(lines: Sequence[Sequence[Token]], title_line: int) -> str | None:
    """``Về việc …`` (or ``V/v …``) on the lines right after the type line, up to the next heading,
    ``Kính gửi``, a blank line's gap (the body's first paragraph), or a line off the subject's centre."""
    out: list[Sequence[Token]] = []
    for line in lines[title_line + 1: title_line + 4]:
        text = words_text(line)
        folded = fold(text)
        if not out and not folded.startswith(_SUBJECT) and not _unmarked_subject(lines[title_line], line):
            return None
        if out and (text.isupper() or folded.startswith(("cancu", "kinhgui")) or _apart(out, line)):
            break
        out.append(line)
    return " ".join(" ".join(words_text(line) for line in out).split()).lstrip(",.;:'\"-–— ") or None


def _unmarked_subject(title: Sequence[Token], line: Sequence[Token]) -> bool:
    """A subject that does not begin ``Về việc`` (a báo cáo's ``Tình hình, kết quả …``): a line in
    lower case centred under the type line, neither ``Căn cứ`` nor ``Kính gửi``."""
    text = words_text(line)
    return (not text.isupper() and not fold(text).startswith(("cancu", "kinhgui"))
            and not _apart([title], line))


def _apart(subject: Sequence[Sequence[Token]], line: Sequence[Token]) -> bool:
    """Whether a line is set apart from the subject's lines above it: below a blank line's gap, or
    centred elsewhere than the subject's first line."""
    first, last = subject[0], subject[-1]
    height = sorted(t.bbox.height for t in last)[len(last) // 2]
    left, right = min(t.bbox.left for t in first), max(t.bbox.right for t in first)
    here = (min(t.bbox.left for t in line) + max(t.bbox.right for t in line)) / 2
    gap = min(t.bbox.top for t in line) - max(t.bbox.bottom for t in last)
    return gap > _SUBJECT_GAP * height or abs(here - (left + right) / 2) > _OFF_CENTRE * (right - left)
