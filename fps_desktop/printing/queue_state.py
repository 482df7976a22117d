"""What became of a job in the print queue, in the words the window, the audit log and
PBMS use: its state, the system's reason, and the job as the queue numbers it.

Shared by the CUPS queue (``os_queue.py``) and the Windows spooler
(``windows_queue.py``), and by everything that shows a print's outcome. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from fps_desktop.errors import QT_TRANSLATE_NOOP, Words

# A job's state as the window, the audit log and PBMS name it.
QUEUED, PRINTING, HELD, COMPLETED, CANCELLED, FAILED, REFUSED = (
    "queued", "printing", "held", "completed", "cancelled", "failed", "refused")  # fmt: skip
FINAL = (COMPLETED, CANCELLED, FAILED, REFUSED)
STATE_WORDS = {
    QUEUED: QT_TRANSLATE_NOOP("Printing", "queued"),
    PRINTING: QT_TRANSLATE_NOOP("Printing", "printing"),
    HELD: QT_TRANSLATE_NOOP("Printing", "held"),
    COMPLETED: QT_TRANSLATE_NOOP("Printing", "completed"),
    CANCELLED: QT_TRANSLATE_NOOP("Printing", "cancelled"),
    FAILED: QT_TRANSLATE_NOOP("Printing", "failed"),
    REFUSED: QT_TRANSLATE_NOOP("Printing", "refused"),
}

# The print system's reasons a clerk can act on, in words (the "Printing" context).
REASONS = {
    "paused": QT_TRANSLATE_NOOP("Printing", "the printer is paused"),
    "rejecting": QT_TRANSLATE_NOOP("Printing", "the printer is not accepting jobs"),
    "not-found": QT_TRANSLATE_NOOP("Printing", "the printer does not exist (any more)"),
    "media-empty": QT_TRANSLATE_NOOP("Printing", "out of paper"),
    "media-needed": QT_TRANSLATE_NOOP("Printing", "out of paper"),
    "media-jam": QT_TRANSLATE_NOOP("Printing", "paper jam"),
    "toner-empty": QT_TRANSLATE_NOOP("Printing", "out of toner"),
    "marker-supply-empty": QT_TRANSLATE_NOOP("Printing", "out of toner or ink"),
    "door-open": QT_TRANSLATE_NOOP("Printing", "a door of the printer is open"),
    "offline": QT_TRANSLATE_NOOP("Printing", "the printer is offline"),
    "error": QT_TRANSLATE_NOOP("Printing", "the printer reports an error"),
    "cancelled": QT_TRANSLATE_NOOP("Printing", "cancelled in the print queue"),
    "no-answer": QT_TRANSLATE_NOOP("Printing", "the print system does not answer"),
}


@dataclass(frozen=True)
class QueueState:
    """Where a job stands: one of the states above, the system's reason and its own words."""

    state: str
    reason: str = ""  # a key of REASONS, or the system's own keyword
    detail: str = ""  # the system's message, untranslated, for the log and the audit

    @property
    def final(self) -> bool:
        return self.state in FINAL

    @property
    def said(self) -> Words:
        """The state in words, translated wherever it is shown."""
        return Words(STATE_WORDS[self.state], "Printing")

    @property
    def said_reason(self) -> str:
        """The reason in words (``Words``) when it is one a clerk can act on, else the
        system's own message or keyword."""
        return reason_words(self.reason, self.detail)


def reason_words(reason: str, detail: str = "") -> str:
    """The one way a print system's reason is said: the window's status bar, the Jobs
    list, an error and the command line all go through here."""
    if reason in REASONS:
        return Words(REASONS[reason], "Printing")
    return detail or reason


@dataclass(frozen=True)
class Submitted:
    printer: str
    job_id: int
