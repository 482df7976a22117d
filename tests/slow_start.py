"""Imported by a decoder worker in ``test_sandbox``: it loads as slowly as the decoders do
on a busy PC (or under a virus scanner), seconds before the worker can take a task."""

import time

time.sleep(2)
