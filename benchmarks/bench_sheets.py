"""Sheets of paper per GUID: the automatic layout against today's layouts and by hand.

Run: .venv/bin/python benchmarks/bench_sheets.py [--quick] [--keep DIR]

Four prepared GUIDs, made with the test suite's generators (``tests/invoices/layouts.py``
for 12306 rail tickets, 数电票 and toll invoices; receipt photos drawn with Pillow at a
known dpi, so their true size is known): each is fetched through the folder source, its
invoices read, merged and laid out by the one print code, once with today's layouts
(``actual``, the old default, and ``two-up``, still selectable) and once ``auto``. For
each the sheets a person needs laying the same items out by hand at true size is
written down below, with the reasoning.

The automatic sheets are then checked geometrically on the output PDF itself: every
placed page is read back from the imposed PDF (its form XObject's rectangle and box),
and no item may leave the printable area, overlap another, be crossed by a cut line, or
print at other than its true size unless it is larger than the sheet.

Then 300 items are laid out (layout only, timed), and a 300-item GUID is printed into a
PDF through the printer path (rendered at ``print.dpi``) with two-up and with auto, in
turns, best of two, in the same run. ``--quick`` (run by the suite) uses smaller GUIDs
(4 rail tickets, 2 invoices, a 3-item print), 30 items laid out, one print each way, and
60 dpi: its figures say nothing about speed, but every check runs.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TAXI = (57, 120)  # mm: a taxi's thermal receipt
SCREENSHOT = (70, 150)  # mm: a payment screenshot as printed

# Sheets by hand at true size on A4 (5 mm unprintable margin: 200 × 287 mm to use);
# invoices wider than 200 mm are shrunk to that width, two a sheet, as two-up always did:
# - traveller: the A4 approval form takes a sheet; the taxi receipt (57 × 120 mm) and the
#   screenshot (70 × 150) stand side by side with 134 mm below them, where the 数电票
#   (118 mm high at 200 mm wide) fits; 2 toll invoices and 4 rail tickets (104-106 mm
#   high) go two a sheet: 3 more. 5.
# - eight taxi receipts, 57 × 120 mm: three across, two rows: 6 a sheet. 2.
# - 12 rail tickets, about 170 × 105 mm: two a sheet (three need 315 mm). 6.
# - 60 invoices, two a sheet: 30; 5 taxi receipts fit in no gap of 50 mm: 1 more. 31.
BY_HAND = {"traveller": 5, "taxi": 2, "rail": 6, "invoices": 31}
# The quick run has 4 rail tickets (2 sheets) and 2 invoices (1 sheet, and 1 for the taxis).
BY_HAND_QUICK = {**BY_HAND, "rail": 2, "invoices": 2}


def receipt_photo(size_mm: tuple[int, int], dpi: int, label: str) -> bytes:
    """A photographed receipt: grey paper, lines of print, saved as JPEG at ``dpi``."""
    from PIL import Image, ImageDraw

    width, height = (round(v / 25.4 * dpi) for v in size_mm)
    image = Image.new("RGB", (width, height), (236, 234, 228))
    draw = ImageDraw.Draw(image)
    step = max(height // 18, 4)
    for number, y in enumerate(range(step, height - step, step)):
        draw.rectangle(
            (width // 10, y, width * (6 + number % 4) // 10, y + step // 3), (40, 40, 40)
        )
    draw.text((width // 10, step // 4), label, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, dpi=(dpi, dpi))
    return out.getvalue()


def approval_form() -> bytes:
    """A full A4 page: the trip's approval form, ruled to the margins."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for y in range(40, 800, 38):
        page.draw_line((36, y), (559, y), width=0.6)
    page.insert_text((48, 60), "Travel approval / 出差审批单", fontname="china-s", fontsize=14)
    return doc.tobytes()


