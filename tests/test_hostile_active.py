"""Active content wherever a viewer would run it: launch actions, links out, JavaScript along /Next
chains, form-field and bookmark actions. Scanner output never holds any; such a PDF is quarantined."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from inputs import caption_image, image_pdf

from scanners.model import Dossier
from scanners.read import read_pages
from sohoa.errors import UnsupportedInputError


def _action(kind: str, **extra: object) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name("/" + kind), **extra)


def _js() -> pikepdf.Dictionary:
    return _action("JavaScript", JS=pikepdf.String("app.alert(1)"))


def _goto(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return _action("GoTo", D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]))


def _link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                 Rect=[0, 0, 50, 50], A=action))
    pdf.pages[0].obj.Annots = pikepdf.Array([annot])


def _form_field(pdf: pikepdf.Pdf, **actions: object) -> None:
    widget = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                  Rect=[0, 0, 50, 20], P=pdf.pages[0].obj))
    field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Btn, T="Gui", Kids=[widget], **actions))
    widget.Parent = field
    pdf.pages[0].obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])


def _outline(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    first = pdf.make_indirect(pikepdf.Dictionary(Title="Trang 1", Parent=outlines, A=_goto(pdf)))
    second = pdf.make_indirect(pikepdf.Dictionary(Title="Xem them", Parent=outlines, Prev=first, A=action))
    first.Next = second
    outlines.First, outlines.Last, outlines.Count = first, second, 2
    pdf.Root.Outlines = outlines


def _next_chain(pdf: pikepdf.Pdf) -> None:
    """GoTo → GoTo → JavaScript, the script two steps down the open action's /Next chain."""
    last = _goto(pdf)
    last.Next = pikepdf.Array([_goto(pdf), _js()])
    first = _goto(pdf)
    first.Next = last
    pdf.Root.OpenAction = first


def _looping_chain(pdf: pikepdf.Pdf) -> None:
    """Two GoTo actions whose /Next point at each other, then a launch action: no endless walk."""
    a, b = pdf.make_indirect(_goto(pdf)), pdf.make_indirect(_goto(pdf))
    a.Next, b.Next = b, pikepdf.Array([a, _action("Launch", F="cmd.exe")])
    pdf.Root.OpenAction = a


CASES: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "launch-on-open": (lambda pdf: setattr(pdf.Root, "OpenAction", _action("Launch", F="cmd.exe")), "pdf_launch"),
    "javascript-down-a-next-chain": (_next_chain, "pdf_javascript"),
    "looping-next-chain": (_looping_chain, "pdf_launch"),
    "form-field-action": (lambda pdf: _form_field(pdf, A=_action("SubmitForm", F="http://example.invalid")),
                          "pdf_external_link"),
    "form-field-trigger": (lambda pdf: _form_field(pdf, AA=pikepdf.Dictionary(K=_js())), "pdf_javascript"),
    "uri-then-launch-down-a-chain": (lambda pdf: _link(pdf, _next_after(_action("URI", URI="http://example.invalid"),
                                                                           _action("Launch", F="x.exe"))),
                                     "pdf_launch"),
    "page-trigger": (lambda pdf: setattr(pdf.pages[0].obj, "AA", pikepdf.Dictionary(O=_js())), "pdf_javascript"),
    "javascript-and-launch": (lambda pdf: (_link(pdf, _action("Launch", F="x.exe")),
                                           setattr(pdf.Root, "OpenAction", _js())), "pdf_javascript"),
}


def _next_after(action: pikepdf.Dictionary, then: pikepdf.Dictionary) -> pikepdf.Dictionary:
    action.Next = then
    return action


def _pdf(tmp_path: Path, name: str, change: Callable[[pikepdf.Pdf], None]) -> Path:
    path = image_pdf(tmp_path / f"{name}.pdf", caption_image((200, 100)), page_pt=(144, 72))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)
    return path


@pytest.mark.parametrize("name", CASES)
def test_active_content_is_refused_with_its_kind(tmp_path: Path, name: str) -> None:
    change, reason = CASES[name]
    path = _pdf(tmp_path, name, change)
    with pytest.raises(UnsupportedInputError) as info:
        read_pages(Dossier(name, path, path.name, "pdf"), tmp_path)
    assert info.value.reason == reason and info.value.message_vi


def test_links_inside_the_document_and_plain_form_fields_are_not_active_content(tmp_path: Path) -> None:
    def harmless(pdf: pikepdf.Pdf) -> None:
        _form_field(pdf)
        _outline(pdf, _goto(pdf))
        pdf.Root.OpenAction = _goto(pdf)

    path = _pdf(tmp_path, "harmless", harmless)
    out = tmp_path / "out"
    out.mkdir()
    assert len(read_pages(Dossier("harmless", path, path.name, "pdf"), out)) == 1


def test_links_out_of_the_document_are_noted_not_refused(tmp_path: Path) -> None:
    """A web link (a portal, a verification page: common on signed e-copies), a link to another file
    and a bookmark to a web page do nothing until clicked: the PDF is read, the links are noted."""
    from scanners.read import read_source

    def linked(pdf: pikepdf.Pdf) -> None:
        _link(pdf, _action("URI", URI="http://example.invalid/x"))
        _link(pdf, _action("GoToR", F="other.pdf", D=[0, pikepdf.Name.Fit]))
        _outline(pdf, _action("URI", URI="http://example.invalid"))

    path = _pdf(tmp_path, "linked", linked)
    out = tmp_path / "out"
    out.mkdir()
    read = read_source(Dossier("linked", path, path.name, "pdf"), out)
    assert len(read.pages) == 1 and read.facts.get("links") is True
