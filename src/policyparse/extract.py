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
from typing import Any

from . import deadlines
from .grammar import Example, Grammar, GrammarSet, Rule
from .structure import DocumentPart, Heading, Structure, heading_title

_OPEN = "（(〔【["
_CLOSE = "）)〕】]"
_PAIRS = dict(zip(_OPEN, _CLOSE, strict=True))
_TRIM = " \t　:：。；;，,、"


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


@dataclass(frozen=True, eq=False)
class _Splitter:
    """Splits a list on separator characters outside brackets.

    `separators` is tested one character at a time; when it is a plain character class such as
    `[、，,；;/]+` (the usual case), the split runs as one regex call instead of a loop per character.
    """

    separators: re.Pattern[str]
    split: re.Pattern[str] | None  # the separator characters alone, when the class is plain
    tokens: re.Pattern[str] | None  # those characters and the brackets


_PLAIN_CLASS = re.compile(r"\[([^\]\[\\^\-]+)\][+*]?")


def _splitter(separators: re.Pattern[str]) -> _Splitter:
    found = _PLAIN_CLASS.fullmatch(separators.pattern)
    chars = found.group(1) if found and not separators.flags & (re.IGNORECASE | re.VERBOSE) else None
    if chars is None or any(ch in _OPEN + _CLOSE or not separators.fullmatch(ch) for ch in chars):
        return _Splitter(separators, None, None)
    brackets = re.escape(_OPEN + _CLOSE)
    return _Splitter(separators, re.compile(f"[{chars}]"), re.compile(f"[{brackets}{chars}]"))


_CLAUSES = _splitter(re.compile(r"[，,；;]"))
_UNIT_ROLES = ("lead", "responsible")


@dataclass(frozen=True, eq=False)
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
    marker_ends: str | None  # the last characters of the lead markers; None when one is empty
    suffix_set: frozenset[str]
    suffix_ends: frozenset[str]  # the last character of every suffix
    longest_suffix: int
    splitter: _Splitter
    joined: re.Pattern[str]  # a joiner after the first character: only then can _split_joined split
    untidy: re.Pattern[str] | None  # a character that makes a list need the per-name cleanup; None: always
    untidy_words: tuple[str, ...]  # words that do too (etc, strip prefixes and suffixes)


@cache
def _units(grammars: GrammarSet) -> _UnitVocab:
    def merged(key: str) -> list[str]:
        return [str(v) for v in grammars.vocab("units", key)]

    separators = next((g.spec.vocab["separators"] for g in grammars.family("units")
                       if "separators" in g.spec.vocab), "[、，,；;]+")
    etc = next((g.spec.vocab["etc"] for g in grammars.family("units") if "etc" in g.spec.vocab), "等")
    max_chars = next((g.spec.vocab["max_unit_chars"] for g in grammars.family("units")
                      if "max_unit_chars" in g.spec.vocab), 40)
    suffixes = tuple(sorted(merged("suffixes"), key=len, reverse=True))
    joiners = tuple(sorted(merged("joiners"), key=len, reverse=True))
    compiled = re.compile(separators)
    splitter = _splitter(compiled)
    strip_prefixes = tuple(merged("strip_prefixes"))
    strip_suffixes = tuple(sorted(merged("strip_suffixes"), key=len, reverse=True))
    lead_markers = tuple(sorted(merged("lead_markers"), key=len, reverse=True))
    return _UnitVocab(
        separators=compiled,
        joiners=joiners,
        suffixes=suffixes,
        strip_prefixes=strip_prefixes,
        strip_suffixes=strip_suffixes,
        etc=str(etc),
        max_chars=int(max_chars),
        collective_prefixes=tuple(merged("collective_prefixes")),
        lead_markers=lead_markers,
        marker_ends=None if not all(lead_markers) else "".join({marker[-1] for marker in lead_markers}),
        suffix_set=frozenset(suffixes),
        suffix_ends=frozenset(suffix[-1:] for suffix in suffixes),
        longest_suffix=max(map(len, suffixes), default=0),
        splitter=splitter,
        joined=re.compile("|".join(map(re.escape, joiners)) or "(?!)"),
        **_untidy(splitter, (str(etc), *strip_prefixes, *strip_suffixes)),
    )


