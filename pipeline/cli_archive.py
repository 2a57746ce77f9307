"""Archive-care subcommands of ``sohoa``: ``fixity``, ``retention``, ``backup``, ``search`` and ``catalog``.

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


def _archive_arg(parser: argparse.ArgumentParser) -> None:
    """The ``--archive`` and ``--catalog`` options every archive command takes."""
    parser.add_argument("--archive", type=Path, required=True, help="archive folder (packages, catalog)")
    parser.add_argument("--catalog", metavar="URL", default=None,
                        help="catalog database (default: the one the archive names in catalog.url, else its "
                             "catalog.sqlite; the configuration's archive.catalog-url with --config); "
                             "keep passwords in ~/.pgpass, not here")


def _catalog_url(args: argparse.Namespace) -> str | None:
    """The catalog the command line or the given site configuration names, if any."""
    if getattr(args, "catalog", None):
        return args.catalog
    if getattr(args, "config", None):
        import configs

        return configs.load(args.config).archive.catalog_url
    return None


def _existing_archive(path: Path) -> Path:
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
    _archive_arg(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-record", action="store_true",
                        help="do not write audit events (e.g. a backup on read-only media)")


def cmd_fixity(args: argparse.Namespace) -> int:
    """Re-check every package; exit 7 and name every damaged or missing file when any fails."""
    from archive.audit import audit_archive

    report = audit_archive(_existing_archive(args.archive), record=not args.no_record,
                           catalog_url=_catalog_url(args))
    if args.json:
        print(json.dumps({"checked_at": report.checked_at, "packages": len(report.packages),
                          "problems": report.lines()}, ensure_ascii=False, indent=1))
    else:
        for line in report.lines():
            print(f"HỎNG: {line}")
        print(f"Kiểm tra toàn vẹn: {len(report.packages)} gói, {len(report.damaged)} gói hỏng hoặc thiếu tệp.")
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
    dispose.add_argument("--list", type=Path, required=True, help="approved list: the due XLSX or one code per line")
    dispose.add_argument("--operator", default=None, help="who carries it out (default: the login name)")
    for name, text in (("hold", "place a legal hold (blocks disposal)"), ("release", "lift a legal hold")):
        sub = _action(actions, name, text)
        sub.add_argument("dossiers", nargs="+", help="dossier codes")
        sub.add_argument("--reason", required=True, help="why (kept in the audit trail)")
        sub.add_argument("--operator", default=None, help="who (default: the login name)")


def _action(actions: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """One ``retention`` action with ``--archive`` (and ``-v`` accepted after the action too)."""
    parser = actions.add_parser(name, help=text, epilog=f"example: {RETENTION_EXAMPLES[name]}")
    _archive_arg(parser)
    parser.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS)
    return parser


RETENTION_EXAMPLES = {
    "due": "sohoa retention due --archive /srv/archive --as-of 2026-01-01 --output xem-xet-huy.xlsx",
    "dispose": "sohoa retention dispose --archive /srv/archive --decision 12/QĐ-UBND --list xem-xet-huy.xlsx",
    "hold": "sohoa retention hold --archive /srv/archive 000.00.19.H49-240101-0001 --reason 'thanh tra'",
    "release": "sohoa retention release --archive /srv/archive 000.00.19.H49-240101-0001 --reason 'xong'",
}


def cmd_retention(args: argparse.Namespace) -> int:
    """Run one retention action."""
    from archive import disposal
    from archive.catalog import Catalog

    archive, url = _existing_archive(args.archive), _catalog_url(args)
    operator = getattr(args, "operator", None) or getpass.getuser()
    if args.action == "due":
        as_of = _date(args.as_of) if args.as_of else date.today()
        with Catalog.for_archive(archive, url) as catalog:
            rows = catalog.expired(as_of)
        out = args.output or archive / "reports" / f"xem-xet-huy-{as_of:%Y%m%d}.xlsx"
        disposal.write_due_xlsx(rows, as_of, out)
        unconfirmed = sum(not r["retention_confirmed"] for r in rows)
        held = sum(r["hold"] for r in rows)
        print(f"Hồ sơ hết thời hạn lưu trữ tính đến {as_of:%d/%m/%Y}: {len(rows)} "
              f"(thời hạn chưa xác nhận: {unconfirmed}; đang phong tỏa: {held}). Không hủy hồ sơ nào.")
        print(f"Danh mục xem xét hủy: {out}")
        return ExitCode.OK
    if args.action == "dispose":
        record = disposal.dispose(archive, decision=args.decision, dossier_ids=disposal.read_list(args.list),
                                  operator=operator, catalog_url=url)
        print(f"Đã hủy nội dung theo quyết định {args.decision.strip()}; giữ lại dữ liệu đặc tả và biên bản: {record}")
        return ExitCode.OK
    count = disposal.set_hold(archive, args.dossiers, held=args.action == "hold", reason=args.reason,
                              operator=operator, catalog_url=url)
    print(f"{'Đã phong tỏa' if args.action == 'hold' else 'Đã gỡ phong tỏa'} {count} hồ sơ.")
    return ExitCode.OK


# -- backup -----------------------------------------------------------------------------------

def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa backup``."""
    _archive_arg(parser)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, help="backup folder (on independent media) to copy to and verify")
    where.add_argument("--restore-from", type=Path, help="verified backup folder to restore damaged or missing packages from")


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up and verify, or restore; exit 7 when the result does not verify."""
    from archive.backup import backup_archive, restore_archive

    archive = _existing_archive(args.archive)
    if args.to is not None:
        report = backup_archive(archive, args.to, catalog_url=_catalog_url(args))
        print(f"Sao lưu: đã chép {len(report.copied)} gói mới hoặc thay bản hỏng vào {args.to}.")
    else:
        report = restore_archive(archive, _existing_archive(args.restore_from), catalog_url=_catalog_url(args))
        print(f"Khôi phục: {len(report.copied)} mục được khôi phục từ {args.restore_from}.")
        for item in report.copied:
            print(f"  - {item}")
    for line in report.problems:
        print(f"HỎNG: {line}")
    print("Kiểm tra sau khi chép: " + ("đạt." if report.ok else f"{len(report.problems)} lỗi."))
    return ExitCode.OK if report.ok else ExitCode.VERIFY_FAILED


# -- search -----------------------------------------------------------------------------------

def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa search``."""
    _archive_arg(parser)
    parser.add_argument("query", nargs="+", help="words (with or without diacritics), a CCCD number or a dossier code")
    parser.add_argument("--limit", type=int, default=20, help="most hits to show (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def cmd_search(args: argparse.Namespace) -> int:
    """Print dossier, page and snippet of each hit; exit 0 even when nothing is found."""
    from archive.catalog import Catalog

    with Catalog.for_archive(_existing_archive(args.archive), _catalog_url(args)) as catalog:
        hits = catalog.search(" ".join(args.query), limit=max(1, args.limit))
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
        return ExitCode.OK
    for hit in hits:
        where = f"trang {hit['page']}" if hit["page"] is not None else f"trường {hit['field']}"
        print(f"{hit['dossier_id']}\t{where}\t{hit['snippet']}")
    print(f"Tìm thấy {len(hits)} kết quả.")
    return ExitCode.OK


# -- catalog ----------------------------------------------------------------------------------

def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa catalog``."""
    _archive_arg(parser)
    parser.add_argument("--move-to", metavar="URL", default=None,
                        help="move the archive's SQLite catalog into this (empty) database, e.g. PostgreSQL "
                             "shared by several machines; stop every run first")


def cmd_catalog(args: argparse.Namespace) -> int:
    """Say where the archive's catalog is and what it holds, or move it into another database."""
    from archive._catalog_db import shown
    from archive.catalog import Catalog
    from archive.catalog_copy import move_catalog

    archive = _existing_archive(args.archive)
    if args.move_to:
        counts, kept = move_catalog(archive, args.move_to)
        with Catalog.for_archive(archive) as moved:
            where = shown(moved.url)
        print(f"Đã chuyển danh mục sang {where}: {counts['dossiers']} hồ sơ, {counts['events']} sự kiện; "
              f"tệp cũ được giữ lại: {kept.name}.")
        return ExitCode.OK
    with Catalog.for_archive(archive, _catalog_url(args)) as catalog:
        print(f"Danh mục: {shown(catalog.url)} ({catalog.dialect})")
        print(f"Hồ sơ: {catalog.count('dossiers')}; gói lưu trữ: {catalog.count('packages')}; "
              f"sự kiện: {catalog.count('events')}; biên bản hủy: {catalog.count('disposals')}.")
    return ExitCode.OK


COMMANDS = {
    "fixity": ("re-verify every archive package (SHA-256) and record the audit", add_fixity_arguments,
               cmd_fixity, "example: sohoa fixity --archive /srv/archive"),
    "retention": ("retention: disposal-review list, approved disposal, legal hold", add_retention_arguments,
                  cmd_retention, "example: sohoa retention due --archive /srv/archive --as-of 2026-01-01"),
    "backup": ("copy the archive to a second location and verify it, or restore from it", add_backup_arguments,
               cmd_backup, "example: sohoa backup --archive /srv/archive --to /mnt/backup2/archive"),
    "search": ("search archived dossiers by name, CCCD, dossier code or text", add_search_arguments,
               cmd_search, 'example: sohoa search --archive /srv/archive "nguyen van an"'),
    "catalog": ("where the archive's catalog is; move it to PostgreSQL", add_catalog_arguments, cmd_catalog,
                "example: sohoa catalog --archive /srv/archive --move-to postgresql://sohoa@db.internal/sohoa"),
}
