"""One token login per run: the main process holds the signer, forked task processes ask it to sign.

With ``--workers`` above 1 Luigi runs every task in a process forked from the run's main process,
and a PKCS#11 session must not cross a fork: without this module each document would log in to
the token again. :class:`SigningAgent` (in the main process) opens the signer once and serves a
Unix socket in a private directory (mode 0700, its path handed down in ``$SOHOA_SIGNING_AGENT``).
In a task process, :func:`agent_signer` returns a pyHanko signer that does everything locally
(PDF, CMS, timestamps, revocation data) except the one private-key operation, which it sends to
the agent: the bytes to sign go in, the signature value comes back. The key never leaves the
token, PDF work stays parallel, and only the token operations are serialised, as the token
serialises them anyway. Without the variable, callers sign directly (:func:`agent_signer` is None).

Wire format: frames of a 4-byte big-endian length and a UTF-8 JSON object; binary fields base64.
Only processes of the same user may connect (the directory's mode, and SO_PEERCRED checked).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import shutil
import socket
import struct
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from asn1crypto import algos, x509
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.errors import SigningError

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["AGENT_ENV", "RemoteSigner", "SigningAgent", "agent_signer"]

AGENT_ENV = "SOHOA_SIGNING_AGENT"
"""Environment variable holding the agent's socket path, inherited by forked task processes."""

_MAX_FRAME = 1 << 20
_TIMEOUT_S = 120
_ESTIMATED_SIGNATURE_BYTES = 512
"""Room reserved for a signature value on the size-estimating dry run (RSA-4096 fits)."""

log = logging.getLogger("sohoa.signing.agent")


class SigningAgent:
    """Hold one open signer in this process and sign for the processes it forks.

    Use as a context manager around the work that forks: on entry the signer is opened (one
    token login; a wrong PIN fails here, before any task runs), the socket is served and
    ``$SOHOA_SIGNING_AGENT`` is set; on exit the socket and its directory are removed, the
    variable restored and the token session closed.

    Args:
        open_signer: Opens the signer (e.g. :func:`signing.keys.load_pkcs11_signer`).
    """

    def __init__(self, open_signer: Callable[[], Signer]) -> None:
        self._open_signer = open_signer
        self._signer: Signer | None = None
        self._lock = threading.Lock()
        self._dir: Path | None = None
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._previous_env: str | None = None
        self.signatures = 0
        """Signature values made so far (dry runs excluded)."""

    @property
    def socket_path(self) -> Path:
        """Path of the listening socket (inside a private 0700 directory)."""
        if self._dir is None:
            raise SigningError("The signing agent is not running")
        return self._dir / "agent.sock"

    def __enter__(self) -> Self:
        self._signer = self._open_signer()
        try:
            self._dir = Path(tempfile.mkdtemp(prefix="sohoa-signing-"))  # created 0700
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(str(self.socket_path))
            os.chmod(self.socket_path, 0o600)
            server.listen(16)
            self._server = server
        except OSError as exc:
            self._cleanup()
            raise SigningError(f"Cannot start the signing agent ({type(exc).__name__})") from exc
        self._thread = threading.Thread(target=self._serve, name="sohoa-signing-agent", daemon=True)
        self._thread.start()
        self._previous_env = os.environ.get(AGENT_ENV)
        os.environ[AGENT_ENV] = str(self.socket_path)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._previous_env is None:
            os.environ.pop(AGENT_ENV, None)
        else:
            os.environ[AGENT_ENV] = self._previous_env
        self._cleanup()

    def _cleanup(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            try:
                server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (close alone does not)
            except OSError:
                pass
            server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        session = getattr(self._signer, "pkcs11_session", None)
        if session is not None:
            try:
                session.close()
            except Exception:  # a token already gone has nothing left to close
                log.debug("closing the token session failed", exc_info=True)
        self._signer = None

    def _serve(self) -> None:
        """Accept connections until the socket is closed; one short-lived thread per connection."""
        server = self._server
        while server is not None and self._server is not None:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), name="sohoa-signing-client", daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(_TIMEOUT_S)
            if not _same_user(conn):
                log.warning("signing agent: refused a connection from another user")
                return
            try:
                while (request := _receive(conn)) is not None:
                    _send(conn, self._answer(request))
            except (OSError, ValueError):
                log.debug("signing agent: a client went away", exc_info=True)

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        signer = self._signer
        if signer is None:
            return {"ok": False, "error": "AgentStopped"}
        if request.get("op") == "hello":
            return _hello(signer)
        if request.get("op") != "sign":
            return {"ok": False, "error": "UnknownRequest"}
        try:
            data = base64.b64decode(request["data"])
            with self._lock:  # one token operation at a time
                value = asyncio.run(signer.async_sign_raw(data, str(request["digest"])))
                self.signatures += 1
        except Exception as exc:  # noqa: BLE001 - reported to the client by type name, never crashes the agent
            log.warning("signing agent: the signer failed (%s)", type(exc).__name__)
            return {"ok": False, "error": type(exc).__name__}
        return {"ok": True, "signature": base64.b64encode(value).decode("ascii")}