@functools.cache  # the traveller's tickets are the rail GUID's first ones
def rail(number: int):
    from tests.invoices.layouts import rail_ticket

    return rail_ticket(number=f"254491651000{number:08d}", fare=f"{300 + number}.00")


def guids(quick: bool) -> dict[str, list[tuple[str, str, bytes]]]:
    """(role folder, name, bytes) of each prepared GUID's files, in the clerk's order."""
    from tests.invoices.layouts import digital_special, toll_invoice

    def invoice(sample) -> tuple[str, str, bytes]:
        return ("invoice", sample.name, sample.data)

    taxi = [("attachment", f"出租车票_{n}.jpg", receipt_photo(TAXI, 200, f"TAXI {n}"))
            for n in range(8)]  # fmt: skip
    tickets, invoices = (4, 2) if quick else (12, 60)
    return {
        "traveller": [
            invoice(digital_special()),
            *(invoice(rail(n)) for n in range(4)),
            invoice(toll_invoice()),
            invoice(toll_invoice(number="30712346", total="45.00", amount="43.69", tax="1.31")),
            ("attachment", "出差审批单.pdf", approval_form()),
            taxi[0],
            ("attachment", "支付截图.jpg", receipt_photo(SCREENSHOT, 150, "PAID")),
        ],
        "taxi": taxi,
        "rail": [invoice(rail(n)) for n in range(tickets)],
        "invoices": [
            invoice(digital_special(number=f"2544200000034567{n:04d}")) for n in range(invoices)
        ]
        + taxi[:5],
    }


def prepare(home: Path, name: str, files) -> tuple:
    """Put the GUID in a folder share, fetch it and read its invoices: (cache, files, listing)."""
    from fps_desktop.config import Settings
    from fps_desktop.documents.workspace import open_guid
    from fps_desktop.jobs import CancelToken, no_progress
    from fps_desktop.printing.policy import read_invoices

    guid = f"{abs(hash(name)) % 10**32:032x}"
    for role, file_name, data in files:
        target = home / "share" / guid / role / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    settings = Settings()
    cache, job = open_guid(settings, guid)
    manifest = job.run(no_progress, CancelToken()).data
    return settings, cache, manifest, read_invoices(settings, manifest, cache.blob_path)


def sheets_pdf(settings, cache, manifest, listing, layout: str) -> bytes:
    from fps_desktop.jobs import CancelToken, no_progress
    from fps_desktop.printing.job import build_print_pdf
    from fps_desktop.printing.policy import make_order, sheet_setup

    order = make_order(manifest.guid, manifest.files, listing, via="cli", confirmed=True,
                       cover=False, setup=sheet_setup(settings, layout))  # fmt: skip
    return build_print_pdf(cache, order, no_progress, CancelToken())[0]


# -- reading the placements back from the imposed PDF -----------------------------------


def placed(page) -> list[tuple]:
    """Each page placed on ``page``: its rectangle on the sheet (top-down), its scale, and
    the size of what was placed (its form's box, in points)."""
    import pymupdf

    found = []
    for xref, name, invoker, bbox in page.get_xobjects():
        if invoker != 0 or not name.startswith("fzFrm"):
            continue  # a form inside a form is the source page, not a placement
        x0, y0, x1, y1 = bbox
        rect = pymupdf.Rect(x0, page.rect.height - y1, x1, page.rect.height - y0)
        box = [float(v) for v in page.parent.xref_get_key(xref, "BBox")[1][1:-1].split()]
        width, height = box[2] - box[0], box[3] - box[1]
        turned = abs(rect.width / rect.height - height / width) < abs(
            rect.width / rect.height - width / height
        )
        scale = rect.height / width if turned else rect.width / width
        found.append((rect, scale, width, height))
    return found


def inside(rect, by: float):
    """``rect`` grown by ``by`` points on every side (shrunk when negative)."""
    import pymupdf

    return pymupdf.Rect(rect.x0 - by, rect.y0 - by, rect.x1 + by, rect.y1 + by)


