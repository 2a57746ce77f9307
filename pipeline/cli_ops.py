"""Subcommands for IT staff: ``sohoa check`` (is the installation ready?) and ``sohoa archive init``.

Loaded by ``pipeline.cli`` through its ``COMMAND_MODULES``; each command returns an ExitCode.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sohoa.errors import ExitCode


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa check``."""
    parser.add_argument("--archive", type=Path, help="the archive a run writes into")
    parser.add_argument("--inbox", type=Path, help="the inbox a run reads")
    parser.add_argument("--work", type=Path, help="the work folder (default ARCHIVE/.work)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the findings (default vi)")
    parser.add_argument("--offline", action="store_true", help="do not contact the TSA, OCSP or CRL servers")


def cmd_check(args: argparse.Namespace) -> int:
    """Print every finding; exit 0 when nothing failed (warnings allowed), else 6."""
    from pipeline.check import FAIL, WARN, Target, run_checks

    target = Target(config=str(args.config.resolve()) if args.config else "",
                    archive=args.archive.resolve() if args.archive else None,
                    inbox=args.inbox.resolve() if args.inbox else None,
                    work=args.work.resolve() if args.work else None, network=not args.offline)
    found = run_checks(target)
    for check in found:
        print(check.line(args.lang))
    failed, warned = sum(c.state == FAIL for c in found), sum(c.state == WARN for c in found)
    if args.lang == "en":
        print(f"{len(found)} checks: {failed} failed, {warned} warnings.")
    else:
        print(f"{len(found)} mục kiểm tra: {failed} lỗi, {warned} cần chú ý.")
    return ExitCode.CANNOT_RUN if failed else ExitCode.OK


def add_archive_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa archive init``."""
    actions = parser.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="make a new, empty archive (folders and catalog)",
                              epilog="example: sohoa archive init /srv/sohoa/archive")
    init.add_argument("folder", type=Path, help="the new archive's folder (empty or not there yet)")
    init.add_argument("--catalog", metavar="URL", default=None,
                      help="keep the catalog in this database (PostgreSQL shared by several machines); "
                           "default: the configuration's archive.catalog-url, else the archive's catalog.sqlite")


def cmd_archive(args: argparse.Namespace) -> int:
    """Make a new archive; an existing archive is left as it is (exit 0)."""
    from pipeline.archive_dir import create_archive
    from pipeline.settings import settings

    url = args.catalog or settings(str(args.config.resolve()) if args.config else "").archive.catalog_url
    folder = args.folder.resolve()
    if create_archive(folder, catalog_url=url):
        print(f"Đã tạo kho lưu trữ: {folder}")
    else:
        print(f"{folder} đã là kho lưu trữ sohoa: giữ nguyên.")
    return ExitCode.OK


COMMANDS = {
    "check": ("check the installation: tools, keys, servers, archive, catalog, permissions", add_check_arguments,
              cmd_check, "example: sohoa check --config /etc/sohoa/site.yaml --archive /srv/sohoa/archive "
                         "--inbox /srv/sohoa/inbox"),
    "archive": ("make a new archive (sohoa archive init DIR)", add_archive_arguments, cmd_archive,
                "example: sohoa archive init /srv/sohoa/archive"),
}
