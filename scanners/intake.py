"""Hot-folder intake by scanner profile: stacks cut into dossiers, each with its code, before the pipeline.

``collect`` takes the inbox entries that stopped growing, and for each one, by the profile's
split rule, either passes it on whole (``per-entry``: today's one dossier per file or folder,
read in place) or cuts it at separator sheets, fixed page counts or blank sheets and writes each
dossier as a folder of page images under ``staging/`` (see :mod:`scanners.staging`). Every
dossier gets a code (separator QR, receipt QR, batch manifest, file name, or a generated
provisional one flagged for review). Intake is idempotent: the same inbox gives the same
dossiers and ids, and a stack already analysed and staged is not read again.

Once every dossier cut from an inbox entry is archived, :func:`finish_sources` moves the entry to
``inbox/processed/<date>/`` (never deletes it) when the profile says so.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from configs.scanner_schema import IntakeSettings, ScannerProfile
from scanners import codes, staging
from scanners.discover import dossier_id_for, entry_signature, survey
from scanners.manifest_csv import Manifest, ManifestError, read_manifest
from scanners.model import Dossier, SourcePage
from scanners.read import read_pages
from scanners.separate import PageSignal, Split, page_signal, split_stack
from sohoa.clock import VN_TZ
from sohoa.errors import InputFileError

log = logging.getLogger(__name__)

PROCESSED = "processed"


@dataclass(frozen=True)
class IntakeProblem:
    """Something about an inbox entry a clerk should know (no personal data: names and codes only).

    The run report gives each one a line: ``relative``, the Vietnamese text of ``reason``
    (``pipeline.report.REASON_VI``) and whether the entry was left in the inbox (``skipped``).
    """

    relative: str
    """The inbox entry, relative to the inbox (a file name may hold a citizen's name: not for logs)."""
    reason: str
    """Left out of the run (``skipped`` is True): ``skipped_link``, ``skipped_special`` (FIFO,
    socket, device), ``skipped_hidden`` (dot-file), ``skipped_temporary`` (``~`` lock file),
    ``shape_not_in_profile``. Taken anyway: ``unreadable_stack`` (the reader quarantines it),
    ``unreadable_entry``, ``bad_manifest`` (the batch manifest is ignored), ``no_dossier_pages``."""
    detail: str = ""
    """English detail (``symlink``, ``fifo`` …, an error key); no personal data."""
    skipped: bool = False
    """The entry was not taken into this run and stays in the inbox as it is."""

    def to_dict(self) -> dict:
        """The problem as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class IntakeResult:
    """The dossiers to process, the entries left for later, and what went wrong."""

    dossiers: list[Dossier]
    growing: list[Path]
    problems: list[IntakeProblem] = field(default_factory=list)


def collect(inbox: Path, staging_dir: Path, *, profile: ScannerProfile,
            settle_seconds: float = 0.0, limits: IntakeSettings | None = None) -> IntakeResult:
    """Find, split and name the dossiers in ``inbox``.

    Args:
        inbox: the hot folder.
        staging_dir: where split dossiers are written (e.g. ``WORK/staging``); created.
        profile: the scanner profile (``scanners.profiles.load_profile``).
        settle_seconds: entries changing during this time are left for the next run (the
            profile's own ``settle-seconds`` wins when set).
        limits: the budget a stack is read within (the site configuration's ``intake``); defaults when None.

    Returns:
        Dossiers in inbox order (stack order within an entry), entries still growing, problems.
    """
    settle = profile.settle_seconds if profile.settle_seconds is not None else settle_seconds
    found = survey(inbox, settle_seconds=settle)
    entries, growing = found.dossiers, found.growing
    problems = [IntakeProblem(s.relative, s.reason, s.detail, skipped=True) for s in found.skipped]
    manifest = _manifest(inbox / profile.manifest, problems)
    dossiers: list[Dossier] = []
    for entry in entries:
        if entry.relative == profile.manifest:
            continue
        if entry.shape not in profile.shapes:
            problems.append(IntakeProblem(entry.relative, "shape_not_in_profile", entry.shape, skipped=True))
            continue
        try:
            dossiers.extend(_Entry(entry, staging_dir, profile, manifest, problems, limits).dossiers())
        except OSError as exc:  # unreadable (permissions, I/O error): the reader quarantines it
            problems.append(IntakeProblem(entry.relative, "unreadable_entry", type(exc).__name__))
            dossiers.append(replace(entry, dossier_id=dossier_id_for(entry.relative, content="unreadable"),
                                    origin=entry.relative.rstrip("/"), review=("unreadable",)))
    return IntakeResult(_flag_duplicates(dossiers), growing, problems)


def _manifest(path: Path, problems: list[IntakeProblem]) -> Manifest:
    try:
        return read_manifest(path)
    except (ManifestError, UnicodeDecodeError, OSError) as exc:
        log.warning("the batch manifest is not used: %s", exc)
        problems.append(IntakeProblem(path.name, "bad_manifest", str(exc)))
        return Manifest({})


def _flag_duplicates(dossiers: list[Dossier]) -> list[Dossier]:
    """A code must be unique in the archive (TT 13/2023): two dossiers with one code both need a look."""
    counts = Counter(d.code for d in dossiers if d.code)
    return [replace(d, review=d.review + ("duplicate_code",)) if d.code and counts[d.code] > 1 else d
            for d in dossiers]


def _split_key(profile: ScannerProfile) -> dict:
    """The profile settings a stack's analysis depends on (a change re-reads the stack)."""
    receipt = profile.code.receipt_pattern if "receipt" in profile.code.sources else None
    return {"split": profile.split, "duplex": profile.duplex, "pages": profile.pages_per_dossier,
            "receipt": receipt, "version": 1}


class _Entry:
    """One inbox entry on its way to dossiers."""

    def __init__(self, entry: Dossier, staging_dir: Path, profile: ScannerProfile, manifest: Manifest,
                 problems: list[IntakeProblem], limits: IntakeSettings | None = None) -> None:
        self.entry, self.staging, self.profile, self.limits = entry, staging_dir, profile, limits
        self.manifest, self.problems = manifest, problems
        self.origin = entry.relative.rstrip("/")
        self._digest: str | None = None
        self._extracted: Path | None = None
        self._pages: list[SourcePage] = []
        self._signals: list[PageSignal] = []

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = codes.content_digest(self.entry.source)
        return self._digest

    def dossiers(self) -> list[Dossier]:
        needs_pages = self.profile.split != "per-entry" or "receipt" in self.profile.code.sources
        if not needs_pages:
            return [self._whole(Split(()), ())]
        try:
            signals, infos = self._analyse()
        except InputFileError as exc:  # the pipeline's reader meets it again and quarantines the entry
            self.problems.append(IntakeProblem(self.entry.relative, "unreadable_stack", exc.reason))
            return [self._whole(Split(()), ())]
        try:
            return self._cut(signals, infos)
        finally:
            if self._extracted is not None:
                shutil.rmtree(self._extracted, ignore_errors=True)

    def _cut(self, signals: list[PageSignal], infos: list[staging.PageInfo]) -> list[Dossier]:
        self._signals = signals
        splits = split_stack(signals, mode=self.profile.split, duplex=self.profile.duplex,
                             pages_per_dossier=self.profile.pages_per_dossier)
        if not splits:
            self.problems.append(IntakeProblem(self.entry.relative, "no_dossier_pages"))
            return []
        if self.profile.split == "per-entry":
            return [self._whole(splits[0], infos)]
        expected = self.manifest.expected_count(self.origin)
        extra = ("manifest_count_mismatch",) if expected is not None and expected != len(splits) else ()
        return [self._staged(n, len(splits), split, infos, extra) for n, split in enumerate(splits, start=1)]

    # -- analysis -----------------------------------------------------------------------------

    def _extract(self) -> Path:
        """The entry's pages, extracted once per run into a private folder."""
        if self._extracted is None:
            self.staging.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix=".extract-", dir=self.staging))
            try:
                self._pages = read_pages(self.entry, folder, limits=self.limits)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._extracted = folder
        return self._extracted

    def _analyse(self) -> tuple[list[PageSignal], list[staging.PageInfo]]:
        key = {"signature": list(entry_signature(self.entry.source)), **_split_key(self.profile)}
        cached = staging.load_cached(self.staging, self.origin, key)
        if cached is not None:
            return ([PageSignal(**s) for s in cached["signals"]],
                    [staging.PageInfo(**p) for p in cached["pages"]])
        self._extract()
        pages = self._pages
        receipt = _split_key(self.profile)["receipt"]
        signals = [page_signal(p.index, p.path, p.dpi, receipt_pattern=receipt) for p in pages]
        infos = staging.page_infos(pages)
        staging.save_cached(self.staging, self.origin, key,
                            {"signals": [asdict(s) for s in signals], "pages": [asdict(i) for i in infos]})
        return signals, infos

    # -- dossiers -----------------------------------------------------------------------------

    def _choice(self, split: Split, position: int, count: int) -> tuple[codes.CodeChoice, str | None]:
        row = self.manifest.lookup(self.origin, position, count)
        candidates = {"separator": split.separator_code,
                      "receipt": split.receipts[0][1] if split.receipts else None,
                      "manifest": row.code if row else None,
                      "file-name": codes.code_from_name(self.origin, self.profile.code.file_name_pattern)
                      if count == 1 else None}
        first, last = (split.pages[0], split.pages[-1]) if split.pages else (0, 0)
        fallback = (lambda: codes.generated_code(self.digest, first, last)) if self.profile.code.generate_missing else None
        choice = codes.choose_code(candidates, self.profile.code.sources,
                                   valid_pattern=self.profile.code.valid_pattern, generate=fallback)
        category = (row.category if row and row.category else None) or self.profile.category
        return choice, category

    def _flags(self, split: Split, infos: list[staging.PageInfo]) -> tuple[str, ...]:
        flags = split.flags
        if self.profile.max_pages and len(split.pages) > self.profile.max_pages:
            flags += ("too_many_pages",)
        mine = [infos[i - 1] for i in split.pages] if infos else []
        if self.profile.expected_dpi and any(p.dpi < self.profile.expected_dpi - 1 for p in mine):
            flags += ("dpi_below_profile",)
        wanted = {"colour": {"RGB", "YCbCr", "CMYK"}, "greyscale": {"L"}, "bilevel": {"1"}}.get(self.profile.colour)
        if wanted and any(p.mode not in wanted for p in mine):
            flags += ("colour_mode_differs",)
        return flags

    def _whole(self, split: Split, infos: list[staging.PageInfo] | tuple) -> Dossier:
        """The entry as one dossier, read in place; its id names its content."""
        choice, category = self._choice(split, 1, 1)
        label = choice.code if choice.source in {"separator", "receipt"} else None
        dossier_id = dossier_id_for(self.entry.relative, label, content=self.digest)
        return replace(self.entry, dossier_id=dossier_id, code=choice.code, code_source=choice.source, code_generated=choice.generated,
                       category=category, origin=self.origin,
                       review=choice.flags + self._flags(split, list(infos)))

    def _staged(self, position: int, count: int, split: Split, infos: list[staging.PageInfo],
                extra: tuple[str, ...]) -> Dossier:
        choice, category = self._choice(split, position, count)
        relative = f"{self.origin}#pages={split.pages[0]}-{split.pages[-1]}"
        label = choice.code if choice.source in {"separator", "receipt"} else None
        dossier_id = dossier_id_for(relative, label, content=self.digest)
        folder = self.staging / dossier_id
        if not staging.is_staged(folder, self.origin, split.pages):
            staging.stage_dossier(folder, self.origin, [infos[i - 1] for i in split.pages], self._extract())
        seps = tuple((i, self._separator_text(i)) for i in split.separator_pages)
        return Dossier(dossier_id=dossier_id, source=folder.resolve(), relative=relative, shape="folder",
                       code=choice.code, code_source=choice.source, code_generated=choice.generated,
                       category=category, origin=self.origin, origin_pages=split.pages, separator_pages=seps,
                       review=choice.flags + self._flags(split, infos) + extra)

    def _separator_text(self, index: int) -> str:
        return self._signals[index - 1].separator or ""


def intake_event(dossier: Dossier) -> dict:
    """The intake facts of a dossier for its event log (PREMIS) and the run log: no personal data."""
    return {"event": "intake", "origin": dossier.origin, "origin_pages": list(dossier.origin_pages),
            "separator_pages": [{"page": p, "code": c} for p, c in dossier.separator_pages],
            "code": dossier.code, "code_source": dossier.code_source, "code_generated": dossier.code_generated,
            "category": dossier.category, "review": list(dossier.review)}


def mark_processed(inbox: Path, origin: str, *, today: date | None = None) -> Path:
    """Move the inbox entry ``origin`` to ``inbox/processed/<YYYY-MM-DD>/`` (never overwriting, never deleting).

    The date is today's in Vietnam (UTC+7) unless ``today`` is given.

    Returns:
        Where it now is.
    """
    source = inbox / origin
    day = (today or datetime.now(VN_TZ).date()).isoformat()
    target_dir = inbox / PROCESSED / day
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"{Path(source.name).stem}-{n}{Path(source.name).suffix}"
    source.rename(target)  # same file system: atomic, nothing copied, nothing lost
    log.info("moved a processed source to %s/%s/", PROCESSED, day)
    return target


def finish_sources(inbox: Path, dossiers: Iterable[Dossier], archived: set[str], *,
                   profile: ScannerProfile, today: date | None = None) -> list[Path]:
    """Move every inbox entry all of whose dossiers are in ``archived`` (ids), if the profile moves them.

    Call it after the run, with the ids of the dossiers that were archived.
    """
    if not profile.move_processed:
        return []
    by_origin: dict[str, list[str]] = {}
    for d in dossiers:
        by_origin.setdefault(d.origin or d.relative.rstrip("/"), []).append(d.dossier_id)
    return [mark_processed(inbox, origin, today=today) for origin, ids in by_origin.items()
            if ids and all(i in archived for i in ids) and (inbox / origin).exists()]
