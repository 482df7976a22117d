"""Files with one known defect each, made the way scanners, phones and form tools make them.

Public corpora (``tests/corpus``) hold real ones; these fill in what has no clearly
licensed public example, and make the expected picture exact.
"""

from __future__ import annotations

import io
import struct
import zlib

import pymupdf
from PIL import Image, ImageDraw

RED, GREEN, BLUE = (220, 0, 0), (0, 170, 0), (0, 0, 220)
# What ``ImageOps.exif_transpose`` applies for each orientation, undone to store it.
STORED_FOR_ORIENTATION = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def marked_picture(width: int = 300, height: int = 200) -> Image.Image:
    """Upright: red block top left, green top right, blue bottom left; told apart by any turn
    or mirror."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    w, h = width // 3, height // 3
    draw.rectangle((0, 0, w, h), fill=RED)
    draw.rectangle((width - w, 0, width - 1, h), fill=GREEN)
    draw.rectangle((0, height - h, w, height - 1), fill=BLUE)
    return image


def oriented(fmt: str, orientation: int, dpi: int = 100) -> bytes:
    """``marked_picture`` stored so that EXIF ``orientation`` brings it upright."""
    upright = marked_picture()
    method = STORED_FOR_ORIENTATION[orientation]
    stored = upright.transpose(method) if method is not None else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    stored.save(out, fmt, exif=exif.tobytes(), dpi=(dpi, dpi))
    return out.getvalue()


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def cmyk_jpeg(width: int, height: int, dpi: int) -> bytes:
    """Pure red in CMYK, saved as Adobe (inverted) CMYK like Photoshop and print shops do."""
    image = Image.new("CMYK", (width, height), (0, 255, 255, 0))
    data = image_bytes(image, "JPEG", quality=90, dpi=(dpi, dpi))
    assert b"Adobe" in data[:200]
    return data


def with_jfif_density(jpeg: bytes, dpi: int) -> bytes:
    """The same JPEG stating ``dpi`` in a JFIF header, as scanners write it."""
    app0 = b"JFIF\x00\x01\x02\x01" + struct.pack(">HH", dpi, dpi) + b"\x00\x00"
    return jpeg[:2] + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + jpeg[2:]


def half_transparent_png(width: int, height: int, dpi: int) -> bytes:
    """Left half fully transparent (black underneath), right half opaque blue."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((width // 2, 0, width, height), fill=(*BLUE, 255))
    return image_bytes(image, "PNG", dpi=(dpi, dpi))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header (with a correct checksum) claims any size, with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    body = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + header + body + chunk(b"IEND", b"")


def bomb_pdf(side: int = 40_000) -> bytes:
    """One page showing a ``side`` × ``side`` black-and-white image: a few hundred KB
    compressed, 1.6 GB of pixels once decoded for printing."""
    row = b"\x00" * (side // 8)
    packer = zlib.compressobj(1)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    doc = pymupdf.open()
    page = doc.new_page()
    small = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 8, 8), False)
    xref = page.insert_image(page.rect, pixmap=small)
    doc.update_stream(xref, body, compress=False)
    for key, value in {
        "Filter": "/FlateDecode", "DecodeParms": "null", "Width": str(side),
        "Height": str(side), "BitsPerComponent": "1", "ColorSpace": "/DeviceGray",
    }.items():  # fmt: skip
        doc.xref_set_key(xref, key, value)
    return doc.tobytes()


def jbig2_bomb_pdf(side: int = 100_000, streams: int = 3, stripes: int = 20_000) -> bytes:
    """One page whose content streams are JBIG2 pictures (pdf.js's ``bomb_giant.pdf``):
    each ``side`` × ``side`` pixels, 1.25 GB once decoded, a few dozen KB on disk.

    Each stream is a JBIG2 page-information segment and an immediate generic region
    whose arithmetic-coded data (``ff 7f`` repeated) never ends the region early, so a
    decoder allocates the whole page and walks every pixel of it.
    """
    coded = b"\xff\x7f" * stripes + b"\xac"
    region = (
        struct.pack(">IIIIB", side, side, 0, 0, 0)  # region: width, height, x, y, combine
        + b"\x00"  # generic region flags: arithmetic coding, template 0
        + bytes([3, 0xFF, 0xFD, 0xFF, 2, 0xFE, 0xFE, 0xFE])  # template 0's standard AT pixels
        + coded
    )
    page_info = struct.pack(">IIIIBH", side, side, 0, 0, 1, 0)

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    jbig2 = segment(0, 48, page_info) + segment(1, 38, region)
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 700), "A JBIG2 decompression bomb", fontsize=20)
    contents = page.get_contents()
    for _ in range(streams):
        xref = doc.get_new_xref()
        doc.update_object(xref, "<<>>")
        doc.update_stream(xref, jbig2, compress=False)
        doc.xref_set_key(xref, "Filter", "/JBIG2Decode")
        contents.append(xref)
    doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in contents) + "]")
    return doc.tobytes()


