"""A day of work sends many signals; the interpreter must survive them (PySide6 6.12.0
drops a reference to True with every signal sent, hence its exclusion in pyproject.toml)."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Sender(QObject):
        progress = Signal(int, int, str)

    app = QCoreApplication([])
    sender = Sender()
    sender.progress.connect(lambda done, total, message: None)
    for done in range(20_000):
        sender.progress.emit(done, 20_000, "")
    print("sent")
    """
)


def test_twenty_thousand_signals_do_not_abort_the_interpreter():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.strip() == "sent"
    assert result.returncode == 0, result.stderr[-500:]
