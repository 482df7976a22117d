"""Printing from the command line: QPrinter needs a QGuiApplication, not a screen."""

from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication

from fps_desktop.cli.terminal import run_in_terminal
from fps_desktop.jobs import Job, JobResult
from fps_desktop.ui.spooler import PrinterOptions, make_printer, spool


def print_headless(print_pdf: bytes, options: PrinterOptions) -> int:
    if QGuiApplication.instance() is None and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - must outlive printing
    printer = make_printer(options)

    def run(progress, cancel) -> JobResult:
        sheets = spool(print_pdf, printer, options.grayscale, progress, cancel)
        return JobResult(summary=str(sheets), data=sheets)

    return run_in_terminal(Job("Printing", run)).data
