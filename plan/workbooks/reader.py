"""Open an uploaded workbook (.xlsx, .xlsm) or CSV once, safely, for every reader of uploads (plan
import, measures import, figures upload, offline returns).

Why our own reader rather than openpyxl or calamine: both trust the sheet's declared size
(calamine allocates the whole used rectangle, so one cell at XFD1048576 asks for 512 GB and aborts
the server process; openpyxl's full load walks the rectangle cell by cell). Here
- the caps in limits.py are checked before the work they bound: the upload's size and the zip's
  parts, sizes and ratios from its directory before anything is unpacked; the number of sheets
  from workbook.xml before any sheet is read; the shared text's size before it is read; cells,
  rows and columns while the sheet streams, stopping at the first one past a cap;
- only the cells the file writes are read, streamed part by part (zipfile holds each part to its
  declared size and checks its CRC), never the declared dimension;
- no document type declaration is accepted: the small parts are parsed by defusedxml
  (forbid_dtd), the large ones (sheets, shared text) are refused if their prolog declares one
  before the C parser reads them (a DTD can only stand before the root element), so no entity is
  ever expanded.

What a sheet gives: its rows as (row number, values from column A), only rows holding a value or
a fill; which cells show a number as a percent; each filled cell's colour."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import iterparse
from xml.parsers import expat

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from plan.errors import InvalidInput
from plan.text import plural
from plan.workbooks.limits import LIMITS, Limits, WorkbookRefused, column_letters, n, size

_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_RELS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
         "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _tags(local: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{local}" for ns in _MAIN)


_C, _ROW, _V, _IS, _T, _R, _RPH, _SI = (_tags(t) for t in ("c", "row", "v", "is", "t", "r", "rPh", "si"))
_COORD = re.compile(r"([A-Z]{1,3})(\d+)$")


@dataclass
class Sheet:
    """One sheet's cells as read. `percent` and `fills` are keyed (row number, column index from 0)."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]
    percent: set[tuple[int, int]] = field(default_factory=set)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # "FFC7CE" (RGB), or "theme:5", "indexed:10"
    hidden: bool = False
    _by_row: dict[int, tuple[Any, ...]] | None = field(default=None, repr=False)

    def value(self, row: int, column: int) -> Any:
        """The value at row, column (both from 1, as the sheet numbers them); None where no cell."""
        values = self.value_row(row)
        return values[column - 1] if 0 < column <= len(values) else None

    def value_row(self, row: int) -> tuple[Any, ...]:
        """The values of a row from column A; () where the row holds nothing."""
        if self._by_row is None:
            self._by_row = dict(self.rows)
        return self._by_row.get(row, ())

    def is_percent(self, row: int, index: int) -> bool:
        return (row, index) in self.percent


class Workbook:
    """An opened upload: its sheet names, and each sheet read when first asked for."""

    def __init__(self, filename: str, names: list[str], hidden: set[str], load: Any) -> None:
        self.filename = filename
        self.sheet_names = names
        self._hidden = hidden
        self._load = load
        self._read: dict[str, Sheet] = {}

    def sheet(self, name: str | None = None) -> Sheet:
        """The named sheet, or the first. Raises InvalidInput (no such sheet), WorkbookRefused."""
        if not self.sheet_names:
            raise InvalidInput(f"{self.filename} has no sheets; save it again from Excel as .xlsx.")
        if name is not None and name not in self.sheet_names:
            raise InvalidInput(f"{self.filename} has no sheet '{name}'; its sheets are: "
                               f"{', '.join(self.sheet_names)}.")
        name = name if name is not None else self.sheet_names[0]
        if name not in self._read:
            sheet = self._load(name)
            sheet.hidden = name in self._hidden
            self._read[name] = sheet
        return self._read[name]

    def sheets(self) -> Iterator[Sheet]:
        for name in self.sheet_names:
            yield self.sheet(name)


def read_sheet(content: bytes, filename: str, sheet: str | None = None, *, limits: Limits = LIMITS) -> Sheet:
    return open_workbook(content, filename, limits=limits).sheet(sheet)


