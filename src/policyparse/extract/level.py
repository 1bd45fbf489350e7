"""Which numbered level holds the tasks, decided by evidence.

The level whose items carry task fields (labelled lines, closing field groups) is the task level;
sub-items below it are part of a task's body, and items under guiding-principle or safeguard
sections are not tasks. Without field evidence the numbering decides (1. items, then （一）, then 一、).
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from ..grammar import GrammarSet
from ..structure import DocumentPart, Heading, Structure
from .brackets import _CLOSE, _Groups, bracket_groups
from .fields import (
    _ROLE_LINE_MAX,
    _at_end,
    _field_rules,
    _FieldRules,
    _trailing_labels,
    only_bare_units,
    parse_group,
    role_line_fields,
)


def _block_ends(part: DocumentPart) -> list[int]:
    """Line index where each heading's scope ends: the next heading of the same or an outer level.

    One pass from the back with a stack of candidates, instead of a scan forward per heading.
    """
    headings = part.headings
    ends = [part.last] * len(headings)
    later: list[Heading] = []  # candidates after the current heading, nearest last; outer levels below
    for index in range(len(headings) - 1, -1, -1):
        heading = headings[index]
        while later and later[-1].rank > heading.rank:
            later.pop()
        if later:
            ends[index] = later[-1].line
        later.append(heading)
    return ends


def _unlabelled_fields(text: str, colon: bool, rules: _FieldRules, year: int | None, ref: date | None,
                       groups_of: dict[int, _Groups], index: int) -> bool:
    """Does a line that does not start with a label carry fields (trailing labels or a field group)?

    The bracket groups it reads go into `groups_of[index]`: reading the task reads them again.
    """
    if text[-1:] not in _CLOSE and not rules.hint.search(text):
        return False
    if colon and _trailing_labels(text, rules) is not None:
        return True
    end = _at_end(text)
    groups = groups_of[index] = bracket_groups(text)
    for _start, g_end, inner in groups:
        parsed = parse_group(inner, rules.grammars, year, g_end >= end, False, ref)
        if parsed and (parsed.lead or parsed.responsible or parsed.group_deadline) and not only_bare_units(
                parsed, rules.grammars):
            return True
    return False


def _scan_part(structure: Structure, part: DocumentPart, grammars: GrammarSet, year: int | None,
               ends: list[int], ref: date | None = None) -> tuple[list[int], list[int], dict[int, _Groups]]:
    """One pass over a document's lines: (lines carrying task fields, 具体举措 lines, the bracket
    groups of the lines it read, by line index); the lines are in order.

    Fields are only looked for inside the blocks of task-candidate headings, the only place
    choosing the task level asks about them. A line without a colon holds no label, and one with
    neither a colon nor an opening bracket holds no fields at all.
    """
    rules = _field_rules(grammars)
    start, labels = rules.start, rules.labels
    low, high = _candidate_span(part, ends, grammars)
    fielded: list[int] = []
    role_lines: list[int] = []
    measures: list[int] = []
    groups_of: dict[int, _Groups] = {}
    texts = _texts(structure)
    for index, text in enumerate(texts[part.first:part.last], part.first):
        if not text:
            continue
        if "：" in text or ":" in text:
            m = start.match(text)
            if m is not None:
                if labels[m.group("label")].role == "measure":
                    measures.append(index)
                elif low <= index < high:
                    fielded.append(index)
            elif low <= index < high and _unlabelled_fields(text, True, rules, year, ref, groups_of, index):
                fielded.append(index)
        elif low <= index < high and (  # _has_open, inlined: this runs for every line
                "（" in text or "(" in text or "〔" in text or "【" in text or "[" in text) and _unlabelled_fields(
                text, False, rules, year, ref, groups_of, index):
            fielded.append(index)
        elif low < index < high and len(text) <= _ROLE_LINE_MAX and role_line_fields(
                text, texts[index - 1], rules, year, ref) is not None:
            role_lines.append(index)  # 市发改委牵头落实 alone on a line
    if len(role_lines) >= _ROLE_LINES_FOR_EVIDENCE:  # one such sentence says little about the level
        fielded = sorted(fielded + role_lines)
    return fielded, measures, groups_of


_ROLE_LINES_FOR_EVIDENCE = 2


def _candidate_span(part: DocumentPart, ends: list[int], grammars: GrammarSet) -> tuple[int, int]:
    """[low, high): the lines the blocks of task-candidate headings cover, from the first to the last."""
    low = high = 0
    for index, heading in enumerate(part.headings):
        if not heading.nontask or in_assigning_section(part, heading, grammars):
            if not high:
                low = heading.line
            high = max(high, ends[index])
    return low, high


def in_assigning_section(part: DocumentPart, heading: Heading, grammars: GrammarSet) -> bool:
    """Is a guiding-section heading in one whose title also names targets or tasks (一、总体要求和主要预期目标;
    nontasks.yaml `assigned_titles`), or an item of a task section only titled like a guiding one
    (一、重点任务 ⏎ 2.组织实施。…)? Its items that carry fields of their own are tasks."""
    return heading.line in _assigning_lines(part, grammars)


def _assigning_lines(part: DocumentPart, grammars: GrammarSet) -> frozenset[int]:
    """The lines of the headings inside assigning guiding sections, found once per part: the outermost
    heading of a guiding section decides for everything nested in it."""
    found = part.__dict__.get("_assigning")
    if found is None:
        assigned = grammars.vocab_pattern("nontasks", "assigned_titles")
        inside: dict[int, bool] = {}
        for index, heading in enumerate(part.headings):
            if not heading.nontask:
                continue
            parent = heading.parent
            if parent is not None and part.headings[parent].nontask:
                inside[index] = inside.get(parent, False)
            else:  # an item of a task section titled like a safeguard (2.组织实施。…（区住建局牵头）) assigns too
                inside[index] = parent is not None or assigned.search(heading.title) is not None
        found = part.__dict__["_assigning"] = frozenset(part.headings[i].line for i, yes in inside.items() if yes)
    return found


def _texts(structure: Structure) -> list[str]:
    """The text of every line, built once per structure: scans read texts, not Line objects."""
    texts = structure.__dict__.get("_texts")
    if texts is None:
        texts = structure.__dict__["_texts"] = [line.text for line in structure.lines]
    return texts


def choose_task_rank(structure: Structure, part: DocumentPart, grammars: GrammarSet,
                     year: int | None) -> int | None:
    """The level with the most items carrying task fields, among levels where at least half do.

    An outer heading whose block holds fielded items also "has fields", so counting items (not
    ratios) makes the level that actually carries them win; ties go to the deeper level.
    """
    ends = _block_ends(part)
    return _rank_with_fields(part, ends, _scan_part(structure, part, grammars, year, ends)[0])


def _rank_with_fields(part: DocumentPart, ends: list[int], fielded: list[int]) -> int | None:
    """choose_task_rank, given each heading's block end and the sorted lines that carry fields."""
    counts: dict[int, list[int]] = {}  # rank → [items, items whose block holds a fielded line]
    for index, heading in enumerate(part.headings):
        if not heading.nontask:
            count = counts.setdefault(heading.rank, [0, 0])
            count[0] += 1
            count[1] += bisect.bisect_left(fielded, ends[index]) > bisect.bisect_left(fielded, heading.line)
    best: tuple[int, int] | None = None
    for rank in sorted(counts):
        total, with_fields = counts[rank]
        if with_fields and with_fields >= 0.5 * total and (best is None or with_fields >= best[0]):
            best = (with_fields, rank)
    if best is None:
        return None
    return _items_under_section_leads(part, ends, fielded, _deeper_with_own_fields(part, fielded, best[1]))


