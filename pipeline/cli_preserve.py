"""``sohoa retimestamp``: renew archive timestamps before they go stale, as new package versions.

A B-LTA file stays verifiable offline only while its newest document timestamp can be validated
from the file alone: its TSA's certificate valid, the revocation data of the TSA's chain it holds
still fresh. This command finds, in every package's current version, the signed documents whose
newest timestamp goes stale within ``--within`` days, adds the current validation data and a fresh
document timestamp (:func:`signing.renew.renew_archive_timestamp`) and writes the result as the
package's next version (:func:`archive.versions.derive_version`): the old version is never
touched. The catalog and the export record then point at the new version. Schedule it weekly
(``deploy/sohoa-retimestamp.timer``); it needs the site's TSA and trust roots, not its signing key.

Loaded by ``pipeline/cli.py`` through ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipeline import paths
from pipeline.provenance import AGENT
from sohoa.clock import VN_TZ
from sohoa.errors import ArchiveError, ConfigError, ExitCode, SohoaError
from sohoa.files import write_text_atomic

log = logging.getLogger("sohoa.retimestamp")

DEFAULT_WITHIN_DAYS = 30
"""Renew what goes stale within a month: a weekly timer then has four chances before it does."""


@dataclass
class RetimestampReport:
    """What one ``sohoa retimestamp`` did, by dossier code (no personal data)."""

    renewed: list[tuple[str, str]] = field(default_factory=list)
    """(dossier code, the new version's folder relative to the archive)."""
    fresh: int = 0
    """Documents whose timestamp stays fresh beyond the window."""
    not_renewable: list[tuple[str, str]] = field(default_factory=list)
    """(dossier code, reason): e.g. a B-B or B-T file, which has no document timestamp."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(dossier code, reason key): the TSA or a revocation server did not answer; retried next time."""


def add_retimestamp_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``sohoa retimestamp``."""
    parser.add_argument("--archive", type=Path, required=True, help="archive folder (packages, catalog)")
    parser.add_argument("--within", type=float, default=DEFAULT_WITHIN_DAYS, metavar="DAYS",
                        help=f"renew timestamps that go stale within this many days (default {DEFAULT_WITHIN_DAYS})")
    parser.add_argument("--dry-run", action="store_true", help="list what would be renewed; change nothing")


def cmd_retimestamp(args: argparse.Namespace) -> int:
    """Renew what goes stale soon; exit 3 when a renewal failed (it is retried on the next run)."""
    from pipeline.settings import settings

    site = settings(str(args.config) if args.config else "")
    sig = site.signing
    if not sig.tsa_url or not sig.trust_roots:
        raise ConfigError("sohoa retimestamp needs signing.tsa-url and signing.trust-roots in the configuration",
                          message_vi="Cần cấu hình signing.tsa-url và signing.trust-roots để gia hạn dấu thời gian.")
    report = retimestamp_archive(args.archive.resolve(), within=timedelta(days=args.within), tsa_url=sig.tsa_url,
                                 trust_roots=list(sig.trust_roots), catalog_url=site.archive.catalog_url,
                                 dry_run=args.dry_run)
    verb = "Cần gia hạn" if args.dry_run else "Đã gia hạn"
    for code, where in report.renewed:
        print(f"{verb} dấu thời gian lưu trữ: {code} → {where}")
    for code, reason in report.not_renewable:
        print(f"Không gia hạn được (không có dấu thời gian lưu trữ, {reason}): {code}")
    for code, reason in report.failed:
        print(f"LỖI, sẽ thử lại lần sau ({reason}): {code}")
    print(f"Gia hạn dấu thời gian: {len(report.renewed)} hồ sơ; còn hạn quá {args.within:g} ngày: {report.fresh} tệp; "
          f"không có dấu thời gian lưu trữ: {len(report.not_renewable)}; lỗi: {len(report.failed)}.")
    return ExitCode.INCOMPLETE if report.failed else ExitCode.OK


def retimestamp_archive(archive: Path, *, within: timedelta, tsa_url: str, trust_roots: list[Path],
                        catalog_url: str | None = None, dry_run: bool = False,
                        now: datetime | None = None) -> RetimestampReport:
    """Renew, as new package versions, every document timestamp that goes stale before ``now + within``."""
    from signing import archive_timestamp_freshness

    report = RetimestampReport()
    deadline = (now or datetime.now(VN_TZ)) + within
    for package in current_packages(archive):
        code = _code(package)
        due = []
        for pdf in sorted((package / "representations/rep1/data").glob("*.pdf")):
            freshness = archive_timestamp_freshness(pdf, trust_roots=trust_roots)
            if freshness.stale_at is None:
                report.not_renewable.append((code, freshness.reason))
            elif freshness.stale_at <= deadline:
                due.append((pdf, freshness))
            else:
                report.fresh += 1
        if not due:
            continue
        if dry_run:
            report.renewed.append((code, str(package.relative_to(archive))))
            continue
        try:
            new = _renew_package(archive, package, due, tsa_url=tsa_url, trust_roots=trust_roots,
                                 catalog_url=catalog_url)
        except SohoaError as exc:
            log.warning("retimestamp: %s not renewed (%s)", code, exc.reason)
            report.failed.append((code, exc.reason))
            continue
        log.info("retimestamp: %s renewed as %s", code, new.name)
        report.renewed.append((code, str(new.relative_to(archive))))
    return report


def current_packages(archive: Path) -> list[Path]:
    """The latest version of every dossier's package (published folders only).

    The last version of a code that a new code's package replaced (a temporary code replaced by the
    real one) is not current: renewing it would fork the dossier's history.
    """
    from archive import package_id, package_versions
    from archive.versions import package_identity, replaced_versions

    identities: dict[tuple[str, str], None] = {}
    for folder in sorted((archive / "packages").glob("urn_*")):
        if (folder / "METS.xml").is_file():
            try:
                identities[package_identity(folder)] = None
            except SohoaError:
                log.warning("retimestamp: a package folder does not name its dossier; skipped")
    replaced = replaced_versions(archive)
    latest = [(a, c, len(package_versions(archive, agency_code=a, dossier_code=c))) for a, c in identities]
    return [package_versions(archive, agency_code=a, dossier_code=c)[-1] for a, c, n in latest
            if package_id(version=n, agency_code=a, dossier_code=c) not in replaced]


def _code(package: Path) -> str:
    from archive.versions import package_identity

    return package_identity(package)[1]


def _renew_package(archive: Path, package: Path, due: list, *, tsa_url: str, trust_roots: list[Path],
                   catalog_url: str | None) -> Path:
    """Renew the due documents of one package and write its next version; update record and catalog.

    The dossier's lock is held meanwhile (as the verification station and ``sohoa code set`` hold
    it), and a package that stopped being the dossier's current version is left alone.
    """
    from archive import Catalog
    from archive.dossier_lock import dossier_lock

    rel = package.relative_to(archive).as_posix()
    with Catalog.for_archive(archive, catalog_url) as catalog:
        row = catalog.package_by_path(rel)
        with dossier_lock(catalog, row["dossier_id"], f"retimestamp:{os.getpid()}") if row else nullcontext():
            if row is not None and (catalog.package_by_path(rel) or {}).get("status") != "current":
                raise ArchiveError("the package is no longer the dossier's current version", reason="package_conflict")
            return _renew_unlocked(archive, package, due, tsa_url=tsa_url, trust_roots=trust_roots,
                                   catalog_url=catalog_url)


def _renew_unlocked(archive: Path, package: Path, due: list, *, tsa_url: str, trust_roots: list[Path],
                    catalog_url: str | None) -> Path:
    """:func:`_renew_package` under the dossier's lock."""
    from archive import PremisEvent, SignatureInfo, derive_version
    from signing import renew_archive_timestamp, signature_facts

    with tempfile.TemporaryDirectory(prefix=".retimestamp-", dir=archive) as tmp:
        replace, events, signatures = {}, [], {}
        for pdf, freshness in due:
            rel = pdf.relative_to(package).as_posix()
            renewed = Path(tmp) / pdf.name
            when = renew_archive_timestamp(pdf, renewed, tsa_url=tsa_url, trust_roots=trust_roots)
            facts = signature_facts(renewed)
            replace[rel] = renewed
            signatures[rel] = SignatureInfo(
                signer=facts["signer"], time=facts["signing_time"] or when, level="B-LTA",
                method=facts["signature_method"], value=_b64(facts["signature_value"]),
                properties=tuple(f"{label}: {facts[key].isoformat()}" for key, label in
                                 (("timestamp_time", "signature timestamp"),
                                  ("archive_timestamp_time", "archive timestamp (renewed)")) if facts[key]))
            events.append(PremisEvent(
                "digital signature generation", when, "success",
                f"Archive timestamp renewed (PAdES B-LTA): current validation data of the previous document "
                f"timestamp's TSA and a new document timestamp; the previous one went stale at "
                f"{freshness.stale_at.isoformat(timespec='seconds')} ({freshness.reason})", AGENT,
                sources=(rel,), outcomes=(rel,)))
        new = derive_version(archive, package, replace=replace, events=events, signatures=signatures)
    _point_records_at(archive, package, new, events, catalog_url)
    return new


