"""The demo's tour of what a night's batch does not show: broken files, a lost catalog, the station.

``bash setup.sh demo`` runs it around the main run, with the ``sohoa`` commands a clerk or an IT
admin would type (each printed before it runs):

- ``bad-inputs INBOX``: writes the broken files of :mod:`sample_docs.bad_inputs` into the demo's
  inbox; the run must quarantine each with its reason and archive the rest.
- ``catalog ARCHIVE``: on a copy of the demo archive, deletes the catalog; ``sohoa fixity`` and
  ``sohoa search`` must refuse with a message naming the fix, ``sohoa catalog rebuild`` restores
  it from the packages, and the same search gives the same answer.
- ``records ARCHIVE RECEIVED``: the archive by dossier code — each dossier's dates and where they
  come from (a form's date field, a document's date of issue; never the scan date for these
  samples), each document's kind, type and NĐ 30/2020 number, notation and date of issue; then the
  first dossier of the one-stop shop's received list gets its real TT 01/2018 code (``sohoa code
  set``), is found by it, and is held back from disposal and released by it.
- ``station ARCHIVE TRUTH``: makes a clerk account (password in ``demo-output/tai-khoan-demo.txt``,
  0600), serves ``sohoa review`` on 127.0.0.1, and through its JSON API takes the first field of the
  queue, checks it against the paper (the generator's truth) and confirms or corrects it; the
  export then shows the field's new status, the dossier's new package version is fixity-clean.

Field values are never printed: only dossier codes, field keys, statuses and counts.
Exit status 0 when every step behaved as it must, else 1 (with the step that did not).
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sample_docs.bad_inputs import write_bad_inputs

DEMO_USER = "demo-thu-ky"
SOHOA = str(Path(sys.executable).with_name("sohoa"))
"""The ``sohoa`` command of the virtualenv running the tour."""


class TourError(Exception):
    """A step did not behave as it must."""


def sohoa(*args: str, stdin: str | None = None, expect: int | None = 0, echo: bool = True) -> subprocess.CompletedProcess:
    """Run ``sohoa ARGS`` (printed first, as typed), echo its output unless told not to (records hold
    personal data), check its exit status."""
    print(f"  $ sohoa {' '.join(args)}" + ("" if echo else "   (output not shown)"), flush=True)
    done = subprocess.run([SOHOA, *args], input=stdin, capture_output=True, text=True, check=False)
    for line in (done.stdout + done.stderr if echo else done.stderr).strip().splitlines()[:12]:
        print(f"    {line}")
    if expect is not None and done.returncode != expect:
        raise TourError(f"sohoa {args[0]} exited {done.returncode}, expected {expect}")
    return done


def bad_inputs(inbox: Path) -> None:
    """Put the broken files beside the samples."""
    names = write_bad_inputs(inbox)
    print(f"demo: {len(names)} broken files added to {inbox} (to be quarantined): "
          + ", ".join(f"{name} → {reason}" for name, reason in names.items()))


def catalog(archive: Path) -> None:
    """Lose the catalog of a copy of the archive; detect it; rebuild it; same answers."""
    copy = archive.with_name(archive.name + "-ban-sao")
    _remove(copy)
    shutil.copytree(archive, copy, symlinks=True)
    try:
        code = _first_code(copy)
        print(f"demo: a lost catalog, on a copy of the archive ({copy})")
        queries = ((code,), ("khai", "sinh"))  # a dossier code; words of the forms' text
        before = [sohoa("search", "--archive", str(copy), *q, echo=q == (code,)).stdout for q in queries]
        for path in copy.glob("catalog.sqlite*"):
            path.unlink()
        print("demo: catalog.sqlite deleted; every command that reads it must refuse, naming the fix")
        fixity = sohoa("fixity", "--archive", str(copy), expect=None)
        search = sohoa("search", "--archive", str(copy), code, expect=None)
        if fixity.returncode == 0 or search.returncode == 0 or "rebuild" not in search.stderr + search.stdout:
            raise TourError("a deleted catalog went unnoticed")
        sohoa("catalog", "rebuild", "--archive", str(copy))
        after = [sohoa("search", "--archive", str(copy), *q, echo=q == (code,)).stdout for q in queries]
        if after != before:
            raise TourError("the rebuilt catalog answers the search differently")
        print(f"demo: \"khai sinh\" finds {before[1].count(chr(10)) - 1} hits before and after")
        sohoa("fixity", "--archive", str(copy))
        print("demo: the rebuilt catalog gives the same search answer and fixity is clean")
    finally:
        _remove(copy)


def records(archive: Path, received: Path) -> None:
    """The dossiers by code, dated from their papers, their documents described; a code set, used, held."""
    rows = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((archive / "records").glob("*.json"))]
    print(f"demo: the archive by dossier code (mã hồ sơ): {len(rows)} dossiers, their dates and documents")
    for row in rows:
        dates = row.get("dates") or {}
        docs = "; ".join(_document_line(d) for d in row.get("documents") or ())
        print(f"    {row['code']}  {dates.get('start')} – {dates.get('end')} (from {dates.get('start_from')}, "
              f"{dates.get('end_from')})  {docs}")
    from_scan = [row["code"] for row in rows if (row.get("dates") or {}).get("fallback")]
    print(f"demo: {len(rows) - len(from_scan)}/{len(rows)} dossiers dated from their own papers, "
          f"{len(from_scan)} from the scan date")
    if from_scan:
        raise TourError("a sample dossier was dated from its scan date")
    first = received.read_text(encoding="utf-8").splitlines()[1].split(",")
    old, day = first[0], first[1].split("/")
    new = f"000.00.19.H49-{day[2][2:]}{day[1]}{day[0]}-0001"  # TT 01/2018: the intake date in the code
    sohoa("code", "set", "--archive", str(archive), old, new, "--reason", "mã trên phiếu hẹn", "--operator", "demo")
    if new not in sohoa("search", "--archive", str(archive), new).stdout:
        raise TourError("the dossier is not found by its new code")
    sohoa("retention", "hold", "--archive", str(archive), new, "--reason", "thanh tra", "--operator", "demo")
    sohoa("retention", "release", "--archive", str(archive), new, "--reason", "hết thanh tra", "--operator", "demo")
    print(f"demo: {old} is now {new}: found, held back from disposal and released by it (audit trail kept)")


def _document_line(doc: dict) -> str:
    """A document's kind, type and NĐ 30/2020 elements that carry no personal data."""
    parts = [f"{doc.get('kind')}/{doc.get('type')}"]
    if doc.get("number") or doc.get("notation"):
        parts.append(f"số {doc.get('number') or '…'}/{doc.get('notation') or '…'}")
    if doc.get("issued"):
        parts.append(f"ngày {doc['issued']}")
    if doc.get("signer_title"):
        parts.append(f"người ký: {doc['signer_title']}")
    return " ".join(parts)


