"""Tasks of one document: each block at the task level (or a 具体举措 block) → a `RawTask`.

A task's title is its first line's text without a closing field group; its deadline is a field,
else a closing group's date, else a 推进计划, else a dated target in its body. Task tables are read
by `policyparse.tables` and placed among the numbered tasks in printed order.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

from .. import deadlines
from ..grammar import GrammarSet
from ..regexinfo import literal_gate, literal_led_parts
from ..structure import DocumentPart, Heading, Structure, attachment_label, heading_title, note_label, tail_starts
from .brackets import _TRIM, _Groups, _groups_in, bracket_groups
from .fields import (
    _ROLE_LINE_MAX,
    _extend,
    _field_rules,
    _Fields,
    _read_block,
    parse_group,
    role_line_fields,
    title_units,
    title_words,
)
from .level import _block_ends, _fallback_rank, _rank_with_fields, _scan_part, _texts, in_assigning_section


@dataclass(slots=True)
class RawTask:
    """A task as found, before ids and models are assigned."""

    number: str | None
    heading: Heading | None
    section: Heading | None
    title: str
    text: str
    lead: list[str]
    responsible: list[str]
    deadline: deadlines.DeadlineResult
    span: tuple[int, int]
    rules: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    table: int | None = None
    row: int | None = None


@dataclass
class DocumentTasks:
    tasks: list[RawTask]
    task_rank: int | None
    section_headings: list[Heading]
    warnings: list[tuple[str, int | None, str]]  # (code, task index, message)


_NOT_NUMBER = re.compile(r"[^0-9一二三四五六七八九十百①-⑳]")
_NUMBER_CHARS = "0123456789一二三四五六七八九十百" + "".join(map(chr, range(ord("①"), ord("⑳") + 1)))
_MARKS = "（）().．、"  # what ordinals print around their number
_ORDINAL_MARKS = str.maketrans("", "", _MARKS)
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ANY_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _number(ordinal: str) -> str:
    if len(ordinal) == 1 and "⑴" <= ordinal <= "⒇":  # a bracketed numeral printed as one character
        return str(ord(ordinal) - ord("⑴") + 1)
    if len(ordinal) == 1 and "⒈" <= ordinal <= "⒛":  # 1. printed as one character
        return str(ord(ordinal) - ord("⒈") + 1)
    if len(ordinal) == 1 and "㈠" <= ordinal <= "㈩":  # （一） printed as one character
        return "一二三四五六七八九十"[ord(ordinal) - ord("㈠")]
    core = ordinal.strip(_MARKS)  # marks print around the number: stripping is removing them all then
    if core and not core.strip(_NUMBER_CHARS):
        return core
    core = ordinal.translate(_ORDINAL_MARKS)
    if core and not core.strip(_NUMBER_CHARS):  # only number characters left: what the regex keeps
        return core
    return _NOT_NUMBER.sub("", ordinal) or ordinal


def task_title(first_text: str) -> str:
    """Text after the ordinal up to the first 。, without a closing field group."""
    return _task_title(first_text, None)


def _task_title(first_text: str, groups_of_text: _Groups | None) -> str:
    """task_title, given the bracket groups of `first_text` when they are known (the title is a piece of it)."""
    title = heading_title(first_text)
    if groups_of_text is None or not title:
        groups = bracket_groups(title)
    else:
        groups = _groups_in(first_text, first_text.find(title), title, groups_of_text)
    if groups and groups[-1][1] >= len(title) - 1 and groups[-1][0] > 0:
        title = title[: groups[-1][0]]
    return title.strip(_TRIM)


def _deadline_for(fields: _Fields, body: str, year: int | None, ref: date | None,
                  grammars: GrammarSet, body_groups: _Groups | None = None,
                  since: int | None = None) -> deadlines.DeadlineResult:
    """The field wins; then a closing group's date; then a 推进计划; then dated targets in the body.

    Every phrase is read with `grammars`, the run's set, so user deadline shapes apply.
    `body_groups` are the bracket groups of `body` when they are known; `since` is the earliest year
    a body's target may name (`_target_floor`; None: the year).
    """
    if fields.deadline_label:
        return deadlines.normalise(fields.deadline_label, year, ref, grammars)
    if fields.group_deadline:
        if fields.group_result is not None:  # read already, as the group's deadline clause
            return fields.group_result.copy()  # a cached group's result is shared
        return deadlines.normalise(fields.group_deadline, year, ref, grammars)
    if fields.plan:
        result = deadlines.normalise(fields.plan, year, ref, grammars)
        if result.kind == "milestones":
            result.text = None
        return result
    gate = _date_gate(grammars)
    if gate is None or gate.search(body):  # else no dated target: find_in_text would find nothing
        free = _strip_groups(body, grammars, year, ref, body_groups)
        if gate is None or free is body or gate.search(free):
            found = deadlines.find_in_text(free, year, ref, grammars, since=since)
            if found:
                return found
    return deadlines.DeadlineResult(text=None, kind="none", end=None)


@cache
def _date_gate(grammars: GrammarSet) -> re.Pattern[str] | None:
    """The characters a dated target can start from, as printed; None when that is not known.

    grammars/deadlines*.yaml: every dated shape starts where a `token_start` alternative (a class of
    single characters, or a word: 春节) matches, and the shapes see their input folded (full-width
    forms → ASCII, U+3000 → space, the `traditional` characters → simplified; masking only hides
    text). So a body where no alternative matches, even with each character allowed to be one that
    folds into it, names no date, and deadlines.find_in_text returns None for it. The deadlines stage
    reads the same set, so every file's `token_start` is covered.
    """
    files = [g for g in grammars.files if g.spec.stage == "deadlines"]
    alternatives = sorted({alt for g in files if "token_start" in g.spec.vocab
                           for alt in str(g.spec.vocab["token_start"]).split("|")})
    if not alternatives or not all(_gate_piece(alt) for alt in alternatives):
        return None
    folds = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width → ASCII
    folds["\u3000"] = " "
    for grammar in files:
        folds.update({str(k): str(v) for k, v in (grammar.spec.vocab.get("traditional") or {}).items()})
    return re.compile("|".join(_printed_forms(alt, folds) for alt in alternatives))


def _gate_piece(alternative: str) -> bool:
    """A single-character class ([0-9一二…]) or a plain word (春节): the forms the gate can widen."""
    if _SINGLE_CHAR_CLASS.fullmatch(alternative):
        return re.fullmatch(alternative, _MASKED) is None
    return bool(alternative) and re.escape(alternative) == alternative and not alternative.isspace()


def _printed_forms(alternative: str, folds: dict[str, str]) -> str:
    """`alternative` widened to what may be printed in its place: each character it matches, or
    any printed character whose folded form it matches (a many-character fold: all of its characters)."""
    if _SINGLE_CHAR_CLASS.fullmatch(alternative):
        start = re.compile(alternative)
        into = sorted({ch for printed, simple in folds.items() if start.match(simple) for ch in printed})
        return alternative if not into else f"{alternative}|[{''.join(map(re.escape, into))}]"
    classes = []
    for char in alternative:
        folded_in = {ch for printed, simple in folds.items() if simple.startswith(char) for ch in printed}
        sources = sorted({char} | folded_in)
        classes.append(re.escape(char) if len(sources) == 1 else f"[{''.join(map(re.escape, sources))}]")
    return "".join(classes)


_SINGLE_CHAR_CLASS = re.compile(r"\[(?!\^)[^\[\]\\]*\]")  # [0-9一二…]: no negation, nesting or escapes
_MASKED = "\ue000"  # what the deadline stage puts in place of masked text


def _strip_groups(text: str, grammars: GrammarSet, year: int | None, ref: date | None,
                  groups: _Groups | None = None) -> str:
    """Body text without its field groups, for finding dated targets in free text (`groups`: its
    bracket groups, when known)."""
    out = text
    for start, end, inner in reversed(bracket_groups(text) if groups is None else groups):
        if parse_group(inner, grammars, year, True, False, ref):
            out = out[:start] + out[end:]
    return out


@cache
def _stated_year(grammars: GrammarSet) -> re.Pattern[str]:
    """A year a deadline names itself (2023年, 二0二三年, 明年): the deadlines grammar's own `yearpfx`."""
    prefix = next((str(g.spec.vocab["yearpfx"]) for g in grammars.family("deadlines") if "yearpfx" in g.spec.vocab),
                  r"\d{4}年")
    return re.compile(re.sub(r"\(\?P<\w+>", "(?:", prefix))


