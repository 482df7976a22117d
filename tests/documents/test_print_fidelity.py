"""What prints is what a viewer shows, and a damaged file is named, never a crash.

Each test renders the merged output with PyMuPDF and checks pixels where the
picture is known: the upright corner colours, white where it was transparent,
red where a CMYK file is red, text where a form was filled.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from fps_desktop.documents.merge import merge_files
from fps_desktop.documents.models import FileKind, Problem
from fps_desktop.documents.pdf import DECODERS
from fps_desktop.errors import DocumentError
from tests.documents import makers
from tests.documents.conftest import GUID, fetch, invoice_bytes
from tests.invoices.conftest import demo_ofd

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "pillow"
HEIC = CORPUS.parent / "heic"  # made with pillow-heif from makers.py; the app only reads HEIC
WHITE = (255, 255, 255)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def fetched(cache, share, name: str, data: bytes):
    share(name, data)
    return next(f for f in fetch(cache, share).files if f.name == name)


def printed(cache, share, name: str, data: bytes) -> pymupdf.Document:
    item = fetched(cache, share, name, data)
    assert item.printable, item.problem_error().message
    return pymupdf.open(stream=merge_files(cache, [item]).pdf)


def picture_on(page: pymupdf.Page, dpi: int = 72) -> Image.Image:
    """The placed picture as printed, cut out of a render of the page."""
    box = pymupdf.Rect(page.get_image_info()[0]["bbox"])
    pix = page.get_pixmap(dpi=dpi, clip=box, alpha=False)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def colour_at(picture: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    return picture.getpixel((int(x * (picture.width - 1)), int(y * (picture.height - 1))))


def near(colour, expected, tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def as_a_viewer_shows(data: bytes) -> Image.Image:
    """Pillow's own decoding, turned upright, on white paper: the reference picture."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    paper = Image.new("RGBA", image.size, (*WHITE, 255))
    return Image.alpha_composite(paper, image.convert("RGBA")).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean difference per channel, 0 (same) to 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b.resize(a.size))).mean) / 3


def assert_upright(picture: Image.Image) -> None:
    corners = {
        "top left": (colour_at(picture, 0.1, 0.1), makers.RED),
        "top right": (colour_at(picture, 0.9, 0.1), makers.GREEN),
        "bottom left": (colour_at(picture, 0.1, 0.9), makers.BLUE),
        "bottom right": (colour_at(picture, 0.9, 0.9), WHITE),
    }
    wrong = {where: got for where, (got, want) in corners.items() if not near(got, want)}
    assert not wrong, f"not upright: {wrong}"
    assert picture.width > picture.height


# -- images ----------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_every_exif_orientation_prints_upright_and_unmirrored(cache, share, fmt, orientation):
    """Phones store pictures turned or mirrored and say so in EXIF (PNG: eXIf)."""
    data = makers.oriented(fmt, orientation)
    page = printed(cache, share, f"photo.{fmt.lower()}", data)[0]
    assert_upright(picture_on(page))
    box = pymupdf.Rect(page.get_image_info()[0]["bbox"])
    assert box.width == pytest.approx(300 / 100 * 72, abs=1)  # true size: 300 px at 100 dpi


@pytest.mark.parametrize("orientation", range(2, 9))
def test_public_photos_in_every_orientation_print_like_the_upright_one(cache, share, orientation):
    upright = picture_on(printed(cache, share, "hopper.jpg", corpus("hopper.jpg"))[0])
    name = f"hopper_orientation_{orientation}.jpg"
    turned = picture_on(printed(cache, share, name, corpus(name))[0])
    assert difference(upright, turned) < 12


