"""The files in deploy/ hold: systemd accepts the units, a failed batch alerts (mail or a command),
logrotate accepts its configuration and rotates, systemd-tmpfiles ages out old run logs.

Paths under /opt/sohoa and /srv/sohoa are pointed at this clone and at test folders; the tools are the
real systemd-analyze, systemd-tmpfiles and logrotate.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import time
from pathlib import Path

from conftest import ROOT
from pki import require_tool

DEPLOY = ROOT / "deploy"


def _units(dest: Path) -> list[Path]:
    units = []
    for unit in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        name = unit.name.replace("@.service", "@sohoa-run.service.service")
        (dest / name).write_text(unit.read_text().replace("/opt/sohoa", str(ROOT)))
        units.append(dest / name)
    return units


def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze", "systemd")
    result = subprocess.run([analyze, "verify", "--man=no", *map(str, _units(tmp_path))], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_batch_fails_the_unit_only_for_the_admins_matters_and_alerts() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(DEPLOY / "sohoa-run.service")
    assert unit["Service"]["SuccessExitStatus"].split() == ["3"]    # quarantined scans: the clerks' report
    for name in ("sohoa-run.service", "sohoa-fixity.service"):
        text = (DEPLOY / name).read_text()
        assert "OnFailure=sohoa-alert@%n.service" in text, name
    assert "/opt/sohoa/deploy/sohoa-alert %i" in (DEPLOY / "sohoa-alert@.service").read_text()


def test_the_alert_runs_the_configured_command_or_mails(tmp_path: Path) -> None:
    got = tmp_path / "alert.txt"
    env = {**os.environ, "SOHOA_ALERT_COMMAND": f"cat > {got}"}
    result = subprocess.run([str(DEPLOY / "sohoa-alert"), "sohoa-run.service"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert got.read_text().startswith("sohoa: sohoa-run.service failed on ")
    fake_bin = tmp_path / "bin"     # a sendmail that keeps what it is given, as a mail relay would
    fake_bin.mkdir()
    (fake_bin / "sendmail").write_text(f"#!/bin/sh\n[ \"$1\" = -t ] && cat > {tmp_path / 'mail.txt'}\n")
    (fake_bin / "sendmail").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SOHOA_ALERT_COMMAND"}
    env.update(PATH=f"{fake_bin}:{os.environ['PATH']}", SOHOA_ALERT_MAIL="it@example.vn")
    result = subprocess.run([str(DEPLOY / "sohoa-alert"), "sohoa-fixity.service"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    mail = (tmp_path / "mail.txt").read_text()
    assert mail.startswith("To: it@example.vn\nSubject: [sohoa] sohoa-fixity.service failed on ")


def test_logrotate_rotates_the_appended_logs(tmp_path: Path) -> None:
    logrotate = require_tool("logrotate", "logrotate")
    logs = tmp_path / "log" / "sohoa"
    logs.mkdir(parents=True)
    (logs / "run.log").write_text("22:30 run started\n")
    conf = tmp_path / "sohoa.conf"
    conf.write_text((DEPLOY / "logrotate.conf").read_text().replace("/var/log", str(tmp_path / "log"))
                    .replace("su sohoa sohoa", "su root root"))
    result = subprocess.run([logrotate, "--force", "--state", str(tmp_path / "state"), str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (logs / "run.log.1").read_text() == "22:30 run started\n" and (logs / "run.log").read_text() == ""


def test_old_run_logs_are_aged_out_and_recent_ones_kept(tmp_path: Path) -> None:
    tmpfiles = require_tool("systemd-tmpfiles", "systemd")
    logs = tmp_path / "archive" / "logs"
    logs.mkdir(parents=True)
    (logs / "run-20250101-223000.jsonl").write_text("{}\n")
    (logs / "run-20260101-223000.jsonl").write_text("{}\n")
    old = time.time() - 500 * 86400
    os.utime(logs / "run-20250101-223000.jsonl", (old, old))
    conf = tmp_path / "sohoa.conf"
    conf.write_text((DEPLOY / "tmpfiles.conf").read_text().replace("/srv/sohoa/archive", str(tmp_path / "archive")))
    subprocess.run([tmpfiles, "--clean", str(conf)], check=True, capture_output=True)
    assert [p.name for p in logs.iterdir()] == ["run-20260101-223000.jsonl"]