def form_pdf(
    value: str = "Paid 1,280.00", need_appearances: bool = True, printed: bool = True
) -> bytes:
    """A filled text field whose value a viewer draws itself (``NeedAppearances``):
    the stored appearance is empty, as form tools that leave drawing to viewers write it."""
    doc = pymupdf.open()
    page = doc.new_page()
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "amount"
    widget.field_value = value
    widget.rect = pymupdf.Rect(72, 100, 372, 130)
    widget.text_fontsize = 14
    page.add_widget(widget)
    xref = next(page.widgets()).xref
    empty = doc.get_new_xref()
    doc.update_object(empty, "<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] >>")
    doc.update_stream(empty, b"")
    doc.xref_set_key(xref, "AP", f"<< /N {empty} 0 R >>")
    doc.xref_set_key(xref, "F", "4" if printed else "0")
    if need_appearances:
        catalog = doc.pdf_catalog()
        doc.xref_set_key(catalog, "AcroForm/NeedAppearances", "true")
    return doc.tobytes()


def checkbox_pdf() -> bytes:
    """A ticked check box whose ``/Off`` appearance is a name instead of a drawing and
    whose form asks viewers to draw fields themselves, as some office suites write it."""
    doc = pymupdf.open()
    page = doc.new_page()
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_CHECKBOX
    widget.field_name = "agree"
    widget.rect = pymupdf.Rect(72, 100, 102, 130)
    widget.field_value = True
    page.add_widget(widget)
    xref = next(page.widgets()).xref
    state = doc.xref_get_key(xref, "AS")[1].lstrip("/")
    invisible = doc.get_new_xref()
    doc.update_object(invisible, "<< /Type /XObject /Subtype /Form /BBox [0 0 30 30] >>")
    doc.update_stream(invisible, b"BT /F3 0 Tf ET")
    doc.xref_set_key(xref, "AP", f"<< /N << /{state} {invisible} 0 R /Off /Off >> >>")
    doc.xref_set_key(doc.pdf_catalog(), "AcroForm/NeedAppearances", "true")
    return doc.tobytes()


def direct_annotation_pdf() -> bytes:
    """A red square annotation written straight into the page's ``/Annots`` array
    (a direct dictionary, no object number of its own)."""
    doc = pymupdf.open()
    page = doc.new_page()
    look = doc.get_new_xref()
    doc.update_object(look, "<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] >>")
    doc.update_stream(look, b"1 0 0 rg 0 0 100 100 re f")
    doc.xref_set_key(
        page.xref,
        "Annots",
        f"[<< /Type /Annot /Subtype /Square /Rect [100 600 200 700] /F 4 /C [1 0 0] "
        f"/AP << /N {look} 0 R >> >>]",
    )
    return doc.tobytes()


def many_links_pdf(count: int = 6000) -> bytes:
    """One page carrying thousands of link annotations, as some report generators write
    an index (pdf.js keeps a 32,000-link one among its test files)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Index of links")
    refs = []
    for number in range(count):
        xref = doc.get_new_xref()
        left = 72 + number % 400
        doc.update_object(
            xref,
            f"<< /Type /Annot /Subtype /Link /Rect [{left} 100 {left + 5} 110] /Border [0 0 0] "
            f"/A << /S /URI /URI (https://example.org/{number}) >> >>",
        )
        refs.append(f"{xref} 0 R")
    doc.xref_set_key(page.xref, "Annots", "[" + " ".join(refs) + "]")
    return doc.tobytes()
