"""Stage 4, structure: normalised text → documents, each with metadata and a section tree.

Works on lines. Heading ordinals come from `grammars/headings.yaml` (their order gives nesting),
metadata shapes from `grammars/meta.yaml`, non-task section titles from `grammars/nontasks.yaml`.
The result is plain data (dataclasses) that the extract stage reads.

Speed: the lines are built column-wise (map/accumulate do the per-line work in C) and each rule
only runs on the lines that can fire it. Those are found with gates derived from the grammar's own
patterns — the characters a match can start with, the literals every match contains — checked in
one regex call over a string holding every line's first (or last) character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, sub
from typing import Any

from .grammar import Grammar, GrammarSet, Rule

try:  # the standard library's own regex parser: the gates are read from a pattern's parse tree
    from re import _constants as _sre
    from re import _parser as _sre_parse

    _REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
    _CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
                   _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
except (ImportError, AttributeError):  # pragma: no cover - present on every supported Python; else no gates
    _sre = _sre_parse = None  # type: ignore[assignment]

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_TERMINAL = "。！？；"
_TRIM = " \t　:：。；;，,、"
_SPACE = " \t\u3000\xa0\ufeff"  # stripped from both ends of every line
_TITLE_CUT = re.compile("[。！？]")
_TITLE_MARKS = re.compile("[。；：:]")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|wps|txt|html?)$", re.I)
_COMMAS = re.compile(r"[，,]")
_TITLE_GAP = re.compile(r"(?<=[\u4e00-\u9fff”》）])\s+(?=[\u4e00-\u9fff“《（])")
_FIRST_LINE_STOP = re.compile(r"[。；:：]$|[。；]|\.[A-Za-z]{2,5}$")
_ISSUER_STOP = re.compile(r"[。，,；;：:！？“”《》\d]")
_ISSUER_CHARS = re.compile(r"[\u4e00-\u9fff（）()\s]+")
_SPACES = re.compile(r"\s+")
_BRACKETED_YEAR = re.compile(r"[\[［【（(]((?:19|20)\d{2})[\]］】）)]")
_NUMBER_PREFIX = re.compile(r"〕第(\d)")
_TITLE_START_STOP = re.compile(r"[。；：:，,！？、]")
_ATTACHMENT_ONLY = re.compile(r"^附件\s*\d*\s*[:：]?\s*$")
_DASHED_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_STATUS_ENDS = ("）", ")", "）\n", ")\n")  # how a title with a status suffix (see _status_suffix) ends


@dataclass(slots=True)
class Line:
    """One line of the normalised text, with the offsets of its stripped content."""

    index: int
    start: int
    end: int
    text: str
    raw_start: int = 0  # the whole line as printed, indentation and trailing tabs included
    raw_end: int = 0


@dataclass(slots=True)
class Heading:
    """A line that starts with an ordinal: a section heading or a numbered item."""

    line: int
    ordinal: str
    rule: str
    rank: int
    title: str
    rest: str
    parent: int | None = None  # index into Document.headings
    nontask: bool = False


@dataclass
class MetaInfo:
    title: str | None = None
    kind: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    recipients: list[str] = field(default_factory=list)
    date: str | None = None
    source_site: str | None = None
    cited_documents: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)


@dataclass
class DocumentPart:
    """One notice within the file: a line range, its headings and its metadata."""

    first: int
    last: int  # exclusive
    headings: list[Heading] = field(default_factory=list)
    meta: MetaInfo = field(default_factory=MetaInfo)


@dataclass
class Structure:
    text: str
    lines: list[Line]
    documents: list[DocumentPart]


# ---------------------------------------------------------------- gates read from a pattern
#
# A gate is a cheap necessary condition for a rule to fire on a line, read from the rule's own
# pattern (its parse tree, as the `re` module builds it), so the grammar stays the only source of
# rules. Zero-width parts (anchors, lookarounds) are skipped, which only widens a gate.


def _parse(pattern: re.Pattern[str]) -> list[Any] | None:
    """The pattern's parse tree, or None if it ignores case or cannot be read (then: no gate)."""
    if _sre_parse is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        return list(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:
        return None


def _first_chars(patterns: Sequence[re.Pattern[str]]) -> str | None:
    """A one-character regex that the first character of every match of these patterns satisfies.

    None when a pattern can match empty text or uses a construct not modelled here.
    """
    classes: list[str] = []
    for pattern in patterns:
        tree = _parse(pattern)
        found = None if tree is None else _sequence_first(tree)
        if found is None or found[1] or not found[0]:
            return None
        classes += found[0]
    return "|".join(classes)


def _sequence_first(items: Iterable[tuple[Any, Any]]) -> tuple[list[str], bool] | None:
    """(one-char regexes a match of the sequence can start with, whether it can match empty)."""
    classes: list[str] = []
    for op, av in items:
        found = _item_first(op, av)
        if found is None:
            return None
        classes += found[0]
        if not found[1]:
            return classes, False
    return classes, True


def _item_first(op: Any, av: Any) -> tuple[list[str], bool] | None:
    if op is _sre.LITERAL:
        return [re.escape(chr(av))], False
    if op is _sre.IN:
        source = _class_source(av)
        return None if source is None else ([source], False)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return [], True
    if op is _sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _sequence_first(av[3])
    if op in _REPEATS:
        found = _sequence_first(av[2])
        return None if found is None else (found[0], found[1] or av[0] == 0)
    if op is _sre.BRANCH:
        classes: list[str] = []
        nullable = False
        for branch in av[1]:
            found = _sequence_first(branch)
            if found is None:
                return None
            classes += found[0]
            nullable = nullable or found[1]
        return classes, nullable
    return None


def _class_source(items: Iterable[tuple[Any, Any]]) -> str | None:
    """A parsed character class written back as `[...]`; None for parts not modelled."""
    negate, parts = "", []
    for op, av in items:
        if op is _sre.NEGATE:
            negate = "^"
        elif op is _sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is _sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _sre.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            return None
    return f"[{negate}{''.join(parts)}]"


def _anchor(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match contains (None: no such set is known).

    Of the parts every match has (top-level literals, classes of literals, alternations that
    start with literals), the one with the fewest alternatives; on a tie the longer, then the later.
    """
    tree = _parse(pattern)
    options: list[tuple[str, ...]] = []
    if tree is not None:
        _collect_anchors(tree, options)
    if not options:
        return None
    return min(reversed(options), key=lambda alternatives: (len(alternatives), -min(map(len, alternatives))))


def _collect_anchors(items: Iterable[tuple[Any, Any]], options: list[tuple[str, ...]]) -> None:
    run = ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if run:
            options.append((run,))
            run = ""
        if op is _sre.IN and all(item_op is _sre.LITERAL for item_op, _ in av):
            options.append(tuple(chr(code) for _, code in av))
        elif op is _sre.BRANCH:
            leads = [_leading_literal(branch) for branch in av[1]]
            if all(leads):
                options.append(tuple(leads))
        elif op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            _collect_anchors(av[3], options)
        elif op in _REPEATS and av[0] >= 1:
            _collect_anchors(av[2], options)
    if run:
        options.append((run,))


def _leading_literal(items: Iterable[tuple[Any, Any]]) -> str:
    run = ""
    for op, av in items:
        if op is not _sre.LITERAL:
            break
        run += chr(av)
    return run


# ---------------------------------------------------------------- compiled grammar data


@dataclass(frozen=True)
class _MetaRule:
    ref: str
    rule: Rule
    pattern: re.Pattern[str]
    anchor: tuple[str, ...] | None  # the lines it can match contain one of these


@dataclass(frozen=True)
class _Rules:
    """What the stage compiles from the grammars, once per grammar set."""

    title_gate: re.Pattern[str] | None  # over the string of last characters (_Scan.lasts)
    attachment_anchor: tuple[str, ...] | None
    meta: dict[str, _MetaRule]
    number_requires: re.Pattern[str]
    field_labels: tuple[str, ...]


@cache
def _rules(grammars: GrammarSet) -> _Rules:
    meta: dict[str, _MetaRule] = {}
    for grammar, rule in grammars.rules("meta"):
        if rule.id not in meta and rule.id in grammar.compiled:
            pattern = grammar.pattern(rule.id)
            meta[rule.id] = _MetaRule(grammar.rule_ref(rule), rule, pattern, _anchor(pattern))
    kind_ends = _kind_ends(_kinds(grammars))
    return _Rules(
        title_gate=None if kind_ends is None else re.compile(kind_ends),
        attachment_anchor=_anchor(attachment_label(grammars)),
        meta=meta,
        number_requires=re.compile(meta["doc-number"].rule.extra("requires", "")),
        field_labels=tuple(f for f in {r.extra("labels", [""])[0] for _, r in grammars.rules("fields")} if f),
    )


def _kind_ends(kinds: tuple[str, ...]) -> str | None:
    """The last characters a title line can have (see title_kind): a kind's, a status's ）, or a space."""
    if not kinds or "" in kinds:
        return None
    ends = "".join(sorted({kind[-1] for kind in kinds} | {"）", ")"}))
    return f"[{re.escape(ends)}]|[^\\S{_SPACE}\\n\\f]"


@cache
def _nontask_combined(grammars: GrammarSet) -> tuple[re.Pattern[str], ...]:
    """The nontask patterns as one alternation, when they combine safely (no groups, no flags)."""
    patterns = _nontask_patterns(grammars)
    if len(patterns) < 2 or any(p.groups or p.flags != re.UNICODE for p in patterns):
        return tuple(patterns)
    try:
        return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns)),)
    except re.error:
        return tuple(patterns)


# ---------------------------------------------------------------- lines and headings


@dataclass
class _Columns:
    """The lines of a text, one list per Line field."""

    texts: list[str]
    starts: list[int]
    ends: list[int]
    raw_starts: list[int]
    raw_ends: list[int]

    def lines(self) -> list[Line]:
        return list(map(Line, range(len(self.texts)), self.starts, self.ends, self.texts, self.raw_starts,
                        self.raw_ends))


def _columns(text: str) -> _Columns:
    raws = text.replace("\f", "\n").split("\n")
    widths = list(map(len, raws))
    raw_starts = list(accumulate(map(add, widths[:-1], repeat(1)), initial=0))
    raw_ends = list(map(add, raw_starts, widths))
    starts = list(map(sub, raw_ends, map(len, map(str.lstrip, raws, repeat(_SPACE)))))
    texts = list(map(str.strip, raws, repeat(_SPACE)))
    return _Columns(texts, starts, list(map(add, starts, map(len, texts))), raw_starts, raw_ends)


def split_lines(text: str) -> list[Line]:
    """Lines with offsets of their stripped content (form feeds count as line breaks)."""
    return _columns(text).lines()


@cache
def _heading_rules(grammars: GrammarSet) -> list[tuple[Grammar, Rule, re.Pattern[str], int]]:
    rules = [(g, r, g.pattern(r.id), int(r.extra("level", 9))) for g, r in grammars.rules("headings")]
    return sorted(rules, key=lambda item: item[3])


def heading_title(rest: str) -> str:
    """A heading's title: the text after the ordinal up to the first 。 (trailing punctuation dropped)."""
    m = _TITLE_CUT.search(rest)
    return (rest[:m.start()] if m else rest).strip(_TRIM)


@cache
def _heading_scanner(grammars: GrammarSet) -> tuple[re.Pattern[str], dict[str, tuple[str, str, str, int]]]:
    """All heading patterns as one alternation: one regex call per line instead of one per rule.

    Rule n is wrapped in group `a<n>` (the group `lastgroup` names after a match); its ordinal is
    group `h<n>` and a lookahead captures its title up to the first 。 in `t<n>` (see heading_title).
    A lookahead for the characters an ordinal can start with lets other lines fail at once.
    """
    parts, groups = [], {}
    for number, (grammar, rule, pattern, level) in enumerate(_heading_rules(grammars)):
        body = pattern.pattern.replace("(?P<ord>", f"(?P<h{number}>", 1)
        parts.append(f"(?P<a{number}>{body}(?=(?P<t{number}>[^。！？]*)))")
        groups[f"a{number}"] = (f"h{number}", f"t{number}", grammar.rule_ref(rule), level)
    first = _first_chars([pattern for _, _, pattern, _ in _heading_rules(grammars)])
    gate = f"(?={first})" if first else ""
    return re.compile(f"{gate}(?:{'|'.join(parts)})"), groups


def match_heading(text: str, grammars: GrammarSet) -> tuple[str, str, int, str] | None:
    """(ordinal, rule ref, level, rest) when the line starts with a heading ordinal."""
    scanner, groups = _heading_scanner(grammars)
    m = scanner.match(text)
    if not m or len(text) <= m.end():
        return None
    name, _, rule, level = groups[m.lastgroup]  # type: ignore[index]
    return m.group(name), rule, level, text[m.end():]


@cache
def attachment_label(grammars: GrammarSet) -> re.Pattern[str]:
    """附件 / 附件1： / 附件一 — the label that opens attachments (meta.yaml vocab)."""
    return re.compile(str(next(iter(grammars.vocab("meta", "attachment_label")), "(?!)")))


@cache
def _nontask_patterns(grammars: GrammarSet) -> list[re.Pattern[str]]:
    return [g.pattern(r.id) for g, r in grammars.rules("nontasks") if r.pattern]


def is_nontask_title(title: str, grammars: GrammarSet) -> bool:
    return any(p.search(title) for p in _nontask_patterns(grammars))


class _Scan:
    """One text's lines, its heading lines and the lines a title can be on (computed once per text)."""

    __slots__ = ("heads", "lines", "raw_ends", "raw_starts", "rules", "text", "texts", "titles")

    def __init__(self, text: str, grammars: GrammarSet) -> None:
        self.rules = _rules(grammars)
        columns = _columns(text)
        self.text = text
        self.lines = columns.lines()
        self.texts = texts = columns.texts
        self.raw_starts, self.raw_ends = columns.raw_starts, columns.raw_ends
        scanner = _heading_scanner(grammars)[0]
        matches = list(map(scanner.match, texts))
        self.heads: dict[int, re.Match[str]] = {
            index: m for index, m in compress(enumerate(matches), matches)  # type: ignore[misc]
            if len(texts[index]) > m.end() and "\t" not in texts[index]}  # tab lines are table rows: tables.py
        self.titles = self._title_lines(columns.ends)

    def _title_lines(self, ends: list[int]) -> list[int]:
        """Non-heading lines whose last character a title line can end with (one regex call).

        `lasts` holds each line's last character; an empty line gets whatever precedes it, so the
        candidates are checked for text.
        """
        gate, texts, heads = self.rules.title_gate, self.texts, self.heads
        if gate is None or not self.text:
            return [i for i, text in enumerate(texts) if text and i not in heads]
        lasts = "".join(itemgetter(*map(sub, ends, repeat(1)))(self.text))
        return [i for i in (m.start() for m in gate.finditer(lasts)) if texts[i] and i not in heads]

    def between(self, found: list[int], first: int, last: int) -> list[int]:
        """The line numbers of a sorted list that fall in [first, last)."""
        return found[bisect_left(found, first):bisect_left(found, last)]

    def containing(self, anchor: tuple[str, ...] | None, first: int, last: int) -> Iterator[int]:
        """Ascending lines in [first, last) whose text contains one of the anchor's literals.

        Finds each literal's first character in the text (str.find, C speed) instead of testing
        every line; no anchor: every line.
        """
        if anchor is None:
            return iter(range(first, last))
        if len(anchor) == 1:
            return self._containing(anchor[0], first, last)
        return iter(sorted({index for literal in anchor for index in self._containing(literal, first, last)}))

    def _containing(self, literal: str, first: int, last: int) -> Iterator[int]:
        if first >= last:
            return
        text, texts, raw_starts, raw_ends = self.text, self.texts, self.raw_starts, self.raw_ends
        char, end = literal[0], raw_ends[last - 1]
        pos = text.find(char, raw_starts[first], end)
        while pos >= 0:
            index = bisect_right(raw_starts, pos) - 1
            if literal in texts[index]:
                yield index
            pos = text.find(char, raw_ends[index] + 1, end)


def find_headings(lines: list[Line], first: int, last: int, grammars: GrammarSet) -> list[Heading]:
    """Every ordinal line in [first, last), nested by level with a stack."""
    scanner = _heading_scanner(grammars)[0]
    texts = [line.text for line in lines]
    heads = {index: m for index in range(first, last)
             if (m := scanner.match(texts[index])) and len(texts[index]) > m.end() and "\t" not in texts[index]}
    attachment = attachment_label(grammars)
    attachments = {index for index in range(first, last) if attachment.match(texts[index])}
    return _nest_headings(texts, heads, attachments, sorted(attachments.union(heads)), grammars)


def _nest_headings(texts: list[str], heads: dict[int, re.Match[str]], attachments: set[int], events: list[int],
                   grammars: GrammarSet) -> list[Heading]:
    """The headings on the `events` lines (ascending: heading lines and 附件 candidates), nested.

    Any other line with text only ends a list of attachments; that is checked at the next event.
    """
    attachment = attachment_label(grammars)
    nontask = _nontask_combined(grammars)
    groups = _heading_scanner(grammars)[1]
    headings: list[Heading] = []
    stack: list[int] = []
    in_attachment_list = False
    previous = -1
    for index in events:
        text = texts[index]
        if in_attachment_list and any(texts[previous + 1:index]):
            in_attachment_list = False  # a line of text ends the list of attachments
        previous = index
        if index in attachments and attachment.match(text):
            in_attachment_list = True
            rest_of_line = attachment.sub("", text, count=1)
            found = match_heading(rest_of_line, grammars) if rest_of_line else None
            if not found:
                continue
            ordinal, rule, level, rest = found
            title = heading_title(rest)
        elif index in heads:
            m = heads[index]
            name, title_group, rule, level = groups[m.lastgroup]  # type: ignore[index]
            ordinal, rest, title = m.group(name), text[m.end():], m.group(title_group).strip(_TRIM)
        else:
            in_attachment_list = in_attachment_list and not text
            continue
        if in_attachment_list and len(rest) <= 80 and "。" not in rest:
            continue  # 附件：1.XX分工表 2.… names attachments; it is not a numbered item
        while stack and headings[stack[-1]].rank >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        heading = Heading(index, ordinal, rule, level, title, rest, parent)
        heading.nontask = (parent is not None and headings[parent].nontask) or any(
            p.search(title) for p in nontask)
        headings.append(heading)
        stack.append(len(headings) - 1)
    return headings


# ---------------------------------------------------------------- metadata


def _meta_rule(grammars: GrammarSet, rule_id: str) -> tuple[Grammar, Rule, re.Pattern[str]]:
    for grammar, rule in grammars.rules("meta"):
        if rule.id == rule_id:
            return grammar, rule, grammar.pattern(rule.id)
    raise KeyError(rule_id)


@cache
def _kinds(grammars: GrammarSet) -> tuple[str, ...]:
    return tuple(sorted(grammars.vocab("meta", "kinds"), key=len, reverse=True))


@cache
def _status_suffix(grammars: GrammarSet) -> re.Pattern[str]:
    words = "|".join(map(re.escape, grammars.vocab("meta", "title_status"))) or "(?!)"
    return re.compile(rf"[（(](?:{words})[）)]$")


def title_kind(title: str, grammars: GrammarSet) -> str | None:
    """The document kind a title ends with (实施方案, 通知 …), ignoring a status such as （试行）."""
    kinds = _kinds(grammars)
    core = (_status_suffix(grammars).sub("", title) if title.endswith(_STATUS_ENDS) else title).strip()
    if not core.endswith(kinds):  # one C-level test of every kind before finding which one
        return None
    return next(kind for kind in kinds if core.endswith(kind))


@cache
def _limit(grammars: GrammarSet, key: str, default: int) -> int:
    for grammar in grammars.family("meta"):
        if key in grammar.spec.vocab:
            return int(grammar.spec.vocab[key])
    return default


def is_title_line(text: str, grammars: GrammarSet) -> bool:
    """A short line without sentence punctuation that ends with a document kind."""
    return _is_title_text(text, grammars) and not match_heading(text, grammars)


def _is_title_text(text: str, grammars: GrammarSet) -> bool:
    """is_title_line for a line already known not to be a heading."""
    if (not text or "\t" in text or len(text) > _limit(grammars, "title_max_chars", 90)
            or title_kind(text, grammars) is None):
        return False
    return not (_TITLE_MARKS.search(text) or text.startswith("《") or attachment_label(grammars).match(text)
                or _FILE_NAME.search(text))


def clean_title(title: str) -> str:
    """GB/T 9704: titles carry no punctuation but 书名号/顿号 — drop stray commas and spaces."""
    return _TITLE_GAP.sub("", _COMMAS.sub("", title)).strip()


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) == 4:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            return None
    return total + current


def parse_date_line(text: str, grammars: GrammarSet) -> str | None:
    """ISO date of a standalone 成文日期 line, or None."""
    m = _date_line(grammars).match(text)
    if not m:
        return None
    year, month, day = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
    if not year or not month or not day or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@cache
def _date_line(grammars: GrammarSet) -> re.Pattern[str]:
    return _meta_rule(grammars, "date-line")[2]


def _split_names(text: str) -> list[str]:
    """Split a recipients list on separators outside brackets: 各县（市、区）人民政府 stays whole."""
    names: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "（(〔【[":
            depth += 1
        elif ch in "）)〕】]" and depth:
            depth -= 1
        if depth == 0 and ch in "、，,；;":
            names.append(current.strip())
            current = ""
        else:
            current += ch
    names.append(current.strip())
    return [n for n in names if n]


def _looks_like_issuer(text: str, grammars: GrammarSet) -> bool:
    if not text or len(text) > _limit(grammars, "issuer_max_chars", 40):
        return False
    if _ISSUER_STOP.search(text):
        return False
    return bool(_ISSUER_CHARS.fullmatch(text)) and not is_title_line(text, grammars)


def _find_title(scan: _Scan, first: int, head_end: int, grammars: GrammarSet, meta: MetaInfo,
                is_first_doc: bool) -> None:
    rules, lines, texts = scan.rules, scan.lines, scan.texts
    wrapper = rules.meta["print-wrapper"]
    candidates = {*scan.containing(wrapper.anchor, first, head_end), *scan.containing(("《",), first, head_end)}
    for index in sorted(candidates):  # other lines neither hold the wrapper's 关于 nor run on (open 《)
        text = texts[index]
        if "《" in text:
            text = _with_open_title_continued(lines, lines[index], head_end)
        m = wrapper.pattern.search(text)
        if m and len(text) <= 200 and "。" not in text:
            meta.title = clean_title(m.group("inner") or m.group("bare"))
            meta.rules["title"] = wrapper.ref
            issuer = rules.meta["issuer-prefix"]
            im = issuer.pattern.match(text)
            if im and not meta.issuer:
                meta.issuer = im.group("issuer")
                meta.rules["issuer"] = issuer.ref
            return
    for index in scan.between(scan.titles, first, head_end):
        if _is_title_text(texts[index], grammars):
            start = title_start(lines, lines[index], grammars, floor=first)
            meta.title = clean_title("".join(texts[start:index + 1]))
            meta.rules["title"] = "meta.yaml::title-line"
            return
    if is_first_doc:
        for text in texts[first:head_end]:
            if not text:
                continue
            if (len(text) <= _limit(grammars, "title_max_chars", 90) and not _FIRST_LINE_STOP.search(text)
                    and not parse_date_line(text, grammars)):
                meta.title = text
                meta.rules["title"] = "meta.yaml::first-line"
            return


def _with_open_title_continued(lines: list[Line], line: Line, head_end: int) -> str:
    """关于印发《…〈关于打好经济 / 增长主动仗…〉实施方案》的通知: a title broken while 《 is open."""
    text = line.text
    index = line.index + 1
    while text.count("《") > text.count("》") and index < head_end and index <= line.index + 4:
        text += lines[index].text
        index += 1
    return text


def _find_signature(scan: _Scan, first: int, last: int, grammars: GrammarSet, meta: MetaInfo) -> None:
    for index in scan.containing(scan.rules.meta["date-line"].anchor, first, last):
        iso = parse_date_line(scan.texts[index], grammars)
        if not iso:
            continue
        meta.date = iso
        meta.rules["date"] = "meta.yaml::date-line"
        issuers = _signature_lines(scan.lines, first, index, grammars)
        if issuers:
            meta.issuer = "、".join(issuers)
            meta.rules["issuer"] = "meta.yaml::signature-line"
        return


def _signature_lines(lines: list[Line], first: int, date_line: int, grammars: GrammarSet) -> list[str]:
    """The issuer line(s) right above a date line; joint notices sign with one issuer per line."""
    found: list[str] = []
    for index in range(date_line - 1, first - 1, -1):
        text = lines[index].text
        if not text:
            continue
        if len(found) >= 4 or not _looks_like_issuer(text, grammars):
            break
        found.append(_SPACES.sub("", text))
    return list(reversed(found))


def _find_numbers(scan: _Scan, first: int, last: int, head_end: int, grammars: GrammarSet,
                  meta: MetaInfo) -> None:
    rules, texts = scan.rules, scan.texts
    number = rules.meta["doc-number"]
    required = rules.number_requires
    cited: list[str] = []
    for index in scan.containing(number.anchor, first, last):
        text = texts[index]
        if required.search(text) is None:  # the rule's cheap pre-check (meta.yaml `requires`)
            continue
        for m in number.pattern.finditer(text):
            found = _cut_lead_in(normalise_doc_number(m.group("num")), grammars)
            alone = len(text) - len(m.group(0)) <= 4 or _closes_line(text, m.start(), m.end())
            if alone and index < head_end and meta.doc_number is None:
                meta.doc_number = found
                meta.rules["doc_number"] = number.ref
            elif found not in cited:
                cited.append(found)
    meta.cited_documents = [n for n in cited if n != meta.doc_number]


def _closes_line(text: str, start: int, end: int) -> bool:
    """…的通知（甘政办发〔2022〕194号）: a number bracketed at the end of a head line is the notice's own."""
    return text[:start].rstrip().endswith(("（", "(")) and text[end:].strip() in ("）", ")")


def _cut_lead_in(number: str, grammars: GrammarSet) -> str:
    """落实甘政发〔2022〕57号 → 甘政发〔2022〕57号: running text can run into a cited number."""
    prefix_end = number.find("〔") if "〔" in number else len(number)
    prefix = number[:prefix_end]
    cut = 0
    for word in _lead_ins(grammars):
        pos = prefix.rfind(word)
        if pos >= 0 and prefix_end - (pos + len(word)) >= 2:
            cut = max(cut, pos + len(word))
    return number[cut:]


@cache
def _lead_ins(grammars: GrammarSet) -> tuple[str, ...]:
    return tuple(str(word) for word in grammars.vocab("meta", "number_lead_ins"))


def normalise_doc_number(number: str) -> str:
    """Brackets of a 发文字号 restored to 〔〕, spaces and 第 dropped."""
    number = _SPACES.sub("", number)
    number = _BRACKETED_YEAR.sub(r"〔\1〕", number)
    return _NUMBER_PREFIX.sub(r"〕\1", number)


def _find_recipients(scan: _Scan, first: int, head_end: int, meta: MetaInfo) -> None:
    rules = scan.rules
    recipients = rules.meta["recipients-line"]
    match, fields = recipients.pattern.match, rules.field_labels
    for index in scan.containing(recipients.anchor, first, head_end):
        text = scan.texts[index]
        m = match(text)
        if m and not text.startswith(fields):
            names = _split_names(m.group("list"))
            if len(names) >= 1 and all(len(n) <= 30 for n in names):
                meta.recipients = names
                meta.rules["recipients"] = recipients.ref
                return


def _find_source_site(dropped: list[str], grammars: GrammarSet, meta: MetaInfo) -> None:
    source = _rules(grammars).meta["source-site"]
    for text in dropped:
        m = source.pattern.search(text)
        if m:
            meta.source_site = m.group("site")
            meta.rules["source_site"] = source.ref
            return


def _find_info_table(scan: _Scan, first: int, head_end: int, grammars: GrammarSet, meta: MetaInfo) -> None:
    """政府信息公开 metadata fields (发文字号 / 发布机构 / 成文日期) fill what is still missing."""
    info = scan.rules.meta["info-table-field"]
    pattern, ref = info.pattern, info.ref
    fills: dict[str, str] = info.rule.extra("fills", {})
    for index in scan.containing(info.anchor, first, head_end):
        for m in pattern.finditer(scan.texts[index]):
            field_name, value = fills.get(m.group("label")), m.group("value").strip()
            if field_name == "doc_number" and not meta.doc_number and "〔" in normalise_doc_number(value):
                meta.doc_number, meta.rules["doc_number"] = normalise_doc_number(value), ref
            elif field_name == "issuer" and not meta.issuer:
                meta.issuer, meta.rules["issuer"] = value, ref
            elif field_name == "date" and not meta.date:
                iso = parse_date_line(_dashed_to_cn(value), grammars)
                if iso:
                    meta.date, meta.rules["date"] = iso, ref


def _dashed_to_cn(value: str) -> str:
    m = _DASHED_DATE.match(value)
    return f"{m.group(1)}年{m.group(2)}月{m.group(3)}日" if m else value


# ---------------------------------------------------------------- documents


def _split_documents(scan: _Scan, grammars: GrammarSet) -> list[DocumentPart]:
    """A new notice starts at a title line once the current one already has headings."""
    lines, heads = scan.lines, scan.heads
    parts: list[DocumentPart] = []
    start = 0
    seen_heading = False
    for index in sorted({*heads, *scan.titles}):  # other lines neither split nor arm a split
        if index in heads:
            seen_heading = True
            continue
        line = lines[index]
        if seen_heading and _is_title_text(line.text, grammars) and not _is_attachment_title(lines, line):
            title_first = title_start(lines, line, grammars, floor=start + 1)
            parts.append(DocumentPart(first=start, last=title_first))
            start = title_first
            seen_heading = False
    parts.append(DocumentPart(first=start, last=len(lines)))
    return parts


def title_start(lines: list[Line], line: Line, grammars: GrammarSet, floor: int = 0) -> int:
    """A title wrapped over two lines (…承诺制改革 / 实施方案（试行）): where its first line is.

    The line before a title line belongs to it when it is short, has no sentence punctuation and is
    neither a heading, a date nor a title of its own.
    """
    index = line.index - 1
    if index < floor or index < 0:
        return line.index
    previous = lines[index].text
    if (not previous or len(previous) + len(line.text) > _limit(grammars, "title_max_chars", 90)
            or _TITLE_START_STOP.search(previous) or "\t" in previous
            or match_heading(previous, grammars) or parse_date_line(previous, grammars)
            or title_kind(previous, grammars) or _is_attachment_title(lines, lines[index])
            or attachment_label(grammars).match(previous)):
        return line.index
    return index


def _previous_text_line(lines: list[Line], index: int) -> Line | None:
    """The nearest non-empty line before `index` (walks back; never copies the list)."""
    index -= 1
    while index >= 0:
        if lines[index].text:
            return lines[index]
        index -= 1
    return None


def _is_attachment_title(lines: list[Line], line: Line) -> bool:
    previous = _previous_text_line(lines, line.index)
    return previous is not None and bool(_ATTACHMENT_ONLY.match(previous.text))


def _head_end(part: DocumentPart) -> int:
    return part.headings[0].line if part.headings else part.last


def structure(text: str, grammars: GrammarSet, dropped: list[str] | None = None) -> Structure:
    """Find the notices in a text, their metadata and their headings."""
    scan = _Scan(text, grammars)
    parts = _split_documents(scan, grammars)
    attachments = set(scan.containing(scan.rules.attachment_anchor, 0, len(scan.lines)))
    events = sorted(attachments.union(scan.heads)) if attachments else list(scan.heads)
    for number, part in enumerate(parts):
        first, last = part.first, part.last
        part_events = scan.between(events, first, last)
        part.headings = _nest_headings(scan.texts, scan.heads, attachments, part_events, grammars)
        head_end = _head_end(part)
        meta = part.meta
        _find_title(scan, first, head_end, grammars, meta, number == 0)
        _find_signature(scan, first, last, grammars, meta)
        _find_numbers(scan, first, last, head_end, grammars, meta)
        _find_recipients(scan, first, head_end, meta)
        _find_info_table(scan, first, head_end, grammars, meta)
        if number == 0 and dropped:
            _find_source_site(dropped, grammars, meta)
        if meta.title:
            meta.kind = title_kind(meta.title, grammars)
    return Structure(text=text, lines=scan.lines, documents=parts)


def check_example(grammar: Grammar, rule: Rule, example: object) -> str | None:
    """Run one corpus example of a headings / meta / nontasks rule."""
    from .grammar import Example

    assert isinstance(example, Example)
    pattern = grammar.compiled.get(rule.id)
    if pattern is None:
        return "rule has no pattern"
    expect = str(example.expect)
    if grammar.family == "headings":
        m = pattern.match(example.text)
        got = m.group("ord") if m else None
    elif grammar.family == "nontasks":
        got = "nontask" if pattern.search(example.text) else None
    elif rule.id == "date-line":
        m = pattern.match(example.text)
        got = None
        if m:
            y, mo, d = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
            got = f"{y:04d}-{mo:02d}-{d:02d}" if y and mo and d else None
    else:
        m = pattern.search(example.text)
        got = _first_group(m) if m else None
        if rule.id == "recipients-line" and got:
            got = "|".join(_split_names(got))
        if rule.id == "info-table-field" and m:
            got = f"{m.group('label')}={m.group('value')}"
    return None if got == expect else f"expected {expect!r}, got {got!r}"


def _first_group(m: re.Match[str]) -> str:
    named = [v for v in m.groupdict().values() if v]
    return named[0] if named else m.group(0)


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    pattern = grammar.compiled.get(rule.id)
    if pattern is None:
        return None
    hit = pattern.match(text) if grammar.family == "headings" or rule.id == "date-line" else pattern.search(text)
    return None if hit is None else f"matched {hit.group(0)!r}"
