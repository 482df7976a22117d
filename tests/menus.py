"""Menu items found by their text, as a user finds them."""

from __future__ import annotations


def menu_action(window, text: str):
    """The action labelled ``text`` in any menu of ``window``'s menu bar."""
    for menu in window.menuBar().actions():
        for action in menu.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu item {text!r}")