def _deeper_with_own_fields(part: DocumentPart, fielded: list[int], rank: int) -> int:
    """`rank`, unless its items have fields only through deeper items that print fields on their
    own line (一、加强解读 ⏎ 1.做好解读。⏎ 2.开展宣讲。（县公开办负责）): then that deeper level,
    even where fewer than half of its items carry fields."""
    on_line: dict[int, int] = {}  # rank → items whose heading line itself carries fields
    for heading in part.headings:
        if not heading.nontask and _holds(fielded, heading.line):
            on_line[heading.rank] = on_line.get(heading.rank, 0) + 1
    if on_line.get(rank) or not any(r > rank for r in on_line):
        return rank
    deeper = [(count, -r) for r, count in on_line.items() if r > rank]
    return -max(deeper)[1]


def _items_under_section_leads(part: DocumentPart, ends: list[int], fielded: list[int], rank: int) -> int:
    """`rank`, unless every fielded item of it prints its fields on its heading line alone and holds
    plain numbered items (一、强化科技创新（区科技局牵头） ⏎ （一）加强平台建设。⏎ （二）…): those are
    the tasks, and they take the heading's units as their section's (`section-lead`)."""
    headings = part.headings
    children: dict[int, list[int]] = {}
    for heading in headings:
        if heading.parent is not None and not heading.nontask:
            if _LABEL_ITEM.fullmatch(heading.title):
                return rank  # 1.工作目标 / 2.主要举措: parts of an item, not items of their own
            children.setdefault(heading.parent, []).append(heading.rank)
    deeper: set[int] = set()
    for index, heading in enumerate(headings):
        if heading.rank != rank or heading.nontask:
            continue
        if index not in children:
            return rank  # an item without sub-items (四、加强安全生产。…) is a task of this level
        low = bisect.bisect_left(fielded, heading.line)
        high = bisect.bisect_left(fielded, ends[index])
        if high != low and (high - low != 1 or fielded[low] != heading.line):
            return rank
        deeper.update(children[index])
    return min(deeper) if deeper else rank


# the titles of an item's parts (1.工作目标。到2025年… 2.主要举措。…), not of tasks
_LABEL_ITEM = re.compile(r"(?:工作|主要|具体|总体|重点)?(?:目标|举措|措施|任务|内容|要求)(?:任务)?")


def _holds(sorted_lines: list[int], line: int) -> bool:
    at = bisect.bisect_left(sorted_lines, line)
    return at < len(sorted_lines) and sorted_lines[at] == line


def _fallback_rank(part: DocumentPart) -> int | None:
    """Without field evidence: numbered 1. items, else （一） items, else 一、 items."""
    for rank in (3, 2, 1):
        if sum(1 for h in part.headings if h.rank == rank and not h.nontask) >= 2:
            return rank
    return None
