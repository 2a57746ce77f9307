"""``sohoa check``: is this machine ready for tonight's batch? Each check names what it found.

What an IT admin verifies after installing or changing something: the configuration, the
programs and the Vietnamese OCR data, the stamp font, the signing key (it opens, and how long its
certificate stays valid), the timestamp server and the certificate's revocation servers (they
answer), the archive and its catalog, the inbox and the work folder (present, mounted, writable,
not world-readable), free disk space, a run in progress. In Vietnamese, or English with
``--lang en``. Nothing here prints a certificate's subject (a person's name) or a secret.
"""

from __future__ import annotations

import os
import shutil
import stat
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sohoa.clock import VN_TZ
from sohoa.errors import SohoaError

OK, WARN, FAIL = "ok", "warn", "fail"
MARK = {"vi": {OK: "ĐẠT", WARN: "CHÚ Ý", FAIL: "LỖI"}, "en": {OK: "OK", WARN: "WARN", FAIL: "FAIL"}}
EXPIRY_WARN_DAYS = 30
LOW_DISK_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, its state, and what it means (Vietnamese and English)."""

    name: str
    state: str
    vi: str
    en: str

    def line(self, lang: str) -> str:
        return f"[{MARK[lang][self.state]}] {self.vi if lang == 'vi' else self.en}"


@dataclass(frozen=True)
class Target:
    """What to check: the configuration and the folders a run would use (any may be None)."""

    config: str = ""
    archive: Path | None = None
    inbox: Path | None = None
    work: Path | None = None
    network: bool = True


def _failed(name: str, exc: BaseException, vi: str, en: str) -> Check:
    message = exc.message_vi if isinstance(exc, SohoaError) else ""
    return Check(name, FAIL, f"{vi}: {message or type(exc).__name__}", f"{en}: {exc}")


def check_config(t: Target) -> Iterator[Check]:
    from pipeline.settings import settings

    site = settings(t.config)
    where = t.config or "configs/default.yaml"
    yield Check("config", OK, f"Cấu hình hợp lệ ({where})", f"configuration is valid ({where})")
    if site.signing.mode == "demo":
        yield Check("config", WARN, "Đang ký bằng chứng thư THỬ NGHIỆM (signing.mode: demo): không dùng cho hồ sơ thật",
                    "signing with the throw-away DEMO chain (signing.mode: demo): not for real records")


def check_tools(t: Target) -> Iterator[Check]:
    from pipeline.settings import settings
    from sohoa.tools import poppler, tesseract

    languages = settings(t.config).ocr.languages
    try:
        tesseract.require_languages(languages)
        yield Check("tesseract", OK, f"Tesseract và dữ liệu ngôn ngữ {languages}", f"Tesseract with {languages} data")
    except SohoaError as exc:
        yield _failed("tesseract", exc, "Tesseract hoặc dữ liệu ngôn ngữ", f"Tesseract / {languages} data")
    try:
        poppler.require()
        yield Check("poppler", OK, "Poppler (pdftoppm)", "poppler (pdftoppm)")
    except SohoaError as exc:
        yield _failed("poppler", exc, "Poppler (pdftoppm)", "poppler (pdftoppm)")
    if shutil.which("jbig2dec") is None:
        yield Check("jbig2dec", WARN, "Thiếu jbig2dec (gói Debian jbig2dec): tệp PDF nén JBIG2 đọc chậm hơn",
                    "jbig2dec is missing (Debian package jbig2dec): JBIG2 PDFs take the slower path")
    font = settings(t.config).signing.font
    if Path(font).is_file():
        yield Check("font", OK, f"Phông chữ con dấu {font}", f"stamp font {font}")
    else:
        yield Check("font", FAIL, f"Thiếu phông chữ con dấu {font} (gói Debian fonts-liberation2)",
                    f"stamp font {font} is missing (Debian package fonts-liberation2)")


def _expiry(name: str, what_vi: str, what_en: str, not_after: datetime, now: datetime) -> Check:
    day = not_after.astimezone(VN_TZ).strftime("%d/%m/%Y")
    left = (not_after - now).days
    if not_after <= now:
        return Check(name, FAIL, f"{what_vi} đã hết hạn ngày {day}", f"{what_en} expired on {not_after:%Y-%m-%d}")
    if left < EXPIRY_WARN_DAYS:
        return Check(name, WARN, f"{what_vi} hết hạn ngày {day} (còn {left} ngày): gia hạn ngay",
                     f"{what_en} expires on {not_after:%Y-%m-%d} ({left} days left): renew it now")
    return Check(name, OK, f"{what_vi} còn hiệu lực đến {day} (còn {left} ngày)",
                 f"{what_en} valid until {not_after:%Y-%m-%d} ({left} days left)")


def _reachable(url: str, timeout: float = 10.0) -> str | None:
    """None when an HTTP server answers at ``url`` (any status); else why not."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):  # noqa: S310
            return None
    except urllib.error.HTTPError:
        return None  # it answered (a TSA or OCSP responder refuses a plain GET)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))


