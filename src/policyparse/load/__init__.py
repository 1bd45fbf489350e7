"""Stage 1, load: bytes on disk → text, with what we know of the source.

Dispatches on the file's content and extension. Each format has its own module; text comes out
with one paragraph per line, task tables as tab-separated rows (one line per row) and pages
separated by form feeds, so that every later stage works on plain text.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

MAX_INPUT_BYTES = 200 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".mht"}
MAX_PAGES = 5000  # a notice has tens of pages; POLICYPARSE_MAX_PAGES raises the cap for a whole gazette
OLD_BINARY_SUFFIXES = {".doc": "Word 97-2003", ".wps": "WPS", ".et": "WPS spreadsheet", ".xls": "Excel 97-2003"}


@dataclass
class Loaded:
    """What the load stage hands on: decoded text plus facts about the source."""

    path: str
    format: str
    sha256: str
    encoding: str | None
    text: str
    repairs: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def max_pages() -> int:
    """The page cap for PDF and OFD input: bounded time for a file of unknown origin."""
    try:
        return max(1, int(os.environ.get("POLICYPARSE_MAX_PAGES", MAX_PAGES)))
    except ValueError:
        return MAX_PAGES


def check_page_count(shown: str, count: int) -> None:
    """One clear error, before any page is read, when a file has more pages than the cap."""
    limit = max_pages()
    if count > limit:
        raise InputError(shown, f"too many pages ({count}, limit {limit})",
                         f"set POLICYPARSE_MAX_PAGES={count} to read it anyway")


def sniff_format(path: Path, head: bytes, data: bytes | None = None) -> str:
    """Decide the format from the content first (magic bytes; a zip's members; a page's opening
    markup), the extension second: portals serve .docx as .doc and pages without .html."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".ofd":
            return "ofd"
        if suffix in {".docx", ".docm", ".dotx"}:
            return "docx"
        return _zip_kind(data) if data is not None else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if suffix in HTML_SUFFIXES or (data is not None and _MARKUP.match(data[:1024])):
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "txt"
    if suffix in {".docx", ".pdf", ".ofd"}:
        return suffix[1:]
    return "unknown"


_MARKUP = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html|<head|<meta|<\?xml[^>]*>\s*<html|"
                     rb"mime-version:)", re.I)


def _zip_kind(data: bytes) -> str:
    """A zip whatever its name: a Word document (word/document.xml), an OFD (OFD.xml), an
    OpenDocument (odt), or an archive."""
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if "content.xml" in names and "mimetype" in names:
        return "odf"
    return "zip"


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory, not a file", "use `policyparse batch` for folders")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(path, f"file is too large ({size} bytes, limit {MAX_INPUT_BYTES})")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from exc


def load(path: Path | str, display_path: str | None = None) -> Loaded:
    """Read one input file into text; raise InputError with a one-line reason when impossible."""
    path = Path(path)
    shown = display_path or str(path)
    data = read_bytes(path)
    if not data.strip().lstrip(b"\xef\xbb\xbf\xff\xfe").strip(b" \t\r\n\x00"):  # a BOM alone is empty too
        raise InputError(shown, "file is empty")
    return load_bytes(data, path, shown)


def load_bytes(data: bytes, path: Path, shown: str) -> Loaded:
    """Decode bytes already read (also used for archive members)."""
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_format(path, data[:8], data)
    if kind == "ole" and "EncryptionInfo".encode("utf-16-le") in data:  # a password-protected .docx is OLE too
        raise InputError(shown, "encrypted (password-protected) Office file",
                         "remove the password in Word or WPS and save it as .docx")
    if kind == "ole":
        label = OLD_BINARY_SUFFIXES.get(path.suffix.lower(), "an old binary Office")
        raise InputError(shown, f"{label} file (OLE format) is not supported", "convert it to .docx first")
    if kind == "gzip":
        raise InputError(shown, "is gzip-compressed", "decompress it first (gunzip), then read the file inside")
    if kind == "odf":
        raise InputError(shown, "an OpenDocument file (.odt) is not supported", "save it as .docx")
    if kind in ("unknown", "txt") and path.suffix.lower() in OLD_BINARY_SUFFIXES:
        raise InputError(shown, f"{path.suffix} files are not supported", "convert it to .docx first")
    if kind == "txt":
        from .text import load_text

        return load_text(data, shown, digest)
    if kind == "html":
        from .html import load_html

        return load_html(data, shown, digest)
    if kind == "docx":
        from .docx import load_docx

        return load_docx(data, shown, digest)
    if kind == "pdf":
        from .pdf import load_pdf

        return load_pdf(data, shown, digest)
    if kind == "ofd":
        from .ofd import load_ofd

        return load_ofd(data, shown, digest)
    if kind == "zip":
        raise InputError(shown, "is a zip archive", "use `policyparse batch` for archives")
    raise InputError(shown, f"unknown file type {path.suffix or '(no extension)'!r}",
                     "expected .txt, .html, .docx, .pdf or .ofd")
