"""Stage 1, load: bytes on disk → text, with what we know of the source.

Dispatches on the file's content and extension. Each format has its own module; text comes out
with one paragraph per line, task tables as tab-separated rows (one line per row) and pages
separated by form feeds, so that every later stage works on plain text.
"""

from __future__ import annotations

import hashlib
import os
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


def sniff_format(path: Path, head: bytes) -> str:
    """Decide the format from magic bytes first, the extension second."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".ofd":
            return "ofd"
        if suffix in {".docx", ".docm", ".dotx"}:
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "txt"
    if suffix in {".docx", ".pdf", ".ofd"}:
        return suffix[1:]
    return "unknown"


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
    if not data.strip():
        raise InputError(shown, "file is empty")
    return load_bytes(data, path, shown)


def load_bytes(data: bytes, path: Path, shown: str) -> Loaded:
    """Decode bytes already read (also used for archive members)."""
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_format(path, data[:8])
    if kind == "ole" and "EncryptionInfo".encode("utf-16-le") in data:  # a password-protected .docx is OLE too
        raise InputError(shown, "encrypted (password-protected) Office file",
                         "remove the password in Word or WPS and save it as .docx")
    if kind == "ole":
        label = OLD_BINARY_SUFFIXES.get(path.suffix.lower(), "an old binary Office")
        raise InputError(shown, f"{label} file (OLE format) is not supported", "convert it to .docx first")
    if kind in OLD_BINARY_SUFFIXES or path.suffix.lower() in OLD_BINARY_SUFFIXES:
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
