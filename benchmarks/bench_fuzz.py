"""Mutated PDFs, OFDs and pictures through every step a clerk's files take: nothing kills
the app, nothing hangs it.

Run: .venv/bin/python benchmarks/bench_fuzz.py [--cases 3000] [--seed 1] [--keep DIR]
     [--quick]

Seeds are real-style files: the demo source's invoices (PDF, OFD, XML), receipt photo,
screenshot and attachment; the invoice layouts of ``tests/invoices/layouts.py`` as PDFs
and as photos in every picture format the app reads; the HEIC corpus. Each case takes
one seed and mutates it, reproducibly from its number: bit flips, bytes set to edge
values, truncation, a chunk duplicated or removed, and for an OFD (a ZIP) its entries
tampered with (an entry's bytes mutated or cut, an entry dropped or doubled, sizes in
the directory that lie, a compression bomb in place of an entry).

Every case runs in an "app" process of its own making, exactly as the window does it:
the file is fetched from a folder GUID into the cache (proved in the decoder workers),
its fields are read, its first page is drawn (in a worker), and when it can print it is
merged and laid out automatically. Refusals naming the file (``DocumentError``) are the expected
answer to a broken file; a decoder worker that dies is recovered by the pool. Counted as
failures: the app process dying (an app crash), a case running past ``--case-limit``
seconds (a hang: the app process is killed and a new one carries on), and any other
exception reaching the app (unexpected). ``--keep DIR`` saves each failing case's file.
``--quick`` (run by the test suite) runs 24 small cases, from one seed of each kind a demo
GUID holds.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import random
import selectors
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASE_LIMIT = 60.0  # seconds for one case; the decoders' own limit is 15 s per task
STARTUP_LIMIT = 180.0  # a new app process loads Qt, MuPDF and warms two workers
EDGE_BYTES = (0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE)


# -- seeds ----------------------------------------------------------------------------
def seeds(small: bool) -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed, in a fixed order."""
    from fps_desktop.documents.demo import DEMO_CASES, DemoSource, demo_file_bytes
    from fps_desktop.jobs import CancelToken
    from tests.invoices import layouts

    found: dict[bytes, str] = {}
    for guid in DEMO_CASES:
        kinds = set()
        for remote in DemoSource().list_files(guid, CancelToken()):
            kind = (remote.name.split("_")[0], Path(remote.name).suffix)  # 发票, .pdf
            if small and kind in kinds:  # the quick mode: one file of each kind a GUID has
                continue
            kinds.add(kind)
            found.setdefault(demo_file_bytes(guid, remote.file_id), remote.name)
    samples = layouts.all_samples()
    for sample in samples:
        found.setdefault(sample.data, sample.name)
    formats = ("JPEG", "PNG") if small else ("JPEG", "PNG", "TIFF", "WEBP", "BMP", "GIF")
    for number, fmt in enumerate(formats):
        photo = layouts.photo(samples[number % len(samples)], fmt, dpi=40 if small else 72)
        found.setdefault(photo.data, photo.name)
    for path in sorted((ROOT / "tests" / "corpus" / "heic").glob("*.heic"))[: 1 if small else 9]:
        found.setdefault(path.read_bytes(), path.name)
    if small:  # the quick mode keeps to files that decode in a moment
        found = {data: name for data, name in found.items() if len(data) < 200_000}
    return sorted(((name, data) for data, name in found.items()), key=lambda s: s[0])


# -- mutations ------------------------------------------------------------------------
def _bit_flips(data: bytearray, rng: random.Random) -> str:
    count = rng.choice((1, 2, 4, 8, 32, 128))
    for _ in range(count):
        spot = rng.randrange(len(data))
        data[spot] ^= 1 << rng.randrange(8)
    return f"{count} bit flips"


def _edge_bytes(data: bytearray, rng: random.Random) -> str:
    count = rng.choice((1, 4, 16))
    for _ in range(count):
        data[rng.randrange(len(data))] = rng.choice(EDGE_BYTES)
    return f"{count} edge bytes"