def open_workbook(content: bytes, filename: str, *, limits: Limits = LIMITS) -> Workbook:
    """Check the upload against the caps and open it. Raises WorkbookRefused (past a cap, or built
    as no spreadsheet program writes one) and InvalidInput (not a workbook or CSV at all)."""
    if len(content) > limits.upload_bytes:
        raise WorkbookRefused(f"{filename} is {size(len(content))}; the most we read is {size(limits.upload_bytes)}: "
                              "delete the sheets, pictures and unused rows you do not need, or split the file.")
    lowered = filename.lower()
    if lowered.endswith((".xlsx", ".xlsm")):
        return _Xlsx(content, filename, limits).workbook()
    if lowered.endswith((".csv", ".txt")):
        sheet = _csv_sheet(content, filename, limits)
        return Workbook(filename, [""], set(), lambda _name: sheet)
    raise InvalidInput(f"{filename} is not an Excel (.xlsx) or CSV file; save it as one of those and try again.")


# ---------------------------------------------------------------- CSV


def _csv_sheet(content: bytes, filename: str, limits: Limits) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    lines = text.count("\n") + 1
    if lines > limits.rows + 1:  # a last line may end the file
        raise WorkbookRefused(f"{filename} has {n(lines)} lines; the most we read is {n(limits.rows)}: delete the "
                              "rows you do not need, or split the file.")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, tuple[Any, ...]]] = []
    cells = 0
    try:
        for number, fields in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            if len(fields) > limits.columns:
                raise WorkbookRefused(f"{filename} has {n(len(fields))} columns on line {n(number)}; the most we "
                                      f"read is {n(limits.columns)}: delete the columns you do not need.")
            cells += len(fields)
            if cells > limits.cells:
                raise WorkbookRefused(f"{filename} has more than {n(limits.cells)} cells; the most we read is "
                                      f"{n(limits.cells)}: delete unused rows or columns, or split the file.")
            if any(len(f) > limits.cell_chars for f in fields):
                raise WorkbookRefused(f"Line {n(number)} of {filename} has a field longer than "
                                      f"{n(limits.cell_chars)} characters (Excel's limit for a cell): shorten it.")
            if any(fields):
                rows.append((number, tuple(f if f != "" else None for f in fields)))
    except csv.Error as err:
        raise InvalidInput(f"{filename} cannot be read as CSV ({err}); save it again as CSV (comma separated) "
                           "and try again.") from None
    return Sheet("", rows)


# ---------------------------------------------------------------- XLSX


@dataclass(frozen=True)
class _Style:
    date: bool
    percent: bool
    fill: str | None