_PAST_AT_ISSUE = timedelta(days=31)  # a deadline a month or more before the notice's own date


def _before_issue(task: RawTask, ref: date | None, grammars: GrammarSet) -> bool:
    """A dated deadline without a year of its own that, read in the notice's year (SCHEMA), ended over
    a month before the notice was issued (2月底前 in a notice of 2023-10-16): flagged, not moved."""
    end, text = task.deadline.end, task.deadline.text
    if ref is None or end is None or not text or task.deadline.kind not in ("by_date", "milestones"):
        return False
    return date.fromisoformat(end) < ref - _PAST_AT_ISSUE and _stated_year(grammars).search(text) is None


def _build_task(structure: Structure, first: int, last: int, heading: Heading | None, section: Heading | None,
                grammars: GrammarSet, year: int | None, ref: date | None,
                line_groups: dict[int, _Groups] | None = None, since: int | None = None) -> RawTask | None:
    lines = structure.lines
    skip = 0
    if heading is not None:
        skip = len(lines[first].text) - len(heading.rest)
    fields, body, body_lines, body_groups = _read_block(_texts(structure), first, last, grammars, year, skip, ref,
                                                        line_groups)
    if not body:
        return None
    text = "\n".join(body)
    if heading is not None and not fields.lead and (titled := title_units(heading.title, grammars)) is not None:
        _assign_title_units(fields, titled)  # （一）省审计厅牵头的工作 as a task: its title names the lead
    if fields.measure is not None and heading is None:
        title = task_title(fields.measure)
    else:
        title = _task_title(body[0], body_groups)  # body_groups: those of body[0] when it is the whole body
    last_line = max(body_lines[-1], max(fields.field_lines)) if fields.field_lines else body_lines[-1]
    span = (lines[first].start, lines[last_line].end)
    deadline = _deadline_for(fields, text, year, ref, grammars, body_groups, since)
    rules = fields.rules  # the block's own dict: merged groups only ever copied entries into it
    if deadline.rule:
        rules["deadline_kind"] = deadline.rule
    if heading is not None:
        rules["task"] = heading.rule
    return RawTask(number=_number(heading.ordinal) if heading else None, heading=heading, section=section,
                   title=title, text=text, lead=fields.lead, responsible=fields.responsible,
                   deadline=deadline, span=span, rules=rules, evidence=fields.evidence)


