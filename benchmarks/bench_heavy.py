"""Figures for a heavy GUID: 60 one-page invoices plus a 150-page, ~68 MB scanned PDF.

Run: .venv/bin/python benchmarks/bench_heavy.py [--source folder|pbms] [--quick]

``--quick`` (run by the test suite) takes a small GUID of the same shape (4 invoices, a
1-page scan), one open, 2 × Page Down, sheets at 60 dpi and one cold start, and drives the
window, prints into a PDF file and renders the PyMuPDF baseline in its own process (the
same functions, without the process of their own that keeps their memory and time honest):
every figure's code path stays working; its figures say nothing about speed. With CUPS
installed, the GUID is also printed into a private CUPS queue and timed until the queue says
the job completed, against printing the same sheets into a PDF file in the same run.

The window is driven offscreen the way a clerk does it (Ctrl+L, typing, Enter, Ctrl+P,
Page Down, Escape) in a process of its own, so its peak memory is honest; the command
line print runs as a subprocess and is timed against merely rendering the same sheets
at the same dpi with PyMuPDF, measured in the same run. The scan is generated once
(deterministic noise over colour gradients, JPEG at 200 dpi) and kept in the temp folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GUID = "5e1f0c3a9b7d4e2f8a6c0b1d2e3f4a5b"
INVOICES = 60
SCAN_PAGES = 150
SCAN_DPI = 200
SEED = 20260
NOISE, QUALITY = 0.12, 72  # with the seed: 150 pages come to ~68 MB
QUICK_INVOICES, QUICK_PAGES = 4, 1  # 4: the invoices repeat, so Print asks about duplicates
PAGE_DOWNS, QUICK_PAGE_DOWNS = 5, 2  # sheets paged through before memory is read
QUICK_DPI = 60
DEADLINE = 600.0  # seconds; only a hung run gets here


# -- the heavy GUID ---------------------------------------------------------------------


def scan_page_jpeg(rnd: random.Random) -> bytes:
    """One A4 page at scan resolution that compresses like a photograph (~450 KB)."""
    from PIL import Image

    width, height = round(210 / 25.4 * SCAN_DPI), round(297 / 25.4 * SCAN_DPI)
    channels = [
        Image.linear_gradient("L").rotate(rnd.randrange(360)).resize((width, height))
        for _ in range(3)
    ]
    half = (width // 2, height // 2)
    noise = Image.frombytes("RGB", half, rnd.randbytes(half[0] * half[1] * 3))
    image = Image.blend(Image.merge("RGB", channels), noise.resize((width, height)), NOISE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, dpi=(SCAN_DPI, SCAN_DPI))
    return out.getvalue()


def scanned_pdf(pages: int) -> bytes:
    cache = Path(tempfile.gettempdir()) / f"fps-bench-heavy-{SEED}-{NOISE}-{QUALITY}-{pages}.pdf"
    if not cache.exists():
        import pymupdf

        rnd = random.Random(SEED)
        doc = pymupdf.open()
        for _ in range(pages):
            page = doc.new_page(width=595, height=842)
            page.insert_image(page.rect, stream=scan_page_jpeg(rnd))
        partial = cache.with_suffix(".part")
        doc.save(partial)
        partial.replace(cache)
    return cache.read_bytes()


def invoice_pdfs(count: int) -> list[tuple[str, bytes]]:
    """The demo invoices, each made distinct (the cache would fold equal files into one)."""
    import pymupdf

    from fps_desktop.documents.demo import DEMO_CASES, demo_file_bytes

    demo = next(iter(DEMO_CASES))
    made = []
    for number in range(count):
        doc = pymupdf.open(stream=demo_file_bytes(demo, f"inv-{number % 2 + 1}"))
        doc.set_metadata({"subject": f"heavy-{number}"})
        made.append((f"发票_{24440000 + number:08d}.pdf", doc.tobytes()))
    return made


def heavy_files(invoices: int, pages: int) -> list[tuple[str, str, bytes]]:
    """(role folder, name, bytes) of every file of the heavy GUID."""
    files = [("invoice", name, data) for name, data in invoice_pdfs(invoices)]
    files.append(("attachment", "扫描件_差旅报销.pdf", scanned_pdf(pages)))
    return files


def serve(kind: str, files: list[tuple[str, str, bytes]], share: Path):
    """Settings that make the app find the heavy GUID; the PBMS server when asked for."""
    if kind == "folder":
        for role, name, data in files:
            target = share / GUID / role / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return None, {"source.kind": "folder", "source.folder.root": str(share)}
    from tests.documents.pbms_server import PbmsFile, PbmsServer

    server = PbmsServer().start()
    server.state.files[GUID] = [
        PbmsFile(f"f{i}", name, data, role) for i, (role, name, data) in enumerate(files)
    ]
    return server, {
        "source.kind": "pbms",
        "source.pbms.list_url": server.list_url,
        "source.pbms.download_url": server.download_url,
    }


# -- in the window's own process --------------------------------------------------------


def memory_mb() -> tuple[float, float]:
    """(peak, current) resident set of this process from /proc/self/status (VmHWM, VmRSS)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmHWM"], fields["VmRSS"]


