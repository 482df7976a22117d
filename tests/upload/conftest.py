"""Fixtures of the upload tests: the OSS-protocol server, credentials, a task store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fps_desktop.config import Paths
from fps_desktop.upload.client import OssConfig
from fps_desktop.upload.store import TaskStore
from tests.upload.oss_server import OssServer

BUCKET = "fps-test"
KEY_ID = "test-ak"
SECRET = "test-secret"


@pytest.fixture
def oss(tmp_path):
    with OssServer(tmp_path / "oss-server", KEY_ID, SECRET, buckets=(BUCKET,)) as server:
        yield server


@pytest.fixture
def config(oss) -> OssConfig:
    """Signature V1 (a custom endpoint has no region), fast backoff, short timeouts."""
    return OssConfig(oss.endpoint, BUCKET, KEY_ID, SECRET, backoff=0.01, timeout=5)


@pytest.fixture
def oss_env(oss, monkeypatch):
    """Seed 002's environment variables, as cron (and the CLI subprocess) would see them."""
    for name, value in {
        "OSS_ENDPOINT": oss.endpoint,
        "OSS_BUCKET_NAME": BUCKET,
        "OSS_ACCESS_KEY_ID": KEY_ID,
        "OSS_ACCESS_KEY_SECRET": SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    return oss


@pytest.fixture
def store(fps_home):
    store = TaskStore.default(Paths.default().data_dir)
    yield store
    store.close()


def make_tree(root: Path, files: dict[str, int], seed: int = 1) -> Path:
    """Create ``files`` (relative path -> size) with reproducible random content."""
    for rel, size in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size) if seed is None else _bytes(f"{seed}{rel}", size))
    return root


def _bytes(label: str, size: int) -> bytes:
    import random

    return random.Random(label).randbytes(size)