def _assign_title_units(fields: _Fields, titled: tuple[str, list[str], str]) -> None:
    role, names, ref = titled
    _extend(fields.lead if role == "lead" else fields.responsible, names)
    fields.rules.setdefault("lead_units" if role == "lead" else "responsible_units", ref)


def _in_blocks(blocks: list[tuple[int, int]], line_index: int) -> bool:
    """Is the line inside one of these disjoint [first, last) blocks (sorted by first)?"""
    position = bisect.bisect_right(blocks, (line_index, float("inf"))) - 1
    return position >= 0 and line_index < blocks[position][1]


def _enclosing_heading(part: DocumentPart, line_index: int) -> Heading | None:
    """The last heading before a line: its scope runs until a heading of the same or outer level."""
    position = bisect.bisect_left([h.line for h in part.headings], line_index)
    return part.headings[position - 1] if position else None


def _year_index(structure: Structure) -> _YearIndex:
    """Built once per text, shared by all its documents (a file may hold hundreds)."""
    cached = structure.__dict__.get("_year_index")
    if cached is None:
        cached = structure.__dict__["_year_index"] = _YearIndex.of(structure.text)
    return cached


_LATE_ISSUE_MONTH = 10  # a plan for next year issued from October on
# …a plan, not a letter: 关于做好2024年元旦春节期间…的通知 of December 2023 means this December's 12月28日前
_LETTER_KINDS = frozenset({"通知", "通告", "公告", "函", "批复", "通报", "决定"})


def document_year(structure: Structure, part: DocumentPart,
                  grammars: GrammarSet | None = None) -> tuple[int | None, date | None]:
    """The year relative dates take: the 成文日期, else a year in the title.

    A title's period (meta.yaml `title_period`, read when `grammars` is given) names its first year
    first: 三年行动方案（2021—2023年） starts in 2021, so an undated copy's 6月底前 is 2021-06-30.
    One exception: a plan whose title names the next year alone (2023年…工作要点), issued in the
    last quarter of the year before (2022-12-28), takes the title's year: its 6月底前 is 2023-06-30,
    not a day before the plan was issued."""
    meta = part.meta
    if meta.date:
        ref = date.fromisoformat(meta.date)
        years = {int(y) for y in _ANY_YEAR.findall(meta.title or "")}  # 2023—2025年 names two
        if ref.month >= _LATE_ISSUE_MONTH and years == {ref.year + 1} and meta.kind not in _LETTER_KINDS:
            return ref.year + 1, ref
        return ref.year, ref
    if meta.title:
        period = _title_period(grammars).search(meta.title) if grammars is not None else None
        if period is not None and (first := _ANY_YEAR.search(period.group())) is not None:
            return int(first.group()), None
        m = _TITLE_YEAR.search(meta.title)
        if m:
            return int(m.group(1)), None
    return None, None


