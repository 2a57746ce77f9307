"""Replacing a dossier's code: a temporary ``SOHOA-TAM-…`` (or a wrong one) by the real mã hồ sơ.

``sohoa code set --archive DIR OLD NEW`` resolves ``OLD`` (a code or the internal id), checks that
``NEW`` is a valid code no other dossier has, and changes it in the catalog (the stored record gets
``code: NEW`` and ``code_generated: false``, the search index the new code) with a ``code change``
audit event that is also journaled, so a rebuilt catalog keeps it. The export record under
``records/`` is rewritten to match (``sohoa export`` and ``sohoa fixity`` read it).

The package itself (EAD ``arcFileCode``, the PDF's file name) changes only through a new package
version (contract C7, ``archive.versions.derive_version``): see :data:`PACKAGE_SIDE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.audit import AGENT
from archive.disposal import rewrite_export_record
from archive.catalog_health import open_checked
from archive.model import PremisEvent, now_vn
from sohoa.errors import ConfigError

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What a dossier code may be (it becomes part of file names): the rule of ``DossierMetadata``."""
PACKAGE_SIDE = "archive.versions.derive_version"
"""The call that writes the package side of a code change; wired when contract C7 lands (see below)."""


@dataclass(frozen=True)
class CodeChange:
    """What :func:`change_code` did."""

    dossier_id: str
    old: str
    new: str
    package_updated: bool
    """False while the package still carries the old code (until a new package version is written)."""


def change_code(archive_root: Path, old: str, new: str, *, operator: str, reason: str,
                catalog_url: str | None = None) -> CodeChange:
    """Give the dossier known as ``old`` the code ``new``.

    Raises:
        ConfigError: ``new`` is not a valid code, or no reason was given.
        sohoa.errors.ArchiveError: ``old`` is unknown (``not_in_catalog``), or ``new`` is another dossier's
            (``duplicate_code``); nothing changes then.
    """
    new = new.strip()
    if not CODE_RE.fullmatch(new):
        raise ConfigError("the new dossier code must be 1-100 letters, digits, '.', '_' or '-'",
                          message_vi="Mã hồ sơ mới không hợp lệ (chỉ gồm chữ, số, '.', '_', '-'; tối đa 100 ký tự).")
    if not reason.strip():
        raise ConfigError("a reason is required to change a dossier code (--reason)",
                          message_vi="Cần ghi lý do đổi mã hồ sơ (--reason).")
    with open_checked(archive_root, catalog_url) as catalog:
        dossier_id = catalog.resolve(old)
        event = PremisEvent("code change", now_vn(), "success",
                            f"dossier code changed from {old.strip()} to {new} by {operator}: {reason}", AGENT)
        previous = catalog.set_code(dossier_id, new, event=event)
        row = catalog.dossier(dossier_id) or {}
    rewrite_export_record(archive_root, dossier_id, row.get("record") or {})
    # MERGE (contract C7): the package side is one call, wired by the lead once
    # archive.versions exists on main (it is not on this branch):
    #     derive_version(archive_root, archive_root / row["package"],
    #                    meta=<the package's DossierMetadata with dossier_code=new>,
    #                    events=[event])
    # then catalog.upsert_dossier({**row["record"], "package": <new version>, "pdf": <its PDF>})
    # registers the version, and CodeChange.package_updated becomes True.
    return CodeChange(dossier_id, previous, new, package_updated=False)

