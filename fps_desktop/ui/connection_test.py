"""What the export and upload panels share about their account: the "Test connection"
row (the secret field is ``ui/secret_edit.py``).

A check may take up to a minute on a bad network, so it runs on a pool thread: the
window stays usable, a spinner turns, and Cancel gives the button back at once (the
late answer is dropped).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.errors import Cancelled
from fps_desktop.jobs import CancelToken
from fps_desktop.ui.job_queue import failure_message, run_task


def show_status(label: QLabel, text: str, good: bool) -> None:
    label.setStyleSheet("color: #137333;" if good else "color: #b00020;")
    label.setText(text)


class ConnectionTest(QWidget):
    """The "Test connection" button, its spinner and Cancel, and the status line below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(self.tr("Test connection"), self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # a spinner: how long the check takes is not known
        self.busy.setMaximumWidth(80)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.testing: CancelToken | None = None  # the check under way
        self._describe: Callable[[object], str] = str
        row = QHBoxLayout()
        for widget in (self.button, self.busy, self.cancel_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self._idle()

    def start(
        self, check: Callable[[CancelToken], object], describe: Callable[[object], str]
    ) -> None:
        """Run ``check(cancel)`` on a pool thread; its result is said as ``describe(result)``,
        a failure in red. Cancel gives the button back at once and tells ``check`` to stop."""
        token = self.testing = CancelToken()

        def work() -> tuple[CancelToken, object, str]:
            try:
                return token, check(token), ""
            except Cancelled:
                raise
            except Exception as exc:  # said only if this check is still the one shown
                return token, None, failure_message(exc)

        self._describe = describe
        self.button.setEnabled(False)
        self.busy.show()
        self.cancel_button.show()
        self.say(self.tr("Checking the connection…"), True)
        run_task(work, self._answered, self._failed)

    def cancel(self) -> None:
        if self.testing is not None:
            self.testing.cancel()
        self._idle()
        self.say(self.tr("Connection test cancelled."), False)

    def say(self, text: str, good: bool) -> None:
        show_status(self.status, text, good)

    def _idle(self) -> None:
        self.testing = None
        self.button.setEnabled(True)
        self.busy.hide()
        self.cancel_button.hide()

    def _answered(self, outcome: tuple[CancelToken, object, str]) -> None:
        token, result, error = outcome
        if token is not self.testing or token.cancelled:
            return  # cancelled, or an older check
        self._idle()
        self.say(error or self._describe(result), not error)

    def _failed(self, message: str) -> None:
        """Only when saying the outcome itself failed; the outcome carries check errors."""
        if self.testing is not None:
            self._idle()
            self.say(message, False)
