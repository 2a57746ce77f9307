"""The verification station's web application (FastAPI): the page and the JSON API.

The API is the one the issue fixes (login/logout, ``X-CSRF-Token``, ``GET /api/review``,
``POST /api/dossiers/{code}/fields/{field}``, ``GET /api/dossiers/{code}``); its OpenAPI
description is ``/api/openapi.json``. Every call but login needs a session (401 otherwise) and
every change its CSRF token (403 otherwise). Cookies are ``HttpOnly``, ``SameSite=Strict`` and
``Secure`` when the request came over HTTPS (directly or as the trusted reverse proxy says).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from archive.decisions import ReviewConflict
from review import accounts, reuse
from review.accounts import AccountError, Session, Throttle
from review.guards import COOKIE, ChangingSession, CurrentSession, find_session, station_of
from review.queue import Filters
from review.service import Station
from sohoa.errors import SohoaError

HERE = Path(__file__).resolve().parent
_STATUS = {"not_in_catalog": 404, "unknown_field": 404, "no_such_page": 404, "invalid_value": 422,
           "invalid_action": 422, "login_failed": 401, "login_throttled": 429, "not_viewed": 403,
           "not_lead": 403, **reuse.STATUS}
_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                       "form-action 'self'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


class LoginBody(BaseModel):
    """``POST /api/login``."""

    user: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class DecisionBody(BaseModel):
    """``POST /api/dossiers/{code}/fields/{field}``: ``correct`` needs ``value``; ``rev`` (from the
    queue item or the dossier record) makes a decision on a stale view fail with 409."""

    action: Literal["correct", "confirm", "absent"]
    value: str | None = Field(None, max_length=2000)
    rev: str | None = Field(None, max_length=64)


def _sso_session(request: Request, response: Response) -> Session | None:
    """A session for the user a trusted reverse proxy names (single sign-on), else the cookie's."""
    station = station_of(request)
    settings = station.settings
    found = find_session(request)
    name = request.headers.get(settings.trusted_user_header) if settings.trusted_user_header else None
    trusted = request.client is not None and request.client.host in settings.trusted_proxies
    if not name or not trusted or (found is not None and found.user.name == name):
        return found
    user = accounts.enabled_user(station.store, name)
    if user is None:
        return None
    token, _csrf = accounts.open_session(station.store, user)
    _set_cookie(request, response, token)
    return accounts.find_session(station.store, token, idle=60, lifetime=60)


class CheckBody(BaseModel):
    """``POST /api/check``: a value being typed, and what its check needs from the same form."""

    kind: Literal["date", "cccd", "place", "name", "phone", "email", "code", "text"]
    value: str = Field("", max_length=1000)
    birth_date: str | None = Field(None, max_length=100)
    sex: str | None = Field(None, max_length=20)
    dossier: str | None = Field(None, max_length=200)


