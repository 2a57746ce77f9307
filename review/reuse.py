"""The station's pages for what the provinces measure and reuse: the digitization rates, and a citizen's
earlier papers by CCCD number.

- ``/bao-cao-so-hoa`` (leads and admins): upload the one-stop-shop system's received list, choose the
  period; the page shows the provinces' tables and charts (:mod:`archive.kpi_html`), and the XLSX
  can be downloaded. ``POST /api/kpi`` and ``POST /api/kpi.xlsx`` take the list's bytes as the body
  (CSV or XLSX; no multipart), the period in the query.
- ``/tra-cuu-cong-dan`` (clerks and leads): type the CCCD number and the purpose (the new dossier's
  code); ``POST /api/persons`` lists every digitized component and result carrying it, newest first
  (:func:`archive.persons.lookup`), ``POST /api/persons/bundle`` returns them as a ZIP (the signed PDFs
  and ``manifest.json``). The number travels only in POST bodies, never in a URL (so never in an
  access log), and each look-up is in the audit trail with the person, time and purpose.

Who sees personal data (NĐ 13/2023/NĐ-CP, processing limited to its purpose and to those who need
it): a look-up is for the people who handle procedures — **clerks and leads**. Admins manage
accounts and the installation; they do not look citizens up (403). The rates carry no personal data
(counts and dossier codes): **leads and admins** see them, for reporting.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from review.accounts import AccountError, Session
from review.guards import ChangingSession, CurrentSession

PERSONAL_DATA_ROLES = ("clerk", "lead")
"""Roles that may look a citizen up by CCCD number."""
REPORT_ROLES = ("lead", "admin")
"""Roles that see the digitization rates."""
MAX_LIST_BYTES = 64 * 1024 * 1024
"""The largest received list the station takes (the command line takes larger)."""
STATUS = {"invalid_cccd": 422, "invalid_purpose": 422, "bad_received_list": 422, "bundle_empty": 404,
          "not_allowed": 403, "list_too_large": 413}


class LookupBody(BaseModel):
    """``POST /api/persons``: the number and why (the new dossier's code)."""

    cccd: str = Field(max_length=40)
    purpose: str = Field(max_length=400)


def _allowed(current: Session, roles: tuple[str, ...], what_vi: str) -> None:
    if current.user.role not in roles:
        raise AccountError(f"the role {current.user.role} may not use this page", reason="not_allowed",
                           message_vi=f"Vai trò của bạn không được {what_vi}.")




def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """Add the two pages and their API to the station's application."""
    station = app.state.station

    @app.get("/tra-cuu-cong-dan", response_class=HTMLResponse, include_in_schema=False)
    def person_page(request: Request, current: CurrentSession) -> Response:
        _allowed(current, PERSONAL_DATA_ROLES, "tra cứu dữ liệu cá nhân")
        return templates.TemplateResponse(request, "person.html", {"user": current.user, "csrf": current.csrf})

    @app.post("/api/persons", summary="A citizen's digitized components and results by CCCD number (audited)")
    def persons(body: LookupBody, current: ChangingSession) -> dict:
        _allowed(current, PERSONAL_DATA_ROLES, "tra cứu dữ liệu cá nhân")
        return {"documents": _lookup(station, body, current)}

    @app.post("/api/persons/bundle", summary="The same documents as a ZIP: the signed PDFs and manifest.json",
              response_class=Response)
    def persons_bundle(body: LookupBody, current: ChangingSession) -> Response:
        from archive.persons import export_bundle

        _allowed(current, PERSONAL_DATA_ROLES, "tra cứu dữ liệu cá nhân")
        items = _lookup(station, body, current)
        with tempfile.TemporaryDirectory(prefix=".sohoa-bundle-") as tmp:
            folder = Path(tmp) / "bundle"
            export_bundle(station.archive_root, items, folder, person=current.user.name, purpose=body.purpose,
                          cccd=_number(body.cccd))
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.iterdir()):
                    archive.write(path, path.name)
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="ho-so-tai-su-dung.zip"'})

    @app.get("/bao-cao-so-hoa", response_class=HTMLResponse, include_in_schema=False)
    def kpi_page(request: Request, current: CurrentSession) -> Response:
        _allowed(current, REPORT_ROLES, "xem báo cáo tỷ lệ số hóa")
        return templates.TemplateResponse(request, "kpi.html", {"user": current.user, "csrf": current.csrf})

    @app.post("/api/kpi", summary="Digitization rates of a period from the received list (the request body)")
    async def kpi(request: Request, current: ChangingSession,
                  start: Annotated[str, Query(alias="from", max_length=20)],
                  end: Annotated[str, Query(alias="to", max_length=20)]) -> dict:
        from archive.kpi_html import kpi_fragment

        _allowed(current, REPORT_ROLES, "xem báo cáo tỷ lệ số hóa")
        report = await run_in_threadpool(_report, station, await _body(request), start, end)
        return {**report.as_json(), "html": kpi_fragment(report)}

    @app.post("/api/kpi.xlsx", summary="The same report as an XLSX workbook", response_class=Response)
    async def kpi_xlsx(request: Request, current: ChangingSession,
                       start: Annotated[str, Query(alias="from", max_length=20)],
                       end: Annotated[str, Query(alias="to", max_length=20)]) -> Response:
        from archive.kpi_xlsx import write_kpi_xlsx

        _allowed(current, REPORT_ROLES, "xem báo cáo tỷ lệ số hóa")
        report = await run_in_threadpool(_report, station, await _body(request), start, end)
        with tempfile.TemporaryDirectory(prefix=".sohoa-kpi-") as tmp:
            out = Path(tmp) / "bao-cao.xlsx"
            write_kpi_xlsx(report, out)
            data = out.read_bytes()
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="bao-cao-so-hoa.xlsx"'})


def _number(text: str) -> str:
    """The CCCD number as the extraction checks one (never repeated in the error)."""
    from fields.validators import check_cccd

    ok, reason, digits = check_cccd(text or "")
    if not ok:
        raise AccountError(f"the CCCD number given is not valid ({reason})", reason="invalid_cccd",
                           message_vi="Số CCCD không hợp lệ: cần đúng 12 chữ số, 3 chữ số đầu là mã tỉnh.")
    return str(digits)


def _lookup(station, body: LookupBody, current: Session) -> list[dict]:  # noqa: ANN001 - review.service.Station
    from archive.persons import lookup

    return lookup(station.catalog, _number(body.cccd), person=current.user.name, purpose=body.purpose,
                  via="web station")


async def _body(request: Request) -> bytes:
    """The uploaded list, refused past :data:`MAX_LIST_BYTES` (read in pieces, never all at once past it)."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_LIST_BYTES:
            raise AccountError("the received list is too large for the station; use sohoa kpi",
                               reason="list_too_large",
                               message_vi="Danh sách quá lớn để tải lên trạm; hãy dùng lệnh sohoa kpi.")
    return bytes(data)


def _report(station, data: bytes, start: str, end: str):  # noqa: ANN001, ANN202
    from archive.kpi import compute_kpi
    from archive.kpi_received import ReceivedListError, parse_date, parse_received

    first, last = parse_date(start), parse_date(end)
    if first is None or last is None or last < first:
        raise ReceivedListError("give the period as two dates, the first not after the last",
                                message_vi="Hãy chọn kỳ báo cáo: từ ngày … đến ngày … (ngày đầu không sau ngày cuối).")
    return compute_kpi(station.catalog, parse_received(data, "danh-sach-tai-len"), first, last)
