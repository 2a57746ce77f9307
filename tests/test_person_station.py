"""The station's pages for the rates and the look-up by CCCD, through a real uvicorn server.

The archive is the real pipeline run the station's tests share (two sample dossiers). Who sees
what (NĐ 13/2023/NĐ-CP): clerks and leads look citizens up, admins do not; leads and admins see the
rates, clerks do not. Every look-up is audited with the person and the purpose; the number travels
only in POST bodies and never comes back in an error.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from review_support import PASSWORDS, built_archive, copy_archive, dossier_of, make_removable, running_station

from archive.catalog import Catalog
from review import accounts
from review.store import Store

ADMIN, ADMIN_PASSWORD = "quan", "mat-khau-quan-tri-vien"


@pytest.fixture()
def archive(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):  # noqa: ANN201
    root = copy_archive(built_archive(tmp_path_factory), tmp_path / "archive")
    store = Store(root)
    accounts.add_user(store, ADMIN, "admin", ADMIN_PASSWORD)
    store.close()
    yield root
    make_removable(root)


def _login(base: str, user: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    response = client.post("/api/login", json={"user": user, "password": PASSWORDS.get(user, ADMIN_PASSWORD)})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf"]


def test_clerks_look_citizens_up_admins_do_not(archive: Path) -> None:
    record = dossier_of(archive, "ket_hon-tiff.tif")
    groom = record["fields"]["nam_so_cccd"]["value"]
    with running_station(archive) as (base, _station):
        clerk, csrf = _login(base, "lan")
        page = clerk.get("/tra-cuu-cong-dan")
        assert page.status_code == 200 and 'id="cccd"' in page.text and "13/2023/NĐ-CP" in page.text
        body = {"cccd": groom, "purpose": "H49-2026-0200"}
        assert clerk.post("/api/persons", json=body).status_code == 403  # no CSRF token
        found = clerk.post("/api/persons", json=body, headers={"X-CSRF-Token": csrf})
        assert found.status_code == 200, found.text
        documents = found.json()["documents"]
        assert [(d["code"], d["kind"], d["roles"]) for d in documents] == [(record["code"], "component", ["bên nam"])]
        assert documents[0]["signature"]["state"] == "signed"
        bad = clerk.post("/api/persons", json={"cccd": "12345", "purpose": "x"}, headers={"X-CSRF-Token": csrf})
        assert bad.status_code == 422 and "12345" not in bad.text and "12 chữ số" in bad.json()["message"]
        no_purpose = clerk.post("/api/persons", json={"cccd": groom, "purpose": " "}, headers={"X-CSRF-Token": csrf})
        assert no_purpose.status_code == 422 and groom not in no_purpose.text
        zipped = clerk.post("/api/persons/bundle", json=body, headers={"X-CSRF-Token": csrf})
        assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as bundle:
            names = sorted(bundle.namelist())
            manifest = json.loads(bundle.read("manifest.json"))
            pdf = bundle.read(Path(record["pdf"]).name)
        assert names == sorted(["manifest.json", Path(record["pdf"]).name])
        assert manifest["created_by"] == "lan" and pdf == (archive / record["pdf"]).read_bytes()
        assert clerk.get("/bao-cao-so-hoa").status_code == 403  # the rates are for leads and admins

        admin, admin_csrf = _login(base, ADMIN)
        assert admin.get("/tra-cuu-cong-dan").status_code == 403
        refused = admin.post("/api/persons", json=body, headers={"X-CSRF-Token": admin_csrf})
        assert refused.status_code == 403 and refused.json()["error"] == "not_allowed"
        assert httpx.post(f"{base}/api/persons", json=body).status_code == 401  # no session at all
    with Catalog.for_archive(archive) as catalog:
        lookups = [e for e in catalog.archive_events() if e["event_type"] == "personal data look-up"]
        views = [e for e in catalog.events(record["dossier_id"]) if e["event_type"] == "access"
                 and "CCCD" in e["detail"]]
    assert [e["agent"] for e in lookups] == ["lan", "lan"]  # the look-up and the bundle; refused ones: none
    assert all("web station" in e["detail"] and "H49-2026-0200" in e["detail"] for e in lookups + views)
    assert groom not in json.dumps(lookups + views)


def test_leads_see_the_rates_from_an_uploaded_list(archive: Path) -> None:
    ks, kh = dossier_of(archive, "khai_sinh-pdf.pdf"), dossier_of(archive, "ket_hon-tiff.tif")
    listed = (f"Mã hồ sơ;Ngày tiếp nhận;Mã thủ tục;Cấp;Cơ quan;Ngày có kết quả\n"
              f"{ks['code']};02/01/2025;1.001193;xa;UBND xã;\n{kh['code']};2025-01-03;1.000894;huyen;UBND huyện;\n"
              "KHONG-SO-HOA-1;04/01/2025;1.000894;tinh;Sở Tư pháp;10/01/2025\n").encode("utf-8")
    with running_station(archive) as (base, _station):
        lead, csrf = _login(base, "truong")
        page = lead.get("/bao-cao-so-hoa")
        assert page.status_code == 200 and 'id="received"' in page.text
        answer = lead.post("/api/kpi", params={"from": "2025-01-01", "to": "2025-12-31"}, content=listed,
                           headers={"X-CSRF-Token": csrf, "Content-Type": "application/octet-stream"})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["total"]["received"] == 3 and report["total"]["components_digitized"] == 2
        assert report["by_level"]["tinh"]["results_due"] == 1 and report["by_level"]["tinh"]["results_rate"] == 0.0
        assert [r["code"] for r in report["not_digitized"]] == ["KHONG-SO-HOA-1"]
        assert "<svg" in report["html"] and "66,67 %" in report["html"]
        workbook = lead.post("/api/kpi.xlsx", params={"from": "2025-01-01", "to": "2025-12-31"}, content=listed,
                             headers={"X-CSRF-Token": csrf})
        assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
        bad = lead.post("/api/kpi", params={"from": "2025-01-01", "to": "2025-12-31"},
                        content=b"ma_ho_so,ngay_tiep_nhan,ma_thu_tuc,cap,co_quan,ngay_co_ket_qua\nA,99/99/2025,1,xa,B,\n",
                        headers={"X-CSRF-Token": csrf})
        assert bad.status_code == 422 and "dòng 2" in bad.json()["message"] and "99/99" not in bad.text
        clerk, clerk_csrf = _login(base, "lan")
        assert clerk.post("/api/kpi", params={"from": "2025-01-01", "to": "2025-12-31"}, content=listed,
                          headers={"X-CSRF-Token": clerk_csrf}).status_code == 403
