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
from .sign import LIBERATION_SERIF, SignResult, StampText, sign_pdf
from .verify import SignatureReport, verify_pdf

__all__ = [
    "LIBERATION_SERIF",
    "DemoChain",
    "SignResult",
    "SignatureReport",
    "StampText",
    "ensure_demo_chain",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "read_secret",
    "sign_pdf",
    "verify_pdf",
]
