"""PDF notices (pdfplumber): text in reading order, ruled tables as tab rows, pages split by \\f.

Each page gives its ruled tables (pdfplumber's line-based table finder) and the text lines outside
them; `layout.assemble` then drops running headers and page numbers, re-joins lines the page
width broke (also across page breaks) and joins tables continued on the next page. A PDF without
any text layer is a scan: that is an error that says so, never an empty success.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from . import Loaded, check_page_count
from .layout import Page, TableBlock, assemble, group_lines


def _fill_merged(table: Any, rows: list[list[str | None]]) -> list[list[str]]:
    """Cells covered by a merged cell (None) take the merged cell's text, as the contract wants."""
    texts: dict[tuple[float, ...], str] = {}
    for r, row in enumerate(table.rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and c < len(rows[r]):
                texts[tuple(bbox)] = rows[r][c] or ""
    columns = [col.bbox for col in table.columns]
    filled: list[list[str]] = []
    for r, row in enumerate(rows):
        out: list[str] = []
        for c, value in enumerate(row):
            if value is None and c < len(columns):
                x = (columns[c][0] + columns[c][2]) / 2
                y = (table.rows[r].bbox[1] + table.rows[r].bbox[3]) / 2
                value = next((text for box, text in texts.items()
                              if box[0] <= x <= box[2] and box[1] <= y <= box[3]), "")
            out.append(value or "")
        filled.append(out)
    return filled


def _page(page: Any) -> Page:
    found = page.find_tables()
    result = Page(height=float(page.height))
    rest = page
    for table in found:
        rows = table.extract()
        result.entries.append(TableBlock(top=float(table.bbox[1]), rows=_fill_merged(table, rows)))
        rest = rest.outside_bbox(table.bbox)
    glyphs = [(float(ch["top"]), float(ch["bottom"]), float(ch["x0"]), float(ch["x1"]), ch["text"])
              for ch in rest.chars if ch["text"].strip() and ch.get("upright", True)]
    result.entries += group_lines(glyphs)
    result.entries.sort(key=lambda e: e.top)
    return result


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs each oddity of a damaged file to stderr; our one-line InputError says it instead."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def load_pdf(data: bytes, shown: str, digest: str) -> Loaded:
    """A PDF file → contract text; encrypted, damaged or scanned files are InputErrors."""
    import pdfplumber

    try:
        with _quiet_pdfminer(), pdfplumber.open(io.BytesIO(data)) as pdf:
            check_page_count(shown, len(pdf.pages))
            pages = []
            for p in pdf.pages:
                pages.append(_page(p))
                p.close()  # drop the page's parsed objects: memory stays flat over thousands of pages
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        causes = [exc, *exc.args, exc.__cause__, exc.__context__]
        name = exc.__class__.__name__
        if b"/Encrypt" in data or any("Password" in type(c).__name__ for c in causes if c is not None):
            raise InputError(shown, "the PDF is encrypted (password-protected)",
                             "remove the password (print to a new PDF) and try again") from exc
        raise InputError(shown, f"cannot read the PDF, it looks damaged ({name})",
                         "open it in a PDF reader and save a new copy") from exc
    if not pages:
        raise InputError(shown, "the PDF has no pages")
    if not any(page.entries for page in pages):
        raise InputError(shown, "no text layer (scanned PDF?)", "run OCR first, e.g. ocrmypdf, then try again")
    text = assemble(pages)
    return Loaded(path=shown, format="pdf", sha256=digest, encoding=None, text=text.rstrip() + "\n")