def cut_lines(page) -> list[tuple]:
    return [
        (item["rect"]) for item in page.get_drawings() if item.get("dashes") not in (None, "[] 0")
    ]


def check(pdf: bytes) -> dict:
    """Items out of the printable area, overlapping, crossed by a cut, or shrunk though
    they would fit upright: counted over every sheet."""
    import pymupdf

    from fps_desktop.printing.imposition import MARGIN

    counts = {"items": 0, "cut": 0, "overlapping": 0, "crossed": 0, "shrunk": 0, "fitting": 0}
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for page in doc:
            room = pymupdf.Rect(MARGIN - 0.5, MARGIN - 0.5, page.rect.x1 - MARGIN + 0.5,
                                page.rect.y1 - MARGIN + 0.5)  # fmt: skip
            items = placed(page)
            counts["items"] += len(items)
            for index, (rect, scale, width, height) in enumerate(items):
                counts["cut"] += not rect in room  # noqa: E713 - Rect containment
                counts["overlapping"] += any(
                    (rect & other[0]).get_area() > 1 for other in items[index + 1 :]
                )
                counts["crossed"] += any(
                    inside(pymupdf.Rect(line), 0.1).intersects(inside(rect, -1))
                    for line in cut_lines(page)
                )
                if scale < 0.999:  # shrunk: only right when it is larger than the sheet
                    counts["shrunk"] += 1
                    # invoices and tickets stay upright, shrunk to the sheet's width
                    counts["fitting"] += width <= room.width and height <= room.height
    return counts


# -- timing ------------------------------------------------------------------------------


def time_layout(items: int) -> float:
    """Seconds to lay ``items`` pages of mixed sizes out automatically (layout only)."""
    import random

    import pymupdf

    from fps_desktop.documents.models import FileRole
    from fps_desktop.formats.drawing import MM
    from fps_desktop.printing.imposition import Group, Setup, Source, lay_out

    rnd = random.Random(20)
    sizes = [(200, 116), (170, 105), (57, 120), (70, 150), (200, 287)]
    sources, boxes = [], []
    for number in range(items):
        w, h = rnd.choice(sizes)
        rect = pymupdf.Rect(0, 0, w * MM, h * MM)
        sources.append(Source(FileRole.INVOICE, Group.INVOICE, number))
        boxes.append((rect, rect))
    start = time.perf_counter()
    sheets = lay_out(sources, boxes, Setup())
    seconds = time.perf_counter() - start
    assert sum(len(s.placements) for s in sheets) == items
    return seconds


