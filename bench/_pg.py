"""A throw-away PostgreSQL cluster for benchmarks, started as the tests start theirs.

``initdb`` and ``pg_ctl`` from the Debian ``postgresql`` package, a private folder under /tmp, a
free port on 127.0.0.1, run as ``nobody`` when we are root (PostgreSQL refuses root). Durability is
off (``fsync``, ``synchronous_commit``, ``full_page_writes``): the cluster is thrown away, and only
reads are timed. Other settings are PostgreSQL's defaults (``shared_buffers`` 128 MB), unless given.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE, PASSWORD = "sohoa", "bench-only-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(settings: dict[str, str] | None = None) -> tuple[str, str]:
    """Start a cluster and a database owned by a password role; return (URL, a description of the settings)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL is missing: install the Debian package `postgresql`")
    binaries = found[-1].parent
    prefix, uid = ([], None) if os.geteuid() != 0 else (["runuser", "-u", "nobody", "--"],
                                                        pwd.getpwnam("nobody").pw_uid)
    folder = Path(tempfile.mkdtemp(prefix="sohoa-bench-pg-", dir="/tmp"))
    sockets, data = folder / "sockets", folder / "data"
    sockets.mkdir()
    if uid is not None:
        for path in (folder, sockets):
            os.chown(path, uid, -1)
    port = _free_port()

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, text=True)

    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
        "--auth-local=trust", "--auth-host=scram-sha-256")
    extra = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", **(settings or {})}
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 " + " ".join(f"-c {k}={v}" for k, v in extra.items())
    run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
    atexit.register(lambda: subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                            "stop"], check=False, capture_output=True))
    passfile = folder / "pgpass"
    passfile.write_text(f"127.0.0.1:{port}:*:{ROLE}:{PASSWORD}\n")
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    psql = [*prefix, str(binaries.parent / "bin" / "psql"), "-h", str(sockets), "-p", str(port), "-U", "postgres",
            "-d", "postgres", "-c"]
    subprocess.run([*psql, f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'"], check=True, capture_output=True)
    subprocess.run([*psql, f"CREATE DATABASE bench OWNER {ROLE}"], check=True, capture_output=True)
    version = subprocess.run([str(binaries / "postgres"), "--version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    return f"postgresql://{ROLE}@127.0.0.1:{port}/bench", f"{version}; " + ", ".join(f"{k}={v}" for k, v in extra.items())
