"""Stage 5, extract: tasks with their title, text, lead and responsible units, and deadline.

Which numbered level holds the tasks is decided by evidence: the level whose items carry task
fields (labelled lines, closing parentheticals) is the task level; sub-items below it are part of
a task's body, and items under guiding-principle or safeguard sections are not tasks. Documents
without numbered tasks may use 具体举措/推进计划 blocks. All labels and role phrases come from
`grammars/fields.yaml`, unit splitting from `grammars/units.yaml`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from . import deadlines
from .grammar import Example, Grammar, GrammarSet, Rule
from .structure import DocumentPart, Heading, Line, Structure, heading_title

_OPEN = "（(〔【["
_CLOSE = "）)〕】]"
_PAIRS = dict(zip(_OPEN, _CLOSE, strict=True))
_TRIM = " \t　:：。；;，,、"


@dataclass
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


@dataclass
class _Fields:
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline_label: str | None = None
    group_deadline: str | None = None
    plan: str | None = None
    measure: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    field_lines: set[int] = field(default_factory=set)


# ---------------------------------------------------------------- grammar access


@dataclass(frozen=True)
class _Label:
    role: str
    ref: str
    rule_id: str


@cache
def _label_table(grammars: GrammarSet) -> tuple[dict[str, _Label], re.Pattern[str], re.Pattern[str]]:
    """Every label word → its role; a pattern for a line that starts with a label; one for any label."""
    table: dict[str, _Label] = {}
    for grammar, rule in grammars.rules("fields"):
        if rule.extra("kind") == "label":
            for word in rule.extra("labels", []):
                table.setdefault(word, _Label(rule.extra("role"), grammar.rule_ref(rule), rule.id))
    words = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    start = re.compile(rf"^[（(〔【\[]?\s*(?P<label>{words})\s*[:：]\s*")
    anywhere = re.compile(rf"(?P<label>{words})\s*[:：]\s*")
    return table, start, anywhere


@cache
def _inline_suffixes(grammars: GrammarSet) -> list[tuple[str, _Label]]:
    suffixes: list[tuple[str, _Label]] = []
    for grammar, rule in grammars.rules("fields"):
        if rule.extra("kind") == "inline":
            label = _Label(rule.extra("role"), grammar.rule_ref(rule), rule.id)
            suffixes += [(s, label) for s in rule.extra("suffixes", [])]
    return sorted(suffixes, key=lambda item: len(item[0]), reverse=True)


@cache
def _role_hint(grammars: GrammarSet) -> re.Pattern[str]:
    """A cheap pre-check: does a line mention any role word at all?"""
    words = {s for s, _ in _inline_suffixes(grammars)} | set(_label_table(grammars)[0])
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


@dataclass(frozen=True)
class _UnitVocab:
    separators: re.Pattern[str]
    joiners: tuple[str, ...]
    suffixes: tuple[str, ...]
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    etc: str
    max_chars: int
    collective_prefixes: tuple[str, ...]
    lead_markers: tuple[str, ...]

    @property
    def suffix_set(self) -> frozenset[str]:
        return frozenset(self.suffixes)

    @property
    def longest_suffix(self) -> int:
        return max(map(len, self.suffixes), default=0)


@cache
def _units(grammars: GrammarSet) -> _UnitVocab:
    def merged(key: str) -> list[str]:
        return [str(v) for v in grammars.vocab("units", key)]

    separators = next((g.spec.vocab["separators"] for g in grammars.family("units")
                       if "separators" in g.spec.vocab), "[、，,；;]+")
    etc = next((g.spec.vocab["etc"] for g in grammars.family("units") if "etc" in g.spec.vocab), "等")
    max_chars = next((g.spec.vocab["max_unit_chars"] for g in grammars.family("units")
                      if "max_unit_chars" in g.spec.vocab), 40)
    return _UnitVocab(
        separators=re.compile(separators),
        joiners=tuple(sorted(merged("joiners"), key=len, reverse=True)),
        suffixes=tuple(sorted(merged("suffixes"), key=len, reverse=True)),
        strip_prefixes=tuple(merged("strip_prefixes")),
        strip_suffixes=tuple(sorted(merged("strip_suffixes"), key=len, reverse=True)),
        etc=str(etc),
        max_chars=int(max_chars),
        collective_prefixes=tuple(merged("collective_prefixes")),
        lead_markers=tuple(sorted(merged("lead_markers"), key=len, reverse=True)),
    )


# ---------------------------------------------------------------- units


def _space_separated(parts: list[str], vocab: _UnitVocab) -> list[str]:
    """税务局 公安局 (a table cell, a PDF line) is two units; 市 发改委 is one name broken by a space."""
    out: list[str] = []
    for part in parts:
        pieces = part.split()
        if len(pieces) > 1 and all(_is_unit_name(p, vocab) or p.startswith(vocab.collective_prefixes)
                                   for p in pieces):
            out += pieces
        else:
            out.append("".join(pieces) if len(pieces) > 1 and not re.search(r"[A-Za-z0-9]\s+[A-Za-z0-9]", part)
                       else part)
    return out


def _split_top_level(text: str, separators: re.Pattern[str]) -> list[str]:
    """Split on separators that are not inside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and separators.fullmatch(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _is_unit_name(text: str, vocab: _UnitVocab) -> bool:
    """Ends with a unit suffix and has a name before it (单位 or 部门 alone is not a unit)."""
    core = _TRAILING_BRACKET.sub("", text) if text.endswith(("）", ")")) else text
    suffixes = _suffix_lookup(vocab)
    for size in range(1, min(len(core), vocab.longest_suffix) + 1):
        if core[-size:] in suffixes:
            return len(core) > size
    return False


@cache
def _suffix_lookup(vocab: _UnitVocab) -> frozenset[str]:
    return vocab.suffix_set


_TRAILING_BRACKET = re.compile(r"[（(][^（(）)]*[）)]$")


def _split_joined(name: str, vocab: _UnitVocab) -> list[str]:
    """Split on 和/及/与 only where the left side is already a whole unit name."""
    for joiner in vocab.joiners:
        pos = name.find(joiner)
        while pos > 0:
            left, right = name[:pos], name[pos + len(joiner):]
            if _is_unit_name(left, vocab) and right and _is_unit_name(right, vocab):
                return [*_split_joined(left, vocab), *_split_joined(right, vocab)]
            pos = name.find(joiner, pos + 1)
    return [name]


def split_units(text: str, grammars: GrammarSet) -> list[str]:
    """A printed unit list → unit names in printed order, duplicates removed."""
    return list(_split_units(text, grammars))


@lru_cache(maxsize=4096)
def _split_units(text: str, grammars: GrammarSet) -> tuple[str, ...]:
    """Cached: notices repeat the same unit lists under many tasks."""
    vocab = _units(grammars)
    text = text.strip(_TRIM)
    units: list[str] = []
    for part in _space_separated(_split_top_level(text, vocab.separators), vocab):
        part = part.strip(_TRIM)
        for prefix in vocab.strip_prefixes:
            if part.startswith(prefix) and len(part) > len(prefix) + 1:
                part = part[len(prefix):]
        for suffix in vocab.strip_suffixes:
            if part.endswith(suffix) and len(part) > len(suffix):
                part = part[: -len(suffix)]
                break
        pieces = [part]
        if vocab.etc in part:
            head, _, tail = part.rpartition(vocab.etc)
            pieces = [head, tail] if head and tail else [head or tail]
        for piece in pieces:
            for name in _split_joined(piece.strip(_TRIM), vocab):
                if name and len(name) <= vocab.max_chars and name not in units:
                    units.append(name)
    return tuple(units)


# ---------------------------------------------------------------- field groups and clauses


def bracket_groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level bracket groups (start, end, inner text) with balanced nesting."""
    groups: list[tuple[int, int, str]] = []
    depth = 0
    start = 0
    for m in _BRACKET.finditer(text):
        if m.group(0) in _PAIRS:
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                groups.append((start, m.end(), text[start + 1:m.start()]))
    return groups


_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")


def _clause_role(clause: str, grammars: GrammarSet, strict: bool = False) -> tuple[_Label, str] | None:
    table, start, _ = _label_table(grammars)
    m = start.match(clause)
    if m:
        return table[m.group("label")], clause[m.end():]
    for suffix, label in _inline_suffixes(grammars):
        if clause.endswith(suffix) and len(clause) > len(suffix):
            units = clause[: -len(suffix)]
            if "。" not in units and len(units) <= 300 and _looks_like_units(units, grammars, strict):
                return label, units
    return None


def _looks_like_units(text: str, grammars: GrammarSet, strict: bool = False) -> bool:
    """Every listed name ends with a unit suffix or (unless strict) is a collective name (各…)."""
    vocab = _units(grammars)
    names = split_units(text, grammars)
    return bool(names) and all(
        _is_unit_name(n, vocab) or (not strict and n.startswith(vocab.collective_prefixes)) for n in names)


def _is_deadline_clause(clause: str, year: int | None) -> bool:
    if len(clause) > 200:
        return False
    return deadlines.normalise(clause, year=year).kind != "none"


def _assign_units(fields: _Fields, label: _Label, units_text: str, grammars: GrammarSet) -> None:
    vocab = _units(grammars)
    names = split_units(units_text, grammars)
    if not names:
        return
    if label.role == "lead" and vocab.etc in units_text:
        head, _, tail = units_text.rpartition(vocab.etc)
        if head and tail:
            lead_names, resp_names = split_units(head, grammars), split_units(tail, grammars)
            _extend(fields.lead, lead_names)
            _extend(fields.responsible, resp_names)
            fields.rules.setdefault("lead_units", label.ref)
            fields.rules.setdefault("responsible_units", label.ref)
            return
    if label.role == "responsible" and vocab.lead_markers:
        marked = [n for n in names if n.endswith(vocab.lead_markers)]
        if marked:  # 责任单位：市发展改革委（牵头）、市财政局 — the marked unit leads
            _extend(fields.lead, [_strip_marker(n, vocab) for n in marked])
            fields.rules.setdefault("lead_units", label.ref)
            names = [n for n in names if n not in marked]
    target = fields.lead if label.role == "lead" else fields.responsible
    _extend(target, names)
    if names:
        fields.rules.setdefault("lead_units" if label.role == "lead" else "responsible_units", label.ref)


def _strip_marker(name: str, vocab: _UnitVocab) -> str:
    for marker in vocab.lead_markers:
        if name.endswith(marker):
            return name[: -len(marker)].strip(_TRIM)
    return name


def _extend(target: list[str], names: list[str]) -> None:
    for name in names:
        if name not in target:
            target.append(name)


@lru_cache(maxsize=8192)
def parse_group(inner: str, grammars: GrammarSet, year: int | None, at_end: bool,
                strict: bool = False) -> _Fields | None:
    """Fields of a bracket group such as （X牵头，Y参与，2017年9月底完成）; None if it is not one.

    `strict` (for text outside brackets): every clause must be a role or a deadline, and units
    must carry unit suffixes. Cached (choosing the task level and reading a task see the same
    groups); callers must not mutate the result.
    """
    if not _role_hint(grammars).search(inner) and not at_end:
        return None
    clauses = _split_top_level(inner, re.compile(r"[，,；;]"))
    fields = _Fields()
    roles = 0
    deadline_from: int | None = None
    offset = 0
    continuing: _Label | None = None  # 责任单位：A，B — B continues a labelled list
    label_start = _label_table(grammars)[1]
    for clause in clauses:
        stripped = clause.strip()
        found = _clause_role(stripped, grammars, strict)
        if found and found[0].role in ("lead", "responsible"):
            _assign_units(fields, found[0], found[1], grammars)
            fields.evidence.append(found[0].rule_id)
            roles += 1
            continuing = found[0] if label_start.match(stripped) else None
        elif found and found[0].role == "deadline":
            fields.group_deadline = found[1].strip()
            fields.evidence.append(found[0].rule_id)
            continuing = None
        elif deadline_from is None and stripped and _is_deadline_clause(stripped, year):
            deadline_from = offset + (len(clause) - len(clause.lstrip()))
            continuing = None
        elif continuing is not None and stripped and _looks_like_units(stripped, grammars):
            _assign_units(fields, continuing, stripped, grammars)
        elif strict and stripped and deadline_from is None:
            return None
        else:
            continuing = None
        offset += len(clause) + 1
    if deadline_from is not None and fields.group_deadline is None:
        fields.group_deadline = inner[deadline_from:].strip(_TRIM)
        fields.evidence.append("parenthetical-deadline")
        fields.rules["deadline"] = "fields.yaml::parenthetical-deadline"
    if roles == 0 and not (at_end and fields.group_deadline and deadline_from == 0):
        return None
    return fields


def _merge(into: _Fields, other: _Fields) -> None:
    _extend(into.lead, other.lead)
    _extend(into.responsible, other.responsible)
    if other.group_deadline:
        into.group_deadline = other.group_deadline
    for key, value in other.rules.items():
        into.rules.setdefault(key, value)
    into.evidence += other.evidence


# ---------------------------------------------------------------- blocks


def _read_block(lines: list[Line], first: int, last: int, grammars: GrammarSet, year: int | None,
                skip_prefix: int = 0) -> tuple[_Fields, list[str], list[int]]:
    """Fields and body lines of a task block; returns (fields, body texts, body line indexes)."""
    table, start, _anywhere = _label_table(grammars)
    fields = _Fields()
    body: list[str] = []
    body_lines: list[int] = []
    pending: str | None = None  # a label whose value is printed on the next line (PDF layouts)
    for line in lines[first:last]:
        text = line.text[skip_prefix:] if line.index == first else line.text
        if not text:
            continue
        m = start.match(text)
        if pending is not None and not m:
            _read_labels(pending + text, fields, grammars, line.index)
            pending = None
            continue
        pending = None
        if m and table[m.group("label")].role != "measure":
            if not text[m.end():].strip(_TRIM) and table[m.group("label")].role != "plan":
                pending = text
            _read_labels(text, fields, grammars, line.index)
            continue
        if m:  # 具体举措： opens the block's body
            fields.measure = text[m.end():]
            fields.evidence.append(table[m.group("label")].rule_id)
            text = text[m.end():]
        tail = _trailing_labels(text, grammars)
        if tail is not None:
            _read_labels(text[tail:], fields, grammars, line.index)
            text = text[:tail].rstrip()
        body.append(text)
        body_lines.append(line.index)
        if _role_hint(grammars).search(text) or line.index == last - 1 or text[-1:] in _CLOSE:
            for _g_start, g_end, inner in bracket_groups(text):
                at_end = g_end >= len(text.rstrip("。；; ")) - 1
                parsed = parse_group(inner, grammars, year, at_end)
                if parsed:
                    _merge(fields, parsed)
            sentence = _closing_role_sentence(text, grammars, year)
            if sentence:
                _merge(fields, sentence)
    return fields, body, body_lines


def _closing_role_sentence(text: str, grammars: GrammarSet, year: int | None) -> _Fields | None:
    """…。由市发展改革委牵头，市财政局配合。 — a last sentence made only of role clauses.

    Without brackets the clauses must name real units (unit suffixes), so that a sentence such as
    各部门要按照职责分工负责落实 is not read as a field.
    """
    body = text.rstrip("。；;！ ")
    cut = body.rfind("。")
    if cut < 0:
        return None
    sentence = body[cut + 1:]
    if not sentence or len(sentence) > 200 or any(ch in _OPEN for ch in sentence):
        return None
    parsed = parse_group(sentence, grammars, year, at_end=False, strict=True)
    if parsed and (parsed.lead or parsed.responsible):
        return parsed
    return None


def _trailing_labels(text: str, grammars: GrammarSet) -> int | None:
    """Where labelled fields start after a paragraph's last sentence (…。责任单位：X；完成时限：Y。)."""
    table, _, anywhere = _label_table(grammars)
    for m in anywhere.finditer(text):
        if m.start() == 0 or text[m.start() - 1] not in "。；;！ \t":
            continue
        if table[m.group("label")].role in ("measure", "plan"):
            continue
        head = text[:m.start()]
        if sum(head.count(c) for c in _OPEN) == sum(head.count(c) for c in _CLOSE):
            return m.start()
    return None


def _drop_unbalanced_close(text: str) -> str:
    """Trailing closing brackets that close nothing inside the value (left from a wrapping group)."""
    while text and text[-1] in _CLOSE and sum(text.count(c) for c in _OPEN) < sum(text.count(c) for c in _CLOSE):
        text = text[:-1].rstrip(_TRIM)
    return text


def _unwrap(text: str) -> str:
    """（牵头单位：X；责任单位：Y） → the inside, when one bracket group spans the whole line."""
    groups = bracket_groups(text)
    if len(groups) == 1 and groups[0][0] == 0 and groups[0][1] == len(text):
        return groups[0][2]
    return text


def _read_labels(text: str, fields: _Fields, grammars: GrammarSet, line_index: int) -> None:
    """One line of labelled fields; several labels may share a line (牵头单位：X 责任单位：Y)."""
    table, _, anywhere = _label_table(grammars)
    text = _unwrap(text.strip())
    matches = list(anywhere.finditer(text))
    for i, m in enumerate(matches):
        value_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = _drop_unbalanced_close(text[m.end():value_end].strip(_TRIM))
        label = table[m.group("label")]
        fields.evidence.append(label.rule_id)
        fields.field_lines.add(line_index)
        if label.role in ("lead", "responsible"):
            _assign_units(fields, label, value, grammars)
        elif label.role == "deadline":
            fields.deadline_label = value
            fields.rules["deadline"] = label.ref
        elif label.role == "plan":
            fields.plan = value
            fields.rules["deadline"] = label.ref


# ---------------------------------------------------------------- task level


def _block_end(headings: list[Heading], index: int, part: DocumentPart) -> int:
    """Line index where heading `index`'s scope ends (next heading of the same or outer level)."""
    rank = headings[index].rank
    for later in range(index + 1, len(headings)):  # no slice: copying the tail per heading is quadratic
        if headings[later].rank <= rank:
            return headings[later].line
    return part.last


def _line_has_fields(text: str, grammars: GrammarSet, year: int | None) -> bool:
    """Does one line carry task fields (a label line, trailing labels, or a field group)?"""
    table, start, _ = _label_table(grammars)
    m = start.match(text)
    if m:
        return table[m.group("label")].role != "measure"
    if not _role_hint(grammars).search(text) and text[-1:] not in _CLOSE:
        return False
    if _trailing_labels(text, grammars) is not None:
        return True
    end = len(text.rstrip("。；; ")) - 1
    for _start, g_end, inner in bracket_groups(text):
        parsed = parse_group(inner, grammars, year, g_end >= end)
        if parsed and (parsed.lead or parsed.responsible or parsed.group_deadline):
            return True
    return False


def _field_prefix(structure: Structure, part: DocumentPart, grammars: GrammarSet, year: int | None) -> list[int]:
    """Prefix sums of field-carrying lines, so 'does this block carry fields' is O(1)."""
    prefix = [0] * (part.last - part.first + 1)
    for offset, line in enumerate(structure.lines[part.first:part.last]):
        prefix[offset + 1] = prefix[offset] + (bool(line.text) and _line_has_fields(line.text, grammars, year))
    return prefix


def choose_task_rank(structure: Structure, part: DocumentPart, grammars: GrammarSet,
                     year: int | None) -> int | None:
    """The level with the most items carrying task fields, among levels where at least half do.

    An outer heading whose block holds fielded items also "has fields", so counting items (not
    ratios) makes the level that actually carries them win; ties go to the deeper level.
    """
    prefix = _field_prefix(structure, part, grammars, year)
    best: tuple[int, int] | None = None
    for rank in sorted({h.rank for h in part.headings if not h.nontask}):
        items = [i for i, h in enumerate(part.headings) if h.rank == rank and not h.nontask]
        with_fields = 0
        for i in items:
            first, last = part.headings[i].line - part.first, _block_end(part.headings, i, part) - part.first
            with_fields += prefix[last] > prefix[first]
        if with_fields and with_fields >= 0.5 * len(items) and (best is None or with_fields >= best[0]):
            best = (with_fields, rank)
    return best[1] if best else None


def _fallback_rank(part: DocumentPart) -> int | None:
    """Without field evidence: numbered 1. items, else （一） items, else 一、 items."""
    for rank in (3, 2, 1):
        if sum(1 for h in part.headings if h.rank == rank and not h.nontask) >= 2:
            return rank
    return None


# ---------------------------------------------------------------- tasks


def _number(ordinal: str) -> str:
    return re.sub(r"[^0-9一二三四五六七八九十百①-⑳]", "", ordinal) or ordinal


def task_title(first_text: str) -> str:
    """Text after the ordinal up to the first 。, without a closing field group."""
    title = heading_title(first_text)
    groups = bracket_groups(title)
    if groups and groups[-1][1] >= len(title) - 1 and groups[-1][0] > 0:
        title = title[: groups[-1][0]]
    return title.strip(_TRIM)


def _deadline_for(fields: _Fields, body: str, year: int | None, ref: date | None,
                  grammars: GrammarSet) -> deadlines.DeadlineResult:
    """The field wins; then a closing group's date; then a 推进计划; then dated targets in the body."""
    if fields.deadline_label:
        return deadlines.normalise(fields.deadline_label, year=year, ref=ref)
    if fields.group_deadline:
        return deadlines.normalise(fields.group_deadline, year=year, ref=ref)
    if fields.plan:
        result = deadlines.normalise(fields.plan, year=year, ref=ref)
        if result.kind == "milestones":
            result.text = None
        return result
    found = deadlines.find_in_text(_strip_groups(body, grammars, year), year=year, ref=ref)
    return found or deadlines.DeadlineResult(text=None, kind="none", end=None)


def _strip_groups(text: str, grammars: GrammarSet, year: int | None) -> str:
    """Body text without its field groups, for finding dated targets in free text."""
    out = text
    for start, end, inner in reversed(bracket_groups(text)):
        if parse_group(inner, grammars, year, at_end=True):
            out = out[:start] + out[end:]
    return out


def _build_task(structure: Structure, first: int, last: int, heading: Heading | None, section: Heading | None,
                grammars: GrammarSet, year: int | None, ref: date | None) -> RawTask | None:
    lines = structure.lines
    skip = 0
    if heading is not None:
        skip = len(lines[first].text) - len(heading.rest)
    fields, body, body_lines = _read_block(lines, first, last, grammars, year, skip_prefix=skip)
    if not body:
        return None
    text = "\n".join(body)
    title = task_title(fields.measure if fields.measure is not None and heading is None else body[0])
    last_line = max([*body_lines, *fields.field_lines])
    span = (lines[first].start, lines[last_line].end)
    deadline = _deadline_for(fields, text, year, ref, grammars)
    rules = dict(fields.rules)
    if deadline.rule:
        rules["deadline_kind"] = deadline.rule
    if heading is not None:
        rules["task"] = heading.rule
    return RawTask(number=_number(heading.ordinal) if heading else None, heading=heading, section=section,
                   title=title, text=text, lead=fields.lead, responsible=fields.responsible,
                   deadline=deadline, span=span, rules=rules, evidence=fields.evidence)


def _measure_starts(structure: Structure, part: DocumentPart, grammars: GrammarSet) -> list[int]:
    table, start, _ = _label_table(grammars)
    found = []
    for line in structure.lines[part.first:part.last]:
        m = start.match(line.text)
        if m and table[m.group("label")].role == "measure":
            found.append(line.index)
    return found


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


def document_year(structure: Structure, part: DocumentPart) -> tuple[int | None, date | None]:
    """The year relative dates take: the 成文日期, else a year in the title."""
    meta = part.meta
    if meta.date:
        ref = date.fromisoformat(meta.date)
        return ref.year, ref
    if meta.title:
        m = re.search(r"((?:19|20)\d{2})\s*年", meta.title)
        if m:
            return int(m.group(1)), None
    return None, None


@dataclass
class _YearIndex:
    """Stated years and where they stand, so 'the nearest year before' is a bisect, not a rescan."""

    offsets: list[int]
    years: list[int]

    @classmethod
    def of(cls, text: str) -> _YearIndex:
        found = [(m.start(), int(m.group(1))) for m in re.finditer(r"((?:19|20)\d{2})\s*年", text)]
        return cls([o for o, _ in found], [y for _, y in found])

    def before(self, offset: int) -> int | None:
        position = bisect.bisect_left(self.offsets, offset)
        return self.years[position - 1] if position else None


def extract_tasks(structure: Structure, part: DocumentPart, grammars: GrammarSet) -> DocumentTasks:
    """All tasks of one document, in printed order."""
    year, ref = document_year(structure, part)
    stated_years = _year_index(structure) if year is None else _YearIndex([], [])
    rank = choose_task_rank(structure, part, grammars, year)
    measure_lines = _measure_starts(structure, part, grammars)
    if rank is None and not measure_lines:
        rank = _fallback_rank(part)
    from .tables import extract_table_tasks

    tasks, task_lines = extract_table_tasks(structure, part, grammars, year, ref)
    table_starts = sorted(task_lines)  # a numbered item's block ends where a task table begins
    warnings: list[tuple[str, int | None, str]] = []
    if rank is not None:
        for index, heading in enumerate(part.headings):
            if heading.rank != rank or heading.nontask or heading.line in task_lines:
                continue
            end = _block_end(part.headings, index, part)
            next_table = bisect.bisect_right(table_starts, heading.line)
            if next_table < len(table_starts):
                end = min(end, table_starts[next_table])
            task_year = year or stated_years.before(structure.lines[heading.line].start)
            section = part.headings[heading.parent] if heading.parent is not None else None
            task = _build_task(structure, heading.line, end, heading, section, grammars, task_year, ref)
            if task:
                tasks.append(task)
                task_lines.update(range(heading.line, end))
    stops = sorted({*measure_lines, *(h.line for h in part.headings), part.last})
    for start in measure_lines:
        if start in task_lines:
            continue
        end = next(s for s in stops if s > start)
        task_year = year or stated_years.before(structure.lines[start].start)
        task = _build_task(structure, start, end, None, _enclosing_heading(part, start), grammars, task_year, ref)
        if task:
            tasks.append(task)
    tasks.sort(key=lambda t: t.span[0])
    sections = [h for h in part.headings if rank is None or h.rank < rank]
    known = {id(h) for h in part.headings}
    group_rows = {id(t.section): t.section for t in tasks if t.section is not None and id(t.section) not in known}
    if group_rows:  # a task table's group rows (一、深化简政放权) are sections too
        sections = sorted([*sections, *group_rows.values()], key=lambda h: h.line)
    for i, task in enumerate(tasks):
        if task.deadline.unparsed:
            warnings.append(("deadline.unparsed", i, f"deadline not understood: {task.deadline.text!r}"))
    return DocumentTasks(tasks=tasks, task_rank=rank, section_headings=sections, warnings=warnings)


# ---------------------------------------------------------------- grammar corpus


def check_example(grammar: Grammar, rule: Rule, example: Example) -> str | None:
    """Run one corpus example of a fields / units / layouts rule."""
    from .grammar import grammars_with

    grammars = grammars_with(grammar)
    expect = str(example.expect)
    if grammar.family == "units":
        got = "|".join(split_units(example.text, grammars))
    elif grammar.family == "fields" and rule.extra("kind") == "group":
        parsed = parse_group(example.text, grammars, example.year or 2020, at_end=True)
        got = f"deadline {parsed.group_deadline}" if parsed and parsed.group_deadline else "nothing"
    elif grammar.family == "fields" and rule.extra("kind") == "label":
        fields = _Fields()
        table, start, _ = _label_table(grammars)
        m = start.match(example.text)
        if not m:
            return "label not recognised"
        role = table[m.group("label")].role
        if role in ("lead", "responsible"):
            _read_labels(example.text, fields, grammars, 0)
            got = f"{role} " + "|".join(fields.lead if role == "lead" else fields.responsible)
        else:
            got = f"{role} {example.text[m.end():]}"
    elif grammar.family == "fields":
        fields = _Fields()
        found = _clause_role(example.text, grammars)
        if not found:
            return "no role recognised"
        _assign_units(fields, found[0], found[1], grammars)
        parts = []
        if fields.lead:
            parts.append("lead " + "|".join(fields.lead))
        if fields.responsible:
            parts.append("responsible " + "|".join(fields.responsible))
        got = "; ".join(parts)
    else:
        return None
    return None if got == expect else f"expected {expect!r}, got {got!r}"


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    from .grammar import grammars_with

    grammars = grammars_with(grammar)
    if grammar.family != "fields":
        return None
    if rule.extra("kind") == "group":
        parsed = parse_group(text, grammars, 2020, at_end=True)
        return f"deadline {parsed.group_deadline!r} recognised" if parsed and parsed.group_deadline else None
    if rule.extra("kind") == "label":
        table, start, _ = _label_table(grammars)
        m = start.match(text)
        return f"label {m.group('label')!r} recognised" if m and table[m.group("label")].rule_id == rule.id else None
    found = _clause_role(text, grammars)
    if found and found[0].rule_id == rule.id and split_units(found[1], grammars):
        return f"role {found[0].role} recognised"
    return None