def time_print(settings, cache, manifest, listing, layout: str, folder: Path) -> tuple[float, int]:
    """Seconds from the merged files to the last sheet rendered into a PDF printer."""
    from fps_desktop.jobs import CancelToken, no_progress
    from fps_desktop.printing.job import build_print_pdf
    from fps_desktop.printing.policy import make_order, sheet_setup
    from fps_desktop.printing.spooler import PrinterOptions, make_printer, spool

    options = PrinterOptions(to_pdf=folder / f"{layout}.pdf", dpi=settings.get("print.dpi"))
    setup = sheet_setup(settings, layout)
    order = make_order(manifest.guid, manifest.files, listing, via="cli", confirmed=True,
                       cover=False, setup=setup, options=options)  # fmt: skip
    start = time.perf_counter()
    pdf = build_print_pdf(cache, order, no_progress, CancelToken())[0]
    sheets = spool(pdf, make_printer(options))
    return time.perf_counter() - start, sheets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small GUIDs, checks only")
    parser.add_argument("--keep", type=Path, help="write each case's sheets into this folder")
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")  # "≤" on a Windows console's code page too
    home = Path(tempfile.mkdtemp(prefix="fps-bench-sheets-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["FPS_HOME"] = str(home)
    os.environ["FPS_SITE_CONFIG"] = str(home / "none.json")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fps_desktop.config import Settings
    from fps_desktop.printing.job import ensure_gui_application

    app = ensure_gui_application()  # noqa: F841 - QPrinter needs it
    settings = Settings()
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(home / "share"))
    if args.quick:
        settings.set("print.dpi", 60)
    failed = []
    print(f"{'GUID':<10} {'actual':>7} {'two-up':>7} {'auto':>5} {'by hand':>8}  checks")
    for name, files in guids(args.quick).items():
        prepared = prepare(home, name, files)
        counts, pdfs = {}, {}
        for layout in ("actual", "two-up", "auto"):
            pdfs[layout] = sheets_pdf(*prepared, layout)
            counts[layout] = _pages(pdfs[layout])
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{name}-{layout}.pdf").write_bytes(pdfs[layout])
        checked = check(pdfs["auto"])
        by_hand = (BY_HAND_QUICK if args.quick else BY_HAND)[name]
        today = min(counts["actual"], counts["two-up"])
        bad = {k: v for k, v in checked.items() if k not in ("items", "shrunk") and v}
        ok = counts["auto"] <= by_hand and counts["auto"] < counts["actual"] and not bad
        if not ok:
            failed.append(name)
        note = "" if counts["auto"] < today else f" (equal to two-up: {today})"
        print(f"{name:<10} {counts['actual']:>7} {counts['two-up']:>7} {counts['auto']:>5} "
              f"{by_hand:>8}  {checked['items']} items: {checked['cut']} cut, "
              f"{checked['overlapping']} overlapping, {checked['crossed']} crossed by a cut, "
              f"{checked['shrunk']} shrunk ({checked['fitting']} of them would fit upright)"
              f"{note}{'' if ok else '  FAILED'}")  # fmt: skip
    items = 30 if args.quick else 300
    seconds = time_layout(items)
    print(f"laying out {items} items: {seconds:.3f} s (target ≤ 1 s)"
          f"{'' if seconds <= 1 else '  MISSED'}")  # fmt: skip
    print_case = _print_case(1 if args.quick else items // 3)
    prepared = prepare(home, f"print-{items}", print_case)
    folder = Path(tempfile.mkdtemp(prefix="fps-bench-print-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    timed: dict[str, list] = {"two-up": [], "auto": []}
    for _round in range(1 if args.quick else 2):  # best of two, taken in turns
        for layout, runs in timed.items():
            runs.append(time_print(*prepared, layout, folder))
    (two_up, two_up_sheets), (auto, auto_sheets) = min(timed["two-up"]), min(timed["auto"])
    print(f"print of a {len(print_case)}-item GUID into a PDF printer at "
          f"{settings.get('print.dpi')} dpi: two-up {two_up:.1f} s ({two_up_sheets} sheets), "
          f"auto {auto:.1f} s ({auto_sheets} sheets), {auto / two_up:.2f}×"
          f"{'' if args.quick or auto <= two_up * 1.05 else '  MISSED'}")  # fmt: skip
    if failed:
        sys.exit(f"FAILED: {', '.join(failed)}")


def _print_case(thirds: int) -> list[tuple[str, str, bytes]]:
    """Invoices, rail tickets and taxi receipts, a third each."""
    from tests.invoices.layouts import digital_special

    made = (digital_special(number=f"2544200000099{n:07d}") for n in range(thirds))
    invoices = [("invoice", s.name, s.data) for s in made]
    tickets = [("invoice", s.name, s.data) for s in (rail(1000 + n) for n in range(thirds))]
    receipts = [("attachment", f"receipt_{n}.jpg", receipt_photo(TAXI, 150, f"R{n}"))
                for n in range(thirds)]  # fmt: skip
    return [item for trio in zip(invoices, tickets, receipts, strict=True) for item in trio]


def _pages(pdf: bytes) -> int:
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return doc.page_count


if __name__ == "__main__":
    main()
