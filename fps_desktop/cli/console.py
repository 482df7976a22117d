"""The console the commands write to, whatever started them.

Windows starts the windowed ``fps-desktop.exe`` without standard streams (Task
Scheduler, shortcuts, a link), and a console or pipe there speaks the locale's code
page, which has no Chinese on most non-Chinese systems. Commands write UTF-8, or into
the log file when there is nowhere else. The console ``fps-desktop-cli.exe`` beside the
windowed one (see README, "Command line") leaves the window to it.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
from pathlib import Path

from fps_desktop import APP_NAME

output_log = logging.getLogger("fps_desktop.output")


class _IntoLog(io.TextIOBase):
    """A standard stream the system did not give us: each line it is sent goes to the log."""

    encoding = "utf-8"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._partial = ""
        self._writing = threading.local()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if getattr(self._writing, "now", False):
            return len(text)  # the log failing (a full disk) reports on stderr: nowhere to go
        self._writing.now = True
        try:
            *lines, self._partial = (self._partial + text).split("\n")
            for line in lines:
                if line.strip():
                    output_log.info("%s: %s", self.name, line.rstrip("\r"))
        finally:
            self._writing.now = False
        return len(text)


def prepare_streams() -> bool:
    """Make stdout and stderr UTF-8 (stray bytes in a file name are replaced, never fatal)
    and give a missing stream somewhere to go. True when stderr is a console, pipe or
    file logging may also write to; False when output goes into the log only."""
    console = sys.stderr is not None
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _IntoLog(name))
        elif isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="replace")
    if sys.stdin is None:
        sys.stdin = io.StringIO()  # nothing to read, as from an empty pipe
    return console


def windowed_exe() -> Path | None:
    """The windowed ``fps-desktop.exe`` when this is the console exe beside it."""
    if not getattr(sys, "frozen", False):
        return None
    this = Path(sys.executable)
    windowed = this.with_name(f"{APP_NAME}.exe")
    return windowed if windowed != this and windowed.is_file() else None


def start_window(windowed: Path, arguments: list[str]) -> None:
    """Start the window from the windowed exe, detached: the terminal gets its prompt back
    and no console window stays open behind the window."""
    if sys.platform == "win32":
        detached = {"creationflags": subprocess.DETACHED_PROCESS
                    | subprocess.CREATE_NEW_PROCESS_GROUP}  # fmt: skip
    else:
        detached = {"start_new_session": True}
    subprocess.Popen(
        [str(windowed), *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        **detached,
    )
