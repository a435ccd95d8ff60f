"""Hostile workbooks, built part by part (a .xlsx is a zip of XML parts), in the shapes an attack
on the server used: a cell at the far corner, a zip bomb, sizes that lie, many sheets, huge shared
text, entity expansion, millions of cells. Each writes to a folder (tmp_path) and returns bytes."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             'Target="xl/workbook.xml"/></Relationships>')
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']>')

Part = str | bytes | Iterable[str]
SHEET = "Update return"  # the first sheet: what the plan and measures readers read, and the return's sheet


def workbook(folder: Path, name: str, sheets: dict[str, Part], *, shared: Part | None = None,
             workbook_prefix: str = "", compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal workbook: `sheets` maps each sheet name to its worksheet XML (a string, or
    pieces written as they come, so a part of 100 MB is never held whole). A small hidden sheet
    `_return` follows, so the offline returns reader (which looks for it) reaches the hostile part."""
    path = folder / name
    sheets = {**sheets, "_return": "".join(sheet_xml(['<row r="1"><c r="A1"><v>1</v></c></row>']))}
    entries = "".join(f'<sheet name="{title}" sheetId="{i}" r:id="rId{i}"{hidden}/>'
                      for i, title in enumerate(sheets, 1)
                      for hidden in [' state="veryHidden"' if title == "_return" else ""])
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", compression, compresslevel=6 if compression else None) as out:
        out.writestr("[Content_Types].xml", TYPES)
        out.writestr("_rels/.rels", ROOT_RELS)
        out.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?>{workbook_prefix}<workbook '
                     f'xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>')
        out.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                     f'xmlns="{PKG}">{rels}</Relationships>')
        written: dict[int, str] = {}
        for i, part in enumerate(sheets.values(), 1):
            key = id(part)
            if key in written and isinstance(part, str | bytes):  # many sheets, one part's text
                out.writestr(f"xl/worksheets/sheet{i}.xml", part)
                continue
            written[key] = f"sheet{i}"
            _write(out, f"xl/worksheets/sheet{i}.xml", part)
        if shared is not None:
            _write(out, "xl/sharedStrings.xml", shared)
    return path.read_bytes()


def _write(out: zipfile.ZipFile, name: str, part: Part) -> None:
    if isinstance(part, str | bytes):
        out.writestr(name, part)
        return
    with out.open(name, "w", force_zip64=True) as stream:
        buffer: list[str] = []
        size = 0
        for piece in part:
            buffer.append(piece)
            size += len(piece)
            if size > 1 << 20:
                stream.write("".join(buffer).encode())
                buffer, size = [], 0
        stream.write("".join(buffer).encode())


def sheet_xml(rows: Iterable[str], *, prefix: str = "", dimension: str = "") -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{prefix}<worksheet xmlns="{MAIN}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def plan_rows() -> list[str]:
    """A small, honest plan table: what a hostile shape is wrapped around."""
    head = ["Ref", "Action", "Lead officer", "Due date", "RAG"]
    body = [["1", "Agree the needs assessment", "Head of Community Safety", "31/03/2027", "Green"]]
    rows = []
    for r, values in enumerate([head, *body], 1):
        cells = "".join(text_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values))
        rows.append(f'<row r="{r}">{cells}</row>')
    return rows


