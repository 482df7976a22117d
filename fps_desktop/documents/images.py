"""Pictures from scanners and phones, read with Pillow the way a photo viewer shows them.

JPEG, PNG, TIFF (every page), BMP, WebP, GIF (the first frame, as printed by a
browser) and HEIC. Sizes are checked from the header before any pixel is
decoded, so a decompression bomb is refused before memory climbs. Pictures are
turned and mirrored as their EXIF (or PNG eXIf) orientation says, CMYK JPEGs
keep their colours, and transparent areas print white.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from fps_desktop.documents.enhance import enhanced
from fps_desktop.documents.models import Problem
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError

log = logging.getLogger(__name__)

with contextlib.suppress(ImportError):  # HEIC from phones: pi-heif reads it and writes none
    from pi_heif import register_heif_opener

    register_heif_opener()

MAX_IMAGE_PIXELS = 150_000_000  # 12,000 × 12,500: a 1 m² scan at 300 dpi
MAX_SIDE = 100_000  # no scanner or camera makes more; a header claiming it is broken
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "TIFF", "BMP", "DIB", "WEBP", "GIF", "HEIF"}
ALL_FRAMES = {"TIFF"}  # multi-page scans; other formats print their first picture
PASSTHROUGH_FORMATS = {"JPEG", "PNG"}  # PyMuPDF embeds these as they are
PASSTHROUGH_MODES = {"RGB", "L", "1"}
UPRIGHT_TURN = {1: 0, 3: 180, 6: 90, 8: 270}  # orientations PyMuPDF can apply by rotating
SWAPS_SIDES = {5, 6, 7, 8}
ORIENTATION_TAG = 0x0112
JPEG_QUALITY = 88
WHITE = (255, 255, 255)
SHARP_DPI = 200  # below this on paper a picture may look blurred (``printing.pictures``)
RESIZABLE_MODES = {"RGB", "RGBA", "L", "LA"}  # resized before flattening: fewer pixels to blend

# Sizes are checked against MAX_IMAGE_PIXELS before decoding (``_check_size``), so
# Pillow's own warning threshold would only print noise for legitimate scans.
Image.MAX_IMAGE_PIXELS = None
_pillow_lock = threading.Lock()


@dataclass(frozen=True)
class Frame:
    """One picture of an image file, as it is to be shown upright."""

    data: bytes = field(repr=False)
    name: str
    index: int
    width: int  # upright, in pixels
    height: int
    dpi: float | None
    turn: int | None  # degrees clockwise PyMuPDF applies to ``data`` as is; None: re-encode

    def stream(
        self, scale: float = 1.0, reencode: bool = False, enhance: bool = False
    ) -> tuple[bytes, int]:
        """Bytes PyMuPDF can embed and the turn still to apply; ``scale`` < 1 shrinks,
        ``enhance`` evens out a photo's levels and sharpens it (``enhance.py``)."""
        if self.turn is not None and scale >= 1 and not reencode and not enhance:
            return self.data, self.turn
        with _quiet_pillow(), _as_document_error(self.name):
            image = Image.open(io.BytesIO(self.data))
            image.seek(self.index)
            size = (max(1, round(self.width * scale)), max(1, round(self.height * scale)))
            if image.format == "JPEG" and scale < 1:
                stored = size[::-1] if _orientation(image) in SWAPS_SIDES else size
                image.draft(image.mode, stored)  # decode at 1/2, 1/4, 1/8 straight away
            source_format = image.format
            ImageOps.exif_transpose(image, in_place=True)
            if image.size != size:
                if image.mode == "1":
                    image = image.convert("L")  # grey shades keep thin strokes when shrunk
                elif image.mode not in RESIZABLE_MODES:
                    image = _flatten(image)  # palette, 16-bit, CMYK: RGB or grey first
                image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            log.debug("re-encoded %s frame %d at %d×%d", source_format, self.index, *size)
            image = _flatten(image)
            if enhance:
                image = enhanced(image)
            return _encode(image, lossless=source_format in {"PNG", "GIF", "BMP"}), 0

    def grey(self, max_side: int) -> tuple[bytes, int, int]:
        """The picture upright in 8-bit grey on white, at most ``max_side`` pixels a side:
        what a code or text reader needs, from every format this module reads."""
        with _quiet_pillow(), _as_document_error(self.name):
            image = Image.open(io.BytesIO(self.data))
            image.seek(self.index)
            if image.format == "JPEG":
                image.draft("L", (max_side, max_side))  # decode at 1/2, 1/4, 1/8 straight away
            ImageOps.exif_transpose(image, in_place=True)
            image = _flatten(image).convert("L")
            if max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
            return image.tobytes(), image.width, image.height


