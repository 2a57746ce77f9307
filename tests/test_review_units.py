"""The verification station's parts one by one: decisions as pure functions, the EAD patch, the
checks while typing, the review index, the page numbering, the accounts CLI, and the station's
tables with their leases and locks on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from archive.catalog import Catalog
from archive.corrections import patch_ead
from archive.decisions import CODE_FIELD, Decision, ReviewConflict, decide, field_rev, review_state
from archive.dossier_lock import dossier_lock
from sohoa.clock import VN_TZ
from configs.review_schema import ReviewSettings
from pipeline.cli import main
from pipeline.report import REASON_VI
from review import accounts, queue
from review.fieldinfo import FormInfo, check_value, context
from fields.templates import field_label
from review.pages import pdf_page_number
from review.store import Store
from sohoa.errors import ArchiveError, ExitCode
from test_catalog_backends import BACKENDS, backend_for

AT = datetime(2026, 1, 5, 9, 30, tzinfo=VN_TZ)
RECORD = {"dossier_id": "hs-1", "code": "SOHOA-TAM-ABC", "code_generated": True, "review": ["code_generated"],
          "form_type": "khai_sinh", "source": "a.pdf",
          "pages": [{"source_page": 1, "blank": False}, {"source_page": 2, "blank": True},
                    {"source_page": 3, "blank": False}],
          "fields": {"ho_ten": {"value": "Vũ Lê Thanh Hương", "confidence": 0.5, "needs_review": True,
                                "reason": "low_confidence"},
                     "ngay_sinh": {"value": "06/1O/2024", "confidence": 0.4, "needs_review": True,
                                   "reason": "invalid_date", "page": 1, "box": [0.1, 0.3, 0.6, 0.35]},
                     "dan_toc": {"value": "Kinh", "confidence": 0.97, "needs_review": False}}}


def _decide(field: str, action: str, value: str | None = None, rev: str | None = None, person: str = "lan",
            record: dict = RECORD) -> dict:
    return decide(record, Decision(field, action, value, rev, person), at=AT)[0]


def test_correct_confirm_absent_record_who_when_and_the_ocr_value() -> None:
    corrected = _decide("ngay_sinh", "correct", "  06/10/2024 ")
    field = corrected["fields"]["ngay_sinh"]
    assert field == {"value": "06/10/2024", "confidence": 0.4, "needs_review": False, "page": 1,
                     "box": [0.1, 0.3, 0.6, 0.35], "status": "corrected", "reviewed_by": "lan",
                     "reviewed_at": "2026-01-05T09:30:00.000+07:00", "ocr_value": "06/1O/2024",
                     "ocr_reason": "invalid_date"}
    assert corrected["fields"]["dan_toc"]["status"] == "ocr" and corrected["review_state"] == "pending"
    confirmed = _decide("ho_ten", "confirm", record=corrected)
    assert confirmed["fields"]["ho_ten"]["status"] == "confirmed"
    assert "ocr_value" not in confirmed["fields"]["ho_ten"]
    absent = _decide("dan_toc", "absent", record=confirmed)
    assert absent["fields"]["dan_toc"]["value"] == "" and absent["fields"]["dan_toc"]["absent"] is True
    assert review_state(absent) == "pending"  # the temporary code still waits
    done = _decide(CODE_FIELD, "correct", "000.00.19.H49-240101-0001", record=absent)
    assert done["code"] == "000.00.19.H49-240101-0001" and not done["code_generated"] and done["review"] == []
    assert done["code_review"]["ocr_value"] == "SOHOA-TAM-ABC" and done["review_state"] == "checked"
    assert RECORD["fields"]["ngay_sinh"]["value"] == "06/1O/2024"  # the input is never changed


def test_same_value_typed_is_a_confirmation_and_bad_input_is_refused() -> None:
    assert _decide("ho_ten", "correct", "Vũ Lê Thanh Hương")["fields"]["ho_ten"]["status"] == "confirmed"
    for field, action, value, reason in (("ho_ten", "correct", "   ", "invalid_value"),
                                         ("ho_ten", "correct", "a\x00b", "invalid_value"),
                                         ("ho_ten", "correct", "x" * 1001, "invalid_value"),
                                         ("ho_ten", "delete", None, "invalid_action"),
                                         ("khong_co", "confirm", None, "unknown_field"),
                                         (CODE_FIELD, "correct", "mã có dấu", "invalid_value"),
                                         (CODE_FIELD, "absent", None, "invalid_value")):
        with pytest.raises(ArchiveError) as err:
            _decide(field, action, value)
        assert err.value.reason == reason
        assert (value or "zz").strip() not in str(err.value) or not value.strip()  # never the value


def test_stale_views_are_refused() -> None:
    rev = field_rev(RECORD["fields"]["ho_ten"])
    once = _decide("ho_ten", "correct", "Vũ Thanh Hương", rev=rev)
    with pytest.raises(ReviewConflict) as err:
        _decide("ho_ten", "correct", "Vũ Lê Hương", rev=rev, record=once)  # the view before the first save
    assert err.value.reason == "stale_view"
    with pytest.raises(ReviewConflict):
        _decide("ho_ten", "confirm", person="binh", record=once)  # no revision: another person's field
    again = _decide("ho_ten", "correct", "Vũ Lê Hương", rev=field_rev(once["fields"]["ho_ten"]), record=once)
    assert again["fields"]["ho_ten"]["ocr_value"] == "Vũ Lê Thanh Hương"  # still what the OCR read
    # a decision on another field (which adds status "ocr" everywhere) does not make this view stale
    other = _decide("dan_toc", "confirm")
    assert field_rev(other["fields"]["ho_ten"]) == rev


def test_patch_ead_changes_only_what_it_names() -> None:
    xml = (b"<?xml version='1.0' encoding='UTF-8'?>\n<simpledc><arcFileCode>A</arcFileCode><title>T</title>"
           b"<startDate>01/01/2020</startDate><futureElement>kept</futureElement>"
           b"<description>fallback</description></simpledc>")
    root = etree.fromstring(patch_ead(xml, {"arcFileCode": "B", "startDate": "02/02/2021", "description": None,
                                            "endDate": "03/03/2022"}))
    assert [(e.tag, e.text) for e in root] == [("arcFileCode", "B"), ("title", "T"), ("startDate", "02/02/2021"),
                                               ("futureElement", "kept"), ("description", None),
                                               ("endDate", "03/03/2022")]  # every element stays, in its place


def test_checks_while_typing_answer_in_vietnamese() -> None:
    def check(kind: str, value: str, **kw: str) -> dict:
        return check_value(kind, value, reasons_vi=REASON_VI, **kw)

    assert check("date", "31/02/2024") == {"ok": False, "reason": "invalid_date", "message": "ngày không hợp lệ",
                                          "normalised": "31/02/2024"}
    assert check("date", "6/10/2024")["normalised"] == "06/10/2024"
    assert check("cccd", "001087361196", birth_date="22/11/1987", sex="Nam")["ok"]
    assert check("cccd", "001087361196", birth_date="22/11/1988", sex="Nam")["message"] == \
        "năm sinh trong số CCCD không khớp ngày sinh"
    assert check("cccd", "001187361196", birth_date="22/11/1987", sex="Nam")["reason"] == "cccd_sex"
    assert check("cccd", "999087361196")["reason"] == "cccd_province"
    assert check("place", "Phường Cầu Giấy, quận Xyzt, Thành phố Hà Nội")["reason"] == "unknown_admin_unit"
    assert check("place", "Phường Cầu Giấy, Thành phố Hà Nội")["ok"]
    assert check("name", "nguyễn văn An")["reason"] == "name_case"
    assert check("code", "000.00.19.H49-240101-0001")["ok"] and not check("code", "có dấu")["ok"]
    assert "F9" in check("text", " ")["message"]
    assert check("phone", "3")["reason"] == "invalid_phone" and check("phone", "3")["message"]  # not "nothing"
    assert check("email", "ab")["reason"] == "invalid_email" and check("phone", "0912 345 678")["ok"]
    assert check("number", "12")["ok"] and check("number", "1O") == {
        "ok": False, "reason": "ocr_digits_guessed", "message": REASON_VI["ocr_digits_guessed"], "normalised": "10"}


@given(st.text(max_size=40))
def test_checks_never_fail_on_any_input(value: str) -> None:
    for kind in ("date", "cccd", "place", "name", "phone", "email", "number", "code", "text"):
        answer = check_value(kind, value, reasons_vi=REASON_VI)
        assert isinstance(answer["ok"], bool) and isinstance(answer["message"], str)


def test_field_labels_checks_and_cccd_context_come_from_the_templates() -> None:
    forms = FormInfo()
    assert forms.field("khai_sinh", "ngay_sinh").check == "date"
    assert forms.field("khai_sinh", "nyc_so_cccd").check == "cccd"
    assert forms.field("khai_sinh", "noi_sinh").check == "place"
    assert forms.field("ho_kinh_doanh", "so_lao_dong").check == "number"
    assert forms.label("khai_sinh", "me_dan_toc") == "Dân tộc (mẹ)"  # C2: the label the reports and XLSX use
    assert forms.label("ket_hon", "nu_ho_ten") == field_label("ket_hon", "nu_ho_ten") == "Họ, chữ đệm, tên (bên nữ)"
    assert forms.title("khai_sinh") == "Tờ khai đăng ký khai sinh"  # C4: the template's title-vi
    assert forms.field("unknown", "x").check == "text" and forms.label(None, CODE_FIELD) == "Mã hồ sơ"
    info = forms.field("ket_hon", "nu_so_cccd")
    ctx = context(info, {"nu_ngay_sinh": {"value": "20/07/1991"}})
    assert ctx["birth_date"] == "20/07/1991" and ctx["sex"] in ("Nữ", "F", "nu")


def test_review_index_rows_and_pdf_pages() -> None:
    rows = queue.item_rows("hs-1", RECORD, ingested_at="2026-01-05T09:00:00.000+07:00")
    assert [(r["field"], r["reason"], r["page"], r["flagged"]) for r in rows] == [
        ("code", "code_generated", None, 1), ("ho_ten", "low_confidence", None, 1),
        ("ngay_sinh", "invalid_date", 1, 1)]
    assert json.loads(rows[2]["box"]) == [0.1, 0.3, 0.6, 0.35] and rows[0]["run"] == "2026-01-05"
    bad_box = {**RECORD, "fields": {"x": {"value": "", "needs_review": True, "box": [0.5, 0.5, 0.2, 2]}}}
    assert queue.item_rows("hs-1", bad_box, ingested_at="2026")[1]["box"] is None
    assert [pdf_page_number(RECORD, n) for n in (1, 2, 3, 4)] == [1, None, 2, None]


def test_review_settings_reject_unknown_keys_and_bad_headers(tmp_path: Path) -> None:
    from configs import load_model
    from configs.schema import Settings
    from sohoa.errors import ConfigError

    bad = tmp_path / "site.yaml"
    bad.write_text("review:\n  port: 8765\n  listen-everywhere: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="site.yaml:3: review.listen_everywhere"):
        load_model(bad, Settings)
    with pytest.raises(ValueError):
        ReviewSettings(trusted_user_header="X Remote User")
    assert ReviewSettings().host == "127.0.0.1" and ReviewSettings().trusted_user_header is None


def test_users_cli_reads_the_password_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    (archive / "packages").mkdir(parents=True)
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["users", "add", "lan", "--role", "clerk", "--archive", str(archive)]) == ExitCode.OK
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert main(["users", "add", "binh", "--archive", str(archive)]) == ExitCode.CONFIG
    assert "ít nhất 10 ký tự" in capsys.readouterr().err
    assert main(["users", "disable", "lan", "--archive", str(archive)]) == ExitCode.OK
    assert main(["users", "list", "--archive", str(archive)]) == ExitCode.OK
    assert "lan\tclerk\tđã khóa" in capsys.readouterr().out
    assert main(["users", "disable", "khong-co", "--archive", str(archive)]) == ExitCode.CONFIG
    from archive.catalog import Catalog

    with Catalog.for_archive(archive) as catalog:
        changes = [e["detail"] for e in catalog.archive_events() if e["event_type"] == "account change"]
    assert changes == ["account lan set, role clerk", "account lan disabled"]
    stored = (archive / "catalog.sqlite").read_bytes()
    assert b"mat-khau-rat-dai" not in stored and b"$argon2id$" in stored


@pytest.fixture(params=BACKENDS)
def catalog_and_store(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    backend = backend_for(request.param)
    archive = tmp_path / "archive"
    catalog = backend.open(archive)  # the catalog first, as the pipeline makes it: the station's tables are in it
    opened = Store(archive, backend.url)
    yield catalog, opened
    opened.close()
    catalog.close()


@pytest.fixture()
def store(catalog_and_store: tuple[Catalog, Store]) -> Store:
    return catalog_and_store[1]


def test_store_accounts_sessions_and_throttle(store: Store) -> None:
    accounts.add_user(store, "lan", "clerk", "mat-khau-rat-dai")
    throttle = accounts.Throttle(max_failures=2, window=60)
    with pytest.raises(accounts.AccountError) as err:
        accounts.check_password(store, "lan", "sai-roi-nhe", client="10.0.0.1", throttle=throttle)
    assert err.value.reason == "login_failed"
    with pytest.raises(accounts.AccountError):
        accounts.check_password(store, "khong-co", "sai-roi-nhe", client="10.0.0.1", throttle=throttle)
    user = accounts.check_password(store, "lan", "mat-khau-rat-dai", client="10.0.0.2", throttle=throttle)
    token, csrf = accounts.open_session(store, user)
    session = accounts.find_session(store, token, idle=60, lifetime=3600)
    assert session.user == user and accounts.csrf_ok(session, csrf) and not accounts.csrf_ok(session, "x")
    assert accounts.find_session(store, token + "x", idle=60, lifetime=3600) is None
    assert accounts.find_session(store, token, idle=60, lifetime=0) is None  # past its lifetime: ended
    with pytest.raises(accounts.AccountError):
        accounts.check_password(store, "lan", "sai-lan-hai", client="10.0.0.3", throttle=throttle)
    with pytest.raises(accounts.AccountError) as err:
        accounts.check_password(store, "lan", "mat-khau-rat-dai", client="10.0.0.4", throttle=throttle)
    assert err.value.reason == "login_throttled"


def test_store_leases_never_give_one_field_to_two_people(store: Store) -> None:
    keys = [("hs-1", f"f{n}") for n in range(20)]
    results: dict[str, set] = {}

    def grab(name: str) -> None:
        results[name] = queue.take(store, name, keys, seconds=60)

    threads = [threading.Thread(target=grab, args=(name,)) for name in ("lan", "binh", "an")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [k for got in results.values() for k in got]
    assert sorted(taken) == sorted(keys)  # every field to exactly one person
    first = queue.holder(store, *keys[0])
    other = next(name for name in ("lan", "binh", "an") if name != first)
    assert queue.take(store, other, keys[:1], seconds=60) == set() and queue.holder(store, *keys[0]) == first
    expired = queue.take(store, "an", [("hs-2", "x")], seconds=-1)
    assert expired and queue.take(store, "lan", [("hs-2", "x")], seconds=60) == {("hs-2", "x")}


def test_dossier_lock_serialises_writers_of_one_dossier(catalog_and_store: tuple[Catalog, Store]) -> None:
    """The lock every writer of a dossier's next version takes (the station, ``sohoa code set``) is a
    row of the catalog's ``review_locks``: it holds between two connections as between two machines."""
    catalog, store = catalog_and_store
    order: list[str] = []

    def work(name: str) -> None:
        with Catalog(catalog.url, archive_root=catalog.archive_root) as mine, dossier_lock(mine, "hs-1", name):
            order.append(f"{name}+")
            time.sleep(0.2)
            order.append(f"{name}-")

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order[0][0] == order[1][0] and order[2][0] == order[3][0]  # never interleaved
    with dossier_lock(catalog, "hs-1", "c"), pytest.raises(ReviewConflict) as err, \
            dossier_lock(catalog, "hs-1", "d", wait=0.2):
        pass
    assert err.value.reason == "dossier_busy"
    with dossier_lock(catalog, "hs-2", "killed", hold=-1):  # a holder that died: its lock expires
        with dossier_lock(catalog, "hs-2", "next", wait=0.2):
            pass
    with store.read() as db:
        assert db.exec_driver_sql("SELECT COUNT(*) FROM review_locks").scalar() == 0
