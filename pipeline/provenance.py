"""What a package records about where a dossier came from and what was done to it (PREMIS).

- The original scan: its SHA-256 (the identity that tells a re-ingest from another dossier), and
  what intake kept of its provenance (scanner make and model, resolution, capture date).
- The events, one per stage, each linked to the objects it started from and made, with its
  agents: the software, the scanner, the agency that signs, a person who acted.
- The signature: signer, time, PAdES level, method and value, as ``sign.json`` recorded them.

Event times: a stage's output file's modification time, and the signing time the signature
claims. The signing time is a whole second (the stamp prints it); a file time keeps its fraction
and may come from another machine's clock (a work folder on NFS): an OCR finished at 10:00:00.7
and signed at 10:00:00.9 was recorded with the signature (10:00:00) before the OCR. So every time
is a whole second and no stage is dated after the stage that followed it.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import paths
from sohoa import __version__
from sohoa.clock import VN_TZ

if TYPE_CHECKING:
    from archive import PremisEvent, SignatureInfo, SourceInfo
    from scanners.model import Dossier

AGENT = f"sohoa {__version__}"


def source_info(dossier: Dossier, intake: Mapping[str, object], work: Path) -> SourceInfo:
    """The original scan of a dossier: its SHA-256 (from intake when it recorded one) and size.

    A folder's digest is over each file's relative name and SHA-256 (``scanners.codes.content_digest``,
    the digest intake names the dossier by). When the scan is no longer readable, the page images
    read from it stand in (``work/<id>/pages``).
    """
    from archive import SourceInfo
    from scanners.codes import content_digest

    origin = dossier.source if dossier.source.exists() else paths.stage_file(work, dossier.dossier_id, "pages")
    recorded = intake.get("source_sha256")
    digest = recorded if isinstance(recorded, str) and len(recorded) == 64 else content_digest(origin)
    files = [origin] if origin.is_file() else sorted(p for p in origin.rglob("*") if p.is_file())
    kind = "file" if origin.is_file() else "folder"
    media = (mimetypes.guess_type(origin.name)[0] or "application/octet-stream") if kind == "file" else "inode/directory"
    pages = tuple(int(p) for p in intake.get("origin_pages") or ())  # type: ignore[union-attr]
    return SourceInfo(sha256=digest, size=sum(f.stat().st_size for f in files), kind=kind, media_type=media,
                      pages=pages)


def scanner_provenance(rows: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """What intake kept of the scan's provenance (``pages.json``): make, model, software, dpi, capture date.

    The intake stage writes these keys per page when the scan carried them (TIFF/EXIF tags),
    flat (``scanner_make`` …) or under ``provenance``; absent keys are simply not reported.
    """
    found: dict[str, str] = {}
    aliases = {"make": ("scanner_make", "make"), "model": ("scanner_model", "model"),
               "software": ("scanner_software", "software"),
               "captured": ("capture_date", "captured", "datetime", "date_time")}
    for row in rows:
        sources = [row, row.get("provenance") if isinstance(row.get("provenance"), Mapping) else {}]
        for key, names in aliases.items():
            for source in sources:
                value = next((source[n] for n in names if source.get(n)), None)  # type: ignore[index,union-attr]
                if value and key not in found:
                    found[key] = " ".join(str(value).split())[:200]
    dpis = sorted({round(float(row["dpi"])) for row in rows if isinstance(row.get("dpi"), (int, float))})
    if dpis:
        found["dpi"] = "/".join(str(d) for d in dpis)
    return found


def capture_time(text: str | None) -> datetime | None:
    """A capture date from a scanner tag (``2025:03:01 10:00:00`` or ISO 8601); Vietnam time if naive."""
    if not text:
        return None
    for candidate in (text, text.replace(":", "-", 2)):
        try:
            moment = datetime.fromisoformat(candidate.strip())
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    return None


def signature_info(sign: Mapping[str, object]) -> SignatureInfo | None:
    """The signature as ``sign.json`` recorded it, for PREMIS ``signatureInformation``."""
    from archive import SignatureInfo

    if not sign.get("signature_value"):
        return None
    extras = [f"{label}: {sign[key]}" for key, label in (("timestamp_time", "signature timestamp"),
                                                         ("archive_timestamp_time", "archive timestamp"))
              if sign.get(key)]
    extras.append(f"e-copy stamp: {sign['copy_form']} (NĐ 30/2020 Phụ lục I), top right of page 1"
                  if sign.get("certified") else "no e-copy stamp: not certified (see the dossier's review reasons)")
    return SignatureInfo(signer=str(sign.get("signer", "")), time=datetime.fromisoformat(str(sign["signing_time"])),
                         level=str(sign.get("level", "")), method=str(sign.get("method", "")),
                         value=str(sign["signature_value"]), properties=tuple(extras))


def sign_record(result, *, profile: str, profile_level: str, note: str | None, agency: str,  # noqa: ANN001
                copy_form: str | None, below: list[dict]) -> dict:
    """``sign.json``: what the signing stage did (level, time, signer, signature, stamp, certification)."""
    return {"level": result.level, "profile": profile, "profile_level": profile_level, "note": note,
            "signing_time": result.signing_time.isoformat(), "signer": result.signer_subject, "agency": agency,
            "method": result.signature_method,
            "signature_value": base64.b64encode(result.signature_value).decode("ascii"),
            "timestamp_time": _iso(result.timestamp_time), "archive_timestamp_time": _iso(result.archive_timestamp_time),
            "certified": copy_form is not None, "copy_form": copy_form, "stamp_lines": list(result.stamp_lines),
            "margin_strip": result.margin_strip, "below_standard": below}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def events(work: Path, dossier_id: str, *, code: str, intake: Mapping[str, object], sign: Mapping[str, object],
           provenance: Mapping[str, str], extra_keys: Sequence[str]) -> list[PremisEvent]:
    """The PREMIS events of a dossier's stages, in order, linked to the objects they touched."""
    from archive import PremisEvent, document_path, other_path
    from archive.premis import SOURCE_OBJECT

    f = lambda name: paths.stage_file(work, dossier_id, name)  # noqa: E731
    pdf = document_path(code, 1)
    scanner = " ".join(v for v in (provenance.get("make"), provenance.get("model")) if v)
    times = _ordered([_mtime(f(paths.PAGES)), _mtime(f(paths.OCR)), _mtime(f(paths.FIELDS)),
                      _mtime(f(paths.PDFA)), datetime.fromisoformat(str(sign["signing_time"]))])
    ocr_outcomes = tuple(other_path(k) for k in extra_keys if k.startswith("ocr/"))
    found = [PremisEvent("separator sheet", times[0], "success",
                         f"Separator sheet at page {s['page']} of the scanned stack (code {s['code']}); "
                         "not part of the dossier", AGENT, sources=(SOURCE_OBJECT,))
             for s in intake.get("separator_pages", [])]  # type: ignore[union-attr]
    captured = capture_time(provenance.get("captured"))
    if captured is not None and captured <= times[0]:
        found.append(PremisEvent("capture", captured, "success", "Paper scanned" + _scan_facts(provenance),
                                 AGENT, hardware=scanner, outcomes=(SOURCE_OBJECT,)))
    found += [
        PremisEvent("transfer", times[0], "success", "Digitization: scanner output ingested" + _scan_facts(provenance),
                    AGENT, hardware=scanner, sources=(SOURCE_OBJECT,)),
        PremisEvent("OCR", times[1], "success", "Tesseract OCR, language vie: text and word boxes", AGENT,
                    sources=(SOURCE_OBJECT,), outcomes=ocr_outcomes),
        PremisEvent("metadata extraction", times[2], "success", "Form classified, fields and documents read",
                    AGENT, sources=ocr_outcomes, outcomes=tuple(other_path(k) for k in extra_keys if k.startswith("fields/"))),
        PremisEvent("creation", times[3], "success", "PDF/A-2b assembled: the scan as stored, invisible OCR text layer",
                    AGENT, sources=(SOURCE_OBJECT, *ocr_outcomes), outcomes=(pdf,)),
        PremisEvent("digital signature generation", times[4], "success", _signature_detail(sign), AGENT,
                    organization=str(sign.get("agency") or ""), sources=(pdf,), outcomes=(pdf,)),
        PremisEvent("information package creation", max(datetime.now(VN_TZ), times[4]), "success",
                    "AIP_hoso built (TT 05/2025, E-ARK CSIP 2.0.4)", AGENT,
                    outcomes=(pdf, *(other_path(k) for k in ("record.json", *extra_keys)))),
    ]
    return found


