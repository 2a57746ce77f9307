"""``sohoa person``: a citizen's digitized papers by CCCD number, the catalog index behind it, the audit
trail of every look-up, and the bundle handed to another procedure.

The index (``person_index``, ``dossier_documents``) is checked on SQLite and a real PostgreSQL:
filled for every new record, restored by ``sohoa catalog rebuild`` after the catalog is lost, and
filled by the migration for dossiers an older catalog already held. The bundle and the signature
check run on the archive of real pipeline runs (``tests/test_kpi_join.py``).
"""

from __future__ import annotations

import getpass
import json
import logging
from pathlib import Path

import pytest
from catalog_archive import CCCD, DOSSIERS, make_archive
from sqlalchemy import create_engine
from test_catalog_backends import Backend, backend_for
from test_catalog_rebuild import _lose

from archive import Catalog
from archive import _catalog_migrate as migrate
from archive._catalog_journal import JOURNAL_NAME
from pipeline.cli import main
from sohoa.errors import ExitCode


def _index(archive: Path) -> tuple[list[tuple], list[tuple]]:
    """Every row of the two index tables, comparable across a rebuild."""
    with Catalog.for_archive(archive) as catalog:
        people = sorted((r["cccd"], catalog.dossier(r["dossier_id"])["code"], r["field"], r["role"], r["document"],
                         r["checked"]) for r in catalog._rows("SELECT * FROM person_index"))  # noqa: SLF001
        docs = sorted((catalog.dossier(r["dossier_id"])["code"], r["ordinal"], r["kind"], r["issued"], r["file"])
                      for r in catalog._rows("SELECT * FROM dossier_documents"))  # noqa: SLF001
    return people, docs


def _person(capsys: pytest.CaptureFixture[str], archive: Path, cccd: str, *extra: str) -> dict:
    capsys.readouterr()
    assert main(["person", "--archive", str(archive), "--cccd", cccd, "--purpose", "H49-2026-0100", "--json",
                 *extra]) == ExitCode.OK
    return json.loads(capsys.readouterr().out)


