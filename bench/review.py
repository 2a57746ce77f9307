"""Verification station: how fast the next field comes after Enter, clearing flagged fields by keyboard.

A real pipeline run over two sample dossiers makes the archive; ``--fields`` of their fields are
flagged as an OCR run that doubted them would flag them (a third of them with a wrong value to
type over, half with a field box, half without); the station runs in a real uvicorn server on
127.0.0.1, and Debian's headless Chromium (Selenium) logs in and clears them with the keyboard
alone: Enter to confirm, or the right value typed over the selection then Enter.

Measured in the page (``window.sohoaReview``): from the Enter ``keydown`` to the first animation
frame after the next field was rendered (``requestAnimationFrame``: the frame that paints it),
per field. Saving happens in the background (each decision writes a new package version); its
round trip per decision is printed too, as is the load of the machine. Run:

    nice .venv/bin/python bench/review.py [--fields 20] [--pause 0.4]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _flag_fields(archive: Path, count: int) -> int:
    """Flag ``count`` fields over the archive's dossiers; returns how many need typing."""
    from review_support import DOSSIERS, dossier_of, flag

    per = {name: list(dossier_of(archive, name)["fields"]) for name in DOSSIERS}
    chosen, typed = {name: {} for name in DOSSIERS}, 0
    for n in range(count):
        name = DOSSIERS[n % len(DOSSIERS)]
        key = per[name][len(chosen[name])]
        state: dict[str, object] = {"reason": "low_confidence"}
        if n % 3 == 0:
            state = {"reason": "invalid_chars", "wrong": True}
            typed += 1
        if n % 2 == 0:
            y = 0.2 + 0.025 * len(chosen[name])
            state.update(page=1, box=[0.1, y, 0.9, y + 0.022])
        else:  # as a record written before fields carried their box: the whole page is shown
            state.update(page=None, box=None)
        chosen[name][key] = state
    for name, flags in chosen.items():
        record = dossier_of(archive, name)
        for key, state in flags.items():
            if state.pop("wrong", False):
                state["value"] = record["fields"][key]["value"] + " x"
        flag(archive, name, flags, only=True)
    return typed


def _clear(driver, base: str, count: int, pause: float) -> dict:  # noqa: ANN001 - a Selenium driver
    """Log in and clear ``count`` fields by keyboard; returns the page's timings."""
    from review_support import PASSWORDS
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/")
    driver.find_element(By.ID, "user").send_keys("lan")
    driver.find_element(By.ID, "password").send_keys(PASSWORDS["lan"] + Keys.ENTER)
    WebDriverWait(driver, 60).until(ec.visibility_of_element_located((By.ID, "value")))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "const s = window.sohoaReview; return s && s.items.length > 0;"))
    done = 0
    while done < count:
        item = driver.execute_script("const s = window.sohoaReview; return s.items[s.idx] || null;")
        if item is None:
            print("the queue ran out after", done, "fields:", driver.execute_script(
                "const s = window.sohoaReview; return [s.items.length, s.idx, s.loaded];"))
            break
        keys = Keys.ENTER
        if item["field"] == "code":
            keys = Keys.ENTER  # a temporary code kept as it is (confirmed)
        elif str(item.get("value", "")).endswith(" x"):
            keys = str(item["value"])[:-2] + Keys.ENTER  # typed over the selected value
        time.sleep(pause)  # a clerk reads the crop before the key
        ActionChains(driver).send_keys(keys).perform()
        done += 1
        WebDriverWait(driver, 60).until(lambda d, n=done: d.execute_script(
            "return window.sohoaReview.timings.length") >= n)
    WebDriverWait(driver, 300).until(lambda d: d.execute_script(
        "const s = window.sohoaReview; return s.saved + s.failed >= arguments[0];", done))
    return driver.execute_script("const s = window.sohoaReview; "
                                 "return {timings: s.timings, saves: s.saveTimes, failed: s.failed};")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fields", type=int, default=20, help="flagged fields to clear (default 20)")
    parser.add_argument("--pause", type=float, default=0.4, help="seconds a clerk looks before each key (0.4)")
    args = parser.parse_args()
    os.environ.setdefault("SOHOA_DEMO_PKI", tempfile.mkdtemp(prefix="sohoa-bench-pki-"))
    from review_support import build_archive, make_removable, running_station
    from test_review_browser import chromium

    base = Path(tempfile.mkdtemp(prefix="sohoa-bench-review-"))
    load_before = os.getloadavg()
    archive = build_archive(base)
    flagged = args.fields - 2  # the two temporary codes are flagged too
    typed = _flag_fields(archive, flagged)
    driver = chromium(base / "chromium-profile")
    try:
        with running_station(archive) as (url, _station):
            started = time.perf_counter()
            result = _clear(driver, url, args.fields, args.pause)
            wall = time.perf_counter() - started
    finally:
        driver.quit()
        make_removable(archive)
        shutil.rmtree(base, ignore_errors=True)
    timings, saves = result["timings"], result["saves"]
    print(f"sohoa bench/review.py — {platform.node()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"load average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"fields cleared by keyboard: {len(timings)} ({typed} typed over, the rest confirmed with Enter; "
          f"{result['failed']} not saved), pause before each key {args.pause:.2f} s, wall {wall:.1f} s")
    print(f"Enter → next field on screen: median {statistics.median(timings):.1f} ms, "
          f"p95 {_percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms")
    print(f"background save round trip per decision (new package version + catalog): median "
          f"{statistics.median(saves):.0f} ms, p95 {_percentile(saves, 0.95):.0f} ms")
    print("measured in the page: keydown(Enter) → requestAnimationFrame after the next field was rendered "
          "(window.sohoaReview.timings); headless Chromium from Debian, station on 127.0.0.1")
    print(f"command: nice .venv/bin/python bench/review.py --fields {args.fields} --pause {args.pause}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
