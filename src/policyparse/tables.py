"""Task tables (重点任务分工表): one task per row.

Loaders render tables as one line per row with cells separated by tabs; .txt files copied out of
PDFs carry the same tables aligned with runs of spaces. A task table is recognised by its header
row: column names map to roles (number, task, lead, responsible, deadline; period columns of a
台账's schedule, a category column) through the `column` rules of `grammars/tables.yaml`, so any
reasonable names and orders work; unit columns may repeat, all are read. Below the header,
repeated headers (one per printed page) are dropped, rows whose 序号 is empty continue the row
above (a cell wrapped over lines or a row broken by a page), and group rows that span the table
("一、深化简政放权") become the section of the rows under them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from . import deadlines
from .grammar import Example, Grammar, GrammarSet, Rule
from .structure import Heading, attachment_label, heading_title, match_heading

if TYPE_CHECKING:
    from .extract import RawTask
    from .structure import DocumentPart, Line, Structure

ROLES = ("number", "task", "lead", "responsible", "deadline", "period", "category")
_FIELD_ROLES = ("lead", "responsible", "deadline", "period")
_UNIT_COLUMNS = ("lead", "responsible")  # may repeat in a header; a unit cell holds one name a line
_REPEATED = (*_UNIT_COLUMNS, "period")  # roles several columns may have (一季度 | 二季度 | …)
_NUMBER_TRIM = " \t.．、。:：（）()"


@dataclass(frozen=True)
class _Column:
    role: str
    ref: str
    pattern: re.Pattern[str]
    weak: bool = False  # 时间, 项目名称: names that open no task table without a unit column


@dataclass
class _Row:
    """One printed row: its cells and the text lines it was read from."""

    lines: list[int]
    cells: list[str]
    # a measure row under a 重点任务 row whose own measure cell is empty (1 | 提升… | | 牵头 ⏎ 1.1 | | 推行…):
    # the measure is the task's title even when it is the task's only one
    under_parent: bool = False


@dataclass
class _Table:
    header_line: int
    roles: list[str | None]
    rows: list[_Row] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the header's cells, as printed
    lines: set[int] = field(default_factory=set)
    # a whitespace table (a PDF's): a cell wraps within its column, mid-name (市政府 ⏎ 办公室), so a
    # row with empty 序号 is the rest of the cells above, glued on as printed
    wraps: bool = False


# ---------------------------------------------------------------- grammar access


@cache
def _columns(grammars: GrammarSet) -> tuple[_Column, ...]:
    return tuple(_Column(str(rule.extra("role")), grammar.rule_ref(rule), grammar.pattern(rule.id),
                         bool(rule.extra("weak", False)))
                 for grammar, rule in grammars.rules("tables")
                 if rule.extra("role") in ROLES and rule.pattern)


@cache
def _table_ref(grammars: GrammarSet) -> str:
    for grammar, rule in grammars.rules("tables"):
        if rule.extra("kind") == "header":
            return grammar.rule_ref(rule)
    return "tables.yaml::task-table"


@cache
def _kind_pattern(grammars: GrammarSet, kind: str) -> re.Pattern[str]:
    """The pattern of the tables.yaml rule of this `kind` (placeholder, sub_number); one that never
    matches when no rule has it."""
    for grammar, rule in grammars.rules("tables"):
        if rule.extra("kind") == kind and rule.pattern:
            return grammar.pattern(rule.id)
    return re.compile("(?!)")


def _blank(cell: str, grammars: GrammarSet) -> bool:
    """An empty cell, or one printed as deliberately empty (—, 无: tables.yaml `placeholder-cell`)."""
    value = cell.strip()
    return not value or _kind_pattern(grammars, "placeholder").search(value) is not None


def _without_placeholders(row: _Row, grammars: GrammarSet) -> _Row:
    """The row with its placeholder cells (—, －, 无, /) emptied: they name no unit and no deadline."""
    return _Row(lines=row.lines, cells=["" if _blank(c, grammars) else c for c in row.cells],
                under_parent=row.under_parent)


@cache
def _person_words(grammars: GrammarSet) -> tuple[str, ...]:
    return tuple(map(str, grammars.vocab("tables", "person_in_header")))


@cache
def _unit_ends(grammars: GrammarSet) -> tuple[str, ...]:
    return tuple(map(str, grammars.vocab("units", "suffixes")))


def _without_persons(row: _Row, table: _Table, grammars: GrammarSet) -> _Row:
    """Unit cells under a header that names a person too (牵头单位（责任人）: tables.yaml
    `person_in_header`) without the person's bracket after each unit (区市场监管局（王海）)."""
    persons = _person_words(grammars)
    columns = {column for column, role in enumerate(table.roles)
               if role in _UNIT_ROLES and column < len(table.names) and any(p in table.names[column] for p in persons)}
    if not columns:
        return row
    bracket = _kind_pattern(grammars, "person_bracket")
    unit_ends = _unit_ends(grammars)

    def person(found: re.Match[str]) -> str:
        # a bracket naming a unit (县委组织部（县委人才办）, 各乡镇（街道）) is part of the name, no person
        return found.group() if found.group()[1:-1].removesuffix("同志").endswith(unit_ends) else ""

    cells = [bracket.sub(person, cell) if column in columns and ("（" in cell or "(" in cell) else cell
             for column, cell in enumerate(row.cells)]
    return _Row(lines=row.lines, cells=cells, under_parent=row.under_parent)


def _squeeze(cell: str) -> str:
    return re.sub(r"\s+", "", cell)


def cell_role(cell: str, grammars: GrammarSet) -> _Column | None:
    """The role a header cell names (first matching column rule), or None."""
    name = _squeeze(cell)
    if not name:
        return None
    for column in _columns(grammars):
        if column.pattern.search(name):
            return column
    return None


_UNIT_ROLES = frozenset({"lead", "responsible"})


def header_roles(cells: list[str], grammars: GrammarSet) -> list[str | None] | None:
    """Roles of a header row's cells, or None when the row is not a task-table header."""
    roles: list[str | None] = []
    weak: set[str] = set()  # roles only weak names gave (时间 of a meeting agenda, 项目名称 of a project list)
    for cell in cells:
        column = cell_role(cell, grammars)
        role = column.role if column else None
        if role == "task" and "task" in roles and "measure" not in roles:
            role = "measure"  # 重点任务 | 具体措施: the second task-like column holds the measures
        # unit and period columns may repeat (责任单位 | 配合单位: both responsible, read in column order)
        kept = role if role in _REPEATED or role not in roles else None
        if kept is not None and column is not None and column.weak:
            weak.add(kept)
        roles.append(kept)
    fields = sum(1 for r in roles if r in _FIELD_ROLES and r not in weak)
    if "task" not in roles or fields < grammars.number("tables", "min_field_columns", 1):
        return None
    if "task" in weak and not any(r in _UNIT_ROLES for r in roles):
        return None
    return roles


