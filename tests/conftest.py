"""Test set-up shared by every test: offscreen Qt, a private home, a memory keyring.

A test that logs a warning it did not expect fails (mark it ``allow_log_warnings``
when the warning is the point), so silent degradations cannot hide.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# Printing never reaches a real print system: this process's private CUPS listens here
# (started by the ``cups`` fixture), set before libcups or Qt first looks.
CUPS_SOCKET = Path(tempfile.gettempdir()) / f"fps-cups-{os.getpid()}" / "cups.sock"
os.environ["CUPS_SERVER"] = str(CUPS_SOCKET)
# The command line speaks the system's language: tests read English unless one asks
# for another (``LANG=zh_CN.UTF-8`` in a child's environment).
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

import keyring  # noqa: E402 - after the environment above
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from fps_desktop import config  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring so tests never touch the OS secret store."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture(scope="session", autouse=True)
def application(qapp):
    """The widgets' tests need a QApplication; code under test makes a plain
    QGuiApplication when none exists (a print from the command line), so whichever test
    a worker runs first, the QApplication comes first."""
    return qapp


@pytest.fixture(autouse=True)
def fps_home(tmp_path, monkeypatch):
    """Every test gets its own config, data, cache and log folders."""
    home = tmp_path / "fps-home"
    monkeypatch.setenv("FPS_HOME", str(home))
    monkeypatch.setenv("FPS_SITE_CONFIG", str(tmp_path / "no-site.json"))
    return home


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch):
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(config, "_session_secrets", {})  # what a keyring-less run typed
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def cups_scheduler():
    """This test process's own CUPS scheduler, started once."""
    from tests import cups_server

    if not cups_server.available():
        if os.environ.get("CI"):
            pytest.fail("CUPS is not installed; CI must install it (scripts/dev.sh)")
        pytest.skip("CUPS (cups-daemon, cups-client, cups-ipp-utils, cups-filters) is missing")
    server = cups_server.CupsServer(CUPS_SOCKET).start()
    yield server
    server.stop()


@pytest.fixture
def cups(cups_scheduler):
    """The scheduler; the queues a test adds are deleted after it, so no other test sees
    a printer it did not ask for (a print dialog would preselect it)."""
    yield cups_scheduler
    cups_scheduler.remove_queues()


@pytest.fixture
def no_keyring():
    """A machine without a password store, as keyring reports it."""
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())


class CredentialManagerRefusal(Exception):
    """What pywin32-ctypes raises when CredWrite refuses an entry."""


class CredentialManager(MemoryKeyring):
    """The memory keyring with the Windows Credential Manager's limit: 2,560 bytes of UTF-16
    per entry (CRED_MAX_CREDENTIAL_BLOB_SIZE)."""

    def set_password(self, service, username, password):
        if len(password.encode("utf-16-le")) > 2560:
            raise CredentialManagerRefusal(87, "CredWrite", "The parameter is incorrect.")
        super().set_password(service, username, password)


@pytest.fixture
def credential_manager() -> CredentialManager:
    backend = CredentialManager()
    keyring.set_keyring(backend)  # memory_keyring puts the previous one back
    return backend


# Fixtures that only run on Unix, and why: every test using one is Unix-only too.
UNIX_ONLY_FIXTURES = {
    "mariadb": "the private MariaDB server is set up and run through a Unix socket",
    "cups_scheduler": "the private print system is CUPS's cupsd; on Windows the installed "
    "app prints through the spooler in packaging/windows/ci.sh",
}


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items):
    """Skip Unix-only tests on Windows, each saying why; a mark without a reason is refused."""
    for item in items:
        for fixture, reason in UNIX_ONLY_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(pytest.mark.unix_only(reason))
        marks = list(item.iter_markers("unix_only"))
        if any(not mark.args for mark in marks):
            raise pytest.UsageError(f"{item.nodeid}: unix_only needs the reason, e.g. SIGKILL")
        if marks and os.name == "nt":  # Windows
            item.add_marker(pytest.mark.skip(reason=f"Unix only: {marks[0].args[0]}"))


@pytest.fixture(autouse=True)
def fail_on_unexpected_warnings(request, caplog):
    caplog.set_level(logging.INFO)
    yield
    if request.node.get_closest_marker("allow_log_warnings"):
        return
    noisy = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if noisy:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in noisy)
        pytest.fail(f"unexpected warnings in the log:\n{lines}")


class NoConsole:
    """A process started as Windows starts the windowed exe from Task Scheduler or a
    shortcut: without standard streams."""

    def __init__(self, monkeypatch, caplog) -> None:
        self._monkeypatch, self._caplog = monkeypatch, caplog

    def detach(self) -> None:
        """Drop the streams; in the test itself, as pytest sets its own as each phase starts."""
        for name in ("stdin", "stdout", "stderr"):
            self._monkeypatch.setattr(f"sys.{name}", None)

    def written(self) -> list[str]:
        """What the commands wrote so far, as the log holds it."""
        return [r.getMessage() for r in self._caplog.records if r.name == "fps_desktop.output"]


@pytest.fixture
def no_console(monkeypatch, caplog) -> NoConsole:
    return NoConsole(monkeypatch, caplog)


@pytest.fixture
def settings(fps_home):
    from fps_desktop.config import Settings

    return Settings()


@pytest.fixture
def window(qtbot, settings):
    """The real main window, shown and active, as a clerk finds it."""
    from fps_desktop.ui.job_queue import JobQueue
    from fps_desktop.ui.main_window import MainWindow

    main = MainWindow(settings, JobQueue())
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.shutdown()


def _catalogues_of(qapp, language: str):
    """The catalogues of ``language`` installed, and removed again after the test."""
    from PySide6.QtCore import QLocale, QTranslator

    from fps_desktop.ui.app import install_translations

    before = qapp.findChildren(QTranslator)
    assert install_translations(qapp, language) == language
    yield
    for translator in qapp.findChildren(QTranslator):
        if translator not in before:
            qapp.removeTranslator(translator)
            translator.deleteLater()
    QLocale.setDefault(QLocale("en"))


@pytest.fixture
def chinese(qapp):
    """Our catalogue and Qt's own zh_CN, removed again after the test."""
    yield from _catalogues_of(qapp, "zh_CN")


@pytest.fixture
def english(qapp):
    """Our English catalogue (its plural forms), as the app installs it on an English system."""
    yield from _catalogues_of(qapp, "en")
