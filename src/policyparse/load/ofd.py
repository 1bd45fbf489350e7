"""OFD notices (GB/T 33190), the fixed-layout format of Chinese electronic official documents.

An OFD file is a zip of XML: OFD.xml → DocBody/DocRoot names Document.xml, whose Pages list each
page's Content.xml; text is drawn by TextObject elements (Boundary "x y w h", Size) holding
TextCode runs (X, Y of the first glyph, DeltaX advances, "g N d" meaning N advances of d). Glyph
positions are rebuilt from those and handed to `layout`, so an OFD notice extracts like a PDF.
Page templates (running headers drawn once for every page) are not read. Members are size-capped
against zip bombs.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import zipfile
from typing import Any
from xml.etree import ElementTree

from ..errors import InputError
from . import Loaded, check_page_count
from .layout import Page, assemble, group_lines

MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: Any, name: str) -> Any:
    return next((e for e in element.iter() if _local(e.tag) == name), None)


def _findall(element: Any, name: str) -> list[Any]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _numbers(text: str | None) -> list[float]:
    out: list[float] = []
    for token in (text or "").split():
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def _number(text: str | None, default: float) -> float:
    """One numeric attribute; a damaged value falls back to the default instead of raising."""
    found = _numbers(text)
    return found[0] if found else default


def _deltas(text: str | None, limit: int) -> list[float]:
    """DeltaX/DeltaY: numbers, where "g N d" stands for N copies of d (at most `limit` in all:
    a forged "g 1e12 1" would otherwise allocate without bound)."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError, OverflowError):
                out += [float(tokens[i + 2])] * min(int(float(tokens[i + 1])), limit - len(out))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


class _Package:
    """The zip container with guarded reads and OFD path resolution."""

    def __init__(self, data: bytes, shown: str) -> None:
        self.shown = shown
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except Exception as exc:  # BadZipFile, but also ValueError/EOFError/OSError for damaged directories
            raise InputError(shown, "corrupt OFD file (not a valid zip container)",
                             "export the document again from the OFD reader") from exc
        total = 0
        for info in self.zip.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or (
                    info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise InputError(shown, f"OFD member {info.filename} is too large or too compressed",
                                 "this does not look like an ordinary OFD document")
        self.names = {n.lstrip("/"): n for n in self.zip.namelist()}

    def xml(self, path: str) -> Any:
        name = self.names.get(posixpath.normpath(path).lstrip("/"))
        if name is None:
            raise InputError(self.shown, f"corrupt OFD file (missing {path})", "export it again from the OFD reader")
        try:
            raw = self.zip.read(name)
        except Exception as exc:  # a damaged zip raises BadZipFile, zlib.error, EOFError, ValueError, …
            raise InputError(self.shown, f"corrupt OFD file ({path}: {exc})",
                             "export it again from the OFD reader") from exc
        try:
            return ElementTree.fromstring(raw)
        except ElementTree.ParseError as exc:
            raise InputError(self.shown, f"corrupt OFD file ({path}: {exc})",
                             "export it again from the OFD reader") from exc


def _resolve(base_dir: str, location: str) -> str:
    """OFD locations are absolute in the package ("/Doc_0/…") or relative to the referring file."""
    return location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)


def _page(package: _Package, path: str, height: float) -> Page:
    root = package.xml(path)
    glyphs: list[tuple[float, float, float, float, str]] = []
    for text_object in _findall(root, "TextObject"):
        box = _numbers(text_object.get("Boundary")) + [0.0] * 4
        size = _number(text_object.get("Size"), 3.5)
        ctm = _numbers(text_object.get("CTM"))
        scale = abs(ctm[0]) if len(ctm) == 6 and ctm[0] else 1.0
        for code in _findall(text_object, "TextCode"):
            chars = code.text or ""
            x = box[0] + _number(code.get("X"), 0.0) * scale
            baseline = box[1] + _number(code.get("Y"), 0.0) * scale
            deltas = _deltas(code.get("DeltaX"), len(chars))
            glyph = size * scale
            for i, char in enumerate(chars):
                if char.strip():
                    glyphs.append((baseline - glyph * 0.88, baseline + glyph * 0.12, x, x + glyph, char))
                x += (deltas[i] if i < len(deltas) else (deltas[-1] if deltas else size)) * scale
    page = Page(height=height)
    page.entries += group_lines(glyphs)
    return page


def load_ofd(data: bytes, shown: str, digest: str) -> Loaded:
    """An OFD file → contract text (pages split by \\f)."""
    package = _Package(data, shown)
    ofd = package.xml("OFD.xml")
    doc_root = _find(ofd, "DocRoot")
    if doc_root is None or not (doc_root.text or "").strip():
        raise InputError(shown, "corrupt OFD file (OFD.xml names no DocRoot)", "export it again from the OFD reader")
    document_path = _resolve("", doc_root.text.strip())
    document = package.xml(document_path)
    base = posixpath.dirname(document_path)
    physical = _numbers(_find(document, "PhysicalBox").text if _find(document, "PhysicalBox") is not None else "")
    height = physical[3] if len(physical) == 4 else 297.0
    listed = [p for p in _findall(document, "Page") if p.get("BaseLoc")]
    check_page_count(shown, len(listed))
    pages = [_page(package, _resolve(base, p.get("BaseLoc") or ""), height) for p in listed]
    if not any(page.entries for page in pages):
        raise InputError(shown, "no text in the OFD pages (scanned images?)", "run OCR first")
    text = assemble(pages)
    return Loaded(path=shown, format="ofd", sha256=digest, encoding=None, text=text.rstrip() + "\n")
