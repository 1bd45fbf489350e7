"""Task fields → `_Fields`: labelled lines, bracket groups, inline roles and closing role sentences.

A task's lead and responsible units and its deadline are printed as labels (责任单位：X), as a
closing group (（X牵头，Y配合，2018年底前完成）), as inline roles or as a last sentence of role
clauses. The labels and role words come from `grammars/fields.yaml`; reading a task block's lines
(`_read_block`) gathers all of them into one `_Fields`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from .. import deadlines
from ..grammar import GrammarSet
from ..regexinfo import literal_gate, minimal
from .brackets import _CLOSE, _PAIRS, _TRIM, _closes, _Groups, _groups_in, _has_open, _opens, bracket_groups
from .units import (
    _is_unit_name,
    _split_top_level,
    _split_units,
    _splitter,
    _units,
    _UnitVocab,
)


@dataclass(slots=True)
class _Fields:
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline_label: str | None = None
    group_deadline: str | None = None
    group_result: deadlines.DeadlineResult | None = None  # normalise(group_deadline), when already read
    plan: str | None = None
    measure: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    field_lines: set[int] = field(default_factory=set)


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
    """A cheap pre-check: does a line mention any role word at all? (only whether it matches counts)"""
    words = {s for s, _ in _inline_suffixes(grammars)} | set(_label_table(grammars)[0])
    return re.compile(_shared_prefixes(words)) if words else re.compile("")


def _shared_prefixes(words: set[str] | dict[str, _Label]) -> str:
    """The words as one alternation with shared prefixes factored out (牵头(?:单位|部门)?).

    It matches the same strings as a flat alternation, but a scan tries each first character once
    instead of every word in turn, which makes searching long lines about twice as fast.
    """
    ends = "" in words
    branches: dict[str, set[str]] = {}
    for word in words:
        if word:
            branches.setdefault(word[0], set()).add(word[1:])
    parts = [re.escape(first) + _shared_prefixes(rest) for first, rest in sorted(branches.items())]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if ends else body


def _label_anywhere(table: dict[str, _Label], anywhere: re.Pattern[str]) -> re.Pattern[str]:
    """`anywhere` with its label words factored by prefix, when that cannot change a match.

    A label is followed by optional spaces and a colon, so when no label holds a space or a colon
    only one label can match at a position, whatever order the alternation tries them in.
    """
    if not table or any(ch.isspace() or ch in ":：" for word in table for ch in word):
        return anywhere
    return re.compile(rf"(?P<label>{_shared_prefixes(table)})\s*[:：]\s*")


_CLAUSES = _splitter(re.compile(r"[，,；;。]"))
_UNIT_ROLES = ("lead", "responsible")


@dataclass(frozen=True, eq=False)
class _FieldRules:
    """The fields and units grammar compiled for the hot paths (one object instead of many lookups)."""

    grammars: GrammarSet
    labels: dict[str, _Label]
    start: re.Pattern[str]
    anywhere: re.Pattern[str]
    inline: tuple[tuple[str, _Label], ...]
    inline_ends: tuple[str, ...]  # every inline suffix: one endswith() rules a clause out
    inline_by_last: dict[str, tuple[tuple[str, _Label], ...]] | None  # `inline` by last character
    hint: re.Pattern[str]
    units: _UnitVocab


@cache
def _field_rules(grammars: GrammarSet) -> _FieldRules:
    labels, start, anywhere = _label_table(grammars)
    inline = tuple(_inline_suffixes(grammars))
    return _FieldRules(
        grammars=grammars,
        labels=labels,
        start=start,
        anywhere=_label_anywhere(labels, anywhere),
        inline=inline,
        inline_ends=tuple(suffix for suffix, _ in inline),
        inline_by_last=_by_last_character(inline),
        hint=_role_hint(grammars),
        units=_units(grammars),
    )


def _by_last_character(inline: tuple[tuple[str, _Label], ...]) -> dict[str, tuple[tuple[str, _Label], ...]] | None:
    """For each last character, the inline suffixes ending in it, in their order.

    None when a suffix is empty: that one ends every clause.
    """
    if any(not suffix for suffix, _ in inline):
        return None
    return {last: tuple(item for item in inline if item[0][-1] == last) for last in {s[-1] for s, _ in inline}}


def _has_colon(text: str) -> bool:
    """Every label pattern needs a colon after the label word: without one no label can match."""
    return "：" in text or ":" in text


def _role_of(clause: str, rules: _FieldRules, strict: bool) -> tuple[_Label, str, bool] | None:
    """(role label, the units or value, whether it was a printed label) of one clause, or None."""
    if _has_colon(clause):
        m = rules.start.match(clause)
        if m:
            label = rules.labels[m.group("label")]
            value = clause[m.end():]
            return label, _unit_value(value, rules, label.role) if label.role in _UNIT_ROLES else value, True
    for suffix, label in _inline_suffixes_of(clause, rules):
        units = clause[: -len(suffix)]
        if "。" not in units and len(units) <= 300 and _looks_like_units(units, rules, strict):
            return label, units, False
    return None


def _inline_suffixes_of(text: str, rules: _FieldRules) -> Iterator[tuple[str, _Label]]:
    """The role phrases `text` ends with (X牵头负责 → 牵头负责, 负责 …), longest first, each leaving text before it."""
    if not text.endswith(rules.inline_ends):
        return
    by_last = rules.inline_by_last
    for suffix, label in rules.inline if by_last is None else by_last[text[-1]]:
        if text.endswith(suffix) and len(text) > len(suffix):
            yield suffix, label


def _unit_value(value: str, rules: _FieldRules, role: str) -> str:
    """A labelled unit list as printed up to its sentence end, without a phrase of the label's own
    role after it (责任单位：A、B按职责分工负责。具体任务… → A、B). Another role's phrase stays: it
    marks the unit (责任单位：A牵头 — A leads, units.yaml `lead_markers`)."""
    stop = value.find("。")
    if stop >= 0:
        value = value[:stop]
    for suffix, label in _inline_suffixes_of(value, rules):
        return value[:-len(suffix)] if label.role == role else value
    return value


_CLAUSE_BREAK = re.compile(r"[，,；;]")
_PARENTHETICAL_DEADLINE = "fields.yaml::parenthetical-deadline"


def _date_clause_at(value: str, rules: _FieldRules) -> int:
    """Where a clause opening with a date starts in a labelled unit list (责任单位：县卫健局，2019年9月底前完成:
    that clause is the task's deadline, never a unit), or -1."""
    for found in _CLAUSE_BREAK.finditer(value):
        if deadlines.opens_with_date(value[found.end():], rules.grammars):
            return found.start()
    return -1


def _clause_role(clause: str, grammars: GrammarSet, strict: bool = False) -> tuple[_Label, str] | None:
    found = _role_of(clause, _field_rules(grammars), strict)
    return (found[0], found[1]) if found else None


def _looks_like_units(text: str, rules: _FieldRules, strict: bool = False) -> bool:
    """Every listed name ends with a unit suffix or (unless strict) is a collective name (各…)."""
    vocab = rules.units
    names = _split_units(text, rules.grammars)
    if not names:
        return False
    if not strict and text.rstrip().endswith(vocab.strip_suffixes) and all(
            len(name) <= _SHORT_NAME_CHARS for name in names):
        return True  # 县发改、财政、住建等部门: short forms, and 等部门 says they are units
    for name in names:
        if not _is_unit_name(name, vocab) and (strict or not name.startswith(vocab.collective_prefixes)):
            return False
    return True


_SHORT_NAME_CHARS = 6  # 县发改, 住建: the short forms a list ending in 等部门 may use


def _clause_deadline(clause: str, grammars: GrammarSet, year: int | None,
                     ref: date | None) -> deadlines.DeadlineResult | None:
    """The deadline a group clause names (2018年12月底完成), or None.

    Read with the run's grammars and the task's year and reference date, so that when the clause
    is the group's whole deadline the task takes this result instead of normalising it again.
    A time phrase no shape reads (2022年汛期前完成) counts too: the task keeps its text and is
    warned about (deadline.unparsed) instead of losing it without trace.
    """
    if len(clause) > 200 or not deadlines.may_name_deadline(clause, grammars):
        return None
    result = deadlines.normalise(clause, year, ref, grammars)
    return result if result.states_time() else None


def _assign_units(fields: _Fields, label: _Label, units_text: str, rules: _FieldRules) -> None:
    vocab = rules.units
    names: tuple[str, ...] | list[str] = _split_units(units_text, rules.grammars)
    if not names:
        return
    role = label.role
    if role == "lead":
        if vocab.etc and vocab.etc in units_text:
            head, _, tail = units_text.rpartition(vocab.etc)
            if head and tail:
                _extend(fields.lead, _split_units(head, rules.grammars))
                _extend(fields.responsible, _split_units(tail, rules.grammars))
                fields.rules.setdefault("lead_units", label.ref)
                fields.rules.setdefault("responsible_units", label.ref)
                return
        _extend(fields.lead, names)
        fields.rules.setdefault("lead_units", label.ref)
        return
    trimmed = units_text.rstrip()
    shared = next((m for m in vocab.shared_lead_markers if trimmed.endswith(m)), None) if trimmed.endswith(
        vocab.shared_lead_markers) else None  # one C call rules out most lists
    if role == "responsible" and shared:  # 责任单位：A、B分别牵头 — each of them leads
        _extend(fields.lead, _split_units(trimmed[: -len(shared)], rules.grammars))
        fields.rules.setdefault("lead_units", label.ref)
        return
    if role == "responsible" and vocab.lead_markers and _may_mark_lead(units_text, vocab):
        marked = [n for n in names if n.endswith(vocab.lead_markers)]
        if marked:  # 责任单位：市发展改革委（牵头）、市财政局 — the marked unit leads
            _extend(fields.lead, list(dict.fromkeys(_strip_marker(n, vocab) for n in marked)))
            fields.rules.setdefault("lead_units", label.ref)
            names = [n for n in names if n not in marked]
    _extend(fields.responsible, names)
    if names:
        fields.rules.setdefault("responsible_units", label.ref)


def _may_mark_lead(units_text: str, vocab: _UnitVocab) -> bool:
    """Can a name of this list end with a lead marker? Names are cut from the list's text, so the
    marker's last character (a closing bracket) must be in it."""
    ends = vocab.marker_ends
    return ends is None or any(end in units_text for end in ends)


def _strip_marker(name: str, vocab: _UnitVocab) -> str:
    for marker in vocab.lead_markers:
        if name.endswith(marker):
            return name[: -len(marker)].strip(_TRIM)
    return name


def _extend(target: list[str], names: list[str] | tuple[str, ...]) -> None:
    """Append the names not listed yet (`names` never repeats one: unit lists come deduplicated)."""
    if not target:
        target.extend(names)
        return
    for name in names:
        if name not in target:
            target.append(name)


def cell_units(text: str, role: str, ref: str, grammars: GrammarSet) -> tuple[list[str], list[str], str | None]:
    """(lead, responsible, the rule that read roles) of a table cell under a 牵头/责任 column.

    A cell may word its roles as prose does (市市场监管局牵头，市税务局配合; 市司法局等部门按职责分工负责):
    those phrases decide. Otherwise the column does, with the same lead markers as a 责任单位 label
    (市发展改革委（牵头）、市财政局: the marked unit leads). `ref` is the column's rule.
    """
    if not text:
        return [], [], None
    worded = parse_group(text, grammars, None, True, False, None)
    if worded is not None and (worded.lead or worded.responsible) and not only_bare_units(worded, grammars):
        by = worded.rules.get("lead_units") or worded.rules.get("responsible_units")
        return list(worded.lead), list(worded.responsible), by
    fields = _Fields()
    _assign_units(fields, _Label(role, ref, role), text, _field_rules(grammars))
    return fields.lead, fields.responsible, None


@lru_cache(maxsize=8192)
def parse_group(inner: str, grammars: GrammarSet, year: int | None, at_end: bool,
                strict: bool = False, ref: date | None = None) -> _Fields | None:
    """Fields of a bracket group such as （X牵头，Y参与，2017年9月底完成）; None if it is not one.

    `strict` (for text outside brackets): every clause must be a role or a deadline, and units
    must carry unit suffixes. `ref`, the document date (of year `year`), is what a deadline clause
    is read with; which clause is one does not depend on it. Cached (choosing the task level and
    reading a task see the same groups); callers must not mutate the result, and pass arguments by
    position (lru_cache keys a keyword call apart from the same call by position).
    """
    rules = _field_rules(grammars)
    if not at_end and not rules.hint.search(inner):
        return None
    if inner.count("：") + inner.count(":") > 1:
        inner = _labels_apart(inner, rules)
    clauses = _split_top_level(inner, _CLAUSES)
    stripped = [clause.strip() for clause in clauses]
    found = [_role_of(s, rules, strict) if s else None for s in stripped]
    first_deadline: deadlines.DeadlineResult | None = None  # the first clause's, when read here
    for role in found:
        if role is not None and role[0].role in _UNIT_ROLES:
            break
    else:
        if at_end and not strict and (bare := _bare_units(inner, rules)) is not None:
            return bare  # （市发展改革委，各县〔市、区〕政府）: units alone close the task
        # No role clause: the group counts only as a closing deadline that starts at its first
        # character, so at most the first clause needs reading as a date.
        if not at_end or not _may_open_with_deadline(clauses[0], stripped[0], found[0]):
            return None
        first_deadline = _clause_deadline(stripped[0], grammars, year, ref)
        if first_deadline is None:
            return None
    return _read_clauses(inner, clauses, stripped, found, rules, (year, ref), at_end, strict, first_deadline)


_BARE_UNITS_MAX = 120  # a closing group of unit names alone is short


def _bare_units(inner: str, rules: _FieldRules) -> _Fields | None:
    """A closing group that only lists unit names (each with a unit suffix, no role word): the
    task's responsible units (fields.yaml kind `bare`), or None."""
    label = _bare_label(rules.grammars)
    if (label is None or len(inner) > _BARE_UNITS_MAX or "。" in inner or rules.hint.search(inner)
            or not _looks_like_units(inner, rules, True)):
        return None  # a role or label word (牵头单位 市发改委 …) that did not parse makes no bare list
    if any(name in rules.units.suffixes for name in _split_units(inner, rules.grammars)):
        return None  # 各镇（园区）: a name's bracketed tail, not a list
    fields = _Fields()
    _assign_units(fields, label, inner, rules)
    return fields if fields.lead or fields.responsible else None


def only_bare_units(fields: _Fields, grammars: GrammarSet) -> bool:
    """Did the group give nothing but a bare unit list? Such a group names no role: it is read in a
    task, but it is no evidence of where tasks are, and a table cell's column decides its role."""
    label = _bare_label(grammars)
    return label is not None and bool(fields.rules) and all(ref == label.ref for ref in fields.rules.values())


@cache
def _bare_label(grammars: GrammarSet) -> _Label | None:
    for grammar, rule in grammars.rules("fields"):
        if rule.extra("kind") == "bare":
            return _Label(str(rule.extra("role", "responsible")), grammar.rule_ref(rule), rule.id)
    return None


def _labels_apart(inner: str, rules: _FieldRules) -> str:
    """【牵头单位：A　责任单位：B　完成时限：C】: labels parted only by a space (or by nothing, once
    the space between two ideographs is gone) start clauses of their own."""
    cuts = [m.start() for m in rules.anywhere.finditer(inner) if m.start() and inner[m.start() - 1] not in "，,；;"]
    if not cuts:
        return inner
    pieces = [inner[a:b] for a, b in zip([0, *cuts], [*cuts, len(inner)], strict=True)]
    return "；".join(piece.rstrip() for piece in pieces)


def _may_open_with_deadline(clause: str, stripped: str, found: tuple[_Label, str, bool] | None) -> bool:
    """Could this first clause make the group's deadline start at offset 0?"""
    return bool(stripped) and not clause[0].isspace() and (found is None or found[0].role != "deadline")


def _read_clauses(inner: str, clauses: list[str], stripped: list[str], found: list[tuple[_Label, str, bool] | None],
                  rules: _FieldRules, when: tuple[int | None, date | None], at_end: bool, strict: bool,
                  first_deadline: deadlines.DeadlineResult | None) -> _Fields | None:
    """The fields of a group's clauses, read in order (a label's list may continue in later clauses).

    `when` is the (year, ref) deadline clauses are read with; `first_deadline` the first clause's
    deadline when parse_group has read it already (None when not).
    """
    fields = _Fields()
    roles = 0
    deadline_from: int | None = None
    deadline_to = len(inner)  # where the deadline's text ends: before the first role clause after it
    deadline_open = False  # later clauses still run on the deadline's text
    deadline: deadlines.DeadlineResult | None = None  # what the clause at deadline_from names
    deadline_index = 0
    offset = 0
    continuing: _Label | None = None  # 责任单位：A，B — B continues a labelled list
    pending: list[str] = []  # （X牵头，A、B，C配合） — A、B share C's role
    label_deadline: int | None = None  # where a 完成时限： value starts in `inner` (it may run on)
    for index, clause in enumerate(clauses):
        text = stripped[index]
        role = found[index]
        if role is not None and role[0].role in _UNIT_ROLES:
            if deadline_open:  # （2022年6月底前，市档案馆牵头）: the deadline is 2022年6月底前
                deadline_to, deadline_open = offset, False
            for units in pending if not role[2] else ():
                _assign_units(fields, role[0], units, rules)
            pending = []
            label_deadline = None
            _assign_units(fields, role[0], role[1], rules)
            fields.evidence.append(role[0].rule_id)
            roles += 1
            continuing = role[0] if role[2] else None
        elif role is not None and role[0].role == "deadline":
            fields.group_deadline = role[1].strip()
            fields.evidence.append(role[0].rule_id)
            continuing = None
            at = clause.find(role[1].strip()) if role[2] and role[1].strip() else -1
            label_deadline = offset + at if at >= 0 else None
        elif label_deadline is not None and text and _clause_deadline(text, rules.grammars, *when) is not None:
            # 完成时限：2023年6月底前完成试点，12月底前全面推开 — the label's value runs on over the date clauses
            fields.group_deadline = inner[label_deadline:offset + len(clause)].strip(_TRIM)
        elif deadline_from is None and text and (deadline := (
                first_deadline if index == 0 and first_deadline is not None
                else _clause_deadline(text, rules.grammars, *when))) is not None:
            deadline_from = offset + (len(clause) - len(clause.lstrip())) + _label_prefix(text)
            deadline_index = index
            deadline_open = True
            continuing = None
        elif continuing is not None and text and _looks_like_units(text, rules):
            _assign_units(fields, continuing, text, rules)
        elif not strict and text and deadline_from is None and _looks_like_units(text, rules):
            pending.append(text)
        elif strict and text and deadline_from is None:
            return None
        else:
            continuing = None
            pending = []
        if inner[offset + len(clause):offset + len(clause) + 1] == "。":
            continuing = None  # a sentence end ends a labelled list: what follows is prose
        offset += len(clause) + 1
    if deadline_from is not None and fields.group_deadline is None:
        fields.group_deadline = inner[deadline_from:deadline_to].strip(_TRIM)
        if deadline is not None and fields.group_deadline == stripped[deadline_index]:  # the whole phrase
            fields.group_result = deadline
        fields.evidence.append("parenthetical-deadline")
        fields.rules["deadline"] = _PARENTHETICAL_DEADLINE
    if roles == 0 and not (at_end and fields.group_deadline and deadline_from == 0):
        return None
    return fields


_LABEL_PREFIX = re.compile(r"[^：:，,；;。（）()0-9]{0,4}(?:时间|时限|期限|节点)[：:]")


def _label_prefix(clause: str) -> int:
    """The length of a short label naming a time before a deadline clause's value (时间：2022年11月底前
    → 3); 0 when there is none. Known labels (完成时限：) are read as roles before this; a generic
    时间 is no label of fields.yaml (会议时间, 办理时间), so it is cut only from a clause read as a deadline."""
    found = _LABEL_PREFIX.match(clause)
    return found.end() if found is not None and clause[found.end():].strip() else 0


def _merge(into: _Fields, other: _Fields) -> None:
    _extend(into.lead, other.lead)
    _extend(into.responsible, other.responsible)
    if other.group_deadline:
        into.group_deadline = other.group_deadline
        into.group_result = other.group_result
    for key, value in other.rules.items():
        into.rules.setdefault(key, value)
    into.evidence += other.evidence


def _at_end(text: str) -> int:
    """Index a group must reach to close its line (trailing 。；; and spaces do not count)."""
    return len(text.rstrip("。；; ")) - 1


def _read_block(texts: list[str], first: int, last: int, grammars: GrammarSet, year: int | None,
                skip_prefix: int = 0, ref: date | None = None, line_groups: dict[int, _Groups] | None = None,
                ) -> tuple[_Fields, list[str], list[int], _Groups | None]:
    """Fields and body lines of a task block: (fields, body texts, body line indexes, body groups).

    `texts` are the texts of the document's lines, `line_groups` the bracket groups of whole lines
    that _scan_part read. The body groups are those of a one-line body when they were read here
    (the deadline search strips them), else None.
    """
    rules = _field_rules(grammars)
    labels, start, hint = rules.labels, rules.start, rules.hint
    fields = _Fields()
    body: list[str] = []
    body_lines: list[int] = []
    body_groups: _Groups | None = None
    pending: str | None = None  # a label whose value is printed on the next line (PDF layouts)
    run_on: _RunOn | None = None  # a 时间节点/推进计划 value that goes on over the next lines
    for index in range(first, last):
        text = texts[index]
        offset = 0  # where `text` starts in the line
        if index == first and skip_prefix:
            text = text[skip_prefix:]
            offset = skip_prefix
        if not text:
            continue
        colon = "：" in text or ":" in text
        m = start.match(text) if colon else None
        if run_on is not None:
            if not m and _runs_on(run_on, text, grammars):
                run_on.text += text
                run_on.lines.append(index)
                continue
            _read_run_on(run_on, fields, rules, year, ref)
            run_on = None
        if pending is not None and not m:
            _read_labels(pending + text, fields, rules, index, year, ref)
            pending = None
            continue
        pending = None
        if index > first and not colon and (
                role_line := role_line_fields(text, texts[index - 1], rules, year, ref)) is not None:
            _merge(fields, role_line)  # 市发改委牵头落实 on its own line under the paragraph
            fields.field_lines.add(index)
            continue
        if m:
            label = labels[m.group("label")]
            if label.role != "measure":
                run_on = _open_time_value(text, index, rules)
                if run_on is not None:
                    continue
                if label.role != "plan" and not text[m.end():].strip(_TRIM):
                    pending = text
                _read_labels(text, fields, rules, index, year, ref)
                continue
            offset += m.end()
            text = fields.measure = text[m.end():]  # 具体举措： opens the block's body
            fields.evidence.append(label.rule_id)
        if colon:
            tail = _trailing_labels(text, rules)
            if tail is not None:
                _read_labels(text[tail:], fields, rules, index, year, ref)
                text = text[:tail].rstrip()
        body.append(text)
        body_lines.append(index)
        if ("（" in text or "(" in text or "〔" in text or "【" in text or "[" in text) and (  # _has_open
                index == last - 1 or text[-1:] in _CLOSE or hint.search(text)):
            known = line_groups.get(index) if line_groups else None
            body_groups = _groups_in(texts[index], offset, text, known)
            _read_line_groups(text, body_groups, fields, grammars, year, ref)
        if "。" in text:  # a role sentence names a role word, so this needs no hint test of its own
            for sentence in _role_sentences(text, rules, year, ref):
                _merge(fields, sentence)
    if run_on is not None:
        _read_run_on(run_on, fields, rules, year, ref)
    return fields, body, body_lines, body_groups if len(body) == 1 else None


@dataclass(slots=True)
class _RunOn:
    """A label line whose time value goes on below it: `text` so far, its `lines`, and whether the
    label printed no value of its own (`empty`: the step lines below it are the value)."""

    text: str
    lines: list[int]
    empty: bool


_RUNS_ON = "，,；;、"  # a value that ends in one of these is continued on the next line
_SENTENCE_ENDS = "。！？!?"
_OPEN_ENDS = _RUNS_ON + "：:"  # how a line whose value runs on ends (after a label, or mid-list)


def _open_time_value(text: str, index: int, rules: _FieldRules) -> _RunOn | None:
    """A line whose last label is a deadline or plan label with an empty value (时间节点：) or a value
    ending in ，/； (完成时限：2023年6月底前完成体检报告，): its value goes on over the next lines."""
    if text.rstrip()[-1:] not in _OPEN_ENDS:  # most label lines end their value: no label scan
        return None
    last = None
    for found in rules.anywhere.finditer(text):
        last = found
    if last is None or rules.labels[last.group("label")].role not in ("deadline", "plan"):
        return None
    value = text[last.end():].rstrip()
    if not value.strip(_TRIM):
        return _RunOn(text, [index], True)
    return _RunOn(text, [index], False) if value[-1] in _RUNS_ON else None


def _runs_on(run_on: _RunOn, text: str, grammars: GrammarSet) -> bool:
    """Does this line (no label at its start) continue the time value? The first line under an empty
    label does (as any empty label's); then a line after a value ending in ； that opens with a date
    or in ， that may name a deadline, a line after one cut mid-clause (a hard wrap: 制⏎定实施方案),
    or, under an empty label, a line that opens with a date (2023年6月底前，… / 二季度：…). A sentence
    end stops the rest."""
    if run_on.empty and len(run_on.lines) == 1:
        return True
    last = run_on.text.rstrip()[-1:]
    if last in _RUNS_ON:  # …9月底前； ⏎ 2023年底前完成整改。 — not a body paragraph that mentions a date
        # a comma leaves the step open (一季度，梳理…， ⏎ …完成意见征求): a line naming a date goes on
        if last in "，,":
            return deadlines.may_name_deadline(text, grammars)
        return deadlines.opens_with_date(text, grammars)
    if last not in _SENTENCE_ENDS:
        return True
    return run_on.empty and deadlines.opens_with_date(text, grammars)


def _read_run_on(run_on: _RunOn, fields: _Fields, rules: _FieldRules, year: int | None, ref: date | None) -> None:
    _read_labels(run_on.text, fields, rules, run_on.lines[0], year, ref)
    fields.field_lines.update(run_on.lines)


def _read_line_groups(text: str, groups: _Groups, fields: _Fields, grammars: GrammarSet, year: int | None,
                      ref: date | None) -> None:
    """Merge the field groups printed in one body line (`groups`: its bracket groups)."""
    end = _at_end(text)
    for g_start, g_end, inner in groups:
        parsed = parse_group(inner, grammars, year, g_end >= end, False, ref)
        if parsed and not (only_bare_units(parsed, grammars) and text[g_start - 1:g_start] not in _BARE_AFTER):
            _merge(fields, parsed)


_BARE_AFTER = "。；;！"  # a bare unit list closes a sentence; after a name it is that name's alias: X办公室（X督查室）


_ROLE_LINE_MAX = 80  # a line of role clauses alone (市金融办、人民银行某市中心支行分别牵头落实) is short
_SENTENCE_ENDS = frozenset("。；;！!")
_ANY_BRACKET = re.compile(r"[（）()〔〕【】\[\]]")


def role_line_fields(text: str, before: str, rules: _FieldRules, year: int | None,
                     ref: date | None) -> _Fields | None:
    """A body line made only of role clauses naming real units, without label or bracket, after a line
    that ends a sentence (`before`): 市发改委牵头落实 / 市财政局负责 under a task's paragraph, a flattened
    table's unit cell. A fragment of a broken line (）组织部牵头，…) is none."""
    if (len(text) > _ROLE_LINE_MAX or before[-1:] not in _SENTENCE_ENDS or text.find("。", 0, -1) >= 0
            or _ANY_BRACKET.search(text) or not rules.hint.search(text)):
        return None
    parsed = parse_group(text.rstrip("。；;！ "), rules.grammars, year, False, True, ref)
    return parsed if parsed and (parsed.lead or parsed.responsible) else None


def title_units(title: str, grammars: GrammarSet) -> tuple[str, list[str], str] | None:
    """(role, units, rule ref) of a section titled by its units (县发改局牵头工作（3项）), or None."""
    words = title_words(grammars)
    if words is not None and not any(word in title for word in words):
        return None  # most titles: no role word, no cache look-up
    return _title_units(title, grammars)


@lru_cache(maxsize=4096)
def _title_units(title: str, grammars: GrammarSet) -> tuple[str, list[str], str] | None:
    """(role, units, rule ref) of a section titled by its units (县发改局牵头工作（3项）; fields.yaml
    rules of kind `title`), or None. Units must carry unit suffixes. Cached (a heading is asked
    about when choosing sections and again by its tasks); callers must not mutate the result."""
    rules = _field_rules(grammars)
    for gate, pattern, role, ref in _title_rules(grammars):
        if gate is not None and not any(literal in title for literal in gate):
            continue
        m = pattern.match(title)
        if m is not None and _looks_like_units(m.group("units"), rules, True):
            return role, list(_split_units(m.group("units"), grammars)), ref
    return None


@cache
def _title_rules(grammars: GrammarSet) -> tuple[tuple[frozenset[str] | None, re.Pattern[str], str, str], ...]:
    return tuple((_short_gate(literal_gate(grammar.pattern(rule.id))), grammar.pattern(rule.id),
                  str(rule.extra("role", "lead")), grammar.rule_ref(rule))
                 for grammar, rule in grammars.rules("fields") if rule.extra("kind") == "title" and rule.pattern)


@cache
def title_words(grammars: GrammarSet) -> frozenset[str] | None:
    """Strings one of which every title naming its units holds (牵头, 负责); None when unknown."""
    words: set[str] = set()
    for gate, _pattern, _role, _ref in _title_rules(grammars):
        if gate is None:
            return None
        words |= gate
    return frozenset(words)


def _short_gate(gate: frozenset[str] | None) -> frozenset[str] | None:
    """A gate's literals cut to their first two characters (牵头的重点工作 … → 牵头, 负责): as necessary,
    and two `in` tests instead of two dozen."""
    return None if gate is None else minimal(frozenset(literal[:2] for literal in gate))


def _role_sentences(text: str, rules: _FieldRules, year: int | None, ref: date | None) -> list[_Fields]:
    """…。由市发展改革委牵头，市财政局配合。 — sentences made only of role clauses, the last one or
    one before a dated target (市发展改革委牵头，市统计局配合。6月底前出台评价办法。).

    Without brackets the clauses must name real units (unit suffixes), so that a sentence such as
    各部门要按照职责分工负责落实 is not read as a field.
    """
    end = last = len(text.rstrip("。；;！ "))
    found: list[_Fields] = []  # last sentence first; parse_group's results are cached: never merged into
    while end > 0:
        cut = text.rfind("。", 0, end)
        if cut < 0:  # the first sentence is the title's or the text's own (督办落实。), never a field
            break
        # parse_group reads nothing in a sentence without a role word: that is tested in place, before
        # cutting a sentence out and asking parse_group's cache. The last sentence may end in its date
        # (X牵头，Y配合，2023年底前完成); one before it must end in a role word, a cheaper test
        if 0 < end - cut - 1 <= 200 and (text.endswith(rules.inline_ends, 0, end) if end < last
                                          else rules.hint.search(text, cut + 1, end)):
            sentence = text[cut + 1:end]
            parsed = None if _has_open(sentence) else parse_group(sentence, rules.grammars, year, False, True, ref)
            if parsed and (parsed.lead or parsed.responsible):
                found.append(parsed)
        end = cut
    return found[::-1]


def _trailing_labels(text: str, rules: _FieldRules) -> int | None:
    """Where labelled fields start after a paragraph's last sentence (…。责任单位：X；完成时限：Y。)."""
    labels = rules.labels
    for m in rules.anywhere.finditer(text):
        at = m.start()
        if at == 0 or text[at - 1] not in "。；;！ \t":
            continue
        if labels[m.group("label")].role in ("measure", "plan"):
            continue
        head = text[:at]
        if _opens(head) == _closes(head):
            return at
    return None


def _drop_unbalanced_close(text: str) -> str:
    """Trailing closing brackets that close nothing inside the value (left from a wrapping group)."""
    while text and text[-1] in _CLOSE and _opens(text) < _closes(text):
        text = text[:-1].rstrip(_TRIM)
    return text


def _unwrap(text: str) -> str:
    """（牵头单位：X；责任单位：Y） → the inside, when one bracket group spans the whole line."""
    if not text or text[0] not in _PAIRS:  # a group that spans the line opens at its first character
        return text
    groups = bracket_groups(text)
    if len(groups) == 1 and groups[0][0] == 0 and groups[0][1] == len(text):
        return groups[0][2]
    return text


def _closing_group_apart(text: str, after: int, fields: _Fields, rules: _FieldRules, year: int | None,
                         ref: date | None) -> str:
    """完成时间：2022年12月底前。（市大数据局牵头）: a field group printed after the last value's sentence
    end is read as a closing group (its units merged into `fields`) and cut off the value; `text`
    without it. `after` is where the first label ends: a group before it is no value's."""
    if not text or text[-1] not in _CLOSE:
        return text
    groups = bracket_groups(text)
    if not groups or groups[-1][1] != len(text) or groups[-1][0] <= after:
        return text
    start, _end, inner = groups[-1]
    if text[:start].rstrip()[-1:] not in "。；;":
        return text
    parsed = parse_group(inner, rules.grammars, year, True, False, ref)
    if parsed is None:
        return text
    _merge(fields, parsed)
    return text[:start].rstrip()


def _read_labels(text: str, fields: _Fields, rules: _FieldRules, line_index: int, year: int | None = None,
                 ref: date | None = None) -> None:
    """One line of labelled fields; several labels may share a line (牵头单位：X 责任单位：Y)."""
    text = _unwrap(text.strip())
    found = rules.anywhere.search(text)
    if found is None:
        return
    text = _closing_group_apart(text, found.end(), fields, rules, year, ref)
    matches = [found]
    after = found.end()
    if text.find("：", after) >= 0 or text.find(":", after) >= 0:  # each label needs a colon of its own
        matches += rules.anywhere.finditer(text, after)
    fields.field_lines.add(line_index)
    labels = rules.labels
    last = len(matches) - 1
    for i, m in enumerate(matches):
        value = text[m.end():matches[i + 1].start() if i < last else len(text)].strip(_TRIM)
        if value[-1:] in _CLOSE:
            value = _drop_unbalanced_close(value)
        label = labels[m.group("label")]
        fields.evidence.append(label.rule_id)
        role = label.role
        if role in _UNIT_ROLES:
            sentence = value.split("。", 1)[0]
            cut = _date_clause_at(sentence, rules)
            _assign_units(fields, label, _unit_value(sentence[:cut] if cut >= 0 else value, rules, role), rules)
            if cut >= 0 and fields.deadline_label is None:  # 责任单位：县卫健局，2019年9月底前完成
                fields.deadline_label = sentence[cut + 1:].strip(_TRIM)
                fields.rules.setdefault("deadline", _PARENTHETICAL_DEADLINE)
        elif role == "deadline":
            fields.deadline_label = value
            fields.rules["deadline"] = label.ref
        elif role == "plan":
            fields.plan = value
            fields.rules["deadline"] = label.ref
        elif role == "division" and value:
            division = parse_group(value.rstrip("。；;"), rules.grammars, year, True, False, ref)
            if division is not None:
                _merge(fields, division)
