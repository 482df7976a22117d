"""The wheel's package list, the shipped resources and what the self-test of a build checks."""

import ast
import importlib.util
import json
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import PySide6
import pytest

from fps_desktop import __version__
from fps_desktop.resources import resources_dir
from fps_desktop.ui import self_check
from fps_desktop.ui.self_check import SHIPPED, failures

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_and_the_resources_are_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    packages = set(config["setuptools"]["packages"])
    on_disk = {
        ".".join(path.relative_to(ROOT).parts)
        for path in (ROOT / "fps_desktop").rglob("*")
        if path.is_dir() and any(path.glob("*.py"))
    }
    assert packages == {"fps_desktop", "fps_desktop.resources"} | on_disk
    assert config["setuptools"]["package-dir"]["fps_desktop.resources"] == "resources"


def test_a_checkout_finds_what_the_app_ships():
    assert resources_dir() == ROOT / "resources"
    for name in SHIPPED:
        assert (resources_dir() / name).is_file(), name


def test_the_self_test_reads_every_kind_of_file_the_app_opens():
    assert failures() == []


def test_the_self_test_names_a_kind_of_file_it_cannot_read(tmp_path, monkeypatch):
    monkeypatch.setattr(self_check, "resources_dir", lambda: tmp_path)
    assert [failure.split(":")[0] for failure in failures()] == ["HEIC"]