@pytest.mark.parametrize(("width", "dpi"), [(300, 100), (3000, 72)])  # as is; downsampled
def test_cmyk_jpegs_keep_their_colours(cache, share, width, dpi):
    page = printed(cache, share, "red.jpg", makers.cmyk_jpeg(width, width * 2 // 3, dpi))[0]
    assert near(colour_at(picture_on(page), 0.5, 0.5), makers.RED, 70)


@pytest.mark.parametrize("dpi", [72, 1200])  # printed as is; downsampled to 300 dpi
def test_photoshop_cmyk_jpegs_are_not_inverted(cache, share, dpi):
    """Adobe stores CMYK inverted (APP14, YCCK); re-encoding must not lose that."""
    data = makers.with_jfif_density(corpus("pil_sample_cmyk.jpg"), dpi)
    page = printed(cache, share, "poster.jpg", data)[0]
    assert difference(picture_on(page, dpi=600), as_a_viewer_shows(data)) < 16


@pytest.mark.parametrize(("width", "dpi"), [(400, 100), (4000, 72)])  # as is; downsampled
def test_transparent_areas_print_white(cache, share, width, dpi):
    page = printed(cache, share, "stamp.png", makers.half_transparent_png(width, width, dpi))[0]
    picture = picture_on(page)
    assert near(colour_at(picture, 0.25, 0.5), WHITE, 10)
    assert near(colour_at(picture, 0.75, 0.5), makers.BLUE)


@pytest.mark.parametrize(
    "name",
    [
        "pil_sample_cmyk.jpg",
        "transparent.png",
        "transparent.webp",
        "transparent.gif",
        "exif_imagemagick_orientation.png",
        "hopper.bmp",
        "hopper.webp",
        "hopper.gif",
        "hopper_idat_after_image_end.png",  # MuPDF alone refuses it; viewers show it
    ],
)
def test_public_images_print_as_a_viewer_shows_them(cache, share, name):
    data = corpus(name)
    page = printed(cache, share, name, data)[0]
    assert difference(picture_on(page, dpi=150), as_a_viewer_shows(data)) < 16


def test_a_tiny_16_bit_scan_at_an_absurd_resolution_still_prints(cache, share):
    doc = printed(cache, share, "noise.tif", corpus("16_bit_noise.tif"))  # 32 px at 15,629 dpi
    assert doc.page_count == 1 and doc[0].get_image_info()


def test_scanner_and_phone_formats_print_at_true_size(cache, share):
    pages = [makers.marked_picture(400, 300) for _ in range(3)]
    tiff = makers.image_bytes(pages[0], "TIFF", dpi=(200, 200), save_all=True,
                              append_images=pages[1:])  # fmt: skip
    doc = printed(cache, share, "scan.tif", tiff)
    assert doc.page_count == 3
    for page in doc:
        assert pymupdf.Rect(page.get_image_info()[0]["bbox"]).width == pytest.approx(144, abs=1)
        assert_upright(picture_on(page))
    bmp = makers.image_bytes(makers.marked_picture(), "BMP", dpi=(100, 100))
    page = printed(cache, share, "scan.bmp", bmp)[0]
    assert pymupdf.Rect(page.get_image_info()[0]["bbox"]).width == pytest.approx(216, abs=1)
    webp = makers.image_bytes(makers.marked_picture(), "WEBP", quality=95)
    heic = (HEIC / "marked.heic").read_bytes()
    for name, data in (("photo.webp", webp), ("photo.heic", heic)):  # no dpi stored: 200 assumed
        page = printed(cache, share, name, data)[0]
        assert pymupdf.Rect(page.get_image_info()[0]["bbox"]).width == pytest.approx(108, abs=1)
        assert_upright(picture_on(page))


@pytest.mark.parametrize("orientation", [2, 5, 6, 7, 8])
def test_heic_photos_from_phones_print_upright(cache, share, orientation):
    """HEIC keeps orientation as transforms in the file (irot/imir), not only in EXIF."""
    heic = (HEIC / f"oriented-{orientation}.heic").read_bytes()
    page = printed(cache, share, "IMG_0001.HEIC", heic)[0]
    assert_upright(picture_on(page))


def test_an_animated_gif_prints_its_first_frame(cache, share):
    red, green = Image.new("RGB", (90, 60), makers.RED), Image.new("RGB", (90, 60), makers.GREEN)
    gif = makers.image_bytes(red, "GIF", save_all=True, append_images=[green], duration=100)
    doc = printed(cache, share, "moving.gif", gif)
    assert doc.page_count == 1
    assert near(colour_at(picture_on(doc[0]), 0.5, 0.5), makers.RED)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("truncated_jpeg.jpg", corpus("truncated_jpeg.jpg"), Problem.CUT_SHORT),
        ("half.jpg", makers.image_bytes(makers.marked_picture(), "JPEG")[:2500], Problem.CUT_SHORT),
        ("truncated_image.png", corpus("truncated_image.png"), Problem.CUT_SHORT),
        ("broken.png", corpus("broken.png"), Problem.DAMAGED_IMAGE),
        ("broken_data_stream.png", corpus("broken_data_stream.png"), Problem.DAMAGED_IMAGE),
        ("absurd.png", makers.png_claiming(97293039, 1048810005), Problem.DAMAGED_IMAGE),
        ("decompression_bomb.gif", corpus("decompression_bomb.gif"), Problem.TOO_LARGE),
        ("huge.png", makers.png_claiming(20_000, 20_000), Problem.TOO_LARGE),
    ],
)
def test_damaged_images_are_named_with_the_true_reason(cache, share, name, data, problem):
    """Never a grey box without a word, never a crash of the whole GUID."""
    share("a_good.pdf", invoice_bytes())
    bad = fetched(cache, share, name, data)
    assert (bad.printable, bad.problem_kind) == (False, problem), bad.problem_error().message
    assert name in bad.problem_error().message
    merged = merge_files(cache, fetch(cache, share).files)
    assert pymupdf.open(stream=merged.pdf).page_count == 1
    assert merged.skipped == [name]


