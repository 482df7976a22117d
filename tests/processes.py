"""The servers a test process starts end with it, even when it is killed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def tied_to_this_process(command: list[str]) -> list[str]:
    """``command`` set up to get SIGTERM when the thread that starts it dies.

    A killed pytest (a CI time limit, SIGKILL, a closed terminal) runs no fixture teardown,
    and a private cupsd or MariaDB left behind would run until the machine restarts. On
    Linux util-linux's ``setpriv`` sets the kernel's parent-death signal, then runs the
    server in its own place. Start servers from the main thread (fixtures run there),
    never from a thread that ends before them.
    """
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else command


def wait_until_listening(process: subprocess.Popen, socket_path: Path, seconds: float) -> bool:
    """True once the server answers on its Unix socket; False when it ended or took
    longer than ``seconds`` (the caller says why, from the server's own log)."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(socket_path))
            except OSError:
                time.sleep(0.05)
                continue
            return True
    return False


def end(process: subprocess.Popen | None) -> None:
    """Stop a private server: asked first, killed if it does not go within 30 s."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