def create_app(station: Station) -> FastAPI:
    """The ASGI application of one archive's station."""
    settings = station.settings
    throttle = Throttle(settings.login_max_failures, settings.login_window_minutes * 60)
    app = FastAPI(title="sohoa — trạm kiểm tra dữ liệu", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.station = station
    templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(SohoaError)
    async def _sohoa_error(_request: Request, exc: SohoaError) -> JSONResponse:
        code = 409 if isinstance(exc, ReviewConflict) else _STATUS.get(exc.reason or "", 500)
        if isinstance(exc, AccountError) and code == 500:
            code = 400
        return JSONResponse({"error": exc.reason, "message": exc.message_vi, "message_en": str(exc)},
                            status_code=code, headers={"Cache-Control": "no-store"})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = exc.detail if isinstance(exc.detail, dict) else {"error": "http", "message": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers={"Cache-Control": "no-store"})

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        response.headers.update(_HEADERS)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, response: Response) -> Response:
        current = _sso_session(request, response)
        if current is None:
            return templates.TemplateResponse(request, "login.html", {})
        page = templates.TemplateResponse(request, "station.html", {"user": current.user, "csrf": current.csrf})
        page.headers.update({k: v for k, v in response.headers.items() if k.lower() == "set-cookie"})
        return page

    @app.get("/tien-do", response_class=HTMLResponse, include_in_schema=False)
    def progress_page(request: Request, current: CurrentSession) -> Response:
        _require_lead(current)
        return templates.TemplateResponse(request, "progress.html", {"user": current.user,
                                                                      "progress": station.progress()})

    @app.post("/api/login", summary="Đăng nhập: returns the CSRF token and sets the session cookie")
    def login(body: LoginBody, request: Request) -> JSONResponse:
        client = request.client.host if request.client else "?"
        try:
            user = accounts.check_password(station.store, body.user, body.password, client=client,
                                           throttle=throttle)
        except AccountError as exc:  # the name typed is not recorded: it may be a password typed in the wrong box
            station.record_access("authentication", "failure", f"login refused ({exc.reason}) from {client}", "-")
            raise
        station.record_access("authentication", "success", f"login of {user.name} from {client}", user.name)
        token, csrf = accounts.open_session(station.store, user)
        response = JSONResponse({"csrf": csrf, "user": user.name, "role": user.role})
        _set_cookie(request, response, token)
        return response

    @app.post("/api/logout", summary="Đăng xuất: ends the session and releases its leases")
    def logout(current: ChangingSession) -> JSONResponse:
        accounts.close_session(station.store, current)
        station.forget_session(current.token_hash)
        station.record_access("logout", "success", f"logout of {current.user.name}", current.user.name)
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/api/session", summary="The signed-in user and the session's CSRF token")
    def session_info(request: Request, response: Response) -> dict:
        current = _sso_session(request, response)
        if current is None:
            raise HTTPException(401, detail={"error": "no_session", "message": "Chưa đăng nhập."})
        return {"user": current.user.name, "role": current.user.role, "csrf": current.csrf}

    @app.get("/api/review", summary="The queue: fields to check, oldest dossier first (leased to the caller)")
    def review_queue(current: CurrentSession, run: str = "", form_type: str = "",
                     reason: str = "", limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict]:
        return station.review_queue(current.user, Filters(run, form_type, reason), limit=limit,
                                    session=current.token_hash)

    @app.get("/api/review/filters", summary="Runs, form types and reasons that have fields to check")
    def review_filters(_current: CurrentSession) -> dict:
        return station.choices()

    @app.get("/api/dossiers/{code}", summary="The dossier's current record, each field with its status")
    def dossier(code: str, current: CurrentSession) -> dict:
        return station.dossier(current.user, code, session=current.token_hash)

    @app.post("/api/dossiers/{code}/fields/{field}", summary="Correct, confirm or mark absent one field "
              "(field `code` replaces the dossier code)")
    def decide(code: str, field: str, body: DecisionBody, current: ChangingSession) -> dict:
        return station.decide(current.user, code, field, action=body.action, value=body.value, rev=body.rev)

    @app.get("/api/dossiers/{code}/pages/{page}", summary="A page of the archived PDF as JPEG", response_class=Response)
    def page_image(code: str, page: int, current: CurrentSession) -> FileResponse:
        path = station.page_image(current.token_hash, code, page)
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=600"})

    @app.post("/api/check", summary="Check a value while typing (date, CCCD, place name, code …)")
    def check(body: CheckBody, _current: ChangingSession) -> dict:
        # a POST: the value is personal data and must not reach a URL (and so an access log)
        return station.check(body.kind, body.value, birth_date=body.birth_date, sex=body.sex, dossier=body.dossier)

    @app.get("/api/progress", summary="Review progress per run and per clerk (leads and admins)")
    def progress(current: CurrentSession) -> dict:
        _require_lead(current)
        return station.progress()

    reuse.install(app, templates)  # the digitization rates and the look-up by CCCD
    return app


def _require_lead(current: Session) -> None:
    if not current.user.can_lead:
        raise AccountError("only a lead or an admin sees progress", reason="not_lead",
                           message_vi="Chỉ trưởng nhóm hoặc quản trị viên xem được tiến độ.")


def _set_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path="/")
