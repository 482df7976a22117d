"""The catalogues: Chinese complete, English plurals, placeholders intact, both used."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from fps_desktop.resources import resources_dir
from fps_desktop.ui.job_queue import JobQueue
from fps_desktop.ui.main_window import MainWindow

CATALOGUE = resources_dir() / "translations" / "fps_desktop_zh_CN.ts"
PLURALS = resources_dir() / "translations" / "fps_desktop_en.ts"  # English: %n texts only
PLACEHOLDER = re.compile(r"\{(\w+)\}")
REPO = Path(__file__).resolve().parents[2]


def _messages(ts_path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts_path).getroot()
    return [
        (context.findtext("name"), message.findtext("source"), message.find("translation"))
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def _forms(translation: ET.Element) -> list[str]:
    """The translated text, or each plural form of a %n message."""
    plural = [form.text or "" for form in translation.iter("numerusform")]
    return plural or [translation.text or ""]


@pytest.mark.parametrize("catalogue", [CATALOGUE, PLURALS], ids=["zh_CN", "en"])
def test_every_string_has_a_finished_translation(catalogue):
    unfinished = [
        (context, source)
        for context, source, translation in _messages(catalogue)
        if translation.get("type") == "unfinished"
        or not all(form.strip() for form in _forms(translation))
    ]
    assert unfinished == []


@pytest.mark.parametrize("catalogue", [CATALOGUE, PLURALS], ids=["zh_CN", "en"])
def test_translations_keep_every_placeholder(catalogue):
    broken = [
        (source, form)
        for _, source, translation in _messages(catalogue)
        for form in _forms(translation)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(form))
    ]
    assert broken == []


def test_the_catalogue_knows_every_visible_string_in_the_sources(tmp_path):
    # where pip puts the interpreter's commands: bin/ of a venv, Scripts\ on Windows
    lupdate = shutil.which("pyside6-lupdate", path=sysconfig.get_path("scripts"))
    if lupdate is None:
        pytest.fail("pyside6-lupdate is not installed with the interpreter")
    sources = sorted(str(path) for path in (REPO / "fps_desktop").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *sources, "-ts", str(fresh)], check=True, capture_output=True)
    wanted = {(context, source) for context, source, _ in _messages(fresh)}
    known = {(context, source) for context, source, _ in _messages(CATALOGUE)}
    assert wanted - known == set(), "run scripts/i18n.sh and translate the new strings"
    counted = {(c, source) for c, source, _ in _messages(fresh) if "%n" in source}
    plurals = {(context, source) for context, source, _ in _messages(PLURALS)}
    assert counted - plurals == set(), "run scripts/i18n.sh and give the English plural forms"


def test_english_counts_read_naturally(english):
    def counted(context: str, text: str, n: int) -> str:
        return QCoreApplication.translate(context, text, None, n)

    assert counted("MainWindow", "%n file(s)", 1) == "1 file"
    assert counted("MainWindow", "%n file(s)", 5) == "5 files"
    assert counted("PrintDialog", "%n sheet(s) of {paper}", 1) == "1 sheet of {paper}"
    assert counted("PrintDialog", "%n sheet(s) of {paper}", 8) == "8 sheets of {paper}"


def test_a_chinese_locale_gets_a_chinese_window(qtbot, fps_home, chinese):
    from fps_desktop.config import Settings

    window = MainWindow(Settings(), JobQueue())
    qtbot.addWidget(window)
    menus = [action.text() for action in window.menuBar().actions()]
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in menus), menus
    assert QCoreApplication.translate("UploadPanel", "Start upload") == "开始上传"
    window.shutdown()
