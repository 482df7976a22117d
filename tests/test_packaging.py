"""The wheel's package list: every subpackage of fps_desktop and the shipped resources."""

import tomllib
from pathlib import Path

from fps_desktop.resources import resources_dir
from fps_desktop.ui import self_check
from fps_desktop.ui.app import SHIPPED
from fps_desktop.ui.self_check import failures

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
