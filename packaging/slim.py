"""Linux build: ICU's bundled data cut down to what the app calls, for the spec.

- ICU's data (32 MB, ``libicudata``): Qt asks ICU only for case mapping, text
  converters, collation and time-zone names (the ``u_str*``, ``ucnv_``, ``ucol_``
  and ``ucal_`` calls libQt6Core imports). The rebuilt data keeps every converter
  and the core tables, and the locale data of root, English and Chinese; other
  locales fall back to root, as ICU does for any locale it lacks. Break iteration,
  transliteration, spelled-out numbers, units, currency, language and region names
  (Qt has its own) go, as ICU's own data filter would leave them out.

It is compiled with the C compiler and binutils (nm, readelf) of the build machine;
without them, or when the library is not what is expected, it is shipped as it is
(the build is larger, nothing breaks).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

# ICU data trees no Qt call reads.
UNREAD_TREES = {"brkitr", "translit", "rbnf", "unit", "curr", "lang", "region"}
LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
KEPT_LOCALES = ("en", "zh")  # and root, which is not a locale file name
ICU_ALIGN = 16


TOOLS = ("nm", "readelf")  # binutils, besides a C compiler


def compiler() -> str | None:
    return shutil.which("cc") or shutil.which("gcc")


def missing_tools() -> list[str]:
    """What this machine lacks to slim ICU (then it ships whole)."""
    return [tool for tool in TOOLS if shutil.which(tool) is None] + (
        [] if compiler() else ["a C compiler (cc)"]
    )


def icu_item_kept(name: str) -> bool:
    """``name`` as in the package's table of contents, e.g. ``icudt73l/coll/zh.res``."""
    parts = name.split("/")[1:]
    if len(parts) > 1 and parts[0] in UNREAD_TREES:
        return False
    base = parts[-1]
    return not LOCALE_FILE.match(base) or base.split("_")[0].split(".")[0] in KEPT_LOCALES


def icu_items(blob: bytes) -> list[tuple[str, bytes]]:
    """The (name, data) items of ICU common data ("CmnD": header, sorted table of contents,
    items), in table order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not ICU common data")
    toc = header_size
    count = struct.unpack_from("<I", blob, toc)[0]
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(entries):
        name = blob[toc + name_at : blob.index(b"\0", toc + name_at)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(blob) - toc
        items.append((name, blob[toc + data_at : toc + end]))
    return items


def trim_icu_package(blob: bytes) -> bytes:
    """The same package with only the items ``icu_item_kept`` accepts, each 16-byte aligned."""
    header_size = struct.unpack_from("<H", blob)[0]
    items = [(name.encode("ascii"), data) for name, data in icu_items(blob) if icu_item_kept(name)]
    names_at = 4 + 8 * len(items)
    names = b"".join(name + b"\0" for name, _ in items)
    data_at = names_at + len(names)
    data_at += -(header_size + data_at) % ICU_ALIGN
    table, body = [struct.pack("<I", len(items))], bytearray()
    name_offset = names_at
    for name, data in items:
        table.append(struct.pack("<II", name_offset, data_at + len(body)))
        name_offset += len(name) + 1
        body += data + b"\0" * (-len(data) % ICU_ALIGN)
    head = blob[:header_size] + b"".join(table) + names
    return head + b"\0" * (header_size + data_at - len(head)) + bytes(body)


def _symbol(library: str, name: str) -> tuple[int, int]:
    """File offset and size of a data symbol of a shared library."""
    line = next(
        row
        for row in subprocess.run(
            ["nm", "-D", "-S", "--defined-only", library], capture_output=True, text=True
        ).stdout.splitlines()
        if row.endswith(" " + name)
    )
    address, size = (int(field, 16) for field in line.split()[:2])
    segments = subprocess.run(["readelf", "-lW", library], capture_output=True, text=True).stdout
    for offset, vaddr, filesz in re.findall(
        r"LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)", segments
    ):
        start = int(vaddr, 16)
        if start <= address < start + int(filesz, 16):
            return address - start + int(offset, 16), size
    raise ValueError(f"{name} is not in a loaded segment of {library}")


def _soname(library: str) -> str:
    dynamic = subprocess.run(["readelf", "-d", library], capture_output=True, text=True).stdout
    return re.search(r"\(SONAME\).*\[(.+)\]", dynamic).group(1)


def _link(source: str, soname: str, out: Path) -> Path:
    c_file = out.with_suffix(".c")
    c_file.write_text(source)
    subprocess.run(
        [compiler(), "-shared", "-fPIC", "-O2", "-nostdlib", f"-Wl,-soname,{soname}",
         "-o", str(out), str(c_file)],
        check=True,
    )  # fmt: skip
    return out


def slim_icu_data(library: str, work: Path) -> Path:
    """A ``libicudata`` holding the trimmed package under the same symbol."""
    symbol = next(
        row.split()[-1]
        for row in subprocess.run(
            ["nm", "-D", "--defined-only", library], capture_output=True, text=True
        ).stdout.splitlines()
        if re.search(r"icudt\d+_dat$", row)
    )
    offset, size = _symbol(library, symbol)
    package = work / f"{symbol}.bin"
    package.write_bytes(trim_icu_package(Path(library).read_bytes()[offset : offset + size]))
    source = (
        f'__asm__(".section .rodata\\n.globl {symbol}\\n.type {symbol}, @object\\n'
        f'.balign {ICU_ALIGN}\\n{symbol}:\\n.incbin \\"{package}\\"\\n'
        f'.size {symbol}, .-{symbol}\\n");\n'
    )
    return _link(source, _soname(library), work / Path(library).name)