def drive_window(opens: int, page_downs: int) -> dict:
    """Open the heavy GUID by keyboard, then Ctrl+P, as a clerk does; return the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fps_desktop.config import Settings
    from fps_desktop.ui.main_window import MainWindow
    from fps_desktop.ui.print_dialog import PrintDialog

    app = QApplication([])  # noqa: F841 - the widgets need it alive
    window = MainWindow(Settings())
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()

    def wait(signal) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(int(DEADLINE * 1000), loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def open_by_keyboard() -> float:
        """First page painted; then waits for the invoice fields, as Print does."""
        QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        box = window.guid_box.lineEdit()
        QTest.keyClicks(box, GUID)
        shown, read = [], []
        window.documents_shown.connect(lambda _guid: shown.append(time.perf_counter()))
        window.invoices_shown.connect(lambda _guid: read.append(time.perf_counter()))
        start = time.perf_counter()
        QTest.keyClick(box, Qt.Key.Key_Return)
        if not shown:
            wait(window.documents_shown)
        if not read:
            wait(window.invoices_shown)
        window.documents_shown.disconnect()
        window.invoices_shown.disconnect()
        return shown[0] - start

    figures = {"open_uncached": open_by_keyboard()}
    figures["open_cached"] = [open_by_keyboard() for _ in range(opens)]
    figures["pages"] = len(window.pages)

    marks: dict[str, float] = {}
    state = {"dialog": None, "paints": 0, "downs": 0}

    def on_painted() -> None:
        state["paints"] += 1
        marks.setdefault("first_sheet", time.perf_counter())

    def poll() -> None:
        dialog = state["dialog"]
        if dialog is None:
            shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
            question = next((w for w in shown if isinstance(w, QMessageBox)), None)
            if question is not None:  # the heavy GUID repeats its invoices: print anyway
                next(b for b in question.buttons() if b.text() == "Print anyway").click()
                return
            dialog = next((w for w in shown if isinstance(w, PrintDialog)), None)
            if dialog is None:
                return
            state["dialog"] = dialog
            dialog.preview.painted.connect(on_painted)
        if dialog.print_button.isEnabled():
            marks.setdefault("print_enabled", time.perf_counter())
        if "first_sheet" not in marks or "print_enabled" not in marks:
            return
        if state["downs"] < page_downs:
            if state["paints"] > state["downs"]:  # the last sheet asked for is on screen
                state["downs"] += 1
                QTest.keyClick(dialog, Qt.Key.Key_PageDown)
            return
        if state["paints"] <= state["downs"]:
            return
        marks["peak_mb"], marks["rss_mb"] = memory_mb()
        figures["sheet_label"] = dialog.sheet_label.text()
        figures["summary"] = dialog.summary_label.text()
        timer.stop()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(poll)
    timer.start()
    start = time.perf_counter()
    QTest.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    if "first_sheet" not in marks:
        sys.exit("Ctrl+P showed no preview sheet (was Print enabled?)")
    figures["first_sheet"] = marks["first_sheet"] - start
    figures["print_enabled"] = marks["print_enabled"] - start
    figures["peak_mb"], figures["rss_mb"] = marks["peak_mb"], marks["rss_mb"]
    window.shutdown()
    return figures


# -- the PyMuPDF baseline ---------------------------------------------------------------


def render_baseline(dpi: int) -> dict:
    """Build the print-ready sheets (not timed), then time only rendering each at ``dpi``."""
    import pymupdf

    from fps_desktop.config import Settings
    from fps_desktop.documents.workspace import open_guid
    from fps_desktop.jobs import CancelToken, no_progress
    from fps_desktop.printing.job import PrintOrder, build_print_pdf

    cache, job = open_guid(Settings(), GUID)
    manifest = job.run(no_progress, CancelToken()).data
    order = PrintOrder(GUID, manifest.files)
    sheets, _skipped = build_print_pdf(cache, order, no_progress, CancelToken())
    doc = pymupdf.open(stream=sheets, filetype="pdf")
    zoom = pymupdf.Matrix(dpi / 72, dpi / 72)
    start = time.perf_counter()
    for page in doc:
        page.get_pixmap(matrix=zoom, colorspace=pymupdf.csRGB, alpha=False)
    return {"seconds": time.perf_counter() - start, "sheets": doc.page_count}


# -- the parent: build, serve, run each figure in its own process -----------------------


def child(home: Path, *args: str) -> tuple[str, float, float]:
    """Run a subprocess with FPS_HOME at ``home``: (stdout, wall seconds, its peak RSS MB).

    The peak is the child's own ru_maxrss, from wait4.
    """
    env = {**os.environ, "FPS_HOME": str(home), "FPS_SITE_CONFIG": str(home / "none.json"),
           "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            sys.exit(f"{' '.join(args[:4])} failed ({process.returncode}):\n{err.read().decode()}")
        return out.read().decode(), wall, usage.ru_maxrss / 1024


def print_here(arguments: list[str]) -> tuple[float, float]:
    """The command line print in this process (the quick run): wall seconds, and the peak
    RSS in MB of this process, which says nothing of the print's own."""
    from fps_desktop.cli import main as command_line

    errors = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        code = command_line(arguments)
    if code:
        sys.exit(f"fps-desktop {' '.join(arguments[:2])} failed ({code}):\n{errors.getvalue()}")
    return time.perf_counter() - start, memory_mb()[0]


