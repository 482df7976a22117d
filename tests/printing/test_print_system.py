"""Printing into a real CUPS scheduler: what the queue holds is what the app says and audits."""

import pytest
from PySide6.QtCore import Qt

from fps_desktop.audit import AuditLog
from fps_desktop.cli import main
from fps_desktop.config import Paths, Settings
from fps_desktop.documents.workspace import open_guid
from fps_desktop.errors import Cancelled, PrintError
from fps_desktop.invoices.register import open_register
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.job import PrintOrder, clerk_name, print_job
from fps_desktop.printing.spooler import PrinterOptions
from tests.documents.conftest import GUID

pytestmark = pytest.mark.usefixtures("qapp")  # the window's QApplication, not the CLI's own


def last_print() -> dict:
    return next(e for e in AuditLog(Paths.default()).entries() if e["event"] == "print")


def printed_stamps() -> set[str]:
    """When the register says the GUID's invoice files were printed."""
    settings = Settings()
    _cache, fetch = open_guid(settings, GUID)
    files = fetch.run(lambda *a: None, CancelToken()).data.files
    register = open_register(settings)
    try:
        return {m.other.printed for f in files for m in register.lookup("0" * 32, f.sha256, None)
                if m.other.guid == GUID}  # fmt: skip
    finally:
        register.close()


def test_a_print_is_one_job_with_its_title_copies_sides_and_colour_and_is_audited(cups, capsys):
    queue = cups.add_queue()
    code = main(["print", GUID, "--printer", queue, "--copies", "2", "--duplex", "--grayscale"])
    assert code == 0, capsys.readouterr().err
    (job,) = cups.jobs(queue)
    assert job["job-state"] == "completed"
    assert GUID in job["job-name"] and clerk_name() in job["job-name"]
    assert (job["copies"], job["sides"], job["print-color-mode"]) == (
        "2", "two-sided-long-edge", "monochrome")  # fmt: skip
    entry = last_print()
    assert entry["state"] == "completed" and entry["job_id"] == int(job["job-id"])
    assert entry["print_id"] in job["job-name"] and entry["via"] == "cli"
    assert f"job {job['job-id']}: completed" in capsys.readouterr().out
    assert "" not in printed_stamps()


def test_a_colour_print_is_sent_in_colour_on_one_side(cups):
    queue = cups.add_queue()
    assert main(["print", GUID, "--printer", queue, "--no-cover"]) == 0
    (job,) = cups.jobs(queue)
    assert (job["copies"], job["sides"], job["print-color-mode"]) == ("1", "one-sided", "color")


def test_a_rejecting_queue_refuses_and_nothing_is_recorded_as_printed(cups, capsys):
    queue = cups.add_queue()
    cups.run("cupsreject", "-r", "toner being changed", queue)
    assert main(["print", GUID, "--printer", queue]) == 6
    err = capsys.readouterr().err
    assert "refused" in err and "not accepting jobs" in err
    assert cups.jobs(queue) == []
    entry = last_print()
    assert entry["state"] == "refused" and entry["sheets"] == 0 and entry["job_id"] == 0
    assert printed_stamps() == {""}  # read and registered, never stamped printed


def test_a_paused_queue_holds_the_job_and_the_app_says_so(cups, capsys):
    queue = cups.add_queue()
    cups.run("cupsdisable", "-r", "maintenance", queue)
    assert main(["print", GUID, "--printer", queue, "--no-cover"]) == 0
    captured = capsys.readouterr()
    assert "held" in captured.out and "the printer is paused" in captured.err
    (job,) = cups.jobs(queue)
    assert job["job-state"] == "pending"
    entry = last_print()
    assert entry["state"] == "held" and entry["job_id"] == int(job["job-id"])
    cups.run("cupsenable", queue)


