"""The one lock that keeps PyMuPDF single-threaded.

PyMuPDF shares one MuPDF context between threads and is not thread-safe, so
every call into it from a worker holds ``mupdf_lock`` for one short step (a
page, a file); the GUI never waits long because the steps are small.
"""

from __future__ import annotations

import threading

import pymupdf

mupdf_lock = threading.RLock()
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)
