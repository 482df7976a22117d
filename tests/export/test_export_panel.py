import pytest

from fps_desktop.config import Settings, get_secret
from fps_desktop.ui.export_panel import ExportPanel
from fps_desktop.ui.job_queue import JobQueue


@pytest.fixture
def panel(qtbot, db, fps_home):
    widget = ExportPanel(Settings(), JobQueue())
    qtbot.addWidget(widget)
    widget.host.setText(db.host)
    widget.port.setValue(db.port)
    widget.user.setText(db.user)
    widget.database.setText(db.database)
    widget.password.setText(db.password)
    return widget


def test_test_connection_saves_settings_and_keeps_the_password_in_the_keyring(panel, db):
    panel.test_connection()
    assert "Connected" in panel.connection_status.text()
    assert get_secret("db.password") == db.password
    assert db.password not in panel.settings.paths.user_settings.read_text(encoding="utf-8")


@pytest.mark.allow_log_warnings
def test_wrong_password_is_said_plainly(panel):
    panel.password.setText("nope")
    panel.test_connection()
    assert "wrong user name or password" in panel.connection_status.text()


def test_export_runs_in_the_background_and_reports(qtbot, panel, tmp_path):
    panel.output.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(panel.jobs.job_finished, timeout=30_000):
        panel.start()
    assert len(list((tmp_path / "out").rglob("*.json"))) == 300
    assert "Files written:       300" in panel.report.toPlainText()
    assert panel.run_button.isEnabled()