def _print_of_the_guid(cups):
    """The GUID's files fetched and a print job of them made for a new queue, not yet run."""
    queue = cups.add_queue()
    settings = Settings()
    cache, fetch = open_guid(settings, GUID)
    manifest = fetch.run(lambda *a: None, CancelToken()).data
    order = PrintOrder(GUID, manifest.files, PrinterOptions(printer=queue))
    return queue, order, print_job(cache, order, AuditLog(settings.paths), settings=settings)


def test_a_printer_deleted_after_the_dialog_is_a_refusal_with_the_reason(cups):
    queue, _, job = _print_of_the_guid(cups)
    cups.run("lpadmin", "-x", queue)
    with pytest.raises(PrintError, match="does not exist"):
        job.run(lambda *a: None, CancelToken())
    assert last_print()["state"] == "refused"


def _cancelled_print(cups, when) -> tuple[str, PrintOrder]:
    """A print of the GUID's files cancelled at the first progress report that ``when``
    (done, total, message, the report before) picks; the queue and the order."""
    queue, order, job = _print_of_the_guid(cups)
    cancel, before = CancelToken(), [(0, 0, "")]

    def progress(done, total, message="", _detail=None):
        if when(done, total, message, before[-1]):
            cancel.cancel()
        before.append((done, total, message))

    with pytest.raises(Cancelled):
        job.run(progress, cancel)
    assert cancel.cancelled
    return queue, order


def merging(done, total, message, before) -> bool:
    return bool(message)  # the merge names each file as it adds it


def painting(done, total, message, before) -> bool:
    """The first sheet painted: laying out ended on (n, n), painting goes on from 1."""
    return done == 1 and before[0] == before[1] > 0


@pytest.mark.parametrize("when", [merging, painting])
def test_a_print_cancelled_before_it_reaches_the_queue_is_audited_as_cancelled(cups, when):
    queue, order = _cancelled_print(cups, when)
    assert cups.jobs(queue) == []
    entry = last_print()
    assert (entry["state"], entry["sheets"], entry["job_id"]) == ("cancelled", 0, 0)
    assert (entry["print_id"], entry["printer"], entry["via"]) == (order.print_id, queue, "window")
    assert entry["files"] == [item.name for item in order.files]
    assert printed_stamps() <= {""}  # never stamped printed


def test_duplex_on_a_queue_without_a_duplexer_is_said_before_printing(cups, capsys):
    queue = cups.add_queue("Simplex", duplex=False)
    assert main(["print", GUID, "--printer", queue, "--duplex", "--no-cover"]) == 0
    assert "cannot print on both sides" in capsys.readouterr().err
    (job,) = cups.jobs(queue)
    assert job["job-state"] == "completed"


def test_an_unknown_printer_is_said_at_once(cups):
    with pytest.raises(PrintError, match="no printer called"):
        print_job(None, PrintOrder(GUID, [], PrinterOptions(printer="Nowhere-42")), None)


def test_the_dialog_preselects_the_last_printer_and_copies_do_not_carry_over(cups, qtbot):
    from fps_desktop.ui.print_dialog import PrintDialog

    first, second = cups.add_queue(), cups.add_queue()
    settings = Settings()
    settings.set("print.printers", {second: {"copies": 2}})  # as IT's site file may set it
    cache, fetch = open_guid(settings, GUID)
    files = fetch.run(lambda *a: None, CancelToken()).data.files
    dialog = PrintDialog(cache, PrintOrder(GUID, files), settings)
    qtbot.addWidget(dialog)
    assert dialog.printer_box.currentData() == first  # no default printer: the first one
    dialog.printer_box.setCurrentIndex(dialog.printer_box.findData(second))
    assert dialog.copies_spin.value() == 2
    dialog.copies_spin.setValue(5)
    dialog.duplex_check.setChecked(True)
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=30_000)  # laid out
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.order.options.copies == 5 and dialog.order.options.printer == second
    again = PrintDialog(cache, PrintOrder(GUID, files), settings)
    qtbot.addWidget(again)
    assert again.printer_box.currentData() == second
    assert again.copies_spin.value() == 2 and again.duplex_check.isChecked()
    again.reject()  # as the clerk's Escape: its preview folder goes
