"""``sohoa kpi`` (the digitization rates the provinces report) and ``sohoa person`` (a citizen's earlier
papers, by CCCD number, for reuse in a new procedure).

Loaded by ``pipeline/cli.py`` through ``COMMAND_MODULES``. The catalog is checked first
(:func:`archive.catalog_health.open_checked`); output for people is in Vietnamese; nothing here logs
a CCCD number or a value of the received list.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from pipeline.cli_archive import _date, archive_arg, catalog_url_of, existing_archive
from sohoa.errors import ConfigError, ExitCode, SohoaError

SHOWN = 20
"""Codes shown in the text output for each list (all of them are in --json and --xlsx)."""
_BY_VI = {"level": "Theo cấp", "procedure": "Theo thủ tục", "agency": "Theo cơ quan", "month": "Theo tháng"}


# -- kpi ----------------------------------------------------------------------------------------

def add_kpi_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa kpi``."""
    archive_arg(parser)
    parser.add_argument("--received", type=Path, required=True, metavar="FILE",
                        help="the one-stop-shop system's list of received dossiers (CSV or XLSX; columns ma_ho_so, "
                             "ngay_tiep_nhan, ma_thu_tuc, cap, co_quan, ngay_co_ket_qua, or their Vietnamese headers)")
    parser.add_argument("--from", dest="start", required=True, metavar="DATE",
                        help="first day of the period, by ngay_tiep_nhan (DD/MM/YYYY or YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", required=True, metavar="DATE", help="last day of the period (inclusive)")
    parser.add_argument("--by", action="append", choices=("level", "procedure", "agency", "month"),
                        help="tables to print besides the total (repeatable; default: level). --json always "
                             "holds every grouping")
    parser.add_argument("--json", action="store_true", help="print JSON (rates as fractions 0-1)")
    parser.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the report as an XLSX workbook")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the report as an HTML page with charts")
    parser.add_argument("--skip-bad-rows", action="store_true",
                        help="leave out rows that cannot be read (they are listed) instead of stopping")


def cmd_kpi(args: argparse.Namespace) -> int:
    """Compute the rates of the period and print or write them."""
    from archive.catalog_health import open_checked
    from archive.kpi import compute_kpi
    from archive.kpi_received import read_received

    start, end = _date(args.start), _date(args.end)
    if end < start:
        raise ConfigError("--to is before --from", message_vi="Ngày kết thúc (--to) trước ngày bắt đầu (--from).")
    received = read_received(args.received, skip_bad_rows=args.skip_bad_rows)
    with open_checked(existing_archive(args.archive), catalog_url_of(args), readonly=True,
                      integrity="structural") as catalog:
        report = compute_kpi(catalog, received, start, end)
    written = _write_files(report, args.xlsx, args.html)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return ExitCode.OK
    print(kpi_text(report, args.by or ["level"]))
    for path in written:
        print(f"Đã ghi báo cáo: {path}")
    return ExitCode.OK


def _write_files(report, xlsx: Path | None, page: Path | None) -> list[Path]:  # noqa: ANN001 - KpiReport
    """Write the XLSX and HTML reports asked for; return them."""
    from archive.kpi_html import render_kpi_html
    from archive.kpi_xlsx import write_kpi_xlsx
    from sohoa.files import write_text_atomic

    written = []
    for target, write in ((xlsx, lambda p: write_kpi_xlsx(report, p)),
                          (page, lambda p: write_text_atomic(p, render_kpi_html(report), perms=0o640))):
        if target is None:
            continue
        try:
            write(target)
        except OSError as exc:
            raise SohoaError(f"cannot write {target} ({exc.strerror})", reason="output_not_writable",
                             message_vi=f"Không ghi được tệp {target}.") from exc
        written.append(target)
    return written


