"""Pure checks of field values: each returns ``(ok, reason, normalised)``.

``reason`` is a stable key (``invalid_date``, ``cccd_province`` …) and never contains the value, so it
may go to logs and reports. ``normalised`` is the value in its canonical form when it could be parsed
(``dd/mm/yyyy`` dates, bare digits for CCCD and phone numbers), else the input collapsed.
"""

from __future__ import annotations

import re
import unicodedata

from fields.dates import LOOKALIKES, format_date, parse_date
from fields.provinces import cccd_province_codes, find_province
from fields.syllables import mend_syllables
from fields.text import collapse, edits, fold, one_off
from ocr.syllables import is_syllable

Check = tuple[bool, str | None, str]

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")
_MIN_YEAR, _MAX_YEAR = 1900, 2100



def check_date(text: str) -> Check:
    """A real calendar date, written ``dd/mm/yyyy`` (also ``d-m-yyyy``, ``dd.mm.yyyy``, ``ddmmyyyy``)
    or ``ngày … tháng … năm …``, read through OCR look-alikes (``O5/O3/2O24``: see ``fields.dates``).

    Args:
        text: For example ``"05/03/2020"`` or ``"ngày 5 tháng 3 năm 2020"``.

    Returns:
        ``(True, None, "05/03/2020")``; ``(False, "invalid_date", text)`` when it is not a date
        between 1900 and 2100.
    """
    value = collapse(text)
    parsed = parse_date(value, whole=True)
    if parsed is None:
        return False, "invalid_date", value
    return True, None, format_date(parsed[0])


def parse_sex(text: str) -> str | None:
    """``"M"`` for Nam, ``"F"`` for Nữ (diacritics and case ignored), else None."""
    folded = fold(text)
    return {"nam": "M", "nu": "F", "male": "M", "female": "F"}.get(folded)


