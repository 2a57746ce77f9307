"""PDF/A → signed PDF/A: PAdES signing with the NĐ 30/2020 e-copy stamp, and signature checks.

pyHanko is used only inside this package. Keys come from :mod:`signing.keys` (PKCS#12, PKCS#11, or a
throw-away demo chain), :func:`sign_pdf` signs, :func:`verify_pdf` checks.
"""

from __future__ import annotations

from .keys import (
    DemoChain,
    ensure_demo_chain,
    load_pkcs11_signer,
    load_pkcs12_signer,
    read_secret,
)
from .report import FileVerdict, render_json, render_vi, verify_files
from .session import cached_signer, close_signers
from .sign import LEVELS, LIBERATION_SERIF, Level, SignResult, StampText, sign_pdf
from .verify import SignatureReport, verify_pdf

__all__ = [
    "LEVELS",
    "LIBERATION_SERIF",
    "DemoChain",
    "FileVerdict",
    "Level",
    "SignResult",
    "SignatureReport",
    "StampText",
    "cached_signer",
    "close_signers",
    "ensure_demo_chain",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "read_secret",
    "render_json",
    "render_vi",
    "sign_pdf",
    "verify_files",
    "verify_pdf",
]
