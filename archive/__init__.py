"""Archive stage: signed PDF/A + fields → E-ARK AIP_hoso (TT 05/2025), catalog, fixity, retention.

Public API (the pipeline calls exactly these):

- :func:`build_package` writes one package per dossier, atomically and idempotently;
- :func:`check_fixity` re-checks every file a package's METS files list;
- :class:`Catalog` indexes dossiers, keeps an append-only audit trail and lists what is due
  for disposal review (it never deletes);
- :func:`load_schedule` / :func:`retention_for` give a dossier's retention from
  ``configs/retention.yaml``.
"""

from __future__ import annotations

from archive.catalog import Catalog
from archive.fixity import check_fixity
from archive.model import DossierMetadata, PremisEvent
from archive.package import build_package, package_dir, package_id, package_versions
from archive.retention import RetentionInfo, RetentionRule, RetentionSchedule, load_schedule, retention_for

__all__ = [
    "Catalog",
    "DossierMetadata",
    "PremisEvent",
    "RetentionInfo",
    "RetentionRule",
    "RetentionSchedule",
    "build_package",
    "check_fixity",
    "load_schedule",
    "package_dir",
    "package_id",
    "package_versions",
    "retention_for",
]
