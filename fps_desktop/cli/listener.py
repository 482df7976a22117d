"""Subcommands of the listener area."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this area's subcommands; each sets `handler(args, settings) -> int`."""
