"""Subcommands for scanner intake: print separator sheets, and show how an inbox would be split.

Loaded by ``pipeline.cli`` through its ``COMMAND_MODULES``; each command returns an ExitCode.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sohoa.errors import ConfigError, ExitCode, SohoaError


def add_separator_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa separator``."""
    parser.add_argument("--code", required=True, help="dossier code (mã hồ sơ) of the first sheet")
    parser.add_argument("--count", type=int, default=1,
                        help="sheets to print, with consecutive codes (the code must end in a number)")
    parser.add_argument("--output", type=Path, required=True, help="PDF file to write")


def cmd_separator(args: argparse.Namespace) -> int:
    """Write a PDF of separator sheets (QR ``SOHOA-SEP:<code>`` and the code in text)."""
    from scanners.sheets import consecutive_codes, write_sheets

    if not 1 <= args.count <= 1000:
        raise ConfigError("--count must be between 1 and 1000", message_vi="--count phải từ 1 đến 1000.")
    try:
        codes = consecutive_codes(args.code, args.count)
        path = write_sheets(codes, args.output)
    except ValueError as exc:
        raise ConfigError(str(exc), message_vi="Mã hồ sơ không hợp lệ cho tờ phân cách (chỉ gồm chữ cái không dấu, "
                                               "chữ số và các dấu . _ -, tối đa 100 ký tự).") from exc
    print(f"Đã tạo {len(codes)} tờ phân cách: {path}")
    return ExitCode.OK


def add_intake_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa intake``."""
    parser.add_argument("--inbox", type=Path, required=True, help="folder the scanners write into")
    parser.add_argument("--staging", type=Path, required=True, help="folder for the split dossiers")
    parser.add_argument("--profile", default="default",
                        help="scanner profile: a name in configs/scanners/ or a YAML file (default: default)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Vietnamese text")


def cmd_intake(args: argparse.Namespace) -> int:
    """Split the inbox's stacks into staged dossiers and list them (nothing is OCRed or archived)."""
    from pipeline.report import reason_vi
    from scanners.intake import collect, intake_event
    from scanners.profiles import load_profile

    profile = load_profile(args.profile)
    if not args.inbox.is_dir():
        raise SohoaError(f"the inbox {args.inbox} is not a folder", message_vi="Thư mục nhận không tồn tại.")
    result = collect(args.inbox.resolve(), args.staging.resolve(), profile=profile)
    rows = [{"dossier_id": d.dossier_id, "relative": d.relative, **intake_event(d)} for d in result.dossiers]
    if args.json:
        print(json.dumps({"dossiers": rows, "growing": [str(p) for p in result.growing],
                          "problems": [p.to_dict() for p in result.problems]}, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            review = f" — cần xem: {', '.join(row['review'])}" if row["review"] else ""
            print(f"{row['relative']}: mã hồ sơ {row['code'] or '(không có)'} ({row['code_source']}){review}")
        for problem in result.problems:
            left = " (để nguyên trong thư mục nhận)" if problem.skipped else ""
            print(f"Vấn đề: {problem.relative}: {reason_vi(problem.reason)}{left}")
        print(f"Tổng: {len(rows)} hồ sơ, {len(result.growing)} tệp đang được ghi, {len(result.problems)} vấn đề.")
    return ExitCode.OK if not result.problems else ExitCode.INCOMPLETE


COMMANDS = {
    "separator": ("print QR separator sheets to put on top of each dossier", add_separator_arguments,
                  cmd_separator, ("example: sohoa separator --code 000.00.31.H29-240115-0001 --count 20 "
                                  "--output to-phan-cach.pdf")),
    "intake": ("split stacked scans into dossiers by scanner profile (dry run of the intake)",
               add_intake_arguments, cmd_intake,
               "example: sohoa intake --inbox /srv/scans/inbox --staging /tmp/staging --profile separator-sheets"),
}