def test_the_index_follows_the_records_and_a_rebuild_restores_it(catalog_backend: Backend, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    make_archive(archive, tmp_path / "src", catalog_backend.open)
    people, docs = _index(archive)
    assert [(p[0], p[1], p[2], p[3]) for p in people] == [
        ("001090012341", DOSSIERS[1][0], "so_cccd", "chủ hộ"),
        ("001090012342", DOSSIERS[2][0], "so_cccd", "người có tên trong hồ sơ"),
        (CCCD, DOSSIERS[0][0], "so_cccd", "người kê khai")]
    assert [d[:3] for d in docs] == [(code, 1, "component") for code, *_ in sorted(DOSSIERS)]
    before = _person(capsys, archive, CCCD)["documents"]
    assert [(d["code"], d["kind"], d["roles"]) for d in before] == [(DOSSIERS[0][0], "component", ["người kê khai"])]

    _lose(archive, catalog_backend, "delete")
    assert main(["person", "--archive", str(archive), "--cccd", CCCD, "--purpose", "x"]) != ExitCode.OK
    assert "sohoa catalog rebuild" in capsys.readouterr().err  # never an empty answer
    assert main(["catalog", "rebuild", "--archive", str(archive)]) == ExitCode.OK
    assert _index(archive) == (people, docs)
    after = _person(capsys, archive, CCCD)["documents"]
    assert [(d["code"], d["kind"], d["roles"], d["pdf"]) for d in after] == \
        [(d["code"], d["kind"], d["roles"], d["pdf"]) for d in before]
    with Catalog.for_archive(archive) as catalog:  # the look-ups before the loss are in the audit trail again
        lookups = [e for e in catalog.archive_events() if e["event_type"] == "personal data look-up"]
        assert len(lookups) == 2 and all("H49-2026-0100" in e["detail"] for e in lookups)


def test_the_migration_indexes_the_dossiers_an_older_catalog_holds(catalog_backend: Backend, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    record = {"dossier_id": "hs-old", "code": "H49-OLD-5", "form_type": "ket_hon",
              "fields": {"nu_so_cccd": {"value": "079196781909", "needs_review": False},
                         "nam_so_cccd": {"value": "0560 9361 1963", "needs_review": True}},
              "documents": [{"pages": [1], "kind": "component", "issued": "2024-02-03"},
                            {"pages": [2], "kind": "result", "issued": "2024-02-10"}]}
    with catalog_backend.open(archive) as catalog:
        catalog.upsert_dossier(record)
    url = catalog_backend.url or f"sqlite:///{archive / 'catalog.sqlite'}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        migrate.downgrade(conn, "0003")
    with engine.connect() as conn:
        assert migrate.revision(conn) == "0003"
    engine.dispose()
    with catalog_backend.open(archive) as catalog:  # a writer upgrades it
        people = catalog._rows("SELECT cccd, field, role, checked FROM person_index ORDER BY cccd")  # noqa: SLF001
        kinds = catalog._rows("SELECT kind FROM dossier_documents ORDER BY ordinal")  # noqa: SLF001
    assert [tuple(p.values()) for p in people] == [("056093611963", "nam_so_cccd", "bên nam", 0),
                                                   ("079196781909", "nu_so_cccd", "bên nữ", 1)]
    assert [k["kind"] for k in kinds] == ["component", "result"]


def test_a_look_up_is_audited_and_never_logs_the_number(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    archive = tmp_path / "archive"
    make_archive(archive, tmp_path / "src", backend_for("sqlite").open)
    caplog.set_level(logging.DEBUG)
    found = _person(capsys, archive, f"{CCCD[:4]} {CCCD[4:8]} {CCCD[8:]}")  # spaces as people type them
    assert [d["code"] for d in found["documents"]] == [DOSSIERS[0][0]]
    assert found["documents"][0]["signature"]["state"] == "unknown"  # a test record without signing facts
    nobody = _person(capsys, archive, "079196781909")
    assert nobody["documents"] == []
    with Catalog.for_archive(archive) as catalog:
        lookups = [e for e in catalog.archive_events() if e["event_type"] == "personal data look-up"]
        access = [e for e in catalog.events(DOSSIERS[0][1]) if e["event_type"] == "access"]
    who = getpass.getuser()
    assert [e["agent"] for e in lookups] == [who, who]
    assert "for purpose: H49-2026-0100" in lookups[0]["detail"] and DOSSIERS[0][0] in lookups[0]["detail"]
    assert "0 document(s) of 0 dossier(s)" in lookups[1]["detail"]
    assert len(access) == 1 and access[0]["agent"] == who and "H49-2026-0100" in access[0]["detail"]
    journal = (archive / JOURNAL_NAME).read_text(encoding="utf-8")
    assert journal.count("personal data look-up") == 2
    for text in (journal, caplog.text, json.dumps(lookups + access)):
        assert CCCD not in text and "079196781909" not in text

    for bad, why in (("00109001234", "gồm đúng 12 chữ số"), ("99909001234X", "chỉ gồm chữ số"),
                     ("999090012345", "mã tỉnh")):
        capsys.readouterr()
        assert main(["person", "--archive", str(archive), "--cccd", bad, "--purpose", "x"]) == ExitCode.CONFIG
        said = capsys.readouterr()
        assert why in said.err and bad not in said.err + said.out + caplog.text
    assert main(["person", "--archive", str(archive), "--cccd", CCCD, "--purpose", " "]) == ExitCode.CONFIG
    assert "mục đích" in capsys.readouterr().err
    with Catalog.for_archive(archive) as catalog:  # refused look-ups show nothing and record nothing
        assert len([e for e in catalog.archive_events() if e["event_type"] == "personal data look-up"]) == 2


def test_the_look_up_commands_check_the_catalog_structurally(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A lost package folder or a damaged header stops ``sohoa person``; above the count limit only a
    catalog without packages does, and ``sohoa fixity`` still finds the lost folder."""
    from archive import catalog_health

    archive = tmp_path / "archive"
    make_archive(archive, tmp_path / "src", backend_for("sqlite").open)
    args = ["person", "--archive", str(archive), "--cccd", CCCD, "--purpose", "H49-2026-0100"]
    folder = next((archive / "packages").iterdir())
    aside = tmp_path / folder.name
    folder.rename(aside)
    capsys.readouterr()
    assert main(args) != ExitCode.OK
    assert "khôi phục" in capsys.readouterr().err  # out of step: restore the folder, or record it lost
    monkeypatch.setattr(catalog_health, "STRUCTURAL_COUNT_LIMIT", 1)  # as an archive of a million folders
    assert main(args) == ExitCode.OK
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.VERIFY_FAILED  # the full check still sees it
    aside.rename(folder)
    monkeypatch.undo()
    catalog_file = archive / "catalog.sqlite"
    with catalog_file.open("r+b") as fh:
        fh.write(b"not a database header at all")
    capsys.readouterr()
    assert main(args) != ExitCode.OK
    assert "sohoa catalog rebuild" in capsys.readouterr().err