def _b64(value: bytes) -> str:
    import base64

    return base64.b64encode(value).decode("ascii")


def _point_records_at(archive: Path, old: Path, new: Path, events: list, catalog_url: str | None) -> None:
    """The export record and the catalog now name the new version (its events are added to the catalog)."""
    from archive import Catalog, read_record

    record = read_record(new) or _record_naming(archive, old)
    if record is None:
        log.warning("retimestamp: no export record names %s; the catalog was not updated", old.name)
        return
    pdf = min((new / "representations/rep1/data").glob("*.pdf"))
    final = {**record, "pdf": str(pdf.relative_to(archive)), "package": str(new.relative_to(archive))}
    write_text_atomic(paths.record_file(archive, final["dossier_id"]), json.dumps(final, ensure_ascii=False, indent=1))
    with Catalog.for_archive(archive, catalog_url) as catalog:
        catalog.upsert_dossier(final)
        for event in events:
            catalog.add_event(final["dossier_id"], event)


def _record_naming(archive: Path, package: Path) -> dict | None:
    """The export record (records/*.json) that names ``package``: for a package made before record.json."""
    rel = str(package.relative_to(archive))
    for path in sorted((archive / "records").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("package") == rel:
            return {k: v for k, v in record.items() if k not in ("pdf", "package")}
    return None


COMMANDS = {
    "retimestamp": ("renew archive timestamps that go stale soon, as new package versions", add_retimestamp_arguments,
                    cmd_retimestamp, "example: sohoa retimestamp --archive /srv/archive --within 30 "
                                     "--config /etc/sohoa/site.yaml"),
}
