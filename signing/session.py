"""One open signer per key source and process, so a batch logs in to the token once.

Opening a PKCS#11 session means a PIN login; many tokens are slow at it and some lock after a
burst of logins. :func:`cached_signer` keeps the signer (and its logged-in session) for the life
of the process and hands it to every document. A session is never used in a process other than
the one that opened it (the PKCS#11 standard forbids sharing a session across ``fork``): a forked
child opens its own. A key read from a PKCS#12 file is plain memory: forked children reuse it. A session that stopped answering (token pulled out) is closed and reopened.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

__all__ = ["cached_signer", "close_signers"]

_SIGNERS: dict[Hashable, tuple[int, Signer]] = {}


def cached_signer(key: Hashable, open_signer: Callable[[], Signer]) -> Signer:
    """The signer opened earlier in this process under ``key``, or a new one from ``open_signer``.

    Args:
        key: Identifies the key source (e.g. module, token and key labels); never a secret.
        open_signer: Opens the signer; its errors (wrong PIN, missing token) propagate and
            nothing is cached.

    Returns:
        A signer whose session is open and answering.
    """
    held = _SIGNERS.get(key)
    if held is not None:
        pid, signer = held
        # A key read from a file is plain memory and serves a forked child as well; a token
        # session belongs to the process that opened it.
        if (pid == os.getpid() or _file_based(signer)) and _alive(signer):
            return signer
        if pid == os.getpid():
            _close(signer)
        del _SIGNERS[key]
    signer = open_signer()
    _SIGNERS[key] = (os.getpid(), signer)
    return signer


def close_signers() -> None:
    """Log out of every token session this process opened (also run at interpreter exit)."""
    for key, (pid, signer) in list(_SIGNERS.items()):
        if pid == os.getpid():
            _close(signer)
        del _SIGNERS[key]


def _file_based(signer: Signer) -> bool:
    return getattr(signer, "pkcs11_session", None) is None


def _alive(signer: Signer) -> bool:
    """A PKCS#11 session still answers a cheap query; other signers are always alive."""
    session = getattr(signer, "pkcs11_session", None)
    if session is None:
        return True
    from pkcs11 import Attribute, ObjectClass

    try:
        next(iter(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})), None)
    except Exception:  # noqa: BLE001 - whatever the token library raises, the session is unusable
        return False
    return True


def _close(signer: Signer) -> None:
    """Close a PKCS#11 session, ignoring a token that is already gone."""
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        try:
            session.close()
        except Exception:  # noqa: BLE001, S110 - the token may have been pulled out: nothing left to close
            pass


atexit.register(close_signers)
