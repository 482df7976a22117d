"""The servers a test process starts end with it, even when it is killed."""

from __future__ import annotations

import shutil
import sys


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