def _target_floor(part: DocumentPart, year: int | None, grammars: GrammarSet) -> int | None:
    """The earliest year a dated target in a task body may name: the document year, or the first
    year of the plan period its title names (（2021—2025年）) when the document year lies inside it,
    since a plan's own steps are never past background (a 2022 copy of a 2021—2025 plan)."""
    if year is None or not part.meta.title:
        return year
    period = _title_period(grammars).search(part.meta.title)
    if period is None:
        return year
    years = [int(y) for y in _ANY_YEAR.findall(period.group())]
    return min(years[0], year) if len(years) == 2 and years[0] <= year <= years[1] else year


@cache
def _title_period(grammars: GrammarSet) -> re.Pattern[str]:
    """meta.yaml `title_period` (2023年, 2021—2023年, 2022-2025年): the period a title names."""
    periods = [str(g.spec.vocab["title_period"]) for g in grammars.family("meta") if "title_period" in g.spec.vocab]
    return re.compile("|".join(f"(?:{p})" for p in periods) or "(?!)")


@dataclass
class _YearIndex:
    """Stated years and where they stand, so 'the nearest year before' is a bisect, not a rescan."""

    offsets: list[int]
    years: list[int]

    @classmethod
    def of(cls, text: str) -> _YearIndex:
        found = [(m.start(), int(m.group(1))) for m in _TITLE_YEAR.finditer(text)]
        return cls([o for o, _ in found], [y for _, y in found])

    def before(self, offset: int) -> int | None:
        position = bisect.bisect_left(self.offsets, offset)
        return self.years[position - 1] if position else None


def _without_wrapper_items(part: DocumentPart, ends: list[int], fielded: list[int]) -> DocumentPart:
    """`part` with the notice's own numbered paragraphs before the plan it prints (1.明确任务，压实责任 …)
    marked as no tasks: they are its 工作要求 about carrying the plan out. One that prints task fields
    (or a shuffled page's plan item) stays a candidate."""
    plan = part.plan_first
    if plan is None or not any(h.line < plan for h in part.headings):
        return part
    marked = [
        replace(h, nontask=True)
        if h.line < plan and not h.nontask
        and bisect.bisect_left(fielded, min(ends[i], plan)) == bisect.bisect_left(fielded, h.line) else h
        for i, h in enumerate(part.headings)]
    return replace(part, headings=marked)


_PRINTS_A_PLAN = frozenset({"meta.yaml::print-wrapper", "meta.yaml::print_sentence"})


def _without_cover_items(part: DocumentPart, fielded: list[int], tails: list[int]) -> DocumentPart:
    """A cover letter whose plan is not in the text (关于印发《X》的通知 ⏎ 一、加强组织领导 … ⏎ signature, the
    plan cut off or sent apart): its own numbered paragraphs are its 工作要求, no tasks. Only when every
    heading stands before the letter's closing lines and none of them prints task fields: a plan printed
    inline (现将分工表印发给你们 ⏎ （一）…（县发改局牵头）) or below the signature without its title keeps
    its items."""
    if (part.plan_first is not None or not tails or not part.headings
            or part.meta.rules.get("title") not in _PRINTS_A_PLAN
            or any(h.line > tails[0] for h in part.headings) or (fielded and fielded[0] < tails[0])):
        return part
    return replace(part, headings=[replace(h, nontask=True) for h in part.headings])


def _provisions_only(part: DocumentPart, grammars: GrammarSet) -> bool:
    """Is the notice a kind whose numbered items are provisions, not tasks (应急预案, 工作规则, 管理办法 …;
    meta.yaml `provision_kinds`)? Then only items that carry task fields are tasks."""
    kind = part.meta.kind
    return kind is not None and kind in _provision_kinds(grammars)


@cache
def _provision_kinds(grammars: GrammarSet) -> frozenset[str]:
    return frozenset(map(str, grammars.vocab("meta", "provision_kinds")))


