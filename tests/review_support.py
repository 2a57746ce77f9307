"""What the verification station's tests share: a real archive, flagged fields, a running station.

The archive comes from one real pipeline run per test session over two sample dossiers; each test
works on its own copy (packages are sealed read-only, so the copy keeps modes and is made
removable afterwards). Fields are flagged by rewriting the dossier's export record and catalog
row as a run whose OCR doubted them would have written them — with a page and a box (contract
C2) or without (records from before C2). The station runs in a real uvicorn server on a free
port of 127.0.0.1, in a thread.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import uvicorn

from archive._xml import unseal_dirs
from archive.catalog import Catalog
from configs.review_schema import ReviewSettings
from conftest import SAMPLES
from eark import EARK_VALIDATE
from pipeline.cli import main
from pipeline.report import REASON_VI
from review import accounts
from review.app import create_app
from review.fieldinfo import FormInfo
from review.service import Station
from review.store import Store

DOSSIERS = ("khai_sinh-pdf.pdf", "ket_hon-tiff.tif")
PASSWORDS = {"lan": "mat-khau-cua-lan", "binh": "mat-khau-cua-binh", "truong": "mat-khau-truong-nhom"}
ROLES = {"lan": "clerk", "binh": "clerk", "truong": "lead"}


_built: list[Path] = []


def built_archive(base_factory) -> Path:  # noqa: ANN001 - pytest.TempPathFactory
    """The archive of one real pipeline run, made once per test process (every module shares it)."""
    if not _built:
        archive = build_archive(base_factory.mktemp("review-built"))
        store = Store(archive)
        add_users(store)  # once: every copy of the archive has the accounts
        store.close()
        _built.append(archive)
    return _built[0]


def build_archive(base: Path) -> Path:
    """Run the real pipeline once over the sample dossiers; return the archive."""
    inbox, archive = base / "inbox", base / "archive"
    inbox.mkdir(parents=True)
    for name in DOSSIERS:
        shutil.copy2(SAMPLES / "inbox" / name, inbox / name)
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", "2"])
    assert code == 0, f"the pipeline run failed with exit code {code}"
    shutil.rmtree(archive / ".work", ignore_errors=True)
    return archive


def copy_archive(src: Path, dst: Path) -> Path:
    """A private copy of an archive (modes kept: packages stay sealed)."""
    shutil.copytree(src, dst, symlinks=True)
    return dst


def make_removable(root: Path) -> None:
    """Let pytest delete a copy whose packages are sealed."""
    for folder in (root / "packages").glob("*"):
        unseal_dirs(folder)


def dossier_of(archive: Path, source: str, catalog_url: str | None = None) -> dict:
    """The catalog's record of the dossier made from ``source``."""
    with Catalog.for_archive(archive, catalog_url) as catalog:
        return next(r for r in catalog.records() if r["source"] == source)


def flag(archive: Path, source: str, flags: Mapping[str, Mapping[str, object]], *,
         catalog_url: str | None = None, only: bool = True) -> dict:
    """Flag fields of one dossier as the OCR would have: ``{key: {"reason", "value"?, "page"?, "box"?}}``.

    With ``only``, every other field of the dossier is left unflagged (a predictable queue). A key
    given as None is removed (``"box": None``: a record written before fields carried their box).
    """
    record = dossier_of(archive, source, catalog_url)
    for key, state in record["fields"].items():
        if key in flags:
            state["needs_review"] = True
            for name, value in flags[key].items():
                if value is None:
                    state.pop(name, None)
                else:
                    state[name] = value
        elif only:
            state["needs_review"] = False
            state.pop("reason", None)
    with Catalog.for_archive(archive, catalog_url) as catalog:
        catalog.upsert_dossier(record)
    (archive / "records" / f"{record['dossier_id']}.json").write_text(json.dumps(record, ensure_ascii=False),
                                                                        encoding="utf-8")
    return record


def add_users(store: Store, names: tuple[str, ...] = ("lan", "binh", "truong")) -> None:
    """The test accounts (those not there yet: a real argon2id hash costs a fraction of a second)."""
    present = {u["name"] for u in accounts.list_users(store) if u["enabled"]}
    for name in names:
        if name not in present:
            accounts.add_user(store, name, ROLES[name], PASSWORDS[name])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_station(archive: Path, *, catalog_url: str | None = None, settings: ReviewSettings | None = None,
                    users: tuple[str, ...] = ("lan", "binh", "truong"),
                    forms: FormInfo | None = None) -> Iterator[tuple[str, Station]]:
    """Serve the station of ``archive`` on 127.0.0.1 in a thread; yields (base URL, station)."""
    store = Store(archive, catalog_url)
    add_users(store, users)
    station = Station(archive, store, settings or ReviewSettings(), REASON_VI, catalog_url=catalog_url,
                      forms=forms)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(station), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline and thread.is_alive(), "the station did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", station
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


def eark_validate(package: Path) -> subprocess.CompletedProcess:
    """Run the E-ARK validator on a package folder (as tests/test_archive.py does)."""
    return subprocess.run([str(EARK_VALIDATE), str(package)], check=False, capture_output=True, text=True)


def tree_digest(folder: Path) -> dict[str, str]:
    """Path → SHA-256 of every file under ``folder``."""
    import hashlib

    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
