"""Where each kind of export goes, decided once for the panel, the command line and cron."""

from __future__ import annotations

from pathlib import Path

from fps_desktop.cli import main
from fps_desktop.export.folders import BASIC, INVOICES, export_folder


def test_each_kind_has_its_own_folder_in_one_order(settings, tmp_path):
    data = settings.paths.data_dir / "export"
    assert export_folder(settings, INVOICES, env={}) == data / "invoices"
    assert export_folder(settings, BASIC, env={}) == data / "basic-data"
    settings.set("export.output_dir", str(tmp_path / "inv"))
    settings.set("export.basic_output_dir", str(tmp_path / "basic"))
    assert export_folder(settings, INVOICES, env={}) == tmp_path / "inv"
    assert export_folder(settings, BASIC, env={}) == tmp_path / "basic"
    cron = {"OUTPUT_DIR": str(tmp_path / "cron")}  # seed 001's basic-data script read it
    assert export_folder(settings, BASIC, env=cron) == tmp_path / "cron"
    assert export_folder(settings, INVOICES, env=cron) == tmp_path / "inv"
    chosen = Path(tmp_path / "chosen")
    assert export_folder(settings, BASIC, chosen, env=cron) == chosen
    assert export_folder(settings, INVOICES, chosen, env=cron) == chosen


def test_the_command_line_writes_basic_data_where_the_setting_says(
    db_env, settings, tmp_path, monkeypatch
):
    monkeypatch.delenv("OUTPUT_DIR", raising=False)
    settings.set("export.basic_output_dir", str(tmp_path / "basic"))
    assert main(["export", "basic"]) == 0
    assert (tmp_path / "basic" / "global" / "invoice-types.json").is_file()
