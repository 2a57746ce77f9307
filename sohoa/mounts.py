"""Is a folder on the filesystem it is meant to be on? An unmounted share looks like an empty folder.

A nightly run whose inbox share failed to mount would find an empty inbox and report "nothing to
do"; a run whose archive share failed to mount would start a new archive on the local disk. A
folder at or under a mount point listed in ``/etc/fstab`` that is not mounted now is named here.
"""

from __future__ import annotations

from pathlib import Path

FSTAB = Path("/etc/fstab")
MOUNTINFO = Path("/proc/self/mountinfo")


def _unescape(field: str) -> str:
    """fstab and mountinfo write spaces and tabs in paths as octal escapes (``\\040``)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def fstab_mount_points(fstab: Path = FSTAB) -> set[Path]:
    """Mount points that ``fstab`` lists (swap and ``noauto`` entries left out)."""
    points = set()
    try:
        lines = fstab.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return points
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) < 3 or fields[2] == "swap" or not fields[1].startswith("/"):
            continue
        if len(fields) > 3 and "noauto" in fields[3].split(","):
            continue
        points.add(Path(_unescape(fields[1])))
    return points


def mounted_points(mountinfo: Path = MOUNTINFO) -> set[Path]:
    """Mount points mounted now (field 5 of ``/proc/self/mountinfo``)."""
    try:
        lines = mountinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    return {Path(_unescape(line.split()[4])) for line in lines if len(line.split()) > 4}


def missing_mount(path: Path, *, fstab: Path = FSTAB, mountinfo: Path = MOUNTINFO) -> Path | None:
    """The fstab mount point ``path`` lies at or under that is not mounted now, if any.

    ``/`` never counts. The deepest listed mount point above ``path`` decides.
    """
    path = Path(path).absolute()
    listed = [p for p in fstab_mount_points(fstab) if p != Path("/") and (p == path or p in path.parents)]
    if not listed:
        return None
    deepest = max(listed, key=lambda p: len(p.parts))
    return None if deepest in mounted_points(mountinfo) else deepest
