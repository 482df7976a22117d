"""The export panel in its own window (Tools → Invoice export…), against the real MariaDB."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from fps_desktop.config import get_secret
from fps_desktop.ui.export_panel import ExportPanel
from fps_desktop.ui.job_queue import JobState
from tests.menus import menu_action

SLOW = 30_000  # ms: generous, so a machine busy with other work does not fail a test


@pytest.fixture
def open_panel(qtbot, window):
    """Open the panel from the menu, as an admin does, and fill in the database."""

    def open_for(host: str, port: int, user: str, database: str, password: str) -> ExportPanel:
        menu_action(window, "Invoice export…").trigger()
        panel = window.panels["export"].findChild(ExportPanel)
        qtbot.waitExposed(panel)
        panel.host.setText(host)
        panel.port.setValue(port)
        panel.user.setText(user)
        panel.database.setText(database)
        panel.password.setText(password)
        return panel

    return open_for


@pytest.fixture
def panel(open_panel, db):
    return open_panel(db.host, db.port, db.user, db.database, db.password)


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # the kernel completes the handshake; nobody reads or writes
        yield server.getsockname()[1]


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tested(qtbot, panel: ExportPanel) -> None:
    """Click Test connection and wait for the answer (it comes from a pool thread)."""
    click(qtbot, panel.connection.button)
    qtbot.waitUntil(panel.connection.button.isEnabled, timeout=SLOW)


def test_test_connection_saves_settings_and_keeps_the_password_in_the_keyring(qtbot, panel, db):
    tested(qtbot, panel)
    assert "Connected" in panel.connection.status.text()
    assert get_secret("db.password") == db.password
    assert db.password not in panel.settings.paths.user_settings.read_text(encoding="utf-8")
    assert "Kept in the system password store (keyring)" in panel.connection.status.text()
    assert not panel.password.text()


@pytest.mark.allow_log_warnings
def test_wrong_password_is_said_plainly(qtbot, panel):
    panel.password.setText("nope")
    tested(qtbot, panel)
    assert "wrong user name or password" in panel.connection.status.text()


@pytest.mark.allow_log_warnings
@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_password_is_kept_for_the_session_and_said(
    qtbot, panel, db, tmp_path
):
    assert panel.password.placeholderText() == "kept until FPS Desktop closes"  # before typing
    tested(qtbot, panel)
    status = panel.connection.status.text()
    assert "Connected" in status and "kept only until FPS Desktop closes" in status
    assert panel.password.placeholderText() == "kept until FPS Desktop closes"
    assert get_secret("db.password") == db.password
    assert db.password not in panel.settings.paths.user_settings.read_text(encoding="utf-8")
    panel.output.setText(str(tmp_path / "out"))  # the export uses the session's password
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        click(qtbot, panel.run_button)
    assert "Files written:       300" in panel.report.toPlainText()


@pytest.mark.allow_log_warnings  # the silent server's connection is dropped at the end
def test_test_connection_leaves_the_window_usable_and_cancel_gives_the_button_back(
    qtbot, open_panel, silent_server, db
):
    panel = open_panel("127.0.0.1", silent_server, db.user, db.database, db.password)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    click(qtbot, panel.connection.button)  # returns at once: the check runs on a pool thread
    assert panel.connection.testing is not None  # still waiting for the server
    assert not panel.connection.button.isEnabled()
    assert panel.connection.busy.isVisible() and panel.connection.cancel_button.isVisible()
    assert "Checking the connection" in panel.connection.status.text()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=SLOW)  # the GUI thread keeps running
    assert panel.connection.testing is not None
    timer.stop()

    click(qtbot, panel.connection.cancel_button)
    assert panel.connection.button.isEnabled()
    assert not panel.connection.busy.isVisible() and not panel.connection.cancel_button.isVisible()
    assert "cancelled" in panel.connection.status.text()

    panel.port.setValue(db.port)  # a new test after a cancelled one answers normally
    tested(qtbot, panel)
    assert "Connected" in panel.connection.status.text()


def test_export_runs_in_the_background_and_reports(qtbot, panel, tmp_path):
    panel.output.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        click(qtbot, panel.run_button)
    assert len(list((tmp_path / "out").rglob("*.json"))) == 300
    assert "Files written:       300" in panel.report.toPlainText()
    assert panel.run_button.isEnabled()


def test_basic_data_lands_in_its_own_folder(qtbot, settings, open_panel, db, tmp_path):
    """export.basic_output_dir is where basic data goes, never the invoice folder."""
    settings.set("export.output_dir", str(tmp_path / "invoices"))
    settings.set("export.basic_output_dir", str(tmp_path / "basic"))
    panel = open_panel(db.host, db.port, db.user, db.database, db.password)
    assert panel.output.text() == str(tmp_path / "invoices")
    panel.kind.setCurrentIndex(panel.kind.findData("basic"))
    assert panel.output.text() == str(tmp_path / "basic")  # the folder follows the kind
    with qtbot.waitSignal(panel.jobs.ended, timeout=SLOW):
        click(qtbot, panel.run_button)
    assert panel.entry.state == JobState.DONE, panel.report.toPlainText()
    assert (tmp_path / "basic" / "global" / "currencies.json").is_file()
    assert not (tmp_path / "invoices").exists()
    panel.kind.setCurrentIndex(panel.kind.findData("invoices"))
    assert panel.output.text() == str(tmp_path / "invoices")


def test_basic_data_offers_only_what_applies_to_it(qtbot, window):
    """Tenant, list, incremental, compress and dry run are the invoice export's: with basic
    data chosen they are not shown and the keyboard does not reach them."""
    menu_action(window, "Invoice export…").trigger()
    panel = window.panels["export"].findChild(ExportPanel)
    qtbot.waitExposed(panel)
    invoice_only = (panel.tenant, panel.index, panel.incremental, panel.compress, panel.dry_run)
    assert all(w.isVisible() for w in invoice_only)

    panel.kind.setFocus()
    qtbot.waitUntil(panel.kind.hasFocus, timeout=SLOW)
    qtbot.keyClick(panel.kind, Qt.Key.Key_Down)  # Invoices → Basic data
    assert panel.kind.currentData() == "basic"
    assert not any(w.isVisible() for w in invoice_only)
    reached = []
    for _ in range(8):  # Tab on from the kind, as an admin does, up to the Start button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert not set(reached) & set(invoice_only) and panel.run_button in reached

    panel.kind.setFocus()
    qtbot.keyClick(panel.kind, Qt.Key.Key_Up)  # back to invoices: all of it again
    assert panel.kind.currentData() == "invoices"
    assert all(w.isVisible() for w in invoice_only)


def test_the_export_box_is_as_tall_as_the_rows_it_shows(qtbot, window):
    """With Basic data chosen the Export box ends below the folder, not with the empty
    space the invoice export's rows took; with Invoices it holds them all again."""
    menu_action(window, "Invoice export…").trigger()
    window.panels["export"].resize(1366, 768)
    panel = window.panels["export"].findChild(ExportPanel)
    qtbot.waitExposed(panel)
    box = panel.kind.parentWidget()

    def fits() -> bool:
        return box.height() == box.sizeHint().height()

    panel.kind.setCurrentIndex(panel.kind.findData("basic"))
    qtbot.waitUntil(fits, timeout=SLOW)
    folder = panel.output.mapTo(box, panel.output.rect().bottomLeft()).y()
    assert box.height() - folder < panel.output.height()  # the margin, no empty rows

    panel.kind.setCurrentIndex(panel.kind.findData("invoices"))
    qtbot.waitUntil(fits, timeout=SLOW)
    assert panel.dry_run.mapTo(box, panel.dry_run.rect().bottomLeft()).y() < box.height()
