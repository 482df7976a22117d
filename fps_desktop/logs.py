"""Logging set up once: a rotating file in the log dir plus stderr."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(log_dir: Path, verbose: bool = False, console: bool = True) -> Path:
    """Configure the root logger; returns the log file path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "fps-desktop.log"
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_fps", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handlers: list[logging.Handler] = [file_handler]
    if console:
        stream = _CurrentStderr()
        stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handlers.append(stream)
    for handler in handlers:
        handler._fps = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    return log_file


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (it may be swapped after set-up)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def escape_for_log(text: str, limit: int = 200) -> str:
    """Make untrusted text safe for one log line: no control characters, bounded."""
    cleaned = text[:limit].encode("unicode_escape").decode("ascii")
    return cleaned + ("…" if len(text) > limit else "")
