"""``gui --self-test``: what an installed app must carry and be able to read, then a
demo GUID opened in the real window and printed, for the build scripts.

A slimmed build that lost a decoder (libtiff, libde265, libwebp...) or a catalogue
would otherwise only fail on a clerk's desk. Each check reads a real file of its
kind through the same code that prints it; a check imports what it needs itself, so
a missing library is reported under the check's name.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fps_desktop.formats.images import prove_frames, read_frames
from fps_desktop.resources import resources_dir

HEIC_SAMPLE = "samples/phone-photo.heic"  # no encoder ships: HEIC cannot be made on the spot
# What an installed app must carry; the self-test of a wheel or a frozen build checks them.
SHIPPED = (
    "icons/fps-desktop.svg",
    "translations/fps_desktop_zh_CN.qm",
    "translations/fps_desktop_en.qm",
    "sql/schema.sql",
    HEIC_SAMPLE,
)
GENERATED = {  # format: Pillow's save options (TIFF compressed, so libtiff does the work)
    "JPEG": {},
    "PNG": {},
    "TIFF": {"compression": "tiff_lzw", "save_all": True},
    "WEBP": {},
    "GIF": {},
    "BMP": {},
}


def _picture(fmt: str) -> tuple[bytes, int]:
    """A small picture in ``fmt`` and how many pages it holds."""
    pages = [Image.new("RGB", (40, 30), colour) for colour in ((200, 30, 30), (30, 30, 200))]
    options = dict(GENERATED[fmt])
    if not options.get("save_all"):
        pages = pages[:1]
    out = io.BytesIO()
    pages[0].save(out, fmt, append_images=pages[1:], **options)
    return out.getvalue(), len(pages)


def _read_image(data: bytes, pages: int, name: str) -> None:
    frames = read_frames(data, name)
    prove_frames(frames, name)
    if len(frames) != pages:
        raise ValueError(f"{len(frames)} pages read, {pages} written")


def _read_ofd() -> None:
    from fps_desktop.documents.demo import DEMO_CASES, demo_invoice_xml
    from fps_desktop.documents.demo_ofd import demo_invoice_ofd
    from fps_desktop.formats.ofd.painter import ofd_to_pdf

    invoice = next(inv for case in DEMO_CASES.values() for inv in case.invoices
                   if "ofd" in inv.formats)  # fmt: skip
    drawn = ofd_to_pdf(demo_invoice_ofd(invoice, demo_invoice_xml(invoice)))
    if not drawn.pages or drawn.seal_problem:
        raise ValueError(drawn.seal_problem or "no page drawn")


def _read_by_ocr() -> None:
    """The OCR's models and runtime load and read a printed invoice number."""
    import pymupdf

    from fps_desktop.formats.drawing import write_text
    from fps_desktop.invoices.ocr import ocr_task

    doc = pymupdf.open()
    page = doc.new_page(width=300, height=60)
    write_text(page, (20, 36), "发票号码：25442000000345678901", 12)
    picture = page.get_pixmap(dpi=150).tobytes("png")
    text = " ".join(line[1] for line in ocr_task(picture, "ocr.png"))
    if "25442000000345678901" not in text:
        raise ValueError(f"read {text!r}")


def _load_catalogues() -> None:
    from PySide6.QtCore import QTranslator

    from fps_desktop.languages import catalogues

    for name, folder in (*catalogues("zh_CN"), *catalogues("en")):
        translator = QTranslator()
        if not translator.load(name, folder) or translator.isEmpty():
            raise ValueError(f"{name} not loaded from {folder}")


def checks() -> dict[str, Callable[[], None]]:
    """Every kind of file the app opens, by the name a failure is reported under."""
    found: dict[str, Callable[[], None]] = {
        fmt: lambda fmt=fmt: _read_image(*_picture(fmt), f"sample.{fmt.lower()}")
        for fmt in GENERATED
    }
    heic = resources_dir() / HEIC_SAMPLE
    found["HEIC"] = lambda: _read_image(heic.read_bytes(), 1, HEIC_SAMPLE)
    found["OFD"] = _read_ofd
    found["OCR"] = _read_by_ocr
    found["translations (zh_CN, en)"] = _load_catalogues
    return found


def failures() -> list[str]:
    """The checks that failed, each with its reason; empty when everything reads."""
    failed = []
    for label, check in checks().items():
        try:
            check()
        except Exception as exc:  # any failure is the finding, reported by name
            failed.append(f"{label}: {exc}")
    return failed


def run_self_test(window, bridge, app: QApplication) -> None:
    """Check the PBMS listener listens (unless IT switched it off) and every kind of file
    the app opens reads, then open the first demo GUID and print it two-up into a PDF,
    then quit (for packaging)."""
    # here, not above: a library that is missing is first named by the check that needs it
    from fps_desktop.documents.demo import DEMO_CASES
    from fps_desktop.printing.job import new_print_id
    from fps_desktop.printing.policy import requested_print_job, sheet_setup
    from fps_desktop.printing.spooler import PrinterOptions
    from fps_desktop.ui.job_queue import JobEntry, JobState

    if window.settings.get("listener.enabled") and bridge.listener is None:
        print(f"self-test: FAILED (PBMS listener: {bridge.listener_error})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    missing = [name for name in SHIPPED if not (resources_dir() / name).is_file()]
    if missing:
        print(f"self-test: FAILED (missing resources: {', '.join(missing)})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    unreadable = failures()
    if unreadable:
        print(f"self-test: FAILED (cannot read {'; '.join(unreadable)})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    target = Path(tempfile.mkdtemp()) / "self-test.pdf"
    guid = next(iter(DEMO_CASES))

    printing: list[JobEntry] = []

    def ended(entry: JobEntry) -> None:
        if entry.state == JobState.FAILED:
            print(entry.error)
            app.exit(1)
        elif entry.state == JobState.DONE and printing and entry is printing[0]:
            ok = target.exists() and target.stat().st_size > 0
            sheets = entry.result.data.sheets
            print(f"self-test: {'ok' if ok else 'FAILED'} ({sheets} sheets, {target})")
            app.exit(0 if ok else 1)

    def shown(_guid: str) -> None:  # printed by the one print policy, as PBMS would
        job = requested_print_job(window.settings, window.cache, guid,
                                  PrinterOptions(to_pdf=target),
                                  sheet_setup(window.settings, "two-up"), True,
                                  new_print_id(), lambda *said: None, via="self-test")  # fmt: skip
        printing.append(window.jobs.submit(job))

    window.documents_shown.connect(shown)
    window.jobs.ended.connect(ended)
    window.open_guid(guid)
