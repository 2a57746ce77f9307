"""A form filled in by hand: when several of its values are handwritten, all of them are."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fields.text import Token
from fields.values import RawValue

HandCheck = Callable[[int, Sequence[Token]], bool]
"""(page index, value tokens) → True when the value is handwritten."""

HAND_FILLED = 3
"""A form with this many values found handwritten was filled in by hand: all its values are."""


class WholeForm:
    """The check of a form filled in by hand: every value on it is handwritten."""

    def __call__(self, page: int, tokens: Sequence[Token]) -> bool:
        return True


def by_hand(raws: dict[str, RawValue | None | bool], check: HandCheck) -> HandCheck:
    """The check per value, widened to the whole form when the form was filled in by hand (a date,
    an ID number or a short word gives the check too little to go on, but shares the pen)."""
    found = {key for key, raw in raws.items()
             if isinstance(raw, RawValue) and raw.tokens and check(raw.tokens[0].page, raw.tokens)}
    if len(found) >= HAND_FILLED:
        return WholeForm()
    ids = {id(raws[key]) for key in found}
    by_tokens = {raw.tokens: id(raw) in ids for raw in raws.values() if isinstance(raw, RawValue)}
    return lambda page, tokens: by_tokens.get(tuple(tokens), False)