def _untidy(splitter: _Splitter, words: tuple[str, ...]) -> dict[str, Any]:
    """What makes a unit list need _split_units' per-name cleanup: `untidy` and `untidy_words`.

    Names are split on separator characters; what trimming can remove from a name is the rest of
    _TRIM, whitespace and brackets take the general split, and the etc, prefix and suffix words
    are cut. One-character words join the character class, as does any word with a character in
    it; the rest are looked for with `in`. `untidy` is None (every list is untidy) when the
    separators are no plain character class or a word is empty.
    """
    if splitter.split is None or not all(words):
        return {"untidy": None, "untidy_words": ()}
    separators = splitter.split.pattern[1:-1]  # `[chars]`, built by _splitter
    chars = {ch for ch in _TRIM + _OPEN if ch not in separators} | {word for word in words if len(word) == 1}
    rest = tuple(dict.fromkeys(word for word in words if not chars.intersection(word)))
    return {"untidy": re.compile(rf"[\s{re.escape(''.join(sorted(chars)))}]"), "untidy_words": rest}


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


# ---------------------------------------------------------------- cheap literal gates

_ANY_OPEN = re.compile(f"[{re.escape(_OPEN)}]")


def _has_open(text: str) -> bool:
    """Does a bracket open in `text` (one of _OPEN)? Five `in` tests beat a regex on long lines."""
    return "（" in text or "(" in text or "〔" in text or "【" in text or "[" in text


_ANY_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_LETTERS_APART = re.compile(r"[A-Za-z0-9]\s+[A-Za-z0-9]")
_WHITESPACE = re.compile(r"\s")


def _has_colon(text: str) -> bool:
    """Every label pattern needs a colon after the label word: without one no label can match."""
    return "：" in text or ":" in text


def _opens(text: str) -> int:
    return sum(map(text.count, _OPEN))


def _closes(text: str) -> int:
    return sum(map(text.count, _CLOSE))


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
            out.append("".join(pieces) if len(pieces) > 1 and not _LETTERS_APART.search(part) else part)
    return out


def _split_top_level(text: str, splitter: _Splitter) -> list[str]:
    """Split on separators that are not inside brackets."""
    if splitter.split is None or splitter.tokens is None:
        return _split_top_level_by_char(text, splitter.separators)
    if not _has_open(text):  # no bracket opens, so every separator is at the top level
        return splitter.split.split(text)
    parts: list[str] = []
    depth = 0
    cut = 0
    for m in splitter.tokens.finditer(text):
        ch = m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth:
                depth -= 1
        elif depth == 0:
            parts.append(text[cut:m.start()])
            cut = m.end()
    parts.append(text[cut:])
    return parts


def _split_top_level_by_char(text: str, separators: re.Pattern[str]) -> list[str]:
    """The general form, for a separators pattern that is not a plain character class."""
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
    if core[-1:] not in vocab.suffix_ends:  # no suffix ends with this character
        return False
    suffixes = vocab.suffix_set
    for size in range(1, min(len(core), vocab.longest_suffix) + 1):
        if core[-size:] in suffixes:
            return len(core) > size
    return False


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
    return _split_tidy(text, vocab) if _is_tidy(text, vocab) else _split_untidy(text, vocab)