def kpi_text(report, groupings: list[str]) -> str:  # noqa: ANN001 - archive.kpi.KpiReport
    """The report as Vietnamese text: the total, the chosen tables, the lists' sizes and first codes."""
    from archive.kpi import month_vi, number_vi, percent_vi
    from archive.kpi_received import LEVELS_VI

    head = f"{'Phạm vi':<34} {'Tiếp nhận':>10} {'Số hóa TPHS':>12} {'Tỷ lệ TPHS':>10} " \
           f"{'Có kết quả':>11} {'Số hóa KQ':>10} {'Tỷ lệ KQ':>10}"

    def line(name: str, c) -> str:  # noqa: ANN001
        return (f"{name[:34]:<34} {number_vi(c.received):>10} {number_vi(c.components_digitized):>12} "
                f"{percent_vi(c.components_rate):>10} {number_vi(c.results_due):>11} "
                f"{number_vi(c.results_digitized):>10} {percent_vi(c.results_rate):>10}")

    out = [f"Tỷ lệ số hóa hồ sơ và kết quả giải quyết TTHC, tiếp nhận từ {report.start:%d/%m/%Y} đến "
           f"{report.end:%d/%m/%Y} (danh sách {report.source}: {number_vi(report.listed)} hồ sơ, "
           f"{number_vi(report.total.received)} trong kỳ)", "", head, line("Tổng cộng", report.total)]
    for by in dict.fromkeys(groupings):
        out += ["", _BY_VI[by], head]
        if by == "level":
            out += [line(LEVELS_VI[k], c) for k, c in report.by_level.items()]
            out += ["", "Cơ cấu hai cấp (từ 01/07/2025; cấp huyện tính vào cấp xã)", head,
                    line("Cấp tỉnh", report.by_level_2025["tinh"]), line("Cấp xã", report.by_level_2025["xa"])]
        elif by == "month":
            out += [line(month_vi(k), c) for k, c in report.by_month.items()]
        elif by == "procedure":
            out += [line(f"{k or '(không rõ)'} {report.procedure_names.get(k, '')}".strip(), c)
                    for k, c in report.by_procedure.items()]
        else:
            out += [line(k or "(không rõ)", c) for k, c in report.by_agency.items()]
    out.append("")
    out.append(f"Tiếp nhận nhưng chưa số hóa: {number_vi(len(report.not_digitized))} hồ sơ"
               + _some([r.code for r in report.not_digitized]))
    out.append(f"Đã số hóa nhưng không có trong danh sách tiếp nhận: {number_vi(len(report.not_on_list))} hồ sơ"
               + _some([r["code"] for r in report.not_on_list]))
    if report.district_after_reform:
        out.append(f"Lưu ý: {len(report.district_after_reform)} dòng ghi cấp huyện nhưng tiếp nhận từ 01/07/2025 "
                   f"(không còn cấp huyện): tính vào cấp huyện ở bảng ba cấp, vào cấp xã ở bảng hai cấp; dòng "
                   + ", ".join(str(n) for n in report.district_after_reform[:SHOWN]))
    for problem in [*report.bad_rows, *report.warnings][:SHOWN]:
        out.append(f"Lưu ý: {problem.vi()}")
    return "\n".join(out)


def _some(codes: list[str]) -> str:
    if not codes:
        return "."
    more = f" … và {len(codes) - SHOWN} hồ sơ khác (xem --json hoặc --xlsx)" if len(codes) > SHOWN else ""
    return ": " + ", ".join(codes[:SHOWN]) + more


# -- person -------------------------------------------------------------------------------------