# -- PDFs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "problem", "words"),
    [
        ("half.pdf", invoice_bytes()[: len(invoice_bytes()) // 2], Problem.CUT_SHORT,
         "cut short"),
        ("noise.pdf", bytes(range(256)) * 40 + b"\n%%EOF\n", Problem.DAMAGED_PDF, "damaged PDF"),
        ("发票.ofd", b"PK\x03\x04\x14\x00\x00\x00\x08\x00OFD.xml", Problem.DAMAGED_OFD, "OFD"),
    ],
)  # fmt: skip
def test_damaged_documents_are_named_with_the_true_reason(cache, share, name, data, problem, words):
    bad = fetched(cache, share, name, data)
    assert (bad.printable, bad.problem_kind) == (False, problem)
    assert words in bad.problem_error().message
    with pytest.raises(DocumentError, match=words):
        merge_files(cache, [bad])  # the only file: the reason, not "nothing selected"


def test_a_pdf_that_lost_only_its_index_prints_whole_as_viewers_show_it(cache, share):
    whole = invoice_bytes()
    without_index = whole[: whole.rindex(b"startxref")]  # every object there, no way in
    doc = printed(cache, share, "no-index.pdf", without_index)
    assert doc[0].get_text() == pymupdf.open(stream=whole)[0].get_text()


@pytest.mark.unix_only("the peak memory is read from /proc")
def test_a_decompression_bomb_pdf_is_refused_before_memory_climbs(tmp_path):
    """Fetched in a process of its own so the peak memory is this file's alone."""
    (tmp_path / GUID).mkdir()
    (tmp_path / GUID / "bomb.pdf").write_bytes(makers.bomb_pdf())
    (problem,), peak_mb = fetched_in_own_process(tmp_path, "{f.problem_kind}")
    assert problem == Problem.TOO_LARGE
    assert int(peak_mb) < 300  # decoding the picture would take 1.6 GB


@pytest.mark.timeout(60)  # copying the links one by one took minutes: the GUID hung
def test_a_page_with_thousands_of_links_opens_and_merges(cache, share):
    doc = printed(cache, share, "index.pdf", makers.many_links_pdf())
    assert "Index of links" in doc[0].get_text()