def _split_untidy(text: str, vocab: _UnitVocab) -> tuple[str, ...]:
    """The general split of a trimmed unit list: brackets, spaces, prefixes, suffixes, etc words."""
    units: list[str] = []
    parts = _split_top_level(text, vocab.splitter)
    if _WHITESPACE.search(text) is not None:
        parts = _space_separated(parts, vocab)
    for part in parts:
        part = part.strip(_TRIM)
        if part.startswith(vocab.strip_prefixes):
            for prefix in vocab.strip_prefixes:
                if part.startswith(prefix) and len(part) > len(prefix) + 1:
                    part = part[len(prefix):]
        if part.endswith(vocab.strip_suffixes):
            for suffix in vocab.strip_suffixes:
                if part.endswith(suffix) and len(part) > len(suffix):
                    part = part[: -len(suffix)]
                    break
        pieces = [part]
        if vocab.etc in part:
            head, _, tail = part.rpartition(vocab.etc)
            pieces = [head, tail] if head and tail else [head or tail]
        for piece in pieces:
            piece = piece.strip(_TRIM)
            # _split_joined only splits at a joiner after the first character
            for name in _split_joined(piece, vocab) if vocab.joined.search(piece, 1) else (piece,):
                if name and len(name) <= vocab.max_chars and name not in units:
                    units.append(name)
    return tuple(units)


def _is_tidy(text: str, vocab: _UnitVocab) -> bool:
    """A list the per-name cleanup leaves alone: no whitespace, bracket or trim character, and no
    etc, strip prefix or strip suffix word anywhere. Most printed lists (A、B、C) are."""
    if vocab.untidy is None or vocab.untidy.search(text) is not None:
        return False
    return all(word not in text for word in vocab.untidy_words)


def _split_tidy(text: str, vocab: _UnitVocab) -> tuple[str, ...]:
    """_split_units for a tidy list: split on separators and joiners, drop empty, long and repeated names.

    With no whitespace and no opening bracket every separator is at the top level, each name is
    already trimmed, and no prefix, suffix or etc word can be cut from it.
    """
    assert vocab.splitter.split is not None  # a tidy list has a plain separator class
    names = vocab.splitter.split.split(text)
    hit = vocab.joined.search(text, 1)
    if hit is not None:
        names = _split_at_joiners(text, names, hit, vocab)
    if "" in names or max(map(len, names)) > vocab.max_chars:
        names = [name for name in names if name and len(name) <= vocab.max_chars]
    return tuple(dict.fromkeys(names))


def _split_at_joiners(text: str, names: list[str], hit: re.Match[str], vocab: _UnitVocab) -> list[str]:
    """Each name through _split_joined where `joined.search(name, 1)` finds a joiner.

    `hit` is the first joiner in `text` from 1 on; names are cut from `text` at one-character
    separators. A joiner after a name's first character is one in `text`, so a name that the next
    joiner in `text` starts beyond holds none: only names a joiner starts in are searched.
    """
    joined = vocab.joined.search
    out: list[str] = []
    start = 0
    for name in names:
        end = start + len(name)
        if hit is not None and hit.start() < end:
            out += _split_joined(name, vocab) if joined(name, 1) else (name,)
            hit = joined(text, end)
        else:
            out.append(name)
        start = end + 1
    return out


# ---------------------------------------------------------------- field groups and clauses


_Groups = list[tuple[int, int, str]]  # bracket groups: (start, end, inner text)