def corner(folder: Path) -> bytes:
    """A plan table and one cell at XFD1048576, the sheet's far corner (4.9 KB in the attack)."""
    rows = [*plan_rows(), f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>']
    return workbook(folder, "corner.xlsx", {SHEET: "".join(sheet_xml(rows, dimension="A1:XFD1048576"))})


def declared_corner(folder: Path) -> bytes:
    """A plan table whose declared size alone runs to the corner: harmless when only cells are read."""
    return workbook(folder, "declared.xlsx", {SHEET: "".join(sheet_xml(plan_rows(), dimension="A1:XFD1048576"))})


def zip_bomb(folder: Path, megabytes: int = 300) -> bytes:
    """A sheet part of `megabytes` of blanks that packs to a few hundred KB."""
    def rows() -> Iterator[str]:
        yield from plan_rows()
        blank = " " * (1 << 20)
        for _ in range(megabytes):
            yield blank
    return workbook(folder, f"bomb-{megabytes}.xlsx", {SHEET: sheet_xml(rows())})


def lying_sizes(folder: Path) -> bytes:
    """A zip whose directory says its sheet unpacks to 2 KB when it unpacks to 40 MB."""
    content = bytearray(zip_bomb(folder, 40))
    name = b"xl/worksheets/sheet1.xml"
    at = 0
    while True:
        at = content.find(b"PK\x03\x04", at)
        if at < 0:
            break
        name_len, extra_len = struct.unpack("<HH", content[at + 26:at + 30])
        if bytes(content[at + 30:at + 30 + name_len]) == name:
            content[at + 22:at + 26] = struct.pack("<I", 2048)
            _zip64_size(content, at + 30 + name_len, extra_len)
        at += 4
    at = 0
    while True:
        at = content.find(b"PK\x01\x02", at)
        if at < 0:
            break
        name_len, extra_len = struct.unpack("<HH", content[at + 28:at + 32])
        if bytes(content[at + 46:at + 46 + name_len]) == name:
            if struct.unpack("<I", content[at + 24:at + 28])[0] != 0xFFFFFFFF:
                content[at + 24:at + 28] = struct.pack("<I", 2048)
            _zip64_size(content, at + 46 + name_len, extra_len)
        at += 4
    (folder / "lying.xlsx").write_bytes(bytes(content))
    return bytes(content)


def _zip64_size(content: bytearray, start: int, length: int) -> None:
    """Set the uncompressed size in a zip64 extra field, when there is one."""
    at = start
    while at < start + length:
        tag, size = struct.unpack("<HH", content[at:at + 4])
        if tag == 1 and size >= 8:
            content[at + 4:at + 12] = struct.pack("<Q", 2048)
        at += 4 + size


def many_sheets(folder: Path, count: int = 300) -> bytes:
    part = "".join(sheet_xml(plan_rows()))
    return workbook(folder, "sheets.xlsx", {f"Sheet {i}": part for i in range(1, count + 1)})


def huge_shared_text(folder: Path, megabytes: int = 32) -> bytes:
    """Shared text of `megabytes` (past the 30 MB cap), varied enough to pack at an ordinary ratio:
    a block of 300 KB of different notes, repeated with a counter."""
    block = "".join(f"<si><t>Note {i * 7919 % 100003} on the plan, row {i}</t></si>" for i in range(6000))

    def strings() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
        for i in range((megabytes << 20) // len(block) + 1):
            yield f"<si><t>{i}</t></si>" + block
        yield "</sst>"
    sheet = "".join(sheet_xml(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']))
    return workbook(folder, "shared.xlsx", {SHEET: sheet}, shared=strings())


def many_strings(folder: Path, count: int = 1_100_000) -> bytes:
    def strings() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
        for i in range(count):
            yield f"<si><t>{i}</t></si>"
        yield "</sst>"
    sheet = "".join(sheet_xml(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']))
    return workbook(folder, "strings.xlsx", {SHEET: sheet}, shared=strings())


def laughs(folder: Path, where: str) -> bytes:
    """A billion-laughs entity (10^9 'lol's from a few hundred bytes) in the sheet, the shared text
    or the workbook part."""
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    if where == "sheet":
        return workbook(folder, "laughs-sheet.xlsx", {SHEET: "".join(sheet_xml([cell], prefix=LAUGHS))})
    if where == "shared":
        shared = f'<?xml version="1.0"?>{LAUGHS}<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
        sheet = "".join(sheet_xml(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']))
        return workbook(folder, "laughs-shared.xlsx", {SHEET: sheet}, shared=shared)
    return workbook(folder, "laughs-book.xlsx", {SHEET: "".join(sheet_xml(plan_rows()))}, workbook_prefix=LAUGHS)


def external_entity(folder: Path) -> bytes:
    """An external entity naming a file on the server."""
    prefix = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return workbook(folder, "external.xlsx", {SHEET: "".join(sheet_xml([cell], prefix=prefix))})


def many_cells(folder: Path, cells: int = 2_100_000, width: int = 100) -> bytes:
    """`cells` numbers, `width` to a row (the attack's 2 M cells took 77 s and 897 MB). 97 different
    rows (150 KB, past deflate's window) repeated, so the file packs at an ordinary ratio."""
    letters = [_letters(c) for c in range(1, width + 1)]
    bodies = ["".join(f'<c r="{letters[c]}{{r}}"><v>{(k * 31 + c * 17) % 9973}</v></c>' for c in range(width))
              for k in range(97)]

    def rows() -> Iterator[str]:
        yield from plan_rows()
        for r in range(3, 3 + cells // width):
            yield f'<row r="{r}">' + bodies[r % 97].replace("{r}", str(r)) + "</row>"
    return workbook(folder, "cells.xlsx", {SHEET: sheet_xml(rows())})


def wide_table(folder: Path, rows: int = 6_000) -> bytes:
    """One cell per row, in column ALL (1,000): few cells, a vast table with the blanks."""
    def body() -> Iterator[str]:
        yield from plan_rows()
        for r in range(3, 3 + rows):
            yield f'<row r="{r}"><c r="ALL{r}"><v>1</v></c></row>'
    return workbook(folder, "wide.xlsx", {SHEET: sheet_xml(body())})


def too_big(folder: Path) -> bytes:
    import os

    path = folder / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(11 * 1024 * 1024))
    return path.read_bytes()


def _letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
