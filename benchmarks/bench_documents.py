"""Figures for the GUID workspace: open, merge, spool, start-up.

Run: .venv/bin/python benchmarks/bench_documents.py [--baseline REF] [--quick]
Each cold start is a new app process, timed until its window is shown; the first one
then opens the GUID cached (after an open that fills the cache, not counted) and uncached.
The merge (whose process then writes the spool's sheets) and each spool run in processes
of their own, so start-up and peak memory are honest. The spool figure is also measured
with the ``fps_desktop`` of REF (default ``main``, exported with ``git archive``) on the
same sheets in the same run, interleaved, best of 2 each; each spool process first sends
one sheet, so its decoder workers are up as in a window.
``--quick`` (run by the test suite) prints every figure from the least that makes it: one
open of each kind (2 files uncached), 5 files merged, 2 sheets spooled once at 100 dpi, one
cold start, no baseline; the merge and the spool run their same scripts in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_bomb import export_tree  # noqa: E402

GUID = "c965be9f9c1d449d9e50fed330150d7a"

PRELUDE = textwrap.dedent(
    f"""
    import os, resource, sys, time
    sys.path.insert(0, {str(ROOT)!r})
    if os.environ.get("FPS_BENCH_CODE"):  # the baseline: another commit's fps_desktop first
        sys.path.insert(0, os.environ["FPS_BENCH_CODE"])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    """
)

WINDOW = PRELUDE + textwrap.dedent(
    """
    import json
    from PySide6.QtCore import QEventLoop
    from fps_desktop.config import Settings
    from fps_desktop.ui.app import create_application, install_translations
    from fps_desktop.ui.main_window import MainWindow
    app = create_application()
    settings = Settings()
    install_translations(app, settings.get("ui.language"))
    window = MainWindow(settings)
    window.show()
    app.processEvents()
    print("shown", flush=True)  # the cold start ends here

    def opened(refresh):
        done = []
        loop = QEventLoop()
        window.documents_shown.connect(lambda guid: (done.append(time.perf_counter()), loop.quit()))
        start = time.perf_counter()
        window.open_guid(GUID, refresh=refresh)
        loop.exec()  # processEvents() in a busy loop leaks None refs in PySide6 6.12
        window.documents_shown.disconnect()
        return (done[0] - start) * 1000

    runs, files = int(sys.argv[1]), int(sys.argv[2])
    if runs:
        from tests.documents.pbms_server import PbmsFile, PbmsServer
        from fps_desktop.documents.demo import demo_file_bytes
        opened(False)  # fills the cache from the demo source
        cached = [opened(False) for _ in range(runs)]
        server = PbmsServer().start()
        server.state.files[GUID] = [
            PbmsFile(f"f{i}", f"发票_{i}.pdf", demo_file_bytes(GUID, f"inv-{i % 2 + 1}"),
                     "invoice")
            for i in range(files)
        ]
        settings.set("source.kind", "pbms")
        settings.set("source.pbms.list_url", server.list_url)
        settings.set("source.pbms.download_url", server.download_url)
        uncached = []
        for run in range(runs):
            window.cache = type(window.cache)(window.cache.root.parent / f"fresh{run}")
            uncached.append(opened(True))
        print(json.dumps([cached, uncached]))
    window.shutdown()
    """
).replace("GUID", repr(GUID))

MERGE_THEN_SHEETS = PRELUDE + textwrap.dedent(
    """
    from pathlib import Path
    import pymupdf
    from fps_desktop.documents.cache import DocumentCache
    from fps_desktop.documents.demo import DemoSource, demo_file_bytes
    from fps_desktop.documents.merge import merge_files
    from fps_desktop.documents.sources import FolderSource
    from fps_desktop.layouts import Layout
    from fps_desktop.printing.imposition import Choice, Setup, impose, sources_for
    share = Path(sys.argv[1])
    folder = share / GUID
    folder.mkdir(parents=True)
    kinds = [("inv-1", "pdf"), ("inv-2", "pdf"), ("receipt", "jpg"), ("payment", "png"),
             ("approval", "pdf")]
    for i in range(int(sys.argv[2])):
        file_id, ext = kinds[i % len(kinds)]
        (folder / f"{i:03d}_{file_id}.{ext}").write_bytes(demo_file_bytes(GUID, file_id))
    cache = DocumentCache(share / "cache")
    manifest = cache.fetch(GUID, FolderSource(share))
    start = time.perf_counter()
    merged = merge_files(cache, manifest.files)
    elapsed = time.perf_counter() - start
    # After the figure, in the same process: the spool figure's sheets, the demo GUID laid
    # out at actual size and repeated.
    demo = DocumentCache(share / "demo-cache")
    shown = merge_files(demo, demo.fetch(GUID, DemoSource()).files)
    doc = pymupdf.open(stream=impose(shown.pdf, sources_for(shown.page_roles),
                                     Setup(Choice(Layout.ACTUAL))).pdf)
    many = pymupdf.open()
    count = int(sys.argv[4])
    while many.page_count < count:
        many.insert_pdf(doc, to_page=min(doc.page_count, count - many.page_count) - 1)
    many.save(sys.argv[3])
    print(f"{elapsed:.3f} {len(merged.page_roles)}")
    """
).replace("GUID", repr(GUID))

SPOOL = PRELUDE + textwrap.dedent(
    """
    from pathlib import Path
    import pymupdf
    from PySide6.QtGui import QGuiApplication
    from fps_desktop.printing.spooler import PrinterOptions, make_printer, spool
    app = QGuiApplication([])
    data = Path(sys.argv[1]).read_bytes()
    first = pymupdf.open(stream=data)
    first.select([0])
    dpi = int(sys.argv[3])
    spool(first.tobytes(), make_printer(PrinterOptions(to_pdf=Path(sys.argv[2]), dpi=dpi)))
    printer = make_printer(PrinterOptions(to_pdf=Path(sys.argv[2]), dpi=dpi))
    start = time.perf_counter()
    sent = spool(data, printer)
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.2f} {sent} {peak_mb():.0f} {printer.resolution()}")
    """
)


def environment(home: Path, code: Path | None) -> dict[str, str]:
    """The app's home in ``home``; the ``fps_desktop`` in ``code`` rather than this tree's."""
    env = {**os.environ, "FPS_HOME": str(home), "FPS_SITE_CONFIG": str(home / "none.json")}
    if code is not None:
        env["FPS_BENCH_CODE"] = str(code)
    return env


def run(script: str, *args: str, home: Path, code: Path | None = None, here: bool = False) -> str:
    """The last line ``script`` prints, run in a process of its own; ``here``: in this one
    (the quick run: the same script without a start-up of its own, so its time and peak
    memory say nothing)."""
    if here:
        os.environ.update(environment(home, code))
        printed, argv = io.StringIO(), sys.argv
        sys.argv = ["-c", *args]
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(script, "<bench>", "exec"), {"__name__": "__main__"})
        finally:
            sys.argv = argv
        return printed.getvalue().strip().splitlines()[-1]
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                            text=True, env=environment(home, code), check=False)  # fmt: skip
    if result.returncode:
        sys.exit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def start_window(runs: int, home: Path, files: int = 0) -> tuple[float, list[list[float]]]:
    """Seconds from starting the app's process until its window is shown (a cold start),
    then ``runs`` opens of the GUID cached and ``runs`` uncached of ``files`` files (ms),
    in that window."""
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        with subprocess.Popen([sys.executable, "-c", WINDOW, str(runs), str(files)], text=True,
                              stdout=subprocess.PIPE, stderr=errors,
                              env=environment(home, None)) as process:  # fmt: skip
            first = process.stdout.readline()
            shown = time.perf_counter() - start
            rest = process.stdout.read()
        if process.returncode or first != "shown\n":
            errors.seek(0)
            sys.exit(errors.read())
    return shown, json.loads(rest) if runs else []


def spool_figures(sheets: Path, dpi: int, tmp_path: Path, baseline: str | None,
                  home: Path, here: bool) -> None:  # fmt: skip
    """The ``sheets`` spooled to the PDF printer at ``dpi`` with this tree, and with
    ``baseline``'s code unless None: interleaved, so both meet the same load, best of 2 each.
    ``here``: in this process (see ``run``)."""
    trees = {"now": None}
    if baseline is not None:
        trees[baseline] = export_tree(baseline, tmp_path / "baseline")
    best: dict[str, float] = {}
    peaks: dict[str, str] = {}
    for _ in range(2 if baseline is not None else 1):
        for label, code in trees.items():
            seconds, sent, peak, dpi = run(
                SPOOL, str(sheets), str(tmp_path / "out.pdf"), str(dpi), home=home, code=code,
                here=here,
            ).split()  # fmt: skip
            best[label] = min(best.get(label, float("inf")), float(seconds))
            peaks[label] = peak
    print(f"spool {sent} pages at {dpi} dpi to the PDF printer: {best['now']:.2f} s, peak RSS"
          f" of the app process {peaks['now']} MB (targets <= 8 s, <= 400 MB)")  # fmt: skip
    if baseline is not None:
        ratio = best["now"] / best[baseline]
        print(f"spool {sent} pages at {dpi} dpi, best of 2: now {best['now']:.2f} s, "
              f"{baseline} {best[baseline]:.2f} s, ratio {ratio:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref whose spool is compared")
    parser.add_argument("--quick", action="store_true", help="every figure, from the least")
    args = parser.parse_args()
    runs, opened, files, sheets, dpi, cold = (
        (1, 2, 5, 2, 100, 1) if args.quick else (5, 10, 200, 100, 300, 3)
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "home"
        shown, (cached, uncached) = start_window(runs, home, opened)
        print(f"open cached GUID to first page painted: median {statistics.median(cached):.0f} ms"
              f" (runs: {', '.join(f'{x:.0f}' for x in cached)}; target <= 150 ms)")  # fmt: skip
        print(f"open {opened} files uncached from loopback PBMS: median "
              f"{statistics.median(uncached):.0f} ms (target <= 600 ms)")  # fmt: skip
        sheets_pdf = tmp_path / "sheets.pdf"
        seconds, pages = run(
            MERGE_THEN_SHEETS, str(tmp_path / "share"), str(files), str(sheets_pdf), str(sheets),
            home=home, here=args.quick,
        ).split()  # fmt: skip
        print(f"merge {files} files (PDF, JPG, PNG; {pages} pages): {float(seconds):.2f} s"
              " (target <= 1.5 s for 200 files)")  # fmt: skip
        spool_figures(sheets_pdf, dpi, tmp_path, None if args.quick else args.baseline, home,
                      here=args.quick)  # fmt: skip
        starts = [shown] + [start_window(0, home)[0] for _ in range(cold - 1)]
        print(f"cold start to window shown: best {min(starts):.2f} s of {cold}"
              " (target <= 1.5 s)")  # fmt: skip


if __name__ == "__main__":
    main()