def test_filled_forms_keep_their_text(cache, share):
    """Form tools that set NeedAppearances leave drawing the value to the viewer."""
    page = printed(cache, share, "form.pdf", makers.form_pdf("Paid 1,280.00"))[0]
    assert "Paid 1,280.00" in page.get_text()
    assert not list(page.widgets())  # baked into the page content


def test_fields_not_marked_for_printing_are_left_out(cache, share):
    shown = printed(cache, share, "shown.pdf", makers.form_pdf("PRINT ME", printed=True))[0]
    hidden = printed(cache, share, "screen.pdf", makers.form_pdf("SCREEN ONLY", printed=False))
    assert "PRINT ME" in shown.get_text()
    assert "SCREEN ONLY" not in hidden[0].get_text()


def ink_in(page: pymupdf.Page, rect: pymupdf.Rect) -> int:
    pix = page.get_pixmap(dpi=72, clip=rect, alpha=False)
    return sum(1 for i in range(0, len(pix.samples), 3) if pix.samples[i] < 128)


def test_a_ticked_check_box_with_an_odd_appearance_prints_ticked(cache, share):
    page = printed(cache, share, "ticked.pdf", makers.checkbox_pdf())[0]
    assert ink_in(page, pymupdf.Rect(76, 104, 98, 126)) > 20  # the tick, not only the frame


