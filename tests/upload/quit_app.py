"""The app as a clerk runs it: Tools → Upload to OSS…, start an upload, File → Quit.

Run as ``python -m tests.upload.quit_app ENDPOINT FOLDER`` (quitting ends the Qt
application, so it runs in a process of its own); the helpers drive the real window.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from tests.menus import menu_action
from tests.upload.conftest import BUCKET, KEY_ID, SECRET


def start_upload(window, endpoint: str, folder: Path):
    """Fill the upload panel's account and start ``folder``; return the panel."""
    from fps_desktop.ui.upload_panel import UploadPanel

    panel = window.panels["upload"].findChild(UploadPanel)
    panel.endpoint.setText(endpoint)
    panel.bucket.setText(BUCKET)
    panel.key_id.setText(KEY_ID)
    panel.secret.setText(SECRET)
    panel.sources.add_paths([str(folder)])
    panel.start()
    return panel


def started(panel) -> bool:
    """Two files are up: the upload is under way."""
    tasks = panel.store.tasks()
    return bool(tasks) and panel.store.counts(tasks[0].id).finished_files >= 2


def main(endpoint: str, folder: str) -> int:
    from fps_desktop.config import Settings
    from fps_desktop.ui.app import create_application
    from fps_desktop.ui.job_queue import JobQueue
    from fps_desktop.ui.main_window import MainWindow

    app = create_application()
    window = MainWindow(Settings(), JobQueue())
    window.show()
    menu_action(window, "Upload to OSS…").trigger()
    panel = start_upload(window, endpoint, Path(folder))
    quit_action = menu_action(window, "Quit")

    def quit_once_started() -> None:
        if started(panel):
            quit_action.trigger()
        else:
            QTimer.singleShot(20, quit_once_started)

    QTimer.singleShot(0, quit_once_started)
    app.exec()
    window.shutdown()  # as fps_desktop.ui.app.run does after the event loop
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
