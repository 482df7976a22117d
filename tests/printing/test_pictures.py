"""Photos on paper: true size, fit to page, the resolution check, enhancement, old printers.

Sizes and colours are measured on what the print system received (the private CUPS)
or on the imposed sheets, rendered to pixels.
"""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image, ImageDraw

from fps_desktop.cli import main
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.merge import merge_files
from fps_desktop.documents.sources import FolderSource
from fps_desktop.layouts import Layout
from fps_desktop.printing.imposition import Choice, Setup, impose, sources_for
from fps_desktop.printing.pictures import as_images, blurred_pictures, picture_resolutions
from tests.documents.conftest import GUID, invoice_bytes

pytestmark = pytest.mark.usefixtures("qapp")  # the window's QApplication, not the CLI's own

MM = 72 / 25.4
PAPER = (186, 181, 170)  # a receipt photographed in room light
INK = (70, 70, 74)
SEAL = (188, 52, 48)


def receipt_photo(dpi: int = 300, width_mm: float = 76, height_mm: float = 127) -> bytes:
    """A receipt photo of a known size: grey paper, a black frame at its very edge, dark
    lines of text and a red seal."""
    width, height = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(0, 0, 0), width=max(2, dpi // 50))
    for line in range(6):
        top = height // 10 + line * height // 14
        draw.rectangle((width // 10, top, width * 7 // 10, top + height // 60), fill=INK)
    draw.ellipse((width // 2, height * 3 // 5, width * 9 // 10, height * 4 // 5), fill=SEAL)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, dpi=(dpi, dpi))
    return out.getvalue()


@pytest.fixture
def folder(tmp_path, settings):
    """The GUID's files in a folder the settings read from; put(name, data) adds one."""
    root = tmp_path / "share"
    (root / GUID).mkdir(parents=True)
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(root))
    settings.set("print.cover_sheet", False)

    def put(name: str, data: bytes) -> None:
        (root / GUID / name).write_bytes(data)

    put.source = FolderSource(root)
    return put


@pytest.fixture
def cache(tmp_path):
    return DocumentCache(tmp_path / "cache")


def files_of(cache, folder):
    return cache.fetch(GUID, folder.source, refresh=True).files


def render(page: pymupdf.Page, dpi: int) -> Image.Image:
    pix = page.get_pixmap(dpi=dpi, alpha=False)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def dark_box_mm(page: pymupdf.Page, dpi: int = 300) -> tuple[float, float]:
    """Width and height in mm of everything dark on the page (the photo's black frame)."""
    picture = render(page, dpi).convert("L").point(lambda v: 255 if v < 60 else 0)
    left, top, right, bottom = picture.getbbox()
    return (right - left) / dpi * 25.4, (bottom - top) / dpi * 25.4


def imposed(cache, files, layout=Layout.ACTUAL, **merge) -> pymupdf.Document:
    merged = merge_files(cache, files, **merge)
    setup = Setup(Choice(layout))
    return pymupdf.open(stream=impose(merged.pdf, sources_for(merged.page_roles), setup).pdf)


def test_a_receipt_photo_reaches_the_printer_at_its_true_size(cups, folder, capsys):
    folder("receipt.jpg", receipt_photo())
    queue = cups.add_queue()
    assert main(["print", GUID, "--printer", queue]) == 0, capsys.readouterr().err
    (job,) = cups.jobs(queue)
    with pymupdf.open(stream=cups.document(int(job["job-id"])), filetype="pdf") as received:
        width, height = dark_box_mm(received[0])
    assert width == pytest.approx(76, rel=0.005) and height == pytest.approx(127, rel=0.005)


def test_fit_to_page_enlarges_a_picture_as_it_does_a_pdf(cache, folder):
    folder("receipt.jpg", receipt_photo())
    sheet = imposed(cache, files_of(cache, folder), Layout.FIT)[0]
    width, height = dark_box_mm(sheet)
    assert height == pytest.approx(297 - 10, abs=0.5)  # the sheet's height less its margins
    assert width == pytest.approx(76 * height / 127, rel=0.005)


def test_pictures_under_200_dpi_on_paper_are_named_with_their_resolution(cache, folder, capsys):
    folder("receipt.jpg", receipt_photo(dpi=300))
    folder("small scan.jpg", receipt_photo(dpi=120, width_mm=60, height_mm=90))
    folder("invoice.pdf", invoice_bytes())
    files = files_of(cache, folder)
    assert picture_resolutions(cache, files, Setup(Choice(Layout.ACTUAL))) == {
        "receipt.jpg": 300, "small scan.jpg": 120}  # fmt: skip
    assert blurred_pictures(cache, files, Setup(Choice(Layout.ACTUAL))) == {"small scan.jpg": 120}
    # fit to page enlarges the receipt 2.26 times: 300 dpi become 133
    assert blurred_pictures(cache, files, Setup(Choice(Layout.FIT))) == {
        "receipt.jpg": 133,
        "small scan.jpg": 38,
    }
    out = folder.source.root / "out.pdf"
    assert main(["merge", GUID, "-o", str(out), "--layout", "fit"]) == 0
    said = capsys.readouterr().err
    assert "warning: receipt.jpg: prints at 133 dpi — may be blurred" in said
    assert "warning: small scan.jpg: prints at 38 dpi" in said


def colours(sheet: pymupdf.Page) -> dict[str, tuple[int, int, int]]:
    """The paper, a line of text and the seal of ``receipt_photo`` as printed on ``sheet``."""
    box = pymupdf.Rect(sheet.get_image_info()[0]["bbox"])
    picture = render(sheet, 150).crop(tuple(round(v * 150 / 72) for v in box))
    width, height = picture.size

    def at(x: float, y: float) -> tuple[int, int, int]:
        return picture.getpixel((int(x * width), int(y * height)))

    return {"paper": at(0.85, 0.3), "ink": at(0.4, 0.1 + 1 / 120), "seal": at(0.7, 0.7)}


def test_enhancement_whitens_the_paper_darkens_the_ink_and_keeps_the_seal_red(cache, folder):
    folder("receipt.jpg", receipt_photo())
    files = files_of(cache, folder)
    plain = colours(imposed(cache, files)[0])
    better = colours(imposed(cache, files, enhance=True)[0])
    assert min(plain["paper"]) < 190 and min(better["paper"]) >= 245
    assert max(better["ink"]) < max(plain["ink"]) - 20
    red, green, blue = better["seal"]
    assert red > 200 and green < 60 and blue < 60  # still red: not turned grey or pink


def test_enhancement_leaves_a_vector_pdf_as_it_is(cache, folder):
    folder("invoice.pdf", invoice_bytes())
    files = files_of(cache, folder)
    plain = merge_files(cache, files).pdf
    enhanced = merge_files(cache, files, enhance=True).pdf
    with pymupdf.open(stream=plain) as a, pymupdf.open(stream=enhanced) as b:
        assert render(a[0], 100).tobytes() == render(b[0], 100).tobytes()


def test_the_old_printer_gets_every_sheet_as_one_300_dpi_picture(cups, folder, capsys):
    folder("invoice.pdf", invoice_bytes())
    folder("receipt.jpg", receipt_photo())
    queue = cups.add_queue()
    assert main(["print", GUID, "--printer", queue, "--old-printer", "--layout", "actual"]) == 0, (
        capsys.readouterr().err)  # fmt: skip
    (job,) = cups.jobs(queue)
    with pymupdf.open(stream=cups.document(int(job["job-id"])), filetype="pdf") as received:
        assert received.page_count == 2
        for page in received:
            (picture,) = page.get_image_info()
            box = pymupdf.Rect(picture["bbox"])
            assert (box.width, box.height) == (pytest.approx(page.rect.width, abs=1),
                                               pytest.approx(page.rect.height, abs=1))  # fmt: skip
            assert picture["width"] / page.rect.width * 72 == pytest.approx(300, abs=1)
        width, height = dark_box_mm(received[1])
    assert width == pytest.approx(76, rel=0.005) and height == pytest.approx(127, rel=0.005)


def test_old_printer_pictures_look_like_the_sheets(cache, folder):
    folder("receipt.jpg", receipt_photo())
    sheets = imposed(cache, files_of(cache, folder))
    pictures = pymupdf.open(stream=as_images(sheets.tobytes()))
    plain, raster = render(sheets[0], 50), render(pictures[0], 50)
    difference = sum(abs(a - b) for a, b in zip(plain.tobytes(), raster.tobytes(), strict=True))
    assert difference / len(plain.tobytes()) < 3


def test_a_page_the_clerk_turned_prints_turned_and_is_not_turned_back(cache, folder):
    folder("receipt.jpg", receipt_photo())
    files = files_of(cache, folder)
    for turn, seal_right in ((90, False), (270, True)):
        sheet = imposed(cache, files, turns={("receipt.jpg", 0): turn})[0]
        width, height = dark_box_mm(sheet)
        assert (width, height) == (pytest.approx(127, rel=0.005), pytest.approx(76, rel=0.005))
        picture = render(sheet, 50)
        pixels = picture.load()
        seal = [
            x
            for x in range(picture.width)
            for y in range(picture.height)
            if pixels[x, y][0] > 150 > pixels[x, y][1] + 60
        ]
        assert (sum(seal) / len(seal) > picture.width / 2) == seal_right


def test_a_printer_it_marked_as_old_gets_pictures_unless_the_clerk_says_no(cups, folder, settings):
    folder("invoice.pdf", invoice_bytes())
    queue = cups.add_queue()
    settings.set("print.printers", {queue: {"old_printer": True}})
    assert main(["print", GUID, "--printer", queue]) == 0
    assert main(["print", GUID, "--printer", queue, "--no-old-printer"]) == 0
    pictures = []
    for job in cups.jobs(queue):
        with pymupdf.open(stream=cups.document(int(job["job-id"])), filetype="pdf") as received:
            page = received[0]
            pictures.append([pymupdf.Rect(i["bbox"]).get_area() / page.rect.get_area() > 0.99
                             for i in page.get_image_info()])  # fmt: skip
    # the old printer gets the whole sheet as one picture; others the inked bands only
    assert pictures[0] == [True] and True not in pictures[1]


@pytest.mark.parametrize("layout", [Layout.GRID, Layout.AUTO])
def test_a_page_the_clerk_turned_is_not_turned_back_to_fill_a_cell(cache, folder, layout):
    """A 2 × 2 cell is portrait: the turned (landscape) receipt would fill it better turned
    back, but it prints as the clerk turned it, shrunk if need be."""
    folder("receipt.jpg", receipt_photo())
    files = files_of(cache, folder)
    sheet = imposed(cache, files, layout, turns={("receipt.jpg", 0): 90})[0]
    width, height = dark_box_mm(sheet)
    assert width > height * 1.4  # 127 × 76 mm as turned, or that shape shrunk
