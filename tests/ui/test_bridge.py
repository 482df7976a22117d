import threading

import pytest

from fps_desktop.audit import AuditLog
from fps_desktop.cli import main
from fps_desktop.ui.bridge import Bridge
from tests.journeys.conftest import SLOW
from tests.listener.conftest import PBMS, Client

GUID = "5f0c3b2a9d8e4f7a8b6c1d2e3f4a5b6c"


@pytest.fixture
def bridge(window, settings):
    settings.set("listener.port", 0)
    settings.set("listener.allowed_origins", [PBMS])
    bridge = Bridge(window, settings)
    bridge.start()
    yield bridge
    bridge.stop()


def test_a_push_opens_the_guid_on_the_gui_thread(qtbot, window, bridge, monkeypatch):
    threads = []
    original = window.open_guid

    def spy(guid, origin="", refresh=False):
        threads.append(threading.current_thread())
        original(guid, origin, refresh)

    monkeypatch.setattr(window, "open_guid", spy)
    client = Client(bridge.listener.port)
    with qtbot.waitSignal(window.documents_shown, timeout=SLOW):
        threading.Thread(
            target=client.push, args=(GUID,), kwargs={"headers": {"Origin": PBMS}}
        ).start()
    assert threads == [threading.main_thread()]
    assert window.manifest.guid == GUID
    assert PBMS in window.origin_label.text()


def test_second_launch_hands_over_and_exits(qtbot, window, bridge):
    with qtbot.waitSignal(window.documents_shown, timeout=SLOW):
        result = []
        worker = threading.Thread(target=lambda: result.append(main(["open", GUID])))
        worker.start()
        qtbot.waitUntil(lambda: bool(result), timeout=SLOW)
    assert result == [0]
    assert window.manifest.guid == GUID


def test_history_lists_pushes_and_prints(bridge, capsys):
    Client(bridge.listener.port).push(GUID)
    AuditLog(bridge.settings.paths).record_print(
        guid=GUID, files=["a.pdf"], sheets=1, printer="HP-3F", copies=2, layout="two-up"
    )
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "print" in lines[0] and "HP-3F x2 two-up" in lines[0]
    assert "push" in lines[1] and "accepted" in lines[1]
