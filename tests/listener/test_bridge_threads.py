"""The bridge hands listener callbacks to the GUI thread (a stand-in window, no documents)."""

import threading

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow

from fps_desktop.config import Settings
from fps_desktop.listener.handoff import raise_running_instance
from fps_desktop.ui.bridge import Bridge
from tests.journeys.conftest import SLOW
from tests.listener.conftest import GUID, PBMS, Client


class StandInWindow(QMainWindow):
    """What the bridge needs from the main window, recording the thread of each call."""

    documents_shown = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.keep_running_in_tray = False
        self.calls: list[tuple[str, tuple, threading.Thread]] = []

    def open_guid(self, guid: str, origin: str = "") -> None:
        self.calls.append(("open_guid", (guid, origin), threading.current_thread()))

    def raise_to_front(self) -> None:
        self.calls.append(("raise_to_front", (), threading.current_thread()))

    def quit_application(self) -> None:
        self.close()


@pytest.fixture
def running(qtbot):
    settings = Settings()
    settings.set("listener.port", 0)
    settings.set("listener.allowed_origins", [PBMS])
    window = StandInWindow()
    qtbot.addWidget(window)
    bridge = Bridge(window, settings)
    bridge.start()
    yield window, bridge
    bridge.stop()


def test_a_push_reaches_the_window_on_the_gui_thread(qtbot, running):
    window, bridge = running
    answers = []
    client = Client(bridge.listener.port)
    sender = threading.Thread(
        target=lambda: answers.append(client.push(headers={"Origin": PBMS})[0].status)
    )
    sender.start()
    qtbot.waitUntil(lambda: len(window.calls) == 2, timeout=SLOW)
    sender.join()
    gui = threading.main_thread()
    assert window.calls == [
        ("open_guid", (GUID, PBMS), gui),
        ("raise_to_front", (), gui),
    ]
    assert answers == [200]
    assert str(bridge.listener.port) in window.statusBar().currentMessage()


def test_a_second_launch_raises_the_window_on_the_gui_thread(qtbot, running):
    window, bridge = running
    result = []
    worker = threading.Thread(target=lambda: result.append(raise_running_instance(bridge.settings)))
    worker.start()
    qtbot.waitUntil(lambda: bool(window.calls), timeout=SLOW)
    worker.join()
    assert result == [True]
    assert window.calls == [("raise_to_front", (), threading.main_thread())]


def test_a_stopped_bridge_leaves_nothing_listening(qtbot, running):
    window, bridge = running
    port = bridge.listener.port
    bridge.stop()
    with pytest.raises(OSError):
        Client(port).request("GET", "/api/health")
    assert raise_running_instance(bridge.settings) is False
    assert window.calls == []
