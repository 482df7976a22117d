import json

import pytest

from fps_desktop import config
from fps_desktop.config import Paths, Settings, get_secret, keep_secret, set_secret
from fps_desktop.errors import StorageError, UsageError


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_paths_follow_fps_home(fps_home):
    paths = Paths.default()
    assert paths.config_dir == fps_home / "config"
    assert paths.cache_dir == fps_home / "cache"


def test_defaults_then_site_then_user(tmp_path, fps_home):
    site = tmp_path / "site.json"
    write(site, {"listener.port": 25000, "source.kind": "pbms"})
    paths = Paths.default()
    write(paths.user_settings, {"source.kind": "folder"})
    settings = Settings(paths, site_files=[site])
    assert settings.get("cache.max_mb") == 2048  # default
    assert settings.get("listener.port") == 25000  # IT's site file
    assert settings.get("source.kind") == "folder"  # the user's own choice wins
    assert settings.is_site_locked("listener.port")


@pytest.mark.allow_log_warnings
def test_bad_values_in_files_are_ignored_and_logged(tmp_path, fps_home, caplog):
    site = tmp_path / "site.json"
    site.write_text("{not json", encoding="utf-8")
    paths = Paths.default()
    write(paths.user_settings, {"listener.port": "high", "no.such": 1, "listener.enabled": 1})
    settings = Settings(paths, site_files=[site])
    assert settings.get("listener.port") == 24360
    assert settings.get("listener.enabled") is True
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "unknown setting" in messages and "should be int" in messages


def test_set_persists_atomically_with_schema_version(fps_home):
    settings = Settings()
    settings.set("cache.max_mb", 512)
    stored = json.loads(settings.paths.user_settings.read_text(encoding="utf-8"))
    assert stored == {"schema_version": 1, "cache.max_mb": 512}
    assert Settings().get("cache.max_mb") == 512
    with pytest.raises(UsageError):
        settings.set("cache.max_mb", "lots")


def test_secrets_live_in_the_keyring_never_in_the_settings_file(fps_home, memory_keyring):
    settings = Settings()
    set_secret("pbms.token", "s3cret-token")
    settings.set("source.kind", "pbms")
    assert get_secret("pbms.token") == "s3cret-token"
    assert "s3cret" not in settings.paths.user_settings.read_text(encoding="utf-8")


STS_TOKEN = "CAIS" + "Ab9+/x" * 900  # Aliyun STS tokens run to thousands of characters


def _entry_sizes(keyring_backend) -> list[int]:
    return [len(value.encode("utf-16-le")) for value in keyring_backend.secrets.values()]


@pytest.mark.parametrize("value", [STS_TOKEN, "密钥🔑" * 700])  # 2 and 4 bytes a character
def test_a_secret_longer_than_a_credential_manager_entry_is_stored_in_parts(
    credential_manager, value
):
    set_secret("oss.security_token", value)
    assert get_secret("oss.security_token") == value
    assert len(credential_manager.secrets) > 2
    assert max(_entry_sizes(credential_manager)) <= 2560


def test_a_replaced_secret_leaves_none_of_its_parts_behind(credential_manager):
    set_secret("oss.security_token", STS_TOKEN)
    entries = set(credential_manager.secrets)
    set_secret("oss.security_token", STS_TOKEN[::-1])
    assert get_secret("oss.security_token") == STS_TOKEN[::-1]
    assert len(credential_manager.secrets) == len(entries)  # the new parts only
    assert set(credential_manager.secrets) & entries == {("fps-desktop", "oss.security_token")}
    set_secret("oss.security_token", "short-token")
    assert get_secret("oss.security_token") == "short-token"
    assert list(credential_manager.secrets) == [("fps-desktop", "oss.security_token")]


@pytest.mark.allow_log_warnings  # the incomplete secret is logged
def test_a_secret_missing_a_part_reads_as_not_stored(credential_manager):
    set_secret("oss.security_token", STS_TOKEN)
    credential_manager.secrets.pop(next(k for k in credential_manager.secrets if "#" in k[1]))
    assert get_secret("oss.security_token") is None


