"""Where signing keys come from: a PKCS#12 file, a PKCS#11 token, or a throw-away demo chain.

Secrets (p12 passphrases, token PINs) are read from an environment variable or from a file only its
owner can read, never from the command line (where ``ps`` would show them). Error messages name
files and tokens, never secrets or certificate subjects.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers import SimpleSigner

from sohoa.errors import ConfigError, SigningError
from sohoa.files import atomic_write

from .secrets import taken_secret

if TYPE_CHECKING:
    from pkcs11 import Session
    from pyhanko.sign.signers import Signer

__all__ = [
    "DEMO_ROOT_NAME",
    "DemoChain",
    "ensure_demo_chain",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "read_secret",
]

DEMO_ROOT_NAME = "sohoa DEMO Root CA – NOT FOR PRODUCTION"
"""Common name of the demo trust anchor; it says what it is wherever it is displayed."""

_VALIDITY = timedelta(days=3652)
_ROOT_CERT = "demo-root.pem"
_SIGNER_CERT = "demo-signer.pem"
_SIGNER_P12 = "demo-signer.p12"
_PASSPHRASE = "demo-signer.pass"
_README = "README.txt"
_README_TEXT = """\
THROW-AWAY DEMO SIGNING CHAIN - NOT FOR PRODUCTION

sohoa generated these files so that the pipeline can be tried without a real certificate.
A signature made with them proves nothing: the root CA ("{root}") is not trusted by anyone
but this installation, and its private key was discarded after use.

  {root_file}    demo trust anchor (give it to `sohoa verify` as a trust root)
  {signer_cert}    the signer's certificate, subject "{subject}"
  {p12}    PKCS#12 with the signer's key, its certificate and the root
  {passfile}    the PKCS#12 passphrase (mode 0600)

For production, sign with the agency's certificate from a licensed Vietnamese CA (PKCS#11 token or
PKCS#12 file) and delete this folder.
"""


@dataclass(frozen=True)
class DemoChain:
    """Paths of a throw-away demo PKI made by :func:`ensure_demo_chain`."""

    root_cert: Path
    """PEM certificate of the demo trust anchor."""
    signer_p12: Path
    """PKCS#12 with the signer key, the signer certificate and the root certificate."""
    passphrase_file: Path
    """File (mode 0600) holding the PKCS#12 passphrase."""


def ensure_demo_chain(directory: Path, *, agency_name: str) -> DemoChain:
    """Create a demo root CA and signer in ``directory``, or reuse the ones already there.

    The chain is regenerated only when a file is missing or the signer was made for another agency.

    Args:
        directory: Folder for the chain; created with mode 0700.
        agency_name: Name of the copying agency; the signer's O and CN are this name + " (DEMO)".

    Returns:
        The paths of the chain.

    Raises:
        SigningError: The folder cannot be written.
    """
    chain = DemoChain(
        root_cert=directory / _ROOT_CERT,
        signer_p12=directory / _SIGNER_P12,
        passphrase_file=directory / _PASSPHRASE,
    )
    subject = f"{agency_name} (DEMO)"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        if not _demo_chain_matches(chain, directory / _SIGNER_CERT, subject):
            _write_demo_chain(chain, directory, subject)
    except OSError as exc:
        raise SigningError(f"Cannot write the demo signing chain in {directory}") from exc
    return chain


def _demo_chain_matches(chain: DemoChain, signer_cert: Path, subject: str) -> bool:
    """Tell whether a complete demo chain for ``subject`` is already on disk."""
    paths = (chain.root_cert, chain.signer_p12, chain.passphrase_file, signer_cert)
    if not all(p.is_file() for p in paths):
        return False
    try:
        cert = x509.load_pem_x509_certificate(signer_cert.read_bytes())
    except ValueError:
        return False
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return bool(names) and names[0].value == subject


