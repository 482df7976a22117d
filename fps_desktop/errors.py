"""Typed errors whose message a clerk can act on.

Core modules cannot import Qt, so messages are English templates marked with
``QT_TRANSLATE_NOOP`` for lupdate; the UI translates the template at display time
and fills in the parameters. The traceback goes to the log, never to a dialog.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - lupdate looks for this name
    """Mark ``text`` for translation in ``context`` without importing Qt."""
    return text


ERROR_CONTEXT = "FpsError"


class Words(str):
    """A parameter that is itself translatable text (a reason, a state), marked with its
    context: wherever the template around it is translated, it is translated too. As a
    plain ``str`` it is the English (the command line, the log)."""

    context: str

    def __new__(cls, text: str, context: str) -> Words:
        words = super().__new__(cls, text)
        words.context = context
        return words


def say(value: object, translate) -> object:
    """``value`` in the UI language when it is ``Words``, else as it is."""
    return translate(value.context, str(value)) if isinstance(value, Words) else value


def translated_params(params: dict[str, object], translate) -> dict[str, object]:
    return {key: say(value, translate) for key, value in params.items()}


class FpsError(Exception):
    """Base of every error the user may see.

    ``template`` is an English ``str.format`` template; ``params`` fill it in.
    ``exit_code`` is what the command line returns for this kind of failure.
    """

    exit_code = 1

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, translate) -> str:
        """Message in the UI language; ``translate(context, text)`` is Qt's."""
        return translate(ERROR_CONTEXT, self.template).format(
            **translated_params(self.params, translate)
        )


class UsageError(FpsError):
    """The user gave input that cannot work (bad GUID, bad page range, ...)."""

    exit_code = 2


class Cancelled(FpsError):
    """The user cancelled a running job; nothing was left half-done."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP("FpsError", "Cancelled."))


class Paused(Cancelled):
    """The user paused a job: it stopped where it can carry on (an upload task resumes)."""


class SourceError(FpsError):
    """The document source (PBMS, folder) failed or answered nonsense."""

    exit_code = 3


class DocumentError(FpsError):
    """A file cannot be read as the document it claims to be.

    ``problem`` is a stable code for the kind of defect (``documents.models.Problem``),
    so a file list can say "damaged PDF" in the row without parsing the message.
    """

    exit_code = 4

    def __init__(self, template: str, problem: str = "damaged-pdf", **params: object) -> None:
        self.problem = problem
        super().__init__(template, **params)


class StorageError(FpsError):
    """The local disk refused a write (full, read-only, permissions)."""

    exit_code = 5


class PrintError(FpsError):
    """The printer or the print-to-file target failed."""

    exit_code = 6


class DatabaseError(FpsError):
    """The export database is unreachable, refuses us, or lacks a table."""

    exit_code = 7


class ExportError(FpsError):
    """An export cannot run (locked, bad output folder, bad mapping)."""

    exit_code = 8


class UploadError(FpsError):
    """An upload to OSS failed in a way the user must act on."""

    exit_code = 9


class ListenerError(FpsError):
    """The localhost listener cannot start (port taken, bad address)."""

    exit_code = 10
