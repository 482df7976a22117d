"""The one field a secret is typed into: settings dialog, export and upload panels alike.

It tells the truth about where a typed secret goes — the system keyring, or, on a computer
without one, memory until FPS Desktop closes — before and after it is typed, in the same
words everywhere, so no window promises a password store the machine does not have.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QWidget

from fps_desktop.config import KEPT_FOR_SESSION, KEPT_IN_KEYRING, has_keyring, keep_secret


class SecretEdit(QLineEdit):
    """A password field for secret ``name``; ``keep()`` stores what was typed and clears it.

    ``kept`` is the sentence saying where the last typed secret went, for a panel to show
    after its next successful check; the empty field says the same in short.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.kept = ""
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self._say_where(self.where())

    @staticmethod
    def where() -> str:
        """Where a secret typed now would be kept (KEPT_IN_KEYRING or KEPT_FOR_SESSION)."""
        return KEPT_IN_KEYRING if has_keyring() else KEPT_FOR_SESSION

    def keep(self) -> str:
        """Store what was typed; the sentence saying where it went, or "" if nothing was."""
        if self.text():
            where = keep_secret(self.name, self.text())
            self.kept = QCoreApplication.translate("Secrets", where)
            self._say_where(where)
            self.clear()
            return self.kept
        return ""

    def _say_where(self, where: str) -> None:
        self.setToolTip(QCoreApplication.translate("Secrets", where))
        if where == KEPT_IN_KEYRING:
            self.setPlaceholderText(self.tr("kept in the system keyring"))
        else:
            self.setPlaceholderText(self.tr("kept until FPS Desktop closes"))
