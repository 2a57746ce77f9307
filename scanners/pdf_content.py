"""What a PDF page draws: one plain image filling the page, or more; and what drawing it costs.

:func:`lone_image` says whether a page shows exactly one image over its whole visible box and
nothing else visible — invisible text (an OCR layer, render mode 3), clipping paths, marked
content and digital-signature widgets may be there — so the image can be taken as it is instead
of rendering the page. An image that does not fill the page, is drawn turned, flipped or
stretched, or shares the page with visible text, drawings or annotations makes the page one to
render: what is archived is the page as the source shows it, at its physical size.

:func:`drawing_cost` counts the bytes of drawing instructions rendering a page runs through:
its content streams, plus each form XObject's instructions as many times as they are drawn, so
forms drawing forms ("billion laughs") and pages sharing one heavy content stream are charged
what they really cost, before any of it is rendered.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

import pikepdf

ANALYSE_LIMIT = 4 * 2**20
"""Bytes: a page drawing more than this is not a plain scanned page; it is rendered without a closer look."""
_MAX_DEPTH = 24
_PLACE_TOLERANCE = 0.005
"""How far (relative to the page box, at least 1.5 pt) an image's edge may be from the page's edge."""

_HARMLESS = {
    "q", "Q", "cm", "w", "J", "j", "M", "d", "ri", "i",  # graphics state
    "g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN",  # colour (nothing painted)
    "m", "l", "c", "v", "y", "h", "re", "W", "W*", "n",  # paths used only to clip
    "BT", "ET", "Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts", "Td", "TD", "Tm", "T*",  # text state
    "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "gs",
}
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
_INVISIBLE = 3
_GS_HARMLESS = {"/Type", "/SA", "/OP", "/op", "/OPM", "/SM", "/FL", "/RI", "/LW", "/LC", "/LJ", "/ML", "/D",
                "/TK", "/AIS"}


@dataclass(frozen=True)
class LoneImage:
    """The one image a page shows, and where it is drawn."""

    image: pikepdf.Stream
    width_pt: float
    height_pt: float


def inherited(page: pikepdf.Dictionary, key: str) -> object | None:
    """A page attribute, looked up through the page tree as PDF inheritance says."""
    node, depth = page, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The page's crop box (what a viewer shows), within its media box: (x0, y0, x1, y1)."""
    media = [float(v) for v in page.mediabox]
    crop = [float(v) for v in page.cropbox]
    mx0, mx1 = sorted(media[0::2])
    my0, my1 = sorted(media[1::2])
    cx0, cx1 = sorted(crop[0::2])
    cy0, cy1 = sorted(crop[1::2])
    return max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)


