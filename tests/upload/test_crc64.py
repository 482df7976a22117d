"""The CRC64 OSS sends back must match ours to the bit, or every upload would fail."""

from __future__ import annotations

import itertools
import random

import pytest
from oss2.utils import Crc64

from fps_desktop.upload.crc64 import crc64, crc64_combine, crc64_of_parts


def test_the_checksum_is_oss_crc64_ecma():
    assert crc64(b"123456789") == 0x995DC9BBDF1939FA  # the CRC-64/XZ check value
    data = random.Random(1).randbytes(100_000)
    reference = Crc64()  # oss2's own implementation
    reference.update(data)
    assert crc64(data) == reference.crc
    assert crc64(data[40_000:], crc64(data[:40_000])) == reference.crc


@pytest.mark.parametrize("length", [0, 1, 7, 5 * 1024 * 1024, 48 * 1024**4 + 12345])
def test_combining_agrees_with_oss2_for_any_length(length):
    assert crc64_combine(0x0123456789ABCDEF, 0xFEDCBA9876543210, length) == Crc64().combine(
        0x0123456789ABCDEF, 0xFEDCBA9876543210, length
    )


def test_parts_combine_into_the_checksum_of_the_whole():
    data = random.Random(2).randbytes(300_000)
    cuts = [0, 1, 65_536, 131_072, 299_999, 300_000]
    parts = [(b - a, crc64(data[a:b])) for a, b in itertools.pairwise(cuts)]
    assert crc64_of_parts(parts) == crc64(data)
