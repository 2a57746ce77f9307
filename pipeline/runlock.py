"""One ``sohoa run`` per archive at a time, except runs that share one central ``luigid``.

Two runs with their own schedulers on one archive would both OCR every dossier and both package
it (a second, identical version of each). Runs on several machines that hand their tasks to one
``luigid`` are safe side by side: the scheduler gives each dossier's tasks to exactly one worker.

The lock is a folder in the archive, ``ARCHIVE/.run-lock/``, shared by every machine that
mounts the archive, with one file per running run (``<host>.<pid>.json``: host, process id,
start time, scheduler). A run registers only when every live holder is compatible:

- a run with its own (local) scheduler needs the archive to itself;
- a run through ``luigid`` may join holders that use the same ``luigid``.

Checking and registering happen while holding ``guard/``, a folder made with ``mkdir`` (atomic
on local filesystems and NFS alike), for a few milliseconds.

Stale holders (their run was killed, their machine lost power) are taken over:

- on this machine, a holder is alive while its process runs and is the same process (start
  time and boot id match: a reused pid is not mistaken for it);
- on another machine, the process cannot be seen: a run touches its file every
  :data:`HEARTBEAT` seconds, and a holder whose file has not been touched for ``stale_after``
  seconds (default 10 minutes) is taken over. The age is measured against the shared
  filesystem's own clock (the time stamp of a file made for the purpose), so the machines'
  clocks need not agree.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline import paths
from sohoa.clock import now_vn
from sohoa.errors import SohoaError
from sohoa.files import HOST, process_alive, write_text_atomic

log = logging.getLogger("sohoa.lock")

HEARTBEAT = 30.0
"""Seconds between touches of a run's lock file."""
STALE_AFTER = 600.0
"""Seconds without a touch after which another machine's holder is taken over."""
GUARD_STALE = 60.0
"""A guard older than this was left by a process killed while registering."""


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[-1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _normalized(url: str | None) -> str:
    return (url or "").strip().rstrip("/").lower()


@dataclass(frozen=True)
class Holder:
    """A run registered in the lock."""

    host: str
    pid: int
    started: str
    scheduler: str
    """The ``luigid`` URL it works through; empty for its own scheduler."""
    boot_id: str = ""
    process_start: str = ""
    work: str = ""

    @property
    def name(self) -> str:
        return f"{self.host}.{self.pid}.json"

    def describe_vi(self) -> str:
        how = f"qua bộ lập lịch {self.scheduler}" if self.scheduler else "với bộ lập lịch riêng"
        return f"máy {self.host}, tiến trình {self.pid}, bắt đầu lúc {self.started[:19].replace('T', ' ')} ({how})"

    def describe_en(self) -> str:
        how = f"through luigid {self.scheduler}" if self.scheduler else "with its own scheduler"
        return f"host {self.host}, pid {self.pid}, started {self.started} ({how})"


class RunLocked(SohoaError):
    """Another run works on the archive and this one cannot join it."""

    reason = "run_in_progress"


class RunLock:
    """Hold the archive's run lock for the life of a ``with`` block (see the module's docstring).

    Args:
        archive: The archive folder.
        scheduler_url: The ``luigid`` this run works through; None for its own scheduler.
        work: The run's work folder (recorded for people reading the lock).
        stale_after: Seconds without a heartbeat before another machine's holder is taken over.
        heartbeat: Seconds between this run's touches of its own file.
    """

    def __init__(self, archive: Path, *, scheduler_url: str | None, work: Path | None = None,
                 stale_after: float = STALE_AFTER, heartbeat: float = HEARTBEAT) -> None:
        self.folder = paths.run_lock_dir(archive)
        self.stale_after, self.heartbeat = stale_after, heartbeat
        pid = os.getpid()
        self.me = Holder(host=HOST, pid=pid, started=now_vn().isoformat(timespec="seconds"),
                         scheduler=_normalized(scheduler_url), boot_id=_boot_id(),
                         process_start=_process_start(pid), work=str(work or ""))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> Path:
        return self.folder / self.me.name

    # -- taking and releasing ----------------------------------------------------------------

    def __enter__(self) -> RunLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._guard():
            blocking = [h for h in self.holders() if not self._compatible(h)]
            if blocking:
                raise self._refusal(blocking[0])
            write_text_atomic(self.path, json.dumps(asdict(self.me), ensure_ascii=False), perms=0o640)
        self._thread = threading.Thread(target=self._beat, name="sohoa-run-lock", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.path.unlink(missing_ok=True)

    def holders(self, *, take_over: bool = True) -> list[Holder]:
        """The live holders of the lock (other than this run); stale ones are removed on the way
        unless ``take_over`` is False (a look, as ``sohoa check`` takes)."""
        live = []
        now = self._shared_clock() if take_over else time.time()
        for file in sorted(self.folder.glob("*.json")):
            holder = self._read(file)
            if holder is None or holder == self.me:
                continue
            alive, why = self._alive(holder, file, now)
            if alive:
                live.append(holder)
            elif take_over:
                log.warning("taking over the run lock of %s: %s", holder.describe_en(), why)
                file.unlink(missing_ok=True)
        return live

    def _compatible(self, other: Holder) -> bool:
        return bool(self.me.scheduler) and other.scheduler == self.me.scheduler

    def _refusal(self, other: Holder) -> RunLocked:
        if other.scheduler and self.me.scheduler:
            why_en = f"it works through another luigid ({other.scheduler})"
            why_vi = "lần chạy đó dùng bộ lập lịch trung tâm khác"
        elif other.scheduler:
            why_en, why_vi = "it works through luigid; use the same --scheduler-url to join it", \
                "lần chạy đó dùng bộ lập lịch trung tâm: dùng cùng --scheduler-url để cùng xử lý"
        else:
            why_en, why_vi = "wait for it to finish", "hãy chờ lần chạy đó kết thúc"
        return RunLocked(f"another sohoa run is working on this archive: {other.describe_en()}; {why_en} "
                         f"(lock: {self.folder / other.name})",
                         message_vi=f"Một lần chạy sohoa khác đang xử lý kho lưu trữ này: {other.describe_vi()}; {why_vi}.")

    # -- liveness ------------------------------------------------------------------------------

    def _alive(self, holder: Holder, file: Path, now: float) -> tuple[bool, str]:
        if holder.host == self.me.host and holder.boot_id == self.me.boot_id:
            if not process_alive(holder.pid):
                return False, "its process is gone"
            if holder.process_start and _process_start(holder.pid) != holder.process_start:
                return False, "its process id now belongs to another process"
            return True, ""
        try:
            age = now - file.stat().st_mtime
        except FileNotFoundError:
            return False, "released"
        if age > self.stale_after:
            return False, f"no sign of life for {age:.0f} s"
        return True, ""

    def _shared_clock(self) -> float:
        """Now, by the clock of the filesystem that holds the lock (the machines' clocks may differ)."""
        probe = self.folder / f".clock.{self.me.host}.{self.me.pid}"
        try:
            probe.write_bytes(b"")
            return probe.stat().st_mtime
        except OSError:
            return time.time()
        finally:
            probe.unlink(missing_ok=True)

    @staticmethod
    def _read(file: Path) -> Holder | None:
        try:
            return Holder(**json.loads(file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError):
            # unreadable or half-written by a killed process (writes are atomic, so rare): judge by age
            return Holder(host="?", pid=0, started="?", scheduler="?")

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                os.utime(self.path)
            except FileNotFoundError:
                log.error("this run's lock file was removed by another run, which took this run for dead; "
                          "registering again")
                with contextlib.suppress(OSError):
                    write_text_atomic(self.path, json.dumps(asdict(self.me), ensure_ascii=False), perms=0o640)
            except OSError as exc:
                log.warning("could not refresh the run lock (%s)", exc.strerror)

    @contextlib.contextmanager
    def _guard(self, timeout: float = 30.0) -> Iterator[None]:
        guard = self.folder / "guard"
        deadline = time.monotonic() + timeout
        while True:
            try:
                guard.mkdir()
                break
            except FileExistsError:
                with contextlib.suppress(FileNotFoundError, OSError):
                    if self._shared_clock() - guard.stat().st_mtime > GUARD_STALE:
                        log.warning("removing a run-lock guard left by a killed process")
                        guard.rmdir()
                        continue
                if time.monotonic() > deadline:
                    raise RunLocked(f"the run lock's guard {guard} stays taken",
                                    message_vi="Không lấy được khóa lần chạy của kho lưu trữ.") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                guard.rmdir()
