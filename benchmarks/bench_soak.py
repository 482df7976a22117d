"""A day's work in the real window: PBMS pushes cycling folder GUIDs, memory kept flat.

Run: .venv/bin/python benchmarks/bench_soak.py [--pushes 600] [--interval 1.2] [--quick]

The window (offscreen) and its PBMS listener run in a process of their own; a thread
there pushes GUIDs over HTTP as PBMS does, cycling 45 folder GUIDs (two invoices, a
photo and a screenshot each), and waits for each to be shown with its invoice fields
read. Resident memory, threads and open descriptors are read after the first 50
pushes (the caches filled) and at the end; the growth between is given per 100 pushes
(target <= 3 MB). ``--quick`` (run by the test suite) makes 15 pushes, measured from
the 5th, without pauses.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDS = 45
GROWTH_TARGET_MB = 3.0

SOAK = textwrap.dedent(
    """
    import os, re, sys, threading, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from fps_desktop.config import Settings
    from fps_desktop.documents.demo import demo_file_bytes
    from fps_desktop.ui.bridge import Bridge
    from fps_desktop.ui.main_window import MainWindow
    from tests.listener.conftest import PBMS, Client
    from tests.net import free_port

    def state():
        status = Path("/proc/self/status").read_text()
        rss = int(re.search(r"VmRSS:\\s+(\\d+)", status).group(1)) / 1024
        return rss, len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))

    def main():
        share, pushes, settle, interval = Path(sys.argv[2]), *map(float, sys.argv[3:6])
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
        settings.set("source.kind", "folder")
        settings.set("source.folder.root", str(share))
        settings.set("listener.port", free_port())
        settings.set("listener.allowed_origins", [PBMS])
        settings.set("listener.rate_per_minute", 100_000)
        window = MainWindow(settings)
        bridge = Bridge(window, settings)
        window.show()
        bridge.start()
        client = Client(bridge.listener.port)
        marks = {}
        deadline = QTimer(singleShot=True, interval=60_000)  # a push never answered
        for number in range(int(pushes)):
            guid = guids[number % GUIDS]
            loop = QEventLoop()
            window.invoices_shown.connect(lambda shown, g=guid: shown == g and loop.quit())
            deadline.timeout.connect(loop.quit)
            deadline.start()
            threading.Thread(target=client.push, args=(guid,),
                             kwargs={"headers": {"Origin": PBMS}}).start()
            loop.exec()
            window.invoices_shown.disconnect()
            deadline.timeout.disconnect()
            if window.manifest is None or window.manifest.guid != guid:
                print(f"push {number} of {guid} was not answered", file=sys.stderr)
                sys.exit(1)
            if interval:
                pause = QEventLoop()
                QTimer.singleShot(int(interval * 1000), pause.quit)
                pause.exec()
            if number + 1 in (int(settle), int(pushes)):
                marks[number + 1] = state()
        bridge.stop()
        window.shutdown()
        (first, start), (last, end) = sorted(marks.items())
        print(first, last, *start, *end)

    if __name__ == "__main__":
        main()
    """
).replace("GUIDS", str(GUIDS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=600)
    parser.add_argument("--interval", type=float, default=1.2, help="seconds between pushes")
    parser.add_argument("--quick", action="store_true", help="15 pushes, no pauses")
    args = parser.parse_args()
    pushes, settle, interval = (15, 5, 0.0) if args.quick else (args.pushes, 50, args.interval)
    with tempfile.TemporaryDirectory(prefix="fps-bench-soak-") as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "FPS_HOME": str(home), "FPS_SITE_CONFIG": str(home / "none.json")}
        result = subprocess.run(
            [sys.executable, "-c", SOAK, str(ROOT), str(Path(tmp) / "share"), str(pushes),
             str(settle), str(interval)],
            capture_output=True, text=True, env=env, cwd=ROOT, check=False,
        )  # fmt: skip
    if result.returncode:
        print(result.stderr[-3000:], file=sys.stderr)
        return 1
    first, last, rss0, threads0, fds0, rss1, threads1, fds1 = result.stdout.split()[-8:]
    growth = (float(rss1) - float(rss0)) / (int(last) - int(first)) * 100
    print(f"{last} pushes: resident memory {float(rss0):.0f} MB after {first}, {float(rss1):.0f}"
          f" MB at the end: {growth:+.1f} MB per 100 pushes (target <= {GROWTH_TARGET_MB:g});"
          f" threads {threads0} -> {threads1}; descriptors {fds0} -> {fds1}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