def extract_tasks(structure: Structure, part: DocumentPart, grammars: GrammarSet) -> DocumentTasks:
    """All tasks of one document, in printed order."""
    year, ref = document_year(structure, part, grammars)
    since = _target_floor(part, year, grammars)
    stated_years = _year_index(structure) if year is None else _YearIndex([], [])
    ends = _block_ends(part)
    fielded, measure_lines, line_groups = _scan_part(structure, part, grammars, year, ends, ref)
    part = _without_wrapper_items(part, ends, fielded)
    tails = tail_starts(structure, part, grammars)
    part = _without_cover_items(part, fielded, tails)
    rank = _rank_with_fields(part, ends, fielded)
    if rank is None and not measure_lines and not _provisions_only(part, grammars):
        rank = _fallback_rank(part)
    from ..tables import extract_table_tasks

    table_tasks, table_lines, table_notes = extract_table_tasks(structure, part, grammars, year, ref)
    tasks = list(table_tasks)
    table_starts = sorted(table_lines) if table_lines else []  # a numbered item's block ends where a table begins
    lines = structure.lines
    blocks: list[tuple[int, int]] = []  # [first, last) of each numbered task, in order and disjoint
    fielded_lines = set(fielded)
    # 一、县发改局牵头工作（3项）: a title naming the lead makes a section fielded for its items (and a
    # leaf section a task), but no evidence of the task level
    sections_fielded = fielded_lines | _titled_lines(part, grammars)
    leaves = _fielded_leaves(part, sections_fielded, rank) if rank is not None else set()
    split_sections: set[int] = set()  # task-level headings whose paragraphs each close with a role line
    if rank is not None:
        for index, heading in enumerate(part.headings):
            # an earlier block of this level ends at or before this heading: only tables can hold it
            if (heading.rank != rank and index not in leaves) or (
                    heading.nontask and not _assigned_in_nontask(part, index, ends[index], fielded, grammars)) or (
                    table_lines and heading.line in table_lines):
                continue
            end = _before_tail(_before_table(ends[index], heading.line, table_starts), heading.line, tails,
                               fielded)
            task_year = year or stated_years.before(lines[heading.line].start)
            segments = _role_line_segments(structure, part, heading.line, end, fielded_lines, grammars, task_year, ref)
            if segments:  # （一）加强预期引导 ⏎ paragraph ⏎ 市发改委牵头落实 ⏎ paragraph ⏎ 市人社局牵头落实
                split_sections.add(index)
                tasks += [task for first, last in segments if (task := _build_task(
                    structure, first, last, None, heading, grammars, task_year, ref, line_groups))]
                blocks.append((heading.line, end))
                continue
            section = part.headings[heading.parent] if heading.parent is not None else None
            task = _build_task(structure, heading.line, end, heading, section, grammars, task_year, ref, line_groups,
                               since)
            if task:
                tasks.append(task)
                blocks.append((heading.line, end))
    if measure_lines:
        stops = sorted({*measure_lines, *(h.line for h in part.headings), part.last})
        for start in measure_lines:
            if start in table_lines or _in_blocks(blocks, start):
                continue
            end = _before_tail(stops[bisect.bisect_right(stops, start)], start, tails, fielded)
            task_year = year or stated_years.before(lines[start].start)
            task = _build_task(structure, start, end, None, _enclosing_heading(part, start), grammars, task_year,
                               ref, line_groups, since)
            if task:
                tasks.append(task)
    if len(tasks) > len(blocks):  # numbered tasks come in printed order; table and 具体举措 tasks are placed
        tasks.sort(key=lambda t: t.span[0])
    _inherit_section_leads(structure, part, tasks, sections_fielded, grammars, year, ref, stated_years)
    _first_listed_leads(structure, part, tasks, grammars)
    sections = [h for i, h in enumerate(part.headings) if (h.rank < rank and i not in leaves) or i in split_sections] \
        if rank is not None else list(part.headings)
    if table_tasks:  # a task table's group rows (一、深化简政放权) are sections too
        sections = _with_group_rows(sections, part, table_tasks)
    warnings: list[tuple[str, int | None, str]] = [
        ("deadline.unparsed", i, f"deadline not understood: {task.deadline.text!r}")
        for i, task in enumerate(tasks) if task.deadline.unparsed]
    warnings += [("deadline.no_year", i, f"no year to place {_deadline_shown(task)} in: the notice states none")
                 for i, task in enumerate(tasks)
                 if task.deadline.kind in ("by_date", "milestones") and task.deadline.end is None]
    warnings += [("deadline.before_issue", i, f"{_deadline_shown(task)} names no year and, in the notice's year, "
                  f"ends {task.deadline.end}, before the notice itself ({ref}): check whether the next year is meant")
                 for i, task in enumerate(tasks) if _before_issue(task, ref, grammars)]
    warnings += [("units.unread", i, f"a role phrase names no unit recognised: {phrase!r}")
                 for i, task in enumerate(tasks)
                 if not task.lead and not task.responsible and (phrase := _unread_role_phrase(task.text, grammars))]
    if table_notes:
        index = {id(task): i for i, task in enumerate(tasks)}
        warnings += [(code, index[id(task)] if task is not None else None, message)
                     for code, task, message in table_notes]
    return DocumentTasks(tasks=tasks, task_rank=rank, section_headings=sections, warnings=warnings)


