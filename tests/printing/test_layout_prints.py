"""Preview = print: the sheets the dialog shows are the sheets CUPS receives, for the
automatic layout, a grid and the paste sheet, on A4 and A5."""

import pymupdf
import pytest

from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.documents.workspace import open_guid
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.job import cover_pdf, print_job
from fps_desktop.printing.policy import make_order, read_invoices, sheet_setup
from fps_desktop.printing.preview import SheetPreview
from fps_desktop.printing.spooler import PrinterOptions
from tests.documents.conftest import GUID

pytestmark = pytest.mark.usefixtures("qapp")  # QPrinter needs the application
CELLS = 8  # a sheet is compared in cells of 100 / CELLS points (4.4 mm)
UNLIKE = 48  # greys further apart than this: one cell holds ink the other does not


def thumbnail(page: pymupdf.Page) -> bytes:
    """The sheet's grey, cell by cell at a size fixed by its paper, so a vector sheet
    and the rasterised one CUPS spooled compare cell for cell."""
    zoom = CELLS / 100
    matrix = pymupdf.Matrix(zoom, zoom)
    pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False)
    return pix.samples


def inked(page: pymupdf.Page, spooled: bool = False) -> pymupdf.Rect:
    """Where a sheet has ink: on a preview sheet what is drawn, on a spooled sheet the
    images the spooler sent (it sends only the bands that hold ink)."""
    boxes = ([image["bbox"] for image in page.get_image_info()] if spooled else
             [box for kind, box in page.get_bboxlog() if kind != "ignore-text"])  # fmt: skip
    ink = pymupdf.Rect()
    for box in boxes:
        ink |= pymupdf.Rect(box) & page.rect
    return ink


def difference(a: bytes, b: bytes) -> float:
    """The share of cells inked on one sheet and blank on the other."""
    if len(a) != len(b):
        return 1.0
    return sum(abs(x - y) > UNLIKE for x, y in zip(a, b, strict=True)) / len(a)


@pytest.mark.parametrize(
    ("layout", "paper", "cover"),
    [("auto", "A4", False), ("auto", "A5", True), ("grid-2x2", "A4", False),
     ("grid-2x2", "A5", False), ("paste", "A4", True), ("paste", "A5", False)],
)  # fmt: skip
def test_the_preview_is_what_cups_receives(cups, tmp_path, layout, paper, cover):
    queue = cups.add_queue()
    settings = Settings()
    cache, fetch = open_guid(settings, GUID)
    manifest = fetch.run(lambda *a: None, CancelToken()).data
    listing = read_invoices(settings, manifest, cache.blob_path)
    order = make_order(GUID, [f for f in manifest.files if not f.is_data], listing, via="cli",
                       options=PrinterOptions(printer=queue), cover=cover,
                       setup=sheet_setup(settings, layout, paper))  # fmt: skip
    preview = SheetPreview(cache, order, tmp_path)
    previewed = []
    if cover:
        with pymupdf.open(stream=cover_pdf(order), filetype="pdf") as doc:
            previewed += [(page.rect, thumbnail(page), inked(page)) for page in doc]
    for index in range(preview.prepare(CancelToken())):
        path, _scale = preview.build(index, CancelToken())
        with pymupdf.open(path) as doc:
            previewed.append((doc[0].rect, thumbnail(doc[0]), inked(doc[0])))
    preview.close()

    printed = print_job(cache, order, AuditLog(settings.paths)).run(
        lambda *a: None, CancelToken()).data  # fmt: skip
    with pymupdf.open(stream=cups.document(printed.job_id), filetype="pdf") as spooled:
        received = [(page.rect, thumbnail(page), inked(page, True)) for page in spooled]

    assert len(received) == len(previewed) == printed.sheets
    paper_rect = order.setup.paper.rect
    for number, (preview_sheet, sheet) in enumerate(zip(previewed, received, strict=True)):
        (seen, shown, ink), (got, sent, sent_ink) = preview_sheet, sheet
        assert abs(seen.width - paper_rect.width) < 1 and abs(seen.height - paper_rect.height) < 1
        assert abs(got.width - seen.width) < 2 and abs(got.height - seen.height) < 2, number
        print(
            "DIFF",
            layout,
            paper,
            number,
            difference(shown, sent),
            difference(shown, received[number - 1][1]),
        )
        assert all(abs(a - b) < 3 for a, b in zip(ink, sent_ink, strict=True)), (
            number,
            ink,
            sent_ink,
        )
        assert difference(shown, sent) < 0.03, f"sheet {number + 1} differs from its preview"
