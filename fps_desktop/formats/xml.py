"""Untrusted XML, parsed safely.

XML from outside is parsed with defusedxml: no DTDs, no entity expansion, no
external resources, and a size cap, so a hostile file is refused, not obeyed.
"""

from __future__ import annotations

import logging
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError

log = logging.getLogger(__name__)

MAX_XML_BYTES = 8 * 1024 * 1024


def parse_xml(data: bytes, what: str = "XML") -> Element:
    """Parse untrusted XML or raise a DocumentError that says why; ``what`` is for the log."""
    if len(data) > MAX_XML_BYTES:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The invoice XML is too large to be an invoice ({mb} MB)."
            ),
            mb=len(data) // (1024 * 1024),
        )
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        log.warning("refused %s: %s", what, exc)
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The invoice XML was refused: it declares entities or a DTD, which invoices "
                "never need and attacks use.",
            )
        ) from exc
    except SafeET.ParseError as exc:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The invoice XML is damaged and cannot be read ({detail})."
            ),
            detail=str(exc)[:80],
        ) from exc


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