class _Xlsx:
    def __init__(self, content: bytes, filename: str, limits: Limits) -> None:
        self.content, self.filename, self.limits = content, filename, limits
        self.shared: list[str] | None = None
        self.styles: list[_Style] = []
        self.epoch = datetime(1899, 12, 30)

    # ---- refusals in the user's words
    def _unreadable(self, why: str = "") -> InvalidInput:
        return InvalidInput(f"{self.filename} cannot be read as an Excel workbook{' (' + why + ')' if why else ''}; "
                            "save it as .xlsx and try again.")

    def _dtd(self, part: str) -> WorkbookRefused:
        return WorkbookRefused(f"{self.filename} declares XML entities (a <!DOCTYPE> in {part}), which Excel never "
                               "writes and which can be built to exhaust the server, so it was not read: open it in "
                               "Excel or LibreOffice and save it again as .xlsx.")

    # ---- the zip, from its directory
    def workbook(self) -> Workbook:
        if not self.content.startswith(b"PK\x03\x04"):
            raise self._unreadable("it is not a zip of XML parts, as .xlsx files are")
        self._check_directory_count()
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(self.content))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as err:
            raise self._unreadable(type(err).__name__) from None
        infos = self.zip.infolist()
        self.parts = {info.filename: info for info in infos}
        unpacked = sum(info.file_size for info in infos)
        if unpacked > self.limits.unpacked_bytes:
            raise WorkbookRefused(f"{self.filename} unpacks to {size(unpacked)}; the most we read is "
                                  f"{size(self.limits.unpacked_bytes)}: delete the sheets, pictures and unused rows "
                                  "you do not need, or split the file.")
        for info in infos:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > self.limits.ratio_floor_bytes and ratio > self.limits.ratio:
                raise WorkbookRefused(
                    f"{self.filename} has a part ({info.filename}) that unpacks to {n(ratio)} "
                    f"times its packed size; the most we read is a ratio of {n(self.limits.ratio)} (a workbook that "
                    "swells like that is built to exhaust the server, a 'zip bomb'): open it in Excel or "
                    "LibreOffice, delete unused rows and columns, and save it again as .xlsx.")
        book_part = self._office_document()
        root = self._small_xml(book_part)
        pr = next((el for el in root if el.tag.endswith("}workbookPr")), None)
        if pr is not None and pr.get("date1904") in ("1", "true"):
            self.epoch = datetime(1904, 1, 1)
        sheets_el = next((el for el in root if el.tag.endswith("}sheets")), None)
        entries = [el for el in (sheets_el if sheets_el is not None else []) if el.tag.endswith("}sheet")]
        if len(entries) > self.limits.sheets:
            raise WorkbookRefused(f"{self.filename} has {n(len(entries))} sheets; the most we read is "
                                  f"{n(self.limits.sheets)}: delete the sheets you do not need, or copy the sheet to "
                                  "import into a new workbook.")
        rels = self._relationships(book_part)
        targets: dict[str, str] = {}
        hidden: set[str] = set()
        for el in entries:
            name = el.get("name") or ""
            rid = next((el.get(f"{{{ns}}}id") for ns in _RELS if el.get(f"{{{ns}}}id")), None)
            target = rels.get(rid or "", ("", ""))[1]
            if target:
                targets[name] = target
            if el.get("state") in ("hidden", "veryHidden"):
                hidden.add(name)
        by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
        self.shared_part = by_type.get("sharedStrings")
        self._read_styles(by_type.get("styles"))
        names = [el.get("name") or "" for el in entries if (el.get("name") or "") in targets]
        return Workbook(self.filename, names, hidden, lambda name: self._sheet(name, targets[name]))

    def _check_directory_count(self) -> None:
        """The number of parts, from the end-of-directory record, before zipfile builds an entry
        for each (a small file can list hundreds of thousands)."""
        tail = self.content[-(65536 + 22):]
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            raise self._unreadable("its zip directory is missing")
        count = struct.unpack("<H", tail[at + 10:at + 12])[0]
        if count > self.limits.parts:
            raise WorkbookRefused(f"{self.filename} holds {n(count)} parts; a workbook holds a few dozen and the most "
                                  f"we read is {n(self.limits.parts)}: open it in Excel or LibreOffice and save it "
                                  "again as .xlsx.")

    def _office_document(self) -> str:
        if "_rels/.rels" in self.parts:
            for kind, target in self._relationships("").values():
                if kind.endswith("/officeDocument"):
                    return target
        if "xl/workbook.xml" in self.parts:
            return "xl/workbook.xml"
        raise self._unreadable("it has no workbook part")

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, part name) for `part` ("" for the package)."""
        folder, _, leaf = part.rpartition("/")
        rels_name = f"{folder + '/' if folder else ''}_rels/{leaf}.rels"
        if rels_name not in self.parts:
            return {}
        found = {}
        for el in self._small_xml(rels_name):
            target = el.get("Target") or ""
            if el.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                pieces = (folder.split("/") if folder else []) + target.split("/")
                stack: list[str] = []
                for piece in pieces:
                    if piece == "..":
                        if stack:
                            stack.pop()
                    elif piece not in ("", "."):
                        stack.append(piece)
                resolved = "/".join(stack)
            found[el.get("Id") or ""] = (el.get("Type") or "", resolved)
        return found

    def _bytes(self, part: str) -> bytes:
        try:
            return self.zip.read(part)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError) as err:
            raise self._unreadable(f"part {part}: {type(err).__name__}") from None

    def _small_xml(self, part: str) -> Any:
        info = self.parts.get(part)
        if info is None:
            raise self._unreadable(f"it has no {part}")
        if info.file_size > self.limits.small_part_bytes:
            raise WorkbookRefused(f"{self.filename}: its {part} unpacks to {size(info.file_size)}; the most we read "
                                  f"is {size(self.limits.small_part_bytes)}: open it in Excel or LibreOffice and save "
                                  "it again as .xlsx.")
        try:
            return safe_xml.fromstring(self._bytes(part), forbid_dtd=True)
        except DefusedXmlException:
            raise self._dtd(part) from None
        except safe_xml.ParseError as err:
            raise self._unreadable(f"{part}: {err}") from None

    def _guard(self, part: str) -> str:
        """Refuse a document type declaration in a large part's prolog, read with expat up to the
        root element (where any DTD must already have been). Returns the root's prefix ("x:" in
        <x:worksheet>, most often "")."""

        class _Root(Exception):
            pass

        class _Doctype(Exception):
            pass

        def doctype(*_args: Any) -> None:
            raise _Doctype

        root: list[str] = []

        def start(name: str, *_args: Any) -> None:
            root.append(name)
            raise _Root

        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        parser.StartElementHandler = start
        read = 0
        try:
            with self.zip.open(part) as stream:
                while chunk := stream.read(65536):
                    read += len(chunk)
                    parser.Parse(chunk, False)
                    if read > 1024 * 1024:
                        break
                parser.Parse(b"", True)
        except _Root:
            return root[0][:root[0].index(":") + 1] if ":" in root[0] else ""
        except _Doctype:
            raise self._dtd(part) from None
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as err:
            raise self._unreadable(f"{part}: {err}") from None
        raise self._unreadable(f"{part} has no data")

    def _stream(self, part: str, element: str, cap: int, refuse: Any) -> Iterator[Any]:
        """The part's end events, once its prolog is checked and its `element`s (cells, pieces of
        text) are counted in its bytes: past `cap`, refuse(count) is raised before any parsing."""
        if part not in self.parts:
            raise self._unreadable(f"it has no {part}")
        prefix = self._guard(part)
        count = self._count(part, f"<{prefix}{element}".encode())
        if count > cap:
            raise refuse(count)
        try:
            with self.zip.open(part) as stream:
                yield from iterparse(stream, events=("end",))
        except (SyntaxError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as err:
            raise self._unreadable(f"{part}: {err}") from None

    # ---- styles: which formats are dates or percents, which fills are solid colours
    def _read_styles(self, part: str | None) -> None:
        if not part or part not in self.parts:
            return
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        root = self._small_xml(part)

        def child(el: Any, local: str) -> Any:
            return next((c for c in el if c.tag.endswith("}" + local)), None)

        formats = dict(BUILTIN_FORMATS)
        num_fmts = child(root, "numFmts")
        for el in num_fmts if num_fmts is not None else []:
            try:
                formats[int(el.get("numFmtId") or -1)] = el.get("formatCode") or ""
            except ValueError:
                continue
        fills: list[str | None] = []
        fills_el = child(root, "fills")
        for el in fills_el if fills_el is not None else []:
            pattern = child(el, "patternFill")
            colour = child(pattern, "fgColor") if pattern is not None else None
            if pattern is None or pattern.get("patternType") in (None, "none"):
                fills.append(None)
            elif colour is None:
                fills.append("000000")  # solid with the automatic colour, as openpyxl reads it
            elif colour.get("rgb"):
                fills.append((colour.get("rgb") or "")[-6:].upper())
            elif colour.get("theme") is not None:
                fills.append(f"theme:{colour.get('theme')}")
            elif colour.get("indexed") is not None:
                fills.append(_indexed(colour.get("indexed")))
            else:
                fills.append(None)
        xfs = child(root, "cellXfs")
        entries = list(xfs) if xfs is not None else []
        if len(entries) > self.limits.styles:
            raise WorkbookRefused(f"{self.filename} has {n(len(entries))} cell formats; the most we read is "
                                  f"{n(self.limits.styles)}: open it in Excel or LibreOffice and save it again as "
                                  ".xlsx.")
        for el in entries:
            code = formats.get(_int(el.get("numFmtId")), "")
            fill_id = _int(el.get("fillId"))
            self.styles.append(_Style(date=bool(code) and is_date_format(code), percent="%" in code,
                                      fill=fills[fill_id] if 0 <= fill_id < len(fills) else None))

    # ---- shared text
    def _shared_strings(self) -> list[str]:
        if self.shared is not None:
            return self.shared
        self.shared = []
        part = self.shared_part
        if not part or part not in self.parts:
            return self.shared
        unpacked = self.parts[part].file_size
        if unpacked > self.limits.shared_text_bytes:
            raise WorkbookRefused(f"{self.filename}: its shared text ({part}) unpacks to {size(unpacked)}; the most "
                                  f"we read is {size(self.limits.shared_text_bytes)}: delete the text you do not need, "
                                  "or split the file.")
        strings = self.shared
        for _, el in self._stream(part, "si", self.limits.shared_strings, self._too_many_strings):
            if el.tag in _SI:
                text = _text_of(el)
                if len(text) > self.limits.cell_chars:
                    raise self._too_long()
                strings.append(text)
                el.clear()
                if len(strings) > self.limits.shared_strings:
                    raise self._too_many_strings(len(strings))
        return strings

    def _too_many_strings(self, count: int) -> WorkbookRefused:
        return WorkbookRefused(f"{self.filename} holds {n(count)} pieces of text; the most we read is "
                               f"{n(self.limits.shared_strings)}: delete the text you do not need, or split the file.")

    def _too_long(self) -> WorkbookRefused:
        return WorkbookRefused(f"{self.filename} has a cell of more than {n(self.limits.cell_chars)} characters "
                               "(Excel's own limit for a cell): shorten it.")

    # ---- a sheet, streamed
    def _sheet(self, name: str, part: str) -> Sheet:
        """Cells are counted as they stream (so a cap stops the read at once, even inside one
        enormous row) and read when their row ends; the row is then dropped from the tree."""
        limits = self.limits
        shared = self._shared_strings() if self.shared_part else []
        rows: list[tuple[int, tuple[Any, ...]]] = []
        percent: set[tuple[int, int]] = set()
        fills: dict[tuple[int, int], str] = {}
        cells = table = last_row = 0
        c_tag = row_tag = ""
        def refuse(count: int) -> WorkbookRefused:
            return WorkbookRefused(f"Sheet '{name}' of {self.filename} has {n(count)} cells; the most we read is "
                                   f"{n(limits.cells)}: delete unused rows or columns, or split the sheet.")

        for _, el in self._stream(part, "c", limits.cells, refuse):
            tag = el.tag
            if tag == c_tag:
                cells += 1
                if cells > limits.cells:
                    raise refuse(cells)
            elif tag == row_tag:
                last_row, width = self._row(name, el, last_row, shared, rows, percent, fills)
                el.clear()
                table += width
                if table > limits.table:
                    raise self._too_wide(name)
            elif not c_tag and tag in _C | _ROW | _V:
                ns = tag[:tag.index("}") + 1]
                c_tag, row_tag = ns + "c", ns + "row"
                self._v, self._is = ns + "v", ns + "is"
                if tag == c_tag:
                    cells += 1
        return Sheet(name, rows, percent, fills)

    def _row(self, name: str, el: Any, last_row: int, shared: list[str], rows: list[tuple[int, tuple[Any, ...]]],
             percent: set[tuple[int, int]], fills: dict[tuple[int, int], str]) -> tuple[int, int]:
        """Read one row element's cells into `rows`; (its row number, its width kept)."""
        ref = el.get("r")
        number = int(ref) if ref and ref.isdigit() else last_row + 1
        styles, limits, columns = self.styles, self.limits, _COLUMNS
        placed: list[tuple[int, Any, _Style | None]] = []
        at = 0
        for c in el:
            coordinate = c.get("r")
            if coordinate:
                found = _COORD.match(coordinate)
                if found is None:
                    raise self._unreadable(f"sheet '{name}' has a cell at '{coordinate[:20]}'")
                letters = found.group(1)
                at = columns.get(letters) or columns.setdefault(letters, _column(letters))
                number = int(found.group(2))  # a cell's own reference wins over its row's
            else:
                at += 1
            s = c.get("s")
            style = styles[int(s)] if s and s.isdigit() and int(s) < len(styles) else None
            kind = c.get("t")
            value: Any = None
            if kind == "inlineStr":
                inline = c.find(self._is)
                value = _text_of(inline) if inline is not None else None
                if value is not None and len(value) > limits.cell_chars:
                    raise self._too_long()
            else:
                text = c.findtext(self._v)
                if text:
                    value = self._value(name, coordinate, kind, text, style, shared)
            if value is not None or (style is not None and style.fill is not None):
                placed.append((at, value, style))
        if not placed:
            return number, 0
        width = max(column for column, _, _ in placed)
        if number > limits.rows or width > limits.columns:
            raise WorkbookRefused(
                f"Sheet '{name}' of {self.filename} has a cell at {column_letters(width)}{number} (row {n(number)}, "
                f"column {n(width)}); the most we read is {plural(limits.rows, 'row')} and "
                f"{plural(limits.columns, 'column')}: delete the unused rows below your table and the columns "
                "to its right, and save again.")
        values: list[Any] = [None] * width
        for column, value, style in placed:
            values[column - 1] = value
            if style is not None:
                if style.percent and isinstance(value, int | float) and not isinstance(value, bool):
                    percent.add((number, column - 1))
                if style.fill is not None:
                    fills[(number, column - 1)] = style.fill
        rows.append((number, tuple(values)))
        return number, width

    def _value(self, name: str, coordinate: str | None, kind: str | None, text: str, style: _Style | None,
               shared: list[str]) -> Any:
        try:
            if kind is None or kind == "n":
                number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
                return _from_excel(number, self.epoch) if style is not None and style.date else number
            if kind == "s":
                return shared[int(text)]
            if kind == "b":
                return text.strip() in ("1", "true")
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return from_ISO8601(text)
        except (ValueError, IndexError, OverflowError):
            raise self._unreadable(f"sheet '{name}' cell {coordinate or '?'} holds '{text[:20]}'") from None
        if len(text) > self.limits.cell_chars:  # str (a formula's text), e (an error such as #N/A)
            raise self._too_long()
        return text

    def _too_wide(self, name: str) -> WorkbookRefused:
        return WorkbookRefused(f"Sheet '{name}' of {self.filename} spreads its cells over more than "
                               f"{n(self.limits.table)} places (rows times columns, with the blanks between); delete "
                               "unused rows and columns, or split the sheet.")

    def _count(self, part: str, tag: bytes) -> int:
        """How many `tag` elements the part writes, counted in its bytes as it unpacks (C-speed,
        bounded by the unpacked-size cap already checked). The streaming parse counts again, so a
        form this misses is still stopped at the cap."""
        total, carry = 0, b""
        forms = (tag + b" ", tag + b">")  # as every writer writes them; rarer forms the parse counts
        try:
            with self.zip.open(part) as stream:
                while chunk := stream.read(1 << 20):
                    data = carry + chunk
                    cut = max(0, len(data) - len(tag))
                    total += sum(data.count(form, 0, cut + len(form) - 1) for form in forms)
                    carry = data[cut:]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as err:
            raise self._unreadable(f"{part}: {err}") from None
        return total


def _text_of(el: Any) -> str:
    """A shared or inline string: its text, or its runs' text, without phonetic runs."""
    parts = []
    for child in el:
        if child.tag in _T:
            parts.append(child.text or "")
        elif child.tag in _R:
            parts.extend(t.text or "" for t in child if t.tag in _T)
    return "".join(parts)


_COLUMNS: dict[str, int] = {}


def _from_excel(number: float, epoch: datetime) -> Any:
    from openpyxl.utils.datetime import from_excel

    return from_excel(number, epoch)


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def _indexed(index: str | None) -> str | None:
    from openpyxl.styles.colors import COLOR_INDEX

    number = _int(index)
    return COLOR_INDEX[number][-6:].upper() if 0 <= number < len(COLOR_INDEX) else None
