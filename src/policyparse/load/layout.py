"""Fixed-layout pages (PDF, OFD) → text: paragraphs re-joined, running headers and page numbers dropped.

Fixed-layout formats know only where glyphs are drawn. Both loaders turn each page into text lines
(with their position and glyph size) and tables (rows of cells), and this module turns those into
the loader contract: one paragraph per line, one table row per line with tab-separated cells,
pages separated by form feeds. The rules are geometric and language-independent:

- a line is a running header/footer when it sits at the top or bottom of the page and is a page
  number ("— 3 —", "第3页 共9页", "3/9") or repeats (digits aside) on most pages;
- a line continues the paragraph above when the line above reaches the right margin and this one
  starts at the left margin without the first-line indent of a new paragraph (also over a page
  break, so a paragraph cut by the page stays whole, on the page where it starts);
- a line with wide gaps between its runs of text is a row of an unruled table: the gaps are kept
  as runs of spaces at proportional columns, which the task-table reader aligns into cells;
- a table that ends one page and starts the next is one table: a repeated header row is dropped
  and a first row whose first cell is empty continues the last row of the previous page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－﹣_\s]*\d{1,4}[-—–－﹣_\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
    r"(?:page|Page|PAGE)\s*\d+(?:\s*(?:of|/)\s*\d+)?|共\s*\d+\s*页\s*第\s*\d+\s*页)$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
                      r"\d{1,3}[.．、](?!\d)|[①-⑳]|第[一二三四五六七八九十]+[章部条])")
_BAND = 0.1  # top/bottom share of the page where running headers and footers sit


@dataclass
class TextLine:
    """One printed line: its runs of text (x0, x1, text) left to right, position and glyph size."""

    top: float
    bottom: float
    size: float
    runs: list[tuple[float, float, str]]

    @property
    def x0(self) -> float:
        return self.runs[0][0]

    @property
    def x1(self) -> float:
        return self.runs[-1][1]

    @property
    def text(self) -> str:
        return "".join(run[2] for run in self.runs)


@dataclass
class TableBlock:
    """A ruled table found on a page: rows of cell texts (merged cells already repeated)."""

    top: float
    rows: list[list[str]]


@dataclass
class Page:
    height: float
    entries: list[TextLine | TableBlock] = field(default_factory=list)


def runs_from_glyphs(glyphs: list[tuple[float, float, str]], size: float, gap: float = 0.8) -> list[
        tuple[float, float, str]]:
    """Glyphs (x0, x1, char) of one line → runs split where the gap exceeds `gap` glyph sizes."""
    runs: list[tuple[float, float, str]] = []
    for x0, x1, char in sorted(glyphs):
        if runs and x0 - runs[-1][1] <= gap * size:
            start, _, text = runs[-1]
            space = " " if x0 - runs[-1][1] > 0.25 * size and text[-1:].isascii() and char.isascii() else ""
            runs[-1] = (start, max(x1, runs[-1][1]), text + space + char)
        else:
            runs.append((x0, x1, char))
    return [(a, b, t.strip()) for a, b, t in runs if t.strip()]


def group_lines(glyphs: list[tuple[float, float, float, float, str]]) -> list[TextLine]:
    """Glyphs (top, bottom, x0, x1, char) → lines, by overlapping vertical extent."""
    lines: list[tuple[float, float, list[tuple[float, float, str]], list[float]]] = []
    for top, bottom, x0, x1, char in sorted(glyphs, key=lambda g: (round(g[0], 1), g[2])):
        height = max(bottom - top, 0.1)
        for i, (line_top, line_bottom, members, sizes) in enumerate(lines):
            overlap = min(bottom, line_bottom) - max(top, line_top)
            if overlap > 0.5 * min(height, line_bottom - line_top):
                members.append((x0, x1, char))
                sizes.append(height)
                lines[i] = (min(top, line_top), max(bottom, line_bottom), members, sizes)
                break
        else:
            lines.append((top, bottom, [(x0, x1, char)], [height]))
    result = []
    for top, bottom, members, sizes in sorted(lines, key=lambda item: item[0]):
        size = median(sizes)
        runs = runs_from_glyphs(members, size)
        if runs:
            result.append(TextLine(top=top, bottom=bottom, size=size, runs=runs))
    return result


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_running_lines(pages: list[Page]) -> None:
    """Remove page numbers and headers/footers repeated in the top or bottom band of the pages."""
    def band_lines(page: Page) -> list[TextLine]:
        lines = [e for e in page.entries if isinstance(e, TextLine)]
        return [ln for ln in lines if ln.top < _BAND * page.height or ln.bottom > (1 - _BAND) * page.height]

    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_key(ln.text) for ln in band_lines(page)})
    repeated = max(2, (len(pages) + 1) // 2)
    for page in pages:
        drop = {id(ln) for ln in band_lines(page)
                if _PAGE_NUMBER.match(ln.text.strip()) or (len(pages) > 1 and counts[_key(ln.text)] >= repeated)}
        page.entries = [e for e in page.entries if id(e) not in drop]


def _render(line: TextLine, left: float) -> str:
    """A line's text; runs after a wide gap are placed at proportional columns (2 columns a glyph)."""
    if len(line.runs) == 1 and line.x0 <= left + 2.5 * line.size:  # a paragraph line (maybe indented)
        return line.runs[0][2]
    unit = line.size / 2
    out = ""
    for x0, _, text in line.runs:
        column = max(0, round((x0 - left) / unit))
        width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in out)
        out += " " * max(column - width, 2 if out else column) + text
    return out


