"""Generate sample scanned dossiers with ground truth, for the demo, the tests and the benchmarks.

Real dossiers carry personal data and cannot be committed, so this module renders the four
forms of ``shared/spec/forms.md`` (and a free-text decision) with realistic values, degrades
them like an office scanner and writes them in the three inbox shapes, next to a truth JSON
per dossier. Output is byte-deterministic for a given seed.

Usage::

    python sample_docs/make_samples.py --out DIR [--seed 7] [--per-form N] [--dpi 200]
        [--shapes tiff,folder,pdf] [--free-text N] [--profile office|demo] [--held-out] [--table]

Every dossier varies (``Variety``): the printed font family (serif, sans, typewriter-like), the
values' font (a form filled on a computer and printed) or handwriting-like values, the form's
edition (label variants and abbreviations), how dates are typed, signatures crossing lines,
photocopies of photocopies, and a result of the matter (decision, certificate, extract) after the
form. ``--held-out`` draws from font families and layouts kept out of tuning (see ``Variety``):
measure on it, never tune on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pikepdf
from PIL import Image

if __package__ in (None, ""):  # run as a script: make ``sample_docs`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_docs import _render  # noqa: E402
from sample_docs._decision import ANSWERS, decision_pieces, result_pieces  # noqa: E402
from sample_docs._letters import letter_pieces  # noqa: E402
from sample_docs._degrade import DEMO, OFFICE, PROFILES, Profile, blank_back, degrade  # noqa: E402
from sample_docs._forms import BUILDERS, DEFAULT_LAYOUT, LABELS, TITLES, Layout  # noqa: E402
from sample_docs._marks import photocopy  # noqa: E402
from sample_docs._shapes import SHAPES, WRITERS, inbox_name  # noqa: E402
from sample_docs._values import FORM_TYPES, OPTIONAL_KEYS, random_values  # noqa: E402

__all__ = ["FORM_TYPES", "LABELS", "OPTIONAL_KEYS", "SHAPES", "TITLES", "DEMO", "OFFICE",
           "Profile", "degrade", "blank_back", "generate", "random_values", "render_form",
           "render_pages", "render_decision", "main"]

FREE_TEXT = "quyet_dinh"
LETTER = "van_ban"
"""Job kind of a stand-alone administrative paper (công văn, thông báo, tờ trình, báo cáo, kế hoạch)."""
#: ``documents[].type`` of each form (its template's ``document-type``)
DOCUMENT_TYPES = {"khai_sinh": "to_khai_khai_sinh", "ket_hon": "to_khai_ket_hon", "ct01": "to_khai_cu_tru",
                  "ho_kinh_doanh": "giay_de_nghi"}


@dataclass(frozen=True)
class Plan:
    """Forced choices for one dossier (the demo set pins what the README promises)."""

    duplex: bool | None = None
    grey: bool | None = None
    turns: dict[int, int] = field(default_factory=dict)  # 1-based clean page → rotation
    lossless: float | None = None
    variety: Variety | None = None


@dataclass(frozen=True)
class Variety:
    """How one dossier differs from the plain form: its look, its filling, what else it holds."""

    style: _render.Style = _render.Style()
    layout: Layout = DEFAULT_LAYOUT
    copies: int = 0
    """Photocopy generations before the scan (0: the original was scanned)."""
    result: bool = False
    """A result of the matter (certificate, extract, decision) follows the form."""


PLAIN = Variety()


HAND_SHARE = 0.06
"""The share of forms filled in by hand, by default."""


def draw_variety(rng: random.Random, form_type: str, *, held_out: bool = False,
                 hand_share: float = HAND_SHARE) -> Variety:
    """A random look for one dossier.

    ``hand_share`` only moves the threshold of the handwriting draw: every other draw of a seed,
    and the typed dossiers' looks, stay the same whatever it is.

    Tuning draws the families :data:`sample_docs._render.TUNING_FAMILIES`, editions ``standard``,
    ``short``, ``old`` and ``2025`` in line layout; the held-out part draws other font families
    (:data:`sample_docs._render.HELD_OUT_FAMILIES`), and the table-form layout of the main fields.
    """
    families = _render.HELD_OUT_FAMILIES if held_out else _render.TUNING_FAMILIES
    family = rng.choice(families)
    computer = rng.random() < 0.35
    style = _render.Style(family=family, value_family=rng.choice(families) if computer else family,
                          body_pt=round(rng.uniform(11.5, 13.5), 1), pitch=round(rng.uniform(1.4, 1.75), 2),
                          hand=rng.random() < hand_share, seed=rng.randint(0, 10**9))
    edition = rng.choice(("standard",) * 4 + ("short", "short", "old") + (("2025",) if form_type == "ct01" else ()))
    layout = Layout(edition=edition, table_form=held_out and form_type == "khai_sinh" and rng.random() < 0.6,
                    date_format=rng.choice(("%d/%m/%Y",) * 5 + ("unpadded", "%d-%m-%Y", "%d.%m.%Y")),
                    marks=rng.random() < 0.6, seed=rng.randint(0, 10**9))
    copies = rng.choice((0,) * 7 + (1, 1, 2))
    return Variety(style=style, layout=layout, copies=copies, result=rng.random() < 0.35)


#: what the committed demo set (``--profile demo``) exercises, beyond random skew
DEMO_PLANS: dict[str, Plan] = {
    "khai_sinh-tiff": Plan(duplex=True, grey=False),
    "ket_hon-pdf": Plan(turns={1: 180}, grey=False),
    "ho_kinh_doanh-folder": Plan(turns={1: 90}, grey=False),
    "ct01-folder": Plan(duplex=True, grey=True),
    "ct01-tiff": Plan(grey=True),
    "ket_hon-tiff": Plan(grey=True),
    "ho_kinh_doanh-tiff": Plan(grey=True),
    "ket_hon-folder": Plan(grey=True),
    "ho_kinh_doanh-pdf": Plan(grey=True),
    "quyet_dinh-tiff": Plan(grey=True),
}


def render_pages(form_type: str, values: dict[str, str], *, dpi: int = 200,
                 variety: Variety = PLAIN) -> list[tuple[Image.Image, str]]:
    """Render a filled form as clean A4 pages with their reading-order text.

    Args:
        form_type: one of :data:`FORM_TYPES`.
        values: field key → typed value (as from :func:`random_values`).
        dpi: resolution of the pages.
        variety: fonts, edition, marks (the plain form by default).

    Returns:
        ``(page image in mode "L", page text)`` per page; the text has no leader dots.
    """
    if form_type not in BUILDERS:
        raise ValueError(f"unknown form type {form_type!r}; expected one of {FORM_TYPES}")
    ctx = _render.Ctx(dpi, variety.style)
    layout = replace(variety.layout, place=_place(values))
    return _render.paginate(ctx, BUILDERS[form_type](ctx, values, layout))


def _place(values: dict[str, str]) -> str:
    """Where the form was signed: the commune or ward of the receiving authority."""
    agency = values.get("co_quan", "")
    parts = [p.strip() for p in agency.split(",")]
    for kind in ("phường ", "xã ", "thị trấn ", "quận ", "huyện ", "thành phố "):
        if kind in agency:
            name = agency.split(kind, 1)[1].split(",")[0].strip()
            if not name.isdigit():  # a numbered ward: the next unit up names the place (NĐ 30/2020)
                return name
            agency = ", ".join(parts[1:])
            parts = parts[1:]
    return agency.split(",")[-1].replace("Tỉnh", "").replace("Thành phố", "").strip() or "Hà Nội"


def render_form(form_type: str, values: dict[str, str], *, dpi: int = 200) -> list[Image.Image]:
    """Render a filled form as clean A4 page images ("L", black on white)."""
    return [img for img, _ in render_pages(form_type, values, dpi=dpi)]


def render_decision(rng: random.Random, *, dpi: int = 200) -> list[tuple[Image.Image, str]]:
    """Render a free-text People's Committee decision (form_type ``unknown``)."""
    ctx = _render.Ctx(dpi)
    return _render.paginate(ctx, decision_pieces(ctx, rng))