_UNREAD_PHRASE_MAX = 120  # a closing group longer than this is body text, not a unit list


def _unread_role_phrase(text: str, grammars: GrammarSet) -> str | None:
    """The closing bracket group of a task without units when it ends in a role phrase
    (…（哈尔滨、黑河市政府负责）): its units were not recognised, and the user should know."""
    body = text.rstrip("。；; ")
    if not body or body[-1] not in "）)〕】]":
        return None
    groups = bracket_groups(body)
    if not groups:
        return None
    _start, end, inner = groups[-1]
    if end < len(body) - 1 or len(inner) > _UNREAD_PHRASE_MAX:
        return None
    clause = _CLAUSE_SPLIT.split(inner)[0].strip()
    rules = _field_rules(grammars)
    return inner if clause.endswith(rules.inline_ends) and rules.hint.search(clause) else None


_CLAUSE_SPLIT = re.compile("[，,；;]")


def _role_line_segments(structure: Structure, part: DocumentPart, line: int, end: int, fielded: set[int],
                        grammars: GrammarSet, year: int | None, ref: date | None) -> list[tuple[int, int]] | None:
    """[first, last) of each paragraph run closed by a role line, when a task-level heading's block is
    only such runs (a flattened 主要内容 | 责任单位 table: 内容 ⏎ 市发改委牵头落实 ⏎ 内容 ⏎ 市人社局牵头落实):
    each run is a task of its own under the heading. None for any other block (one with a labelled or
    bracketed field, or with sub-items)."""
    if end - line < 5 or line in fielded:
        return None
    heads = _heading_lines(part)
    if bisect.bisect_right(heads, line) != bisect.bisect_left(heads, end):
        return None
    texts = _texts(structure)
    rules = _field_rules(grammars)
    runs: list[tuple[int, int]] = []
    start = line + 1
    for index in range(line + 2, end):
        text = texts[index]
        if text and len(text) <= _ROLE_LINE_MAX and role_line_fields(text, texts[index - 1], rules, year, ref):
            if not any(texts[i] for i in range(start, index)):
                return None
            runs.append((start, index + 1))
            start = index + 1
        elif index in fielded:
            return None  # a labelled or bracketed field: the block is one task
    return runs if len(runs) >= 2 else None


def _heading_lines(part: DocumentPart) -> list[int]:
    found = part.__dict__.get("_heading_lines")
    if found is None:
        found = part.__dict__["_heading_lines"] = [h.line for h in part.headings]
    return found


def _titled_lines(part: DocumentPart, grammars: GrammarSet) -> set[int]:
    """The lines of headings whose title names their units (县发改局牵头工作（3项）)."""
    words = title_words(grammars)
    if words is not None:
        titles = "\n".join(h.title for h in part.headings)
        if not any(word in titles for word in words):
            return set()
    return {h.line for h in part.headings if title_units(h.title, grammars) is not None}


def _fielded_leaves(part: DocumentPart, fielded: set[int], rank: int) -> set[int]:
    """Headings above the task level with no items of their own that print fields on their own
    line (1.有子项 …（1）（2）… then 3.推进监管。（A局牵头）): tasks too, not empty sections."""
    parents = {h.parent for h in part.headings if h.parent is not None}
    return {index for index, h in enumerate(part.headings)
            if h.rank < rank and index not in parents and not h.nontask and h.line in fielded}