@pytest.mark.allow_log_warnings
def test_a_machine_without_keyring_reads_nothing_and_refuses_to_store(monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    assert get_secret("pbms.token") is None
    with pytest.raises(StorageError, match="no password store"):
        set_secret("pbms.token", "x")


def test_an_older_settings_file_is_upgraded_step_by_step_and_saved(fps_home, monkeypatch):
    def rename_port(values):
        if "bridge.port" in values:
            values["listener.port"] = values.pop("bridge.port")
        return values

    def double_cache(values):
        values["cache.max_mb"] = values["cache.max_mb"] * 2
        return values

    monkeypatch.setattr(config, "UPGRADES", [rename_port, double_cache])
    paths = Paths.default()
    write(paths.user_settings, {"schema_version": 2, "cache.max_mb": 100})
    settings = Settings(paths)
    assert settings.get("cache.max_mb") == 200  # only the step from version 2 ran
    write(paths.user_settings, {"schema_version": 1, "bridge.port": 25000, "cache.max_mb": 100})
    settings = Settings(paths)
    assert (settings.get("listener.port"), settings.get("cache.max_mb")) == (25000, 200)
    stored = json.loads(paths.user_settings.read_text(encoding="utf-8"))
    assert stored == {"schema_version": 3, "listener.port": 25000, "cache.max_mb": 200}
    assert Settings(paths).get("cache.max_mb") == 200  # saved upgraded: not doubled again


@pytest.mark.allow_log_warnings
def test_a_settings_file_from_a_newer_version_is_read_and_said(fps_home, caplog):
    paths = Paths.default()
    write(paths.user_settings, {"schema_version": 99, "cache.max_mb": 300})
    assert Settings(paths).get("cache.max_mb") == 300
    assert "newer FPS Desktop" in caplog.text


def test_secrets_have_one_registry():
    with pytest.raises(KeyError, match="unknown secret"):
        get_secret("oss.secret")
    with pytest.raises(KeyError, match="unknown secret"):
        set_secret("db.pasword", "x")


@pytest.mark.allow_log_warnings
@pytest.mark.usefixtures("no_keyring")
def test_a_typed_secret_without_keyring_is_kept_for_the_session():
    assert keep_secret("db.password", "pw") == config.KEPT_FOR_SESSION
    assert get_secret("db.password") == "pw"
    assert get_secret("pbms.token") is None


def test_a_typed_secret_goes_to_the_keyring(memory_keyring):
    assert keep_secret("db.password", "pw") == config.KEPT_IN_KEYRING
    assert memory_keyring.secrets[("fps-desktop", "db.password")] == "pw"


def test_setting_the_value_it_already_has_writes_nothing(fps_home):
    """Opening a GUID that is already first in the recent list must not rewrite the file."""
    settings = Settings()
    settings.set("ui.recent_guids", ["c965a2d4e1f04b8f9a1c2d3e4f5a6b7c"])
    written = settings.paths.user_settings.stat().st_ino
    settings.set("ui.recent_guids", ["c965a2d4e1f04b8f9a1c2d3e4f5a6b7c"])
    assert settings.paths.user_settings.stat().st_ino == written
    settings.set("ui.recent_guids", [])
    assert settings.paths.user_settings.stat().st_ino != written


def test_a_value_whose_write_failed_is_written_when_set_again(fps_home):
    settings = Settings()
    settings.paths.user_settings.parent.mkdir(parents=True, exist_ok=True)
    settings.paths.user_settings.mkdir()  # a folder where the file goes: the write fails
    with pytest.raises((StorageError, OSError)):
        settings.set("cache.max_mb", 512)
    settings.paths.user_settings.rmdir()
    settings.set("cache.max_mb", 512)
    assert (
        json.loads(settings.paths.user_settings.read_text(encoding="utf-8"))["cache.max_mb"] == 512
    )


def test_a_list_read_and_changed_in_place_is_saved_when_set(fps_home):
    settings = Settings()
    recent = settings.get("ui.recent_guids")
    recent.append("c965be9f9c1d449d9e50fed330150d7a")
    assert settings.get("ui.recent_guids") == []  # nothing changed until it is set
    settings.set("ui.recent_guids", recent)
    assert Settings().get("ui.recent_guids") == ["c965be9f9c1d449d9e50fed330150d7a"]


@pytest.mark.allow_log_warnings
def test_a_value_not_allowed_is_refused_by_name_in_the_log(tmp_path, fps_home, caplog):
    """A typo must not quietly turn sharing off or switch to the demo documents."""
    site = tmp_path / "site.json"
    write(site, {"invoices.register": "MySQL", "print.layout": "fit"})
    paths = Paths.default()
    write(paths.user_settings, {"source.kind": "PBMS"})
    settings = Settings(paths, site_files=[site])
    assert settings.get("invoices.register") == "sqlite"  # refused, so the default
    assert settings.get("source.kind") == "demo"
    assert settings.get("print.layout") == "fit"
    assert [e.message for e in settings.refused] == [
        f"{site}: setting invoices.register cannot be “MySQL”: allowed are sqlite, mysql. "
        "It is ignored.",
        f"{paths.user_settings}: setting source.kind cannot be “PBMS”: allowed are demo, "
        "pbms, folder. It is ignored.",
    ]
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert logged == [e.message for e in settings.refused]
    with pytest.raises(UsageError, match=r"source\.kind cannot be “PBMS”: allowed are demo"):
        settings.set("source.kind", "PBMS")


@pytest.mark.allow_log_warnings
def test_the_command_line_says_a_refused_value_once(tmp_path, fps_home, monkeypatch, capsys):
    from fps_desktop.cli import main

    site = tmp_path / "site.json"
    write(site, {"invoices.register": "MySQL"})
    monkeypatch.setenv(config.SITE_CONFIG_ENV, str(site))
    assert main(["history"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "invoices.register" in line] == [
        f"WARNING: {site}: setting invoices.register cannot be “MySQL”: allowed are sqlite, "
        "mysql. It is ignored."
    ]
