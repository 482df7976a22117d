import subprocess
import sys
import zlib

import pymupdf
import pytest

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import DemoSource
from fps_desktop.documents.merge import merge_files
from fps_desktop.documents.models import FileRole
from fps_desktop.errors import DocumentError, UsageError
from fps_desktop.formats.pdf import DECODERS
from fps_desktop.formats.problems import Problem
from fps_desktop.formats.sniff import FileKind
from fps_desktop.printing.imposition import (
    Choice,
    Layout,
    Setup,
    impose,
    parse_page_ranges,
    sources_for,
)
from tests.documents.conftest import GUID, fetch, invoice_bytes, pdf_with_pages

MM = 72 / 25.4


def png_bytes(width: int, height: int, dpi: int | None = None) -> bytes:
    """A real, valid PNG of any size, written by hand so huge ones stay small on disk."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x80" * width
    compressor = zlib.compressobj(1)  # fast: a 20,000-pixel square is still under 2 MB
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    parts = [chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))]
    if dpi:
        ppm = round(dpi / 0.0254)
        parts.append(chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)))
    parts += [chunk(b"IDAT", body), chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(parts)


def encrypted_pdf() -> bytes:
    doc = pymupdf.open(stream=pdf_with_pages(1), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="secret")


def test_merge_keeps_order_and_adds_one_bookmark_per_file(cache):
    manifest = cache.fetch(GUID, DemoSource())
    merged = merge_files(cache, manifest.files)
    doc = pymupdf.open(stream=merged.pdf)
    assert doc.page_count == 7
    assert [title for _, title, _ in doc.get_toc()] == [f.name for f in manifest.files]
    assert [page for _, _, page in doc.get_toc()] == [1, 2, 3, 4, 5]
    assert merged.page_roles[:2] == [FileRole.INVOICE, FileRole.INVOICE]


def red_pixels(page: pymupdf.Page) -> int:
    pix = page.get_pixmap(dpi=50)
    samples = pix.samples
    return sum(
        1
        for i in range(0, len(samples), 3)
        if samples[i] > 180 and samples[i + 1] < 90 and samples[i + 2] < 90
    )


def test_the_seal_survives_merge_and_two_up_layout(cache):
    manifest = cache.fetch(GUID, DemoSource())
    invoices = [f for f in manifest.files if f.role == FileRole.INVOICE]
    merged = merge_files(cache, invoices)
    merged_doc = pymupdf.open(stream=merged.pdf)
    assert not list(merged_doc[0].annots())  # baked into the page content
    sheet = pymupdf.open(
        stream=impose(merged.pdf, sources_for(merged.page_roles), Setup(Choice(Layout.TWO_UP))).pdf
    )[0]
    assert red_pixels(sheet) > 2 * 50  # both seals, top and bottom


def test_images_print_at_their_true_size_turned_upright(cache, share):
    share("scan.png", png_bytes(600, 300, dpi=150))  # 4 × 2 inches
    manifest = fetch(cache, share)
    doc = pymupdf.open(stream=merge_files(cache, manifest.files).pdf)
    placed = doc[0].get_image_info()[0]["bbox"]
    assert pymupdf.Rect(placed).width == pytest.approx(4 * 72, abs=1)
    assert pymupdf.Rect(placed).height == pytest.approx(2 * 72, abs=1)
    receipt = merge_files(cache, cache.fetch(GUID, DemoSource()).files[2:3])
    page = pymupdf.open(stream=receipt.pdf)[0]
    box = pymupdf.Rect(page.get_image_info()[0]["bbox"])
    assert box.height > box.width  # stored sideways, EXIF turns it upright
    assert box.width == pytest.approx(80 * MM, abs=2)


def test_huge_scans_are_downsampled_to_300_dpi(cache, share):
    share("photo.png", png_bytes(9000, 6000, dpi=72))  # shrinks onto A4: far above 300 dpi
    doc = pymupdf.open(stream=merge_files(cache, fetch(cache, share).files).pdf)
    info = doc[0].get_image_info()[0]
    printed_inches = pymupdf.Rect(info["bbox"]).width / 72
    assert info["width"] / printed_inches <= 310


@pytest.mark.parametrize(
    ("name", "data", "problem", "reason"),
    [
        ("empty.pdf", lambda: b"", Problem.EMPTY, "empty"),
        ("broken.pdf", lambda: b"%PDF-1.7\n garbage without objects", Problem.CUT_SHORT,
         "cut short"),
        ("truncated.pdf", lambda: pdf_with_pages(3)[:600], Problem.CUT_SHORT, "cut short"),
        ("locked.pdf", encrypted_pdf, Problem.PASSWORD, "password"),
        ("giant.png", lambda: png_bytes(20000, 20000), Problem.TOO_LARGE, "too large"),
        ("notes.docx", lambda: b"PK\x03\x04 this is a zip", Problem.UNSUPPORTED,
         "neither a PDF"),
    ],
)  # fmt: skip
def test_bad_files_are_named_skipped_and_the_rest_merges(cache, share, name, data, problem, reason):
    """``data`` makes the file when the test runs, not when every test process collects."""
    share("a_good.pdf", invoice_bytes())
    share(name, data())
    manifest = fetch(cache, share)
    bad = next(f for f in manifest.files if f.name == name)
    assert not bad.printable
    assert bad.problem_kind == problem
    assert reason in bad.problem_error().message
    merged = merge_files(cache, manifest.files)
    assert pymupdf.open(stream=merged.pdf).page_count == 1
    assert merged.skipped == [name]


def test_nothing_printable_names_the_reason(cache, share):
    share("empty.pdf", b"")
    with pytest.raises(DocumentError, match=r"empty\.pdf is empty"):
        merge_files(cache, fetch(cache, share).files)
    with pytest.raises(UsageError, match="No file is selected"):
        merge_files(cache, [])


@pytest.mark.parametrize(
    ("text", "pages"),
    [("", [0, 1, 2, 3, 4]), ("1-3, 5", [0, 1, 2, 4]), ("4-", [3, 4]), ("2，1", [1, 0])],
)
def test_page_ranges(text, pages):
    assert parse_page_ranges(text, 5) == pages


@pytest.mark.parametrize("text", ["0", "6", "3-2", "a-b", "1--2"])
def test_bad_page_ranges_are_refused(text):
    with pytest.raises(UsageError, match="not a page range"):
        parse_page_ranges(text, 5)


def test_two_up_pairs_invoices_and_puts_a_lone_one_on_top():
    pdf = pdf_with_pages(3, width=241 * MM, height=140 * MM)
    sheets = pymupdf.open(
        stream=impose(pdf, sources_for([FileRole.INVOICE] * 3), Setup(Choice(Layout.TWO_UP))).pdf
    )
    assert sheets.page_count == 2
    last = sheets[1]
    words = last.get_text("words")
    assert words and all(w[3] < last.rect.height / 2 for w in words)
    dashed = [d for d in last.get_drawings() if d.get("dashes") not in (None, "[] 0")]
    assert dashed, "a cut line between the halves"


def test_two_up_keeps_attachments_on_sheets_of_their_own():
    pdf = pdf_with_pages(3)
    roles = [FileRole.INVOICE, FileRole.ATTACHMENT, FileRole.INVOICE]
    assert (
        pymupdf.open(
            stream=impose(pdf, sources_for(roles), Setup(Choice(Layout.TWO_UP))).pdf
        ).page_count
        == 3
    )


def test_actual_size_never_enlarges_and_fit_does():
    small = pdf_with_pages(1, width=100, height=100)
    roles = [FileRole.ATTACHMENT]
    actual = pymupdf.open(
        stream=impose(small, sources_for(roles), Setup(Choice(Layout.ACTUAL))).pdf
    )[0]
    fit = pymupdf.open(stream=impose(small, sources_for(roles), Setup(Choice(Layout.FIT))).pdf)[0]
    assert actual.rect == fit.rect == pymupdf.paper_rect("a4")
    actual_box = actual.get_text("blocks")[0]
    fit_box = fit.get_text("blocks")[0]
    assert (fit_box[3] - fit_box[1]) > 3 * (actual_box[3] - actual_box[1])


def test_landscape_invoice_prints_full_size_turned_on_portrait_a4():
    pdf = pdf_with_pages(1, width=241 * MM, height=140 * MM)
    sheet = pymupdf.open(
        stream=impose(pdf, sources_for([FileRole.INVOICE]), Setup(Choice(Layout.ACTUAL))).pdf
    )[0]
    assert sheet.rect == pymupdf.paper_rect("a4")
    assert sheet.get_text("dict")["blocks"][0]["lines"][0]["dir"] != (1.0, 0.0)


@pytest.mark.unix_only("a file size limit (RLIMIT_FSIZE) stands in for a full disk")
def test_full_disk_while_caching_is_a_clear_error(tmp_path):
    """The file size limit makes the kernel refuse writes just as a full disk does."""
    script = (
        "import resource, signal, sys;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000));"
        "from fps_desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**__import__("os").environ, "FPS_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", script, "fetch", GUID, "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert "is full" in result.stderr and "nothing was lost" in result.stderr
    cache = DocumentCache(tmp_path / "home" / "cache" / "documents")
    assert list(cache.tmp.iterdir()) == []


@pytest.fixture
def decoders_that_cannot_start():
    preload = DECODERS.preload
    DECODERS.preload = ("tests.documents.no_such_decoder",)
    DECODERS.close()  # the next workers load a module that is not there, and stop at once
    yield
    DECODERS.preload = preload
    DECODERS.close()  # the next test starts with workers that can


@pytest.mark.allow_log_warnings
@pytest.mark.parametrize("guid", [GUID, "3e7d9c1b5a2f4e6d8c0b1a2f3e4d5c6b"])
def test_pictures_and_ofds_are_drawn_for_the_merge_in_the_decoder_workers(cache, guid, request):
    """Drawn there, not in the app: with decoder workers that cannot start, the pictures
    and OFDs are left out, named, and the PDFs (read by the app) still merge."""
    files = [f for f in cache.fetch(guid, DemoSource()).files if f.printable]
    drawn = [f.name for f in files if f.kind in (FileKind.IMAGE, FileKind.OFD)]
    assert drawn
    request.getfixturevalue("decoders_that_cannot_start")
    merged = merge_files(cache, files)
    assert merged.skipped == drawn
    pages = sum(f.pages for f in files if f.kind == FileKind.PDF)
    assert pymupdf.open(stream=merged.pdf).page_count == pages