def render_result(rng: random.Random, result: str, *, dpi: int = 200, style: _render.Style = _render.Style(),
                  issued: dt.date | None = None, about: dict[str, str] | None = None,
                  ) -> tuple[list[tuple[Image.Image, str]], dict[str, object]]:
    """Render a result (``_decision.RESULTS``) and return its pages and truth elements."""
    ctx = _render.Ctx(dpi, replace(style, hand=False, value_family=style.family))
    pieces, truth = result_pieces(ctx, rng, result, issued=issued, about=about)
    return _render.paginate(ctx, pieces), truth


def render_letter(rng: random.Random, *, dpi: int = 200, style: _render.Style = _render.Style(),
                  ) -> tuple[list[tuple[Image.Image, str]], dict[str, object]]:
    """Render an administrative paper (``_letters.LETTERS``) and return its pages and truth elements."""
    ctx = _render.Ctx(dpi, replace(style, hand=False, value_family=style.family))
    pieces, truth = letter_pieces(ctx, rng)
    return _render.paginate(ctx, pieces), truth


def _scan(clean: list[tuple[Image.Image, str]], rng: random.Random, profile: Profile,
          plan: Plan, dpi: int) -> tuple[list[Image.Image], list[dict[str, object]]]:
    """Degrade every page, adding duplex backs; returns scans and their truth entries."""
    duplex = rng.random() < profile.p_duplex if plan.duplex is None else plan.duplex
    grey = rng.random() < profile.p_grey if plan.grey is None else plan.grey
    scans: list[Image.Image] = []
    truth: list[dict[str, object]] = []
    for n, (img, text) in enumerate(clean, 1):
        scan, rotation, skew = degrade(img, rng, profile=profile, dpi=dpi, grey=grey,
                                       rotation=plan.turns.get(n, 0 if plan.turns else None))
        scans.append(scan)
        truth.append({"source_page": len(scans), "blank": False, "rotation": rotation,
                      "skew": skew, "text": text})
        if duplex:
            scans.append(blank_back(img, rng, profile=profile, grey=grey))
            truth.append({"source_page": len(scans), "blank": True, "rotation": 0,
                          "skew": 0.0, "text": ""})
    return scans, truth


