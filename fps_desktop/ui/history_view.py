"""The audit history: who pushed which GUID, what was printed where."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.audit import AuditLog, described_changes, event_of
from fps_desktop.config import Paths
from fps_desktop.errors import FpsError
from fps_desktop.listener.refusals import NO_ORIGIN, OTHER_ORIGINS
from fps_desktop.listener.server import LINK, LOCAL, audited_sender
from fps_desktop.printing.queue_state import COMPLETED, STATE_WORDS


class HistoryView(QWidget):
    """The audit log for the clerk: pushes with who sent them and why any was refused."""

    def __init__(self, paths: Paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audit = AuditLog(paths)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Event"), self.tr("GUID"), self.tr("From / printer"),
             self.tr("Result")]
        )  # fmt: skip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        self.problem = QLabel(self)  # why the history cannot be shown, if it cannot
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        try:
            entries = self.audit.entries()
            self.problem.hide()
        except FpsError as exc:
            entries = []
            self.problem.setText(exc.translated(QCoreApplication.translate))
            self.problem.show()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            if event_of(entry) == "print":
                cells = [entry.get("time"), self.tr("Print"), entry.get("guid"),
                         entry.get("printer"), self._print_outcome(entry)]  # fmt: skip
            elif event_of(entry) == "correction":
                what = self.tr("{changes}, entered by {by}").format(
                    changes=described_changes(entry), by=entry.get("user") or "?"
                )
                cells = [entry.get("time"), self.tr("Entered"), entry.get("guid"),
                         entry.get("file"), what]  # fmt: skip
            elif event_of(entry) == "other":
                cells = [entry.get("time"), self.tr("Other"), entry.get("guid") or "—", "",
                         self.tr("An event this version does not know")]  # fmt: skip
            else:
                cells = [entry.get("time"), self.tr("Received"), entry.get("guid") or "—",
                         self._sender(audited_sender(entry)), self._outcome(entry)]  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(str(text or ""))
                if column == 4 and entry.get("reason"):
                    item.setToolTip(str(entry["reason"]))  # the code IT looks up in the guide
                self.table.setItem(row, column, item)

    def _sender(self, origin: str) -> str:
        senders = {
            LOCAL: self.tr("this computer"),
            LINK: self.tr("a fpsdesktop link"),
            NO_ORIGIN: self.tr("no Origin header (a program or a page)"),
            OTHER_ORIGINS: self.tr("many other web sites"),
        }
        return senders.get(origin, origin)

    def _print_outcome(self, entry: dict) -> str:
        """Only what the line holds: refusals written before every print line had one shape
        carry no copies or layout. A print that did not complete says how it ended."""
        files = len(entry.get("files") or [])
        if entry.get("copies") is None or not entry.get("layout"):
            outcome = self.tr("Files: {files}").format(files=files)
        else:
            outcome = self.tr("Copies: {copies}, files: {files}, layout: {layout}").format(
                copies=entry["copies"], files=files, layout=entry["layout"]
            )
        state = entry.get("state")
        if state == COMPLETED:
            return outcome
        said = QCoreApplication.translate("Printing", STATE_WORDS.get(state, str(state)))
        return self.tr("{state} — {outcome}").format(state=said.capitalize(), outcome=outcome)

    def _outcome(self, entry: dict) -> str:
        outcome = self._reason(entry)
        if entry.get("repeats"):
            outcome += " " + self.tr("— {count} more times, {first} to {last}").format(
                count=entry["repeats"], first=entry.get("first"), last=entry.get("last")
            )
        return outcome

    def _reason(self, entry: dict) -> str:
        reason = entry.get("reason") or ""
        if entry.get("accepted"):
            return self.tr("Print requested") if reason == "print_requested" else self.tr("Opened")
        malformed = self.tr("Refused: malformed request")
        reasons = {
            "bad_host": self.tr("Refused: wrong address (a web page tried a trick)"),
            "origin_not_allowed": self.tr("Refused: web site not allowed"),
            "bad_guid": self.tr("Refused: not a valid GUID"),
            "signing_not_configured": self.tr("Refused: signing not set up on this computer"),
            "signature_required": self.tr("Refused: not signed"),
            "stale_signature": self.tr("Refused: signature expired (check the clocks)"),
            "bad_signature": self.tr("Refused: wrong signature"),
            "replayed": self.tr("Refused: sent twice (replayed)"),
            "paused": self.tr("Refused: receiving was paused"),
            "print_disabled": self.tr("Refused: printing from PBMS is off"),
            "method_not_allowed": self.tr("Refused: wrong kind of request for that address"),
            "rate_limited": self.tr("Refused: too many requests in a minute"),
            "ambiguous_request": self.tr("Refused: ambiguous request (a header sent twice?)"),
            "signed_before_start": self.tr("Refused: signed before FPS Desktop started"),
            "nonce_not_stored": self.tr("Refused: signed pushes cannot be recorded on disk"),
            "internal": self.tr("Failed inside FPS Desktop (see the log)"),
        }
        return reasons.get(reason, malformed)
