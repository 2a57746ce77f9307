"""METS writers for an AIP_hoso: the package (root) METS and the representation METS (CSIP V2.0.4).

The root METS points at the descriptive metadata (``EAD.xml``), the preservation metadata
(``PREMIS.xml``), the documentation and schema files and the representation METS. Every file
reference carries SIZE, CREATED and a SHA-256 CHECKSUM. File groups carry
``CONTENTINFORMATIONTYPE="OTHER"`` so the package passes both CSIP V2.0.4 and V2.1.0 checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from archive._xml import CSIP_NS, METS_NS, XLINK_NS, XSI_NS, qname, sub, to_bytes
from archive.premis import PackagedFile

PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
CONTENT_CATEGORY = "Textual works – Digital"
OTHER_CONTENT_TYPE = "TT 05/2025/TT-BNV AIP_hoso"
_SCHEMA_LOCATION = (f"{METS_NS} schemas/mets.xsd {XLINK_NS} schemas/xlink.xsd "
                    f"{CSIP_NS} schemas/DILCISExtensionMETS.xsd")
_NSMAP = {"mets": METS_NS, "csip": CSIP_NS, "xlink": XLINK_NS, "xsi": XSI_NS}


def _m(tag: str) -> str:
    """Qualified METS tag."""
    return qname(METS_NS, tag)


def _c(tag: str) -> str:
    """Qualified CSIP extension attribute."""
    return qname(CSIP_NS, tag)


def _x(tag: str) -> str:
    """Qualified xlink attribute."""
    return qname(XLINK_NS, tag)


@dataclass(frozen=True)
class MetsHeader:
    """What both METS files share.

    Attributes:
        objid: Package identifier (``urn:uuid:…``) or representation identifier.
        label: Human-readable label (the dossier title; no personal data).
        created: Creation time, ISO 8601 with +07:00.
        software: Creating software name.
        version: Creating software version.
        archivist: Agency code of the archive (mã cơ quan lưu trữ).
        previous: OBJID of the package version this one replaces (a re-ingest), or None.
    """

    objid: str
    label: str
    created: str
    software: str
    version: str
    archivist: str
    previous: str | None = None


@dataclass(frozen=True)
class RootContent:
    """The files the root METS references (paths relative to the package root)."""

    ead: PackagedFile
    premis: PackagedFile
    documentation: Sequence[PackagedFile]
    schemas: Sequence[PackagedFile]
    representations: Sequence[tuple[str, PackagedFile]]
    """Pairs of representation name (``rep1``) and its METS file."""


@dataclass(frozen=True)
class RepContent:
    """The files a representation METS references (paths relative to the representation folder)."""

    data: Sequence[PackagedFile]
    descriptive: Sequence[PackagedFile] = field(default_factory=tuple)
    preservation: Sequence[PackagedFile] = field(default_factory=tuple)
    other: Sequence[PackagedFile] = field(default_factory=tuple)


def _root_element(head: MetsHeader) -> etree._Element:
    """The ``<mets:mets>`` element with the CSIP attributes and the header."""
    root = etree.Element(_m("mets"), nsmap=_NSMAP, attrib={
        "OBJID": head.objid, "LABEL": head.label, "TYPE": CONTENT_CATEGORY,
        _c("CONTENTINFORMATIONTYPE"): "OTHER", _c("OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_TYPE,
        "PROFILE": PROFILE, qname(XSI_NS, "schemaLocation"): _SCHEMA_LOCATION,
    })
    hdr = sub(root, _m("metsHdr"), attrib={
        "CREATEDATE": head.created, "LASTMODDATE": head.created,
        "RECORDSTATUS": "REPLACEMENT" if head.previous else "NEW", _c("OAISPACKAGETYPE"): "AIP",
    })
    creator = sub(hdr, _m("agent"), attrib={"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    sub(creator, _m("name"), head.software)
    sub(creator, _m("note"), head.version, {_c("NOTETYPE"): "SOFTWARE VERSION"})
    archivist = sub(hdr, _m("agent"), attrib={"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"})
    sub(archivist, _m("name"), head.archivist)
    if head.previous:
        sub(hdr, _m("altRecordID"), head.previous, {"TYPE": "PREVIOUSVERSION"})
    return root


def _checksummed(item: PackagedFile, created: str) -> dict[str, str]:
    """The CSIP attributes shared by ``mdRef`` and ``file``."""
    return {"MIMETYPE": item.fmt.mime, "SIZE": str(item.size), "CREATED": created,
            "CHECKSUM": item.sha256, "CHECKSUMTYPE": "SHA-256"}


def _md_ref(parent: etree._Element, item: PackagedFile, created: str, href: str,
            mdtype: str, other: str | None = None) -> None:
    """Append an ``mdRef`` to a metadata file."""
    attrs = _checksummed(item, created)
    base = {"LOCTYPE": "URL", _x("type"): "simple", _x("href"): href, "MDTYPE": mdtype}
    if other:
        base["OTHERMDTYPE"] = other
    sub(parent, _m("mdRef"), attrib={**base, **attrs})


def _file(grp: etree._Element, fid: str, item: PackagedFile, created: str, href: str) -> None:
    """Append a ``file`` with its ``FLocat`` to a file group."""
    attrs = _checksummed(item, created)
    node = sub(grp, _m("file"), attrib={"ID": fid, **attrs})
    sub(node, _m("FLocat"), attrib={"LOCTYPE": "URL", _x("type"): "simple", _x("href"): href})


def _file_group(sec: etree._Element, use: str, gid: str, items: Sequence[PackagedFile],
                created: str, strip: str = "") -> etree._Element:
    """Append a file group holding ``items``; hrefs are their paths minus ``strip``."""
    grp = sub(sec, _m("fileGrp"), attrib={
        "ID": gid, "USE": use, _c("CONTENTINFORMATIONTYPE"): "OTHER",
        _c("OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_TYPE,
    })
    for number, item in enumerate(items, start=1):
        _file(grp, f"{gid}-file-{number:04d}", item, created, href(item.path, strip))
    return grp


def href(path: str, strip: str = "") -> str:
    """A relative URL for a package path, relative to the folder ``strip``."""
    return path[len(strip):] if strip and path.startswith(strip) else path


def root_mets(head: MetsHeader, content: RootContent) -> bytes:
    """Build the package (root) ``METS.xml``.

    Args:
        head: Identifier, label, creation time and agents.
        content: The files to reference.

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = _root_element(head)
    dmd = sub(root, _m("dmdSec"), attrib={"ID": "dmd-ead", "CREATED": head.created, "STATUS": "CURRENT"})
    _md_ref(dmd, content.ead, head.created, content.ead.path, "OTHER", "simpledc (TT 05/2025 EAD)")
    amd = sub(root, _m("amdSec"), attrib={"ID": "amd"})
    prov = sub(amd, _m("digiprovMD"), attrib={"ID": "digiprov-premis", "STATUS": "CURRENT"})
    _md_ref(prov, content.premis, head.created, content.premis.path, "PREMIS")
    sec = sub(root, _m("fileSec"), attrib={"ID": "filesec"})
    _file_group(sec, "Documentation", "grp-documentation", content.documentation, head.created)
    _file_group(sec, "Schemas", "grp-schemas", content.schemas, head.created)
    reps = [item for _, item in content.representations]
    _file_group(sec, "Representations", "grp-representations", reps, head.created)
    _root_struct_map(root, head.objid, content)
    return to_bytes(root)