# ---------------------------------------------------------------- finding tables


def _tab_table(structure: Structure, header: int, last: int, roles: list[str | None],
               grammars: GrammarSet) -> _Table:
    """Rows of a tab-rendered table: tab lines below the header (blank lines between rows allowed).

    A short line without a tab between two rows is part of the table as pasted from a page: a
    group row whose colspan lost its tabs (`二、深化改革`, read as a group), or the rest of a cell
    broken over two lines (joined to the row above)."""
    lines = structure.lines
    table = _Table(header_line=header, roles=roles, lines={header})
    index = header + 1
    while index < last:
        text = _raw_line(structure, lines[index]) if lines[index].text else ""
        if not text:
            ahead = next((ln for ln in lines[index + 1:last] if ln.text), None)
            if ahead is None or "\t" not in _raw_line(structure, ahead):
                break
            index += 1
            continue
        if "\t" not in text:
            if not _inside_table(structure, index, last, roles, grammars):
                break
            heading = match_heading(text, grammars)
            if heading is not None and heading[2] <= _GROUP_RANK:  # 二、深化改革 / （二）…: a group
                table.rows.append(_Row(lines=[index], cells=[text.strip()]))
            elif table.rows:
                table.rows[-1].cells[-1] += text.strip()
                table.rows[-1].lines.append(index)
            else:
                break
            table.lines.add(index)
            index += 1
            continue
        cells = text.split("\t")
        previous = table.rows[-1] if table.rows else None
        if previous is not None and _continues(previous, cells, roles):
            column = roles[len(previous.cells) - 1]  # a cell broken over lines: its rest starts this line
            previous.cells[-1] += (" " if column in _UNIT_COLUMNS else "") + cells[0].strip()
            previous.cells += cells[1:]
            previous.lines.append(index)
        else:
            table.rows.append(_Row(lines=[index], cells=cells))
        table.lines.add(index)
        index += 1
    return table


def _continues(previous: _Row, cells: list[str], roles: list[str | None]) -> bool:
    """Does a tab line finish the row above, short of cells because a cell broke over lines? Only
    where the table numbers its rows and this line's first cell is no number."""
    if roles[:1] != ["number"] or len(previous.cells) + len(cells) - 1 > len(roles):
        return False
    return len(previous.cells) < len(roles) and not cells[0].strip().strip(_NUMBER_TRIM).isdigit()


_GROUP_RANK = 2  # 一、 and （一） head groups of rows; a （1） line is a cell's own item, broken off
_TABLESS_LINE_CHARS = 60  # a group title or a cell's broken-off rest; longer lines are the notice's prose


def _inside_table(structure: Structure, index: int, last: int, roles: list[str | None],
                  grammars: GrammarSet) -> bool:
    """Is the tab-less line `index` short and followed by a row of this table (not another's header)?"""
    lines = structure.lines
    if len(lines[index].text) > _TABLESS_LINE_CHARS or attachment_label(grammars).match(lines[index].text):
        return False  # 附件2：… is the next table's caption
    ahead = next((ln for ln in lines[index + 1:last] if ln.text and not _group_line(ln.text, grammars)), None)
    if ahead is None:
        return False
    raw = _raw_line(structure, ahead)
    if "\t" not in raw:
        return False
    other = header_roles(raw.split("\t"), grammars)
    return other is None or other == roles


def _group_line(text: str, grammars: GrammarSet) -> bool:
    """A short tab-less heading line (一、稳增长, （一）扩大有效投资): a group row, maybe the first of
    nested ones, whose row follows after the others."""
    if "\t" in text or len(text) > _TABLESS_LINE_CHARS:
        return False
    heading = match_heading(text, grammars)
    return heading is not None and heading[2] <= _GROUP_RANK


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fragments(raw: str, gap: int) -> list[tuple[int, str]]:
    """Runs of text separated by `gap`+ spaces, with their display column."""
    found: list[tuple[int, str]] = []
    splitter = _column_splitter(gap)
    pos = 0
    measured, width = 0, 0  # display width of raw[:measured], extended as we go (a rescan is quadratic)
    for piece in splitter.split(raw.rstrip()):
        start = raw.find(piece, pos) if piece else pos
        if piece.strip():
            lead = len(piece) - len(piece.lstrip(" \u3000"))
            width += _display_width(raw[measured:start + lead])
            measured = start + lead
            found.append((width, piece.strip(" \u3000")))
        pos = start + len(piece)
    return found


def _fragment_texts(raw: str, gap: int) -> list[str]:
    """The texts of `_fragments(raw, gap)` alone (measuring display widths is the slow part)."""
    return [piece.strip(" \u3000") for piece in _column_splitter(gap).split(raw.rstrip()) if piece.strip()]


def _raw_line(structure: Structure, line: Line) -> str:
    """The line as printed, leading spaces and trailing tabs included (cells and columns need them)."""
    return structure.text[line.raw_start:line.raw_end].rstrip("\r")


