"""The ground floor: what a file is and how to read and write it. No Qt.

Below ``documents/`` and ``invoices/``, importing neither (nor printing, ui, Qt):

- ``sniff``: what a file really is (``FileKind``, ``sniff_kind``), whatever its name says.
- ``problems``: why a file cannot be printed (``Problem``), the codes a manifest stores.
- ``pdf``: opening, proving, preparing PDFs for print; pictures placed as pages; the
  decoder workers (``DECODERS``, ``isolated``, ``render_page``).
- ``images``: every picture format, read with Pillow as a photo viewer shows it, and the
  one pixel limit for pictures alone, in a PDF or in an OFD.
- ``ofd``: OFD packages opened within limits (``package``), their model (``document``),
  drawn as PDF pages (``painter``), the seal found in the signature (``seal``).
- ``xml``: untrusted XML parsed safely.
- ``drawing``: text and QR codes written into PDF pages; ``MM``, a millimetre in points.
- ``mupdf``: the one lock that keeps PyMuPDF single-threaded.
- ``sandbox``: worker processes with a memory cap and a time limit.
"""