def _dossier(out: Path, name: str, form_type: str, shape: str, *, seed: int, dpi: int,
             profile: Profile, plan: Plan, held_out: bool = False, hand_share: float = HAND_SHARE,
             copies: int | None = None) -> Path:
    """Generate, write and describe one dossier; returns its truth file."""
    rng = random.Random(f"{seed}:{name}")
    variety = plan.variety or (draw_variety(random.Random(f"{seed}:{name}:look"), form_type, held_out=held_out,
                                            hand_share=hand_share)
                               if profile is not DEMO else PLAIN)
    if copies is not None:
        variety = replace(variety, copies=copies)
    documents: list[dict[str, object]] = []
    if form_type == FREE_TEXT:
        values: dict[str, str] = {}
        clean, truth_doc = render_result(rng, "quyet_dinh", dpi=dpi, style=variety.style)
        documents.append({**truth_doc, "form_type": "quyet_dinh", "clean_pages": len(clean)})
    elif form_type == LETTER:
        values = {}
        clean, truth_doc = render_letter(rng, dpi=dpi, style=variety.style)
        documents.append({**truth_doc, "form_type": truth_doc["type"], "clean_pages": len(clean)})
    else:
        values = random_values(form_type, rng)
        clean = render_pages(form_type, values, dpi=dpi, variety=variety)
        documents.append({"kind": "component", "type": DOCUMENT_TYPES[form_type], "form_type": form_type,
                          "clean_pages": len(clean),
                          "issued": _iso(values["ngay_lap"])})
        if variety.result:
            issued = dt.datetime.strptime(values["ngay_lap"], "%d/%m/%Y").date() + dt.timedelta(days=rng.randint(1, 20))
            more, truth_doc = render_result(rng, ANSWERS[form_type], dpi=dpi, style=variety.style,
                                            issued=issued, about=values)
            clean += more
            documents.append({**truth_doc, "form_type": ANSWERS[form_type], "clean_pages": len(more)})
    if variety.copies:
        copy_rng = random.Random(f"{seed}:{name}:copy")
        clean = [(photocopy(img, copy_rng, variety.copies), text) for img, text in clean]
    scans, pages = _scan(clean, rng, profile, plan, dpi)
    source = inbox_name(name, shape)
    lossless = profile.lossless if plan.lossless is None else plan.lossless
    WRITERS[shape](scans, out / "inbox" / source, dpi, rng, profile.quality, lossless)
    truth = {"source": source, "form_type": "unknown" if form_type in (FREE_TEXT, LETTER) else form_type,
             "shape": shape, "dpi": dpi, "fields": values, "pages": pages,
             "documents": _documents(documents, pages), "handwritten": variety.style.hand,
             "look": {"family": variety.style.family, "value_family": variety.style.value_family,
                      "edition": variety.layout.edition, "table_form": variety.layout.table_form,
                      "copies": variety.copies, "held_out": held_out}}
    dest = out / "truth" / f"{name}.json"
    dest.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return dest


