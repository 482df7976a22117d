"""The text of a photographed or scanned invoice, read offline.

RapidOCR runs the PP-OCRv4 Chinese/English models with ONNX Runtime; the models are
inside its wheel, so nothing is downloaded when it runs. It runs in a worker process
of its own (``READERS``) under a memory cap and a time limit, like every decoder of
untrusted files, on one core, and only for a picture whose QR code did not give
number, date and total.

Speed: lines are found on the picture shrunk to ``DETECT_SIDE`` (the detector's cost
grows with the pixels), then each line is read from the sharper ``READ_SIDE`` copy;
the angle classifier is skipped (photos of invoices are upright: ``Frame.grey``
turns them as the camera says); lines are read one at a time, as a batch would pad every
line to the widest one's length (a third of the time here).

The lines come back as positioned words, levelled and scaled to the size of PDF
points, so the PDF text reader (``pdf_text``) reads them with the same labels.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import statistics
import threading
from collections import OrderedDict

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.images import read_frames
from fps_desktop.formats.sandbox import Sandbox, SandboxError

log = logging.getLogger(__name__)

READ_SIDE = 1600  # pixels a side the lines are read from: 9 pt text of an A5 invoice ~ 20 px
DETECT_SIDE = 960  # pixels a side where the lines are found
MIN_SCORE = 0.5  # lines the recogniser is less sure of are dropped
LINE_HEIGHT = 12.0  # what a 9 pt line measures in PDF words: the scale the labels expect
MEMORY_LIMIT = 2 << 30  # ONNX Runtime, its models and one photo's tensors
TIME_LIMIT = 60.0  # seconds, the models' loading on a busy PC included

NOT_AVAILABLE = QT_TRANSLATE_NOOP(
    "Invoices", "No text layer and no readable QR code, and no OCR on this computer: "
    "type the values off the paper (F2)."
)  # fmt: skip

READERS = Sandbox(preload=(__name__,), workers=1, memory_limit=MEMORY_LIMIT,
                  time_limit=TIME_LIMIT)  # fmt: skip
# Pictures whose lines are remembered, by their content: a GUID opened again or re-read after
# the clerk typed a correction costs no second of OCR per photo. A few KB each.
REMEMBERED = 200
_remembered: OrderedDict[str, list] = OrderedDict()
_remembered_guard = threading.Lock()


class OcrMissing(Exception):
    """The OCR cannot run on this computer (its library or runtime would not load)."""


def read_lines(data: bytes, name: str) -> list[tuple[list[list[float]], str]]:
    """The text lines of a picture file, each as its four corners and its text, read in
    the OCR worker (or remembered from the last time these bytes were read). Raises
    ``OcrMissing`` when the OCR cannot run here."""
    key = hashlib.sha256(data).hexdigest()
    with _remembered_guard:
        if key in _remembered:
            _remembered.move_to_end(key)
            return list(_remembered[key])
    lines = _read_in_worker(data, name)
    if lines is not None:
        with _remembered_guard:
            _remembered[key] = lines
            while len(_remembered) > REMEMBERED:
                _remembered.popitem(last=False)
    return list(lines or [])


def _read_in_worker(data: bytes, name: str) -> list[tuple[list[list[float]], str]] | None:
    """The worker's lines, checked; ``None`` when it stopped (a limit: not remembered, the
    next open tries again)."""
    try:
        answer = READERS.run(ocr_task, data, name)
    except DocumentError as exc:
        if exc.problem == "ocr-missing":
            raise OcrMissing(exc.template) from exc
        raise
    except SandboxError as exc:
        log.warning("OCR of %s stopped: %s", name, exc)
        return None
    if not isinstance(answer, list):
        return []
    lines = []
    for line in answer:
        if isinstance(line, list) and len(line) == 2 and isinstance(line[1], str):
            try:
                corners = [[float(x), float(y)] for x, y in line[0]][:4]
            except (TypeError, ValueError):
                continue
            if len(corners) == 4:
                lines.append((corners, line[1]))
    return lines


def ocr_task(data: bytes, name: str) -> list:
    """In the worker: the lines of the picture's first frame, upright, as JSON."""
    import numpy as np
    from PIL import Image

    engine = _engine()
    pixels, width, height = read_frames(data, name)[0].grey(READ_SIDE)
    page = Image.frombytes("L", (width, height), pixels)
    scale = min(1.0, DETECT_SIDE / max(width, height))
    small = page.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                        Image.Resampling.BILINEAR) if scale < 1 else page  # fmt: skip
    boxes, _ = engine.text_det(_bgr(np.asarray(small)))
    if boxes is None or len(boxes) == 0:
        return []
    boxes = (np.asarray(boxes, dtype=np.float32) / scale).astype(np.float32)
    crops = engine.get_crop_img_list(_bgr(np.asarray(page)), boxes)
    texts, _ = engine.text_rec(crops)
    read = zip(boxes, texts, strict=True)
    return [[box.round(1).tolist(), text] for box, (text, score, *_) in read
            if score >= MIN_SCORE and text.strip()]  # fmt: skip


def _bgr(grey):
    import numpy as np

    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))


@functools.cache
def _engine():
    """The recogniser, loaded once per worker, on one thread (the pool is one core)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        from rapidocr_onnxruntime import RapidOCR

        return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False,
                        rec_batch_num=1)  # fmt: skip
    except Exception as exc:  # a missing DLL, an old CPU: no OCR, said once, no crash
        log.warning("OCR not available: %s: %s", type(exc).__name__, exc)
        raise DocumentError(NOT_AVAILABLE, "ocr-missing") from exc


def words_of(lines: list[tuple[list[list[float]], str]]) -> list[tuple]:
    """The lines as PyMuPDF-like ``words`` (x0, y0, x1, y1, text): turned level by the
    median slant of the long lines, scaled so a line is ``LINE_HEIGHT`` high, and each
    given the top and bottom of its row, so ``pdf_text.page_rows`` rows them as printed."""
    if not lines:
        return []
    slants = [math.atan2(c[1][1] - c[0][1], c[1][0] - c[0][0]) for c, _ in lines
              if _width(c) > 3 * _height(c)]  # fmt: skip
    angle = statistics.median(slants) if slants else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    boxes = []
    for corners, text in lines:
        xs = [x * cos - y * sin for x, y in corners]
        ys = [x * sin + y * cos for x, y in corners]
        boxes.append([min(xs), min(ys), max(xs), max(ys), text])
    scale = LINE_HEIGHT / max(statistics.median(b[3] - b[1] for b in boxes), 1.0)
    boxes = [[v * scale for v in b[:4]] + [b[4]] for b in boxes]
    words: list[tuple] = []
    row: list[list] = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if row and abs(middle - statistics.mean((b[1] + b[3]) / 2 for b in row)) > 0.5 * (
            LINE_HEIGHT
        ):
            words.extend(_levelled(row))
            row = []
        row.append(box)
    words.extend(_levelled(row))
    return words


def _levelled(row: list[list]) -> list[tuple]:
    top, bottom = min(b[1] for b in row), max(b[3] for b in row)
    return [(b[0], top, b[2], bottom, b[4]) for b in row]


def _width(corners: list[list[float]]) -> float:
    return math.dist(corners[0], corners[1])


def _height(corners: list[list[float]]) -> float:
    return math.dist(corners[1], corners[2])