def add_person_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa person``."""
    archive_arg(parser)
    parser.add_argument("--cccd", required=True, metavar="N",
                        help="the citizen's CCCD number (số định danh cá nhân, 12 digits)")
    parser.add_argument("--purpose", required=True, metavar="TEXT",
                        help="why: the new dossier's code (recorded in the audit trail with who and when)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--verify", action="store_true",
                        help="validate the signatures of the PDFs found again (as sohoa verify does)")
    parser.add_argument("--bundle", type=Path, metavar="DIR",
                        help="copy the signed PDFs and a manifest.json into this new folder, for the new procedure "
                             "(their signatures are validated first)")


def valid_cccd(value: str) -> str:
    """The 12 digits of a CCCD number typed by a person, checked as the extraction checks one.

    Raises:
        ConfigError: Not a valid CCCD number (``invalid_cccd``); the text typed is never repeated.
    """
    from fields.validators import check_cccd

    ok, reason, digits = check_cccd(value or "")
    if not ok:
        why = {"cccd_not_digits": "chỉ gồm chữ số", "cccd_length": "gồm đúng 12 chữ số",
               "cccd_province": "có 3 chữ số đầu là mã tỉnh hợp lệ"}.get(str(reason), "hợp lệ")
        raise ConfigError(f"the CCCD number given is not valid ({reason})", reason="invalid_cccd",
                          message_vi=f"Số CCCD không hợp lệ: số định danh cá nhân phải {why}.")
    return str(digits)


def cmd_person(args: argparse.Namespace) -> int:
    """List the citizen's digitized documents (audited), optionally validate them and hand them on."""
    from archive.catalog import Catalog
    from archive.catalog_health import open_checked
    from archive.persons import check_bundle_target, export_bundle, lookup

    number = valid_cccd(args.cccd)
    if args.bundle:
        check_bundle_target(args.bundle)
    archive, url = existing_archive(args.archive), catalog_url_of(args)
    open_checked(archive, url, readonly=True, integrity="structural").close()
    person = getpass.getuser()
    with Catalog.for_archive(archive, url, create=False) as catalog:  # writable: the look-up is audited
        items = lookup(catalog, number, person=person, purpose=args.purpose, via="sohoa person")
    verdicts = _verify(archive, items, args.config) if (args.verify or args.bundle) and items else {}
    for item in items:
        if item["pdf"] in verdicts:
            item["signature"]["verified"] = verdicts[item["pdf"]]
    manifest = export_bundle(archive, items, args.bundle, person=person, purpose=args.purpose, cccd=number,
                             verdicts=verdicts) if args.bundle and items else None
    if args.json:
        print(json.dumps({"documents": items, "bundle": str(manifest) if manifest else None},
                         ensure_ascii=False, indent=1))
    else:
        print(person_text(items))
        if manifest:
            print(f"Đã chuyển {len({i['pdf'] for i in items if i['pdf']})} tệp PDF và bảng kê: {manifest}")
    if args.bundle and not items:
        print("Không có tài liệu nào để chuyển.", file=sys.stderr)
    return ExitCode.OK


def person_text(items: list[dict]) -> str:
    """The look-up as Vietnamese text, newest first."""
    lines = []
    for item in items:
        when = _dmy(item["issued"])
        checked = "" if item["checked"] is not False else " [số CCCD chưa được kiểm tra]"
        lines.append(f"{when}\t{item['code']}\t{item['kind_vi']}: {item['type_name'] or '(chưa phân loại)'}"
                     f"\t{', '.join(item['roles'])}{checked}\t{item['signature']['text_vi']}"
                     + _verified(item["signature"].get("verified")) + f"\t{item['pdf'] or '-'}")
    dossiers = len({i["code"] for i in items})
    lines.append(f"Tìm thấy {len(items)} tài liệu trong {dossiers} hồ sơ (lượt tra cứu đã được ghi vào nhật ký "
                 "truy cập).")
    return "\n".join(lines)


def _verified(verdict: dict | None) -> str:
    if verdict is None:
        return ""
    return "; kiểm tra lại: đạt" if verdict.get("ok") else "; kiểm tra lại: KHÔNG ĐẠT (" + \
        ", ".join(verdict.get("problems") or []) + ")"


def _dmy(value: str | None) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "—"
    except ValueError:
        return value or "—"


def _verify(archive: Path, items: list[dict], config: Path | None) -> dict[str, dict]:
    """PDF path → its signature validated now (pyHanko through ``signing``), as the manifest keeps it."""
    from pipeline.settings import trust_roots
    from signing import render_json, verify_files

    pdfs = sorted({i["pdf"] for i in items if i["pdf"]})
    verdicts = verify_files([archive / p for p in pdfs], trust_roots=trust_roots(str(config.resolve()) if config
                                                                                 else ""))
    out = {}
    for rel, verdict in zip(pdfs, verdicts, strict=True):
        detail = json.loads(render_json([verdict]))[0]
        out[rel] = {"ok": verdict.ok, "problems": detail["problems"], "messages": detail["messages"],
                    "signatures": [{k: s[k] for k in ("level", "signer", "signing_time", "validated_at", "trusted")}
                                   for s in detail["signatures"]]}
    return out


COMMANDS = {
    "kpi": ("digitization rates by level, procedure, agency and month, from the received list",
            add_kpi_arguments, cmd_kpi,
            "example: sohoa kpi --archive /srv/archive --received tiep-nhan-2023.xlsx --from 01/01/2023 "
            "--to 31/12/2023 --by level --by month --xlsx bao-cao-so-hoa-2023.xlsx"),
    "person": ("a citizen's digitized papers by CCCD number, for reuse in a new procedure (audited)",
               add_person_arguments, cmd_person,
               "example: sohoa person --archive /srv/archive --cccd 0010900xxxxx --purpose 000.00.31.H29-250301-0001 "
               "--bundle /tmp/ho-so-moi"),
}
