"""The wheel's package list, the shipped resources and what the self-test of a build checks."""

import importlib.util
import json
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import PySide6
import pytest

from fps_desktop.resources import resources_dir
from fps_desktop.ui import self_check
from fps_desktop.ui.self_check import SHIPPED, failures

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_and_the_resources_are_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    packages = set(config["setuptools"]["packages"])
    on_disk = {
        "fps_desktop." + path.name
        for path in (ROOT / "fps_desktop").iterdir()
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
