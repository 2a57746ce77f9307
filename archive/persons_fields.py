"""Which fields of a record carry a citizen's CCCD number, and in what role (in Vietnamese).

The look-up by CCCD (:mod:`archive.persons`) and its catalog index (:mod:`archive.kpi_index`)
need to know which field values are CCCD numbers (số định danh cá nhân) and whose: the applicant's,
the bride's or the groom's, the head of household's, a household member's … The form templates
say it: a field of ``type: cccd`` (``configs/forms/*.yaml``), and its ``display`` label names the
holder ("Giấy tờ tùy thân (người yêu cầu)", "Thành viên 1: số định danh cá nhân"). The templates are
read here through :mod:`configs` (the archive sits below the fields stage and never imports it).
A field of a form type the shipped templates do not know counts when its key says so (``cccd``,
``cmnd``, ``dinh_danh`` in the key), so a site's own template that names its field that way is
indexed too.

CCCD numbers are personal data (NĐ 13/2023/NĐ-CP): nothing here logs or quotes one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from configs import CONFIG_DIR, load_model
from configs.form_schema import FormTemplate
from sohoa.errors import ConfigError

CCCD_DIGITS = 12
"""A CCCD / số định danh cá nhân has 12 digits (province, century and sex, birth year, serial)."""
_KEY = re.compile(r"(^|_)(so_)?(cccd|cmnd|dinh_danh)($|_)")
_SEPARATORS = re.compile(r"[\s.\-]")
_PAREN = re.compile(r"\(([^()]+)\)\s*$")
_MEMBER = re.compile(r"^thành viên\s*(\d+)", re.IGNORECASE)
_KEY_ROLES = (  # key prefix → role, for fields the templates do not describe
    (re.compile(r"^nyc_"), "người yêu cầu"), (re.compile(r"^chu_ho_"), "chủ hộ"),
    (re.compile(r"^nu_"), "bên nữ"), (re.compile(r"^nam_"), "bên nam"), (re.compile(r"^me_"), "mẹ"),
    (re.compile(r"^cha_"), "cha"), (re.compile(r"^tv(\d+)_"), "thành viên hộ {0}"),
)
DEFAULT_ROLE = "người có tên trong hồ sơ"
TEXT_ROLE = "ghi trong nội dung văn bản"
"""The role of a CCCD number read in the text of a result (a decision, certificate, trích lục …)."""


def normalise_cccd(value: object) -> str | None:
    """The 12 digits of a CCCD number as written in a field (spaces, dots, dashes dropped), or None."""
    if not isinstance(value, str):
        return None
    digits = _SEPARATORS.sub("", value)
    return digits if len(digits) == CCCD_DIGITS and digits.isdigit() and digits.isascii() else None


def require_cccd(text: str) -> str:
    """The 12 digits of a CCCD number a person typed.

    Raises:
        ConfigError: Not 12 digits (``invalid_cccd``); the text typed is never quoted.
    """
    digits = normalise_cccd(text.strip()) if isinstance(text, str) else None
    if digits is None:
        raise ConfigError("the CCCD number must be 12 digits (số định danh cá nhân)", reason="invalid_cccd",
                           message_vi="Số CCCD (số định danh cá nhân) phải gồm đúng 12 chữ số.")
    return digits


@functools.cache
def _templates() -> dict[str, dict[str, str]]:
    """Form type → {CCCD field key → its display label}, from the shipped templates (read once)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((CONFIG_DIR / "forms").glob("*.yaml")):
        template = load_model(path, FormTemplate)
        found[template.form_type] = {f.key: f.display or (f.labels[0] if f.labels else f.key)
                                     for f in template.fields if f.type == "cccd"}
    return found


def cccd_fields(form_type: object, keys: Mapping[str, object] | list[str]) -> dict[str, str]:
    """The keys among ``keys`` that hold a CCCD number in a dossier of ``form_type`` → the holder's role."""
    known = _templates().get(form_type) if isinstance(form_type, str) else None
    out = {}
    for key in keys:
        if known is not None and key in known:
            out[key] = role_from_label(known[key]) or role_from_key(key)
        elif _KEY.search(key):
            out[key] = role_from_key(key)
    return out


def role_from_label(label: str) -> str | None:
    """The holder named by a field's display label: "(người yêu cầu)" → "người yêu cầu"."""
    member = _MEMBER.match(label.strip())
    if member:
        return f"thành viên hộ {member.group(1)}"
    paren = _PAREN.search(label)
    return paren.group(1).strip() if paren else None


def role_from_key(key: str) -> str:
    """The holder a field key names by its prefix, else :data:`DEFAULT_ROLE`."""
    for pattern, role in _KEY_ROLES:
        match = pattern.match(key)
        if match:
            return role.format(*match.groups())
    return DEFAULT_ROLE


_TEXT_NUMBER = re.compile(r"(?<![\d])(\d{12})(?![\d])")


def numbers_in_text(text: str) -> list[str]:
    """12-digit runs in a page's text that may be CCCD numbers (a province code starts with 0), each once."""
    return list(dict.fromkeys(n for n in _TEXT_NUMBER.findall(text or "") if n.startswith("0")))
