"""A clerk's decision on a flagged field, as a pure change of the export record.

A decision is one of ``correct`` (a new value), ``confirm`` (the value read is right) or ``absent``
(the field is not on the form). Each field records how it stands — ``status`` ``ocr`` |
``confirmed`` | ``corrected``, with ``reviewed_by`` and ``reviewed_at`` — and a dossier whose flags
are all resolved gets ``review_state: "checked"`` (đã kiểm tra). The field key ``code`` stands for
the dossier code: a generated temporary code (``SOHOA-TAM-…``) is replaced by the real one with
the same stamp (kept in ``code_review``).

A stale view is refused: a decision carries the revision of the field it was made on
(:func:`field_rev`), and a field that changed since is not overwritten.

Nothing here writes anything: :mod:`archive.corrections` turns a decision into a package version,
and :mod:`archive.catalog_codes` does so for the dossier code. Error messages never quote a value.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from archive.model import iso_vn
from sohoa.errors import ArchiveError, ExitCode

CODE_FIELD = "code"
"""The key that stands for the dossier code in the review queue, the API and the audit trail."""
ACTIONS = ("correct", "confirm", "absent")
REVIEW_STATES = ("pending", "checked")
"""A record's ``review_state``: fields or the code still wait for a person, or none does (đã kiểm tra)."""
MAX_VALUE = 1000
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What a dossier code may be (it becomes part of file names): the rule of ``DossierMetadata``."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ReviewConflict(ArchiveError):
    """The decision cannot be applied as asked: a stale view, a taken code (HTTP 409)."""

    exit_code = ExitCode.CONFIG
    reason = "review_conflict"
    message_vi = "Không lưu được: dữ liệu đã thay đổi."


class InvalidDecision(ArchiveError):
    """The decision itself is wrong: an unknown action, an invalid value or code (HTTP 422; exit 4)."""

    exit_code = ExitCode.CONFIG
    reason = "invalid_value"
    message_vi = "Giá trị không hợp lệ."


@dataclass(frozen=True)
class Decision:
    """One person's decision on one field.

    Attributes:
        field: The field key, or ``code`` for the dossier code.
        action: ``correct``, ``confirm`` or ``absent``.
        value: The new value (``correct`` only).
        rev: The field revision the decision was made on (:func:`field_rev`); None when the
            client did not say: then only a field nobody else has resolved may change.
        person: The account name of the person deciding.
    """

    field: str
    action: str
    value: str | None
    rev: str | None
    person: str