def _root_struct_map(root: etree._Element, objid: str, content: RootContent) -> None:
    """Append the CSIP structural map of the package."""
    smap = sub(root, _m("structMap"), attrib={"ID": "structmap-csip", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = sub(smap, _m("div"), attrib={"ID": "div-package", "LABEL": objid})
    sub(top, _m("div"), attrib={"ID": "div-metadata", "LABEL": "Metadata",
                                "DMDID": "dmd-ead", "ADMID": "digiprov-premis"})
    for label, gid in (("Documentation", "grp-documentation"), ("Schemas", "grp-schemas")):
        div = sub(top, _m("div"), attrib={"ID": f"div-{label.lower()}", "LABEL": label})
        sub(div, _m("fptr"), attrib={"FILEID": gid})
    reps = sub(top, _m("div"), attrib={"ID": "div-representations", "LABEL": "Representations"})
    sub(reps, _m("fptr"), attrib={"FILEID": "grp-representations"})
    for name, item in content.representations:
        div = sub(reps, _m("div"), attrib={"ID": f"div-{name}", "LABEL": f"Representations/{name}"})
        sub(div, _m("mptr"), attrib={"LOCTYPE": "URL", _x("type"): "simple", _x("href"): item.path,
                                     _x("title"): "grp-representations"})


def rep_mets(head: MetsHeader, content: RepContent, *, base: str) -> bytes:
    """Build a representation ``METS.xml``.

    Args:
        head: Identifier (e.g. ``rep1``), label, creation time and agents.
        content: The files of the representation (paths relative to the package root).
        base: The representation folder, e.g. ``representations/rep1/``; hrefs are relative to it.

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = _root_element(head)
    dmd_ids = _rep_md_sections(root, head.created, content, base)
    sec = sub(root, _m("fileSec"), attrib={"ID": "rep-filesec"})
    _file_group(sec, "Data", "rep-grp-data", content.data, head.created, base)
    smap = sub(root, _m("structMap"), attrib={"ID": "rep-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = sub(smap, _m("div"), attrib={"ID": "rep-div", "LABEL": head.objid})
    meta = sub(top, _m("div"), attrib={"ID": "rep-div-metadata", "LABEL": "Metadata"})
    if dmd_ids[0]:
        meta.set("DMDID", " ".join(dmd_ids[0]))
    if dmd_ids[1]:
        meta.set("ADMID", " ".join(dmd_ids[1]))
    data = sub(top, _m("div"), attrib={"ID": "rep-div-data", "LABEL": "Data"})
    sub(data, _m("fptr"), attrib={"FILEID": "rep-grp-data"})
    return to_bytes(root)


def _rep_md_sections(root: etree._Element, created: str, content: RepContent,
                     base: str) -> tuple[list[str], list[str]]:
    """Append dmdSec / amdSec for the representation's metadata files; return their IDs."""
    dmd_ids: list[str] = []
    for number, item in enumerate(content.descriptive, start=1):
        dmd_id = f"rep-dmd-{number:04d}"
        dmd = sub(root, _m("dmdSec"), attrib={"ID": dmd_id, "CREATED": created, "STATUS": "CURRENT"})
        _md_ref(dmd, item, created, href(item.path, base), "OTHER", "simpledc (TT 05/2025 EAD_doc)")
        dmd_ids.append(dmd_id)
    adm_ids: list[str] = []
    if content.preservation or content.other:
        amd = sub(root, _m("amdSec"), attrib={"ID": "rep-amd"})
        for number, item in enumerate(content.other, start=1):
            adm_ids.append(f"rep-tech-{number:04d}")
            tech = sub(amd, _m("techMD"), attrib={"ID": adm_ids[-1], "STATUS": "CURRENT"})
            _md_ref(tech, item, created, href(item.path, base), "OTHER", "sohoa derived data")
        for number, item in enumerate(content.preservation, start=1):
            adm_ids.append(f"rep-digiprov-{number:04d}")
            prov = sub(amd, _m("digiprovMD"), attrib={"ID": adm_ids[-1], "STATUS": "CURRENT"})
            _md_ref(prov, item, created, href(item.path, base), "PREMIS")
    return dmd_ids, adm_ids
