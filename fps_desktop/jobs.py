"""One shape for every long operation, free of Qt.

A job is a callable ``run(progress, cancel)``: it reports ``progress(done, total,
message, detail)`` (``detail``: anything more its own window shows), checks ``cancel``
between steps and raises a typed ``FpsError``. The CLI calls it directly; the GUI runs
it through ``fps_desktop.ui.job_queue.JobQueue``, the Qt side of a job (pool thread,
signals, the Jobs list), which lives there so that nothing here needs Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fps_desktop.errors import Cancelled, translated_params


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "", detail: object = None) -> None: ...


def no_progress(done: int, total: int, message: str = "", detail: object = None) -> None:
    """Progress sink for callers that do not show progress."""


class CancelToken:
    """Cooperative cancel flag shared between the caller and a job."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        if self._event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if cancelled meanwhile (for backoff)."""
        return self._event.wait(seconds)


def as_written(context: str, text: str) -> str:
    """The ``translate(context, text)`` of English: the text as it is."""
    return text


def _filled(text: str, params: dict[str, object], translate) -> str:
    """``text`` filled with ``params``, each ``Words`` param in ``translate``'s language."""
    return text.format(**translated_params(params, translate)) if params else text


@dataclass
class JobResult:
    """What a finished job hands back: a summary line and, maybe, a file.

    With ``summary_params`` the summary is a translatable template (context "Jobs").
    """

    summary: str
    path: Path | None = None
    data: Any = None
    summary_params: dict[str, object] = field(default_factory=dict)
    # What Cancel still does once the job ended (a print the queue holds is cancelled
    # there); it answers as ``Job.run`` does.
    cancel: Callable[[], JobResult] | None = None

    def text(self, translate=as_written) -> str:
        """The summary in ``translate``'s language (Qt's in the window, the catalogue's in a
        terminal)."""
        return _filled(translate("Jobs", self.summary), self.summary_params, translate)


@dataclass
class Job:
    """A titled unit of long work; ``run`` returns a ``JobResult``.

    With ``title_params`` the title is a translatable template (context "Jobs").
    """

    title: str
    run: Callable[[Progress, CancelToken], JobResult]
    kind: str = "general"
    title_params: dict[str, object] = field(default_factory=dict)

    def heading(self, translate=as_written) -> str:
        """The title in ``translate``'s language."""
        return _filled(translate("Jobs", self.title), self.title_params, translate)
