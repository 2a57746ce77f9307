"""PREMIS v3 preservation metadata: objects, events, agents — the whole story of a package.

- **Objects**: every file of the package (SHA-256 fixity, size, PRONOM format; a signed document
  also its ``signatureInformation``: signer, time, PAdES level, method, value), and the original
  scan it came from (not kept in the package: its SHA-256 and size, so a re-ingest can be told
  from a different dossier).
- **Events**, in time order (TT 05/2025: digitization is ``transfer``, packaging ``information
  package creation``), each linked to the objects it started from (role ``source``) and made
  (role ``outcome``), and to its agents.
- **Agents**: the software (``sohoa 0.1.0``), the organization that authorised an event (the
  agency that signs), each person who acted (by account name) and the capture device; their
  identifiers are derived from type and name, so the same agent has the same identifier in
  every package and version.

All dates are ISO 8601 in Vietnam time (``+07:00``).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from archive._xml import PREMIS_NS, XSI_NS, qname, sub, to_bytes
from archive.formats import FileFormat
from archive.model import PremisEvent, SignatureInfo, SourceInfo, iso_vn

_SCHEMA_LOCATION = f"{PREMIS_NS} https://www.loc.gov/standards/premis/v3/premis.xsd"
SOURCE_OBJECT = "original-scan"
"""Identifier of the original scan's object (events name it in ``sources``)."""
_AGENT_ROLES = {"software": "executing program", "organization": "authorizer", "person": "implementer",
                "hardware": "capture device"}


@dataclass(frozen=True)
class PackagedFile:
    """A file inside a package, as METS and PREMIS describe it.

    Attributes:
        path: Path relative to the package root, POSIX style.
        size: Size in bytes.
        sha256: SHA-256 hex digest.
        fmt: Format (media type, PRONOM identifier).
    """

    path: str
    size: int
    sha256: str
    fmt: FileFormat


def _p(tag: str) -> str:
    """Qualified PREMIS tag."""
    return qname(PREMIS_NS, tag)


