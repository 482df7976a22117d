"""Subcommands of the PBMS bridge: a headless listener, the audit history, URL hand-off."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse

from fps_desktop.config import Settings
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError

URL_SCHEME = "fpsdesktop"


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the PBMS listener without a window")
    serve.add_argument(
        "--port", type=int, help="listen on this port instead of the setting (0: any free port)"
    )
    serve.set_defaults(handler=run_serve)
    history = subparsers.add_parser("history", help="show pushes and prints from the audit log")
    history.add_argument("--limit", type=int, default=50)
    history.add_argument("--json", action="store_true", help="one JSON object per line")
    history.set_defaults(handler=run_history)
    secret = subparsers.add_parser(
        "listener-secret",
        help="store the secret PBMS signs pushes with in the system keyring (read from stdin)",
    )
    secret.set_defaults(handler=run_listener_secret)
    open_url = subparsers.add_parser("open-url", help="open a fpsdesktop://open?guid=... link")
    open_url.add_argument("url")
    open_url.set_defaults(handler=run_open_url)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.audit import AuditLog
    from fps_desktop.listener.server import GuidListener, ListenerConfig, instance_file

    config = ListenerConfig.from_settings(settings)
    if args.port is not None:
        config.port, config.fallback_ports = args.port, []

    def pushed(guid: str, origin: str) -> None:
        print(f"{guid} {origin}", flush=True)

    if threading.current_thread() is threading.main_thread():
        # A kiosk's service manager stops with SIGTERM: clean up as for Ctrl+C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = GuidListener(config, pushed, audit=AuditLog(settings.paths))
    port = listener.start()
    # Pushes are served from the moment the port is open, so a stop can come at once:
    # the instance file is written inside the ``try`` that removes it.
    try:
        listener.write_instance_file(instance_file(settings))
        print(f"listening on http://127.0.0.1:{port} (Ctrl+C stops)", flush=True)
        while True:
            time.sleep(3600)  # unlike Event.wait(), Ctrl+C interrupts it on Windows too
    finally:
        listener.stop()
        listener.remove_instance_file(instance_file(settings))


def run_listener_secret(args: argparse.Namespace, settings: Settings) -> int:
    """Read from a prompt or a pipe, never from the command line, where others can see it."""
    from fps_desktop.config import set_secret

    if sys.stdin.isatty():
        value = getpass.getpass("Secret shared with PBMS for signed pushes: ")
    else:
        value = sys.stdin.readline().strip()
    if len(value) < 16:
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "The secret must have at least 16 characters.")
        )
    set_secret("listener.hmac_secret", value)
    print("stored in the system keyring; restart FPS Desktop to use it")
    return 0


def run_history(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.audit import AuditLog, described_changes, event_of
    from fps_desktop.listener.refusals import NO_ORIGIN, OTHER_ORIGINS
    from fps_desktop.listener.server import audited_sender

    senders = {NO_ORIGIN: "(no Origin header)", OTHER_ORIGINS: "(many other origins)"}

    for entry in AuditLog(settings.paths).entries(args.limit):
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
        elif event_of(entry) == "push":
            result = "accepted" if entry.get("accepted") else f"refused ({entry.get('reason')})"
            if entry.get("repeats"):
                result += f", {entry['repeats']} more times {entry.get('first')} to " \
                          f"{entry.get('last')}"  # fmt: skip
            sender = senders.get(audited_sender(entry), audited_sender(entry))
            print(f"{entry.get('time')}  push   {entry.get('guid') or '-':32}  "
                  f"{sender}  {result}")  # fmt: skip
        elif event_of(entry) == "print":
            print(f"{entry.get('time')}  print  {entry.get('guid') or '-':32}  "
                  f"{_print_summary(entry)}")  # fmt: skip
        elif event_of(entry) == "correction":
            print(f"{entry.get('time')}  entry  {entry.get('guid') or '-':32}  "
                  f"{entry.get('file')}: {described_changes(entry)}, entered by "
                  f"{entry.get('user') or '?'}")  # fmt: skip
        else:
            print(f"{entry.get('time')}  other  {entry.get('guid') or '-':32}  "
                  "(an event this version does not know; --json shows it)")  # fmt: skip
    return 0


def _print_summary(entry: dict) -> str:
    """What a print line holds, and only that: refusals written before every print line had
    one shape carry no copies or layout. A print that did not complete says how it ended."""
    words = [entry.get("printer") or "-"]
    if entry.get("copies") is not None:
        words.append(f"x{entry['copies']}")
    if entry.get("layout"):
        words.append(entry["layout"])
    words.append(f"({len(entry.get('files') or [])} files)")
    if entry.get("state") != "completed":
        reason = entry.get("reason")
        words.append(f"{entry.get('state')}" + (f" ({reason})" if reason else ""))
    return " ".join(words)


def guid_from_url(url: str) -> str:
    """The GUID of ``fpsdesktop://open?guid=...`` (browsers may add a slash after ``open``)."""
    parsed = urlparse(url.strip())
    guids = parse_qs(parsed.query).get("guid", [])
    if (
        parsed.scheme != URL_SCHEME
        or parsed.netloc.lower() != "open"
        or parsed.path not in ("", "/")
        or len(guids) != 1
    ):
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "“{url}” is not an FPS Desktop link."), url=url[:80]
        )
    return normalize_guid(guids[0])


def run_open_url(args: argparse.Namespace, settings: Settings) -> int:
    """A link clicked in any browser: hand it to the running app, or start the app."""
    from fps_desktop.cli.documents import run_gui
    from fps_desktop.listener.handoff import hand_to_running_instance

    guid = guid_from_url(args.url)
    if hand_to_running_instance(guid, settings, via="link"):
        return 0
    return run_gui(argparse.Namespace(guid=guid), settings)
