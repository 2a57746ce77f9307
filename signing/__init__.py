"""PDF/A → signed PDF/A: PAdES signing with the NĐ 30/2020 e-copy stamp, and signature checks.

pyHanko is used only inside this package. Keys come from :mod:`signing.keys` (PKCS#12, PKCS#11, or a
throw-away demo chain), :func:`sign_pdf` signs, :func:`verify_pdf` checks (now or as of a later
date), :func:`renew_archive_timestamp` keeps a B-LTA file verifiable as the years pass.
"""

from __future__ import annotations

from .keys import (
    DemoChain,
    ensure_demo_chain,
    load_pkcs11_signer,
    load_pkcs12_signer,
    read_secret,
)
from .renew import Freshness, archive_timestamp_freshness, renew_archive_timestamp
from .report import FileVerdict, parse_validation_time, render_json, render_vi, verify_files
from .session import cached_signer, close_signers
from .sign import LEVELS, LIBERATION_SERIF, Level, SignResult, StampText, sign_pdf, signature_facts
from .verify import SignatureReport, verify_pdf

__all__ = [
    "LEVELS",
    "LIBERATION_SERIF",
    "DemoChain",
    "FileVerdict",
    "Freshness",
    "Level",
    "SignResult",
    "SignatureReport",
    "StampText",
    "archive_timestamp_freshness",
    "cached_signer",
    "close_signers",
    "ensure_demo_chain",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "parse_validation_time",
    "read_secret",
    "render_json",
    "render_vi",
    "renew_archive_timestamp",
    "sign_pdf",
    "signature_facts",
    "verify_files",
    "verify_pdf",
]
