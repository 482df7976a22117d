from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths
from fps_desktop.ui.history_view import HistoryView

GUID = "c965be9f9c1d449d9e50fed330150d7a"


def rows(view: HistoryView) -> list[list[str]]:
    table = view.table
    return [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]


def test_history_view_says_who_sent_what_and_why_it_was_refused(qtbot):
    audit = AuditLog(Paths.default())
    audit.record_push("https://pbms.example.edu", GUID, True)
    audit.record_push("https://evil.example.com", "", False, "origin_not_allowed")
    audit.record_push("link", GUID, True)
    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    assert [row[3:] for row in rows(view)] == [
        ["a fpsdesktop link", "Opened"],
        ["https://evil.example.com", "Refused: web site not allowed"],
        ["https://pbms.example.edu", "Opened"],
    ]
    assert view.table.item(1, 4).toolTip() == "origin_not_allowed"

    audit.record_print(guid=GUID, files=["a.pdf", "b.pdf"], sheets=2, printer="HP-3F", copies=2, layout="two-up")
    qtbot.mouseClick(view.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert rows(view)[0][1:] == ["Print", GUID, "HP-3F", "Copies: 2, files: 2, layout: two-up"]
