"""Figures for photos on paper: what enhancement and the old-printer mode cost.

Run: .venv/bin/python benchmarks/bench_pictures.py [--quick] [--photos 50] [--runs 1]

A GUID of phone photos of receipts (3.8 MP JPEGs, deterministic: paper gradient, noise,
lines of print, a red seal) is laid out at true size into its print-ready PDF through
the print job's own path (``build_print_pdf``: merge, impose, and for the old printer
every sheet as one 300 dpi picture), four ways in the same run: plain (the baseline),
enhanced, old printer, both. ``--quick`` (run by the test suite) takes 1 photo, so the
code paths stay working; its figures say nothing about speed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GUID = "9c0d5e1f3a7b4c2d8e6f0a1b2c3d4e5f"
PHOTOS, QUICK_PHOTOS = 50, 1
SIZE = (1500, 2500)  # pixels: a receipt photographed at arm's length
DPI = 300
SEED = 20261
WAYS = {  # name: (enhance, old printer)
    "plain": (False, False),
    "enhanced": (True, False),
    "old printer": (False, True),
    "enhanced + old printer": (True, True),
}


def receipt_photo(rnd: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    width, height = SIZE
    paper = Image.linear_gradient("L").rotate(rnd.randrange(360)).resize(SIZE)
    paper = paper.point(lambda v: 150 + v * 50 // 255)
    noise = Image.frombytes("L", (width // 4, height // 4), rnd.randbytes(width * height // 16))
    grey = Image.blend(paper, noise.resize(SIZE), 0.08)
    image = Image.merge("RGB", (grey, grey, grey.point(lambda v: v * 92 // 100)))
    draw = ImageDraw.Draw(image)
    for line in range(18):
        top = 150 + line * 120
        draw.rectangle((120, top, 120 + rnd.randrange(500, 1200), top + 28), fill=(60, 60, 64))
    draw.ellipse((900, 1700, 1350, 2150), outline=(190, 40, 40), width=24)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, dpi=(DPI, DPI))
    return out.getvalue()


def prepared_cache(folder: Path, count: int):
    """The photos as blobs in a document cache, and the files of the GUID."""
    from fps_desktop.documents.cache import DocumentCache
    from fps_desktop.documents.models import CachedFile, FileRole
    from fps_desktop.formats.sniff import FileKind

    cache = DocumentCache(folder / "cache")
    rnd = random.Random(SEED)
    files = []
    for number in range(count):
        data = receipt_photo(rnd)
        sha = hashlib.sha256(data).hexdigest()
        path = cache.blob_path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        name = f"photo-{number + 1:02d}.jpg"
        files.append(CachedFile(f"p{number}", name, FileRole.ATTACHMENT, FileKind.IMAGE, sha,
                                len(data), 1))  # fmt: skip
    return cache, files


def timed(cache, files, enhance: bool, old_printer: bool) -> tuple[float, int]:
    """Seconds to build the print-ready PDF, and its size in bytes."""
    from fps_desktop.jobs import CancelToken, no_progress
    from fps_desktop.printing.job import PrintOrder, build_print_pdf
    from fps_desktop.printing.spooler import PrinterOptions

    order = PrintOrder(GUID, files, PrinterOptions(old_printer=old_printer), enhance=enhance)
    started = time.perf_counter()
    pdf, skipped = build_print_pdf(cache, order, no_progress, CancelToken())
    assert not skipped, skipped
    return time.perf_counter() - started, len(pdf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 photo, one run")
    parser.add_argument("--photos", type=int, default=PHOTOS)
    parser.add_argument("--runs", type=int, default=1, help="runs of each way; the median counts")
    args = parser.parse_args()
    count = QUICK_PHOTOS if args.quick else args.photos
    load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"{count} receipt photos ({SIZE[0]}×{SIZE[1]} px at {DPI} dpi), "
          f"{os.cpu_count()} cores{load}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fps-bench-pictures-") as folder:
        cache, files = prepared_cache(Path(folder), count)
        timed(cache, files[:1], False, False)  # imports and first use out of the figures
        figures = {}
        for _run in range(args.runs):
            for name, (enhance, old_printer) in WAYS.items():  # interleaved: load hits all
                figures.setdefault(name, []).append(timed(cache, files, enhance, old_printer))
    baseline = statistics.median(seconds for seconds, _ in figures["plain"])
    for name, runs in figures.items():
        seconds = statistics.median(s for s, _ in runs)
        size = statistics.median(b for _, b in runs) / 1e6
        print(f"  {name:<24} {seconds:7.2f} s  {seconds / count * 1000:6.0f} ms a photo  "
              f"× {seconds / baseline:4.1f} plain  {size:6.1f} MB print-ready PDF")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