def _multiply(m: list[float], n: list[float]) -> list[float]:
    """The matrix m × n (PDF's row-vector convention: apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _gs_harmless(resources: pikepdf.Dictionary, name: object) -> bool:
    states = resources.get("/ExtGState", pikepdf.Dictionary())
    state = states.get(str(name)) if isinstance(states, pikepdf.Dictionary) else None
    if not isinstance(state, pikepdf.Dictionary):
        return False
    for key, value in state.items():
        if key in _GS_HARMLESS:
            continue
        if key in {"/CA", "/ca"} and float(value) >= 1.0:
            continue
        if key == "/BM" and str(value) in {"/Normal", "/Compatible"}:
            continue
        if key == "/SMask" and str(value) == "/None":
            continue
        return False
    return True


def page_draws(page: pikepdf.Page, resources: pikepdf.Dictionary) -> tuple[list[tuple[str, list[float]]], bool]:
    """The XObjects the page's content draws, each with its matrix, and whether nothing else shows.

    "Nothing else" allows invisible text (render mode 3), clipping paths, colour and state
    settings, marked content and plain graphics states; visible text, painted paths, shadings
    and inline images show.
    """
    ctm, stack, text_mode, modes = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], 0, []
    draws: list[tuple[str, list[float]]] = []
    only_draws = True
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
            modes.append(text_mode)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
            text_mode = modes.pop() if modes else text_mode
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == "Tr":
            text_mode = int(operands[0])
        elif op == "Do":
            draws.append((str(operands[0]), ctm))
        elif op in _SHOW_TEXT:
            only_draws = only_draws and text_mode == _INVISIBLE
        elif op == "gs":
            only_draws = only_draws and _gs_harmless(resources, operands[0])
        elif op not in _HARMLESS:
            only_draws = False
    return draws, only_draws


def _annotations_hidden(page: pikepdf.Page) -> bool:
    """No annotation shows on the page.

    A digital signature's visible stamp ("Ký bởi …" on a signed e-copy) is part of what the page
    shows, so a page carrying one is rendered with it: the archived copy looks as the source did.
    An invisible signature (a widget with no area) leaves the page's image to be taken as it is.
    """
    for annot in page.obj.get("/Annots", pikepdf.Array()):
        if not isinstance(annot, pikepdf.Dictionary):
            continue
        flags = int(annot.get("/F", 0))
        if flags & (2 | 32) or "/AP" not in annot or not _has_area(annot):  # Hidden, NoView, nothing to draw
            continue
        return False
    return True


def _has_area(annot: pikepdf.Dictionary) -> bool:
    try:
        x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", ()))
    except (TypeError, ValueError):
        return False
    return abs(x1 - x0) >= 1 and abs(y1 - y0) >= 1


def lone_image(page: pikepdf.Page) -> LoneImage | None:
    """The image the page shows over its whole visible box, if that is all it shows (see the module doc)."""
    if int(inherited(page.obj, "/Rotate") or 0) % 360 or not _annotations_hidden(page):
        return None
    resources = inherited(page.obj, "/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return None
    try:
        draws, only_draws = page_draws(page, resources)
    except (pikepdf.PdfError, ValueError, TypeError, IndexError):
        return None
    if len(draws) != 1 or not only_draws:
        return None
    name, (a, b, c, d, e, f) = draws[0]
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    image = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
    if not isinstance(image, pikepdf.Stream) or image.get("/Subtype") != pikepdf.Name.Image:
        return None
    x0, y0, x1, y1 = visible_box(page)
    tol_x = max(1.5, _PLACE_TOLERANCE * (x1 - x0))
    tol_y = max(1.5, _PLACE_TOLERANCE * (y1 - y0))
    upright = a > 0 and d > 0 and abs(b) <= 1e-3 * a and abs(c) <= 1e-3 * d
    fills = (abs(e - x0) <= tol_x and abs(e + a - x1) <= tol_x and abs(f - y0) <= tol_y
             and abs(f + d - y1) <= tol_y)
    return LoneImage(image, a, d) if upright and fills else None


class TooCostly(Exception):
    """The drawing instructions go over the limit (or nest without end)."""


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s/\[\]()<>{}%])")


def _decoded(stream: pikepdf.Stream, limit: int) -> bytes:
    """A content stream's instructions, decoding no more than ``limit`` + 1 bytes of a Flate stream."""
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    try:
        if filters is None:
            data = stream.read_raw_bytes()
        elif filters == pikepdf.Name.FlateDecode and "/DecodeParms" not in stream:
            inflater = zlib.decompressobj()
            data = inflater.decompress(stream.read_raw_bytes(), limit + 1)
        else:
            data = stream.read_bytes()
    except (pikepdf.PdfError, zlib.error, ValueError):
        return b""  # poppler decides what it can draw of it; rendering has its own time limit
    if len(data) > limit:
        raise TooCostly
    return data


class _Costs:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.memo: dict[tuple, int] = {}

    def content(self, data: bytes, resources: object, depth: int, path: frozenset) -> int:
        cost = len(data)
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary) or b"Do" not in data:
            return cost
        for raw_name, times in Counter(m.group(1) for m in _DO.finditer(data)).items():
            form = xobjects.get("/" + raw_name.decode("latin-1"))
            if not isinstance(form, pikepdf.Stream) or form.get("/Subtype") != pikepdf.Name.Form:
                continue
            cost += times * self.form(form, resources, depth + 1, path)
            if cost > self.limit:
                raise TooCostly
        return cost

    def form(self, form: pikepdf.Stream, outer: object, depth: int, path: frozenset) -> int:
        own = form.get("/Resources")
        resources = own if isinstance(own, pikepdf.Dictionary) else outer
        key = (form.objgen, None if own is not None else getattr(outer, "objgen", id(outer)))
        if key in path or depth > _MAX_DEPTH:
            raise TooCostly
        if key not in self.memo:
            self.memo[key] = self.content(_decoded(form, self.limit), resources, depth, path | {key})
        return self.memo[key]


def _appearances(page: pikepdf.Page) -> list[pikepdf.Stream]:
    out = []
    for annot in page.obj.get("/Annots", pikepdf.Array()):
        if not isinstance(annot, pikepdf.Dictionary) or int(annot.get("/F", 0)) & (2 | 32):
            continue
        normal = annot.get("/AP", pikepdf.Dictionary()).get("/N") if "/AP" in annot else None
        if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
            normal = normal.get(str(annot.get("/AS", "")))
        if isinstance(normal, pikepdf.Stream):
            out.append(normal)
    return out


def drawing_cost(page: pikepdf.Page, limit: int) -> int:
    """Bytes of drawing instructions rendering ``page`` runs through (see the module doc).

    Raises:
        TooCostly: more than ``limit``, or forms nesting deeper than 24 or drawing themselves.
    """
    costs = _Costs(limit)
    resources = inherited(page.obj, "/Resources")
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"\n".join(_decoded(s, limit) for s in streams if isinstance(s, pikepdf.Stream))
    if len(data) > limit:
        raise TooCostly
    total = costs.content(data, resources, 0, frozenset())
    for appearance in _appearances(page):
        total += costs.form(appearance, resources, 1, frozenset())
        if total > limit:
            raise TooCostly
    return total
