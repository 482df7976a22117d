"""Hand a GUID to an already running instance (one instance per user session)."""

from __future__ import annotations

from fps_desktop.config import Settings


def hand_to_running_instance(guid: str, settings: Settings) -> bool:
    """True when a running instance took the GUID, so this process may exit."""
    return False
