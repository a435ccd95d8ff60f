"""Print a workbook as a committee clerk would (LibreOffice headless, to PDF) and read what came out:
every word's box on every page (poppler's `pdftotext -bbox`). openpyxl read-backs cannot see a
row printed one line high with its other lines over the rows below; the PDF can.

Used by the print tests; also a command: `python -m tests.printing FILE.xlsx` prints the findings."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Word, slack: float = 0.6, share: float = 0.3) -> bool:
        """Whether the two words print over each other: their boxes meet by more than `slack` points
        across and by more than `share` of the shorter one's height. (The boxes of a cell's
        consecutive lines meet by a tenth of their height: the font's box is taller than its line.)"""
        tall = min(self.y1 - self.y0, other.y1 - other.y0)
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > slack
                and min(self.y1, other.y1) - max(self.y0, other.y0) > max(slack, share * tall))


@dataclass
class Printed:
    pdf: Path
    pages: list[list[Word]]
    texts: list[str]  # each page's text in reading order (pdftotext -raw)

    def overprinted(self) -> list[tuple[Word, Word]]:
        """Every pair of words printed over each other, page by page."""
        found = []
        for words in self.pages:
            ordered = sorted(words, key=lambda w: w.y0)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    if b.y0 >= a.y1:
                        break
                    if a.overlaps(b):
                        found.append((a, b))
        return found

    def page_of(self, words: str) -> list[int]:
        """The pages (1-based) whose text holds `words` whole (spaces and line breaks alike)."""
        wanted = " ".join(words.split())
        return [n for n, text in enumerate(self.texts, start=1) if wanted in " ".join(text.split())]

    @property
    def text(self) -> str:
        return " ".join(" ".join(t.split()) for t in self.texts)


def available() -> str | None:
    """Why printing cannot be checked here, or None."""
    if not SOFFICE:
        return "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc"
    if not PDFTOTEXT:
        return "poppler's pdftotext is not installed: apt-get install poppler-utils"
    return None


def to_pdf(content: bytes, folder: Path, name: str = "book.xlsx") -> Path:
    """The workbook printed to PDF by LibreOffice, with a profile of its own (parallel runs)."""
    assert SOFFICE, available()
    source = folder / name
    source.write_bytes(content)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=folder))
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=240,
                   env={**os.environ, "HOME": str(profile)})
    shutil.rmtree(profile, ignore_errors=True)
    return source.with_suffix(".pdf")


_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.S)


def read_pdf(pdf: Path) -> Printed:
    assert PDFTOTEXT, available()
    boxes = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = [[Word(n, float(a), float(b), float(c), float(d), html.unescape(t))
              for a, b, c, d, t in _WORD.findall(body)] for n, body in enumerate(_PAGE.findall(boxes), start=1)]
    raw = subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    texts = raw.split("\f")[: len(pages)]
    return Printed(pdf=pdf, pages=pages, texts=texts)


def print_workbook(content: bytes, folder: Path, name: str = "book.xlsx") -> Printed:
    return read_pdf(to_pdf(content, folder, name))


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    with tempfile.TemporaryDirectory() as folder:
        printed = print_workbook(path.read_bytes(), Path(folder), path.name)
        over = printed.overprinted()
        print(f"{path}: {len(printed.pages)} pages, {sum(len(p) for p in printed.pages)} words, "
              f"{len(over)} pairs of words printed over each other")
        for a, b in over[:20]:
            print(f"  page {a.page}: {a.text!r} over {b.text!r} at ({a.x0:.0f}, {a.y0:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