def _truncate(data: bytearray, rng: random.Random) -> str:
    keep = rng.choice((rng.randrange(len(data)), len(data) // 2, len(data) - 1, 16))
    del data[keep:]
    return f"cut to {keep} bytes"


def _duplicate(data: bytearray, rng: random.Random) -> str:
    start = rng.randrange(len(data))
    chunk = bytes(data[start : start + rng.choice((16, 256, 4096, 65536))])
    at = rng.randrange(len(data))
    times = rng.choice((1, 1, 2, 16))
    data[at:at] = chunk * times
    return f"{len(chunk)} bytes from {start} doubled {times}x at {at}"


def _remove(data: bytearray, rng: random.Random) -> str:
    start = rng.randrange(len(data))
    size = rng.choice((1, 16, 512, 8192))
    del data[start : start + size]
    return f"{size} bytes removed at {start}"


BYTE_MUTATIONS = (_bit_flips, _edge_bytes, _truncate, _duplicate, _remove)


def _tamper_zip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An OFD's entries tampered with, the ZIP itself well-formed (or its directory lying)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = [(info, source.read(info)) for info in source.infolist()]
    victim = rng.randrange(len(entries))
    how = rng.choice(("mutate", "mutate", "mutate", "drop", "double", "sizes", "bomb"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as tampered:
        for index, (info, body) in enumerate(entries):
            if index == victim:
                if how == "drop":
                    continue
                if how == "mutate" and body:
                    changed = bytearray(body)
                    rng.choice(BYTE_MUTATIONS)(changed, rng)
                    body = bytes(changed)
                elif how == "bomb":
                    body = b"\0" * (64 << 20)
                elif how == "double":
                    tampered.writestr(info.filename, body)
            tampered.writestr(info.filename, body)
    tampered_bytes = bytearray(out.getvalue())
    if how == "sizes":  # the central directory's sizes of the victim entry lie
        directory = tampered_bytes.rfind(b"PK\x05\x06")
        offset = int.from_bytes(tampered_bytes[directory + 16 : directory + 20], "little")
        for _ in range(victim + 1):
            header = tampered_bytes.find(b"PK\x01\x02", offset)
            offset = header + 4
        spot = header + rng.choice((20, 24))  # compressed or uncompressed size
        tampered_bytes[spot : spot + 4] = rng.choice((0, 1, 0x7FFFFFFF, 0xFFFFFFFF)).to_bytes(
            4, "little"
        )
    return bytes(tampered_bytes), f"entry {entries[victim][0].filename}: {how}"


def mutated(case: int, seed_list: list[tuple[str, bytes]], master: int) -> tuple[str, bytes, str]:
    """Case ``case``: (file name, bytes, what was done); the same for the same numbers."""
    rng = random.Random(master * 1_000_003 + case)
    name, data = seed_list[case % len(seed_list)]
    if name.lower().endswith(".ofd") and rng.random() < 0.6:
        data, how = _tamper_zip(data, rng)
        return name, data, how
    changed = bytearray(data)
    steps = [rng.choice(BYTE_MUTATIONS)(changed, rng) for _ in range(rng.choice((1, 1, 2)))]
    return name, bytes(changed), "; ".join(steps)


# -- the app process ------------------------------------------------------------------
def run_app(master: int, small: bool) -> None:
    """Read case numbers on stdin, run each as the window does, answer one JSON line each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fps_desktop.documents.cache import DocumentCache
    from fps_desktop.documents.merge import merge_files
    from fps_desktop.documents.models import FileRole
    from fps_desktop.documents.sources import FolderSource
    from fps_desktop.errors import DocumentError
    from fps_desktop.formats.pdf import isolated, render_page
    from fps_desktop.invoices.reader import read_invoice
    from fps_desktop.printing.imposition import Setup, impose, sources_for

    seed_list = seeds(small)
    # inside the harness's home, which goes with the run: an app killed for a hang cannot tidy
    work = Path(tempfile.mkdtemp(prefix="fps-fuzz-app-", dir=os.environ["FPS_HOME"]))
    cache = DocumentCache(work / "cache", 256 << 20)
    source = FolderSource(work / "share")
    print(json.dumps({"ready": len(seed_list)}), flush=True)
    for line in sys.stdin:
        case = int(line)
        name, data, how = mutated(case, seed_list, master)
        guid = f"{case + 1:032x}"
        folder = work / "share" / guid
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
        started = time.monotonic()
        answer = {"case": case, "seed": name, "how": how, "outcome": "", "step": ""}
        step = "fetch"
        try:
            (item,) = cache.fetch(guid, source).files
            answer["outcome"] = item.problem_kind or "printable"
            answer["worker_died"] = "stopped the program" in item.problem
            step = "fields"
            fields = read_invoice(cache.blob_path(item.sha256).read_bytes(), item.name)
            answer["fields"] = "found" if fields.found else "none"
            if item.printable:
                step = "draw"
                try:
                    isolated(render_page, cache.blob_path(item.sha256), item.kind, item.name,
                             0, 300, 400)  # fmt: skip
                except DocumentError as exc:
                    answer["draw"] = exc.problem
                step = "merge"
                merged = merge_files(cache, [item])
                step = "impose"
                roles = [FileRole.INVOICE] * len(merged.page_roles)
                impose(merged.pdf, sources_for(roles), Setup())  # the automatic layout
        except DocumentError as exc:
            answer["outcome"] = f"refused at {step}: {exc.problem}"
        except Exception as exc:  # what the app must never meet
            answer.update(step=step, unexpected=f"{type(exc).__name__}: {exc}"[:300])
        answer["seconds"] = round(time.monotonic() - started, 3)
        print(json.dumps(answer), flush=True)
        folder.joinpath(name).unlink()
        folder.rmdir()


# -- the harness ----------------------------------------------------------------------
class App:
    """The app process; ``ask`` gives a case and waits for its answer or the limit."""

    def __init__(self, master: int, small: bool, env: dict) -> None:
        command = [sys.executable, __file__, "--app", "--seed", str(master)]
        self.process = subprocess.Popen(
            [*command, *(["--quick"] if small else [])], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT,
        )  # fmt: skip
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.ready = self._answer(STARTUP_LIMIT)

    def _answer(self, limit: float) -> dict | str:
        """The next line as JSON, else "hang" (nothing in time) or "app crash" (it died)."""
        if not self.selector.select(limit):
            return "hang"
        line = self.process.stdout.readline()
        return json.loads(line) if line else "app crash"

    def ask(self, case: int, limit: float) -> dict | str:
        try:
            self.process.stdin.write(f"{case}\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return "app crash"
        return self._answer(limit)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.selector.close()
        self.process.stdout.close()
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case-limit", type=float, default=CASE_LIMIT)
    parser.add_argument("--keep", type=Path, help="save each failing case's file here")
    parser.add_argument("--quick", action="store_true", help="24 small cases")
    parser.add_argument("--app", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        run_app(args.seed, args.quick)
        return 0
    cases = 24 if args.quick else args.cases
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fps-bench-fuzz-") as home:
        env = {**os.environ, "FPS_HOME": home, "FPS_SITE_CONFIG": str(Path(home) / "none.json")}
        app, failures, outcomes, slowest = None, [], collections.Counter(), (0.0, -1)
        died, fields_found = 0, 0
        for case in range(cases):
            if app is None:
                app = App(args.seed, args.quick, env)
                if not isinstance(app.ready, dict):
                    print("the app process did not start", file=sys.stderr)
                    return 1
            answer = app.ask(case, args.case_limit)
            if isinstance(answer, str):
                failures.append((case, answer, ""))
                app.stop()
                app = None
                continue
            if "unexpected" in answer:
                failures.append((case, f"unexpected at {answer['step']}", answer["unexpected"]))
            outcomes[answer["outcome"].split(": ")[-1]] += 1
            died += answer.get("worker_died", False)
            fields_found += answer.get("fields") == "found"
            slowest = max(slowest, (answer["seconds"], case))
        if app is not None:
            app.stop()
    seconds = time.monotonic() - started
    crashes = sum(what == "app crash" for _, what, _ in failures)
    hangs = sum(what == "hang" for _, what, _ in failures)
    print(f"fuzz: {cases} cases in {seconds:.0f} s ({cases / seconds:.1f}/s), seed {args.seed}: "
          f"{crashes} app crashes, {hangs} hangs, {len(failures) - crashes - hangs} unexpected "
          f"errors; decoder workers that died and were replaced: {died}; fields found in "
          f"{fields_found}; slowest case {slowest[1]} ({slowest[0]:.1f} s)")  # fmt: skip
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    if failures:
        from itertools import islice

        seed_list = seeds(args.quick)
        for case, what, detail in islice(failures, 20):
            name, data, how = mutated(case, seed_list, args.seed)
            print(f"  case {case} ({name}, {how}): {what} {detail}")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"case-{case}-{name}").write_bytes(data)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
