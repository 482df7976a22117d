"""A day's work in the real window: PBMS pushes cycling folder GUIDs, prints, memory flat.

Run: .venv/bin/python benchmarks/bench_soak.py [--pushes 600] [--interval 1.2]
     [--print-every 20] [--quick]

The window (offscreen) and its PBMS listener run in a process of their own; a thread
there pushes GUIDs over HTTP as PBMS does, cycling 45 folder GUIDs (two invoices, a
photo and a screenshot each), and waits for each to be shown with its invoice fields
read. Every 20th push is PBMS's signed print of the GUID instead (``/api/print``) to a
queue of a private CUPS scheduler (``tests/cups_server.py``, the suite's own), followed
until CUPS says the job completed; halfway between two of them the clerk presses Ctrl+P,
waits for the preview and presses Escape. Resident memory, threads, open descriptors, the cache
and the log folder are read after the first 50 pushes (the caches filled) and at the
end; memory growth between is given per 100 pushes (target <= 3 MB). ``--quick`` (run
by the test suite) makes 5 pushes, the 2nd with the print dialog, the 5th a print,
measured from the 2nd, without pauses. ``--trace`` adds the 10 places whose Python
allocations grew most between the two points (tracemalloc; slower).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import cups_server  # noqa: E402 - the suite's private print system

GUIDS = 45
GROWTH_TARGET_MB = 3.0

SOAK = textwrap.dedent(
    """
    import itertools, json, os, re, sys, threading, time, tracemalloc
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from fps_desktop.config import Settings, keep_secret
    from fps_desktop.documents.demo import demo_file_bytes
    from fps_desktop.listener.security import signature_for
    from fps_desktop.logs import setup_logging
    from fps_desktop.ui.bridge import Bridge
    from fps_desktop.ui.main_window import MainWindow
    from fps_desktop.ui.print_dialog import PrintDialog
    from tests.listener.conftest import PBMS, Client

    SECRET = "soak-shared-secret"
    NONCES = itertools.count()
    FINAL = ("completed", "held", "refused", "failed", "cancelled")

    def state(paths):
        status = Path("/proc/self/status").read_text()
        rss = int(re.search(r"VmRSS:\\s+(\\d+)", status).group(1)) / 1024
        folder_kb = lambda folder: sum(p.stat().st_size for p in folder.rglob("*")
                                       if p.is_file()) / 1024
        return (rss, len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd")),
                folder_kb(paths.cache_dir) / 1024, folder_kb(paths.log_dir))

    def signed(method, path, fields):
        fields = {"ts": int(time.time()), "nonce": f"soak-{next(NONCES):08d}", **fields}
        return {**fields, "sig": signature_for(SECRET, method, path, fields)}

    def wait(seconds, done=lambda: False):
        \"\"\"Run the window's events until ``done()`` or ``seconds`` pass.\"\"\"
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            pause = QEventLoop()
            QTimer.singleShot(50, pause.quit)
            pause.exec()
        return done()

    def look_at_print_dialog(window):
        # Ctrl+P; the invoices were claimed before: Print anyway; the preview laid out; Escape
        def answer():
            shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
            question = next((w for w in shown if isinstance(w, QMessageBox)), None)
            if question is not None:
                next(b for b in question.buttons() if b.text() == "Print anyway").click()
            dialog = next((w for w in shown if isinstance(w, PrintDialog)), None)
            if dialog is not None and dialog.print_button.isEnabled():
                dialog.reject()
            else:
                QTimer.singleShot(20, answer)
        QTimer.singleShot(20, answer)
        window.print_action.trigger()

    def main():
        share, pushes, settle, interval, every = Path(sys.argv[2]), *map(float, sys.argv[3:7])
        queue, trace = sys.argv[7], sys.argv[8] == "trace"
        guids = [f"{n:032x}" for n in range(1, GUIDS + 1)]
        for number, guid in enumerate(guids):
            folder = share / guid
            folder.mkdir(parents=True)
            for file_id, name in [("inv-1", "发票_1.pdf"), ("inv-2", "发票_2.pdf"),
                                  ("receipt", "receipt.jpg"), ("payment", "payment.png")]:
                data = demo_file_bytes("c965be9f9c1d449d9e50fed330150d7a", file_id)
                (folder / name).write_bytes(data + b"%" + guid.encode() if name.endswith(".pdf")
                                            else data)
        app = QApplication([])
        settings = Settings()
        setup_logging(settings.paths.log_dir, console=False)  # as the app logs, into its file
        settings.set("source.kind", "folder")
        settings.set("source.folder.root", str(share))
        settings.set("listener.port", 0)
        settings.set("listener.allowed_origins", [PBMS])
        settings.set("listener.rate_per_minute", 100_000)
        settings.set("listener.allow_silent_print", True)
        keep_secret("listener.hmac_secret", SECRET)  # no keyring in the soak: this session
        window = MainWindow(settings)
        bridge = Bridge(window, settings)
        window.show()
        bridge.start()
        client = Client(bridge.listener.port)
        marks, printed, answers = {}, [], []
        deadline = QTimer(singleShot=True, interval=60_000)  # a push never answered
        for number in range(int(pushes)):
            guid = guids[number % GUIDS]
            prints = every and (number + 1) % int(every) == 0
            if prints:
                body = signed("POST", "/api/print", {"guid": guid, "printer": queue,
                                                      "confirm_duplicates": True})
                send = lambda body=body: answers.append(
                    client.request("POST", "/api/print", body, headers={"Origin": PBMS}))
            else:
                send = lambda guid=guid: client.push(guid, headers={"Origin": PBMS})
            loop = QEventLoop()
            window.invoices_shown.connect(lambda shown, g=guid: shown == g and loop.quit())
            deadline.timeout.connect(loop.quit)
            deadline.start()
            threading.Thread(target=send).start()
            loop.exec()
            window.invoices_shown.disconnect()
            deadline.timeout.disconnect()
            if window.manifest is None or window.manifest.guid != guid:
                print(f"push {number} of {guid} was not answered", file=sys.stderr)
                sys.exit(1)
            if every and (number + 1) % int(every) == int(every) // 2:
                look_at_print_dialog(window)
            if prints:
                wait(10, lambda: answers)
                response, answer = answers.pop()
                if response.status != 202:
                    print(f"print {number} of {guid} refused: {answer}", file=sys.stderr)
                    sys.exit(1)
                path = f"/api/print/{answer['job']}"
                asked = []
                def final():
                    fields = signed("GET", path, {})
                    query = "&".join(f"{k}={v}" for k, v in fields.items())
                    asked.append(client.request("GET", f"{path}?{query}")[1])
                    return asked[-1].get("state") in FINAL
                if not wait(120, final) or asked[-1]["state"] != "completed":
                    print(f"print {number} of {guid}: {asked[-1]}", file=sys.stderr)
                    sys.exit(1)
                printed.append(answer["job"])
            if interval:
                wait(interval)
            if number + 1 in (int(settle), int(pushes)):
                marks[number + 1] = state(settings.paths)
                if trace and number + 1 == int(settle):
                    tracemalloc.start(8)
                    before = tracemalloc.take_snapshot()
        grown = []
        if trace:
            after = tracemalloc.take_snapshot()
            for stat in after.compare_to(before, "traceback")[:10]:
                frame = stat.traceback[0]
                grown.append(f"{stat.size_diff / 1024:+.0f} KiB {stat.count_diff:+d} blocks "
                             f"{frame.filename}:{frame.lineno}")
        bridge.stop()
        window.shutdown()
        (first, start), (last, end) = sorted(marks.items())
        print(json.dumps({"first": first, "last": last, "start": start, "end": end,
                          "printed": len(printed), "grown": grown}))

    if __name__ == "__main__":
        main()
    """
).replace("GUIDS", str(GUIDS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=600)
    parser.add_argument("--interval", type=float, default=1.2, help="seconds between pushes")
    parser.add_argument("--print-every", type=int, default=20, help="0: no prints")
    parser.add_argument("--quick", action="store_true", help="5 pushes, no pauses")
    parser.add_argument("--trace", action="store_true", help="what grew, by tracemalloc")
    args = parser.parse_args()
    pushes, settle, interval, every = (
        (5, 2, 0.0, 5) if args.quick else (args.pushes, 50, args.interval, args.print_every)
    )
    if every and not cups_server.available():
        print("prints need CUPS (cupsd, lpadmin, ipptool, the generic PDF driver): "
              "install them or run with --print-every 0", file=sys.stderr)  # fmt: skip
        return 1
    with tempfile.TemporaryDirectory(prefix="fps-bench-soak-") as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "FPS_HOME": str(home), "FPS_SITE_CONFIG": str(home / "none.json"),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
        # Not under ``tmp`` (0700): CUPS runs its filters as lp, who must read the queue's PPD.
        spool = Path(tempfile.gettempdir()) / f"fps-bench-soak-cups-{os.getpid()}"
        cups = cups_server.CupsServer(spool / "cups.sock") if every else None
        try:
            queue = ""
            if cups is not None:
                queue = cups.start().add_queue("Soak")
                env["CUPS_SERVER"] = str(cups.socket_path)
            result = subprocess.run(
                [sys.executable, "-c", SOAK, str(ROOT), str(Path(tmp) / "share"), str(pushes),
                 str(settle), str(interval), str(every), queue,
                 "trace" if args.trace else "-"],
                capture_output=True, text=True, env=env, cwd=ROOT, check=False,
            )  # fmt: skip
            completed = 0
            if cups is not None and not result.returncode:
                completed = sum(job["job-state"] in ("9", "completed") for job in cups.jobs(queue))
        finally:
            if cups is not None:
                cups.stop()
                shutil.rmtree(spool, ignore_errors=True)
    if result.returncode:
        print(result.stderr[-3000:], file=sys.stderr)
        return 1
    import json

    found = json.loads(result.stdout.splitlines()[-1])
    first, last = found["first"], found["last"]
    (rss0, threads0, fds0, cache0, logs0), (rss1, threads1, fds1, cache1, logs1) = (
        found["start"], found["end"])  # fmt: skip
    growth = (rss1 - rss0) / (last - first) * 100
    print(f"{last} pushes: resident memory {rss0:.0f} MB after {first}, {rss1:.0f} MB at the "
          f"end: {growth:+.1f} MB per 100 pushes (target <= {GROWTH_TARGET_MB:g}); threads "
          f"{threads0} -> {threads1}; descriptors {fds0} -> {fds1}; cache {cache0:.1f} -> "
          f"{cache1:.1f} MB; logs {logs0:.0f} -> {logs1:.0f} KB; prints {found['printed']} "
          f"sent, {completed} completed in CUPS")  # fmt: skip
    for line in found["grown"]:
        print(f"  grew: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
