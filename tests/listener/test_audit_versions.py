"""Audit lines carry their version: old lines read in today's shape, never rewritten; a
line from a newer FPS Desktop stops the reading with a message, in the window and the CLI."""

from __future__ import annotations

import json

import pytest

from fps_desktop.audit import VERSION, AuditLog
from fps_desktop.cli import main
from fps_desktop.config import Paths
from fps_desktop.errors import StorageError
from fps_desktop.ui.history_view import HistoryView

GUID = "c965be9f9c1d449d9e50fed330150d7a"
# Lines as FPS Desktop wrote them before versions: a push, a print from before prints were
# followed in the print system (no state), and one from after (refused by the printer).
BEFORE_VERSIONS = [
    {"time": "2026-03-01 09:00:00", "event": "push", "origin": "https://pbms.example.edu",
     "guid": GUID, "accepted": True, "reason": ""},
    {"time": "2026-03-01 09:01:00", "event": "print", "guid": GUID, "files": ["a.pdf"],
     "sheets": 1, "printer": "HP-3F", "copies": 1, "layout": "actual", "pages": "",
     "duplex": False, "grayscale": False, "user": "li", "via": "window",
     "duplicates_confirmed": []},
    {"time": "2026-03-02 10:00:00", "event": "print", "guid": GUID, "files": ["a.pdf"],
     "sheets": 0, "printer": "HP-3F", "user": "li", "via": "window", "state": "refused",
     "reason": "paused"},
]  # fmt: skip


def _write_lines(audit: AuditLog, entries: list[dict]) -> None:
    audit.path.parent.mkdir(parents=True, exist_ok=True)
    with audit.path.open("a", encoding="utf-8") as log:
        for entry in entries:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def test_lines_from_before_versions_read_in_todays_shape_and_stay_as_written():
    audit = AuditLog(Paths.default())
    _write_lines(audit, BEFORE_VERSIONS)
    old = audit.path.read_bytes()
    audit.record_push("link", GUID, True)
    newest, refused, printed, pushed = audit.entries()
    assert all(entry["v"] == VERSION for entry in (newest, refused, printed, pushed))
    assert printed["state"] == "completed" and printed["reason"] == ""  # what it meant then
    assert refused["state"] == "refused" and refused["reason"] == "paused"
    assert pushed["origin"] == "https://pbms.example.edu" and "state" not in pushed
    assert newest["origin"] == "link"
    assert audit.path.read_bytes().startswith(old)  # the log is only ever appended to
    assert json.loads(audit.path.read_bytes().splitlines()[-1])["v"] == VERSION


def test_a_line_from_a_newer_version_is_refused_with_a_message(qtbot, capsys):
    audit = AuditLog(Paths.default())
    _write_lines(audit, [*BEFORE_VERSIONS, {"time": "2027-01-01 08:00:00", "v": VERSION + 1,
                                            "event": "scan", "guid": GUID}])  # fmt: skip
    audit.record_push("link", GUID, True)  # recording goes on: each line says its version
    with pytest.raises(StorageError, match=f"newer FPS Desktop \\(version {VERSION + 1};"):
        audit.entries()

    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    assert view.table.rowCount() == 0
    assert "has entries from a newer FPS Desktop" in view.problem.text()
    assert not view.problem.isHidden()

    assert main(["history"]) == 5
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "newer FPS Desktop" in line and "Update FPS Desktop to see the history" in line


def test_old_print_lines_name_their_claimed_invoices_as_today():
    """A refusal for claimed invoices named them as its files; a print named those printed
    anyway: both read with ``claimed`` as a print line writes it now."""
    audit = AuditLog(Paths.default())
    refusal = {**BEFORE_VERSIONS[2], "v": 1, "reason": "claimed_before", "files": ["b.pdf"]}
    confirmed = {**BEFORE_VERSIONS[1], "v": 1, "files": ["a.pdf", "b.pdf"],
                 "duplicates_confirmed": ["b.pdf"], "state": "completed", "reason": ""}  # fmt: skip
    _write_lines(audit, [BEFORE_VERSIONS[1], refusal, confirmed])
    printed, refused, before = audit.entries()
    assert (printed["claimed"], refused["claimed"], before["claimed"]) == (["b.pdf"], ["b.pdf"], [])


def test_old_short_refusals_show_what_they_hold_in_the_history(qtbot, capsys):
    """A refusal written before every print line had one shape has no copies or layout:
    the history shows its printer, files and why it was refused, never "None"."""
    audit = AuditLog(Paths.default())
    _write_lines(audit, [BEFORE_VERSIONS[2]])
    audit.record_print(guid=GUID, files=["a.pdf"], sheets=1, printer="HP-3F", copies=2,
                       layout="two-up")  # fmt: skip

    assert main(["history"]) == 0
    printed, refused = capsys.readouterr().out.splitlines()
    assert printed.endswith("HP-3F x2 two-up (1 files)")
    assert refused.endswith("HP-3F (1 files) refused (paused)") and "None" not in refused

    view = HistoryView(Paths.default())
    qtbot.addWidget(view)
    cells = [[view.table.item(row, column).text() for column in range(5)] for row in (0, 1)]
    assert cells[0][3:] == ["HP-3F", "Copies: 2, files: 1, layout: two-up"]
    assert cells[1][3:] == ["HP-3F", "Refused — Files: 1"] and "None" not in str(cells)
    assert view.table.item(1, 4).toolTip() == "paused"
