"""The verification station's JSON API on a real archive, through a real uvicorn server.

The archive is one real pipeline run (two sample dossiers); each test works on a copy. Covers the
issue's API bars: 401 without a session, 403 without the CSRF token, a refused stale correction,
two clerks on one queue, a correction showing in export, search and the EAD with the old version
untouched, ``sohoa fixity`` clean and the new version passing E-ARK validation, one audit row per
view and per change. The same flow runs once with the catalog (and the station's tables) in
PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema
import pytest
from lxml import etree

from archive.catalog import Catalog
from conftest import ROOT
from pipeline.cli import main
from review_support import (
    PASSWORDS,
    built_archive,
    copy_archive,
    dossier_of,
    eark_validate,
    flag,
    make_removable,
    running_station,
    tree_digest,
)
from sohoa.errors import ExitCode
from test_catalog_backends import start_cluster

KS = "khai_sinh-pdf.pdf"
KH = "ket_hon-tiff.tif"
BOX = [0.12, 0.30, 0.55, 0.33]


@pytest.fixture()
def archive(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):  # noqa: ANN201
    """A copy of the session's real archive, the khai sinh dossier with a wrong date and a name to check."""
    root = copy_archive(built_archive(tmp_path_factory), tmp_path / "archive")
    flag(root, KS, {"ngay_sinh": {"reason": "invalid_date", "value": "06/1O/2024", "page": 1, "box": BOX},
                    "ho_ten": {"reason": "low_confidence"}})
    yield root
    make_removable(root)


def _login(base: str, user: str, *, https: bool = False) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    proxy = {"X-Forwarded-Proto": "https"} if https else {}  # as nginx says it, from a trusted address
    r = client.post("/api/login", json={"user": user, "password": PASSWORDS[user]}, headers=proxy)
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and ("secure" in cookie) == https
    return client, r.json()["csrf"]


def _events(archive: Path, dossier_id: str, catalog_url: str | None = None) -> list[dict]:
    with Catalog.for_archive(archive, catalog_url) as catalog:
        return catalog.events(dossier_id)


def _export(archive: Path, fmt: str = "jsonl") -> str:
    """``sohoa export`` of the archive, as printed."""
    out = archive.parent / f"export.{fmt}"
    assert main(["export", "--archive", str(archive), "--format", fmt, "--output", str(out)]) == ExitCode.OK
    return out.read_text(encoding="utf-8")


def test_no_session_401_no_csrf_403_wrong_password_401(archive: Path) -> None:
    ks = dossier_of(archive, KS)
    with running_station(archive) as (base, _station):
        anonymous = httpx.Client(base_url=base)
        for method, path in (("GET", "/api/review"), ("GET", f"/api/dossiers/{ks['code']}"),
                             ("POST", f"/api/dossiers/{ks['code']}/fields/ho_ten"), ("POST", "/api/logout"),
                             ("GET", f"/api/dossiers/{ks['dossier_id']}/pages/1"), ("GET", "/api/progress")):
            r = anonymous.request(method, path, json={"action": "confirm"} if method == "POST" else None)
            assert r.status_code == 401, (method, path, r.text)
            assert "Chưa đăng nhập" in r.json()["message"]
        assert anonymous.post("/api/login", json={"user": "lan", "password": "sai-mat-khau"}).status_code == 401
        client, csrf = _login(base, "lan")
        r = client.post(f"/api/dossiers/{ks['code']}/fields/ho_ten", json={"action": "confirm"})
        assert r.status_code == 403 and "X-CSRF-Token" in r.json()["message"]
        r = client.post(f"/api/dossiers/{ks['code']}/fields/ho_ten", json={"action": "confirm"},
                        headers={"X-CSRF-Token": "not-the-token"})
        assert r.status_code == 403
        assert client.post("/api/logout").status_code == 403  # logging out is a change too
        assert client.get("/api/progress").status_code == 403  # a clerk is not a lead
        assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
        assert client.get("/api/review").status_code == 401  # the session is over
    assert dossier_of(archive, KS)["fields"]["ho_ten"].get("status", "ocr") == "ocr"  # nothing changed