def print_to_cups(home: Path, command: list[str], to_pdf: float) -> None:
    """The same print into a private CUPS queue, timed until the queue says completed."""
    from tests import cups_server

    if not cups_server.available():
        print("print to a CUPS queue: skipped (CUPS is not installed)")
        return
    folder = Path(tempfile.mkdtemp(prefix="fps-bench-cups-"))
    server = cups_server.CupsServer(folder / "cups.sock").start()
    previous = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(server.socket_path)
    try:
        queue = server.add_queue()
        out, wall, _peak = child(home, sys.executable, *command, "--printer", queue)
        (job,) = server.jobs(queue)
        print(f"print to a CUPS queue until it says {job['job-state']}: {wall:.1f} s wall "
              f"({out.strip().splitlines()[-1]}); the same print into a PDF file: "
              f"{to_pdf:.1f} s → {wall / to_pdf:.2f}×")  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop("CUPS_SERVER")
        else:
            os.environ["CUPS_SERVER"] = previous
        server.stop()


def configure(home: Path, values: dict) -> None:
    """The settings, and this process's app home at ``home`` as the children's is."""
    os.environ["FPS_HOME"] = str(home)
    os.environ["FPS_SITE_CONFIG"] = str(home / "none.json")
    from fps_desktop.config import Settings

    settings = Settings()
    for key, value in values.items():
        settings.set(key, value)


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=["folder", "pbms"], default="folder")
    parser.add_argument("--opens", type=int, default=3, help="cached opens to take the median of")
    parser.add_argument("--skip-print", action="store_true", help="window figures only")
    parser.add_argument("--quick", action="store_true",
                        help="a small GUID, one open: checks the figures still run")  # fmt: skip
    parser.add_argument("--window", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=int, metavar="DPI", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.window:
        print(json.dumps(drive_window(args.opens, PAGE_DOWNS)))
        return
    if args.baseline:
        print(json.dumps(render_baseline(args.baseline)))
        return

    started = time.perf_counter()
    invoices, pages = (QUICK_INVOICES, QUICK_PAGES) if args.quick else (INVOICES, SCAN_PAGES)
    if args.quick:
        args.opens = 1
    files = heavy_files(invoices, pages)
    size = sum(len(data) for *_, data in files)
    print(f"heavy GUID {GUID}: {invoices} invoices + {pages}-page scan, "
          f"{size / 1e6:.1f} MB in all, scan {len(files[-1][2]) / 1e6:.1f} MB; "
          f"source {args.source} (ready in {time.perf_counter() - started:.0f} s)")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fps-heavy-") as tmp:
        tmp_path = Path(tmp)
        server, values = serve(args.source, files, tmp_path / "share")
        if args.quick:
            values["print.dpi"] = QUICK_DPI
        try:
            run(args, tmp_path, values)
        finally:
            if server is not None:
                server.shutdown()


def run(args: argparse.Namespace, tmp_path: Path, values: dict) -> None:
    home = tmp_path / "home"
    configure(home, values)
    me = [sys.executable, str(Path(__file__).resolve())]

    page_downs = QUICK_PAGE_DOWNS if args.quick else PAGE_DOWNS
    if args.quick:
        window = drive_window(args.opens, page_downs)
    else:
        out, _wall, _peak = child(home, *me, "--window", "--opens", str(args.opens))
        window = json.loads(out.strip().splitlines()[-1])
    cached = statistics.median(window["open_cached"])
    print(f"open → first page painted, uncached: {window['open_uncached']:.2f} s; cached: "
          f"median {cached:.2f} s of {args.opens} ({window['pages']} pages; target ≤ 1 s: "
          f"{verdict(max(window['open_uncached'], cached), 1.0)})")  # fmt: skip
    print(f"Ctrl+P → first preview sheet painted: {window['first_sheet']:.2f} s "
          f"(target ≤ 1 s: {verdict(window['first_sheet'], 1.0)})")  # fmt: skip
    print(f"Ctrl+P → Print enabled: {window['print_enabled']:.2f} s "
          f"(target ≤ 3 s: {verdict(window['print_enabled'], 3.0)}); "
          f"preview shows “{window['sheet_label']}”, {window['summary']}")  # fmt: skip
    print(f"peak RSS of the window process with the preview open, after {page_downs} × Page Down"
          f" (VmHWM from /proc/self/status, same process): {window['peak_mb']:.0f} MB, "
          f"resident now {window['rss_mb']:.0f} MB "
          f"(target ≤ 600 MB: {verdict(window['peak_mb'], 600)})")  # fmt: skip

    if not args.skip_print:
        from fps_desktop.config import Settings

        dpi = min(Settings().get("print.dpi"), 300)
        target = tmp_path / "printed.pdf"
        command = ["-m", "fps_desktop", "print", GUID, "--confirm-duplicates"]
        if args.quick:
            wall, peak = print_here([*command[2:], "--to-pdf", str(target)])
            baseline, measured = render_baseline(dpi), "VmHWM of the quick run's own process"
        else:
            _out, wall, peak = child(home, sys.executable, *command, "--to-pdf", str(target))
            out, _wall, _peak = child(home, *me, "--baseline", str(dpi))
            baseline, measured = json.loads(out.strip().splitlines()[-1]), "ru_maxrss from wait4"
        ratio = wall / baseline["seconds"]
        print(f"fps-desktop print GUID --to-pdf (cached GUID, {baseline['sheets']} sheets at "
              f"{dpi} dpi): {wall:.1f} s wall, peak RSS {peak:.0f} MB ({measured}; "
              f"target ≤ 500 MB: {verdict(peak, 500)}); output "
              f"{target.stat().st_size / 1e6:.0f} MB")  # fmt: skip
        print(f"baseline, PyMuPDF rendering the same {baseline['sheets']} sheets at {dpi} dpi: "
              f"{baseline['seconds']:.1f} s → print takes {ratio:.2f}× "
              f"(target ≤ 1.2×: {verdict(ratio, 1.2)})")  # fmt: skip
        print_to_cups(home, command, wall)

    from bench_documents import start_window

    cold = 1 if args.quick else 3
    starts = [start_window(0, tmp_path / "cold")[0] for _ in range(cold)]
    print(f"cold start to window shown: best {min(starts):.2f} s of {cold} "
          f"(target ≤ 1.5 s: {verdict(min(starts), 1.5)})")  # fmt: skip


if __name__ == "__main__":
    main()