def bracket_groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level bracket groups (start, end, inner text) with balanced nesting."""
    groups: list[tuple[int, int, str]] = []
    first = _first_open(text)
    if first < 0:  # closing brackets alone open no group
        return groups
    depth = 0
    start = 0
    for m in _ANY_BRACKET.finditer(text, first):  # closing brackets before it close nothing
        if m.group() in _PAIRS:
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                groups.append((start, m.end(), text[start + 1:m.start()]))
    return groups


def _first_open(text: str) -> int:
    """Where the first bracket opens, or -1.

    str.find scans ten times faster than a character-class regex, and notices open their groups
    with （ almost always: the regex only runs when another opening bracket is present.
    """
    if "(" in text or "〔" in text or "【" in text or "[" in text:
        found = _ANY_OPEN.search(text)
        return found.start() if found else -1
    return text.find("（")


def _role_of(clause: str, rules: _FieldRules, strict: bool) -> tuple[_Label, str, bool] | None:
    """(role label, the units or value, whether it was a printed label) of one clause, or None."""
    if _has_colon(clause):
        m = rules.start.match(clause)
        if m:
            return rules.labels[m.group("label")], clause[m.end():], True
    if not clause.endswith(rules.inline_ends):
        return None
    by_last = rules.inline_by_last
    for suffix, label in rules.inline if by_last is None else by_last[clause[-1]]:
        if clause.endswith(suffix) and len(clause) > len(suffix):
            units = clause[: -len(suffix)]
            if "。" not in units and len(units) <= 300 and _looks_like_units(units, rules, strict):
                return label, units, False
    return None


def _clause_role(clause: str, grammars: GrammarSet, strict: bool = False) -> tuple[_Label, str] | None:
    found = _role_of(clause, _field_rules(grammars), strict)
    return (found[0], found[1]) if found else None


def _looks_like_units(text: str, rules: _FieldRules, strict: bool = False) -> bool:
    """Every listed name ends with a unit suffix or (unless strict) is a collective name (各…)."""
    vocab = rules.units
    names = _split_units(text, rules.grammars)
    if not names:
        return False
    for name in names:
        if not _is_unit_name(name, vocab) and (strict or not name.startswith(vocab.collective_prefixes)):
            return False
    return True


def _clause_deadline(clause: str, year: int | None, ref: date | None) -> deadlines.DeadlineResult | None:
    """The deadline a group clause names (2018年12月底完成), or None.

    Read with the task's year and reference date, so that when the clause is the group's whole
    deadline the task takes this result instead of normalising the same phrase again.
    """
    if len(clause) > 200 or not deadlines.may_name_deadline(clause):
        return None
    result = deadlines.normalise(clause, year=year, ref=ref)
    return None if result.kind == "none" else result


def _assign_units(fields: _Fields, label: _Label, units_text: str, rules: _FieldRules) -> None:
    vocab = rules.units
    names: tuple[str, ...] | list[str] = _split_units(units_text, rules.grammars)
    if not names:
        return
    role = label.role
    if role == "lead":
        if vocab.etc in units_text:
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
    clauses = _split_top_level(inner, _CLAUSES)
    stripped = [clause.strip() for clause in clauses]
    found = [_role_of(s, rules, strict) if s else None for s in stripped]
    first_deadline: deadlines.DeadlineResult | None = None  # the first clause's, when read here
    for role in found:
        if role is not None and role[0].role in _UNIT_ROLES:
            break
    else:
        # No role clause: the group counts only as a closing deadline that starts at its first
        # character, so at most the first clause needs reading as a date.
        if not at_end or not _may_open_with_deadline(clauses[0], stripped[0], found[0]):
            return None
        first_deadline = _clause_deadline(stripped[0], year, ref)
        if first_deadline is None:
            return None
    return _read_clauses(inner, clauses, stripped, found, rules, (year, ref), at_end, strict, first_deadline)


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
    deadline: deadlines.DeadlineResult | None = None  # what the clause at deadline_from names
    deadline_index = 0
    offset = 0
    continuing: _Label | None = None  # 责任单位：A，B — B continues a labelled list
    for index, clause in enumerate(clauses):
        text = stripped[index]
        role = found[index]
        if role is not None and role[0].role in _UNIT_ROLES:
            _assign_units(fields, role[0], role[1], rules)
            fields.evidence.append(role[0].rule_id)
            roles += 1
            continuing = role[0] if role[2] else None
        elif role is not None and role[0].role == "deadline":
            fields.group_deadline = role[1].strip()
            fields.evidence.append(role[0].rule_id)
            continuing = None
        elif deadline_from is None and text and (deadline := (
                first_deadline if index == 0 and first_deadline is not None
                else _clause_deadline(text, *when))) is not None:
            deadline_from = offset + (len(clause) - len(clause.lstrip()))
            deadline_index = index
            continuing = None
        elif continuing is not None and text and _looks_like_units(text, rules):
            _assign_units(fields, continuing, text, rules)
        elif strict and text and deadline_from is None:
            return None
        else:
            continuing = None
        offset += len(clause) + 1
    if deadline_from is not None and fields.group_deadline is None:
        fields.group_deadline = inner[deadline_from:].strip(_TRIM)
        if deadline is not None and fields.group_deadline == stripped[deadline_index]:  # the whole phrase
            fields.group_result = deadline
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
        into.group_result = other.group_result
    for key, value in other.rules.items():
        into.rules.setdefault(key, value)
    into.evidence += other.evidence


def _at_end(text: str) -> int:
    """Index a group must reach to close its line (trailing 。；; and spaces do not count)."""
    return len(text.rstrip("。；; ")) - 1


# ---------------------------------------------------------------- blocks


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
        if pending is not None and not m:
            _read_labels(pending + text, fields, rules, index)
            pending = None
            continue
        pending = None
        if m:
            label = labels[m.group("label")]
            if label.role != "measure":
                if label.role != "plan" and not text[m.end():].strip(_TRIM):
                    pending = text
                _read_labels(text, fields, rules, index)
                continue
            offset += m.end()
            text = fields.measure = text[m.end():]  # 具体举措： opens the block's body
            fields.evidence.append(label.rule_id)
        if colon:
            tail = _trailing_labels(text, rules)
            if tail is not None:
                _read_labels(text[tail:], fields, rules, index)
                text = text[:tail].rstrip()
        body.append(text)
        body_lines.append(index)
        if ("（" in text or "(" in text or "〔" in text or "【" in text or "[" in text) and (  # _has_open
                index == last - 1 or text[-1:] in _CLOSE or hint.search(text)):
            known = line_groups.get(index) if line_groups else None
            body_groups = _groups_in(texts[index], offset, text, known)
            _read_line_groups(text, body_groups, fields, grammars, year, ref)
        if "。" in text:  # a role sentence names a role word, so this needs no hint test of its own
            sentence = _closing_role_sentence(text, rules, year, ref)
            if sentence:
                _merge(fields, sentence)
    return fields, body, body_lines, body_groups if len(body) == 1 else None


def _groups_in(line: str, offset: int, text: str, known: _Groups | None) -> _Groups:
    """bracket_groups(text) for `text` = line[offset:offset + len(text)], from the whole line's groups when known.

    Groups are found left to right, so a prefix holds the line's groups that close inside it; and
    with no bracket opening before `offset` the scan is at depth 0 there, as a scan of the rest
    starts (closing brackets at depth 0 close nothing).
    """
    if known is None or (offset and _has_open(line[:offset])):
        return bracket_groups(text)
    if not offset and len(text) == len(line):
        return known
    end = offset + len(text)
    return [(start - offset, stop - offset, inner) for start, stop, inner in known if stop <= end]


def _read_line_groups(text: str, groups: _Groups, fields: _Fields, grammars: GrammarSet, year: int | None,
                      ref: date | None) -> None:
    """Merge the field groups printed in one body line (`groups`: its bracket groups)."""
    end = _at_end(text)
    for _g_start, g_end, inner in groups:
        parsed = parse_group(inner, grammars, year, g_end >= end, False, ref)
        if parsed:
            _merge(fields, parsed)


def _closing_role_sentence(text: str, rules: _FieldRules, year: int | None, ref: date | None) -> _Fields | None:
    """…。由市发展改革委牵头，市财政局配合。 — a last sentence made only of role clauses.

    Without brackets the clauses must name real units (unit suffixes), so that a sentence such as
    各部门要按照职责分工负责落实 is not read as a field.
    """
    end = len(text.rstrip("。；;！ "))
    cut = text.rfind("。", 0, end)
    # parse_group reads nothing in a sentence without a role word: test that in place, before
    # cutting the sentence out and asking parse_group's cache
    if cut < 0 or not 0 < end - cut - 1 <= 200 or not rules.hint.search(text, cut + 1, end):
        return None
    sentence = text[cut + 1:end]
    if _has_open(sentence):
        return None
    parsed = parse_group(sentence, rules.grammars, year, False, True, ref)
    if parsed and (parsed.lead or parsed.responsible):
        return parsed
    return None


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


def _read_labels(text: str, fields: _Fields, rules: _FieldRules, line_index: int) -> None:
    """One line of labelled fields; several labels may share a line (牵头单位：X 责任单位：Y)."""
    text = _unwrap(text.strip())
    found = rules.anywhere.search(text)
    if found is None:
        return
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
            _assign_units(fields, label, value, rules)
        elif role == "deadline":
            fields.deadline_label = value
            fields.rules["deadline"] = label.ref
        elif role == "plan":
            fields.plan = value
            fields.rules["deadline"] = label.ref


# ---------------------------------------------------------------- task level


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
        if parsed and (parsed.lead or parsed.responsible or parsed.group_deadline):
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
    low, high = _candidate_span(part, ends)
    fielded: list[int] = []
    measures: list[int] = []
    groups_of: dict[int, _Groups] = {}
    for index, text in enumerate(_texts(structure)[part.first:part.last], part.first):
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
    return fielded, measures, groups_of


def _candidate_span(part: DocumentPart, ends: list[int]) -> tuple[int, int]:
    """[low, high): the lines the blocks of task-candidate headings cover, from the first to the last."""
    low = high = 0
    for index, heading in enumerate(part.headings):
        if not heading.nontask:
            if not high:
                low = heading.line
            high = max(high, ends[index])
    return low, high


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
    return best[1] if best else None


def _fallback_rank(part: DocumentPart) -> int | None:
    """Without field evidence: numbered 1. items, else （一） items, else 一、 items."""
    for rank in (3, 2, 1):
        if sum(1 for h in part.headings if h.rank == rank and not h.nontask) >= 2:
            return rank
    return None


# ---------------------------------------------------------------- tasks

_NOT_NUMBER = re.compile(r"[^0-9一二三四五六七八九十百①-⑳]")
_NUMBER_CHARS = "0123456789一二三四五六七八九十百" + "".join(map(chr, range(ord("①"), ord("⑳") + 1)))
_MARKS = "（）().．、"  # what ordinals print around their number
_ORDINAL_MARKS = str.maketrans("", "", _MARKS)
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _number(ordinal: str) -> str:
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
                  grammars: GrammarSet, body_groups: _Groups | None = None) -> deadlines.DeadlineResult:
    """The field wins; then a closing group's date; then a 推进计划; then dated targets in the body.

    `body_groups` are the bracket groups of `body` when they are known.
    """
    if fields.deadline_label:
        return deadlines.normalise(fields.deadline_label, year=year, ref=ref)
    if fields.group_deadline:
        if fields.group_result is not None:  # read already, as the group's deadline clause
            return _copy(fields.group_result)
        return deadlines.normalise(fields.group_deadline, year=year, ref=ref)
    if fields.plan:
        result = deadlines.normalise(fields.plan, year=year, ref=ref)
        if result.kind == "milestones":
            result.text = None
        return result
    gate = _date_gate(grammars)
    if gate is None or gate.search(body):  # else no dated target: find_in_text would find nothing
        free = _strip_groups(body, grammars, year, ref, body_groups)
        if gate is None or free is body or gate.search(free):
            found = deadlines.find_in_text(free, year=year, ref=ref)
            if found:
                return found
    return deadlines.DeadlineResult(text=None, kind="none", end=None)


def _copy(result: deadlines.DeadlineResult) -> deadlines.DeadlineResult:
    """A task's own result: a cached group's is shared by every task that prints that group."""
    return deadlines.DeadlineResult(text=result.text, kind=result.kind, end=result.end,
                                    milestones=list(result.milestones), rule=result.rule, unparsed=result.unparsed)


@cache
def _date_gate(grammars: GrammarSet) -> re.Pattern[str] | None:
    """The characters a dated target can start from, as printed; None when that is not known.

    grammars/deadlines*.yaml: every dated shape starts with a `token_start` character, and the
    shapes see their input folded (full-width forms → ASCII, U+3000 → space, the `traditional`
    characters → simplified; masking only hides text). So a body with no `token_start` character
    and no character that folding changes names no date, and deadlines.find_in_text returns None
    for it. The deadlines stage reads the built-in grammars; the files of both sets are covered.
    """
    from .grammar import load_grammars

    files = [g for found in (grammars, load_grammars()) for g in found.files if g.spec.stage == "deadlines"]
    starts = {str(g.spec.vocab["token_start"]) for g in files if "token_start" in g.spec.vocab}
    if not starts or not all(_SINGLE_CHAR_CLASS.fullmatch(start) and not re.fullmatch(start, _MASKED)
                             for start in starts):
        return None
    start = re.compile("|".join(sorted(starts)))
    folds = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width → ASCII
    folds["\u3000"] = " "
    for grammar in files:
        folds.update({str(k): str(v) for k, v in (grammar.spec.vocab.get("traditional") or {}).items()})
    # printed characters whose folded form can start a date (a many-character key: all of its characters)
    into_start = sorted({ch for printed, simple in folds.items() if start.match(simple) for ch in printed})
    if not into_start:
        return start
    return re.compile("|".join([*sorted(starts), "[" + "".join(map(re.escape, into_start)) + "]"]))


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


def _build_task(structure: Structure, first: int, last: int, heading: Heading | None, section: Heading | None,
                grammars: GrammarSet, year: int | None, ref: date | None,
                line_groups: dict[int, _Groups] | None = None) -> RawTask | None:
    lines = structure.lines
    skip = 0
    if heading is not None:
        skip = len(lines[first].text) - len(heading.rest)
    fields, body, body_lines, body_groups = _read_block(_texts(structure), first, last, grammars, year, skip, ref,
                                                        line_groups)
    if not body:
        return None
    text = "\n".join(body)
    if fields.measure is not None and heading is None:
        title = task_title(fields.measure)
    else:
        title = _task_title(body[0], body_groups)  # body_groups: those of body[0] when it is the whole body
    last_line = max(body_lines[-1], max(fields.field_lines)) if fields.field_lines else body_lines[-1]
    span = (lines[first].start, lines[last_line].end)
    deadline = _deadline_for(fields, text, year, ref, grammars, body_groups)
    rules = fields.rules  # the block's own dict: merged groups only ever copied entries into it
    if deadline.rule:
        rules["deadline_kind"] = deadline.rule
    if heading is not None:
        rules["task"] = heading.rule
    return RawTask(number=_number(heading.ordinal) if heading else None, heading=heading, section=section,
                   title=title, text=text, lead=fields.lead, responsible=fields.responsible,
                   deadline=deadline, span=span, rules=rules, evidence=fields.evidence)


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


def document_year(structure: Structure, part: DocumentPart) -> tuple[int | None, date | None]:
    """The year relative dates take: the 成文日期, else a year in the title."""
    meta = part.meta
    if meta.date:
        ref = date.fromisoformat(meta.date)
        return ref.year, ref
    if meta.title:
        m = _TITLE_YEAR.search(meta.title)
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
        found = [(m.start(), int(m.group(1))) for m in _TITLE_YEAR.finditer(text)]
        return cls([o for o, _ in found], [y for _, y in found])

    def before(self, offset: int) -> int | None:
        position = bisect.bisect_left(self.offsets, offset)
        return self.years[position - 1] if position else None


def extract_tasks(structure: Structure, part: DocumentPart, grammars: GrammarSet) -> DocumentTasks:
    """All tasks of one document, in printed order."""
    year, ref = document_year(structure, part)
    stated_years = _year_index(structure) if year is None else _YearIndex([], [])
    ends = _block_ends(part)
    fielded, measure_lines, line_groups = _scan_part(structure, part, grammars, year, ends, ref)
    rank = _rank_with_fields(part, ends, fielded)
    if rank is None and not measure_lines:
        rank = _fallback_rank(part)
    from .tables import extract_table_tasks

    table_tasks, table_lines = extract_table_tasks(structure, part, grammars, year, ref)
    tasks = list(table_tasks)
    table_starts = sorted(table_lines) if table_lines else []  # a numbered item's block ends where a table begins
    lines = structure.lines
    blocks: list[tuple[int, int]] = []  # [first, last) of each numbered task, in order and disjoint
    if rank is not None:
        for index, heading in enumerate(part.headings):
            # an earlier block of this level ends at or before this heading: only tables can hold it
            if heading.rank != rank or heading.nontask or (table_lines and heading.line in table_lines):
                continue
            end = _before_table(ends[index], heading.line, table_starts)
            task_year = year or stated_years.before(lines[heading.line].start)
            section = part.headings[heading.parent] if heading.parent is not None else None
            task = _build_task(structure, heading.line, end, heading, section, grammars, task_year, ref, line_groups)
            if task:
                tasks.append(task)
                blocks.append((heading.line, end))
    if measure_lines:
        stops = sorted({*measure_lines, *(h.line for h in part.headings), part.last})
        for start in measure_lines:
            if start in table_lines or _in_blocks(blocks, start):
                continue
            end = stops[bisect.bisect_right(stops, start)]
            task_year = year or stated_years.before(lines[start].start)
            task = _build_task(structure, start, end, None, _enclosing_heading(part, start), grammars, task_year,
                               ref, line_groups)
            if task:
                tasks.append(task)
    if len(tasks) > len(blocks):  # numbered tasks come in printed order; table and 具体举措 tasks are placed
        tasks.sort(key=lambda t: t.span[0])
    sections = [h for h in part.headings if h.rank < rank] if rank is not None else list(part.headings)
    if table_tasks:  # a task table's group rows (一、深化简政放权) are sections too
        sections = _with_group_rows(sections, part, table_tasks)
    warnings: list[tuple[str, int | None, str]] = [
        ("deadline.unparsed", i, f"deadline not understood: {task.deadline.text!r}")
        for i, task in enumerate(tasks) if task.deadline.unparsed]
    return DocumentTasks(tasks=tasks, task_rank=rank, section_headings=sections, warnings=warnings)


def _before_table(end: int, line: int, table_starts: list[int]) -> int:
    """A numbered item's block ends where a task table after it begins (`table_starts`: sorted table lines)."""
    if table_starts:
        next_table = bisect.bisect_right(table_starts, line)
        if next_table < len(table_starts):
            return min(end, table_starts[next_table])
    return end


def _with_group_rows(sections: list[Heading], part: DocumentPart, table_tasks: list[RawTask]) -> list[Heading]:
    """The sections plus the group rows table tasks sit under (only table tasks have such sections)."""
    known = {id(h) for h in part.headings}
    group_rows = {id(t.section): t.section for t in table_tasks
                  if t.section is not None and id(t.section) not in known}
    return sorted([*sections, *group_rows.values()], key=lambda h: h.line) if group_rows else sections


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
            _read_labels(example.text, fields, _field_rules(grammars), 0)
            got = f"{role} " + "|".join(fields.lead if role == "lead" else fields.responsible)
        else:
            got = f"{role} {example.text[m.end():]}"
    elif grammar.family == "fields":
        fields = _Fields()
        found = _clause_role(example.text, grammars)
        if not found:
            return "no role recognised"
        _assign_units(fields, found[0], found[1], _field_rules(grammars))
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