def _space_table(structure: Structure, header: int, last: int, roles: list[str | None],
                 starts: list[int], ends: list[int], gap: int) -> _Table:
    """Rows of a whitespace-aligned table: each fragment goes to the column its position falls in."""
    lines = structure.lines
    bounds = [0] + [(ends[c - 1] + starts[c]) // 2 for c in range(1, len(starts))]
    table = _Table(header_line=header, roles=roles, lines={header})
    index = header + 1
    blank = 0
    while index < last:
        line = lines[index]
        if not line.text:
            blank += 1
            if blank >= 2:
                break
            index += 1
            continue
        blank = 0
        parts = _fragments(_raw_line(structure, line), gap)
        cells = [""] * len(starts)
        for col, text in parts:
            column = max(c for c in range(len(bounds)) if bounds[c] <= col or c == 0)
            cells[column] = f"{cells[column]}{text}"
        if len(parts) == 1 and len(bounds) > 1 and parts[0][0] < bounds[1]:
            ahead = next((ln for ln in lines[index + 1:last] if ln.text), None)
            if ahead is None or len(_fragment_texts(_raw_line(structure, ahead), gap)) < 2:
                break
            cells = [parts[0][1]] * len(starts)  # a group row: one value across the table
        table.rows.append(_Row(lines=[index], cells=cells))
        table.lines.add(index)
        index += 1
    return table


def _caption_lines(lines: list[Line], first: int, header: int, grammars: GrammarSet) -> set[int]:
    """The table's caption just above it (重点任务分工表), back to an 附件 line if there is one."""
    found: set[int] = set()
    index = header - 1
    while index >= first and len(found) < 3:
        text = lines[index].text
        if text:
            if len(text) > 40 or re.search(r"[。；;]", text) or "\t" in text or match_heading(text, grammars):
                break
            found.add(index)
            if attachment_label(grammars).match(text):
                break
        index -= 1
    return found


@cache
def _space_run(gap: int) -> re.Pattern[str]:
    """`gap` or more spaces: the column separator of a whitespace-aligned table."""
    return re.compile(rf"[ \u3000]{{{gap},}}")


@cache
def _column_splitter(gap: int) -> re.Pattern[str]:
    return re.compile(rf"(?:[ \u3000]{{{gap},}}|\t)")


def _spaced_lines(structure: Structure, first: int, last: int) -> list[int]:
    """Lines of [first, last) whose printed form holds a tab, a space or an ideographic space, in order.

    Each character is looked for with str.find over the span, jumping to the end of the line a hit
    is in: most notices (tidied, tables rendered with tabs only by loaders) have none of them, and
    the others few, so this beats a test per line.
    """
    if first >= last:
        return []
    lines, text = structure.lines, structure.text
    high = lines[last - 1].raw_end
    found: set[int] = set()
    for char in ("\t", " ", "\u3000"):
        at = text.find(char, lines[first].raw_start, high)
        while at >= 0:
            index = bisect.bisect_right(lines, at, first, last, key=_raw_start) - 1
            found.add(index)
            at = text.find(char, lines[index].raw_end, high)
    return sorted(found)


def _raw_start(line: Line) -> int:
    return line.raw_start


def find_tables(structure: Structure, first: int, last: int, grammars: GrammarSet,
                unread: list[int] | None = None) -> list[_Table]:
    """Every task table whose header lies in lines [first, last); the lines of tab or whitespace
    headers under which no row could be read are added to `unread`."""
    lines = structure.lines
    gap = grammars.number("tables", "column_gap", 2)
    space_run = _space_run(gap)
    any_gap = gap < 1  # else a run of spaces needs `gap` spaces or an ideographic one: cheap tests before the regex
    spaces = " " * gap  # per line only: over a whole span, a search for one character is many times faster
    # a header needs a tab or a run of spaces: only such lines are looked at
    candidates = [i for i in (range(first, last) if any_gap else _spaced_lines(structure, first, last))
                  if "\t" in (text := lines[i].text) or any_gap or spaces in text or "\u3000" in text]
    numbers = _number_names(grammars)
    stacked = [i for i in range(first, last) if lines[i].text in numbers]  # 序号 alone: a header one cell a line
    if stacked:
        candidates = sorted({*candidates, *stacked})
    tables: list[_Table] = []
    index = first
    for candidate in candidates:
        if candidate < index:  # inside a table found above
            continue
        index = candidate
        text = lines[index].text
        table: _Table | None = None
        if "\t" in text:
            cells = _raw_line(structure, lines[index]).split("\t")
            roles = header_roles(cells, grammars)
            if roles:
                cells, extra = _header_continued(structure, index, last, cells, grammars)
                roles = header_roles(cells, grammars) or roles
                table = _tab_table(structure, index + extra, last, roles, grammars)
                table.header_line, table.names = index, cells
                table.lines |= set(range(index, index + extra + 1))
        elif (any_gap or " " in text or "\u3000" in text) and space_run.search(text):
            raw = _raw_line(structure, lines[index])
            cells = _fragment_texts(raw, gap)  # display columns are only needed for a header
            roles = header_roles(cells, grammars) if len(cells) >= 2 else None
            if roles:
                parts = _fragments(raw, gap)
                starts = [c for c, _ in parts]
                ends = [c + _display_width(p) for c, p in parts]
                cells, extra = _space_header_continued(structure, index, last, cells, (starts, ends), gap,
                                                       grammars)
                roles = header_roles(cells, grammars) or roles
                table = _space_table(structure, index + extra, last, roles, starts, ends, gap)
                table.header_line, table.names, table.wraps = index, cells, True
                table.lines |= set(range(index, index + extra + 1))
        elif text in numbers:
            table = _stacked_table(structure, index, last, grammars)
        if table is not None and table.rows:
            table.lines |= _caption_lines(lines, first, index, grammars)
            tables.append(table)
            index = max(table.lines) + 1
        elif table is not None and unread is not None:
            unread.append(index)
    return tables


_HEADER_PIECE_CHARS = 6  # a header cell's broken-off rest (单位, 时限); data rows have longer cells or a 序号


def _header_continued(structure: Structure, header: int, last: int, cells: list[str],
                      grammars: GrammarSet) -> tuple[list[str], int]:
    """Header cells broken over lines (a Word cell's paragraphs pasted as text: 牵头 ⏎ 单位\t配合 ⏎
    单位\t完成 ⏎ 时限): each following line of short pieces without digits whose first piece finishes
    the last cell into a whole column name starts the cells after it. The cells, and how many lines were added."""
    lines = structure.lines
    extra = 0
    while header + extra + 1 < last and lines[header + extra + 1].text:
        pieces = _raw_line(structure, lines[header + extra + 1]).split("\t")
        if any(len(_squeeze(p)) > _HEADER_PIECE_CHARS or any(ch.isdigit() for ch in p) for p in pieces):
            break
        if not _whole_name(_squeeze(cells[-1] + pieces[0]), grammars):  # 完成时限 ⏎ 一 is a group row
            break
        cells = [*cells[:-1], cells[-1].strip() + pieces[0].strip(), *pieces[1:]]
        extra += 1
    return cells, extra


def _whole_name(name: str, grammars: GrammarSet) -> bool:
    """Is `name` a column name from end to end (完成时限, not 完成时限一)?"""
    column = cell_role(name, grammars)
    return (column is not None and column.pattern.fullmatch(name) is not None) or _is_other_column(name, grammars)


def _space_header_continued(structure: Structure, header: int, last: int, cells: list[str],
                            spans: tuple[list[int], list[int]], gap: int,
                            grammars: GrammarSet) -> tuple[list[str], int]:
    """A whitespace header printed over two lines (牵头  完成 ⏎ 单位  时限, a PDF's wrapped header
    cells): the second line's short pieces without digits go under the columns they sit in, when
    each finishes its column's name into a whole column name. The cells, and the lines added."""
    starts, ends = spans
    following = header + 1
    if following >= last or not structure.lines[following].text:
        return cells, 0
    parts = _fragments(_raw_line(structure, structure.lines[following]), gap)
    if not parts or any(len(p) > _HEADER_PIECE_CHARS or any(ch.isdigit() for ch in p) for _, p in parts):
        return cells, 0
    bounds = [0] + [(ends[c - 1] + starts[c]) // 2 for c in range(1, len(starts))]
    joined = list(cells)
    for col, text in parts:
        column = max(c for c in range(len(bounds)) if bounds[c] <= col or c == 0)
        joined[column] += text
    changed = [name for name, before in zip(joined, cells, strict=True) if name != before]
    return (joined, 1) if all(_whole_name(_squeeze(name), grammars) for name in changed) else (cells, 0)


@cache
def _number_names(grammars: GrammarSet) -> frozenset[str]:
    """序号 / 编号 …: the number column's names as printed alone on a line (from tables.yaml)."""
    names = ("序号", "序 号", "编号", "编 号", "序次")
    found = [n for n in names if (column := cell_role(n, grammars)) is not None and column.role == "number"]
    return frozenset([*found, *(f"{n}{end}" for n in found for end in _CELL_ENDS)])


_CELL_ENDS = (" |", "|")  # a page copied one cell a line with a pipe after each cell (序号 | ⏎ 重点任务 |)


def _stacked_cell(text: str) -> str:
    """A line of a one-cell-a-line table without the pipe a copy may put after each cell."""
    return text[:-1].rstrip() if text.endswith("|") else text


_ROW_NUMBER = re.compile(r"\d{1,3}[.．、]?")  # a row's 序号 cell alone on its line
_STACKED_GROUP_CHARS = 60  # a group row (一、…) of a stacked table; longer lines are prose


def _stacked_table(structure: Structure, header: int, last: int, grammars: GrammarSet) -> _Table | None:
    """A table copied from a web page one cell a line: 序号 ⏎ 重点任务 ⏎ 牵头单位 ⏎ … then, per row,
    its number alone on a line and its cells on the lines after it (at most one per column); a
    heading between rows (一、…) is a group row. The table ends at the first line that is none of these."""
    lines = structure.lines
    names, used = [], set()
    index = header
    while index < last and len(names) < _STACKED_MAX_COLUMNS:
        text = _stacked_cell(lines[index].text)
        if text:
            if cell_role(text, grammars) is None and not _is_other_column(_squeeze(text), grammars):
                break
            names.append(text)
            used.add(index)
        index += 1
    roles = header_roles(names, grammars)
    if roles is None or roles[0] != "number" or len(roles) < 3:
        return None
    table = _Table(header_line=header, roles=roles, lines=used, names=names)
    row: _Row | None = None
    while index < last:
        text = _stacked_cell(lines[index].text)
        if not text and lines[index].text and row is not None and len(row.cells) < len(roles):
            row.cells.append("")  # `|` alone: an empty cell, kept in its column
            row.lines.append(index)
            table.lines.add(index)
        elif text:
            if _ROW_NUMBER.fullmatch(text):
                row = _Row(lines=[index], cells=[text.rstrip(".．、")])
                table.rows.append(row)
            elif len(text) <= _STACKED_GROUP_CHARS and match_heading(text, grammars) is not None:
                row = None
                table.rows.append(_Row(lines=[index], cells=[text]))
            elif row is not None and len(row.cells) < len(roles):
                row.cells.append(text)
                row.lines.append(index)
                if roles[-1] == "deadline" and len(row.cells) > 2 and _reads_as_deadline(text, grammars):
                    row = None  # the last column is filled: a line after it is no cell of this row
            else:
                break
            table.lines.add(index)
        index += 1
    for found in table.rows:
        if len(found.cells) > 1:
            found.cells = _stacked_cells(found.cells, roles, grammars)
    return table if any(len(r.cells) > 1 for r in table.rows) else None


_STACKED_MAX_COLUMNS = 8


_OTHER_COLUMN_CHARS = 10  # 市政府分管领导: a listed name with a qualifier in front is still that column


def _is_other_column(name: str, grammars: GrammarSet) -> bool:
    """A header name a task table may have besides its roles: one of `other_columns`, or a short name
    ending in one (市政府分管领导 → 分管领导)."""
    others = _other_columns(grammars)
    return name in others or (len(name) <= _OTHER_COLUMN_CHARS and name.endswith(tuple(others)))


@cache
def _other_columns(grammars: GrammarSet) -> frozenset[str]:
    """tables.yaml `other_columns`: header names a task table may have besides its roles (责任领导, 备注)."""
    return frozenset(map(str, grammars.vocab("tables", "other_columns")))


def _reads_as_deadline(text: str, grammars: GrammarSet) -> bool:
    return deadlines.normalise(text, None, None, grammars).kind != "none"


def _stacked_cells(cells: list[str], roles: list[str | None], grammars: GrammarSet) -> list[str]:
    """A stacked row with empty cells left out: its last cell goes to the deadline column when it
    reads as a deadline, the rest fill the columns in order."""
    missing = len(roles) - len(cells)
    if missing <= 0:
        return cells
    if roles[-1] == "deadline" and _reads_as_deadline(cells[-1], grammars):
        return [*cells[:-1], *[""] * missing, cells[-1]]
    return [*cells, *[""] * missing]


# ---------------------------------------------------------------- rows → tasks


def _cell(row: _Row, roles: list[str | None], role: str) -> str:
    if role not in roles:
        return ""
    column = roles.index(role)
    return row.cells[column].strip() if column < len(row.cells) else ""


def _realign_short_row(row: _Row, roles: list[str | None], above: _Row | None, grammars: GrammarSet) -> None:
    """A row pasted from a page whose merged cell (a 牵头单位 spanning rows) was left out has a cell
    too few, the rest shifted left: when its last cell reads as the deadline of a last 完成时限
    column, its cells after the task are set right-aligned and the left-out cell takes the value
    of the row above."""
    missing = len(roles) - len(row.cells)
    if missing <= 0 or roles[-1] != "deadline" or "task" not in roles or above is None:
        return
    after = roles.index("task") + 1
    if len(row.cells) <= after or not _reads_as_deadline(row.cells[-1], grammars):
        return
    row.cells[after:] = [
        *(above.cells[i] if i < len(above.cells) else "" for i in range(after, after + missing)),
        *row.cells[after:],
    ]


@cache
def _ditto(grammars: GrammarSet) -> frozenset[str]:
    """tables.yaml `ditto`: a cell that repeats the one above it (同上, 〃)."""
    return frozenset(map(str, grammars.vocab("tables", "ditto")))


def _fill_ditto(row: _Row, above: _Row | None, ditto: frozenset[str]) -> None:
    """Cells that say 同上 / 〃 take the value of the same cell in the row above."""
    if above is None or not ditto:
        return
    for column, cell in enumerate(row.cells):
        if cell.strip().rstrip("。") in ditto and column < len(above.cells):
            row.cells[column] = above.cells[column]


def _group_value(row: _Row) -> str | None:
    """The value of a row merged across the whole table (or filled in only once), else None."""
    value = row.cells[0].strip() if row.cells else ""
    if not value or any(c.strip() not in ("", value) for c in row.cells):
        return None
    return None if re.fullmatch(r"[\d.．、]+", value) else value


_CHINESE_ORDINAL = re.compile(r"[一二三四五六七八九十]{1,3}")


def _ordinal_group(row: _Row, roles: list[str | None]) -> str | None:
    """`一 | 深化简政放权 | …` — a Chinese ordinal in 序号 and one title across the other cells (a
    colspan repeated, or the rest left empty) is a group row, `一、深化简政放权`; data rows count 1, 2, 3."""
    if "number" not in roles:
        return None
    column = roles.index("number")
    if column >= len(row.cells):
        return None
    ordinal = row.cells[column].strip().rstrip("、.．")
    others = {c.strip() for i, c in enumerate(row.cells) if i != column and c.strip()}
    if len(others) != 1 or not _CHINESE_ORDINAL.fullmatch(ordinal):
        return None
    return f"{ordinal}、{others.pop()}"


_DATED = re.compile(r"\d{4}年")  # a continued deadline cell that opens with a year is a deadline of its own


def _continued(role: str | None, before: str, cell: str) -> str:
    """What goes between a cell and its continuation: a space in unit cells (a unit a line; the unit
    splitter parts whole names only), "；" between two dated deadlines (2022年10月底前 / 2022年12月底前;
    a date wrapped after its year, 2020年 / 9月底前, joins up), else nothing (wrapped text)."""
    if role in _UNIT_COLUMNS:
        return " "
    if role == "deadline" and _DATED.match(cell) and not before.endswith(("年", *"0123456789")):
        return "；"
    return ""


_SENTENCE_ENDS = ("。", "；", ";", "，", ",", "：", ":")


def _task_cell_group(row: _Row, roles: list[str | None], grammars: GrammarSet) -> str | None:
    """`| 二、深化改革 | | |` — a heading alone in the task cell, 序号 and the rest empty: a group row
    (a merged cell the copy left in its second column), not the rest of the task above. A cell's
    own broken-off item reads as a sentence (ends in 。/；), a group title does not."""
    if "task" not in roles:
        return None
    column = roles.index("task")
    if column >= len(row.cells) or any(c.strip() for i, c in enumerate(row.cells) if i != column):
        return None
    value = row.cells[column].strip()
    if len(value) > _TABLESS_LINE_CHARS or value.endswith(_SENTENCE_ENDS):
        return None
    heading = match_heading(value, grammars)
    return value if heading is not None and heading[2] <= _GROUP_RANK else None


def _merge_into(previous: _Row, row: _Row, roles: list[str | None], separator: str = "",
                wraps: bool = False) -> None:
    """A continuation row: cell text carries on (merged cells repeating a value add nothing).

    A row of a tab table carries on as `_continued` says (units and dates stay apart); one of a
    whitespace table (`wraps`: its cells wrap mid-word) with nothing between; a row of its own
    under the same merged 序号 and task (`separator` "；") adds its cells as further items: units,
    deadlines, steps.
    """
    previous.lines += row.lines
    for column, cell in enumerate(row.cells):
        cell = cell.strip()
        if column >= len(previous.cells):
            previous.cells.append(cell)
        elif cell and cell != previous.cells[column].strip():
            before = previous.cells[column].rstrip()
            role = roles[column] if column < len(roles) and not wraps else None
            between = separator or _continued(role, before, cell)
            previous.cells[column] = before + (between if before else "") + cell


_MEASURE_ENDS = ("。", "；", ";", "！")
_CARRIED_DOWN = ("number", "task", "lead")  # the cells a flattened rowspan over measure rows leaves empty


def _own_measure(row: _Row, previous: _Row, roles: list[str | None]) -> bool:
    """A row with empty 序号 and 重点任务 but a measure of its own, below a finished measure: the
    next measure under a merged task flattened to text (the HTML / DOCX rowspan gives one task a
    measure; so does this row)."""
    if "measure" not in roles or _cell(row, roles, "task"):
        return False
    return bool(_cell(row, roles, "measure")) and _cell(previous, roles, "measure").endswith(_MEASURE_ENDS)


def _carry_down(row: _Row, previous: _Row, roles: list[str | None]) -> _Row:
    """The measure row with the merged cells (序号, 重点任务, 牵头单位) of the row above filled in."""
    cells = list(row.cells) + [""] * max(0, len(previous.cells) - len(row.cells))
    for column, role in enumerate(roles):
        if role in _CARRIED_DOWN and column < len(cells) and not cells[column].strip() \
                and column < len(previous.cells):
            cells[column] = previous.cells[column]
    return _Row(lines=list(row.lines), cells=cells)


def _refined(roles: list[str | None], again: list[str | None]) -> list[str | None]:
    """Roles under a two-row header: the second row's where it names one; else the first row's,
    unless the second row gives that (single) role to another column — 时间节点 over 开始时间 |
    完成时间 is read from 完成时间 alone."""
    return [new or (old if old in _REPEATED or old not in again else None)
            for new, old in zip(again, roles, strict=True)]


def _rows(table: _Table, grammars: GrammarSet) -> list[tuple[_Row, str | None, bool]]:
    """Rows (continuations merged, repeated headers dropped): (row, its group value, is a group row).
    A second header row right under the first (a merged 责任单位 over 牵头单位 | 配合单位) refines the
    table's roles."""
    roles = table.roles
    has_number = "number" in roles
    rows: list[tuple[_Row, str | None, bool]] = []
    group: str | None = None
    last_data: _Row | None = None  # the last row that is no group row: a continuation's row above
    parent: _Row | None = None  # a 重点任务 row with no measure of its own: its measure rows may follow
    dropped: set[int] = set()  # parent rows whose measure rows are the tasks
    for row in table.rows:
        again = header_roles(row.cells, grammars)
        if again == roles:
            continue
        if again is not None and not rows and len(again) == len(roles):
            # 责任单位 spanning 牵头单位 | 配合单位: the second header row names the columns
            roles = table.roles = _refined(roles, again)
            table.names = [cell if new else name for cell, new, name in
                           zip(row.cells, again, table.names or [""] * len(again), strict=True)]
            continue
        if _summary_row(row, grammars):
            continue  # 合计 | 共3项: a total, no task
        value = _group_value(row) or _ordinal_group(row, roles) or _task_cell_group(row, roles, grammars)
        if value is not None and not _cell(row, roles, "number").strip(_NUMBER_TRIM).isdigit():
            group, parent = value, None
            rows.append((row, value, True))
            continue
        number = _cell(row, roles, "number")
        category = _cell(row, roles, "category")
        if category and category != group and not (has_number and not number):
            # 类别 | 任务内容 | …: the category cell (merged over its rows) is the rows' group heading
            group = category
            rows.append((_Row(lines=row.lines[:1], cells=[category]), category, True))
        if parent is not None and _measure_of_parent(row, roles, grammars):
            dropped.add(id(parent))  # 1 | 提升… | (none) ⏎ 1.1 | | 推行…: the measures are the tasks
            last_data = _carry_down(row, parent, roles)
            last_data.under_parent = True
            rows.append((last_data, group, False))
            continue
        if last_data is not None:
            previous = last_data
            same = number and number == _cell(previous, roles, "number") and \
                _cell(row, roles, "task") == _cell(previous, roles, "task") and \
                _cell(row, roles, "measure") == _cell(previous, roles, "measure")
            if has_number and not number and _own_measure(row, previous, roles):
                last_data = _carry_down(row, previous, roles)
                rows.append((last_data, group, False))
                continue
            if (has_number and not number) or same:
                _merge_into(previous, row, roles, "；" if same else "", table.wraps)
                continue
        last_data = _Row(lines=list(row.lines), cells=list(row.cells))
        parent = last_data if _is_parent(last_data, roles, grammars) else None
        rows.append((last_data, group, False))
    return [entry for entry in rows if id(entry[0]) not in dropped]


def _summary_row(row: _Row, grammars: GrammarSet) -> bool:
    """A total row: its first filled cell is 合计 / 总计 / 小计 (tables.yaml `summary-row`)."""
    first = next((cell.strip() for cell in row.cells if cell.strip()), "")
    return len(first) <= 4 and _kind_pattern(grammars, "summary").search(first) is not None


def _is_parent(row: _Row, roles: list[str | None], grammars: GrammarSet) -> bool:
    """A 重点任务 row of a measures table whose measure cell is empty or a placeholder (—): the
    measure rows below it (1.1, 1.2, or 序号 left empty) carry its task."""
    return "measure" in roles and bool(_cell(row, roles, "task")) and _blank(_cell(row, roles, "measure"), grammars)


def _measure_of_parent(row: _Row, roles: list[str | None], grammars: GrammarSet) -> bool:
    """A row with no 重点任务 but a measure, numbered as a sub-item (1.1, 1-1, （1）: tables.yaml
    `sub-number`) or unnumbered with a unit or deadline cell of its own (a cell merely wrapped onto
    the next line has none): a measure of the parent row above."""
    if _cell(row, roles, "task") or _blank(_cell(row, roles, "measure"), grammars):
        return False
    number = _cell(row, roles, "number")
    if number:
        return _kind_pattern(grammars, "sub_number").search(number) is not None
    return any(not _blank(row.cells[column], grammars) for column, role in enumerate(roles)
               if role in _FIELD_ROLES and column < len(row.cells))


def _enclosing(part: DocumentPart, structure: Structure, line: int, grammars: GrammarSet) -> int | None:
    """Index of the heading a table sits under, unless an 附件 line or the start of the printed plan
    separates them."""
    before = [i for i, h in enumerate(part.headings) if h.line < line]
    if not before:
        return None
    heading = part.headings[before[-1]]
    if part.plan_first is not None and heading.line < part.plan_first <= line:
        return None  # a heading of the notice that prints the plan, not of the plan
    between = structure.lines[heading.line + 1:line]
    if any(attachment_label(grammars).match(ln.text) for ln in between):
        return None
    return before[-1]


def _group_heading(value: str, line: int, parent: int | None, part: DocumentPart, grammars: GrammarSet) -> Heading:
    """A group row as a heading nested under the table's own section."""
    found = match_heading(value, grammars)
    ordinal, rule, rank, rest = found if found else ("", _table_ref(grammars), 1, value)
    rank = max(rank, part.headings[parent].rank + 1) if parent is not None else rank
    return Heading(line=line, ordinal=ordinal, rule=rule, rank=rank, title=heading_title(rest) or rest,
                   rest=rest, parent=parent)


def _period_phrase(row: _Row, table: _Table, grammars: GrammarSet) -> str:
    """一季度 | 二季度 | … columns (a 台账's schedule): one 推进计划 phrase, 一季度：制定方案；二季度：…,
    which the deadlines stage reads as milestones. Cells without words (an indicator's 6.5 %) are no steps.

    A cell merged over adjacent period columns (an HTML colspan, repeated in each) is one step over
    their span, 三至四季度：完成年度目标; one over every period column is the row's own deadline phrase
    (全年持续推进 → ongoing) when it reads as one, else one step a period (the same 举办1场 printed under
    every quarter of a plain-text ledger is a duty each quarter)."""
    columns = [column for column, role in enumerate(table.roles)
               if role == "period" and column < len(row.cells) and column < len(table.names)]
    runs: list[tuple[list[str], str]] = []  # (the period names a value spans, the value)
    previous: int | None = None
    for column in columns:
        value = row.cells[column].strip()
        if not _WORDED.search(value):
            previous = None
            continue
        name = _squeeze(table.names[column])
        if runs and previous is not None and previous == column - 1 and runs[-1][1] == value:
            runs[-1][0].append(name)
        else:
            runs.append(([name], value))
        previous = column
    if len(runs) == 1 and len(runs[0][0]) == len(columns) > 1:
        if _reads_as_deadline(runs[0][1], grammars):
            return runs[0][1]
        # the same words under every period (举办1场): a duty each period as often as one merged cell
        return "；".join(f"{name}：{runs[0][1]}" for name in runs[0][0])
    return "；".join(f"{_span_label(names)}：{value}" for names, value in runs)


def _span_label(names: list[str]) -> str:
    """一季度 / 三至四季度 / 3至4月 / 上半年至下半年: the period names a merged cell spans, as one phrase
    (their common ending said once, as a range of periods is printed)."""
    first, last = names[0], names[-1]
    if len(names) == 1:
        return first
    suffix = 0
    while suffix < min(len(first), len(last)) - 1 and first[-1 - suffix] == last[-1 - suffix]:
        suffix += 1
    if suffix and _PERIOD_UNIT.fullmatch(first[len(first) - suffix:]):
        return f"{first[:len(first) - suffix]}至{last}"
    return f"{first}至{last}"


_PERIOD_UNIT = re.compile(r"季度|月份?")  # an ending a range says once: 三至四季度, 3至4月


_WORDED = re.compile(r"[\u3400-\u9fff]")  # a step says what is done; 6.5 under 一季度 is an indicator's target


def _deadline_in_text(row: _Row, roles: list[str | None], year: int | None, ref: date | None,
                      grammars: GrammarSet) -> deadlines.DeadlineResult:
    """A table without a 完成时限 column: the dated target its task cell states (2024年10月底前编制…),
    read as in a prose task's body. A deadline column left empty stays empty (it may mean 同上)."""
    if "deadline" not in roles and "period" not in roles:
        text = "\n".join(c for c in (_cell(row, roles, "task"), _cell(row, roles, "measure")) if c)
        found = deadlines.find_in_text(text, year, ref, grammars)
        if found is not None:
            return found
    return deadlines.DeadlineResult(text=None, kind="none", end=None)


def _nested_group(value: str, line: int, parent: int | None, part: DocumentPart, grammars: GrammarSet,
                  open_groups: list[tuple[int, Heading]]) -> Heading:
    """A group row under the open group rows (their ordinal's rank, their heading): it closes those
    of its ordinal's rank or below (二、 closes 一、 and its （一）) and sits under the last one left
    (（一） under 一、), one rank deeper."""
    heading = _group_heading(value, line, parent, part, grammars)
    found = match_heading(value, grammars)
    rank = found[2] if found else 1
    while open_groups and open_groups[-1][0] >= rank:
        open_groups.pop()
    if open_groups:
        heading.outer = open_groups[-1][1]
        heading.rank = max(heading.rank, heading.outer.rank + 1)
    open_groups.append((rank, heading))
    return heading


def _number(cell: str, grammars: GrammarSet) -> str | None:
    """The row's printed ordinal, without punctuation or a mark beside it (1*, ★2: tables.yaml `number_marks`)."""
    return cell.strip(_number_trim(grammars)) or None


@cache
def _number_trim(grammars: GrammarSet) -> str:
    return _NUMBER_TRIM + "".join(map(str, grammars.vocab("tables", "number_marks")))


def extract_table_tasks(structure: Structure, part: DocumentPart, grammars: GrammarSet,
                        year: int | None, ref: date | None) -> tuple[list[RawTask], set[int], list[TableNote]]:
    """Tasks from task tables in one document, the line indexes those tables occupy, and what the
    tables leave unresolved: a header with no row read, a cell left empty that its column fills
    elsewhere (warnings: `table.unread`, `table.empty_cell`)."""
    lines = structure.lines
    # tables before this document: a running total over the documents seen in order (summing a dict of
    # every earlier document's count, per document, was quadratic in the number of notices in a file)
    memo: dict[str, list[int]] = structure.__dict__.setdefault("_table_totals", {"firsts": [], "totals": []})
    firsts, totals = memo["firsts"], memo["totals"]
    in_order = not firsts or part.first > firsts[-1]
    if in_order and firsts:
        earlier = totals[-1]
    else:  # the first document asked for, or one asked for out of document order
        earlier = len(find_tables(structure, 0, part.first, grammars)) if part.first else 0
    unread: list[int] = []
    found = find_tables(structure, part.first, part.last, grammars, unread)
    notes: list[TableNote] = [("table.unread", None, "no row read under the task-table header "
                               f"“{' | '.join(lines[line].text.split(chr(9)))[:80]}”") for line in unread]
    if in_order:
        firsts.append(part.first)
        totals.append(earlier + len(found))
    if not found:
        return [], set(), notes
    from .extract import RawTask, task_title  # imported here: most documents hold no table

    table_ref = _table_ref(grammars)
    refs = {c.role: c.ref for c in _columns(grammars)}
    tasks: list[RawTask] = []
    used: set[int] = set()
    for number, table in enumerate(found, start=earlier + 1):
        used |= table.lines
        notes += _unknown_unit_columns(table, grammars)
        parent = _enclosing(part, structure, table.header_line, grammars)
        section = part.headings[parent] if parent is not None else None
        groups: dict[str, Heading] = {}
        open_groups: list[tuple[int, Heading]] = []  # the group rows the next rows sit under, outermost first
        row_number = 0
        above: _Row | None = None
        rows = _rows(table, grammars)
        shared = Counter(_cell(r, table.roles, "task") for r, _, is_group in rows if not is_group)
        read: list[tuple[_Row, RawTask]] = []
        for row, group, is_group in rows:
            if is_group and group:
                groups[group] = _nested_group(group, row.lines[0], parent, part, grammars, open_groups)
                continue
            text = _cell(row, table.roles, "task")
            if not text:
                continue
            _realign_short_row(row, table.roles, above, grammars)
            _fill_ditto(row, above, _ditto(grammars))
            above = row
            printed = row
            row = _without_persons(_without_placeholders(row, grammars), table, grammars)  # — / 无: no unit
            row_number += 1
            rules = {"task": table_ref}
            lead, responsible = _row_units(row, table.roles, refs, rules, grammars)
            phrase = _cell(row, table.roles, "deadline")
            column = "deadline"
            if not phrase and (phrase := _period_phrase(row, table, grammars)):
                column = "period"
            if phrase:
                deadline = deadlines.normalise(phrase, year, ref, grammars)
                rules["deadline"] = refs[column]
                if deadline.rule:
                    rules["deadline_kind"] = deadline.rule
            else:
                deadline = _deadline_in_text(row, table.roles, year, ref, grammars)
                if deadline.rule:
                    rules["deadline_kind"] = deadline.rule
            span = (lines[row.lines[0]].start, lines[row.lines[-1]].end)
            printed_number = _cell(row, table.roles, "number")
            if not printed_number and (ordinal := match_heading(text, grammars)) is not None:
                printed_number, text = ordinal[0], ordinal[3]  # no 序号 column: 1.编制公布… carries its own
            measure = _cell(row, table.roles, "measure")
            # measures under one merged 重点任务 are the tasks; a row's own 主要内容 only adds to its text
            several = shared[_cell(row, table.roles, "task")] > 1 or row.under_parent
            title = task_title(measure if measure and several else text)
            if measure:
                text = f"{text}\n{measure}"
            tasks.append(RawTask(
                number=_number(printed_number, grammars), heading=None,
                section=groups.get(group or "", section), title=title, text=text,
                lead=lead, responsible=responsible, deadline=deadline, span=span, rules=rules,
                evidence=["table-row"], table=number, row=row_number))
            read.append((printed, tasks[-1]))  # a placeholder cell is filled, on purpose empty
        notes += _empty_cells(table, read)
    return tasks, used, notes


TableNote = tuple[str, "RawTask | None", str]  # (warning code, the task concerned, message)
_EMPTY_CELL_SHARE = 2 / 3  # a column filled in this share of a table's rows (at least 2) is meant to be filled


def _empty_cells(table: _Table, read: list[tuple[_Row, RawTask]]) -> list[TableNote]:
    """Rows whose 牵头单位 (责任单位 when there is no lead column: a task may well have no co-units) or
    完成时限 cell is empty in a table that otherwise fills it: a cell merged over rows and copied once,
    or a cell the source left out. Nothing is guessed; it is said."""
    notes: list[TableNote] = []
    for role in ("lead" if "lead" in table.roles else "responsible", "deadline"):
        columns = [c for c, named in enumerate(table.roles) if named == role]
        if not columns:
            continue
        empty = [(row, task) for row, task in read
                 if not any(c < len(row.cells) and row.cells[c].strip() for c in columns)]
        filled = len(read) - len(empty)
        if not empty or filled < 2 or filled < _EMPTY_CELL_SHARE * len(read):
            continue
        name = _squeeze(table.names[columns[0]]) if columns[0] < len(table.names) else role
        notes += [("table.empty_cell", task, f"table {task.table} row {task.row}: the {name} cell is empty "
                   f"while the other rows fill it (a merged cell copied once?)") for _, task in empty]
    return notes


_UNIT_NAME_ENDS = ("单位", "部门")  # a header cell naming units of some kind


def _unknown_unit_columns(table: _Table, grammars: GrammarSet) -> list[TableNote]:
    """Columns whose header names units (…单位 / …部门) but matches no column rule: their units are
    left out, which is said rather than silent (a new wording of 牵头单位 / 责任单位 to add to tables.yaml)."""
    notes: list[TableNote] = []
    measuring = set(map(str, grammars.vocab("tables", "measure_unit_columns")))  # 单位 of 万人, 所: no organisation
    for column, role in enumerate(table.roles):
        name = _squeeze(table.names[column]) if column < len(table.names) else ""
        if role is None and name.endswith(_UNIT_NAME_ENDS) and name not in measuring \
                and cell_role(name, grammars) is None and not _is_other_column(name, grammars):
            notes.append(("table.unknown_column", None, f"table column “{name}” names units but has no known "
                          "role (lead / responsible): its cells are not read"))
    return notes


def _unit_cells(row: _Row, roles: list[str | None]) -> list[tuple[str, str]]:
    """(role, cell) of every unit column of a row, lead columns first, each role in column order: a
    table may have several (牵头单位 | 责任单位 | 配合单位; 第一责任单位 | 其他责任单位)."""
    return [(role, row.cells[column].strip())
            for role in _UNIT_COLUMNS
            for column, named in enumerate(roles)
            if named == role and column < len(row.cells)]


def _row_units(row: _Row, roles: list[str | None], refs: dict[str, str], rules: dict[str, str],
               grammars: GrammarSet) -> tuple[list[str], list[str]]:
    """Lead and responsible units of a row: each unit column read by `cell_units`, lead first."""
    from .extract.fields import cell_units

    lead: list[str] = []
    responsible: list[str] = []
    for role, cell in _unit_cells(row, roles):
        found_lead, found_responsible, worded = cell_units(cell, role, refs[role], grammars)
        lead += [name for name in found_lead if name not in lead]
        responsible += [name for name in found_responsible if name not in responsible and name not in lead]
        if found_lead:
            rules.setdefault("lead_units", worded or refs[role])
        if found_responsible:
            rules.setdefault("responsible_units", worded or refs[role])
    return lead, responsible


# ---------------------------------------------------------------- grammar corpus


# rules about one cell's value, not a column name
_CELL_KINDS = ("placeholder", "sub_number", "person_bracket", "summary")


def _roles_text(text: str, grammars: GrammarSet) -> str | None:
    roles = header_roles(text.split("\t"), grammars)
    return None if roles is None else "|".join(r or "-" for r in roles)


def check_example(grammar: Grammar, rule: Rule, example: Example) -> str | None:
    """Run one corpus example: a header cell → its role, or a header row → the roles of its cells."""
    from .grammar import grammars_with

    grammars = grammars_with(grammar)
    if rule.extra("kind") == "header":
        got = _roles_text(example.text, grammars)
    elif rule.extra("kind") in _CELL_KINDS:
        got = str(rule.extra("kind")) if grammar.pattern(rule.id).search(example.text) else None
    else:
        column = cell_role(example.text, grammars)
        got = column.role if column else None
        if column is not None and column.ref != grammar.rule_ref(rule):
            got = f"{got} (by {column.ref})"
    expect = str(example.expect)
    return None if got == expect else f"expected {expect!r}, got {got!r}"


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    from .grammar import grammars_with

    grammars = grammars_with(grammar)
    if rule.extra("kind") == "header":
        got = _roles_text(text, grammars)
        return None if got is None else f"recognised as a header ({got})"
    if rule.extra("kind") in _CELL_KINDS:
        return "matched" if grammar.pattern(rule.id).search(text) else None
    column = cell_role(text, grammars)
    return f"recognised as {column.role}" if column is not None and column.ref == grammar.rule_ref(rule) else None