@pytest.mark.allow_log_warnings
def test_the_self_test_fails_when_the_pbms_listener_cannot_start(fps_home):
    with socket.socket() as blocker:  # another program holds the only port
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        settings = {"listener.port": port, "listener.fallback_ports": []}
        (fps_home / "config").mkdir(parents=True)
        (fps_home / "config" / "settings.json").write_text(json.dumps(settings))
        result = subprocess.run([sys.executable, "-m", "fps_desktop", "gui", "--self-test"],
                                capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert "self-test: FAILED (PBMS listener:" in result.stdout
    assert "another program" in result.stdout


def _slim():
    spec = importlib.util.spec_from_file_location("slim", ROOT / "packaging" / "slim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux build trims ICU's data")
def test_the_trimmed_icu_data_keeps_root_english_and_chinese_items_intact():
    slim = _slim()
    library = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicudata.so.73"
    if not library.is_file():
        pytest.skip("this PySide6 ships another ICU")
    offset, size = slim._symbol(str(library), "icudt73_dat")
    package = library.read_bytes()[offset : offset + size]
    trimmed = slim.trim_icu_package(package)
    kept = slim.icu_items(trimmed)
    names = [name for name, _ in kept]
    assert names == sorted(names)  # ICU finds items by binary search
    needed = {"coll/zh.res", "coll/root.res", "gb18030.cnv", "zone/zh.res", "en.res", "nfkc.nrm"}
    assert {"icudt73l/" + name for name in needed} <= set(names)
    assert not {"icudt73l/coll/fr.res", "icudt73l/brkitr/cjdict.dict"} & set(names)
    original = dict(slim.icu_items(package))
    assert all(data[: len(original[name])] == original[name] for name, data in kept)
    header_size = int.from_bytes(trimmed[:2], "little")
    assert all((trimmed.index(data) - header_size) % 16 == 0 for _, data in kept[:50])
    assert len(trimmed) < len(package) / 3


# The Windows build's invariants, checked here in a second; packaging/windows/ci.sh proves them
# under Wine, in minutes.
WINDOWS = ROOT / "packaging" / "windows"


def _iss_section(name: str) -> list[str]:
    """The entry lines of one [Section] of the installer script."""
    lines, inside = [], False
    for line in (WINDOWS / "fps-desktop.iss").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            inside = line.strip() == f"[{name}]"
        elif inside and line.strip() and not line.startswith(";"):
            lines.append(line)
    return lines


def _spec_value(name: str, platform: str, version: tuple[int, int]):
    """A value the spec computes, as it would on that platform and Python."""
    tree = ast.parse((ROOT / "packaging" / "fps-desktop.spec").read_text(encoding="utf-8"))
    names = {
        "re": re,
        "ROOT": ROOT,
        "sys": type("sys", (), {"platform": platform, "version_info": version}),
    }
    for node in ast.walk(tree):
        assigned = isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name
        if assigned or (isinstance(node, ast.keyword) and node.arg == name):
            return eval(compile(ast.Expression(node.value), "spec", "eval"), names)
    raise AssertionError(f"{name} is not in the spec")


def test_the_installer_compiles_with_inno_setup_as_shipped():
    languages = _iss_section("Languages")
    files = [part.strip() for line in languages for part in
             line.split('MessagesFile: "')[1].split('"')[0].split(",")]  # fmt: skip
    shipped = {"compiler:Default.isl"}  # ChineseSimplified.isl is an unofficial translation
    assert {name for name in files if name.startswith("compiler:")} <= shipped
    for name in files:
        if not name.startswith("compiler:"):
            assert (WINDOWS / name).is_file(), name
    chinese = (WINDOWS / "zh_CN.isl").read_bytes()
    assert chinese.startswith(b"\xef\xbb\xbf")  # UTF-8, or Inno reads it in the ANSI code page
    assert b"LanguageID=$0804" in chinese


def test_the_link_and_start_at_sign_in_belong_to_whoever_the_install_is_for():
    """HKA and {auto...} are the machine's for an all-users install and the user's for a
    per-user one: never the installing admin's own (HKCU, {user...})."""
    text = (WINDOWS / "fps-desktop.iss").read_text(encoding="utf-8")
    registry = _iss_section("Registry")
    assert registry and all(line.startswith("Root: HKA;") for line in registry)
    assert any("fpsdesktop\\shell\\open\\command" in line for line in registry)
    assert any("CurrentVersion\\Run" in line for line in registry)
    assert "HKCU" not in text and "{user" not in text
    assert "PrivilegesRequiredOverridesAllowed=dialog commandline" in text
    assert "DefaultDirName={code:ProgramsFolder}" in text
    assert "{commonpf}" in text and "{localappdata}\\Programs" in text
    assert "C:\\Program Files" not in (WINDOWS / "url-scheme.cmd").read_text(encoding="utf-8")


def test_every_version_is_the_package_version():
    text = (WINDOWS / "fps-desktop.iss").read_text(encoding="utf-8")
    assert "AppVersion=" not in text.replace("AppVersion={#AppVersion}", "")
    stamped = '#define AppVersion GetStringFileInfo(Dist + "\\fps-desktop.exe", PRODUCT_VERSION)'
    assert stamped in text  # the spec stamps the package's version into the exe
    assert _spec_value("VERSION", "win32", (3, 12)) == __version__


def test_the_windows_build_runs_on_python_3_12_without_strip_or_software_opengl():
    assert "distutils" not in _spec_value("excludes", "win32", (3, 12))
    assert "distutils" in _spec_value("excludes", "linux", (3, 11))
    assert _spec_value("STRIP", "win32", (3, 12)) is False
    assert _spec_value("STRIP", "linux", (3, 11)) is True
    unused = _spec_value("UNUSED", "win32", (3, 12))
    assert unused.search("PySide6/opengl32sw.dll")
    assert not unused.search("PySide6/Qt6Widgets.dll")
    assert not unused.search("PySide6/plugins/platforms/qwindows.dll")


def test_the_ocr_ships_without_opencvs_video_codecs():
    assert not {"numpy", "onnxruntime"} & set(_spec_value("excludes", "win32", (3, 12)))
    assert "rapidocr_onnxruntime" in _spec_value("hiddenimports", "win32", (3, 12))
    unused = _spec_value("UNUSED", "win32", (3, 12))
    assert unused.search("cv2/opencv_videoio_ffmpeg4130_64.dll")
    assert not unused.search("cv2/cv2.pyd")
    assert not unused.search("onnxruntime/capi/onnxruntime.dll")