def _iso(value: str) -> str:
    return dt.datetime.strptime(value, "%d/%m/%Y").date().isoformat()


def _documents(documents: list[dict[str, object]], pages: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each document's source pages (blank backs left out), in place of its count of clean pages."""
    kept = [p["source_page"] for p in pages if not p["blank"]]
    out, at = [], 0
    for doc in documents:
        count = int(doc.pop("clean_pages"))  # type: ignore[arg-type]
        out.append({"pages": kept[at:at + count], **doc})
        at += count
    return out


def _jobs(per_form: int, shapes: Sequence[str], free_text: int, letters: int = 0) -> list[tuple[str, str, str]]:
    """``(name, form_type, shape)`` for every dossier of a set."""
    jobs = []
    for form_type in FORM_TYPES:
        for i in range(1, per_form + 1):
            for shape in shapes:
                suffix = f"-{i:02d}" if per_form > 1 else ""
                jobs.append((f"{form_type}-{shape}{suffix}", form_type, shape))
    for i in range(free_text):
        shape = shapes[i % len(shapes)]
        suffix = f"-{i + 1:02d}" if free_text > 1 else ""
        jobs.append((f"{FREE_TEXT}-{shape}{suffix}", FREE_TEXT, shape))
    for i in range(letters):
        shape = shapes[i % len(shapes)]
        jobs.append((f"{LETTER}-{shape}-{i + 1:02d}", LETTER, shape))
    return jobs


def generate(out: Path, *, seed: int = 7, per_form: int = 1, dpi: int = 200,
             shapes: Iterable[str] = SHAPES, free_text: int = 1,
             profile: Profile | str = OFFICE, held_out: bool = False, letters: int = 0,
             hand_share: float = HAND_SHARE, copies: int | None = None) -> list[Path]:
    """Generate a sample set: ``out/inbox/`` dossiers and ``out/truth/<name>.json``.

    Each dossier draws from its own ``random.Random(f"{seed}:{name}")``, so a dossier does not
    change when others are added. Existing files of the same names are overwritten; nothing
    else in ``out`` is touched.

    Args:
        out: output folder (created).
        seed: master seed.
        per_form: dossiers per form type and shape.
        dpi: scan resolution.
        shapes: inbox shapes among :data:`SHAPES`.
        free_text: number of free-text decisions (shapes taken in turn).
        profile: degradation profile, or its name (``"office"``, ``"demo"``); ``"demo"`` also
            applies :data:`DEMO_PLANS` (forced turns, duplex backs, greyscale) and plain looks.
        held_out: draw the looks kept out of tuning (:func:`draw_variety`).
        letters: number of stand-alone administrative papers (``_letters``: công văn, thông báo,
            tờ trình, báo cáo, kế hoạch; numbers often handwritten, e-copy stamps), shapes in turn.
        hand_share: the share of forms filled in by hand (:func:`draw_variety`).
        copies: photocopy generations for every dossier instead of the drawn ones (every other draw
            stays the same); ``None`` keeps the draw.

    Returns:
        The truth files written, in generation order.
    """
    shapes = tuple(shapes)
    unknown = set(shapes) - set(SHAPES)
    if unknown or not shapes:
        raise ValueError(f"shapes must be among {SHAPES}, got {shapes}")
    prof = PROFILES[profile] if isinstance(profile, str) else profile
    plans = DEMO_PLANS if prof is DEMO else {}
    for sub in ("inbox", "truth"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    return [_dossier(out, name, form_type, shape, seed=seed, dpi=dpi, profile=prof,
                     plan=plans.get(name, Plan()), held_out=held_out, hand_share=hand_share, copies=copies)
            for name, form_type, shape in _jobs(per_form, shapes, free_text, letters)]


def _exercises(truth: dict[str, object]) -> str:
    """Short description of what a dossier exercises (for the README table)."""
    pages = truth["pages"]
    assert isinstance(pages, list)
    notes = [f"{len(pages)} page{'s' if len(pages) > 1 else ''}"]
    skews = [p["skew"] for p in pages if not p["blank"]]
    notes.append("skew " + ", ".join(f"{s:+.2f}°" if s else "none" for s in skews))
    notes += [f"p{p['source_page']} turned (rotation {p['rotation']})"
              for p in pages if p["rotation"]]
    if any(p["blank"] for p in pages):
        notes.append("duplex blank backs")
    return "; ".join(notes)


def table(out: Path, truths: list[Path]) -> str:
    """A Markdown table describing a generated set (file, form type, shape, exercises)."""
    rows = ["| file | form type | inbox shape | exercises |", "|---|---|---|---|"]
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        source = out / "inbox" / truth["source"]
        mode = _mode(source)
        rows.append(f"| `inbox/{truth['source']}{'/' if source.is_dir() else ''}` | "
                    f"`{truth['form_type']}` | {truth['shape']} | {mode}; {_exercises(truth)} |")
    return "\n".join(rows)


def _mode(source: Path) -> str:
    """Colour mode and encoding of a dossier's first page, in words."""
    if source.is_dir():
        kinds = sorted({p.suffix.lstrip(".") for p in source.iterdir()})
        first = next(iter(sorted(source.iterdir())))
    else:
        kinds, first = [], source
    if source.suffix == ".pdf":
        with pikepdf.open(source) as pdf:
            cs = str(pdf.pages[0].Resources.XObject.Im0.ColorSpace)
        return ("greyscale" if cs == "/DeviceGray" else "colour") + " JPEG in PDF"
    with Image.open(first) as img:
        grey = img.mode == "L"
        comp = img.info.get("compression", "")
    label = "greyscale" if grey else "colour"
    return f"{label} {'/'.join(kinds) or comp}"


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="output folder (inbox/ and truth/)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--per-form", type=int, default=1, help="dossiers per form type and shape")
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--shapes", default=",".join(SHAPES), help="comma list of tiff,folder,pdf")
    p.add_argument("--free-text", type=int, default=1, help="number of free-text decisions")
    p.add_argument("--letters", type=int, default=0,
                   help="number of stand-alone administrative papers (công văn, thông báo, tờ trình …)")
    p.add_argument("--profile", choices=sorted(PROFILES), default="office",
                   help="degradation: office (±5° skew, turns, duplex) or demo (mild, pinned)")
    p.add_argument("--held-out", action="store_true",
                   help="draw font families and layouts kept out of tuning (measure on them only)")
    p.add_argument("--hand", type=float, default=HAND_SHARE, metavar="SHARE",
                   help=f"share of forms filled in by hand (default {HAND_SHARE}; 1 for a handwriting set)")
    p.add_argument("--copies", type=int, choices=(0, 1, 2, 3), metavar="N",
                   help="photocopy generations of every dossier (default: drawn, 0 to 2; a set of copies of copies)")
    p.add_argument("--table", action="store_true", help="print a Markdown table of the set")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit code."""
    args = _parse(argv)
    truths = generate(args.out, seed=args.seed, per_form=args.per_form, dpi=args.dpi,
                      shapes=[s.strip() for s in args.shapes.split(",") if s.strip()],
                      free_text=args.free_text, profile=args.profile, held_out=args.held_out,
                      letters=args.letters, hand_share=args.hand, copies=args.copies)
    print(table(args.out, truths) if args.table else f"{len(truths)} dossiers in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
