"""Active content in a PDF: what makes it more than scanned pages, so it is not taken in unseen.

A scanner never writes JavaScript, launch actions, attachments or form actions that send data out.
Such a PDF is quarantined for a person to look at (nothing of it would reach the archive — pages
are taken as images — but a file crafted to act when opened deserves a look). Links to a web page
or another file (``/URI``, ``/GoToR``, ``/GoToE``) do nothing until a reader clicks them, and
signed e-copies and agencies' own PDFs often carry one (a portal, a verification page): they are
noted (``links`` in the source's facts), never a reason to refuse the document.
Actions are found wherever a viewer runs them: the document's open action and triggers, named
JavaScript, pages' triggers, every annotation's action and triggers (links, form-field widgets),
the form fields of the AcroForm tree, bookmarks — and along each action's ``/Next`` chain.
"""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

KINDS = ("javascript", "launch", "external_link", "attachments")
"""Kinds :func:`actions_in` finds that are refused, most serious first (quarantine reason ``pdf_<kind>``)."""
LINK = "link"
"""A link out of the document (web page, other file): noted, not refused."""
_ACTION_KIND = {"/JavaScript": "javascript", "/Rendition": "javascript", "/Launch": "launch",
                "/URI": LINK, "/GoToR": LINK, "/GoToE": LINK,
                "/SubmitForm": "external_link", "/ImportData": "external_link"}
_LIMIT = 100_000
"""Objects looked at, at most: a loop or a huge tree ends the walk (its kinds found so far stand)."""

MESSAGES_VI = {
    "javascript": "Tệp PDF có mã JavaScript, không phải bản quét: cần kiểm tra.",
    "launch": "Tệp PDF có lệnh mở chương trình khác (Launch), không phải bản quét: cần kiểm tra.",
    "external_link": "Tệp PDF có lệnh gửi dữ liệu ra ngoài (biểu mẫu), không phải bản quét: cần kiểm tra.",
    "attachments": "Tệp PDF có tệp đính kèm, không phải bản quét: cần kiểm tra.",
}


class _Walk:
    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.seen: set[tuple[int, int]] = set()
        self.count = 0

    def fresh(self, obj: object) -> bool:
        """Whether ``obj`` is new to the walk (direct objects always are); False past the limit."""
        self.count += 1
        if self.count > _LIMIT:
            return False
        objgen = getattr(obj, "objgen", (0, 0))
        if objgen != (0, 0):
            if objgen in self.seen:
                return False
            self.seen.add(objgen)
        return True

    def action(self, action: object) -> None:
        """An action and its ``/Next`` chain (a dictionary or an array of them)."""
        todo = [action]
        while todo:
            item = todo.pop()
            if isinstance(item, pikepdf.Array):
                todo.extend(item)
                continue
            if not isinstance(item, pikepdf.Dictionary) or not self.fresh(item):
                continue
            kind = _ACTION_KIND.get(str(item.get("/S", "")))
            if kind:
                self.kinds.add(kind)
            if "/Next" in item:
                todo.append(item.Next)

    def triggers(self, holder: pikepdf.Dictionary) -> None:
        """An object's ``/A`` action and its ``/AA`` additional actions."""
        if "/A" in holder:
            self.action(holder.A)
        triggers = holder.get("/AA")
        if isinstance(triggers, pikepdf.Dictionary):
            for action in triggers.values():
                self.action(action)


def _tree(first: object, walk: _Walk, child: str, sibling: str | None) -> Iterator[pikepdf.Dictionary]:
    """Nodes of an outline (``/First`` … ``/Next``) or field tree (``/Kids``), each once."""
    todo = [first]
    while todo:
        node = todo.pop()
        if isinstance(node, pikepdf.Array):
            todo.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or not walk.fresh(node):
            continue
        yield node
        if child in node:
            todo.append(node[child])
        if sibling and sibling in node:
            todo.append(node[sibling])


def actions_in(pdf: pikepdf.Pdf) -> frozenset[str]:
    """Every kind of action ``pdf`` carries: :data:`KINDS` and :data:`LINK`."""
    walk = _Walk()
    root = pdf.Root
    names = root.get("/Names", pikepdf.Dictionary())
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            walk.kinds.add("javascript")
        if "/EmbeddedFiles" in names:
            walk.kinds.add("attachments")
    if "/OpenAction" in root:
        walk.action(root.OpenAction)
    walk.triggers(root)
    for page in pdf.pages:
        walk.triggers(page.obj)
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                walk.kinds.add("attachments")
            walk.triggers(annot)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        for field in _tree(form.get("/Fields"), walk, "/Kids", None):
            walk.triggers(field)
    outlines = root.get("/Outlines")
    if isinstance(outlines, pikepdf.Dictionary):
        for item in _tree(outlines.get("/First"), walk, "/First", "/Next"):
            walk.triggers(item)
    return frozenset(walk.kinds)
