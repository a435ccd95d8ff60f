"""A workbook printed to PDF by LibreOffice (headless), for the agenda packs committees publish.

Why LibreOffice and not a PDF library: the PDF is then the workbook as any spreadsheet program
prints it (the same page setup, repeated header rows, header and footer with the marking, page
breaks), so one layout is written and checked, not two that drift apart. LibreOffice is well kept,
in Debian (`libreoffice-calc`), and runs here with no display. Each conversion gets a profile of its
own, so two users' exports never share (or lock) one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from plan.errors import InvalidInput

PDF_MIME = "application/pdf"
TIMEOUT = 1800  # seconds: a 10,000-action paper is 1,226 pages, 7 minutes on a busy 2-core machine


def soffice() -> str | None:
    return os.environ.get("PLAN_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def to_pdf(workbook: bytes) -> bytes:
    """The workbook as LibreOffice prints it. Raises InvalidInput (in words) when LibreOffice is not
    installed or the conversion fails."""
    program = soffice()
    if program is None:
        raise InvalidInput("A PDF needs LibreOffice on the server (Debian: apt-get install libreoffice-calc); "
                           "the Excel paper prints the same pages.")
    with tempfile.TemporaryDirectory(prefix="plan-pdf-") as folder:
        work = Path(folder)
        os.chmod(work, 0o700)  # marked material: readable by this process only
        source = work / "paper.xlsx"
        source.write_bytes(workbook)
        profile = work / "profile"
        try:
            subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", str(work), str(source)],
                           check=True, capture_output=True, timeout=TIMEOUT,
                           env={**os.environ, "HOME": str(work)})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as err:
            raise InvalidInput(f"LibreOffice could not print the paper to PDF ({type(err).__name__}); "
                               "the Excel paper is unaffected.") from err
        result = source.with_suffix(".pdf")
        if not result.exists():
            raise InvalidInput("LibreOffice wrote no PDF; the Excel paper is unaffected.")
        return result.read_bytes()