def field_rev(state: Mapping[str, object] | None) -> str:
    """A short revision of a field's state: it changes whenever the field's value or status does."""
    state = state or {}
    raw = json.dumps([state.get("value"), state.get("status") or "ocr", state.get("reviewed_by"),
                      state.get("reviewed_at")], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def code_state(record: Mapping[str, object]) -> dict[str, object]:
    """The dossier code as a reviewable field: its value, whether it awaits review, and its status."""
    done = record.get("code_review") if isinstance(record.get("code_review"), Mapping) else {}
    generated = bool(record.get("code_generated"))
    return {"value": record.get("code") or record.get("dossier_id"), "needs_review": generated and not done,
            **({"reason": "code_generated"} if generated and not done else {}), "status": "ocr", **done}


def review_state(record: Mapping[str, object]) -> str:
    """``checked`` (đã kiểm tra) when no field or code flag awaits a person, else ``pending``."""
    fields = record.get("fields") or {}
    waiting = any(isinstance(f, Mapping) and f.get("needs_review") for f in fields.values())
    return "pending" if waiting or code_state(record)["needs_review"] else "checked"


def decide(record: Mapping[str, object], decision: Decision, *, at: datetime) -> tuple[dict, object, object]:
    """The record after ``decision`` (a pure function), with the old and the new value.

    Raises:
        ReviewConflict: The field changed since the person saw it (reason ``stale_view``).
        ArchiveError: Unknown field or action, or an invalid value (reason ``invalid_value``).
    """
    if decision.action not in ACTIONS:
        raise InvalidDecision("the action must be correct, confirm or absent", reason="invalid_action",
                           message_vi="Thao tác phải là correct, confirm hoặc absent.")
    record = json.loads(json.dumps(record, ensure_ascii=False))
    fields = record.setdefault("fields", {})
    current = code_state(record) if decision.field == CODE_FIELD else fields.get(decision.field)
    if current is None:
        raise ArchiveError("the dossier has no such field", reason="unknown_field",
                           message_vi="Hồ sơ không có trường này.")
    _check_fresh(current, decision)
    old = current.get("value")
    new = _new_value(decision, old)
    status = "confirmed" if decision.action == "confirm" or new == old else "corrected"
    stamp = {"status": status, "reviewed_by": decision.person, "reviewed_at": iso_vn(at)}
    if decision.field == CODE_FIELD:
        _decide_code(record, old, new, stamp)
    else:
        fields[decision.field] = reviewed_field(current, new, stamp, absent=decision.action == "absent")
    for state in fields.values():
        if isinstance(state, dict):
            state.setdefault("status", "ocr")
    record["review_state"] = review_state(record)
    return record, old, new


def reviewed_field(current: Mapping[str, object], value: object, stamp: Mapping[str, str], *,
                   absent: bool) -> dict:
    """A field after a decision: the value, ``needs_review`` false, the status stamp; the value and
    reason the OCR gave are kept as ``ocr_value`` / ``ocr_reason``."""
    state = dict(current)
    if stamp["status"] == "corrected" and "ocr_value" not in state:
        state["ocr_value"] = current.get("value")
    reason = state.pop("reason", None)
    if reason and "ocr_reason" not in state:
        state["ocr_reason"] = reason
    state.pop("absent", None)
    state.update(value=value, needs_review=False, **stamp, **({"absent": True} if absent else {}))
    return state


def _decide_code(record: dict, old: object, new: object, stamp: Mapping[str, str]) -> None:
    """Record a decision on the dossier code (``code_review`` keeps the first code it replaced)."""
    previous = record.get("code_review") if isinstance(record.get("code_review"), Mapping) else {}
    review = {**stamp, **({"ocr_value": previous.get("ocr_value", old)} if new != old else {})}
    if "ocr_value" in previous:
        review["ocr_value"] = previous["ocr_value"]
    record["code"], record["code_review"] = new, review
    if new != old:
        record["code_generated"] = False
        record["review"] = [r for r in record.get("review") or [] if r != "code_generated"]


def _check_fresh(current: Mapping[str, object], decision: Decision) -> None:
    """Refuse a decision made on a view of the field that is no longer current."""
    if decision.rev is not None:
        if decision.rev != field_rev(current):
            raise _stale()
        return
    if current.get("status", "ocr") != "ocr" and current.get("reviewed_by") != decision.person:
        raise _stale()


def _stale() -> ReviewConflict:
    return ReviewConflict("the field changed since it was shown (someone else saved it first); reload it",
                          reason="stale_view",
                          message_vi="Trường này đã được người khác sửa sau khi bạn mở; "
                                     "hãy tải lại để xem giá trị mới.")


def _new_value(decision: Decision, old: object) -> object:
    """The value a decision leaves: the old one, the empty one, or the new one cleaned (NFC, spaces)."""
    if decision.action == "confirm":
        return old
    if decision.action == "absent":
        if decision.field == CODE_FIELD:
            raise InvalidDecision("a dossier code cannot be absent", reason="invalid_value",
                               message_vi="Mã hồ sơ không thể để trống.")
        return ""
    value = " ".join(unicodedata.normalize("NFC", str(decision.value or "")).split())
    if not value or len(value) > MAX_VALUE or _CONTROL.search(value):
        raise InvalidDecision(f"the new value must be 1-{MAX_VALUE} characters without control characters",
                           reason="invalid_value",
                           message_vi=f"Giá trị mới phải có từ 1 đến {MAX_VALUE} ký tự (nếu trường không có "
                                      "trên tờ khai, chọn \"không có trên tờ khai\").")
    if decision.field == CODE_FIELD and not CODE_RE.fullmatch(value):
        raise invalid_code()
    return value


def invalid_code() -> InvalidDecision:
    """The refusal of a text that cannot be a dossier code (the text is not quoted)."""
    return InvalidDecision("a dossier code is 1-100 letters, digits, '.', '_' or '-'", reason="invalid_value",
                        message_vi="Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang "
                                   "(tối đa 100 ký tự).")