def premis_document(files: Sequence[PackagedFile], events: Sequence[PremisEvent], *, originator: str,
                    source: SourceInfo | None = None,
                    signatures: Mapping[str, SignatureInfo] | None = None) -> bytes:
    """Build a PREMIS v3 document.

    Args:
        files: The objects to describe; identifiers are their package-relative paths.
        events: Preservation events; written in time order (a stable sort: ties keep their order).
        originator: Who computed the checksums (``messageDigestOriginator``).
        source: The original scan, described as an object of its own.
        signatures: Package-relative path → the signature of that document.

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = etree.Element(_p("premis"), nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
                         attrib={"version": "3.0", qname(XSI_NS, "schemaLocation"): _SCHEMA_LOCATION})
    if source is not None:
        root.append(source_object(source, originator))
    for item in files:
        root.append(file_object(item, originator, (signatures or {}).get(item.path)))
    ordered = sorted(events, key=lambda e: e.time)
    for number, event in enumerate(ordered, start=1):
        root.append(event_element(event, f"event-{number:03d}"))
    for kind, name in event_agents(ordered):
        root.append(agent_element(kind, name))
    return to_bytes(root)


def _identifier(parent: etree._Element, kind: str, value: str, id_type: str = "local") -> None:
    """Append a PREMIS ``<kind>Identifier``."""
    ident = sub(parent, _p(f"{kind}Identifier"))
    sub(ident, _p(f"{kind}IdentifierType"), id_type)
    sub(ident, _p(f"{kind}IdentifierValue"), value)


def file_object(item: PackagedFile, originator: str, signature: SignatureInfo | None = None) -> etree._Element:
    """One file object with its fixity, size, format and (for a signed document) its signature."""
    obj = etree.Element(_p("object"), attrib={qname(XSI_NS, "type"): "premis:file"})
    _identifier(obj, "object", item.path)
    chars = sub(obj, _p("objectCharacteristics"))
    sub(chars, _p("compositionLevel"), "0")
    _fixity(chars, item.sha256, originator)
    sub(chars, _p("size"), str(item.size))
    _add_format(chars, item.fmt)
    if signature is not None:
        _add_signature(obj, signature)
    return obj


def _fixity(chars: etree._Element, sha256: str, originator: str) -> None:
    fixity = sub(chars, _p("fixity"))
    sub(fixity, _p("messageDigestAlgorithm"), "SHA-256")
    sub(fixity, _p("messageDigest"), sha256)
    sub(fixity, _p("messageDigestOriginator"), originator)


def source_object(source: SourceInfo, originator: str) -> etree._Element:
    """The original scan: a file (its SHA-256 and size), or a folder of page images (its manifest's).

    A folder is a PREMIS representation, which carries no fixity: its manifest digest goes into
    a significant property instead. The original is not kept in the package (its location says so).
    """
    kind = "file" if source.kind == "file" else "representation"
    obj = etree.Element(_p("object"), attrib={qname(XSI_NS, "type"): f"premis:{kind}"})
    _identifier(obj, "object", SOURCE_OBJECT)
    pages = f"; pages {source.pages[0]}-{source.pages[-1]} of it" if source.pages else ""
    _significant(obj, "role", f"the scanner output this package was digitized from{pages}")
    if kind == "file":
        chars = sub(obj, _p("objectCharacteristics"))
        sub(chars, _p("compositionLevel"), "0")
        _fixity(chars, source.sha256, originator)
        sub(chars, _p("size"), str(source.size))
        sub(sub(sub(chars, _p("format")), _p("formatDesignation")), _p("formatName"), source.media_type)
    else:
        _significant(obj, "manifest SHA-256",
                     f"{source.sha256} (SHA-256 over each file's relative name and SHA-256, in natural order)")
        _significant(obj, "size", f"{source.size} bytes in all")
    storage = sub(obj, _p("storage"))
    location = sub(storage, _p("contentLocation"))
    sub(location, _p("contentLocationType"), "other")
    sub(location, _p("contentLocationValue"), "not in this package (the scanner's inbox; the paper original)")
    return obj


def _significant(obj: etree._Element, kind: str, value: str) -> None:
    prop = sub(obj, _p("significantProperties"))
    sub(prop, _p("significantPropertiesType"), kind)
    sub(prop, _p("significantPropertiesValue"), value)


def _add_format(chars: etree._Element, fmt: FileFormat) -> None:
    """Append ``<format>`` with the name, version and PRONOM key when known."""
    form = sub(chars, _p("format"))
    designation = sub(form, _p("formatDesignation"))
    sub(designation, _p("formatName"), fmt.name)
    if fmt.version:
        sub(designation, _p("formatVersion"), fmt.version)
    if fmt.pronom:
        registry = sub(form, _p("formatRegistry"))
        sub(registry, _p("formatRegistryName"), "PRONOM")
        sub(registry, _p("formatRegistryKey"), fmt.pronom)
        sub(registry, _p("formatRegistryRole"), "specification")


def _add_signature(obj: etree._Element, signature: SignatureInfo) -> None:
    """Append ``signatureInformation``: who signed, when, at which PAdES level, how, and the value."""
    node = sub(sub(obj, _p("signatureInformation")), _p("signature"))
    sub(node, _p("signatureEncoding"), "Base64")
    sub(node, _p("signer"), signature.signer)
    sub(node, _p("signatureMethod"), f"{signature.method} (PAdES {signature.level}, ETSI.CAdES.detached)")
    sub(node, _p("signatureValue"), signature.value)
    sub(node, _p("signatureValidationRules"),
        f"ETSI EN 319 142-1 PAdES baseline {signature.level}; validated with pyHanko (sohoa verify)")
    sub(node, _p("signatureProperties"), f"signing time: {iso_vn(signature.time)}")
    sub(node, _p("signatureProperties"), f"PAdES level: {signature.level}")
    for extra in signature.properties:
        sub(node, _p("signatureProperties"), extra)


def event_element(event: PremisEvent, identifier: str) -> etree._Element:
    """One event, linked to its agents and to the objects it started from and made."""
    node = etree.Element(_p("event"))
    _identifier(node, "event", identifier)
    sub(node, _p("eventType"), event.event_type)
    sub(node, _p("eventDateTime"), event.time_iso)
    sub(sub(node, _p("eventDetailInformation")), _p("eventDetail"), event.detail)
    sub(sub(node, _p("eventOutcomeInformation")), _p("eventOutcome"), event.outcome)
    for kind, name in _agents_of(event):
        link = sub(node, _p("linkingAgentIdentifier"))
        sub(link, _p("linkingAgentIdentifierType"), "local")
        sub(link, _p("linkingAgentIdentifierValue"), agent_id(kind, name))
        sub(link, _p("linkingAgentRole"), _AGENT_ROLES[kind])
    for role, objects in (("source", event.sources), ("outcome", event.outcomes)):
        for value in objects:
            link = sub(node, _p("linkingObjectIdentifier"))
            sub(link, _p("linkingObjectIdentifierType"), "local")
            sub(link, _p("linkingObjectIdentifierValue"), value)
            sub(link, _p("linkingObjectRole"), role)
    return node


def _agents_of(event: PremisEvent) -> list[tuple[str, str]]:
    """(kind, name) of every agent of an event: the software first."""
    pairs = [("software", event.agent), ("organization", event.organization), ("person", event.person),
             ("hardware", event.hardware)]
    return [(kind, name) for kind, name in pairs if name.strip()]


def event_agents(events: Iterable[PremisEvent]) -> list[tuple[str, str]]:
    """Every distinct agent of ``events``, in order of first appearance."""
    return list(dict.fromkeys(pair for event in events for pair in _agents_of(event)))


def agent_element(kind: str, name: str) -> etree._Element:
    """One agent: software, organization, person or hardware."""
    node = etree.Element(_p("agent"))
    _identifier(node, "agent", agent_id(kind, name))
    sub(node, _p("agentName"), name)
    sub(node, _p("agentType"), kind)
    return node


def agent_id(kind: str, name: str) -> str:
    """A stable identifier: ``agent-software-sohoa-0.1.0`` for the software ``sohoa 0.1.0``.

    Vietnamese names are folded to ASCII (``Ủy ban`` → ``uy-ban``).
    """
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", folded.encode("ascii", "ignore").decode()).strip("-").lower()
    return f"agent-{kind}-{slug or 'unnamed'}"


def next_premis(previous: bytes, files: Sequence[PackagedFile], events: Sequence[PremisEvent], *,
                originator: str, signatures: Mapping[str, SignatureInfo] | None = None) -> bytes:
    """The PREMIS document of a package's next version: the story so far, then the new events.

    The original scan's object, every earlier event and agent are kept as they were. A file
    unchanged since the previous version keeps its object as it was (with its signature); a new
    or replaced file gets a new object. New events follow, in time order, numbered after the old.

    Args:
        previous: The previous version's PREMIS document.
        files: Every file of the new version (package-relative paths).
        events: The events that made the new version.
        originator: Who computed the checksums.
        signatures: Package-relative path → signature, for new or replaced documents.
    """
    old = etree.fromstring(previous, etree.XMLParser(resolve_entities=False, no_network=True))
    root = etree.Element(_p("premis"), nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
                         attrib={"version": "3.0", qname(XSI_NS, "schemaLocation"): _SCHEMA_LOCATION})
    kept, by_digest = {}, {}
    for obj in list(old.iter(_p("object"))):
        ident = obj.findtext(f"{_p('objectIdentifier')}/{_p('objectIdentifierValue')}")
        if ident == SOURCE_OBJECT:
            root.append(obj)
        else:
            kept[(ident, obj.findtext(f".//{_p('messageDigest')}"))] = obj
            by_digest.setdefault(obj.findtext(f".//{_p('messageDigest')}"), obj)
    for item in files:
        same = kept.get((item.path, item.sha256))
        if same is None and item.sha256 in by_digest and item.path not in (signatures or {}):
            same = copy.deepcopy(by_digest[item.sha256])  # the same file under a new name (a new code)
            same.find(f"{_p('objectIdentifier')}/{_p('objectIdentifierValue')}").text = item.path
        root.append(same if same is not None else file_object(item, originator, (signatures or {}).get(item.path)))
    old_events = list(old.iter(_p("event")))
    root.extend(old_events)
    for number, event in enumerate(sorted(events, key=lambda e: e.time), start=len(old_events) + 1):
        root.append(event_element(event, f"event-{number:03d}"))
    agents = {node.findtext(f"{_p('agentIdentifier')}/{_p('agentIdentifierValue')}"): node
              for node in old.iter(_p("agent"))}
    for kind, name in event_agents(events):
        agents.setdefault(agent_id(kind, name), agent_element(kind, name))
    root.extend(agents.values())
    return to_bytes(root)
