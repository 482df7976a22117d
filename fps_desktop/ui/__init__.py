"""Qt widgets only; business logic lives in the core packages."""

import ctypes
import sys

import PySide6

# PySide6 6.12.0 drops a reference to True with every signal sent (6.11.3 does not):
# after a few thousand renders and progress steps the interpreter aborts with
# "deallocating True". Give True the references it will lose, once (Python 3.12 and
# later make True immortal); drop this once 6.12.0 is excluded in pyproject.toml.
if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):
    ctypes.c_ssize_t.from_address(id(True)).value += 1 << 40
