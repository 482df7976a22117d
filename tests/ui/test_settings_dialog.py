"""The settings dialog's PBMS token field says where the token goes, and it goes there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from fps_desktop.config import Settings, get_secret
from fps_desktop.ui.secret_edit import SecretEdit
from fps_desktop.ui.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(qtbot):
    shown = SettingsDialog(Settings())
    qtbot.addWidget(shown)
    return shown


def save(qtbot, dialog: SettingsDialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def settings_file(dialog: SettingsDialog) -> str:
    path = dialog.settings.paths.user_settings
    return path.read_text(encoding="utf-8") if path.exists() else ""


def texts(dialog: SettingsDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel)]


def test_every_secret_field_is_the_shared_one(dialog):
    secret_fields = [
        field
        for field in dialog.findChildren(QLineEdit)
        if field.echoMode() == QLineEdit.EchoMode.Password
    ]
    assert secret_fields == [dialog.token]
    assert isinstance(dialog.token, SecretEdit)


def test_with_a_keyring_the_token_goes_there_and_the_dialog_says_so(qtbot, dialog, memory_keyring):
    assert dialog.token.placeholderText() == "kept in the system keyring"
    assert any("Kept in the system password store (keyring)" in text for text in texts(dialog))
    dialog.token.setText("pbms-secret")
    save(qtbot, dialog)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert memory_keyring.secrets[("fps-desktop", "pbms.token")] == "pbms-secret"
    assert "pbms-secret" not in settings_file(dialog)


@pytest.mark.allow_log_warnings  # keyring's own "no backend" refusal is logged
@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_dialog_never_promises_one(qtbot, dialog, memory_keyring):
    assert dialog.token.placeholderText() == "kept until FPS Desktop closes"
    assert not any("system password store (keyring)," in text for text in texts(dialog))
    assert any("kept only until FPS Desktop closes" in text for text in texts(dialog))
    dialog.token.setText("pbms-secret")
    save(qtbot, dialog)
    assert get_secret("pbms.token") == "pbms-secret"  # for this session
    assert not memory_keyring.secrets
    assert "pbms-secret" not in settings_file(dialog)

    again = SettingsDialog(Settings())  # opened again later in the session
    qtbot.addWidget(again)
    assert again.token.placeholderText() == "kept until FPS Desktop closes"
    assert "keyring" not in again.token.placeholderText()
