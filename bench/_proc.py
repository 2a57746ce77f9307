"""Run a command and measure its wall time and the peak resident memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kib(current)
        todo.extend(tree.get(current, []))
    return total


@dataclass(frozen=True)
class Measured:
    """What one command cost."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    cpu_seconds: float = 0.0
    """User + system CPU of the command and every descendant it waited for."""
    main_peak_rss_mib: float = 0.0
    """Peak resident memory of the command's own process (without its children)."""
    p95_rss_mib: float = 0.0
    """95th percentile of the sampled whole-tree memory (the peak is the maximum of many samples)."""


def measure(argv: Sequence[str], *, env: dict[str, str] | None = None, interval: float = 0.2) -> Measured:
    """Run ``argv`` (output discarded) and sample its process tree's memory every ``interval`` s."""
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    samples: list[int] = []
    main_peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal main_peak
        while not stop.is_set():
            samples.append(tree_rss_kib(proc.pid))
            main_peak = max(main_peak, _rss_kib(proc.pid))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    stop.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    ordered = sorted(samples) or [0]
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Measured(time.perf_counter() - start, ordered[-1] / 1024, code, cpu, main_peak / 1024, p95 / 1024)
