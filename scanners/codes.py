"""Where a dossier's code (mã hồ sơ) comes from, and the generated code of a dossier that has none.

TT 13/2023/TT-BNV keeps the code of a TTHC dossier unchanged into the archive, and it must be
unique there. Sources are tried in the profile's order (separator sheet, receipt QR code, batch
manifest, file name); a later source that disagrees flags the dossier for review.

Generated codes (``SOHOA-TAM-XXXXXXXXXXXX``, *tạm* = provisional): the 12 hex digits are the start
of SHA-256 over the source file's content digest and the dossier's page range in it. So the same
dossier always gets the same code (re-running intake changes nothing), two different dossiers
get different codes (different bytes or different pages; a clash within 2^48 is checked for in
the batch and flagged), and no TTHC system issues codes with this prefix. A generated code is
always flagged for review (``code_generated``) so that a clerk replaces it with the real one.

What makes a code valid is defined once, here (:data:`VALID_CODE`): the archive makes it part of
file names and package ids, so intake refuses a dossier whose code it would refuse
(quarantine reason ``invalid_code``) before any OCR or signing, and ``sohoa separator`` prints no
sheet for such a code. ``archive.model`` checks the same rule (a test holds the two together).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import InputFileError
from sohoa.files import natural_sort_key, sha256_file

GENERATED_PREFIX = "SOHOA-TAM-"
VALID_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""A dossier code the archive takes: ASCII letters and digits, then also ``.``, ``_``, ``-``; at most 100."""


class InvalidCodeError(InputFileError):
    """The dossier's code is one the archive would refuse: quarantined at intake, before any OCR."""

    reason = "invalid_code"
    message_vi = ("Mã hồ sơ không hợp lệ (chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, tối đa 100 ký tự): "
                  "cần sửa mã trên tờ phân cách, tên tệp hoặc danh sách lô.")


def is_valid_code(code: str | None) -> bool:
    """Whether the archive takes ``code`` as a dossier code."""
    return bool(code) and VALID_CODE.fullmatch(code) is not None


def check_code(code: str | None) -> None:
    """Raise :class:`InvalidCodeError` unless the archive takes ``code`` (None: no code yet, generated later)."""
    if code is not None and not is_valid_code(code):
        raise InvalidCodeError("the dossier code has characters the archive does not take "
                               "(letters, digits, '.', '_', '-' only, at most 100)")


@dataclass(frozen=True)
class CodeChoice:
    """The code a dossier gets, where it came from, and why it needs a look."""

    code: str | None
    source: str | None
    flags: tuple[str, ...] = ()

    @property
    def generated(self) -> bool:
        return self.source == "generated"


def content_digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in natural order)."""
    if path.is_file():
        return sha256_file(path)
    digest = hashlib.sha256()
    files = sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: natural_sort_key(str(p.relative_to(path))))
    for file in files:
        digest.update(f"{file.relative_to(path)}\0{sha256_file(file)}\n".encode())
    return digest.hexdigest()


def generated_code(source_digest: str, first_page: int, last_page: int) -> str:
    """The provisional code of pages ``first_page``–``last_page`` of the source with ``source_digest``."""
    text = f"{source_digest}:{first_page}-{last_page}"
    return GENERATED_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:12].upper()


def code_from_name(name: str, pattern: str | None) -> str | None:
    """The code in a file or folder name, by the profile's pattern (group ``code``)."""
    if not pattern:
        return None
    match = re.search(pattern, name)
    return match.group("code") if match else None


def choose_code(candidates: Mapping[str, str | None], order: Sequence[str], *,
                valid_pattern: str | None, generate: Callable[[], str] | None) -> CodeChoice:
    """Pick a code from ``candidates`` (source → code or None) in ``order``.

    Args:
        candidates: what each source gave.
        order: the profile's source order.
        valid_pattern: a regex the whole code must match, or None.
        generate: makes the generated code to fall back on (called only when needed), or None to
            leave the dossier without a code.
    """
    found = [(source, candidates[source]) for source in order if candidates.get(source)]
    if not found:
        if generate is None:
            return CodeChoice(None, None, ("no_code",))
        return CodeChoice(generate(), "generated", ("code_generated",))
    source, code = found[0]
    flags: tuple[str, ...] = ()
    if any(other != code for _, other in found[1:]):
        flags += ("code_conflict",)
    if not is_valid_code(code):
        flags += ("invalid_code",)
    elif valid_pattern and not re.fullmatch(valid_pattern, code or ""):
        flags += ("code_pattern_mismatch",)
    return CodeChoice(code, source, flags)