def station(archive: Path, truth: Path, account_file: Path) -> None:
    """A clerk checks the first field of the queue through the station's API, as the web page does."""
    password = secrets.token_urlsafe(12)
    sohoa("users", "add", DEMO_USER, "--role", "clerk", "--archive", str(archive), stdin=password + "\n")
    account_file.unlink(missing_ok=True)
    fd = os.open(account_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"Tài khoản thử của trạm kiểm tra (chỉ dùng cho bản demo)\nuser: {DEMO_USER}\npassword: {password}\n")
    port = _free_port()
    log = (archive.parent / "review-demo.log").open("w", encoding="utf-8")
    print(f"  $ sohoa review --archive {archive} --port {port}   (in the background)")
    server = subprocess.Popen([SOHOA, "review", "--archive", str(archive), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        api = _Api(f"http://127.0.0.1:{port}")
        api.wait_up(server)
        api.call("POST", "/api/login", {"user": DEMO_USER, "password": password})
        api.call("GET", "/api/review", expect=401, session=False)  # without a session: 401
        queue = api.call("GET", "/api/review?limit=200")
        print(f"demo: station up on 127.0.0.1:{port}; the queue holds {len(queue)} fields to check")
        item, action, value = _first_checkable(queue, truth)
        old_package = archive / api.call("GET", f"/api/dossiers/{item['code']}")["package"]
        before = _digest(old_package)
        body = {"action": action, "rev": item.get("rev"), **({"value": value} if action == "correct" else {})}
        print(f"demo: clerk {DEMO_USER} checks {item['code']} ({item['source']}), field {item['field']} "
              f"({item.get('reason_vi') or item['reason']}) against the paper: {action}")
        saved = api.call("POST", f"/api/dossiers/{item['code']}/fields/{item['field']}", body)
        record = api.call("GET", f"/api/dossiers/{item['code']}")
        status = record["fields"][item["field"]].get("status")
        print(f"demo: recorded as {saved['status']} by {saved['reviewed_by']} in package {saved['package']}; "
              f"GET /api/dossiers/{item['code']} says {status}")
        api.call("POST", "/api/logout", {})
        api.call("GET", "/api/review", expect=401)  # the session is over
    finally:
        server.terminate()
        server.wait(15)
        log.close()
    lines = [json.loads(line) for line in sohoa("export", "--archive", str(archive), "--format", "jsonl",
                                                 echo=False).stdout.splitlines() if line.startswith("{")]
    exported = next(r for r in lines if r["code"] == item["code"])
    if exported["fields"][item["field"]].get("status") != saved["status"] or exported.get("review_state") is None:
        raise TourError("the export does not show the clerk's decision")
    if _digest(old_package) != before or exported["package"] == str(old_package.relative_to(archive)):
        raise TourError("the correction changed the earlier package version instead of making a new one")
    sohoa("fixity", "--archive", str(archive))
    print(f"demo: sohoa export shows {item['field']} of {item['code']} as {saved['status']} (dossier "
          f"{exported['review_state']}); the earlier package version is unchanged byte for byte, fixity is clean")
    print(f"demo: to use the station yourself: sohoa review --archive {archive}, then open "
          f"http://127.0.0.1:8765 (user {DEMO_USER}, password in {account_file})")


class _Api:
    """The station's JSON API over urllib, with the session cookie and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.csrf = ""
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def wait_up(self, server: subprocess.Popen, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise TourError(f"sohoa review stopped (exit {server.returncode}); see review-demo.log")
            try:
                urllib.request.urlopen(self.base + "/api/review", timeout=2)  # noqa: S310 - loopback
            except urllib.error.HTTPError:
                return  # it answers (401 without a session)
            except OSError:
                time.sleep(0.2)
        raise TourError("sohoa review did not start")

    def call(self, method: str, path: str, body: dict | None = None, *, expect: int = 200,
             session: bool = True) -> object:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
        opener = self.opener if session else urllib.request.build_opener()
        try:
            with opener.open(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        if status != expect:
            raise TourError(f"{method} {path}: HTTP {status}, expected {expect}")
        answer = json.loads(payload) if payload else None
        if path == "/api/login":
            self.csrf = answer["csrf"]
        return answer if status == 200 else None


def _first_checkable(queue: list[dict], truth: Path) -> tuple[dict, str, str]:
    """The first queued field the paper (the truth file) has a value for, and what the clerk does."""
    for item in queue:
        source = Path(str(item.get("source") or "")).name
        truth_file = truth / (source.rsplit(".", 1)[0] + ".json" if "." in source else source + ".json")
        if not truth_file.is_file():
            continue
        right = json.loads(truth_file.read_text(encoding="utf-8")).get("fields", {}).get(item["field"])
        if isinstance(right, str) and right:
            return item, ("confirm" if item.get("value") == right else "correct"), right
    raise TourError("no queued field of a sample dossier to check")


def _digest(folder: Path) -> str:
    """One SHA-256 over the relative paths and contents of every file under ``folder``."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def _first_code(archive: Path) -> str:
    record = sorted((archive / "records").glob("*.json"))[0]
    return str(json.loads(record.read_text(encoding="utf-8"))["code"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _remove(folder: Path) -> None:
    """Delete a demo copy (its packages are sealed read-only)."""
    if not folder.exists():
        return
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_docs.demo_tour", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("bad-inputs").add_argument("inbox", type=Path)
    sub.add_parser("catalog").add_argument("archive", type=Path)
    rec = sub.add_parser("records")
    rec.add_argument("archive", type=Path)
    rec.add_argument("received", type=Path)
    st = sub.add_parser("station")
    st.add_argument("archive", type=Path)
    st.add_argument("truth", type=Path)
    st.add_argument("--account-file", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.step == "bad-inputs":
            bad_inputs(args.inbox)
        elif args.step == "catalog":
            catalog(args.archive.resolve())
        elif args.step == "records":
            records(args.archive.resolve(), args.received)
        else:
            archive = args.archive.resolve()
            station(archive, args.truth, args.account_file or archive.parent / "tai-khoan-demo.txt")
    except TourError as error:
        print(f"demo: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
