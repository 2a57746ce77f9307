"""The ``sohoa`` command: parse, load validated settings once, run, return an exit code.

This is the one place that turns exceptions into exit codes (see ``sohoa.errors.ExitCode`` and the
README's table): one line ``ErrorName: message`` and its Vietnamese text on stderr, never a
traceback unless ``--verbose``. A usage error exits 4 like any invalid command line (argparse's
own 2 would read as something else). ``luigi.build`` returns True even when tasks failed, so the
exit code of ``sohoa run`` comes from what became of each dossier (:mod:`pipeline.summary`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from sohoa import __version__
from sohoa.errors import ConfigError, ExitCode, SohoaError

log = logging.getLogger("sohoa")

EXAMPLES = {
    "run": "example: sohoa run --inbox /srv/scans/inbox --archive /srv/archive --workers 2 "
           "(a new archive: sohoa archive init DIR, or --create)",
    "export": "example: sohoa export --archive /srv/archive --format xlsx --output ho_so.xlsx",
    "verify": "example: sohoa verify /srv/archive",
}


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa run``."""
    parser.add_argument("--inbox", type=Path, required=True, help="folder the scanners write into")
    parser.add_argument("--archive", type=Path, required=True, help="archive folder (packages, catalog, reports)")
    parser.add_argument("--work", type=Path, help="work folder for intermediate files (default ARCHIVE/.work)")
    parser.add_argument("--workers", type=int, default=1, help="dossiers processed at once (default 1)")
    parser.add_argument("--scheduler-url", help="central luigid, e.g. http://host:8082 (default: local scheduler)")
    parser.add_argument("--slice", type=int, default=200, metavar="N",
                        help="dossiers handed to the scheduler at a time; keeps memory flat on a large "
                             "backlog (default 200)")
    parser.add_argument("--profile", default="default",
                        help="scanner profile: a name in configs/scanners/ (default, separator-sheets, page-count, "
                             "blank-sheet) or a YAML file (default: default = one dossier per file or folder)")
    parser.add_argument("--create", action="store_true",
                        help="make the archive if it does not exist yet (without it, a missing archive is an error, "
                             "so a typo never starts a new archive)")
    parser.add_argument("--retry-quarantined", action="store_true",
                        help="take again inputs an earlier run quarantined (default: skip them, with a line in the "
                             "report)")
    parser.add_argument("--dry-run", action="store_true",
                        help="say what would be processed (new, resumed, skipped), write nothing")
    parser.add_argument("--metrics-file", type=Path, metavar="FILE",
                        help="Prometheus text file to write at the end (default: run.metrics-file of the configuration)")


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa export``."""
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--format", choices=("jsonl", "csv", "xlsx"), default="jsonl")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output; required for xlsx)")


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa verify``."""
    parser.add_argument("paths", nargs="+", type=Path, help="signed PDFs or an archive folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Vietnamese text")
    parser.add_argument("--at", metavar="DATE",
                        help="validate as of this date/time (ISO 8601, e.g. 2060-01-01; no offset = +07:00)")


# Modules that add subcommands: each defines COMMANDS = {name: (help, add_arguments, function, example)}.
COMMAND_MODULES: tuple[str, ...] = ("pipeline.cli_archive", "pipeline.cli_catalog", "pipeline.cli_intake",
                                    "pipeline.cli_ops", "pipeline.cli_preserve", "pipeline.cli_review",
                                    "pipeline.cli_kpi")


