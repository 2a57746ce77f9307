"""PREMIS v3 preservation metadata: file objects (SHA-256 fixity, size, PRONOM format), events, agents.

Agents are the software named in the events (``sohoa 0.1.0``); their identifiers are derived from
the name so the same agent gets the same identifier in every package.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from archive._xml import PREMIS_NS, XSI_NS, qname, sub, to_bytes
from archive.formats import FileFormat
from archive.model import PremisEvent

_SCHEMA_LOCATION = f"{PREMIS_NS} https://www.loc.gov/standards/premis/v3/premis.xsd"


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


def premis_document(files: Sequence[PackagedFile], events: Sequence[PremisEvent], *,
                    originator: str) -> bytes:
    """Build a PREMIS v3 document.

    Args:
        files: The objects to describe; identifiers are their package-relative paths.
        events: Preservation events, written in the given order.
        originator: Who computed the checksums (``messageDigestOriginator``).

    Returns:
        The XML document as UTF-8 bytes.
    """
    root = etree.Element(_p("premis"), nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
                         attrib={"version": "3.0", qname(XSI_NS, "schemaLocation"): _SCHEMA_LOCATION})
    for item in files:
        _add_object(root, item, originator)
    for number, event in enumerate(events, start=1):
        _add_event(root, event, number)
    for name in dict.fromkeys(event.agent for event in events):
        _add_agent(root, name)
    return to_bytes(root)


def _identifier(parent: etree._Element, kind: str, value: str) -> None:
    """Append a PREMIS ``<kind>Identifier`` with type ``local``."""
    ident = sub(parent, _p(f"{kind}Identifier"))
    sub(ident, _p(f"{kind}IdentifierType"), "local")
    sub(ident, _p(f"{kind}IdentifierValue"), value)


def _add_object(root: etree._Element, item: PackagedFile, originator: str) -> None:
    """Append one file object with its fixity, size and format."""
    obj = sub(root, _p("object"), attrib={qname(XSI_NS, "type"): "premis:file"})
    _identifier(obj, "object", item.path)
    chars = sub(obj, _p("objectCharacteristics"))
    sub(chars, _p("compositionLevel"), "0")
    fixity = sub(chars, _p("fixity"))
    sub(fixity, _p("messageDigestAlgorithm"), "SHA-256")
    sub(fixity, _p("messageDigest"), item.sha256)
    sub(fixity, _p("messageDigestOriginator"), originator)
    sub(chars, _p("size"), str(item.size))
    _add_format(chars, item.fmt)


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


def _add_event(root: etree._Element, event: PremisEvent, number: int) -> None:
    """Append one event, linked to the agent that performed it."""
    node = sub(root, _p("event"))
    _identifier(node, "event", f"event-{number:03d}")
    sub(node, _p("eventType"), event.event_type)
    sub(node, _p("eventDateTime"), event.time_iso)
    sub(sub(node, _p("eventDetailInformation")), _p("eventDetail"), event.detail)
    sub(sub(node, _p("eventOutcomeInformation")), _p("eventOutcome"), event.outcome)
    link = sub(node, _p("linkingAgentIdentifier"))
    sub(link, _p("linkingAgentIdentifierType"), "local")
    sub(link, _p("linkingAgentIdentifierValue"), agent_id(event.agent))
    sub(link, _p("linkingAgentRole"), "executing program")


def _add_agent(root: etree._Element, name: str) -> None:
    """Append one software agent."""
    node = sub(root, _p("agent"))
    _identifier(node, "agent", agent_id(name))
    sub(node, _p("agentName"), name)
    sub(node, _p("agentType"), "software")


def agent_id(name: str) -> str:
    """A stable identifier for an agent name: ``agent-sohoa-0.1.0`` for ``sohoa 0.1.0``."""
    return "agent-" + re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-").lower()
