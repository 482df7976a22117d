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

    audit.record_print(
        guid=GUID, files=["a.pdf", "b.pdf"], sheets=2, printer="HP-3F", copies=2, layout="two-up"
    )
    qtbot.mouseClick(view.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert rows(view)[0][1:] == ["Print", GUID, "HP-3F", "Copies: 2, files: 2, layout: two-up"]


def test_history_names_missing_origins_and_counts_repeats_across_rotated_files(qtbot, capsys):
    from fps_desktop.cli import main
    from fps_desktop.listener.refusals import RefusalLog

    audit = AuditLog(Paths.default(), max_bytes=600)
    refusals = RefusalLog(audit)
    for _ in range(1029):  # a page looping no-cors GETs, which carry no Origin
        refusals.refused(None, "", "method_not_allowed")
    refusals.flush_all()
    for number in range(8):  # enough later lines to push both into rotated files
        audit.record_push(f"https://pbms-{number}.example.edu", GUID, True)
    assert len(list(audit.path.parent.glob("audit-*.jsonl"))) >= 2
    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    refused = [row for row in rows(view) if row[3].startswith("no Origin header")]
    assert len(refused) == 2
    assert refused[0][4].startswith(
        "Refused: wrong kind of request for that address — 1028 more times, "
    )
    assert main(["history", "--limit", "20"]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if "no Origin" in line]
    assert len(printed) == 2 and "1028 more times" in printed[0]


def test_refusals_older_versions_wrote_as_local_are_not_shown_as_this_computer(qtbot):
    audit = AuditLog(Paths.default())
    audit.record_push("local", GUID, True)
    audit.record_push("local", "", False, "bad_host")  # how refusals without Origin were written
    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    assert [row[3] for row in rows(view)] == [
        "no Origin header (a program or a page)",
        "this computer",
    ]


def test_an_event_this_version_does_not_know_shows_as_other(qtbot, capsys):
    """A newer version's event, a line with no event and damage that still parses."""
    from fps_desktop.cli import main

    audit = AuditLog(Paths.default())
    audit.record_push("https://pbms.example.edu", GUID, True)
    with audit.path.open("a", encoding="utf-8") as log:
        log.write('{"time": "2026-12-05 09:00:00", "event": "reprint", "guid": null}\n')
        log.write('{"time": "2026-12-05 09:00:01"}\n')
        log.write('["not", "an", "entry"]\n')
    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    assert [row[1:3] for row in rows(view)] == [["Other", "—"], ["Other", "—"], ["Received", GUID]]
    assert main(["history"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in out] == ["other", "other", "push"]
    assert main(["history", "--json"]) == 0
    assert '"event": "reprint"' in capsys.readouterr().out  # as written