def test_correction_becomes_the_record_old_version_untouched(archive: Path, tmp_path: Path) -> None:
    ks = dossier_of(archive, KS)
    old_package = archive / ks["package"]
    before = tree_digest(old_package)
    with running_station(archive) as (base, _station):
        client, csrf = _login(base, "lan")
        queue = client.get("/api/review", params={"form_type": "khai_sinh"}).json()
        item = next(i for i in queue if i["field"] == "ngay_sinh")
        assert item["value"] == "06/1O/2024" and item["box"] == BOX and item["page"] == 1
        assert item["code"] == ks["code"] and item["source"] == KS and item["reason_vi"] == "ngày không hợp lệ"
        r = client.post(f"/api/dossiers/{ks['code']}/fields/ngay_sinh", headers={"X-CSRF-Token": csrf},
                        json={"action": "correct", "value": "06/10/2024", "rev": item["rev"]})
        assert r.status_code == 200, r.text
        field = r.json()
        assert (field["value"], field["status"], field["reviewed_by"]) == ("06/10/2024", "corrected", "lan")
        assert field["ocr_value"] == "06/1O/2024" and field["ocr_reason"] == "invalid_date"
        assert not field["needs_review"] and field["review_state"] == "pending"  # ho_ten still waits
        record = client.get(f"/api/dossiers/{ks['code']}").json()
        assert record["fields"]["ngay_sinh"]["value"] == "06/10/2024"
        assert record["fields"]["ho_ten"]["status"] == "ocr"
    assert tree_digest(old_package) == before  # the replaced version stays byte for byte
    new_package = archive / field["package"]
    assert new_package != old_package
    mets = etree.parse(str(new_package / "METS.xml")).getroot()
    assert mets.find("{http://www.loc.gov/METS/}metsHdr").get("RECORDSTATUS") == "REPLACEMENT"
    pdfs = [sorted((p / "representations/rep1/data").glob("*.pdf")) for p in (old_package, new_package)]
    assert [p.read_bytes() for p in pdfs[0]] == [p.read_bytes() for p in pdfs[1]]  # not re-signed
    premis = (new_package / "metadata/preservation/PREMIS.xml").read_text(encoding="utf-8")
    assert "metadata modification" in premis and "06/1O/2024" in premis and "06/10/2024" in premis
    assert "<premis:agentName>lan</premis:agentName>" in premis and ">person<" in premis
    fields_json = json.loads((new_package / "representations/rep1/metadata/other/fields/fields.json").read_text())
    assert fields_json["fields"]["ngay_sinh"]["value"] == "06/10/2024"
    # export (JSONL, CSV), search, fixity and the E-ARK validator
    exported = {r["dossier_id"]: r for r in map(json.loads, _export(archive).splitlines())}
    schema = json.loads((ROOT / "pipeline" / "export.schema.json").read_text(encoding="utf-8"))
    for record in exported.values():
        jsonschema.validate(record, schema)
    assert exported[ks["dossier_id"]]["fields"]["ngay_sinh"]["status"] == "corrected"
    assert exported[ks["dossier_id"]]["package"] == field["package"]
    assert "06/10/2024" in _export(archive, "csv") and "06/1O/2024" not in _export(archive, "csv")
    with Catalog.for_archive(archive) as catalog:
        assert any(h["dossier_id"] == ks["dossier_id"] for h in catalog.search("06/10/2024"))
        assert not catalog.search("06/1O/2024")
        versions = catalog.packages(ks["dossier_id"])
        assert [v["status"] for v in versions] == ["superseded", "current"]
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    result = eark_validate(new_package)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    # logs hold no value
    for log in (archive / "logs").glob("*"):
        assert "06/10/2024" not in log.read_text(encoding="utf-8", errors="replace")


