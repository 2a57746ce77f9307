"""Sums of money in figures (``Vốn kinh doanh (bằng số; VNĐ)``): Vietnamese writes the thousands with
dots (``620.000.000``); OCR reads the small dots as spaces, commas or nothing (``620 000000``,
``300,000.000``). The figures are what matters: when every separator read sits where a thousands dot
goes, the sum is written again with its dots."""

from __future__ import annotations

import re

from fields.text import collapse

_FIGURES = re.compile(r"^\d+(?:[ .,]+\d+)*$")


def check_amount(text: str) -> tuple[bool, str | None, str]:
    """``(True, None, "620.000.000")`` for ``620 000000``; a value with words (``500 triệu đồng``) or a
    separator where no thousands dot goes (``1,5``) is returned as read (``ok`` still True: free text)."""
    value = collapse(text).rstrip(" .,;")
    if not _FIGURES.match(value):
        return True, None, collapse(text)
    groups = re.split(r"[ .,]+", value)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) % 3 for g in groups[1:])):
        return True, None, value
    digits = "".join(groups).lstrip("0") or "0"
    head = len(digits) % 3 or 3
    return True, None, ".".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])
