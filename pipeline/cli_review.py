"""The verification station's subcommands of ``sohoa``: ``review`` (serve it) and ``users`` (its accounts).

Loaded by ``pipeline/cli.py`` through ``COMMAND_MODULES``. ``sohoa review`` serves the station
with uvicorn, on 127.0.0.1 unless configured (``review.host`` or ``--host``); in production it sits
behind a TLS reverse proxy (``deploy/sohoa-review.service``, ``deploy/nginx-sohoa-review.conf``).
``sohoa users`` reads a password from the terminal (twice), or from the first line of standard
input when that is not a terminal — never from the command line. A dossier code is replaced in the
station's code field or with ``sohoa code set`` (``pipeline/cli_catalog.py``): one function does both.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from sohoa.errors import ConfigError, ExitCode

log = logging.getLogger("sohoa.review")


def add_review_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa review``."""
    parser.add_argument("--archive", type=Path, required=True, help="archive folder (packages, catalog)")
    parser.add_argument("--host", help="address to listen on (default: review.host of the configuration, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default: review.port, 8765)")
    parser.add_argument("--catalog", metavar="URL", help="catalog database, as for the archive commands")


def add_users_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa users``."""
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="create an account, or set a new password and role for one")
    add.add_argument("name", help="account name: lower-case letters, digits, '.', '_' or '-'")
    add.add_argument("--role", choices=("clerk", "lead", "admin"), default="clerk")
    disable = sub.add_parser("disable", help="turn an account off (its sessions end at once)")
    disable.add_argument("name")
    sub.add_parser("list", help="list the accounts")
    for p in (add, disable, sub.choices["list"]):
        p.add_argument("--archive", type=Path, required=True, help="archive folder")
        p.add_argument("--catalog", metavar="URL", help="catalog database, as for the archive commands")


def _settings(args: argparse.Namespace):  # noqa: ANN202 - configs.schema.Settings
    from pipeline.settings import settings

    return settings(str(args.config.resolve()) if getattr(args, "config", None) else "")


def _store(args: argparse.Namespace, settings):  # noqa: ANN001, ANN202 - review.store.Store
    from pipeline.archive_dir import require_archive
    from review.store import Store

    return Store(require_archive(args.archive.resolve()), args.catalog or settings.archive.catalog_url)


def cmd_review(args: argparse.Namespace) -> int:
    """Serve the verification station until interrupted."""
    import uvicorn

    from pipeline.report import REASON_VI
    from review.app import create_app
    from review.fieldinfo import FormInfo
    from review.service import Station

    settings = _settings(args)
    review = settings.review
    host, port = args.host or review.host, args.port or review.port
    archive = args.archive.resolve()
    station = Station(archive, _store(args, settings), review, REASON_VI,
                      catalog_url=args.catalog or settings.archive.catalog_url,
                      forms=FormInfo(settings.fields.forms_dir), retention_file=settings.archive.retention_file)
    if host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("the station listens on %s: serve it only behind a TLS reverse proxy", host)
    print(f"Trạm kiểm tra dữ liệu: http://{host}:{port}/  (Ctrl+C để dừng)", file=sys.stderr)
    uvicorn.run(create_app(station), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips=",".join(review.trusted_proxies), server_header=False,
                access_log=False, log_level="warning")
    return ExitCode.OK


def _read_password() -> str:
    """The new password: typed twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu mới: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise ConfigError("the two passwords differ", message_vi="Hai lần nhập mật khẩu không khớp.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _audit(args: argparse.Namespace, settings, detail: str) -> None:  # noqa: ANN001 - configs.schema.Settings
    """An archive-wide audit event for an account change, naming who made it."""
    from archive.catalog import Catalog
    from archive.model import PremisEvent
    from sohoa.clock import now_vn

    with Catalog.for_archive(args.archive.resolve(), args.catalog or settings.archive.catalog_url) as catalog:
        catalog.add_archive_event(PremisEvent("account change", now_vn(), "success", detail, getpass.getuser()))


def cmd_users(args: argparse.Namespace) -> int:
    """Add, disable or list the station's accounts."""
    from review import accounts

    settings = _settings(args)
    store = _store(args, settings)
    try:
        if args.action == "add":
            accounts.add_user(store, args.name, args.role, _read_password())
            _audit(args, settings, f"account {args.name} set, role {args.role}")
            print(f"Đã lưu tài khoản {args.name} (vai trò {args.role}).")
        elif args.action == "disable":
            accounts.disable_user(store, args.name)
            _audit(args, settings, f"account {args.name} disabled")
            print(f"Đã khóa tài khoản {args.name}; các phiên đăng nhập của tài khoản này đã kết thúc.")
        else:
            for user in accounts.list_users(store):
                print(f"{user['name']}\t{user['role']}\t{'hoạt động' if user['enabled'] else 'đã khóa'}")
    finally:
        store.close()
    return ExitCode.OK


COMMANDS = {
    "review": ("serve the verification station (check and correct flagged fields in a browser)",
               add_review_arguments, cmd_review, "example: sohoa review --archive /srv/archive --port 8765"),
    "users": ("accounts of the verification station: add, disable, list", add_users_arguments, cmd_users,
              "example: sohoa users add lan --role clerk --archive /srv/archive"),
}