def _century_digit(year: int, sex: str | None) -> set[str]:
    base = (year // 100 - 19) * 2
    if sex == "M":
        return {str(base)}
    if sex == "F":
        return {str(base + 1)}
    return {str(base), str(base + 1)}


def _cccd_cross_check(digits: str, birth_date: str | None, sex: str | None) -> str | None:
    if digits[3] not in "0123456789":
        return "cccd_century"
    if birth_date is None:
        return None if sex is None or int(digits[3]) % 2 == (sex == "F") else "cccd_sex"
    ok, _, normal = check_date(birth_date)
    if not ok:
        year_match = re.search(r"\b(\d{4})\b", birth_date)
        if year_match is None:
            return None
        year = int(year_match.group(1))
    else:
        year = int(normal[-4:])
    if not _MIN_YEAR <= year < _MAX_YEAR + 100:
        return None
    if digits[3] not in _century_digit(year, None):
        return "cccd_century"
    if digits[3] not in _century_digit(year, sex):
        return "cccd_sex"
    if digits[4:6] != f"{year % 100:02d}":
        return "cccd_birth_year"
    return None


def check_cccd(text: str, *, birth_date: str | None = None, sex: str | None = None,
               allow_cmnd: bool = False) -> Check:
    """A 12-digit CCCD / số định danh cá nhân, cross-checked with the holder's birth date and sex.

    Args:
        text: The number; spaces, dots and dashes between digits are ignored.
        birth_date: The holder's birth date (``dd/mm/yyyy``, or a year) from the same form, if known.
        sex: ``"Nam"``/``"Nữ"`` (or ``"M"``/``"F"``) from the same form, if known.
        allow_cmnd: Also accept an old 9-digit CMND number.

    Returns:
        ``(ok, reason, digits)``; reasons: ``cccd_not_digits``, ``cccd_length``, ``cccd_province``,
        ``cccd_century``, ``cccd_sex``, ``cccd_birth_year``.
    """
    value = collapse(text)
    digits = re.sub(r"[\s.\-]", "", value)
    if not digits.isdigit():
        return False, "cccd_not_digits", value
    if allow_cmnd and len(digits) == 9:
        return True, None, digits
    if len(digits) != 12:
        return False, "cccd_length", digits
    if digits[:3] not in cccd_province_codes():
        return False, "cccd_province", digits
    sex_code = sex if sex in ("M", "F") else (parse_sex(sex) if sex else None)
    reason = _cccd_cross_check(digits, birth_date, sex_code)
    return reason is None, reason, digits


def check_name(text: str) -> Check:
    """A Vietnamese full name: at least two words of letters (diacritics kept, NFC).

    Args:
        text: For example ``"Nguyễn Thị Minh Khai"``.

    Returns:
        ``(ok, reason, name)``; reason ``invalid_name`` when it holds digits or symbols or is one word,
        ``name_case`` when its words mix cases (``Vũ Thành IKhoa``: a typical OCR error).
    """
    value = collapse(text)
    if not _NAME_CHARS.match(value) or len(value.split()) < 2:
        return False, "invalid_name", value
    words = _case_slips(value.split())
    value = " ".join(words)
    if not (all(w.isupper() for w in words) or all(_title_word(w) for w in words)):
        return False, "name_case", _lost_l(value)
    return True, None, value


def _lost_l(name: str) -> str:
    """``Bùi Thùy I inh`` → ``Bùi Thùy Linh``: a capital L read as ``I`` (or ``l``) and a space, when
    the word it makes is a listed name syllable; the name still goes to a clerk (its case was broken)."""
    from fields.names import is_name_word

    words = name.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("I", "l") and i + 1 < len(words) and words[i + 1][:1].islower() \
                and is_name_word("L" + words[i + 1]):
            out.append("L" + words[i + 1])
            i += 2
            continue
        out.append(word)
        i += 1
    return " ".join(out)


def _case_slips(words: list[str]) -> list[str]:
    """A name's words in the case of the rest of the name where OCR slipped on one's capitals
    (``Ngô ĐỨC Khoa``, ``Lê Thị HồNG``, ``LÊ HOÀNG Thanh``): a Vietnamese name is written all in title
    case or all in capitals. Only a minority of words is recased, and only into a listed name syllable
    (``Vũ Thành IKhoa`` stays: ``Ikhoa`` is no name, a letter was misread)."""
    from fields.names import is_name_word

    if any(not w[:1].isupper() for w in words):
        return words  # ``Phan Hồng an``: a small first letter is a capital lost with its letter (Lan)
    title = sum(_title_word(w) for w in words)
    upper = sum(w.isupper() and len(w) > 1 for w in words)
    if title > len(words) / 2:
        out = [_title_case(w) for w in words]
    elif upper > len(words) / 2:
        out = [w.upper() for w in words]
    else:
        return words
    return out if all(o == w or is_name_word(o) for o, w in zip(out, words, strict=True)) else words


def _title_case(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def split_glued_name(text: str) -> str:
    """Put back the spaces OCR dropped in a title-case name: ``PhanLêThanhHương`` → ``Phan Lê Thanh Hương``.

    A capital right after a small letter starts a new syllable in a Vietnamese name; names in capitals
    are left alone, and so is a word that is one name syllable in small letters (``UyÊn``: Uyên with a
    capital slipped in, not ``Uy Ên``).
    """
    from fields.names import is_name_word

    out = []
    for word in text.split(" "):
        whole = word[:1] + word[1:].lower()
        if is_name_word(whole):
            out.append(word)
            continue
        out.append("".join(" " + c if c.isupper() and prev.islower() else c
                           for prev, c in zip(" " + word, word, strict=False)))
    return collapse(" ".join(out))


def _title_word(word: str) -> bool:
    """``Nguyễn`` or ``Hồ-Văn``: each part upper-case first letter, the rest lower-case."""
    return all(p[:1].isupper() and (p[1:].islower() or not p[1:]) for p in re.split(r"[-']", word) if p)


_VI_BASE = set("abcdđeghiklmnopqrstuvxy")
_VOWELS = "aeiouy"
_VI_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
_PUNCTUATION = set(" ,./-–()':;&+")


def check_letters(text: str) -> Check:
    """Only Vietnamese letters, digits and common punctuation: OCR noise (``ˆ``, ``§``, ``Ñ``) and the
    letters f, j, w, z (rare in Vietnamese text, frequent misreadings: ``Số Z`` for ``Số 7``) fail.

    Args:
        text: A name, address or other free text (not an e-mail address).

    Returns:
        ``(ok, reason, text)``; reason ``invalid_chars``.
    """
    value = collapse(text)
    base = ""
    for char in unicodedata.normalize("NFD", value).lower():
        if char in _VI_MARKS:
            if not base or base not in _VOWELS:  # marks sit on vowels only: Ñ is not a Vietnamese letter
                return False, "invalid_chars", value
            continue
        if not (char in _VI_BASE or char.isdigit() or char in _PUNCTUATION):
            return False, "invalid_chars", value
        base = char
    return True, None, value


_LETTER = r"[^\W\d_]"
_DOT_IN_WORDS = re.compile(rf"(?<={_LETTER})\.(?=\w)|(?<=\d)\.(?={_LETTER})")
"""``Phường.An``, ``Số 66.đường``: a speck or a lost space read as a dot."""
_GLUED_COLON = re.compile(rf"(?<={_LETTER}):(?=[^\W_])")
"""``hiện tại:Số 196``: the space after a colon lost."""
_HALF_SPACED_DASH = re.compile(r"(?<=\w)- (?=\w)|(?<=\w) -(?=\w)")
_GLUED_HYPHEN = re.compile(rf"{_LETTER}-{_LETTER}")
_GLUED_HYPHEN_AT = re.compile(rf"(?<={_LETTER})-(?={_LETTER})")
_NUMBER_DASH = re.compile(r"(?<=\d)-(?=(?:đường|ngõ|ngách|hẻm|kiệt|phố)\b)", re.I)
"""``Số 131-đường``: a space read as a dash between a house number and the street's word."""
def _caps_slip(word: str) -> str:
    """``HUế``, ``NGhĩa``, ``PHường``: a word of two capitals or more then small letters is a capital
    slipped (Vietnamese words change case only after their first letter when all in capitals)."""
    core = word.rstrip(",.;:")
    if len(core) > 2 and core.isalpha() and core[:2].isupper() and core[-1].islower() and not core.isupper():
        return core[0] + core[1:].lower() + word[len(core):]
    return word


_HOUSE_FIGURES = re.compile(r"\b((?i:số|ngõ|ngách|hẻm|kiệt)\s+)(\d+[ilIoO|]\d*|[ilIoO|]\d+)(?=[\s,/]|$)")
"""``ngõ 4i``, ``Số l24``: a house number with a letter that looks like a figure (a house's own letter is
a capital A, B, C … after its figures, never i, l, o)."""
_GLUED_NUMBER = re.compile(r"\b((?i:số|ngõ|ngách|hẻm|kiệt))['‘’`.]?(?=\d)")
"""``ngõ39``, ``ngõ'73``: a house-number keyword glued to its figures, or a speck between them."""
_GLUED_UNIT = re.compile(r"\b(Thành|thành|Thị|thị)(phố|xã|trấn)\b")
"""``Thànhphố Đà Nẵng``: the space inside a unit's type lost."""
_KEYWORD_COLON = re.compile(r"\b(ngõ|ngách|hẻm|kiệt|đường|phố|Số|số)\s*:\s*(?=\d)")
"""``ngõ: 118``: a speck read as a colon after a street's keyword (none is followed by one)."""
_STRAY_DOT = re.compile(r"(?<=\w)\.(\s+(\w))")
"""``Số 128. đường``, ``Kinh. doanh``: a speck read as a full stop after a number or a word; no sentence
goes on in small letters."""
_STRAY_COMMA = re.compile(r"\b(Thành|Số),\s*(?=phố\b|\d)")
"""``Thành, phố`` and ``Số, 100``: a speck read as a comma inside a fixed phrase."""


def tidy_punctuation(text: str) -> Check:
    """Put back the spaces OCR loses around punctuation, and flag words glued by a hyphen.

    ``Số.128`` → ``Số 128``, ``Phường.An`` → ``Phường An``, ``chính- Kế`` → ``chính - Kế``,
    ``Thành, phố`` → ``Thành phố``, ``Xuân,, Thành`` → ``Xuân, Thành``; a word with a mark no Vietnamese letter has, or the wrong vowel of
    a family, that one change makes a syllable is put right (``Ñgô`` → ``Ngô``: ``fields.syllables``). A hyphen between two words (``Hồ Chí-Minh``) is usually a misread
    space, but may be printed: it becomes a space and the value goes to review.

    Args:
        text: Free text or an address (not an e-mail address or an amount).

    Returns:
        ``(ok, reason, text)``; reason ``glued_words``.
    """
    value = _lone_quote(mend_syllables(collapse(text)).replace("\u2044", "/"))  # ``21⁄14``: a fraction slash
    value = _NUMBER_DASH.sub(" ", _GLUED_COLON.sub(": ", value))
    value = _HALF_SPACED_DASH.sub(" - ", _DOT_IN_WORDS.sub(" ", value))
    value = _GLUED_UNIT.sub(r"\1 \2", _STRAY_COMMA.sub(lambda m: m.group(1) + " ", collapse(value)))
    value = re.sub(r"\s+,", ",", _KEYWORD_COLON.sub(r"\1 ", value))  # ``Đội Cấn , Phường``: no space before a comma
    value = re.sub(r",(?:\s*,)+", ",", value)  # ``Phú Xuân,, Thành phố``: a speck read as a second comma
    value = _STRAY_DOT.sub(lambda m: m.group(1) if m.group(2).islower() else m.group(0), value)
    value = _TYPE_HYPHEN.sub(r"\1 ", value)  # ``Thành phố-Hồ Chí Minh``: no hyphen follows a unit's type
    value = _unit_type_spelt(_TYPE_MARK.sub(r"\1 ", value))
    value = _GLUED_NUMBER.sub(r"\1 ", value).lstrip("-–—_.,;:'‘’ ")  # ``-Số 39``: a speck before the first word
    if _GLUED_HYPHEN.search(value):
        # most likely a misread space: the space is put back, and a clerk confirms
        return False, "glued_words", collapse(_GLUED_HYPHEN_AT.sub(" ", value))
    split = split_glued_words(value)
    if split != value:
        return False, "glued_words", split  # the space put back where one way only makes two words
    value = " ".join(_caps_slip(w) for w in value.split(" "))
    figures = _HOUSE_FIGURES.sub(lambda m: m.group(1) + "".join(LOOKALIKES.get(c, c) for c in m.group(2)), value)
    if figures != value:
        return False, "ocr_digits_guessed", figures  # ``ngõ 4i``: a letter read for a figure, for a clerk
    return True, None, value


_TYPE_HYPHEN = re.compile(r"\b((?i:phố|phường|quận|huyện|tỉnh|xã|trấn))-(?=[^\W_])")
_TYPE_MARK = re.compile(r"\b((?i:phố|phường|quận|huyện|tỉnh|xã|trấn))(?: ?: | - )(?=[^\W\d_])")
"""``phường: Ngọc Hà``, ``Tỉnh - Thừa Thiên Huế``: a colon or a spaced dash after a unit's type is a speck."""
_UNIT_TYPES = {"tinh": "tỉnh", "phuong": "phường", "huyen": "huyện"}
"""Unit types read with a mark lost or a capital slipped (``Tinh``, ``PhƯỜng``), by their folded letters."""


def _unit_type_spelt(text: str) -> str:
    """A unit's type that begins a part of an address (after a comma, or first) and is followed by a
    name is written as the type (``, Tinh Nghệ An`` → ``, Tỉnh Nghệ An``; ``PhƯỜng 15`` → ``Phường
    15``): no other word folds to these letters there. Inside a name (``Nghệ Tĩnh``, ``phường Quan
    Hoa``) a word is left alone; ``Quan`` is no type here (``Quan Hoa`` names a ward)."""
    parts = text.split(", ")
    for i, part in enumerate(parts):
        head, _, rest = part.partition(" ")
        right = _UNIT_TYPES.get(fold(head))
        if right and (rest[:1].isupper() or rest[:1].isdigit()) and head not in (right, right.capitalize()):
            parts[i] = f"{right.capitalize() if head[:1].isupper() else right} {rest}"
    return ", ".join(parts)


_QUOTES = "\"“”„«»"


def _lone_quote(text: str) -> str:
    """A quotation mark with no partner glued to the start of a word (``, “Quận Bình Thạnh``,
    ``"Phường Kim Mã``): a speck, dropped; paired quotes (a business's name) stay."""
    if sum(text.count(q) for q in _QUOTES) != 1:
        return text
    return re.sub(rf"(^|\s)[{_QUOTES}](?=[^\W\d_])", r"\1", text)


def split_glued_words(text: str) -> str:
    """Spaces OCR lost put back where the words are certain: a capital after two small letters inside
    a word of a text that has words in small letters (``đường LạchTray`` → ``Lạch Tray``; a full name,
    all title case or capitals, is split by :func:`split_glued_name`), and a word in capitals that
    splits into two syllables at one place only (``SỬAXE`` → ``SỬA XE``; ``DOANHTẠP`` too)."""
    words = text.split(" ")
    lower = any(w[:1].islower() for w in words)
    out = []
    for word in words:
        if lower and glued_camel(word):
            word = _camel_split(word)
        elif glued_capitals(word) or _glued_small(word):
            cuts = _syllable_cuts(word)
            word = f"{word[:cuts[0]]} {word[cuts[0]:]}" if len(cuts) == 1 else word
        out.append(word)
    return " ".join(out)


def _glued_small(word: str) -> bool:
    """A word in small letters with a Vietnamese mark that is no syllable (``doanhcà``): two words whose
    space was lost, when one cut only makes two syllables (:func:`_syllable_cuts`)."""
    core = word.strip(",.;:")
    return (len(core) > 3 and core.isalpha() and core.islower() and not core.isascii()
            and not is_syllable(core))


def _camel_split(word: str) -> str:
    return "".join(" " + c if i >= 2 and c.isupper() and word[i - 1].islower() and word[i - 2].islower() else c
                   for i, c in enumerate(word))


def _syllable_cuts(word: str) -> list[int]:
    """Where a word in capitals splits into two Vietnamese syllables."""
    core = word.strip(",.;:")
    start = word.find(core)
    return [start + i for i in range(1, len(core)) if is_syllable(core[:i].lower()) and is_syllable(core[i:].lower())]


_VOWEL_RUNS = re.compile(r"[aeiouy]+")


def glued_camel(text: str) -> bool:
    """True when a capital follows two small letters inside a word (``nhườngCống Vị``): the space before
    a name was lost (Vietnamese words never change case inside; a full name is split by
    :func:`split_glued_name` instead)."""
    return any(c.isupper() and word[i - 1].islower() and word[i - 2].islower()
               for word in text.split() for i, c in enumerate(word) if i >= 2)


def glued_capitals(text: str) -> bool:
    """True when a word in capitals holds two syllables' vowels (``DOANHTẠP``): a Vietnamese syllable
    has one run of vowels, so the space between two words was lost (``HỘ KINH DOANHTẠP HÓA``)."""
    for word in re.findall(r"[^\W\d_]+", text):
        bare = unicodedata.normalize("NFD", word.replace("Đ", "D").replace("đ", "d"))
        bare = "".join(c for c in bare if not unicodedata.combining(c)).lower()
        if not (word.isupper() and len(word) > 3 and len(_VOWEL_RUNS.findall(bare.replace("qu", "q").replace("gi", "g"))) > 1):
            continue
        marked = not word.isascii()
        for i in range(2, len(word) - 1):
            # two Vietnamese syllables, with a mark or a final consonant before the join: ``KINHDOANH``,
            # ``DOANHTẠP``; a foreign word (``COFFEE``, ``SALON``: SA + LON) is not flagged
            if (marked or bare[i - 1] not in "aeiouy") and is_syllable(word[:i].lower()) and is_syllable(word[i:].lower()):
                return True
    return False


STRAY_MARK_LENGTH = 2
"""A phone number or e-mail address has ten characters or more; what OCR reads on an empty one's
dotted line is a speck or two (``3``, ``—b``, ``.,``): on the tuning sets (seeds 21–35, 2026-12) every
such reading of one or two characters was on a field the form left empty."""


def stray_mark(text: str) -> bool:
    """True for a reading of at most :data:`STRAY_MARK_LENGTH` characters (spaces aside) with at most
    one figure: too short to be any part of a number or an address a clerk could complete."""
    core = "".join(text.split())
    return 0 < len(core) <= STRAY_MARK_LENGTH and sum(c.isdigit() for c in core) <= 1


_MOBILE_STARTS = ("03", "05", "07", "08", "09")
"""Mobile networks since the 2018 renumbering (landlines: 11 digits, ``02`` and the area code)."""


def check_phone(text: str) -> Check:
    """A Vietnamese phone number: a mobile (10 digits, 03/05/07/08/09 …) or a landline (11 digits,
    02 and the area code); ``+84`` / ``84`` is read as ``0``.

    Args:
        text: For example ``"0912 345 678"`` or ``"+84 912.345.678"``.

    Returns:
        ``(ok, reason, digits)``; reason ``invalid_phone``.
    """
    value = collapse(text)
    if stray_mark(value):
        return True, None, ""  # ``3``, ``—b`` on the empty line of a fax number: nothing was written
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    mobile = len(digits) == 10 and digits[:2] in _MOBILE_STARTS
    if not (digits.isdigit() and (mobile or len(digits) == 11 and digits.startswith("02"))):
        return False, "invalid_phone", _leading_zero(digits) or value
    return True, None, digits


def _leading_zero(digits: str) -> str | None:
    """A mobile number whose leading 0 was read as 6, 8 or 9 (``9988309074``) or lost (``868432841``):
    ten figures with a network's prefix once it is put back; None when that does not make one. The
    number still goes to review (its other 0s may be misread alike)."""
    if not digits.isdigit():
        return None
    mended = "0" + digits[1:] if len(digits) == 10 and digits[0] in "689" else "0" + digits if len(digits) == 9 else None
    return mended if mended is not None and mended[:2] in _MOBILE_STARTS else None


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def check_email(text: str) -> Check:
    """An e-mail address (``local@domain.tld``), with no space inside.

    Args:
        text: For example ``"nguyenvana@gmail.com"``.

    Returns:
        ``(ok, reason, address)``; reason ``invalid_email``.
    """
    value = collapse(text)
    if stray_mark(value):
        return True, None, ""  # a speck (or ``AT``, the form's own ``@``) on an empty line: no address written
    if "@" not in value and value.count("(") == 1:
        value = value.replace("(", "@")  # OCR reads @ as ( …
    value = re.sub(r"[\s()]", "", value)  # … or as (@; no space or bracket is valid in an address
    # Tesseract's Vietnamese model puts marks on an ASCII address (hơang, oưtlook): an address has
    # none, so the letters under them are the address's; and addresses are written in lower case
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    mended = _at_misread(value) if "@" not in value else value
    local, _, domain = mended.rpartition("@")
    bare = re.sub(r"[^a-z0-9.\-]", "", domain)  # ``gz»ail.com``: a speck read inside the provider's name
    near = [d for d in MAIL_DOMAINS if d != domain and (one_off(domain, d) or one_off(bare, d) or bare == d)] \
        if local else []
    if domain not in MAIL_DOMAINS and not near and local:  # ``gma11.com``, ``outlook.coir``: two letters off
        near = [d for d in MAIL_DOMAINS if len(d) >= MAIL_TWO_OFF and edits(bare, d) <= 2]
    if domain not in MAIL_DOMAINS and len(near) == 1:
        return False, "invalid_email", f"{local}@{near[0]}"  # ``gmailcom``, ``yahoo.eom``: put right, reviewed
    if mended != value:
        return False, "invalid_email", mended  # its ``@`` read as another character: put back, reviewed
    if not _EMAIL.match(value):
        return False, "invalid_email", value
    return True, None, value


MAIL_DOMAINS = ("gmail.com", "yahoo.com", "yahoo.com.vn", "hotmail.com", "outlook.com", "outlook.com.vn",
                "icloud.com", "live.com", "msn.com")
"""The mail providers most addresses on a citizen's form are at: a domain one letter or a dot off one of
them (``yahoo.eom``, ``gmailcom``) is that one misread, not an address of its own."""


MAIL_TWO_OFF = 9
"""A domain this long or longer (``gmail.com``, ``outlook.com``) is still that provider's two letters off
(``gma11.com``, ``g¡nail.comu``, ``outlook.coir``: tuning seeds 201–212). Two of them are three letters
apart at the least (``gmail.com``, ``hotmail.com``): a domain two off both is left as read."""


def _at_misread(value: str) -> str:
    """``vomailan808gmail.com`` → ``vomailan80@gmail.com``: an address with no ``@`` that ends with a
    common provider's domain (its dots maybe lost) had its ``@`` read as the character before it."""
    for domain in sorted(MAIL_DOMAINS, key=len, reverse=True):
        for tail in (domain, domain.replace(".", "")):
            if value.endswith(tail) and len(value) > len(tail) + 1:
                return f"{value[:-len(tail) - 1]}@{tail}"
    return _at_and_domain_misread(value)


def _at_and_domain_misread(value: str) -> str:
    """``duonghonglinh958gmaitl.com`` → ``duonghonglinh95@gmail.com``: no ``@``, and the address ends
    with a long provider's domain two letters off at most (one for a shorter one), that provider and
    no other: the character before it was the ``@``. Unchanged otherwise."""
    found: dict[str, tuple[int, int]] = {}
    for domain in MAIL_DOMAINS:
        allowed = 2 if len(domain) >= MAIL_TWO_OFF else 1
        for size in range(len(domain) - allowed, len(domain) + allowed + 1):
            if len(value) < size + 3:  # a local part of two characters at least, and the @
                continue
            off = edits(value[-size:], domain)
            if off <= allowed and (domain not in found or off < found[domain][0]):
                found[domain] = (off, size)
    if not found:
        return value
    best = min(off for off, _ in found.values())
    near = [d for d, (off, _) in found.items() if off == best]
    if len(near) != 1:
        return value
    size = found[near[0]][1]
    return f"{value[:-size - 1]}@{near[0]}"



def check_number(text: str) -> Check:
    """A count (``3``, ``12``): figures only. A look-alike letter read for a figure (``I`` for 1, ``O``
    for 0) is put back with reason ``ocr_digits_guessed``; anything else is ``invalid_chars``."""
    value = collapse(text).rstrip(" .,;")
    if value.isdigit():
        return True, None, value
    mended = "".join(LOOKALIKES.get(c, c) for c in value)
    return (False, "ocr_digits_guessed", mended) if value and mended.isdigit() else (False, "invalid_chars", value)


def check_province(text: str) -> Check:
    """A province of the 63-province or the 2025 34-province structure.

    Args:
        text: For example ``"Tỉnh Bắc Ninh"`` or ``"TP. Hồ Chí Minh"``.

    Returns:
        ``(ok, reason, official name)``; reason ``unknown_province``.
    """
    value = collapse(text)
    province = find_province(value)
    if province is None:
        return False, "unknown_province", value
    return True, None, province.name