def _continues(previous: TextLine, line: TextLine, left: float, right: float) -> bool:
    """Does `line` carry on the paragraph of `previous` (a full line above, no indent here)?"""
    size = max(previous.size, line.size)
    if len(previous.runs) != 1 or len(line.runs) != 1:
        return False
    full = previous.x1 >= right - 1.2 * size and previous.x0 <= left + 2.5 * size
    if full and line.x0 <= left + 0.8 * size and not _ORDINAL.match(line.text):
        return True
    wide = full or (_centred(previous, left, right) and previous.x1 - previous.x0 >= 0.6 * (right - left))
    return (wide and _centred(line, left, right) and line.x0 > left + 2.5 * size
            and previous.text[-1:] not in "。；：:，,、")


def _centred(line: TextLine, left: float, right: float) -> bool:
    """A title line: off the left margin, its middle on the middle of the text block."""
    return line.x0 > left + 0.5 * line.size and abs((line.x0 + line.x1) - (left + right)) / 2 <= 1.5 * line.size


def _merge_rows(header: list[str], previous: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """Rows of a table continued from the previous page: drop its repeated header, join a split row."""
    if rows and [c.strip() for c in rows[0]] == [c.strip() for c in header]:
        rows = rows[1:]
    if rows and previous and len(rows[0]) == len(previous[-1]) and not rows[0][0].strip():
        last = previous[-1]
        for i, cell in enumerate(rows[0]):
            if cell.strip() and cell.strip() != last[i].strip():
                last[i] = last[i] + cell.strip()
        rows = rows[1:]
    return rows


def _bounds(pages: list[Page]) -> tuple[float, float]:
    """The text block's left margin (most common line start) and right margin (widest line end)."""
    lines = [e for p in pages for e in p.entries if isinstance(e, TextLine)]
    if not lines:
        return 0.0, 0.0
    long = [ln for ln in lines if len(ln.runs) == 1 and len(ln.text) >= 8] or lines
    left = Counter(round(ln.x0) for ln in long).most_common(1)[0][0] - 1
    return left, max(ln.x1 for ln in long)


@dataclass
class _Para:
    text: str


def assemble(pages: list[Page]) -> str:
    """Pages → contract text: paragraphs one a line, table rows tab-separated, pages split by \\f."""
    drop_running_lines(pages)
    left, right = _bounds(pages)
    out: list[list[_Para | list[list[str]]]] = []  # per page: paragraphs and tables (rows of cells)
    last_line: TextLine | None = None
    table: tuple[list[str], list[list[str]]] | None = None  # (header row, rows written last)
    for page in pages:
        items: list[_Para | list[list[str]]] = []
        out.append(items)
        for position, entry in enumerate(page.entries):
            if isinstance(entry, TableBlock):
                rows = [list(r) for r in entry.rows if any(c.strip() for c in r)]
                if not rows:
                    continue
                if position == 0 and table is not None and len(rows[0]) == len(table[0]):
                    rows = _merge_rows(table[0], table[1], rows)
                    table = (table[0], rows or table[1])
                else:
                    table = (rows[0], rows)
                if rows:
                    items.append(rows)
                last_line = None
                continue
            if last_line is not None and _continues(last_line, entry, left, right):
                target = items if items else next(t for t in reversed(out[:-1]) if t)
                paragraph = target[-1]
                if isinstance(paragraph, _Para):
                    paragraph.text += entry.text
            else:
                items.append(_Para(_render(entry, left)))
            last_line = entry
            table = None
    pages_text = []
    for items in out:
        lines: list[str] = []
        for item in items:
            if isinstance(item, _Para):
                lines.append(item.text)
            else:
                lines += ["\t".join(_cell(c) for c in row) for row in item]
        pages_text.append("\n".join(lines))
    return "\f".join(pages_text)


def _cell(text: str) -> str:
    """A cell on one line: a wrapped line joins without a space unless it splits two Latin words."""
    text = re.sub(r"(?<=[A-Za-z0-9])\s*\n\s*(?=[A-Za-z0-9])", " ", text or "")
    return re.sub(r"\s*\n\s*", "", text).replace("\t", " ").strip()
