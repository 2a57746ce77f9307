"""Archive-care subcommands of ``sohoa``: ``fixity``, ``retention``, ``backup`` and ``search``
(``catalog`` and ``code`` are in :mod:`pipeline.cli_catalog`).

Loaded by ``pipeline/cli.py`` through ``COMMAND_MODULES``. Each command parses, calls one
function of ``archive/`` and returns a :class:`sohoa.errors.ExitCode`; errors are raised as
``ArchiveError`` / ``ConfigError`` and printed by the CLI's one boundary. Output for people is in
Vietnamese; nothing here logs field values.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import date, datetime
from pathlib import Path

from sohoa.errors import ArchiveError, ConfigError, ExitCode


def archive_arg(parser: argparse.ArgumentParser) -> None:
    """The ``--archive`` and ``--catalog`` options every archive command takes."""
    parser.add_argument("--archive", type=Path, required=True, help="archive folder (packages, catalog)")
    parser.add_argument("--catalog", metavar="URL", default=None,
                        help="catalog database (default: the one the archive names in catalog.url, else its "
                             "catalog.sqlite; the configuration's archive.catalog-url with --config); "
                             "keep passwords in ~/.pgpass, not here")


def site_of(args: argparse.Namespace):  # noqa: ANN202 - configs.schema.Settings
    """The site configuration (``--config``, else the defaults), loaded once (:mod:`pipeline.settings`)."""
    from pipeline.settings import settings

    config = getattr(args, "config", None)
    return settings(str(config.resolve()) if config else "")


def catalog_url_of(args: argparse.Namespace) -> str | None:
    """The catalog the command line or the given site configuration names, if any."""
    if getattr(args, "catalog", None):
        return args.catalog
    if getattr(args, "config", None):
        return site_of(args).archive.catalog_url
    return None


def existing_archive(path: Path) -> Path:
    """The archive folder, which must exist and hold a catalog or packages."""
    from archive._catalog_db import has_catalog

    if not (has_catalog(path) or (path / "packages").is_dir()):
        raise ArchiveError("the folder is not a sohoa archive (no catalog, no packages/)",
                           reason="not_an_archive", message_vi="Thư mục không phải kho lưu trữ sohoa.")
    return path.resolve()


def _date(text: str) -> date:
    """A date given as YYYY-MM-DD or DD/MM/YYYY."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ConfigError(f"invalid date {text!r}: use YYYY-MM-DD or DD/MM/YYYY",
                      message_vi="Ngày không hợp lệ: dùng dạng YYYY-MM-DD hoặc DD/MM/YYYY.")


# -- fixity -----------------------------------------------------------------------------------

def add_fixity_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa fixity``."""
    archive_arg(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-record", action="store_true",
                        help="do not write audit events (e.g. a backup on read-only media)")


def cmd_fixity(args: argparse.Namespace) -> int:
    """Re-check the catalog, every package and every export record; exit 7 naming each problem."""
    from archive.audit import audit_archive

    report = audit_archive(existing_archive(args.archive), record=not args.no_record,
                           catalog_url=catalog_url_of(args))
    if args.json:
        print(json.dumps({"checked_at": report.checked_at, "packages": len(report.packages),
                          "catalog": report.catalog.state if report.catalog else None,
                          "problems": report.lines()}, ensure_ascii=False, indent=1))
    else:
        for line in report.lines():
            print(f"HỎNG: {line}")
        catalog = "đạt" if not report.catalog_problems else f"{len(report.catalog_problems)} lỗi"
        print(f"Kiểm tra toàn vẹn: {len(report.packages)} gói, {len(report.damaged)} gói hỏng hoặc thiếu tệp; "
              f"danh mục và bản ghi xuất: {catalog}.")
    return ExitCode.OK if report.ok else ExitCode.VERIFY_FAILED


# -- retention --------------------------------------------------------------------------------

def add_retention_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa retention due|dispose|hold|release``."""
    actions = parser.add_subparsers(dest="action", required=True)
    due = _action(actions, "due", "list dossiers whose retention ended, as XLSX for the council (deletes nothing)")
    due.add_argument("--as-of", default=None, help="date to judge by (default today)")
    due.add_argument("--output", type=Path, help="XLSX file (default ARCHIVE/reports/xem-xet-huy-<date>.xlsx)")
    dispose = _action(actions, "dispose", "carry out an approved disposal decision")
    dispose.add_argument("--decision", help="number of the approving decision (required)")
    dispose.add_argument("--decision-date", default=None, help="date of the decision (YYYY-MM-DD or DD/MM/YYYY)")
    dispose.add_argument("--council", default=None,
                         help="the appraisal council (Hội đồng xác định giá trị tài liệu) that reviewed the list: "
                              "who, set up by which decision (required)")
    dispose.add_argument("--list", type=Path, required=True, help="approved list: the due XLSX or one code per line")
    dispose.add_argument("--operator", default=None, help="who carries it out (default: the login name)")
    for name, text in (("hold", "keep dossiers back from disposal (giữ lại, tạm dừng hủy)"),
                       ("release", "lift that hold")):
        sub = _action(actions, name, text)
        sub.add_argument("dossiers", nargs="+", help="dossier codes (mã hồ sơ)")
        sub.add_argument("--reason", required=True, help="why (kept in the audit trail)")
        sub.add_argument("--operator", default=None, help="who (default: the login name)")