def _commands() -> dict[str, tuple[str, object, object, str]]:
    commands = {
        "run": ("process an inbox of scans", add_run_arguments, cmd_run, EXAMPLES["run"]),
        "export": ("export archived records", add_export_arguments, cmd_export, EXAMPLES["export"]),
        "verify": ("check signatures of archived PDFs", add_verify_arguments, cmd_verify, EXAMPLES["verify"]),
    }
    for module in COMMAND_MODULES:
        commands.update(importlib.import_module(module).COMMANDS)
    return commands


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits with ``ExitCode.CONFIG`` (4), as the README says."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.CONFIG), f"{self.prog}: error: {message}\nLệnh không hợp lệ: xem `{self.prog} --help`.\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command."""
    parser = _Parser(prog="sohoa", description="Digitize scanned dossiers into signed PDF/A archives.")
    parser.add_argument("--version", action="version", version=f"sohoa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (text, adder, _, example) in _commands().items():
        p = sub.add_parser(name, help=text, epilog=example)
        p.add_argument("--config", type=Path, help="site configuration YAML (default: configs/default.yaml)")
        p.add_argument("--verbose", "-v", action="store_true", help="debug logging and tracebacks")
        adder(p)
    return parser


def _config(args: argparse.Namespace) -> str:
    return str(args.config.resolve()) if getattr(args, "config", None) else ""


def cmd_run(args: argparse.Namespace) -> int:
    """Process the inbox; exit 0 when every dossier was archived, 3 for quarantined inputs, 8 for failures."""
    from pipeline.run import RunOptions, run_inbox

    if args.workers < 1 or args.slice < 1:
        raise ConfigError("--workers and --slice must be at least 1",
                          message_vi="--workers và --slice phải từ 1 trở lên.")
    archive = args.archive.resolve()
    return run_inbox(RunOptions(inbox=args.inbox.resolve(), archive=archive,
                                work=(args.work or archive / ".work").resolve(), workers=args.workers,
                                scheduler_url=args.scheduler_url, config=_config(args), verbose=args.verbose,
                                profile=args.profile, slice_dossiers=args.slice, create=args.create,
                                retry_quarantined=args.retry_quarantined, dry_run=args.dry_run,
                                metrics_file=args.metrics_file.resolve() if args.metrics_file else None))


def cmd_export(args: argparse.Namespace) -> int:
    """Print or write the archive's records."""
    from pipeline.archive_dir import require_archive
    from pipeline.export import export
    from pipeline.settings import forms_dir

    if args.format == "xlsx" and args.output is None:
        raise ConfigError("--output FILE is required for --format xlsx (a workbook is not written to a terminal)",
                          message_vi="Cần --output TỆP cho định dạng xlsx.")
    require_archive(args.archive.resolve())
    folder = forms_dir(_config(args))
    if args.output is None:
        export(args.archive, args.format, sys.stdout, forms_dir=folder)
        return ExitCode.OK
    mode = "wb" if args.format == "xlsx" else "w"
    try:
        with args.output.open(mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
            count = export(args.archive, args.format, out, forms_dir=folder)
    except OSError as exc:
        raise SohoaError(f"cannot write {args.output} ({exc.strerror})", reason="output_not_writable",
                         message_vi=f"Không ghi được tệp {args.output}.") from exc
    print(f"Đã xuất {count} hồ sơ: {args.output}", file=sys.stderr)
    return ExitCode.OK


def _pdfs(paths: list[Path]) -> list[Path]:
    """The PDFs to verify: files as given, an archive folder's signed PDFs.

    Raises:
        SohoaError: A path does not exist, or a folder is not an archive.
    """
    from pipeline.archive_dir import require_archive

    found = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(require_archive(p).glob("packages/*/representations/*/data/*.pdf")))
        elif p.exists():
            found.append(p)
        else:
            raise SohoaError(f"{p} does not exist", reason="not_found", message_vi=f"Không tìm thấy {p}.")
    return found


def cmd_verify(args: argparse.Namespace) -> int:
    """Validate signatures; exit 7 when any file fails."""
    from pipeline.settings import trust_roots
    from signing import parse_validation_time, render_json, render_vi, verify_files

    at = parse_validation_time(args.at) if args.at else None
    pdfs = _pdfs(args.paths)
    if not pdfs:
        print("[]" if args.json else "Không có tệp PDF đã ký nào để kiểm tra.")
        return ExitCode.OK
    verdicts = verify_files(pdfs, trust_roots=trust_roots(_config(args)), at=at)
    print(render_json(verdicts) if args.json else render_vi(verdicts))
    return ExitCode.OK if all(v.ok for v in verdicts) else ExitCode.VERIFY_FAILED


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sohoa`` console script."""
    from sohoa import logs

    os.umask(0o027)  # archives and work files are not world-readable (NĐ 13/2023)
    args = build_parser().parse_args(argv)
    logs.setup(verbose=args.verbose, log_file=None)  # `sohoa run` adds its log file once the archive is known
    try:
        return int(_commands()[args.command][2](args))
    except SohoaError as exc:
        if args.verbose:
            log.exception("stopped")
        print(f"{type(exc).__name__}: {exc}\n{exc.message_vi}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("Interrupted / Đã dừng.", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except OSError as exc:
        if args.verbose:
            log.exception("stopped")
        print(f"OSError: {exc.strerror or exc}\nLỗi hệ thống tệp (ổ đĩa đầy hoặc không có quyền ghi).",
              file=sys.stderr)
        return int(ExitCode.CANNOT_RUN)
    except Exception as exc:  # noqa: BLE001 - the last boundary: one line, never a traceback, unless -v
        if args.verbose:
            log.exception("stopped")
        print(f"{type(exc).__name__}: internal error (run with --verbose for details)\n"
              "Lỗi nội bộ của chương trình: báo cho bộ phận CNTT kèm tệp nhật ký.", file=sys.stderr)
        return int(ExitCode.CANNOT_RUN)


if __name__ == "__main__":
    sys.exit(main())