def check_signing(t: Target) -> Iterator[Check]:
    from pipeline.settings import open_signer, settings

    sig = settings(t.config).signing
    now = datetime.now(timezone.utc)
    try:
        signer = open_signer(sig)
    except Exception as exc:  # noqa: BLE001 - every way a key fails to open is a finding
        yield _failed("key", exc, "Không mở được khóa ký số", "the signing key does not open")
        return
    yield Check("key", OK, f"Khóa ký số mở được (chế độ {sig.mode})", f"the signing key opens (mode {sig.mode})")
    cert = getattr(signer, "signing_cert", None)
    if cert is None:
        return
    yield _expiry("certificate", "Chứng thư ký số", "the signing certificate", cert.not_valid_after, now)
    for root in sig.trust_roots:
        try:
            from cryptography import x509

            data = Path(root).read_bytes()
            anchor = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
            yield _expiry("trust-root", f"Chứng thư gốc {root}", f"trust root {root}", anchor.not_valid_after_utc, now)
        except (OSError, ValueError) as exc:
            yield Check("trust-root", FAIL, f"Không đọc được chứng thư gốc {root}", f"trust root {root}: {exc}")
    if not t.network:
        return
    urls = [("tsa", "Máy chủ dấu thời gian (TSA)", "timestamp server (TSA)", sig.tsa_url)] if sig.tsa_url else []
    urls += [("ocsp", "Máy chủ OCSP", "OCSP responder", u) for u in getattr(cert, "ocsp_urls", [])]
    urls += [("crl", "Máy chủ CRL", "CRL server", p.url) for p in getattr(cert, "crl_distribution_points", [])
             if getattr(p, "url", None)]
    if not sig.tsa_url and sig.active_profile.level not in {"B-B"}:
        yield Check("tsa", WARN, f"Chưa cấu hình signing.tsa-url: ký ở mức B-B thay vì {sig.active_profile.level}",
                    f"no signing.tsa-url: signing B-B instead of {sig.active_profile.level}")
    for name, vi, en, url in urls:
        problem = _reachable(url)
        yield Check(name, OK if problem is None else FAIL, f"{vi} {url}: " + ("trả lời" if problem is None else
                    f"không kết nối được ({problem})"), f"{en} {url}: " + ("answers" if problem is None else
                                                                         f"unreachable ({problem})"))