def _action(actions: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """One ``retention`` action with ``--archive`` (and ``-v`` accepted after the action too)."""
    parser = actions.add_parser(name, help=text, epilog=f"example: {RETENTION_EXAMPLES[name]}")
    archive_arg(parser)
    parser.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS)
    return parser


RETENTION_EXAMPLES = {
    "due": "sohoa retention due --archive /srv/archive --as-of 2026-01-01 --output xem-xet-huy.xlsx",
    "dispose": ("sohoa retention dispose --archive /srv/archive --decision 12/QĐ-UBND --decision-date 2026-03-02 "
                "--council 'Hội đồng XĐGTTL (QĐ 45/QĐ-UBND)' --list xem-xet-huy.xlsx"),
    "hold": "sohoa retention hold --archive /srv/archive 000.00.19.H49-240101-0001 --reason 'thanh tra'",
    "release": "sohoa retention release --archive /srv/archive 000.00.19.H49-240101-0001 --reason 'xong'",
}


def cmd_retention(args: argparse.Namespace) -> int:
    """Run one retention action."""
    from archive import disposal

    archive, url = existing_archive(args.archive), catalog_url_of(args)
    operator = getattr(args, "operator", None) or getpass.getuser()
    if args.action == "due":
        as_of = _date(args.as_of) if args.as_of else date.today()
        rows = disposal.due_list(archive, as_of, catalog_url=url, operator=operator)
        out = args.output or archive / "reports" / f"xem-xet-huy-{as_of:%Y%m%d}.xlsx"
        disposal.write_due_xlsx(rows, as_of, out)
        unconfirmed = sum(not r["retention_confirmed"] for r in rows)
        held = sum(r["hold"] for r in rows)
        print(f"Hồ sơ hết thời hạn lưu trữ tính đến {as_of:%d/%m/%Y}: {len(rows)}, chuyển trạng thái "
              f"\"{disposal.REVIEW_STATUS_VI}\" (thời hạn chưa xác nhận: {unconfirmed}; "
              f"{disposal.HOLD_VI.lower()}: {held}). Không hủy hồ sơ nào.")
        print(f"Danh mục hồ sơ, tài liệu hết giá trị: {out}")
        return ExitCode.OK
    if args.action == "dispose":
        record = disposal.dispose(archive, decision=args.decision, dossier_ids=disposal.read_list(args.list),
                                  operator=operator, council=args.council,
                                  decision_date=_date(args.decision_date) if args.decision_date else None,
                                  catalog_url=url)
        print(f"Đã hủy nội dung theo quyết định {args.decision.strip()}; giữ lại dữ liệu đặc tả và biên bản: {record}")
        return ExitCode.OK
    count = disposal.set_hold(archive, args.dossiers, held=args.action == "hold", reason=args.reason,
                              operator=operator, catalog_url=url)
    print(f"{'Đã giữ lại, tạm dừng hủy' if args.action == 'hold' else 'Đã bỏ giữ lại (có thể xem xét hủy)'} "
          f"{count} hồ sơ.")
    return ExitCode.OK


# -- backup -----------------------------------------------------------------------------------