def _write_demo_chain(chain: DemoChain, directory: Path, subject: str) -> None:
    """Generate the root and the signer and write every file of the chain."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(DEMO_ROOT_NAME, "sohoa DEMO")
    root = _root_certificate(root_key, root_name, now)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _signer_certificate(signer_key, _name(subject, subject), root_key, root, now)
    passphrase = secrets.token_urlsafe(24).encode("ascii")
    p12 = pkcs12.serialize_key_and_certificates(
        name=b"sohoa-demo-signer",
        key=signer_key,
        cert=signer,
        cas=[root],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )
    _write(chain.passphrase_file, passphrase + b"\n", 0o600)
    _write(chain.signer_p12, p12, 0o600)
    _write(directory / _SIGNER_CERT, signer.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(chain.root_cert, root.public_bytes(serialization.Encoding.PEM), 0o644)
    readme = _README_TEXT.format(
        root=DEMO_ROOT_NAME, root_file=_ROOT_CERT, signer_cert=_SIGNER_CERT,
        subject=subject, p12=_SIGNER_P12, passfile=_PASSPHRASE,
    )
    _write(directory / _README, readme.encode("utf-8"), 0o644)


def _name(common_name: str, organization: str) -> x509.Name:
    """Build a Vietnamese subject name."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _root_certificate(key: rsa.RSAPrivateKey, name: x509.Name, now: datetime) -> x509.Certificate:
    """Self-sign the demo trust anchor."""
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def _signer_certificate(
    key: rsa.RSAPrivateKey, name: x509.Name, issuer_key: rsa.RSAPrivateKey,
    issuer: x509.Certificate, now: datetime,
) -> x509.Certificate:
    """Issue the signer's certificate (digitalSignature + nonRepudiation) under the demo root."""
    issuer_ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    """Key usage of a CA (certificate signing) or of a document signer (non-repudiation)."""
    return x509.KeyUsage(
        digital_signature=True, content_commitment=not cert_sign, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
        crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` atomically; the temporary file is already 0600, so secrets never leak."""
    with atomic_write(path) as fh:
        os.fchmod(fh.fileno(), mode)  # type: ignore[attr-defined]
        fh.write(data)  # type: ignore[attr-defined]


def read_secret(*, env: str | None = None, file: Path | None = None) -> bytes | None:
    """Read a passphrase or PIN from an environment variable or an owner-only file.

    The environment variable wins when both are given and it is set. One trailing newline is
    removed from a file's content.

    Args:
        env: Name of the environment variable.
        file: File holding the secret; it must belong to the current user and have no group or
            world permissions (``chmod 600``).

    Returns:
        The secret, or None when neither source provides one.

    Raises:
        ConfigError: The file is missing, unreadable, not owned by the user, or group/world-accessible.
    """
    if env is not None and (value := os.environ.get(env)) is not None:
        return value.encode("utf-8")
    if env is not None and (taken := taken_secret(env)) is not None:
        return taken  # read from the environment at start, then taken out of it (signing.secrets)
    if file is None:
        return None
    try:
        info = file.stat()
    except OSError as exc:
        raise ConfigError(f"Secret file {file} cannot be read") from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"Secret file {file} is accessible by group or others; run: chmod 600 {file}",
            message_vi="Tệp chứa mật khẩu/PIN phải chỉ chủ sở hữu được đọc (chmod 600).",
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ConfigError(f"Secret file {file} does not belong to the user running sohoa")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Secret file {file} cannot be read") from exc
    return data.removesuffix(b"\n").removesuffix(b"\r")


def load_pkcs12_signer(p12: Path, *, passphrase: bytes | None) -> Signer:
    """Load a PKCS#12 file (key, certificate, chain) as a pyHanko signer.

    Args:
        p12: The ``.p12``/``.pfx`` file.
        passphrase: Its passphrase, or None when it is not encrypted.

    Returns:
        A pyHanko ``SimpleSigner``.

    Raises:
        SigningError: The file is missing, damaged, or the passphrase is wrong.
    """
    try:
        data = p12.read_bytes()
    except OSError as exc:
        raise SigningError(f"Cannot read the PKCS#12 file {p12}") from exc
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=passphrase)
    except (ValueError, TypeError) as exc:
        raise SigningError(
            f"Cannot open the PKCS#12 file {p12}: wrong passphrase or damaged file",
            message_vi="Không mở được tệp khóa ký số: sai mật khẩu hoặc tệp hỏng.",
        ) from exc
    if signer is None:
        raise SigningError(f"The PKCS#12 file {p12} holds no usable key")
    key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    if not isinstance(key, RSAPrivateKey):
        return signer
    return _ParsedKeySigner(signing_cert=signer.signing_cert, signing_key=signer.signing_key,
                            cert_registry=signer.cert_registry, parsed_key=key)


class _ParsedKeySigner(SimpleSigner):
    """pyHanko's ``SimpleSigner``, but the private key is parsed once, not twice per document.

    ``SimpleSigner.sign_raw`` parses the DER key on every call, and pyHanko calls it twice per
    signature (a dry run sizes the signature container). cryptography checks an RSA key's
    consistency when it loads it (tens of milliseconds for 2048 bits): a third of the CPU time
    of a B-B signature. The key was already held in memory (as ASN.1); it is now also kept
    parsed. Other key types and RSA-PSS take pyHanko's own path.
    """

    def __init__(self, *args: Any, parsed_key: RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parsed_key = parsed_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` (PKCS#1 v1.5 with the parsed key when that is the mechanism)."""
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:
            mechanism = None
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._parsed_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def load_pkcs11_signer(module: Path, *, token_label: str, key_label: str, pin: bytes) -> Signer:
    """Open a logged-in session on a PKCS#11 token and return a signer for one key.

    The certificate is looked up under the same label as the key; every certificate on the token
    is loaded as a possible chain member. The session stays open for as many signatures as the
    caller makes (one PIN entry per batch); close it with ``signer.pkcs11_session.close()``.

    Args:
        module: The token's PKCS#11 library (``.so``).
        token_label: Label of the token.
        key_label: Label of the private key and of its certificate.
        pin: The user PIN.

    Returns:
        A pyHanko ``PKCS11Signer`` with its key and certificates loaded.

    Raises:
        SigningError: Library missing, token not found, wrong or locked PIN, key or certificate absent.
    """
    session = _open_pkcs11_session(module, token_label=token_label, pin=pin)
    from pyhanko.sign.pkcs11 import PKCS11Signer

    signer = PKCS11Signer(session, key_label=key_label, cert_label=key_label, other_certs_to_pull=None)
    try:
        signer.signing_cert  # noqa: B018 - loads key and certificates now, to fail early
    except Exception as exc:
        session.close()
        raise SigningError(
            f"Key or certificate '{key_label}' not found on PKCS#11 token '{token_label}'"
        ) from exc
    return signer


def _open_pkcs11_session(module: Path, *, token_label: str, pin: bytes) -> Session:
    """Open a user session, mapping every failure to a SigningError that says what went wrong."""
    import pkcs11.exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    if not module.is_file():
        raise SigningError(f"PKCS#11 library {module} does not exist")
    try:
        return open_pkcs11_session(
            str(module), token_criteria=TokenCriteria(label=token_label),
            user_pin=pin.decode("utf-8"),
        )
    except p11_errors.PinIncorrect as exc:
        raise SigningError(
            f"Wrong PIN for PKCS#11 token '{token_label}'",
            message_vi="Sai mã PIN của thiết bị ký số.",
        ) from exc
    except p11_errors.PinLocked as exc:
        raise SigningError(
            f"The PIN of PKCS#11 token '{token_label}' is locked",
            message_vi="Mã PIN của thiết bị ký số đã bị khóa.",
        ) from exc
    except Exception as exc:
        raise SigningError(
            f"Cannot open PKCS#11 token '{token_label}' with {module.name} "
            f"(token absent or library unusable: {type(exc).__name__})",
            message_vi="Không tìm thấy hoặc không mở được thiết bị ký số.",
        ) from exc