def _inherit_section_leads(structure: Structure, part: DocumentPart, tasks: list[RawTask], fielded: set[int],
                           grammars: GrammarSet, year: int | None, ref: date | None,
                           stated_years: _YearIndex) -> None:
    """（一）提升政务服务效能（牵头单位：市政务服务局）: the nearest section heading that prints fields
    gives the tasks under it what they lack — its lead to those that name none, its responsible units
    to those that name no unit, its 完成时限 to those that state none (explained as `section-lead`)."""
    units: dict[int, _Fields] = {}  # heading line → the fields its own line prints
    texts: list[str] | None = None  # the lines' texts, gathered only once a section is read
    for task in tasks:
        if task.lead and task.responsible and task.deadline.kind != "none":
            continue
        section = task.section
        while section is not None and section.line not in fielded:
            section = section.enclosing(part.headings)
        if section is None:
            continue
        if section.line not in units:
            texts = texts or [line.text for line in structure.lines]
            units[section.line] = _read_block(texts, section.line, section.line + 1, grammars, year, 0, ref)[0]
        own = units[section.line]
        if not own.lead and (titled := title_units(section.title, grammars)) is not None and titled[0] == "lead":
            own.lead, own.rules["lead_units"] = list(titled[1]), titled[2]  # 一、县发改局牵头工作（3项）
        where = f"section-lead ({section.ordinal}{section.title})"
        named_units = bool(task.lead or task.responsible)
        if not task.lead and own.lead:
            task.lead = list(own.lead)
            task.rules["lead_units"] = f"{where} {own.rules.get('lead_units', '')}".strip()
            if task.responsible and any(unit in task.lead for unit in task.responsible):
                # 一、县发改局牵头的工作 ⏎ 1.…（县发改局负责，县财政局配合）: the section's lead is not
                # also a responsible unit
                task.responsible = [unit for unit in task.responsible if unit not in task.lead]
                if not task.responsible:
                    task.rules.pop("responsible_units", None)
        if not named_units and own.responsible:
            task.responsible = list(own.responsible)
            task.rules["responsible_units"] = f"{where} {own.rules.get('responsible_units', '')}".strip()
        if task.deadline.kind == "none" and not task.deadline.text and (own.deadline_label or own.group_deadline):
            task.deadline = _deadline_for(own, "", year or stated_years.before(task.span[0]), ref, grammars)
            task.rules["deadline"] = f"{where} {own.rules.get('deadline', '')}".strip()


def _first_listed_leads(structure: Structure, part: DocumentPart, tasks: list[RawTask],
                        grammars: GrammarSet) -> None:
    """A notice that says so once (列第一位者为牵头单位，下同; 无牵头单位的，责任单位即为牵头单位): in each
    task that names no lead, its first listed unit (`leads: first`) or all of them (`leads: all`) lead,
    explained as the units.yaml convention rule that was stated."""
    if not any(not t.lead and t.responsible for t in tasks):
        return
    lines = structure.lines
    offset = lines[part.first].start if part.last > part.first else 0
    text = structure.text[offset:lines[part.last - 1].end] if part.last > part.first else ""
    stated = _stated_convention(text, grammars)
    if stated is None:
        return
    ref, leads, start = stated
    listed = _listed_refs(grammars)
    # from the note on (下同); a footnote after every task (注：列第一位的为牵头单位) speaks of those above it,
    # back to its own attachment's label (附件2): not of the cover letter's tasks or another attachment's
    since = offset + start
    footnote = not any(task.span[0] > since for task in tasks) and _is_footnote(structure.text, since, grammars)
    if footnote:  # the tasks that start below the attachment label (a cover letter's last item runs on)
        since = _attachment_start(structure, part, since, grammars)
    for task in tasks:
        # only for units a 责任单位 label or column lists (not X配合)
        if (not task.lead and task.responsible and (task.span[0] > since if footnote else task.span[1] > since)
                and task.rules.get("responsible_units", "").split(" ")[-1] in listed):
            cut = 1 if leads == "first" else len(task.responsible)
            task.lead, task.responsible = task.responsible[:cut], task.responsible[cut:]
            task.rules["lead_units"] = ref
            if not task.responsible:
                task.rules.pop("responsible_units", None)


def _attachment_start(structure: Structure, part: DocumentPart, at: int, grammars: GrammarSet) -> int:
    """Where the attachment holding text offset `at` starts: its 附件 label line (附件2, or the cover
    letter's 附件：X list for a single one), the last one above `at` in the part; -1 when there is none."""
    label = attachment_label(grammars)
    for index in range(part.last - 1, part.first - 1, -1):
        line = structure.lines[index]
        if line.start < at and label.match(line.text.lstrip()):
            return line.start
    return -1


def _is_footnote(text: str, at: int, grammars: GrammarSet) -> bool:
    """Is the note at `at` on a line of its own opening with 注： (meta.yaml `note_label`; not 下同, not an
    附件 title's aside)?"""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return note_label(grammars).match(line.lstrip()) is not None and "下同" not in line


