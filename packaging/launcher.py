"""Entry point of the frozen app."""

import sys

from fps_desktop.cli import main

sys.exit(main())
