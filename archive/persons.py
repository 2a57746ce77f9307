"""Reuse of what was digitized: a citizen's earlier papers, found by CCCD number, and handed on as a bundle.

A clerk handling a new procedure gives the citizen's CCCD number (số định danh cá nhân) and the
purpose — the new dossier's code. :func:`lookup` lists every digitized component and result that
carries that number, newest first: the documents where the number is a field (as the applicant,
either spouse, the head of household, a household member …, the role named in Vietnamese), the
results of those dossiers, and results whose own text prints the number. Each item says the
document's type, date, dossier code, the PDF that holds it, and its signature status as recorded
at archiving (see :func:`signature_status`; ``sohoa person --verify`` and the bundle validate the
signatures again). :func:`export_bundle` copies the signed PDFs, checked against the package's
checksums, with a JSON manifest, into a folder for the other procedure.

Every look-up is recorded before anything is shown (NĐ 13/2023/NĐ-CP): an ``access`` event in the
audit trail of each dossier shown and an archive event for the look-up itself, naming the person,
the time and the purpose, journaled so a rebuilt catalog keeps them. The CCCD number itself is
never written to a log, an event or an error message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import bindparam, text

from archive.catalog import Catalog
from archive.fixity import listed_files
from archive.model import PremisEvent, iso_vn
from sohoa.clock import now_vn
from archive.persons_fields import require_cccd
from sohoa.errors import ArchiveError, ConfigError

ACCESS_EVENT = "access"
LOOKUP_EVENT = "personal data look-up"
KIND_VI = {"component": "Thành phần hồ sơ", "result": "Kết quả giải quyết", "other": "Tài liệu khác"}
MAX_PURPOSE = 200
_HITS = ("SELECT p.dossier_id, p.field, p.role, p.document, p.checked, d.code, d.package, d.status, d.start_date "
         "FROM person_index p JOIN dossiers d ON d.dossier_id = p.dossier_id WHERE p.cccd = :c")
_DOCS = ("SELECT dossier_id, ordinal, kind, type, type_code, type_name, issued, file, signature_level, certified "
         "FROM dossier_documents WHERE dossier_id IN :ids ORDER BY dossier_id, ordinal")


def require_purpose(purpose: str) -> str:
    """The purpose of a look-up (the new dossier's code, or a short reason), cleaned.

    Raises:
        ConfigError: Empty, longer than 200 characters or holding control characters (``invalid_purpose``).
    """
    value = " ".join(unicodedata.normalize("NFC", purpose or "").split())
    if not value or len(value) > MAX_PURPOSE or any(unicodedata.category(c) == "Cc" for c in purpose or ""):
        raise ConfigError("a look-up needs its purpose: the new dossier's code (at most 200 characters)",
                           reason="invalid_purpose",
                           message_vi="Cần ghi mục đích tra cứu: mã hồ sơ mới (tối đa 200 ký tự).")
    return value


def lookup(catalog: Catalog, cccd: str, *, person: str, purpose: str, via: str) -> list[dict]:
    """Every digitized component and result carrying ``cccd``, newest first; the look-up is audited first.

    Args:
        catalog: The archive's catalog, open for writing (the audit trail is written).
        cccd: The citizen's CCCD number as typed (12 digits; spaces and dots ignored).
        person: Who looks (an account name, or the operating-system user).
        purpose: Why: the new dossier's code (see :func:`require_purpose`).
        via: What they used ("sohoa person", "the web station").

    Returns:
        One item per document: ``code``, ``document`` (its ordinal in the dossier), ``kind`` and
        ``kind_vi``, ``type``, ``type_name``, ``type_code``, ``issued``, ``roles`` (Vietnamese),
        ``fields``, ``checked`` (every value that matched was confirmed or passed its checks),
        ``file`` and ``pdf`` (the package PDF holding it, relative to the archive; None once
        disposed), ``status`` (the dossier's) and ``signature`` (:func:`signature_status`).

    Raises:
        ConfigError: An invalid CCCD number or purpose (``invalid_cccd``, ``invalid_purpose``).
        ArchiveError: The catalog cannot record the look-up (nothing is shown then).
    """
    number, why = require_cccd(cccd), require_purpose(purpose)
    items, codes = find(catalog, number)
    _audit(catalog, sorted(codes), codes, len(items), person=person, purpose=why, via=via)
    return items


def find(catalog: Catalog, number: str) -> tuple[list[dict], dict[str, str]]:
    """The items :func:`lookup` shows for a CCCD number (12 digits), and dossier id → code of their dossiers.

    Two indexed queries; nothing is recorded (:func:`lookup` records the look-up before showing it).
    """
    hits = catalog._rows(_HITS, c=number)  # noqa: SLF001
    ids = sorted({h["dossier_id"] for h in hits})
    docs: dict[str, list[dict]] = defaultdict(list)
    if ids:
        query = text(_DOCS).bindparams(bindparam("ids", expanding=True))
        for row in catalog._read(lambda db: [dict(r) for r in db.execute(query, {"ids": ids}).mappings()]):  # noqa: SLF001
            docs[row["dossier_id"]].append(row)
    return _items(catalog.archive_root, hits, docs), {h["dossier_id"]: h["code"] for h in hits}


def _items(archive_root: Path, hits: list[dict], docs: Mapping[str, list[dict]]) -> list[dict]:
    """One item per document carrying the number, and per result of a dossier that does."""
    by_doc: dict[tuple[str, int], dict] = {}
    dossiers = {h["dossier_id"]: h for h in hits}
    for hit in hits:
        ordinals = [hit["document"]] + [d["ordinal"] for d in docs.get(hit["dossier_id"], ()) if d["kind"] == "result"]
        for ordinal in ordinals:
            item = by_doc.setdefault((hit["dossier_id"], ordinal), {"roles": [], "fields": [], "checked": True})
            role = hit["role"] if ordinal == hit["document"] else f"kết quả của hồ sơ ({hit['role']})"
            if role not in item["roles"]:
                item["roles"].append(role)
            if ordinal == hit["document"]:
                item["fields"].append(hit["field"])
                item["checked"] = item["checked"] and bool(hit["checked"])
    out = []
    for (dossier_id, ordinal), item in by_doc.items():
        dossier = dossiers[dossier_id]
        doc = next((d for d in docs.get(dossier_id, ()) if d["ordinal"] == ordinal), None) or {
            "kind": "other", "type": None, "type_code": None, "type_name": None, "issued": None, "file": 1,
            "signature_level": None, "certified": None}
        pdf = None if dossier["status"] == "disposed" else _pdf(archive_root, dossier["package"], doc["file"])
        out.append({"code": dossier["code"] or dossier_id, "document": ordinal, "kind": doc["kind"],
                    "kind_vi": KIND_VI.get(doc["kind"], doc["kind"]), "type": doc["type"],
                    "type_name": doc["type_name"] or doc["type"] or "", "type_code": doc["type_code"],
                    "issued": doc["issued"] or dossier["start_date"], "roles": item["roles"],
                    "fields": sorted(set(item["fields"])), "checked": item["checked"] if item["fields"] else None,
                    "file": doc["file"], "pdf": pdf, "status": dossier["status"],
                    "signature": signature_status(doc, disposed=dossier["status"] == "disposed")})
    out.sort(key=lambda i: (i["issued"] or "", i["code"], -i["document"]), reverse=True)
    return out


def signature_status(doc: Mapping[str, object], *, disposed: bool = False) -> dict:
    """What is known of a document's signature without validating it again.

    ``state``: ``signed`` (the PDF was signed when archived: PAdES ``level``, ``e_copy``: certified
    as an e-copy with the "SAO Y" stamp, else not certified because pages missed the digitization
    standard), ``unknown`` (a record from before signing facts were kept) or ``disposed`` (the
    content was destroyed under an approved disposal decision). ``verified`` stays None until the
    signature is validated again (``sohoa person --verify``, or a bundle export).
    """
    level, certified = doc.get("signature_level"), doc.get("certified")
    if disposed:
        state, vi = "disposed", "Đã hủy nội dung theo quyết định hủy tài liệu"
    elif level:
        state = "signed"
        vi = f"Đã ký số khi lưu trữ (PAdES {level}" + (", có dấu sao y)" if certified else
                                                        ", chưa chứng thực sao y)" if certified == 0 else ")")
    else:
        state, vi = "unknown", "Không rõ (bản ghi cũ không lưu thông tin chữ ký)"
    return {"state": state, "level": level, "e_copy": None if certified is None else bool(certified),
            "verified": None, "text_vi": vi}


def _pdf(archive_root: Path, package: object, file: object) -> str | None:
    """The package PDF ``<code>.<file>.pdf`` of the dossier's current version, relative to the archive."""
    if not isinstance(package, str) or not isinstance(file, int):
        return None
    found = sorted((archive_root / package / "representations" / "rep1" / "data").glob(f"*.{file}.pdf"))
    return found[0].relative_to(archive_root).as_posix() if found else None


def _audit(catalog: Catalog, dossier_ids: Sequence[str], codes: Mapping[str, str], shown: int, *, person: str,
           purpose: str, via: str) -> None:
    """Record the look-up (who, when, why, what was shown) before anything is shown; never the CCCD number."""
    at = now_vn()
    who = person or "unknown"
    listed = ", ".join(codes[d] or d for d in dossier_ids)
    with catalog.transaction():
        for dossier_id in dossier_ids:
            catalog.add_event(dossier_id, PremisEvent(
                ACCESS_EVENT, at, "success",
                f"looked up by CCCD number by {who} ({via}) for purpose: {purpose}", who), journaled=True)
        catalog.add_archive_event(PremisEvent(
            LOOKUP_EVENT, at, "success",
            f"look-up by CCCD number by {who} ({via}) for purpose: {purpose}; {shown} document(s) of "
            f"{len(dossier_ids)} dossier(s) shown" + (f": {listed}"[:1500] if listed else ""), who))


def export_bundle(archive_root: Path, items: Sequence[Mapping[str, object]], target: Path, *, person: str,
                  purpose: str, cccd: str, verdicts: Mapping[str, Mapping[str, object]] | None = None) -> Path:
    """Copy the signed PDFs holding ``items`` into ``target`` with ``manifest.json``; return the manifest.

    Each PDF is copied once (a dossier's file may hold several listed documents) and checked against
    the SHA-256 its package lists. The folder is made owner-only (0700, files 0600): it holds personal
    data. ``verdicts`` (PDF path → the signature validation, from ``sohoa verify``'s checks) go into
    the manifest.

    Raises:
        ConfigError: ``target`` exists and is not an empty folder (``bundle_exists``).
        ArchiveError: A PDF no longer matches its package's checksum (``package_damaged``), or nothing
            can be handed on (``bundle_empty``).
    """
    check_bundle_target(target)
    pdfs: dict[str, list[Mapping[str, object]]] = defaultdict(list)
    for item in items:
        if isinstance(item.get("pdf"), str):
            pdfs[str(item["pdf"])].append(item)
    if not pdfs:
        raise ArchiveError("no archived PDF to hand on", reason="bundle_empty",
                           message_vi="Không có tệp PDF nào để chuyển (không tìm thấy hoặc đã hủy).")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(target, 0o700)
    files = []
    for rel, held in sorted(pdfs.items()):
        source = archive_root / rel
        name = source.name
        digest = _copy_checked(source, target / name, _listed_digest(source))
        files.append({"file": name, "sha256": digest, "size": (target / name).stat().st_size,
                      "code": held[0]["code"], "archive_path": rel,
                      "signature": {**dict(held[0].get("signature") or {}),
                                    "verified": (verdicts or {}).get(rel)},
                      "documents": [{"document": i["document"], "kind": i["kind"], "kind_vi": i["kind_vi"],
                                     "type": i["type"], "type_name": i["type_name"], "issued": i["issued"],
                                     "roles": i["roles"]} for i in held]})
    manifest = {"created_at": iso_vn(now_vn()), "created_by": person, "purpose": purpose, "cccd": cccd,
                "note_vi": "Bản sao các tài liệu đã số hóa, ký số, chuyển cho thủ tục khác; có dữ liệu cá nhân "
                           "(Nghị định 13/2023/NĐ-CP): chỉ dùng cho mục đích đã ghi.",
                "files": files}
    path = target / "manifest.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    return path


def check_bundle_target(target: Path) -> None:
    """Refuse a bundle folder that exists and is not empty (checked before the look-up, too).

    Raises:
        ConfigError: ``bundle_exists``.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target} exists and is not an empty folder", reason="bundle_exists",
                          message_vi=f"Thư mục {target} đã có dữ liệu; hãy chọn thư mục mới.")


def _listed_digest(pdf: Path) -> str | None:
    """The SHA-256 the PDF's package lists for it (its METS), or None when the package does not say."""
    package = pdf.parents[3]
    rel = pdf.relative_to(package).as_posix()
    entries, _problems = listed_files(package)
    return next((e.sha256 for e in entries if e.path == rel), None)


def _copy_checked(source: Path, dest: Path, expected: str | None) -> str:
    """Copy ``source`` to ``dest`` (0600) and return its SHA-256; refuse a copy that differs from the package's."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    digest = hashlib.sha256(dest.read_bytes()).hexdigest()
    if expected is not None and digest != expected:
        dest.unlink()
        raise ArchiveError(f"{source.name} differs from the checksum its package lists: run sohoa fixity",
                           reason="package_damaged",
                           message_vi="Tệp PDF không khớp mã băm của gói lưu trữ; hãy chạy sohoa fixity.")
    return digest
