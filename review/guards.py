"""The station's request guards: the caller's session (401 without one) and, for a request that
changes something, its CSRF token (403 without it).

The station's own pages (:mod:`review.app`) and the reuse pages (:mod:`review.reuse`) both take
them from here, so neither module reaches into the other.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from review import accounts
from review.accounts import Session
from review.service import Station

COOKIE = "sohoa_review"


def station_of(request: Request) -> Station:
    """The station the application serves."""
    return request.app.state.station


def find_session(request: Request) -> Session | None:
    """The live session of the request's cookie, or None."""
    station = station_of(request)
    return accounts.find_session(station.store, request.cookies.get(COOKIE),
                                 idle=station.settings.session_idle_minutes * 60,
                                 lifetime=station.settings.session_hours * 3600)


def require_session(request: Request) -> Session:
    """The caller's session; 401 without one."""
    found = find_session(request)
    if found is None:
        raise HTTPException(401, detail={"error": "no_session", "message": "Chưa đăng nhập hoặc phiên đã hết hạn."})
    return found


def require_csrf(request: Request, current: Annotated[Session, Depends(require_session)]) -> Session:
    """The caller's session, for a request that changes something: 403 without its CSRF token."""
    if not accounts.csrf_ok(current, request.headers.get("X-CSRF-Token")):
        raise HTTPException(403, detail={"error": "csrf", "message": "Thiếu mã chống giả mạo (X-CSRF-Token)."})
    return current


CurrentSession = Annotated[Session, Depends(require_session)]
ChangingSession = Annotated[Session, Depends(require_csrf)]