def _scan_facts(provenance: Mapping[str, str]) -> str:
    facts = [f"{provenance['dpi']} dpi" if provenance.get("dpi") else "",
             " ".join(v for v in (provenance.get("make"), provenance.get("model")) if v),
             f"software {provenance['software']}" if provenance.get("software") else "",
             f"captured {provenance['captured']}" if provenance.get("captured") else ""]
    facts = [f for f in facts if f]
    return f" ({', '.join(facts)})" if facts else ""


def _signature_detail(sign: Mapping[str, object]) -> str:
    """What the signature event says: level, signer, time, and the stamp or why there is none."""
    text = f"PAdES {sign.get('level')} signature by {sign.get('signer')} at {sign.get('signing_time')}"
    if sign.get("certified"):
        text += f"; e-copy stamp '{sign.get('copy_form')}' top right of page 1"
        if sign.get("margin_strip"):
            text += " (page 1 widened by a margin strip: no clear area on the scan)"
    else:
        text += "; no e-copy stamp: pages below the digitization standard are not certified"
    return text


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, VN_TZ)


def _ordered(times: list[datetime]) -> list[datetime]:
    """Whole seconds, and none after the next (the stages ran in this order)."""
    out = [t.astimezone(VN_TZ).replace(microsecond=0) for t in times]
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1])
    return out


def below_standard_pages(geometry) -> list[dict]:  # noqa: ANN001 - list[ocr.model.PageGeometry]
    """The PDF's pages that miss the digitization standard, with the rules they miss (blank backs excluded)."""
    return [{"source_page": g.source_page, "rules": list(g.below_standard)}
            for g in geometry if g.below_standard and not g.blank]


def page_rows(path: Path) -> list[dict]:
    """``pages.json`` as written by intake (raw rows: newer keys included)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
