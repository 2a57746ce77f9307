"""Vietnam time: the one definition of the time zone every date shown or stored by sohoa uses.

Vietnam keeps UTC+07:00 all year (no daylight saving), so a fixed offset is exact and needs no
time-zone database.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))
"""UTC+07:00."""


def now_vn() -> datetime:
    """The current time in Vietnam (aware)."""
    return datetime.now(VN_TZ)


def stamp(moment: datetime | None = None) -> str:
    """``YYYYMMDD-HHMMSS`` in Vietnam time, for file names of runs and reports."""
    return (moment or now_vn()).astimezone(VN_TZ).strftime("%Y%m%d-%H%M%S")