def read_frames(data: bytes, name: str) -> list[Frame]:
    """The pictures of an image file, sizes checked, nothing decoded yet."""
    with _quiet_pillow(), _as_document_error(name):
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise _unsupported(name)
        count = getattr(image, "n_frames", 1) if image.format in ALL_FRAMES else 1
        frames = []
        for index in range(count):
            image.seek(index)
            frames.append(_frame(image, data, index, name))
        return frames


def prove_frames(frames: list[Frame], name: str) -> None:
    """Decode every picture once, cheaply, so damaged or cut-short files show up now."""
    with _quiet_pillow(), _as_document_error(name):
        for frame in frames:
            image = Image.open(io.BytesIO(frame.data))
            image.seek(frame.index)
            if image.format == "JPEG":
                image.draft(image.mode, (image.width // 8 or 1, image.height // 8 or 1))
            image.load()


def _frame(image: Image.Image, data: bytes, index: int, name: str) -> Frame:
    width, height = image.size
    _check_size(width, height, name)
    orientation = _orientation(image)
    if orientation in SWAPS_SIDES:
        width, height = height, width
    dpi = image.info.get("dpi")
    turn = None
    if (
        image.format in PASSTHROUGH_FORMATS
        and image.mode in PASSTHROUGH_MODES
        and "transparency" not in image.info
        and orientation in UPRIGHT_TURN
    ):
        turn = UPRIGHT_TURN[orientation]
    return Frame(data, name, index, width, height, float(dpi[0]) if dpi else None, turn)


def _orientation(image: Image.Image) -> int:
    """EXIF orientation 1–8; a PNG is only decoded for it when it holds orientation data."""
    if image.format == "PNG" and "exif" not in image.info and "xmp" not in image.info:
        return 1
    value = image.getexif().get(ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _check_size(width: int, height: int, name: str) -> None:
    if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is a damaged image: its header claims an impossible size. "
                "Ask the sender for the file again.",
            ),
            Problem.DAMAGED_IMAGE,
            name=name,
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is too large to print ({width} × {height} pixels). "
                "Ask the sender for a smaller scan.",
            ),
            Problem.TOO_LARGE,
            name=name,
            width=width,
            height=height,
        )


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent areas on white paper, every colour model as RGB or grey."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (*WHITE, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    if image.mode in ("RGB", "L", "1"):
        return image
    if image.mode.startswith(("I", "F")):  # 16- and 32-bit grey scans
        scale = 1 / 256 if image.mode.startswith("I;16") else 1
        return image.convert("I").point(lambda v: v * scale).convert("L")
    return image.convert("RGB")  # CMYK (Adobe-inverted ones included), YCbCr, P, LAB…


def _encode(image: Image.Image, lossless: bool) -> bytes:
    out = io.BytesIO()
    if image.mode == "1" or (lossless and image.width * image.height <= 4_000_000):
        image.save(out, "PNG", compress_level=1)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _unsupported(name: str) -> DocumentError:
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{name} is a kind of image this station cannot print. "
            "Ask for a PDF, JPG or PNG instead.",
        ),
        Problem.UNSUPPORTED,
        name=name,
    )


@contextlib.contextmanager
def _as_document_error(name: str) -> Iterator[None]:
    """Whatever Pillow trips over in a file, the clerk hears what is wrong with the file."""
    try:
        yield
    except DocumentError:
        raise
    except UnidentifiedImageError as exc:
        log.info("%s: not an image Pillow knows: %s", name, exc)
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is a damaged image or not an image at all. "
                "Ask the sender for the file again.",
            ),
            Problem.DAMAGED_IMAGE,
            name=name,
        ) from exc
    except Exception as exc:  # any decoder failure is the file's defect
        log.info("%s: cannot decode: %s: %s", name, type(exc).__name__, exc)
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            raise DocumentError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "{name} is incomplete: the picture is cut short (an interrupted "
                    "download or copy). Ask the sender for the file again.",
                ),
                Problem.CUT_SHORT,
                name=name,
            ) from exc
        raise damaged_image(name) from exc


def damaged_image(name: str) -> DocumentError:
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{name} is a damaged image and cannot be printed. Ask the sender for the file again.",
        ),
        Problem.DAMAGED_IMAGE,
        name=name,
    )


@contextlib.contextmanager
def _quiet_pillow() -> Iterator[None]:
    """Pillow's warnings about odd files go to the log, not to a terminal.

    ``catch_warnings`` swaps process-wide state, so Pillow work is serialised.
    """
    with _pillow_lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.info("image decoder: %s", warning.message)
