"""Connects the PBMS listener, the tray icon and single-instance hand-off to the window.

The listener calls back on its own threads; ``pushed`` is a queued signal, so the
window is only ever touched on the GUI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.errors import FpsError
from fps_desktop.listener.security import Push, Refusal
from fps_desktop.listener.server import LINK, LOCAL, GuidListener, ListenerConfig, instance_file
from fps_desktop.printing.os_queue import os_queue
from fps_desktop.printing.policy import requested_print_job, sheet_setup
from fps_desktop.printing.spooler import PrinterOptions

log = logging.getLogger(__name__)


class Bridge(QObject):
    """Owns the listener and the tray icon for the GUI's lifetime."""

    pushed = Signal(str, str)  # guid, origin
    print_pushed = Signal(object, str, str)  # Push with print options, origin, print id
    raise_requested = Signal()  # a second launch without a GUID

    def __init__(self, window, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.listener: GuidListener | None = None
        self.listener_error = ""  # why the listener did not start, for the self-test
        self.tray: QSystemTrayIcon | None = None
        self.pushed.connect(self._open_pushed, Qt.ConnectionType.QueuedConnection)
        self.print_pushed.connect(self._print_pushed, Qt.ConnectionType.QueuedConnection)
        self.raise_requested.connect(window.raise_to_front, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """Start listening; a failure is shown to the user, never fatal."""
        self._build_tray()
        self._start_listener()
        self._show_state_in_tray()

    def _start_listener(self) -> None:
        if not self.settings.get("listener.enabled"):
            return
        listener = GuidListener(
            ListenerConfig.from_settings(self.settings),
            on_guid=self.pushed.emit,
            on_print=self._accept_print,
            audit=AuditLog(self.settings.paths),
            on_raise=self.raise_requested.emit,
        )
        try:
            port = listener.start()
        except FpsError as exc:
            self.window.statusBar().showMessage(exc.translated(QCoreApplication.translate))
            log.warning("listener not started: %s", exc.message)
            self.listener_error = exc.message
            return
        self.listener = listener
        listener.write_instance_file(instance_file(self.settings))
        configured = self.settings.get("listener.port")
        if port != configured:
            warning = self.tr(
                "Port {configured} is taken by another program, so FPS Desktop listens on "
                "{port}. GUIDs PBMS sends to port {configured} do not arrive: tell IT."
            ).format(configured=configured, port=port)
            log.warning("listener on fallback port %d instead of %d", port, configured)
            self.window.show_notice(warning)
            if self.tray is not None:
                self.tray.showMessage(
                    self.window.windowTitle(), warning, QSystemTrayIcon.MessageIcon.Warning
                )
            return
        self.window.statusBar().showMessage(
            self.tr("Ready for documents from PBMS on port {port}").format(port=port), 8000
        )

    def stop(self) -> None:
        """Stop listening and remove the tray icon."""
        if self.listener is not None:
            self.listener.stop()
            self.listener.remove_instance_file(instance_file(self.settings))
            self.listener = None
        if self.tray is not None:
            self.tray.hide()

    @Slot(str, str)
    def _open_pushed(self, guid: str, origin: str) -> None:
        shown = {LOCAL: self.tr("this computer"), LINK: self.tr("a fpsdesktop link")}.get(
            origin, origin
        )
        self.window.open_guid(guid, origin=shown)
        self.window.raise_to_front()

    def _accept_print(self, push: Push, origin: str, print_id: str) -> None:
        """On the listener's thread: refuse at once what cannot print, else start it."""
        allowed = self.settings.get("print.allowed_printers")
        if allowed and push.printer not in allowed:
            raise Refusal(403, "printer_not_allowed", "IT does not allow printing there.")
        if not os_queue().exists(push.printer):
            raise Refusal(404, "no_such_printer", "There is no such printer on this computer.")
        self.print_pushed.emit(push, origin, print_id)

    @Slot(object, str, str)
    def _print_pushed(self, push: Push, origin: str, print_id: str) -> None:
        """A signed print request: printed now, once, as asked; the window shows the GUID.

        Nothing waits for a later open: an unsigned push of the same GUID only opens it.
        """
        book = self.listener.prints if self.listener is not None else None

        def said(state: str, reason: str, queue_job: int) -> None:
            if book is not None:
                book.update(print_id, state, reason, queue_job)

        options = PrinterOptions(printer=push.printer, copies=push.copies,
                                 dpi=self.settings.get("print.dpi"))  # fmt: skip
        setup = sheet_setup(self.settings, push.layout)
        job = requested_print_job(self.settings, self.window.cache, push.guid, options, setup,
                                  push.confirm_duplicates, print_id, said)  # fmt: skip
        self.window.jobs.submit(job)
        self._open_pushed(push.guid, origin)

    def _build_tray(self) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
        self.tray_menu = QMenu(self.window)  # the tray icon does not own its menu
        self.tray_menu.addAction(self.tr("Open FPS Desktop"), self.window.raise_to_front)
        self.recent_menu = self.tray_menu.addMenu(self.tr("Recent GUIDs"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.pause_action = QAction(
            self.tr("Pause receiving from PBMS"), self.tray_menu, checkable=True
        )
        self.pause_action.toggled.connect(self._set_paused)
        self.tray_menu.addAction(self.pause_action)
        self.tray_menu.addSeparator()
        self.tray_menu.addAction(self.tr("Quit"), self.window.quit_application)
        self.tray.setContextMenu(self.tray_menu)
        self.tray.activated.connect(self._tray_clicked)
        self.tray.show()
        self.window.keep_running_in_tray = True
        # Closing a dialog while the window sits in the tray must not end the app:
        # only Quit does.
        QApplication.setQuitOnLastWindowClosed(False)

    def _tray_clicked(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.window.raise_to_front()

    def _show_state_in_tray(self) -> None:
        if self.tray is None:
            return
        if self.listener is None:
            state = self.tr("not receiving from PBMS")
        elif self.listener.paused:
            state = self.tr("paused")
        else:
            state = self.tr("receiving from PBMS on port {port}").format(port=self.listener.port)
            if self.listener.port != self.settings.get("listener.port"):
                state += " — " + self.tr("not the port PBMS uses: tell IT")
        self.tray.setToolTip(f"{self.window.windowTitle()} — {state}")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for guid in self.settings.get("ui.recent_guids")[:10]:
            self.recent_menu.addAction(guid, lambda g=guid: self._open_pushed(g, ""))

    def _set_paused(self, paused: bool) -> None:
        if self.listener is not None:
            self.listener.paused = paused
        self._show_state_in_tray()