def test_annotations_written_as_direct_dictionaries_print(cache, share):
    page = printed(cache, share, "marked.pdf", makers.direct_annotation_pdf())[0]
    pix = page.get_pixmap(dpi=72, clip=pymupdf.Rect(120, 150, 180, 220), alpha=False)
    assert near(pix.pixel(30, 30), (255, 0, 0), 30)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def damaged_guid(tmp_path):
    """FPS_HOME whose folder source holds one good invoice and three damaged files."""
    home, share = tmp_path / "home", tmp_path / "share"
    folder = share / GUID
    folder.mkdir(parents=True)
    (folder / "发票_good.pdf").write_bytes(invoice_bytes())
    (folder / "发票_half.pdf").write_bytes(invoice_bytes()[: len(invoice_bytes()) // 2])
    (folder / "receipt.png").write_bytes(corpus("broken_data_stream.png"))
    (folder / "photo.jpg").write_bytes(corpus("truncated_jpeg.jpg"))
    config = home / "config"
    config.mkdir(parents=True)
    settings = {"source.kind": "folder", "source.folder.root": str(share)}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    return {**os.environ, "FPS_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def cli(env, *args: str) -> subprocess.CompletedProcess:
    """The command line in a process of its own; it writes UTF-8 whatever the locale."""
    return subprocess.run(
        [sys.executable, "-m", "fps_desktop", *args], capture_output=True, encoding="utf-8",
        env=env, timeout=120, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def test_cli_merges_and_prints_the_good_files_and_names_the_rest(damaged_guid, tmp_path):
    out = tmp_path / "merged.pdf"
    merged = cli(damaged_guid, "merge", GUID, "-o", str(out))
    assert merged.returncode == 0, merged.stderr
    assert pymupdf.open(out).page_count == 1
    for name in ("发票_half.pdf", "receipt.png", "photo.jpg"):
        assert f"warning: {name}: " in merged.stderr
    strict = cli(damaged_guid, "merge", GUID, "-o", str(out), "--strict")
    assert strict.returncode == DocumentError.exit_code
    sheets = tmp_path / "sheets.pdf"
    printed_ = cli(damaged_guid, "print", GUID, "--to-pdf", str(sheets), "--no-cover")
    assert printed_.returncode == 0, printed_.stderr
    assert pymupdf.open(sheets).page_count == 1
    for run in (merged, strict, printed_):
        assert "Traceback" not in run.stderr + run.stdout


def test_an_unexpected_failure_is_one_line_and_the_traceback_goes_to_the_log(
    damaged_guid, tmp_path
):
    not_a_folder = tmp_path / "taken"
    not_a_folder.write_text("a file where the output folder should go")
    result = cli(damaged_guid, "fetch", GUID, "--out", str(not_a_folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: unexpected failure")
    log_file = Path(line.rsplit(" in ", 1)[1])
    assert "Traceback" in log_file.read_text(encoding="utf-8")


def test_guids_cached_before_the_new_checks_are_checked_again(cache, share):
    share("half.pdf", invoice_bytes()[: len(invoice_bytes()) // 2])
    manifest = fetch(cache, share)
    stale = manifest.to_json()
    stale.pop("checks")
    stale["files"][0].update(pages=1, problem="", problem_params={}, problem_kind="")
    (cache.manifests / f"{GUID}.json").write_text(json.dumps(stale), encoding="utf-8")
    again = cache.cached(GUID)
    assert again.files[0].problem_kind == Problem.CUT_SHORT


def test_an_ofd_cached_when_ofd_was_unknown_is_printable_without_a_refresh(cache, share):
    share("发票.ofd", demo_ofd())
    stale = fetch(cache, share).to_json()
    stale["checks"] = 2  # the version before OFD: an unknown kind, an unsupported file
    stale["files"][0].update(kind="unknown", pages=0, problem="This file type cannot be printed.",
                             problem_params={}, problem_kind=Problem.UNSUPPORTED)  # fmt: skip
    (cache.manifests / f"{GUID}.json").write_text(json.dumps(stale), encoding="utf-8")
    again = cache.cached(GUID).files[0]
    assert (again.kind, again.printable, again.pages) == (FileKind.OFD, True, 1)


@pytest.mark.unix_only("the peak memory is read from /proc; the memory cap is RLIMIT_AS")
def test_a_jbig2_bomb_is_refused_as_too_large_and_the_invoice_beside_it_prints(tmp_path):
    """pdf.js's bomb_giant.pdf: three JBIG2 content streams of 1.25 GB each. Decoded in a
    worker under its cap; the app's own peak stays that of an ordinary GUID."""
    (tmp_path / GUID).mkdir()
    (tmp_path / GUID / "bomb.pdf").write_bytes(makers.jbig2_bomb_pdf())
    (tmp_path / GUID / "发票_1.pdf").write_bytes(invoice_bytes())
    files, peak_mb = fetched_in_own_process(tmp_path, "{f.name}:{f.pages}:{f.problem_kind}")
    assert sorted(files) == ["bomb.pdf:0:too-large-unpacked", "发票_1.pdf:1:"]
    assert int(peak_mb) < 300  # the bomb unpacks to 3.75 GB


def test_a_file_that_takes_too_long_to_read_is_named_so(cache, share, monkeypatch):
    """A bomb small enough for the memory cap still takes seconds of decoding."""
    monkeypatch.setattr(DECODERS, "time_limit", 0.5)
    item = fetched(cache, share, "slow.pdf", makers.jbig2_bomb_pdf(side=40_000, streams=1))
    assert item.problem_kind == Problem.TOO_SLOW
    assert not item.printable
    assert item.problem_error().message.startswith("slow.pdf took too long to read")


def fetched_in_own_process(root: Path, shown: str) -> tuple[list[str], int]:
    """Fetch GUID from the folder ``root`` in a process of its own, so the peak memory is
    that fetch's alone: each file as the f-string ``shown`` of ``f``, and the peak in MB."""
    script = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from fps_desktop.documents.cache import DocumentCache\n"
        "from fps_desktop.documents.sources import FolderSource\n"
        "root = Path(sys.argv[1])\n"
        f"files = DocumentCache(root / 'cache').fetch({GUID!r}, FolderSource(root)).files\n"
        "status = Path('/proc/self/status').read_text()\n"  # VmHWM: this program's own peak
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024\n"
        f"print(*[f'{shown}' for f in files], peak)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True,
        timeout=120, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    *files, peak = result.stdout.split()
    return files, int(peak)
