"""Archive stage: signed PDF/A + fields → E-ARK AIP_hoso (TT 05/2025), catalog, fixity, retention.

Public API (the pipeline calls exactly these):

- :func:`build_package` writes one package per dossier, atomically and idempotently (a different
  scan under a used code is :class:`DuplicateCodeError`);
- :func:`derive_version` writes the next version of a package (corrections, timestamp renewal);
- :func:`check_fixity` re-checks every file a package's METS files list;
- :class:`Catalog` indexes dossiers, keeps an append-only audit trail and lists what is due
  for disposal review (it never deletes);
- :func:`load_schedule` / :func:`retention_for` give a dossier's retention from
  ``configs/retention.yaml``.
"""

from __future__ import annotations

from archive.catalog import Catalog
from archive.fixity import check_fixity
from archive.model import DocumentMetadata, DossierMetadata, PremisEvent, SignatureInfo, SourceInfo
from archive.package import (
    DuplicateCodeError,
    build_package,
    document_path,
    other_path,
    package_dir,
    package_id,
    package_versions,
    read_record,
)
from archive.retention import RetentionInfo, RetentionRule, RetentionSchedule, load_schedule, retention_for
from archive.versions import derive_version

__all__ = [
    "Catalog",
    "DocumentMetadata",
    "DossierMetadata",
    "DuplicateCodeError",
    "PremisEvent",
    "RetentionInfo",
    "RetentionRule",
    "RetentionSchedule",
    "SignatureInfo",
    "SourceInfo",
    "build_package",
    "check_fixity",
    "derive_version",
    "document_path",
    "load_schedule",
    "other_path",
    "package_dir",
    "package_id",
    "package_versions",
    "read_record",
    "retention_for",
]