def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa backup``."""
    archive_arg(parser)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, help="backup folder (on independent media) to copy to and verify")
    where.add_argument("--restore-from", type=Path, help="verified backup folder to restore damaged or missing packages from")
    where.add_argument("--status", action="store_true",
                       help="report the verified copies per package and the backup targets; exit 7 when a "
                            "package has fewer than archive.backup-copies")
    parser.add_argument("--force", action="store_true",
                        help="accept a backup folder on the archive's own file system (not an independent copy)")


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up and verify, restore, or report the copy counts; exit 7 when the result does not verify."""
    from archive.backup import backup_archive, restore_archive

    archive, required = existing_archive(args.archive), site_of(args).archive.backup_copies
    if args.status:
        return _backup_status(archive, catalog_url_of(args), required)
    if args.to is not None:
        report = backup_archive(archive, args.to, catalog_url=catalog_url_of(args), force=args.force, copies=required)
        print(f"Sao lưu: đã chép {len(report.copied)} gói mới hoặc thay bản hỏng vào {args.to} "
              f"(mã bản sao {report.target_id}).")
        _print_short(report.short, required)
    else:
        report = restore_archive(archive, existing_archive(args.restore_from), catalog_url=catalog_url_of(args))
        print(f"Khôi phục: {len(report.copied)} mục được khôi phục từ {args.restore_from}.")
        for item in report.copied:
            print(f"  - {item}")
    for line in report.problems:
        print(f"HỎNG: {line}")
    print("Kiểm tra sau khi chép: " + ("đạt." if report.ok else f"{len(report.problems)} lỗi."))
    return ExitCode.OK if report.ok else ExitCode.VERIFY_FAILED


def _backup_status(archive: Path, url: str | None, required: int) -> int:
    """Print each backup target and the dossiers with too few verified copies."""
    from archive.backup import short_of_copies
    from archive.catalog_health import open_checked

    with open_checked(archive, url, readonly=True, out_of_step_ok=True) as catalog:
        targets, short = catalog.backup_targets(), short_of_copies(catalog, required)
    for t in targets:
        print(f"Bản sao {t['target_id']}: {t['path']} (thiết bị {t['device']}), kiểm tra lần cuối "
              f"{t['last_verified_at'] or 'chưa'} ({t['last_outcome'] or '-'}), {t['packages']} gói đạt.")
    if not targets:
        print("Chưa có bản sao lưu nào được ghi nhận.")
    _print_short(short, required)
    return ExitCode.OK if not short else ExitCode.VERIFY_FAILED


def _print_short(short: dict[str, int], required: int, *, shown: int = 20) -> None:
    """Name the dossiers whose package has fewer verified copies than required."""
    if not short:
        print(f"Mọi hồ sơ đều có ít nhất {required} bản sao lưu đã kiểm tra.")
        return
    print(f"CẢNH BÁO: {len(short)} hồ sơ có ít hơn {required} bản sao lưu đã kiểm tra "
          "(TT 05/2025: ít nhất hai bộ, mỗi bộ trên một phương tiện độc lập):")
    for code, count in list(short.items())[:shown]:
        print(f"  - {code}: {count} bản sao")
    if len(short) > shown:
        print(f"  … và {len(short) - shown} hồ sơ khác.")


# -- search -----------------------------------------------------------------------------------

def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa search``."""
    archive_arg(parser)
    parser.add_argument("query", nargs="+", help="words (with or without diacritics), a CCCD number or a dossier code")
    parser.add_argument("--limit", type=int, default=20, help="most hits to show (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def cmd_search(args: argparse.Namespace) -> int:
    """Print code, source file, page and snippet of each hit; exit 0 even when nothing is found.

    The catalog is checked first and opened read-only: a missing, corrupt or out-of-step catalog is
    an error naming the fix, never "0 kết quả"; a read-only copy of an archive can be searched.
    """
    from archive.catalog_health import open_checked

    with open_checked(existing_archive(args.archive), catalog_url_of(args), readonly=True) as catalog:
        hits = catalog.search(" ".join(args.query), limit=max(1, args.limit))
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
        return ExitCode.OK
    for hit in hits:
        where = f"trang {hit['page']}" if hit["page"] is not None else f"trường {hit['field']}"
        print(f"{hit['code']}\t{hit['source'] or ''}\t{where}\t{hit['snippet']}")
    print(f"Tìm thấy {len(hits)} kết quả.")
    return ExitCode.OK


COMMANDS = {
    "fixity": ("re-verify the catalog, every archive package (SHA-256) and the export records, and record the "
               "audit", add_fixity_arguments, cmd_fixity, "example: sohoa fixity --archive /srv/archive"),
    "retention": ("retention: the \"Xem xét hủy\" list, approved disposal, keeping dossiers back",
                  add_retention_arguments, cmd_retention,
                  "example: sohoa retention due --archive /srv/archive --as-of 2026-01-01"),
    "backup": ("copy the archive to independent storage and verify it, restore from it, or count the copies",
               add_backup_arguments, cmd_backup, "example: sohoa backup --archive /srv/archive --to /mnt/backup2/archive"),
    "search": ("search archived dossiers by name, CCCD, dossier code or text", add_search_arguments,
               cmd_search, 'example: sohoa search --archive /srv/archive "nguyen van an"'),
}
