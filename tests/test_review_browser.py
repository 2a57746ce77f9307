"""The verification station's page in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver`` through Selenium; nothing is downloaded): log in, replace the temporary
code as a barcode scanner types it, confirm a name, correct a date by keyboard, reach the next
field without a page load, mark it "not on the form" (F9), go back (PgUp), and log out. The run
saves a screenshot (``review-station.png`` in the test's folder; set
``SOHOA_REVIEW_SCREENSHOT=docs/review-station.png`` to refresh the README's).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from review_support import PASSWORDS, built_archive, copy_archive, dossier_of, flag, make_removable, running_station

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,860", "--lang=vi")
KS = "khai_sinh-pdf.pdf"
DATE_BOX = [0.12, 0.330, 0.60, 0.358]  # the "Ngày, tháng, năm sinh" line of the sample


def chromium(profile: Path) -> webdriver.Chrome:
    """Debian's headless Chromium with a fresh profile, driven by Debian's chromedriver."""
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.is_file():
            raise pytest.UsageError(f"{program} is missing: install the Debian packages chromium chromium-driver "
                                    "(setup.sh test does)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag_ in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag_)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()


def _field_shown(driver: webdriver.Chrome, key: str) -> None:
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.ID, "label"), f"[{key}]"))


def _save_screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """A PNG of the page, palette-reduced to stay small (the README shows it)."""
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    image.quantize(colors=96).save(path, optimize=True)


def test_keyboard_only_review_in_chromium(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
                                          browser: webdriver.Chrome) -> None:
    archive = copy_archive(built_archive(tmp_path_factory), tmp_path / "archive")
    try:
        flag(archive, KS, {"ho_ten": {"reason": "low_confidence", "page": None, "box": None},  # no box: whole page
                           "ngay_sinh": {"reason": "invalid_date", "value": "06/1O/2024", "page": 1, "box": DATE_BOX},
                           "que_quan": {"reason": "not_found", "value": ""}})
        ks = dossier_of(archive, KS)
        with running_station(archive) as (base, _station):
            _run_station(browser, base, tmp_path)
        after = dossier_of(archive, KS)
    finally:
        make_removable(archive)
    assert after["code"] == "000.00.19.H49-241006-0042" and after["code_review"]["ocr_value"] == ks["code"]
    assert after["fields"]["ho_ten"]["status"] == "confirmed" and after["fields"]["ho_ten"]["reviewed_by"] == "lan"
    assert after["fields"]["ho_ten"]["value"] == ks["fields"]["ho_ten"]["value"]
    date = after["fields"]["ngay_sinh"]
    assert (date["value"], date["status"], date["ocr_value"]) == ("06/10/2024", "corrected", "06/1O/2024")
    place = after["fields"]["que_quan"]
    # nothing was read and the clerk says it is not on the form: the OCR was right, confirmed
    assert (place["value"], place["absent"], place["status"]) == ("", True, "confirmed")
    assert after["review_state"] == "checked"  # every flag of the dossier resolved: "đã kiểm tra"


def _run_station(driver: webdriver.Chrome, base: str, tmp_path: Path) -> None:
    driver.get(base + "/")
    driver.find_element(By.ID, "user").send_keys("lan")
    driver.find_element(By.ID, "password").send_keys(PASSWORDS["lan"] + Keys.ENTER)
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "counter")))
    WebDriverWait(driver, 30).until(lambda d: len(Select(d.find_element(By.ID, "f-form")).options) > 1)
    Select(driver.find_element(By.ID, "f-form")).select_by_value("khai_sinh")
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.ID, "d-source"), KS))
    _field_shown(driver, "code")
    value = driver.find_element(By.ID, "value")
    assert value.get_attribute("value").startswith("SOHOA-TAM-")
    value.send_keys("000.00.19.H49-241006-0042" + Keys.ENTER)  # typed over the selected value, as a scanner does
    _field_shown(driver, "ho_ten")
    assert "cả trang" in driver.find_element(By.ID, "crop-note").text  # no box yet: the whole page
    assert driver.find_element(By.ID, "crop-box").value_of_css_property("display") == "none"
    value.send_keys(Keys.ENTER)  # the name read is right: confirm
    _field_shown(driver, "ngay_sinh")  # the next field, without a page load
    assert driver.find_element(By.ID, "crop-box").value_of_css_property("display") == "block"
    assert value.get_attribute("value") == "06/1O/2024"
    value.send_keys("31/02/2024")
    WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element((By.ID, "hint"), "ngày không hợp lệ"))
    value.send_keys(Keys.F2)  # the whole page, the field's box highlighted
    WebDriverWait(driver, 10).until(ec.visibility_of_element_located((By.ID, "whole")))
    assert driver.find_element(By.ID, "whole-box").value_of_css_property("display") == "block"
    value.send_keys(Keys.ESCAPE)
    WebDriverWait(driver, 10).until(ec.invisibility_of_element_located((By.ID, "whole")))
    for _ in range(10):
        value.send_keys(Keys.BACKSPACE)
    value.send_keys("06/10/2024")
    WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element((By.ID, "hint"), "Hợp lệ"))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "const i = document.getElementById('crop-img'); return i.complete && i.naturalWidth > 0;"))
    shot = tmp_path / "review-station.png"
    _save_screenshot(driver, shot)
    assert shot.stat().st_size < 200_000
    if os.environ.get("SOHOA_REVIEW_SCREENSHOT"):
        shutil.copy2(shot, os.environ["SOHOA_REVIEW_SCREENSHOT"])
    value.send_keys(Keys.ENTER)
    _field_shown(driver, "que_quan")  # the next field
    value.send_keys(Keys.F9)  # not on the form
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "const s = window.sohoaReview; return s.saved === 4 && s.failed === 0;"))
    assert driver.find_element(By.ID, "empty").is_displayed()  # nothing left in this filter
    ActionChains(driver).send_keys(Keys.PAGE_UP).perform()  # one key back
    _field_shown(driver, "que_quan")
    assert "không có trên tờ khai" in driver.find_element(By.ID, "reason").text
    ActionChains(driver).send_keys(Keys.PAGE_UP).perform()  # and back again: the date as saved
    _field_shown(driver, "ngay_sinh")
    assert value.get_attribute("value") == "06/10/2024" and "đã sửa" in driver.find_element(By.ID, "reason").text
    timings = driver.execute_script("return window.sohoaReview.timings")
    assert len(timings) == 4
    driver.find_element(By.ID, "logout").click()
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "login-form")))