class RemoteSigner(Signer):
    """A pyHanko signer whose private-key operation is done by a :class:`SigningAgent`."""

    def __init__(self, socket_path: Path, *, signing_cert: x509.Certificate, chain: list[x509.Certificate],
                 mechanism: algos.SignedDigestAlgorithm | None) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple(chain)
        super().__init__(signing_cert=signing_cert, cert_registry=registry, signature_mechanism=mechanism)
        self.socket_path = socket_path

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        """Ask the agent for the signature value (a placeholder of safe size on a dry run)."""
        if dry_run:
            return b"0" * _ESTIMATED_SIGNATURE_BYTES
        answer = _ask(self.socket_path, {"op": "sign", "digest": digest_algorithm,
                                         "data": base64.b64encode(data).decode("ascii")})
        return base64.b64decode(answer["signature"])


def agent_signer() -> RemoteSigner | None:
    """The signer served by the run's agent, or None when no agent is set (sign directly then).

    Raises:
        SigningError: An agent is set but does not answer (``reason`` ``token_failed``).
    """
    path = os.environ.get(AGENT_ENV)
    if not path:
        return None
    hello = _ask(Path(path), {"op": "hello"})
    certs = [x509.Certificate.load(base64.b64decode(c)) for c in hello["chain"]]
    mechanism = hello.get("mechanism")
    return RemoteSigner(Path(path), signing_cert=x509.Certificate.load(base64.b64decode(hello["cert"])),
                        chain=certs,
                        mechanism=algos.SignedDigestAlgorithm.load(base64.b64decode(mechanism)) if mechanism else None)


def _hello(signer: Signer) -> dict[str, Any]:
    """The public part of the signer: its certificate, the other certificates, its mechanism."""
    cert = signer.signing_cert
    if cert is None:
        return {"ok": False, "error": "NoCertificate"}
    chain = [c for c in signer.cert_registry if c.dump() != cert.dump()]
    mechanism = signer.signature_mechanism
    return {"ok": True, "cert": base64.b64encode(cert.dump()).decode("ascii"),
            "chain": [base64.b64encode(c.dump()).decode("ascii") for c in chain],
            "mechanism": base64.b64encode(mechanism.dump()).decode("ascii") if mechanism is not None else None}


def _ask(path: Path, request: dict[str, Any]) -> dict[str, Any]:
    """One request to the agent, on a connection of its own (safe in any forked process)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(_TIMEOUT_S)
            conn.connect(str(path))
            _send(conn, request)
            answer = _receive(conn)
    except (OSError, ValueError) as exc:
        raise SigningError(f"The signing agent of this run does not answer ({type(exc).__name__})",
                           reason="token_failed",
                           message_vi="Tiến trình ký số của lượt chạy không phản hồi.") from exc
    if answer is None or not answer.get("ok"):
        error = (answer or {}).get("error", "NoAnswer")
        raise SigningError(f"The signing agent could not sign ({error})", reason="token_failed",
                           message_vi="Thiết bị ký số bị lỗi hoặc đã bị rút ra trong khi ký.")
    return answer


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    payload = json.dumps(message).encode("utf-8")
    conn.sendall(struct.pack(">I", len(payload)) + payload)


def _receive(conn: socket.socket) -> dict[str, Any] | None:
    """The next frame, or None when the peer closed the connection cleanly."""
    header = _read_exactly(conn, 4)
    if header is None:
        return None
    (size,) = struct.unpack(">I", header)
    if size > _MAX_FRAME:
        raise ValueError("frame too large")
    payload = _read_exactly(conn, size)
    if payload is None:
        raise ValueError("truncated frame")
    message = json.loads(payload)
    if not isinstance(message, dict):
        raise ValueError("frame is not a JSON object")  # noqa: TRY004 - a protocol error, like the others
    return message


def _read_exactly(conn: socket.socket, size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        chunk = conn.recv(missing)
        if not chunk:
            if missing == size:
                return None
            raise ValueError("connection closed mid-frame")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _same_user(conn: socket.socket) -> bool:
    """The peer runs as this process's user (Linux SO_PEERCRED; elsewhere the 0700 directory only)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()