def _folder(name: str, vi: str, en: str, folder: Path, *, write: bool) -> Iterator[Check]:
    from sohoa.mounts import missing_mount

    mount = missing_mount(folder)
    if mount is not None:
        yield Check(name, FAIL, f"{vi} {folder}: ổ {mount} chưa được gắn (mount)", f"{en} {folder}: {mount} is not mounted")
        return
    if not folder.is_dir():
        yield Check(name, FAIL, f"{vi} {folder} không tồn tại", f"{en} {folder} does not exist")
        return
    if not os.access(folder, os.R_OK | os.X_OK | (os.W_OK if write else 0)):
        yield Check(name, FAIL, f"{vi} {folder}: không có quyền {'ghi' if write else 'đọc'}",
                    f"{en} {folder}: not {'writable' if write else 'readable'}")
        return
    if stat.S_IMODE(folder.stat().st_mode) & 0o007:
        yield Check(name, WARN if name == "inbox" else FAIL, f"{vi} {folder}: người ngoài nhóm đọc được (nên chmod o-rwx)",
                    f"{en} {folder}: readable by others (chmod o-rwx)")
    else:
        yield Check(name, OK, f"{vi} {folder}: có quyền {'ghi' if write else 'đọc'}", f"{en} {folder}: "
                    f"{'writable' if write else 'readable'}")
    if write:
        free = shutil.disk_usage(folder).free
        if free < LOW_DISK_BYTES:
            yield Check(name, WARN, f"{vi} {folder}: ổ đĩa chỉ còn {free / 1024**3:.1f} GB trống",
                        f"{en} {folder}: only {free / 1024**3:.1f} GB free")


def check_folders(t: Target) -> Iterator[Check]:
    from pipeline.archive_dir import is_archive
    from pipeline.runlock import RunLock

    if t.inbox is not None:
        yield from _folder("inbox", "Thư mục nhận", "inbox", t.inbox, write=False)
    if t.archive is None:
        return
    if not is_archive(t.archive):
        yield Check("archive", FAIL, f"{t.archive} chưa phải kho lưu trữ sohoa (tạo bằng `sohoa archive init`)",
                    f"{t.archive} is not a sohoa archive (make one with `sohoa archive init`)")
        return
    yield from _folder("archive", "Kho lưu trữ", "archive", t.archive, write=True)
    work = t.work or t.archive / ".work"
    if work.exists():
        yield from _folder("work", "Thư mục làm việc", "work folder", work, write=True)
    yield from check_catalog(t)
    try:
        folder = t.archive / ".run-lock"
        holders = RunLock(t.archive, scheduler_url=None).holders(take_over=False) if folder.is_dir() else []
    except OSError:
        holders = []
    for h in holders:
        yield Check("lock", WARN, f"Một lần chạy đang xử lý kho: {h.describe_vi()}", f"a run is working: {h.describe_en()}")


def check_catalog(t: Target) -> Iterator[Check]:
    """The catalog opens and agrees with the archive (the catalog's own health check, when it has one)."""
    from archive import Catalog
    from archive.catalog_health import check_catalog as catalog_health
    from pipeline.settings import settings

    url = settings(t.config).archive.catalog_url
    try:
        health = catalog_health(t.archive, url)  # a lost or damaged catalog is named, never made anew
        if health.state != "outdated":  # (an older schema: `sohoa run` upgrades it)
            health.require(allow_new=True)
        with Catalog.for_archive(t.archive, url) as catalog:
            rows, where = catalog.count("dossiers"), catalog.dialect
    except Exception as exc:  # noqa: BLE001 - a catalog that does not open is a finding
        yield _failed("catalog", exc, "Danh mục (catalog) không dùng được", "the catalog is not usable")
        return
    records = sum(1 for _ in (t.archive / "records").glob("*.json"))
    if rows < records:
        yield Check("catalog", FAIL, f"Danh mục ({where}) có {rows} hồ sơ, kho có {records} bản ghi: danh mục thiếu",
                    f"the catalog ({where}) holds {rows} dossiers, the archive {records} records: it is behind")
    else:
        yield Check("catalog", OK, f"Danh mục ({where}): {rows} hồ sơ", f"catalog ({where}): {rows} dossiers")


CHECKS: tuple[Callable[[Target], Iterator[Check]], ...] = (check_config, check_tools, check_signing, check_folders)


def run_checks(target: Target) -> list[Check]:
    """Every check; a check that cannot even start is reported as failed, never raised."""
    found: list[Check] = []
    for check in CHECKS:
        try:
            found.extend(check(target))
        except Exception as exc:  # noqa: BLE001 - e.g. an invalid configuration stops the checks that need it
            found.append(_failed(check.__name__.removeprefix("check_"), exc, "Không kiểm tra được",
                                 "could not check"))
            if check is check_config:
                break
    return found
