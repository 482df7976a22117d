"""Command line: every job headless, the GUI as the default command.

Each area registers its subcommands from its own module; imports of heavy
libraries stay inside the handlers so ``--version`` and the GUI start fast.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
from collections.abc import Sequence

from fps_desktop import APP_NAME, __version__
from fps_desktop.cli import documents, export, invoices, listener, upload
from fps_desktop.cli.console import prepare_streams
from fps_desktop.cli.terminal import quiet_stdout, terminal_language
from fps_desktop.config import Paths, Settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError
from fps_desktop.logs import setup_logging

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME, description="FPS Desktop - finance print station."
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in (documents, listener, export, upload, invoices):
        area.register(subparsers)
    return parser


UNEXPECTED_EXIT_CODE = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. The one guard for the whole program: any failure becomes
    one line on stderr and a stable exit code; tracebacks go to the log file only."""
    multiprocessing.freeze_support()  # the frozen app is its own decoder worker too
    console = prepare_streams()
    paths = Paths.default()
    # Before parsing, so --help and usage errors of a start without a console reach the log.
    log_file = setup_logging(paths.log_dir, console=console)
    args = build_parser().parse_args(argv)
    if args.verbose:
        setup_logging(paths.log_dir, verbose=True, console=console)
    handler = getattr(args, "handler", None) or documents.run_gui
    settings = None
    try:
        settings = Settings(paths)
        code = handler(args, settings)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then caught below
        return code
    except BrokenPipeError:  # a reader that stopped early (| head) is no error
        quiet_stdout()
        return 0
    except FpsError as exc:
        log.debug("command failed", exc_info=True)
        print(f"error: {exc.translated(terminal_language(settings))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        interrupted = QT_TRANSLATE_NOOP("Cli", "interrupted")
        print(terminal_language(settings)("Cli", interrupted), file=sys.stderr)
        return 130
    except Exception as exc:
        # INFO keeps the traceback out of the terminal (stderr shows warnings and up)
        log.info("unexpected failure of %r", args.command, exc_info=True)
        unexpected = QT_TRANSLATE_NOOP("Cli", "unexpected failure ({kind}); details are in {log}")
        unexpected = terminal_language(settings)("Cli", unexpected)
        print(f"error: {unexpected.format(kind=type(exc).__name__, log=log_file)}",
              file=sys.stderr)  # fmt: skip
        return UNEXPECTED_EXIT_CODE
