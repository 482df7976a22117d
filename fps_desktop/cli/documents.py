"""The clerk's commands: the GUI, open, fetch, merge, print."""

from __future__ import annotations

import argparse

from fps_desktop.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    gui = subparsers.add_parser("gui", help="start the window (the default)")
    gui.set_defaults(handler=run_gui)
    open_ = subparsers.add_parser("open", help="open a GUID in the running app or a new window")
    open_.add_argument("guid")
    open_.set_defaults(handler=run_gui)


def run_gui(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.listener.handoff import hand_to_running_instance

    guid = getattr(args, "guid", None)
    if guid and hand_to_running_instance(guid, settings):
        return 0
    from fps_desktop.ui.app import run

    return run(settings, guid=guid)