def test_date_correction_redates_the_ead(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """A field the template names in ``dossier-dates`` (the kết hôn form's own date line, ``ngay_lap``)
    dates the matter: correcting it changes the EAD's dates, keeps its remarks and re-counts retention."""
    root = copy_archive(built_archive(tmp_path_factory), tmp_path / "archive")
    try:
        flag(root, KH, {"ngay_lap": {"reason": "invalid_date", "value": "2O/06/2O18"}})
        kh = dossier_of(root, KH)
        before = etree.parse(str(root / kh["package"] / "metadata/descriptive/EAD.xml")).getroot()
        with running_station(root) as (base, _station):
            client, csrf = _login(base, "lan")
            r = client.post(f"/api/dossiers/{kh['code']}/fields/ngay_lap", headers={"X-CSRF-Token": csrf},
                            json={"action": "correct", "value": "20/06/2018"})
            assert r.status_code == 200, r.text
        after = dossier_of(root, KH)
        assert after["dates"] == {"start": "2018-06-20", "end": "2018-06-20", "start_from": "ngay_lap",
                                  "end_from": "ngay_lap", "fallback": False}
        assert "date_from_scan" not in after["review"]
        ead = etree.parse(str(root / after["package"] / "metadata/descriptive/EAD.xml")).getroot()
        assert (ead.findtext("startDate"), ead.findtext("endDate")) == ("20/06/2018", "20/06/2018")
        assert ead.findtext("description") == before.findtext("description")  # no remark lost
        assert [e.tag for e in ead] == [e.tag for e in before]  # every TT 05/2025 element, in its order
        with Catalog.for_archive(root) as catalog:
            row = catalog.dossier(kh["dossier_id"])
            assert row["end_year"] == 2018 and row["end_date"] == "2018-06-20"
        assert eark_validate(root / after["package"]).returncode == 0
        assert main(["fixity", "--archive", str(root)]) == ExitCode.OK
    finally:
        make_removable(root)


def test_stale_view_refused_and_two_clerks_share_one_queue(archive: Path) -> None:
    ks = dossier_of(archive, KS)
    with running_station(archive) as (base, _station):
        lan, lan_csrf = _login(base, "lan")
        binh, binh_csrf = _login(base, "binh")
        first = lan.get("/api/review", params={"limit": 2, "form_type": "khai_sinh"}).json()
        second = binh.get("/api/review", params={"limit": 50}).json()
        mine = {(i["dossier_id"], i["field"]) for i in first}
        theirs = {(i["dossier_id"], i["field"]) for i in second}
        assert mine == {(ks["dossier_id"], "code"), (ks["dossier_id"], "ho_ten")}  # what she sees, no more
        assert theirs and not mine & theirs  # never the same field to two people
        assert (ks["dossier_id"], "ngay_sinh") in theirs  # the third field went to binh, not kept by lan
        taken = first[0]
        r = binh.post(f"/api/dossiers/{taken['dossier_id']}/fields/{taken['field']}",
                      headers={"X-CSRF-Token": binh_csrf}, json={"action": "confirm", "rev": taken["rev"]})
        assert r.status_code == 409 and "lan" in r.json()["message"]  # leased to lan
        # a stale view: lan saves ho_ten, then saves again on the view she had before
        item = lan.get(f"/api/dossiers/{ks['code']}").json()["fields"]["ho_ten"]
        url = f"/api/dossiers/{ks['dossier_id']}/fields/ho_ten"
        assert lan.post(url, headers={"X-CSRF-Token": lan_csrf},
                        json={"action": "correct", "value": "Vũ Lê Thanh Hương", "rev": item["rev"]}).status_code == 200
        r = lan.post(url, headers={"X-CSRF-Token": lan_csrf}, json={"action": "correct", "value": "Vũ Thanh Hương",
                                                                      "rev": item["rev"]})
        assert r.status_code == 409 and r.json()["error"] == "stale_view"
        assert "người khác sửa" in r.json()["message"]
        # binh, with no revision at all, cannot overwrite what lan decided either
        r = binh.post(url, headers={"X-CSRF-Token": binh_csrf}, json={"action": "correct", "value": "Khác"})
        assert r.status_code == 409 and r.json()["error"] == "stale_view"
        assert dossier_of(archive, KS)["fields"]["ho_ten"]["value"] == "Vũ Lê Thanh Hương"
        # after lan logs out her leases are free for binh
        assert lan.post("/api/logout", headers={"X-CSRF-Token": lan_csrf}).status_code == 200
        again = {(i["dossier_id"], i["field"]) for i in binh.get("/api/review").json()}
        assert mine - {(ks["dossier_id"], "ho_ten")} <= again


def test_one_audit_row_per_view_and_per_change(archive: Path) -> None:
    ks = dossier_of(archive, KS)
    before = len(_events(archive, ks["dossier_id"]))
    with running_station(archive) as (base, _station):
        client, csrf = _login(base, "lan")
        client.get(f"/api/dossiers/{ks['code']}")
        after_view = _events(archive, ks["dossier_id"])
        assert len(after_view) == before + 1
        assert after_view[-1]["event_type"] == "access" and after_view[-1]["agent"] == "lan"
        r = client.post(f"/api/dossiers/{ks['code']}/fields/ho_ten", headers={"X-CSRF-Token": csrf},
                        json={"action": "confirm"})
        assert r.status_code == 200, r.text
        after_change = _events(archive, ks["dossier_id"])
        assert len(after_change) == before + 2
        change = after_change[-1]
        assert change["event_type"] == "metadata modification" and change["agent"] == "lan"
        detail = json.loads(change["detail"].split(": ", 1)[1])
        read = ks["fields"]["ho_ten"]["value"]
        assert detail == {"field": "ho_ten", "action": "confirm", "old": read, "new": read, "person": "lan"}
        queue = client.get("/api/review").json()  # a queue that shows values is a view of each dossier in it
        shown = {i["dossier_id"] for i in queue}
        for dossier_id in shown:
            assert _events(archive, dossier_id)[-1]["event_type"] == "access"
        assert len(_events(archive, ks["dossier_id"])) == before + 2 + (ks["dossier_id"] in shown)


def test_temporary_code_replaced_once_and_codes_stay_unique(archive: Path) -> None:
    ks, kh = dossier_of(archive, KS), dossier_of(archive, KH)
    assert ks["code"].startswith("SOHOA-TAM-") and ks["code_generated"]
    with running_station(archive) as (base, _station):
        client, csrf = _login(base, "lan")
        check = client.post("/api/check", headers={"X-CSRF-Token": csrf},
                            json={"kind": "code", "value": kh["code"], "dossier": ks["dossier_id"]})
        assert check.json()["reason"] == "code_taken"
        r = client.post(f"/api/dossiers/{ks['code']}/fields/code", headers={"X-CSRF-Token": csrf},
                        json={"action": "correct", "value": kh["code"]})
        assert r.status_code == 409 and r.json()["error"] == "code_taken"
        r = client.post(f"/api/dossiers/{ks['code']}/fields/code", headers={"X-CSRF-Token": csrf},
                        json={"action": "correct", "value": "bad code!"})
        assert r.status_code == 422
        real = "000.00.19.H49-241006-0007"
        r = client.post(f"/api/dossiers/{ks['code']}/fields/code", headers={"X-CSRF-Token": csrf},
                        json={"action": "correct", "value": real})
        assert r.status_code == 200, r.text
        assert client.get(f"/api/dossiers/{ks['code']}").status_code == 404  # the temporary code is gone
        record = client.get(f"/api/dossiers/{real}").json()
        assert record["code"] == real and record["code_generated"] is False
        assert record["code_review"]["ocr_value"] == ks["code"] and "code_generated" not in record["review"]
    package, old_package = archive / record["package"], archive / ks["package"]
    for rel in ("metadata/descriptive/EAD.xml", "representations/rep1/metadata/descriptive/EAD_doc_1.xml"):
        new_ead, old_ead = (etree.parse(str(p / rel)).getroot() for p in (package, old_package))
        assert new_ead.findtext("arcFileCode") == f"DEMO.DEMO.{real}"  # agency . fonds . the new code
        moved = {"arcFileCode", "docCode"}
        assert [(e.tag, e.text) for e in new_ead if e.tag not in moved] == \
            [(e.tag, e.text) for e in old_ead if e.tag not in moved]  # every other element as it was
    doc = etree.parse(str(package / "representations/rep1/metadata/descriptive/EAD_doc_1.xml")).getroot()
    assert doc.findtext("docCode") == f"DEMO.DEMO.{real}.0000001"
    assert [p.name for p in (package / "representations/rep1/data").glob("*.pdf")] == [f"{real}.1.pdf"]
    assert (package / f"representations/rep1/data/{real}.1.pdf").read_bytes() == \
        (old_package / f"representations/rep1/data/{ks['code']}.1.pdf").read_bytes()  # renamed, never re-signed
    mets = etree.parse(str(package / "METS.xml")).getroot()
    alt = mets.find("{http://www.loc.gov/METS/}metsHdr/{http://www.loc.gov/METS/}altRecordID")
    assert alt.text == etree.parse(str(old_package / "METS.xml")).getroot().get("OBJID")
    assert main(["search", "--archive", str(archive), real]) == ExitCode.OK
    assert eark_validate(package).returncode == 0
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK


def test_code_replaced_by_command_with_the_same_audit(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``sohoa code set`` is the station's code field by command: one function, the same record, package
    version, PREMIS event and audit row."""
    ks, kh = dossier_of(archive, KS), dossier_of(archive, KH)
    assert ks["code"] != ks["dossier_id"] and kh["code"] != kh["dossier_id"]
    old_package = archive / ks["package"]
    before = tree_digest(old_package)
    real = "000.00.19.H49-241006-0099"
    assert main(["code", "set", "--archive", str(archive), ks["code"], real, "--reason", "mã trên phiếu hẹn",
                 "--operator", "an"]) == ExitCode.OK
    assert real in capsys.readouterr().out
    after = dossier_of(archive, KS)
    assert after["code"] == real and after["code_review"]["reviewed_by"] == "an"
    assert after["code_review"]["ocr_value"] == ks["code"] and after["code_generated"] is False
    change = _events(archive, ks["dossier_id"])[-1]
    assert change["event_type"] == "metadata modification" and change["agent"] == "an"
    assert json.loads(change["detail"].split(": ", 1)[1]) == {
        "field": "code", "action": "correct", "old": ks["code"], "new": real, "person": "an",
        "reason": "mã trên phiếu hẹn"}
    package = archive / after["package"]
    assert tree_digest(old_package) == before and package != old_package
    assert [p.name for p in (package / "representations/rep1/data").glob("*.pdf")] == [f"{real}.1.pdf"]
    premis = (package / "metadata/preservation/PREMIS.xml").read_text(encoding="utf-8")
    assert "<premis:agentName>an</premis:agentName>" in premis and real in premis
    assert main(["code", "set", "--archive", str(archive), kh["code"], real, "--reason", "x"]) == ExitCode.CONFIG
    assert "đã được dùng" in capsys.readouterr().err  # codes stay unique
    assert main(["code", "set", "--archive", str(archive), kh["code"], ks["dossier_id"], "--reason", "x"]) == \
        ExitCode.CONFIG  # another dossier's internal id is no free code either
    assert main(["code", "set", "--archive", str(archive), "KHONG-CO-MA-NAY", "X-1", "--reason", "x"]) != ExitCode.OK
    with pytest.raises(SystemExit) as gone:  # one documented command: `sohoa recode` is no more
        main(["recode", "--archive", str(archive), real, "X-2"])
    assert gone.value.code == ExitCode.CONFIG
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
    assert eark_validate(package).returncode == 0


def test_login_throttled_and_disabled_account(archive: Path) -> None:
    from configs.review_schema import ReviewSettings
    from review import accounts

    with running_station(archive, settings=ReviewSettings(login_max_failures=3)) as (base, station):
        anonymous = httpx.Client(base_url=base)
        for _ in range(3):
            assert anonymous.post("/api/login", json={"user": "binh", "password": "doan-sai-1"}).status_code == 401
        r = anonymous.post("/api/login", json={"user": "binh", "password": PASSWORDS["binh"]})
        assert r.status_code == 429 and "quá nhiều lần" in r.json()["message"]
        _login(base, "truong", https=True)  # behind the TLS proxy the cookie is Secure
        client, _csrf = _login(base, "lan")
        accounts.disable_user(station.store, "lan")
        assert client.get("/api/review").status_code == 401  # her session ended with the account
        assert anonymous.post("/api/login", json={"user": "lan", "password": PASSWORDS["lan"]}).status_code == 401
    with Catalog.for_archive(archive) as catalog:
        events = catalog.archive_events()
    logins = [(e["outcome"], e["agent"]) for e in events if e["event_type"] == "authentication"]
    assert ("success", "truong") in logins and ("failure", "-") in logins
    assert not any("doan-sai" in e["detail"] for e in events)  # never what was typed


def test_trusted_proxy_header_only_when_configured(archive: Path) -> None:
    from configs.review_schema import ReviewSettings

    with running_station(archive) as (base, _station):
        r = httpx.get(base + "/api/session", headers={"X-Remote-User": "lan"})
        assert r.status_code == 401  # off by default
    settings = ReviewSettings(trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    with running_station(archive, settings=settings) as (base, _station):
        client = httpx.Client(base_url=base)
        r = client.get("/api/session", headers={"X-Remote-User": "truong"})
        assert r.status_code == 200 and r.json()["user"] == "truong" and r.json()["role"] == "lead"
        assert client.get("/api/progress").status_code == 200  # the session cookie carries on
        assert httpx.get(base + "/api/session", headers={"X-Remote-User": "nobody-here"}).status_code == 401


def test_progress_per_run_and_per_clerk_and_the_openapi(archive: Path) -> None:
    ks = dossier_of(archive, KS)
    with running_station(archive) as (base, _station):
        client, csrf = _login(base, "lan")
        for key in ("ho_ten", "ngay_sinh"):
            action = {"action": "confirm"} if key == "ho_ten" else {"action": "correct", "value": "06/10/2024"}
            r = client.post(f"/api/dossiers/{ks['dossier_id']}/fields/{key}", headers={"X-CSRF-Token": csrf},
                            json=action)
            assert r.status_code == 200, r.text
        lead, _ = _login(base, "truong")
        progress = lead.get("/api/progress").json()
        assert {"clerk": "lan", "confirmed": 1, "corrected": 1} == {k: v for k, v in progress["clerks"][0].items()
                                                                     if k != "last"}
        run = progress["runs"][0]
        assert run["fields"] >= 2 and run["resolved"] == 2
        page = lead.get("/tien-do")
        assert page.status_code == 200 and "Theo người kiểm tra" in page.text and ">lan<" in page.text
        api = httpx.get(base + "/api/openapi.json").json()
        assert {"/api/login", "/api/logout", "/api/review", "/api/dossiers/{code}",
                "/api/dossiers/{code}/fields/{field}"} <= set(api["paths"])


def test_same_flow_with_the_catalog_in_postgresql(archive: Path) -> None:
    url = start_cluster().new_database()
    assert main(["catalog", "--archive", str(archive), "--move-to", url]) == ExitCode.OK
    ks = dossier_of(archive, KS, url)
    with running_station(archive, catalog_url=url, users=()) as (base, station):  # the accounts moved along
        assert station.store.dialect == "postgresql"
        lan, lan_csrf = _login(base, "lan")
        binh, _ = _login(base, "binh")
        mine = {(i["dossier_id"], i["field"]) for i in lan.get("/api/review").json()}
        assert (ks["dossier_id"], "ngay_sinh") in mine
        assert binh.get("/api/review").json() == []  # lan holds every field for now
        item = lan.get(f"/api/dossiers/{ks['code']}").json()["fields"]["ngay_sinh"]
        r = lan.post(f"/api/dossiers/{ks['code']}/fields/ngay_sinh", headers={"X-CSRF-Token": lan_csrf},
                     json={"action": "correct", "value": "06/10/2024", "rev": item["rev"]})
        assert r.status_code == 200, r.text
        r = lan.post(f"/api/dossiers/{ks['code']}/fields/ngay_sinh", headers={"X-CSRF-Token": lan_csrf},
                     json={"action": "correct", "value": "07/10/2024", "rev": item["rev"]})
        assert r.status_code == 409
    assert dossier_of(archive, KS, url)["fields"]["ngay_sinh"]["value"] == "06/10/2024"
    events = _events(archive, ks["dossier_id"], url)
    assert [e["event_type"] for e in events[-2:]] == ["access", "metadata modification"]
    assert main(["fixity", "--archive", str(archive)]) == ExitCode.OK
