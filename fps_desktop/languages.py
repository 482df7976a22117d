"""The language FPS Desktop speaks: one choice and one catalogue for the window and the
command line alike (``ui.language``, else the system's: ``LANG`` on Linux, the display
language on Windows). Qt's core only, so a cron job on a server without a display can use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

from fps_desktop.resources import resources_dir

Translate = Callable[[str, str], str]


def chosen_language(setting: str) -> str:
    """``zh_CN`` for any Chinese locale, else ``en``; an empty setting follows the system."""
    locale = QLocale(setting) if setting else QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def catalogues(language: str) -> tuple[tuple[str, str], ...]:
    """The (name, folder) of each catalogue for ``language``, in the order they install.

    English needs only ours, for its plural forms ("1 file", "2 files").
    """
    ours = str(resources_dir() / "translations")
    if language == "en":
        return ((f"fps_desktop_{language}", ours),)
    return (
        (f"fps_desktop_{language}", ours),
        (f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        (f"qt_supplement_{language}", ours),  # installed last, so asked first
    )


@functools.cache
def translator(setting: str) -> Translate:
    """``translate(context, text)`` from our catalogue, for code without a QApplication
    (the command line); English, or a text the catalogue lacks, comes back as it is."""
    language = chosen_language(setting)
    if language == "en":
        return lambda context, text: text
    catalogue = QTranslator()
    name, folder = catalogues(language)[0]
    catalogue.load(name, folder)
    return lambda context, text: catalogue.translate(context, text) or text
