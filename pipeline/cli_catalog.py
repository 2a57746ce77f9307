"""Catalog subcommands of ``sohoa``: ``catalog`` (show, check, rebuild, upgrade, move) and ``code set``.

Loaded by ``pipeline/cli.py`` through ``COMMAND_MODULES``. Each command calls one function of
``archive/`` and returns an exit code; output for people is in Vietnamese and names dossiers by
their code.
"""

from __future__ import annotations

import argparse
import getpass

from pipeline.cli_archive import archive_arg, catalog_url_of, existing_archive, site_of
from sohoa.errors import ExitCode

CATALOG_ACTIONS = ("show", "check", "rebuild", "upgrade")


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa catalog [show|check|rebuild|upgrade]``."""
    parser.add_argument("action", nargs="?", choices=CATALOG_ACTIONS, default="show",
                        help="show (default): where the catalog is and what it holds; check: is it there, whole "
                             "and in step with the packages (exit 7 if not); rebuild: make it again from the "
                             "packages; upgrade: bring its schema to this sohoa's")
    archive_arg(parser)
    parser.add_argument("--full", action="store_true",
                        help="rebuild: make a new catalog from the packages even when the current one is whole "
                             "(a SQLite file is kept aside; PostgreSQL needs an empty database)")
    parser.add_argument("--move-to", metavar="URL", default=None,
                        help="move the archive's SQLite catalog into this (empty) database, e.g. PostgreSQL "
                             "shared by several machines; stop every run first")


def cmd_catalog(args: argparse.Namespace) -> int:
    """Show, check, rebuild, upgrade or move the archive's catalog."""
    from archive._catalog_db import shown
    from archive.catalog import Catalog
    from archive.catalog_copy import move_catalog

    archive, url = existing_archive(args.archive), catalog_url_of(args)
    if args.move_to:
        counts, kept = move_catalog(archive, args.move_to)
        with Catalog.for_archive(archive, create=False) as moved:
            where = shown(moved.url)
        print(f"Đã chuyển danh mục sang {where}: {counts['dossiers']} hồ sơ, {counts['events']} sự kiện, "
              f"{counts.get('review_users', 0)} tài khoản của trạm kiểm tra (người dùng đăng nhập lại); "
              f"tệp cũ được giữ lại: {kept.name}.")
        return ExitCode.OK
    if args.action == "check":
        return _check(archive, url)
    if args.action == "rebuild":
        return _rebuild(archive, url, full=args.full, config=getattr(args, "config", None))
    if args.action == "upgrade":
        with Catalog.for_archive(archive, url, create=False) as catalog:
            print(f"Danh mục {shown(catalog.url)} có cấu trúc mới nhất.")
        return ExitCode.OK
    from archive.catalog_health import open_checked

    with open_checked(archive, url, readonly=True) as catalog:
        print(f"Danh mục: {shown(catalog.url)} ({catalog.dialect})")
        print(f"Hồ sơ: {catalog.count('dossiers')}; gói lưu trữ: {catalog.count('packages')}; "
              f"sự kiện: {catalog.count('events')}; biên bản hủy: {catalog.count('disposals')}.")
    return ExitCode.OK


def _check(archive, url) -> int:  # noqa: ANN001
    """Print the catalog's state; exit 7 unless it is usable."""
    from archive.catalog_health import check_catalog

    health = check_catalog(archive, url, integrity="full")
    if health.ok:
        print(f"Danh mục {health.where}: đạt (toàn vẹn, khớp với các gói lưu trữ).")
        return ExitCode.OK
    if health.state == "new":
        print(f"Kho lưu trữ chưa có danh mục và chưa có gói lưu trữ nào ({health.where}).")
        return ExitCode.OK
    error = health.error()
    print(f"HỎNG: {error.message_vi}\n{error}")
    return ExitCode.VERIFY_FAILED


def _rebuild(archive, url, *, full: bool, config) -> int:  # noqa: ANN001
    """Rebuild the catalog and say what came from where and what could not be recovered."""
    from archive.catalog_rebuild import rebuild_catalog
    from pipeline.settings import retention_schedule, settings

    site = settings(str(config.resolve()) if config else "")
    report = rebuild_catalog(archive, url, full=full, schedule=retention_schedule(site))
    if report.mode == "incremental":
        print(f"Danh mục đã khớp lại với các gói: đăng ký {len(report.registered)} gói chưa có trong danh mục, "
              f"ghi nhận {len(report.lost_packages)} gói bị mất.")
        for rel in report.lost_packages:
            print(f"  - gói bị mất (khôi phục từ bản sao lưu nếu có): {rel}")
    else:
        print(f"Đã dựng lại danh mục từ {report.packages} gói lưu trữ của {report.dossiers} hồ sơ "
              f"({report.events} sự kiện PREMIS).")
        if report.kept_old:
            print(f"Tệp danh mục cũ được giữ lại: {report.kept_old.name}")
        for source, count in sorted(report.sources.items()):
            print(f"  - bản ghi hồ sơ lấy từ {source}: {count}")
        for what, count in sorted(report.recovered.items()):
            print(f"  - khôi phục {what}: {count}")
    for line in report.not_recovered:
        print(f"KHÔNG KHÔI PHỤC ĐƯỢC: {line}")
    for line in report.problems:
        print(f"LỖI: {line}")
    return ExitCode.OK if not report.problems else ExitCode.VERIFY_FAILED


def add_code_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa code set OLD NEW``."""
    actions = parser.add_subparsers(dest="action", required=True)
    change = actions.add_parser("set", help="replace a dossier's code (e.g. a temporary SOHOA-TAM-… by the real one): "
                                             "the catalog, a new package version and the audit trail",
                                epilog="example: sohoa code set --archive /srv/archive SOHOA-TAM-79D5FF71EE27 "
                                       "000.00.19.H49-240101-0001 --reason 'mã trên phiếu hẹn'")
    archive_arg(change)
    change.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS)
    change.add_argument("old", help="the current code (or the internal id)")
    change.add_argument("new", help="the new code")
    change.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    change.add_argument("--operator", default=None,
                        help="who, as the audit trail and PREMIS name them (default: the login name)")


def cmd_code(args: argparse.Namespace) -> int:
    """Replace a dossier code: catalog, a new package version, the audit trail and ``records/``."""
    from archive.catalog_codes import set_code
    from pipeline.settings import date_fields, retention_schedule

    site = site_of(args)
    change = set_code(existing_archive(args.archive), args.old, args.new,
                      operator=args.operator or getpass.getuser(), reason=args.reason,
                      catalog_url=catalog_url_of(args), date_fields=date_fields(site),
                      schedule=retention_schedule(site))
    print(f"Đã đổi mã hồ sơ {change.old} thành {change.new} (có ghi nhật ký); gói lưu trữ mang mã mới trong "
          f"phiên bản mới: {change.package}")
    return ExitCode.OK


COMMANDS = {
    "catalog": ("the archive's catalog: show, check, rebuild from the packages, upgrade, move to PostgreSQL",
                add_catalog_arguments, cmd_catalog, "example: sohoa catalog rebuild --archive /srv/archive"),
    "code": ("dossier codes: replace a temporary code by the real one", add_code_arguments, cmd_code,
             "example: sohoa code set --archive /srv/archive SOHOA-TAM-79D5FF71EE27 000.00.19.H49-240101-0001 "
             "--reason 'mã trên phiếu hẹn'"),
}
