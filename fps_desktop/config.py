"""Settings and paths: defaults < IT site file < user file; secrets in keyring.

Every path comes from ``platformdirs`` unless ``FPS_HOME`` redirects the whole
tree (tests, portable installs). Settings are a typed registry so a typo in a
key fails loudly and the UI can list what exists.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from fps_desktop import APP_NAME
from fps_desktop.documents.models import KIND_LAYOUT_CHOICES, LAYOUT_CHOICES
from fps_desktop.errors import QT_TRANSLATE_NOOP, StorageError, UsageError
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

# How settings files evolve: UPGRADES[n - 1] turns a version-n file's values into
# version n + 1 (rename a key, convert a value). Append a step, never edit an old one.
UPGRADES: list[Callable[[dict[str, Any]], dict[str, Any]]] = []


def schema_version() -> int:
    """The settings version this build writes: one past the last upgrade step."""
    return len(UPGRADES) + 1


KEYRING_SERVICE = APP_NAME
SITE_CONFIG_ENV = "FPS_SITE_CONFIG"
HOME_ENV = "FPS_HOME"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def user_settings(self) -> Path:
        return self.config_dir / "settings.json"

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get(HOME_ENV)
        if home:
            root = Path(home)
            return cls(root / "config", root / "data", root / "cache", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    allowed: tuple = ()  # the only values it may take; empty: any of its type

    @property
    def kind(self) -> type:
        return type(self.default)


def _settings(*items: Setting) -> dict[str, Setting]:
    return {item.key: item for item in items}


REGISTRY: dict[str, Setting] = _settings(
    # Workspace and document sources.
    Setting("ui.language", "", "UI language (zh_CN or en); empty follows the system"),
    Setting("ui.recent_guids", [], "Most recent GUIDs, newest first"),
    Setting("ui.window_geometry", "", "Where the window was last, as Qt saved it (base64)"),
    Setting("source.kind", "demo", "Document source", ("demo", "pbms", "folder")),
    Setting("source.pbms.list_url", "", "PBMS URL listing a GUID's files; {guid} is replaced"),
    Setting("source.pbms.download_url", "", "PBMS URL of one file; {guid}, {file_id}, {name}"),
    Setting("source.pbms.timeout", 15.0, "Seconds to wait for PBMS before giving up"),
    Setting("source.pbms.retries", 3, "Retries on timeouts and 5xx answers"),
    Setting("source.folder.root", "", "Folder holding <root>/<guid>/ subfolders"),
    Setting("cache.max_mb", 2048, "Cache size cap in MB; least recently used GUIDs go first"),
    # Printing.
    Setting(
        "print.layout",
        "auto",
        "Default layout: auto (fewest sheets at true size), actual, fit, two-up, "
        "grid-RxC (rows × columns), strips or paste (粘贴单)",
        LAYOUT_CHOICES,
    ),
    *(
        Setting(
            f"print.layout.{group}",
            "auto",
            f"Layout of {what} within the auto layout",
            KIND_LAYOUT_CHOICES,
        )
        for group, what in (
            ("invoice", "invoices"),
            ("ticket", "rail and air tickets"),
            ("receipt", "receipts and their photos"),
            ("attachment", "other attachments"),
        )
    ),
    Setting("print.paper", "A4", "Paper every sheet and the cover print on, e.g. A4, A5, Letter"),
    Setting("print.orientation", "portrait", "Sheet orientation", ("portrait", "landscape")),
    Setting("print.dpi", 300, "Raster resolution when spooling to a printer"),
    Setting("print.printers", {}, "Remembered options per printer name"),
    Setting("print.last_printer", "", "The printer the print dialog chose last"),
    Setting("print.allowed_printers", [], "Printers offered to clerks; empty offers all"),
    Setting("print.enhance_pictures", False, "Level and sharpen photos and scans when printing"),
    Setting(
        "print.old_printer",
        False,
        "Send every sheet as one 300 dpi picture, for printers "
        "that mishandle PDFs; a printer's own choice in print.printers wins",
    ),
    # PBMS bridge (localhost listener).
    Setting("listener.enabled", True, "Listen for GUID pushes from PBMS"),
    Setting("listener.port", 24360, "Listener port"),
    Setting("listener.fallback_ports", [24361, 24362], "Ports tried when the first is taken"),
    Setting("listener.ipv6", False, "Also listen on [::1]"),
    Setting("listener.allowed_origins", [], "Web origins (PBMS) allowed to push GUIDs"),
    Setting("listener.require_signature", False, "Accept only HMAC-signed pushes"),
    Setting("listener.allow_silent_print", False, "Allow signed POST /api/print"),
    Setting("listener.rate_per_minute", 120, "Pushes accepted per origin per minute"),
    # Export from MySQL.
    Setting("db.host", "127.0.0.1", "Export database host"),
    Setting("db.port", 3306, "Export database port"),
    Setting("db.user", "fps", "Export database user"),
    Setting("db.name", "fps", "Export database name"),
    Setting("db.tls", False, "Use TLS to the export database"),
    Setting("export.output_dir", "", "Invoice export folder; empty uses the data folder"),
    Setting("export.basic_output_dir", "", "Basic-data export folder"),
    Setting(
        "export.threads", 1, "Export file writer threads; more only help on slow network shares"
    ),
    Setting("export.mapping", {}, "Site table/column names or SQL overriding the reference schema"),
    # Upload to OSS.
    Setting("oss.endpoint", "", "OSS endpoint, e.g. https://oss-cn-guangzhou.aliyuncs.com"),
    Setting("oss.bucket", "", "OSS bucket"),
    Setting("oss.access_key_id", "", "OSS AccessKey ID (the secret lives in keyring)"),
    Setting("oss.prefix", "", "Default key prefix"),
    Setting("oss.link_minutes", 5, "Lifetime of temporary links in minutes"),
    Setting("oss.retries", 3, "Retries per request on transient errors"),
    Setting("oss.parallel_parts", 4, "Multipart parts in flight"),
    # Invoices as data.
    Setting("invoices.university_name", "", "Buyer name every invoice must carry (site file)"),
    Setting("invoices.university_tax_id", "", "Buyer tax ID every invoice must carry (site file)"),
    Setting(
        "invoices.register",
        "sqlite",
        "Duplicate register: sqlite (this computer) or mysql (the database in db.*)",
        ("sqlite", "mysql"),
    ),
    Setting("invoices.register_table", "fps_invoice_register", "Table of the shared register"),
    Setting("print.cover_sheet", True, "Print a cover sheet with the GUID as QR code first"),
)


def site_config_candidates() -> list[Path]:
    """Where IT may drop ``site.json``: env var, next to the app, system config dir."""
    found: list[Path] = []
    if os.environ.get(SITE_CONFIG_ENV):
        found.append(Path(os.environ[SITE_CONFIG_ENV]))
    exe_dir = Path(sys.executable).parent if getattr(sys, "frozen", False) else None
    if exe_dir:
        found.append(exe_dir / "site.json")
    found.append(Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "site.json")
    return found


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("ignoring settings file %s: not a JSON object", path)
        return {}
    return data


def upgraded(values: dict[str, Any], origin: Path) -> tuple[dict[str, Any], bool]:
    """The file's values brought to schema_version() step by step; True if any step ran.

    A file without a version is hand-written and read as version 1; one from a newer
    FPS Desktop is read as it is (unknown keys are then logged and ignored).
    """
    if not values:  # no file
        return {}, False
    values = dict(values)
    version = values.pop("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        log.warning("%s: schema_version %r is not a version; read as 1", origin, version)
        version = 1
    if version > schema_version():
        log.warning("%s: written by a newer FPS Desktop (settings version %d)", origin, version)
    for step in UPGRADES[version - 1 :]:
        values = step(values)
    return values, version < schema_version()


NOT_ALLOWED = QT_TRANSLATE_NOOP(
    "FpsError", "Setting {key} cannot be “{value}”: allowed are {allowed}."
)
REFUSED_IN_FILE = QT_TRANSLATE_NOOP(
    "FpsError", "{file}: setting {key} cannot be “{value}”: allowed are {allowed}. It is ignored."
)


def _not_allowed(setting: Setting, value: Any) -> dict[str, str] | None:
    """The parameters of the refusal when ``value`` is not one ``setting`` allows."""
    if not setting.allowed or value in setting.allowed:
        return None
    allowed = ", ".join(str(choice) for choice in setting.allowed)
    return {"key": setting.key, "value": str(value), "allowed": allowed}


def _checked(values: dict[str, Any], origin: Path, refused: list[UsageError]) -> dict[str, Any]:
    """Keep known keys of the right type and an allowed value; log the rest, and add
    each value refused to ``refused`` for the window to show, instead of failing start-up."""
    kept = {}
    for key, value in values.items():
        setting = REGISTRY.get(key)
        if setting is None:
            log.warning("%s: unknown setting %r ignored", origin, key)
        elif setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
            kept[key] = float(value)
        elif not isinstance(value, setting.kind) or (
            setting.kind is int and isinstance(value, bool)
        ):
            log.warning("%s: setting %r should be %s", origin, key, setting.kind.__name__)
        elif (params := _not_allowed(setting, value)) is not None:
            error = UsageError(REFUSED_IN_FILE, file=str(origin), **params)
            log.warning("%s", error.message)
            refused.append(error)
        else:
            kept[key] = value
    return kept


class Settings:
    """Layered settings; ``set`` writes only the user file, atomically."""

    def __init__(self, paths: Paths | None = None, site_files: list[Path] | None = None):
        self.paths = paths or Paths.default()
        self._lock = threading.Lock()
        self._site: dict[str, Any] = {}
        self.refused: list[UsageError] = []  # values in the files that are not allowed
        for path in reversed(site_files if site_files is not None else site_config_candidates()):
            self._site.update(_checked(upgraded(_read_json(path), path)[0], path, self.refused))
        user_file = self.paths.user_settings
        values, changed = upgraded(_read_json(user_file), user_file)
        self._user = _checked(values, user_file, self.refused)
        if changed:
            self._save(self._user)

    def get(self, key: str) -> Any:
        """The value of ``key``; a list or dict is a copy, so changing it changes nothing
        until it is ``set``."""
        setting = self._setting(key)
        value = setting.default
        for layer in (self._site, self._user):
            value = layer.get(key, value)
        return copy.deepcopy(value) if isinstance(value, (list, dict)) else value

    def set(self, key: str, value: Any) -> None:
        setting = self._setting(key)
        if not isinstance(value, setting.kind) and not (
            setting.kind is float and isinstance(value, int)
        ):
            raise UsageError(
                QT_TRANSLATE_NOOP("FpsError", "Setting {key} needs a value of type {kind}."),
                key=key,
                kind=setting.kind.__name__,
            )
        if (params := _not_allowed(setting, value)) is not None:
            raise UsageError(NOT_ALLOWED, **params)
        with self._lock:
            if key in self._user and self._user[key] == value:
                return  # nothing changed: no write
            updated = {**self._user, key: value}
            self._save(updated)  # kept only once written: a failed write is tried again
            self._user = updated

    def is_site_locked(self, key: str) -> bool:
        """True when IT set the key and the user has not overridden it."""
        return key in self._site and key not in self._user

    def _setting(self, key: str) -> Setting:
        try:
            return REGISTRY[key]
        except KeyError:
            raise KeyError(f"unknown setting {key!r}") from None

    def _save(self, values: dict[str, Any]) -> None:
        payload = {"schema_version": schema_version(), **values}
        text = json.dumps(payload, ensure_ascii=False, indent=2)
        write_atomically(self.paths.user_settings, text.encode("utf-8"), private=True)


@dataclass(frozen=True)
class Secret:
    name: str
    help: str


# Every secret the app keeps, by its keyring name; a name not listed here fails loudly.
SECRETS: dict[str, Secret] = {
    item.name: item
    for item in (
        Secret("pbms.token", "Token PBMS gives FPS Desktop to fetch documents"),
        Secret("db.password", "Password of the export database user"),
        Secret("oss.access_key_secret", "OSS AccessKey secret"),
        Secret("oss.security_token", "OSS STS security token, with a temporary AccessKey"),
        Secret("listener.hmac_secret", "Shared secret PBMS signs pushes with"),
    )
}
# Where a secret typed into a window is kept: the sentence the window shows (context Secrets).
KEPT_IN_KEYRING = QT_TRANSLATE_NOOP(
    "Secrets", "Kept in the system password store (keyring), never in the settings file."
)
KEPT_FOR_SESSION = QT_TRANSLATE_NOOP(
    "Secrets",
    "This computer has no password store (keyring): the secret is kept only until "
    "FPS Desktop closes. Ask IT to enable one.",
)
_session_secrets: dict[str, str] = {}  # typed on a machine without keyring; gone on exit
# The Windows Credential Manager keeps at most 2,560 bytes (UTF-16) in one entry
# (CRED_MAX_CREDENTIAL_BLOB_SIZE), and an STS token can be longer: a longer secret is kept
# in parts, "<name>#<generation>.<n>", which the secret's own entry names.
ENTRY_BYTES = 2560
IN_PARTS = "fps-desktop-parts:"


def _known(name: str) -> str:
    if name not in SECRETS:
        raise KeyError(f"unknown secret {name!r}")
    return name


def get_secret(name: str) -> str | None:
    """Read a secret (PBMS token, DB password, OSS key) from the OS keyring.

    A machine without a usable keyring has only what was typed this session.
    """
    import keyring
    from keyring.errors import KeyringError

    if _known(name) in _session_secrets:
        return _session_secrets[name]
    try:
        stored = keyring.get_password(KEYRING_SERVICE, name)
        names = _part_names(name, stored)
        if not names:
            return stored
        parts = [keyring.get_password(KEYRING_SERVICE, part) for part in names]
    except KeyringError as exc:
        log.info("no keyring available for %s: %s", name, exc)
        return None
    if None in parts:
        log.warning("%s is incomplete in the keyring: store it again", name)
        return None
    return "".join(parts)


def set_secret(name: str, value: str) -> None:
    """Store a secret in the keyring, or raise StorageError (for the CLI: nothing kept).

    A secret too long for one Credential Manager entry is stored in parts first, then
    its own entry names them, then the parts of the value it replaces go: a failure
    midway leaves the old value readable.
    """
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        replaced = _part_names(name, keyring.get_password(KEYRING_SERVICE, _known(name)))
        parts = _cut(value)
        if len(parts) == 1 and not value.startswith(IN_PARTS):
            keyring.set_password(KEYRING_SERVICE, name, value)
        else:
            generation = secrets.token_hex(4)
            for index, part in enumerate(parts):
                keyring.set_password(KEYRING_SERVICE, f"{name}#{generation}.{index}", part)
            keyring.set_password(KEYRING_SERVICE, name, f"{IN_PARTS}{generation}:{len(parts)}")
        for part in replaced:
            with contextlib.suppress(PasswordDeleteError):  # gone already
                keyring.delete_password(KEYRING_SERVICE, part)
    except KeyringError as exc:
        log.warning("cannot store %s in the keyring: %s", name, exc)
        raise StorageError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "This computer has no password store (keyring), so the secret was not saved. "
                "Ask IT to enable one.",
            )
        ) from exc


def _cut(value: str) -> list[str]:
    """``value`` in parts of at most ``ENTRY_BYTES`` in UTF-16, as Windows stores them."""
    parts, current, size = [], "", 0
    for char in value:
        width = len(char.encode("utf-16-le"))
        if size + width > ENTRY_BYTES:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    return [*parts, current]


def _part_names(name: str, stored: str | None) -> list[str]:
    """The entries holding the parts of a secret stored in parts; empty for a whole one."""
    if stored is None or not stored.startswith(IN_PARTS):
        return []
    generation, _, count = stored[len(IN_PARTS) :].partition(":")
    return [f"{name}#{generation}.{index}" for index in range(int(count) if count.isdigit() else 0)]


def has_keyring() -> bool:
    """Whether a secret typed now outlives the session: a password store is there."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    return not isinstance(keyring.get_keyring(), NoKeyring)


def keep_secret(name: str, value: str) -> str:
    """A secret typed into a window: in the keyring, else kept for this session.

    Returns the sentence (KEPT_IN_KEYRING or KEPT_FOR_SESSION) the window shows.
    """
    try:
        set_secret(name, value)
    except StorageError:
        _session_secrets[name] = value
        return KEPT_FOR_SESSION
    _session_secrets.pop(name, None)
    return KEPT_IN_KEYRING