def _stated_convention(text: str, grammars: GrammarSet) -> tuple[str, str, int] | None:
    """(rule ref, which units lead, where it is said) of the first lead convention the text states."""
    found = None
    for ref, leads, parts, gate in _conventions(grammars):
        if gate is not None and not any(literal in text for literal in gate):
            continue
        for part in parts:
            m = part.search(text)
            if m is not None and (found is None or m.start() < found[2]):
                found = (ref, leads, m.start())
    return found


@cache
def _listed_refs(grammars: GrammarSet) -> frozenset[str]:
    """The rules that read a list of units under a label or a table column (not a role phrase)."""
    labels = {g.rule_ref(r) for g, r in grammars.rules("fields") if r.extra("kind") == "label"}
    columns = {g.rule_ref(r) for g, r in grammars.rules("tables") if r.extra("role")}
    return frozenset(labels | columns)


_Convention = tuple[str, str, tuple[re.Pattern[str], ...], frozenset[str] | None]


@cache
def _conventions(grammars: GrammarSet) -> tuple[_Convention, ...]:
    """(rule ref, `leads`, the pattern as literal-led parts, the literals one of which a match holds)
    of every units.yaml convention rule.

    A notice is searched whole, and a pattern led by a class or an alternation ([列排]…|第一…) is
    tried at every character; its literal-led parts are scanned for at memchr speed. The first
    match of the pattern starts where the earliest first match of its parts does.
    """
    found = []
    for grammar, rule in grammars.rules("units"):
        if rule.extra("kind") == "convention" and rule.pattern:
            pattern = grammar.pattern(rule.id)
            parts = literal_led_parts(pattern, _CONVENTION_PARTS) or (pattern,)
            found.append((grammar.rule_ref(rule), str(rule.extra("leads") or "first"), parts, literal_gate(pattern)))
    return tuple(found)


_CONVENTION_PARTS = 8  # more literal-led parts than this cost more scans than the pattern's own


def _deadline_shown(task: RawTask) -> str:
    """A deadline as a warning names it: its text, else its first milestone's (a 推进计划 block)."""
    deadline = task.deadline
    if deadline.text:
        return repr(deadline.text)
    first = next((m.text for m in deadline.milestones if m.text), None)
    return f"the plan '{first[:20]}…'" if first else "the deadline"


def _before_table(end: int, line: int, table_starts: list[int]) -> int:
    """A numbered item's block ends where a task table after it begins (`table_starts`: sorted table lines)."""
    if table_starts:
        next_table = bisect.bisect_right(table_starts, line)
        if next_table < len(table_starts):
            return min(end, table_starts[next_table])
    return end


def _assigned_in_nontask(part: DocumentPart, index: int, end: int, fielded: list[int],
                         grammars: GrammarSet) -> bool:
    """An item of a guiding section is a task when it carries fields of its own and the section's title
    also names targets or tasks (一、总体要求和主要预期目标 ⏎ 1.完成…目标。（X牵头，Y负责）). 保障措施 items
    stay no tasks whatever they carry."""
    heading = part.headings[index]
    position = bisect.bisect_left(fielded, heading.line)
    if position == len(fielded) or fielded[position] >= end:
        return False
    return in_assigning_section(part, heading, grammars)


def _before_tail(end: int, line: int, tails: list[int], fielded: list[int]) -> int:
    """A block's text stops at a closing line inside it (附件：, 抄送：, a signature block; `tails` and
    `fielded`, sorted) when no line after it carries task fields."""
    position = bisect.bisect_right(tails, line)
    if position == len(tails) or tails[position] >= end:
        return end
    tail = tails[position]
    after = bisect.bisect_left(fielded, tail)
    return end if after < len(fielded) and fielded[after] < end else tail


def _with_group_rows(sections: list[Heading], part: DocumentPart, table_tasks: list[RawTask]) -> list[Heading]:
    """The sections plus the group rows table tasks sit under (only table tasks have such sections)."""
    known = {id(h) for h in part.headings}
    group_rows: dict[int, Heading] = {}
    for task in table_tasks:
        section = task.section
        while section is not None and id(section) not in known:  # a group row and the ones around it
            group_rows[id(section)] = section
            section = section.outer
    if not group_rows:
        return sections
    taken = {h.line for h in group_rows.values()}  # a heading line a table read as its group row
    return sorted([*(h for h in sections if h.line not in taken), *group_rows.values()], key=lambda h: h.line)
