"""Connects the PBMS listener, tray icon and single-instance hand-off to the window."""

from __future__ import annotations


class Bridge:
    """Owns the listener thread and the tray icon for the GUI's lifetime."""

    def __init__(self, window, settings) -> None:
        self.window = window
        self.settings = settings

    def start(self) -> None:
        """Start listening; failures are shown to the user, never fatal."""

    def stop(self) -> None:
        """Stop listening and remove the tray icon."""
