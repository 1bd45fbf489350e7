"""Stage 4, structure: normalised text → documents, each with metadata and a section tree.

Works on lines. Heading ordinals come from `grammars/headings.yaml` (their order gives nesting),
metadata shapes from `grammars/meta.yaml`, non-task section titles from `grammars/nontasks.yaml`.
The result is plain data (dataclasses) that the extract stage reads.

Speed: the lines are built column-wise (map/accumulate do the per-line work in C), every line is
matched against the heading patterns once, and each metadata rule only runs on the lines that can
fire it. Those are found with gates read from the grammar's own patterns (the characters a match
can start or end with, the literals every match contains), checked with str.find over the text or
with one regex call over a string of every line's last character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, compress, count, repeat
from operator import add, itemgetter, ne, sub

from .grammar import Grammar, GrammarSet, Rule, load_grammars
from .names import distributed_list, name_core, rejoin_short_names, split_keeping_distributed
from .numerals import chinese_number
from .regexinfo import ScanHint, first_class, last_class, literal_options, scan_hint, starts_anchored

_TERMINAL = "。！？；"
_TRIM = " \t　:：。；;，,、"
_SPACE = " \t\u3000\xa0\ufeff"  # stripped from both ends of every line
_TITLE_CUT = re.compile("[。！？]")
_TITLE_MARKS = re.compile("[。；：:]")
_SPACE_RUN = re.compile("[ \u3000]+")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|wps|txt|html?)$", re.I)
_COMMAS = re.compile(r"[，,]")
_TITLE_GAP = re.compile(r"(?<=[\u4e00-\u9fff”》）])\s+(?=[\u4e00-\u9fff“《（])")
_FIRST_LINE_STOP = re.compile(r"[。；:：]|\.[A-Za-z]{2,5}$")  # a sentence, or a `label: value` line
_ISSUER_STOP = re.compile(r"[。，,；;：:！？《》\d]")
_ISSUER_CHARS = re.compile(r"(?:[\u4e00-\u9fff（）()\s]|“[\u4e00-\u9fff]{1,8}”)+")  # 深化“放管服”改革领导小组办公室
_SPACES = re.compile(r"\s+")
_BRACKETED_YEAR = re.compile(r"[\[［【（(]((?:19|20)\d{2})[\]］】）)]")
_NUMBER_PREFIX = re.compile(r"〕第(\d)")
_TITLE_START_STOP = re.compile(r"[。；：:，,！？、]")
_PAGE_NUMBER = re.compile(r"\d{1,3}")  # a bare page number a PDF's text layer leaves on a line of its own
_OPENS_TITLE = re.compile(r"[\u4e00-\u9fff]{0,30}关于\S{3,}")  # X关于 / 关于…: a headline's first part
# a 发文字号 line is no part of a title
_YEAR_BRACKETS = re.compile(r"[〔\[［【（(](?:19|20)\d{2}[〕\]］】）)]\s*第?\d")
_SEAL_NOTE_CHARS = 6  # （代章）, （盖章）; （此件公开发布） is longer and no seal
_BRACKETED = re.compile(r"[（(][^（(）)]*[）)]")  # （此件公开发布）: a whole line in brackets starts no title
_ATTACHMENT_ONLY = re.compile(r"^附件\s*\d*\s*[:：]?\s*$")
_NAME_MARKS = re.compile(r"[（(〔【\[）)〕】\]、，,；;]")
_DASHED_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_STATUS_ENDS = ("）", ")", "）\n", ")\n")  # how a title with a status suffix (see _status_suffix) ends
_FEW_LINES = 16  # up to this many lines, testing each is cheaper than searching the text
_MAX_REACH = 200  # a scan hint's reach beyond this is not worth it


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
    # a task table's group row under another group row (一、稳增长 over （一）扩大有效投资): that
    # row's heading, which is in no document's headings (tables.py); `parent` is then unused
    outer: Heading | None = None

    def enclosing(self, headings: list[Heading]) -> Heading | None:
        """The heading this one sits under: its outer group row, else its parent among `headings`."""
        if self.outer is not None:
            return self.outer
        return headings[self.parent] if self.parent is not None else None


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
    plan_first: int | None = None  # where the plan its 关于印发《X》的通知 prints begins, after the notice's own items


@dataclass
class Structure:
    text: str
    lines: list[Line]
    documents: list[DocumentPart]


# ---------------------------------------------------------------- gates read from a pattern
#
# A gate is a cheap necessary condition for a rule to fire on a line, read from the rule's own
# pattern (see regexinfo), so the grammar stays the only source of rules.


@dataclass(frozen=True)
class _LineGate:
    """What a line must hold for a pattern to match in it, read from the pattern.

    Candidate lines come from `last`, the characters a match's last one can be (patterns that end
    with $), tested for every line in one regex call (see _Scan.lasts); or else from `search`,
    literals one of which every match contains, found with str.find. `checks` are one-character
    options (the line holds one character of each): cheap `in` tests before the pattern runs.
    """

    last: re.Pattern[str] | None
    search: tuple[str, ...] | None
    checks: tuple[str, ...]

    def holds(self, text: str) -> bool:
        for chars in self.checks:
            for char in chars:
                if char in text:
                    break
            else:
                return False
        return True


def _line_gate(pattern: re.Pattern[str]) -> _LineGate | None:
    """The gate of a pattern used on single lines; None when nothing is known (every line is tried).

    Options are the literal sets every match holds one string of. The one searched for has the
    fewest strings (each costs a pass of str.find; on a tie the longer, then the later); the other
    one-character options become checks.
    """
    options = [tuple(sorted(option)) for option in literal_options(pattern) or ()]
    last_char = last_class([pattern])  # \n, \f: what an empty line gets in _Scan.lasts
    last = None if last_char is None else re.compile(f"(?![\\n\\f])(?:{last_char})")
    if last is None and not options:
        return None
    search = None
    if last is None:
        search = min(reversed(options), key=lambda alternatives: (len(alternatives), -min(map(len, alternatives))))
        options.remove(search)
    checks = tuple("".join(option) for option in options if all(len(item) == 1 for item in option))
    return _LineGate(last, search, checks)


def _finditer(pattern: re.Pattern[str], hint: ScanHint | None, text: str) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), each search started where the hint says the next match can start.

    A match holds one of the hint's characters at most `reach` after its start, so none starts before
    the next such character minus `reach`; matches are never empty, so each search resumes at the
    previous match's end, as finditer does.
    """
    if hint is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    while (char := hint.chars.search(text, pos)) and (m := pattern.search(text, max(pos, char.start() - hint.reach))):
        yield m
        pos = m.end()


# ---------------------------------------------------------------- compiled grammar data


@dataclass(frozen=True)
class _MetaRule:
    ref: str
    rule: Rule
    pattern: re.Pattern[str]
    gate: _LineGate | None  # what a line it can match in contains
    hint: ScanHint | None  # where a search in a line may start


@dataclass(frozen=True)
class _Rules:
    """What the stage compiles from the grammars, once per grammar set."""

    title_gate: re.Pattern[str] | None  # over the string of last characters (_Scan.lasts)
    attachment_gate: _LineGate | None
    meta: dict[str, _MetaRule]
    number_requires: re.Pattern[str]
    field_labels: tuple[str, ...]


@cache
def _rules(grammars: GrammarSet) -> _Rules:
    meta: dict[str, _MetaRule] = {}
    for grammar, rule in grammars.rules("meta"):
        if rule.id not in meta and rule.id in grammar.compiled:
            pattern = grammar.pattern(rule.id)
            meta[rule.id] = _MetaRule(grammar.rule_ref(rule), rule, pattern, _line_gate(pattern),
                                       scan_hint(pattern, _MAX_REACH))
    kind_ends = _kind_ends(_kinds(grammars))
    return _Rules(
        title_gate=None if kind_ends is None else re.compile(kind_ends),
        attachment_gate=_line_gate(attachment_label(grammars)),
        meta=meta,
        number_requires=re.compile(meta["doc-number"].rule.extra("requires", "")),
        field_labels=_field_labels(grammars),
    )


def _field_labels(grammars: GrammarSet) -> tuple[str, ...]:
    """Every field label word (牵头单位, 责任部门, 配合单位 …): a line starting with one is no recipients line."""
    return tuple(sorted({str(label) for _, rule in grammars.rules("fields")
                         for label in rule.extra("labels", []) or [] if label}))


def _kind_ends(kinds: tuple[str, ...]) -> str | None:
    """The last characters a title line can have (see title_kind): a kind's, a status's ）, or a space."""
    if not kinds or "" in kinds:
        return None
    ends = "".join(sorted({kind[-1] for kind in kinds} | {"）", ")"}))
    return f"[{re.escape(ends)}]|[^\\S{_SPACE}\\n\\f]"


@cache
def _nontask_combined(grammars: GrammarSet) -> Callable[[str], re.Match[str] | None] | None:
    """The nontask patterns as one alternation's search; None when they do not combine safely.

    When every pattern starts with ^, only the title's start is tried (match instead of search).
    """
    patterns = _nontask_patterns(grammars)
    if any(p.groups or p.flags != re.UNICODE for p in patterns):
        return None
    try:
        combined = re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)")
    except re.error:
        return None
    return combined.match if all(map(starts_anchored, patterns)) else combined.search


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
    raws = (text.replace("\f", "\n") if "\f" in text else text).split("\n")  # `in`: a memchr scan
    texts = list(map(str.strip, raws, repeat(_SPACE)))
    widths = list(map(len, raws))
    raw_starts = list(accumulate(map(add, widths[:-1], repeat(1)), initial=0))
    raw_ends = list(map(add, raw_starts, widths))
    if texts == raws:  # most texts have no space to strip (strip returns the same string: compared by identity)
        return _Columns(texts, raw_starts, raw_ends, raw_starts, raw_ends)
    starts, ends = raw_starts.copy(), raw_ends.copy()
    for index in compress(count(), map(ne, texts, raws)):
        raw = raws[index]
        starts[index] += len(raw) - len(raw.lstrip(_SPACE))
        ends[index] = starts[index] + len(texts[index])
    return _Columns(texts, starts, ends, raw_starts, raw_ends)


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
def _heading_scanner(grammars: GrammarSet) -> tuple[re.Pattern[str], dict[int, tuple[tuple[int, int, int], str, int]]]:
    """All heading patterns as one alternation: one regex call per line instead of one per rule.

    Rule n is wrapped in group `a<n>`, the last group to close, so `lastindex` names the rule; its
    ordinal is group `h<n>`, and lookaheads capture the rest of the line (`r<n>`) and the title, the
    rest up to the first 。 (`t<n>`, see heading_title). Maps lastindex → ((h, t, r) group numbers,
    rule ref, level). A lookahead for the characters an ordinal can start with fails other lines at once.
    """
    parts, names = [], []
    for number, (grammar, rule, pattern, level) in enumerate(_heading_rules(grammars)):
        body = pattern.pattern.replace("(?P<ord>", f"(?P<h{number}>", 1)
        parts.append(f"(?P<a{number}>{body}(?=(?P<t{number}>[^。！？]*))(?=(?P<r{number}>(?s:.*))))")
        names.append((number, grammar.rule_ref(rule), level))
    first = first_class([pattern for _, _, pattern, _ in _heading_rules(grammars)])
    scanner = re.compile(f"(?={first})(?:{'|'.join(parts)})" if first else "|".join(parts))
    index = scanner.groupindex
    groups = {index[f"a{n}"]: ((index[f"h{n}"], index[f"t{n}"], index[f"r{n}"]), rule, level)
              for n, rule, level in names}
    return scanner, groups


def match_heading(text: str, grammars: GrammarSet) -> tuple[str, str, int, str] | None:
    """(ordinal, rule ref, level, rest) when the line starts with a heading ordinal."""
    scanner, groups = _heading_scanner(grammars)
    m = scanner.match(text)
    if not m or len(text) <= m.end():
        return None
    (ordinal, _, rest), rule, level = groups[m.lastindex]  # type: ignore[index]
    return m.group(ordinal), rule, level, m.group(rest)


@cache
def attachment_label(grammars: GrammarSet) -> re.Pattern[str]:
    """附件 / 附件1： / 附件一 — the label that opens attachments (meta.yaml vocab)."""
    return re.compile(str(next(iter(grammars.vocab("meta", "attachment_label")), "(?!)")))


def note_label(grammars: GrammarSet) -> re.Pattern[str]:
    """注： / 备注： — the label that opens notes under a table or after the tasks (meta.yaml vocab)."""
    return grammars.vocab_pattern("meta", "note_label")


def _note_task_fields(grammars: GrammarSet) -> re.Pattern[str]:
    """A task's own fields (牵头单位：, （X牵头，…）): a numbered line holding them is no note (meta.yaml vocab)."""
    return grammars.vocab_pattern("meta", "note_task_fields")


def _note_item(texts: list[str], index: int, rule: str, notes: dict[int, str], grammars: GrammarSet) -> bool:
    """Is heading line `index` (ordinal `rule`) a note: right under `注：1.…` or under a note of the
    same ordinal (`notes`: note lines found so far → their ordinal's rule)? A bare `注：` takes any.
    A line holding a task's own fields is an item after the notes (`note_task_fields`)."""
    above = index - 1
    if above < 0 or not texts[above]:
        return False
    if notes.get(above) != rule:
        label = note_label(grammars).match(texts[above])
        if label is None:
            return False
        rest = texts[above][label.end():]
        found = match_heading(rest, grammars) if rest else None
        if rest and (found is None or found[1] != rule):
            return False
    return _note_task_fields(grammars).search(texts[index]) is None


@cache
def _nontask_patterns(grammars: GrammarSet) -> list[re.Pattern[str]]:
    return [g.pattern(r.id) for g, r in grammars.rules("nontasks") if r.pattern]


def is_nontask_title(title: str, grammars: GrammarSet) -> bool:
    return any(p.search(title) for p in _nontask_patterns(grammars))


class _Scan:
    """One text's lines, its heading lines and the lines a title can be on (computed once per text)."""

    __slots__ = ("heads", "lasts", "lines", "raw_ends", "raw_starts", "rules", "text", "texts", "titles")

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
        # each line's last character (an empty line gets whatever precedes it: candidates are checked)
        self.lasts = "".join(itemgetter(*map(sub, columns.ends, repeat(1)))(text)) if text else "\n"
        self.titles = self._title_lines()

    def _title_lines(self) -> list[int]:
        """Non-heading lines ending with a character a title line can end with (one regex call)."""
        gate, texts, heads = self.rules.title_gate, self.texts, self.heads
        if gate is None:
            return [i for i, text in enumerate(texts) if text and i not in heads]
        return [i for i in self._ending(gate, 0, len(texts)) if i not in heads]

    def _ending(self, gate: re.Pattern[str], first: int, last: int) -> Iterator[int]:
        """Ascending lines in [first, last) with text whose last character passes the gate."""
        texts = self.texts
        return (i for i in (m.start() for m in gate.finditer(self.lasts, first, last)) if texts[i])

    def between(self, found: list[int], first: int, last: int) -> list[int]:
        """The line numbers of a sorted list that fall in [first, last)."""
        return found[bisect_left(found, first):bisect_left(found, last)]

    def admitted(self, gate: _LineGate | None, first: int, last: int) -> Iterator[int]:
        """Ascending lines in [first, last) that pass the gate (no gate: every line).

        Finds candidates in one pass (a regex over the lines' last characters, or str.find of a
        literal) instead of testing every line, then runs the gate's checks on those only.
        """
        if gate is None:
            return iter(range(first, last))
        if gate.last is not None:
            found = self._ending(gate.last, first, last)
        else:
            found = self.containing(gate.search or (), first, last)
        if not gate.checks:
            return found
        texts = self.texts
        return (index for index in found if gate.holds(texts[index]))

    def containing(self, literals: tuple[str, ...], first: int, last: int) -> Iterator[int]:
        """Ascending lines in [first, last) whose text contains one of the literals."""
        if len(literals) == 1:
            return self._containing(literals[0], first, last)
        return iter(sorted({index for literal in literals for index in self._containing(literal, first, last)}))

    def _containing(self, literal: str, first: int, last: int) -> Iterator[int]:
        if last - first <= _FEW_LINES:
            texts = self.texts
            return iter([index for index in range(first, last) if literal in texts[index]])
        return self._finding(literal, first, last)

    def _finding(self, literal: str, first: int, last: int) -> Iterator[int]:
        """str.find of the literal's first character over the text: no step per line without it."""
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
                   grammars: GrammarSet, fresh_from: int | None = None) -> list[Heading]:
    """The headings on the `events` lines (ascending: heading lines and 附件 candidates), nested.

    Any other line with text only ends a list of attachments; that is checked at the next event.
    From `fresh_from` on (the plan a notice prints) no heading nests under one before it.
    """
    attachment = attachment_label(grammars)
    nontask = _nontask_combined(grammars)
    groups = _heading_scanner(grammars)[1]
    headings: list[Heading] = []
    stack: list[tuple[int, int, bool]] = []  # open headings: (rank, position in headings, nontask)
    in_attachment_list = False
    notes: dict[int, str] = {}  # note lines under a table (注：1.… ⏎ 2.…) → their ordinal's rule
    previous = -1
    for index in events:
        text = texts[index]
        if fresh_from is not None and index >= fresh_from:
            stack.clear()  # the printed plan's headings start a tree of their own
            fresh_from = None
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
        elif m := heads.get(index):
            numbers, rule, level = groups[m.lastindex]  # type: ignore[index]
            ordinal, title, rest = m.group(*numbers)
            title = title.strip(_TRIM)
            if _note_item(texts, index, rule, notes, grammars):
                notes[index] = rule  # 注：1.… ⏎ 2.…: a note, no item and no section
                continue
        else:
            in_attachment_list = in_attachment_list and not text
            continue
        if in_attachment_list:
            if len(rest) <= 80 and "。" not in rest:
                continue  # 附件：1.XX分工表 2.… names attachments; it is not a numbered item
            in_attachment_list = False  # a numbered sentence is an item: the list is over
        while stack and stack[-1][0] >= level:
            stack.pop()
        if stack:
            _, parent, is_nontask = stack[-1]
        else:
            parent, is_nontask = None, False
        if not is_nontask:
            is_nontask = nontask(title) is not None if nontask else is_nontask_title(title, grammars)
        stack.append((level, len(headings), is_nontask))
        headings.append(Heading(index, ordinal, rule, level, title, rest, parent, is_nontask))
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
    periods = [str(g.spec.vocab["title_period"]) for g in grammars.family("meta") if "title_period" in g.spec.vocab]
    return re.compile(rf"[（(](?:{'|'.join([words, *periods])})[）)]$")


@cache
def _number_suffix(grammars: GrammarSet) -> re.Pattern[str]:
    """A 发文字号 printed in brackets after a title (web pages: 关于…的实施意见（池政〔2017〕101号）)."""
    number = _meta_rule(grammars, "doc-number")[2].pattern
    return re.compile(rf"\s*[（(]\s*(?:{number})\s*[）)]$")


def split_title_number(title: str, grammars: GrammarSet) -> tuple[str, str | None]:
    """(title, 发文字号) of a title that carries its number in brackets at the end; else (title, None)."""
    if not title.endswith(_STATUS_ENDS):
        return title, None
    m = _number_suffix(grammars).search(title)
    if m is None:
        return title, None
    return title[:m.start()], m.group("num")


def title_kind(title: str, grammars: GrammarSet) -> str | None:
    """The document kind a title ends with (实施方案, 通知 …), ignoring a status such as （试行）
    and a 发文字号 in brackets."""
    title = split_title_number(title, grammars)[0]
    core = (_status_suffix(grammars).sub("", title) if title.endswith(_STATUS_ENDS) else title).strip()
    lengths, kinds = _kinds_by_length(grammars)
    for length in lengths:  # longest first, as _kinds orders them; one kind per length can end core
        kind = core[-length:] if length else ""
        if kind in kinds:
            return kind
    return None


@cache
def _kinds_by_length(grammars: GrammarSet) -> tuple[tuple[int, ...], frozenset[str]]:
    kinds = _kinds(grammars)
    return tuple(sorted({len(kind) for kind in kinds}, reverse=True)), frozenset(kinds)


def is_title_line(text: str, grammars: GrammarSet) -> bool:
    """A short line without sentence punctuation that ends with a document kind."""
    return _is_title_text(text, grammars) and not match_heading(text, grammars)


def _is_title_text(text: str, grammars: GrammarSet) -> bool:
    """is_title_line for a line already known not to be a heading."""
    text = _unwrapped(text)
    if (not text or "\t" in text or len(text) > grammars.number("meta", "title_max_chars", 90)
            or title_kind(text, grammars) is None):
        return False
    return not (_TITLE_MARKS.search(text) or text.startswith("《") or attachment_label(grammars).match(text)
                or _FILE_NAME.search(text) or grammars.vocab_pattern("meta", "closing_formula").match(text))


def clean_title(title: str) -> str:
    """GB/T 9704: titles carry no punctuation but 书名号/顿号 — drop stray commas and spaces, and the
    书名号 a repost puts around a whole title (《关于…的实施细则》)."""
    return _TITLE_GAP.sub("", _COMMAS.sub("", _unwrapped(title.strip()))).strip()


def _unwrapped(text: str) -> str:
    """《X》 → X when the 书名号 hold the whole line and nothing else is in them."""
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1 and text.count("》") == 1:
        return text[1:-1]
    return text


def parse_date_line(text: str, grammars: GrammarSet, rule_id: str = "date-line") -> str | None:
    """ISO date of a standalone 成文日期 line (`rule_id`: the digits-only form, date-line-numeric), or None."""
    m = (_date_line(grammars) if rule_id == "date-line" else _meta_rule(grammars, rule_id)[2]).match(text)
    if not m:
        return None
    year, month, day = (chinese_number(m.group(k)) for k in ("y", "m", "d"))
    if not year or not month or not day or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@cache
def _date_line(grammars: GrammarSet) -> re.Pattern[str]:
    return _meta_rule(grammars, "date-line")[2]


def _recipient_names(text: str, grammars: GrammarSet) -> list[str]:
    """The 主送机关 list split; 各市、州、县人民政府 and 市直各委、办、局 stay one name each."""
    kept = split_keeping_distributed(text, distributed_list(grammars), lambda t: _recipient_names(t, grammars))
    if kept is not None:
        return kept
    names = _split_names(text)
    least = grammars.number("units", "min_unit_chars", 1)
    if least > 1 and any(len(name_core(n)) < least for n in names):
        return rejoin_short_names(names, least, _unit_suffixes(grammars))
    return names


@cache
def _unit_suffixes(grammars: GrammarSet) -> frozenset[str]:
    return frozenset(map(str, grammars.vocab("units", "suffixes")))


def _names_a_body(name: str, grammars: GrammarSet) -> bool:
    """Does a title's `X关于` name an issuing body (ends with a unit suffix: 人民政府, 办公室, 局 …),
    not a place alone (泰州关于…)?"""
    return name.endswith(tuple(_unit_suffixes(grammars)))


def _split_names(text: str) -> list[str]:
    """Split a recipients list on separators outside brackets: 各县（市、区）人民政府 stays whole."""
    names: list[str] = []
    depth = 0
    start = 0
    for m in _NAME_MARKS.finditer(text):  # only brackets and separators matter
        ch = m.group()
        if ch in "（(〔【[":
            depth += 1
        elif ch in "）)〕】]":
            depth -= 1 if depth else 0
        elif depth == 0:
            names.append(text[start:m.start()].strip())
            start = m.end()
    names.append(text[start:].strip())
    return [n for n in names if n]


def _looks_like_issuer(text: str, grammars: GrammarSet) -> bool:
    if not text or len(text) > grammars.number("meta", "issuer_max_chars", 40):
        return False
    closing = grammars.vocab_pattern("meta", "closing_formula")
    if _ISSUER_STOP.search(text) or closing.match(text) or _BRACKETED.fullmatch(text):
        return False  # （代章）, a seal's note, is no issuer
    return bool(_ISSUER_CHARS.fullmatch(text)) and not is_title_line(text, grammars)


def _find_title(scan: _Scan, first: int, head_end: int, grammars: GrammarSet, meta: MetaInfo,
                is_first_doc: bool) -> None:
    rules, lines, texts = scan.rules, scan.lines, scan.texts
    wrapper = rules.meta["print-wrapper"]
    candidates = {*scan.admitted(wrapper.gate, first, head_end), *scan.containing(("《",), first, head_end)}
    for index in sorted(candidates):  # other lines neither hold the wrapper's 关于 nor run on (open 《)
        text = texts[index]
        if "\t" in text:  # a table row: one cell holds the headline (a colspan repeats it across cells)
            text = next((cell for cell in text.split("\t") if wrapper.pattern.search(cell)), text)
        elif "《" in text:
            text = _with_open_title_continued(lines, lines[index], head_end)
        text, number = split_title_number(text.rstrip(), grammars)  # …的通知 (粤府〔2021〕22号)
        m = wrapper.pattern.search(text)
        if m is None and "。" not in text:
            text, m = _wrapper_over_lines(texts, index, head_end, wrapper.pattern, grammars)
        if m and len(text) <= 200 and "。" not in text:
            meta.title = _wrapper_subject(m)
            meta.rules["title"] = wrapper.ref
            if number and not meta.doc_number:
                meta.doc_number = normalise_doc_number(number)
                meta.rules["doc_number"] = rules.meta["doc-number"].ref
            issuer = rules.meta["issuer-prefix"]
            im = issuer.pattern.match(grammars.vocab_pattern("meta", "column_tag").sub("", text, count=1))
            if im and not meta.issuer and _names_bodies(im.group("issuer"), grammars):
                meta.issuer = _joint(im.group("issuer"))
                meta.rules["issuer"] = issuer.ref
            return
    for index in scan.between(scan.titles, first, head_end):
        if _is_title_text(texts[index], grammars):
            if index + 1 < head_end and _runs_on_title(texts[index], texts[index + 1], grammars):
                index += 1  # 关于分解落实2019年市政府工作报告 ⏎ 主要目标任务的通知: the kind is the next line's
            start = title_start(lines, lines[index], grammars, floor=first)
            end = index + 1
            if end < head_end and texts[end].endswith(_STATUS_ENDS) and _status_suffix(grammars).fullmatch(texts[end]):
                end += 1  # …若干政策举措 ⏎ （2025年版）: a status or period printed on a line of its own
            _set_title(meta, clean_title("".join(texts[start:end])), "meta.yaml::title-line", rules, grammars)
            return
    if is_first_doc:
        for text in texts[first:head_end]:
            if not text:
                continue
            if (len(text) <= grammars.number("meta", "title_max_chars", 90) and not _FIRST_LINE_STOP.search(text)
                    and "\t" not in text  # a table row (a portal's info table) is no title
                    and not parse_date_line(text, grammars) and not _is_number_line(text, scan.rules)):
                _set_title(meta, text, "meta.yaml::first-line", rules, grammars)
            return


def _title_from_print_sentence(scan: _Scan, first: int, head_end: int, grammars: GrammarSet,
                               meta: MetaInfo) -> None:
    """No headline: the plan the body prints (现将《X》印发给你们 / 《X》已经…同意，现印发给你们) names it."""
    for index in scan.containing(("《",), first, head_end):
        for subject in _printed_subjects(scan.texts[index], grammars):
            if title_kind(subject, grammars):
                meta.title, meta.rules["title"] = subject, "meta.yaml::print_sentence"
                return


def _is_number_line(text: str, rules: _Rules) -> bool:
    """A line that is a 发文字号 and nothing more (甘政发〔2022〕9号) names no title."""
    found = rules.meta["doc-number"].pattern.search(text)
    return found is not None and not text.replace(found.group("num"), "").strip(" |\t")


def _set_title(meta: MetaInfo, title: str, ref: str, rules: _Rules, grammars: GrammarSet) -> None:
    """A title line: a 发文字号 in brackets at its end is the number, `X关于…` names the issuer X
    (both only where nothing else gives them: the signature below a notice overrides the issuer)."""
    untagged = grammars.vocab_pattern("meta", "column_tag").sub("", title, count=1)
    title, number = split_title_number(_unwrapped(untagged), grammars)
    meta.title = title
    meta.rules["title"] = ref
    if number and not meta.doc_number:
        meta.doc_number = normalise_doc_number(number)
        meta.rules["doc_number"] = rules.meta["doc-number"].ref
    if not meta.issuer:
        _issuer_from_title(title, rules, grammars, meta)


def _issuer_from_title(title: str, rules: _Rules, grammars: GrammarSet, meta: MetaInfo) -> None:
    """`X关于…` names the issuer X when X names bodies (not a place alone, 泰州关于…)."""
    issuer = rules.meta["issuer-prefix"]
    m = issuer.pattern.match(title)
    if m and _looks_like_issuer(_joint(m.group("issuer")), grammars) and _names_bodies(m.group("issuer"), grammars):
        meta.issuer = _joint(m.group("issuer"))
        meta.rules["issuer"] = issuer.ref


@cache
def _print_sentences(grammars: GrammarSet) -> tuple[re.Pattern[str], ...]:
    """meta.yaml `print_sentence`: 现将《X》印发给你们, the body's own words for the plan it prints
    (each its own pattern: they share the group name `subject`)."""
    return tuple(re.compile(str(p)) for p in grammars.vocab("meta", "print_sentence"))


def _printed_subjects(text: str, grammars: GrammarSet) -> Iterator[str]:
    for sentence in _print_sentences(grammars):
        for found in sentence.finditer(text):
            yield clean_title(found.group("subject"))


def _names_bodies(issuer: str, grammars: GrammarSet) -> bool:
    """`_names_a_body` for each of joint issuers printed apart by spaces (site chrome before a
    headline, 无障碍 某办公室关于…, names none)."""
    return all(_names_a_body(name, grammars) for name in _SPACE_RUN.split(issuer.strip()))


def _joint(issuer: str) -> str:
    """Joint issuers printed apart by spaces (A委员会 B部 C局关于…) are listed as A、B、C."""
    return _SPACE_RUN.sub("、", issuer.strip())


_WRAPPER_REACH = 5  # lines after a wrapper's first line where its next two pieces may be (blank lines between)


def _wrapper_over_lines(texts: list[str], index: int, head_end: int, wrapper: re.Pattern[str],
                        grammars: GrammarSet) -> tuple[str, re.Match[str] | None]:
    """关于印发2017年某区政务公开 ⏎ 工作要点的通知: a wrapper title wrapped over up to three short lines."""
    text = texts[index]
    limit = grammars.number("meta", "title_max_chars", 90)
    # a page that prints each line of the title as a paragraph of its own puts blank lines between them
    nearby = [t for t in texts[index + 1:min(index + _WRAPPER_REACH, head_end)] if t][:2]
    for following in nearby:
        if _TITLE_START_STOP.search(following) or len(text) + len(following) > limit:
            break
        text += following
        m = wrapper.search(text)
        if m is not None:
            return text, m
    return texts[index], None


def _wrapper_subject(m: re.Match[str]) -> str:
    """The plan a print wrapper names; 〈〉 nested inside its 《》 are the plan's own 《》. A 转发 wrapper
    around a 印发 notice (关于转发《X关于印发〈Y〉的通知》的通知) names the plan Y, the notice's own subject."""
    inner = m.group("inner")
    if inner is not None and "〈" in inner and "《" not in inner:
        inner = inner.replace("〈", "《").replace("〉", "》")
    subject = clean_title(inner or m.group("bare"))
    nested = m.re.search(subject) if inner is not None and subject.endswith(("通知", "函")) else None
    return _wrapper_subject(nested) if nested is not None and nested.end() == len(subject) else subject


def _with_open_title_continued(lines: list[Line], line: Line, head_end: int) -> str:
    """关于印发《…〈关于打好经济 / 增长主动仗…〉实施方案》的通知: a title broken while 《 is open."""
    text = line.text
    index = line.index + 1
    while text.count("《") > text.count("》") and index < head_end and index <= line.index + 4:
        text += lines[index].text
        index += 1
    return text


# dates read only right below an issuer line: alone, digits may be a portal's timestamp or a count
_SIGNED_ONLY_DATES = ("date-line-numeric", "date-line-glyphs-lost")
# a date on the line of the body that signed (date-signed) or printed (date-printed) it: that body issues
_SIGNER_ON_LINE = ("date-signed", "date-printed")
_DATE_RULES = ("date-line", *_SIGNED_ONLY_DATES, *_SIGNER_ON_LINE)


def _find_signature(scan: _Scan, first: int, last: int, grammars: GrammarSet, meta: MetaInfo) -> None:
    """The first 成文日期 line and the issuer lines above it; a date in digits only (2022.5.10,
    date-line-numeric; or one whose 年月日 were lost, date-line-glyphs-lost) counts only below an issuer
    line, since alone it may be a portal's timestamp;
    without either, the foot's 印发 line (…2023年3月6日印发, date-printed) dates the notice."""
    for rule_id in _DATE_RULES:
        rule = scan.rules.meta.get(rule_id)
        if rule is None:
            continue
        dated = [(index, iso) for index in scan.admitted(rule.gate, first, last)
                 if (iso := parse_date_line(scan.texts[index], grammars, rule_id))]
        if rule_id != "date-line" and len(dated) > 1:
            continue  # digits-only dates on several lines are a table's cells (县发改局 ⏎ 2022.12.31), no signature
        for index, iso in dated:
            issuers = _signature_lines(scan.lines, first, index, grammars) if rule_id not in _SIGNER_ON_LINE else []
            if rule_id in _SIGNED_ONLY_DATES and not issuers:
                continue
            signer = _line_signer(scan.texts[index], rule, grammars) if rule_id == "date-signed" else None
            if rule_id == "date-signed" and signer is None:
                continue  # 会议于 2020年3月30日: no body before the date
            if rule_id == "date-line-glyphs-lost" and not all(_names_a_body(name, grammars) for name in issuers):
                continue  # bare digits under 浏览次数 are a count: only a body's name signs
            meta.date = iso
            meta.rules["date"] = f"meta.yaml::{rule_id}"
            if issuers:
                meta.issuer = "、".join(issuers)
                meta.rules["issuer"] = "meta.yaml::signature-line"
            elif signer is not None:
                meta.issuer, meta.rules["issuer"] = signer, rule.ref
            elif rule_id == "date-printed":
                _issuer_from_printer(scan.texts[index], rule, grammars, meta)
            return


def _line_signer(text: str, rule: _MetaRule, grammars: GrammarSet) -> str | None:
    """四川省人民政府办公厅 2020年3月30日: a signature block flattened onto its date line. The body (or the
    joint bodies apart by spaces, as A、B) before the date signs the notice; None when it names no body."""
    m = rule.pattern.match(text)
    signer = m.group("printer") if m else ""
    if not signer or not _names_bodies(signer, grammars) or not all(
            _looks_like_issuer(name, grammars) for name in _SPACE_RUN.split(signer.strip())):
        return None
    return _joint(signer)


def _issuer_from_printer(text: str, rule: _MetaRule, grammars: GrammarSet, meta: MetaInfo) -> None:
    """某市人民政府办公室 2022年11月30日印发: the body that printed the notice is its issuer when no headline
    names one, or completes a shorter one (市人民政府办公室)."""
    m = rule.pattern.match(text)
    printer = _SPACES.sub("", m.group("printer") or "") if m else ""
    if printer and _looks_like_issuer(printer, grammars) and _names_a_body(printer, grammars) and _fuller_issuer(
            printer, meta.issuer):
        meta.issuer, meta.rules["issuer"] = printer, rule.ref


def tail_starts(structure: Structure, part: DocumentPart, grammars: GrammarSet) -> list[int]:
    """Lines after the part's first heading that close its body (附件 label, 抄送, 印发 line, 特此通知,
    a signature block: its first issuer line), in order. A numbered item's text stops at one.

    Candidates come from literal finds (each closing shape's rarest literal) and from lines ending
    in 日 (a date line), so a notice without closing lines costs a few memchr scans."""
    lines = structure.lines
    first = part.headings[0].line + 1 if part.headings else part.last
    if first >= part.last:
        return []
    text, start, end = structure.text, lines[first].raw_start, lines[part.last - 1].raw_end
    starts = _raw_starts(structure)
    found: set[int] = set()
    shapes, literal_scan = _tail_shapes(grammars)
    if literal_scan is None:  # a shape without literals: every line is a candidate
        found.update(index for index in range(first, part.last)
                     if any(pattern.search(lines[index].text) for pattern, _ in shapes))
    else:
        checked = -1
        for m in literal_scan.finditer(text, start, end):  # one scan for all shapes' literals
            index = _line_at(starts, m.start(), first)
            if index != checked:
                checked = index
                if any(pattern.search(lines[index].text) for pattern, _ in shapes):
                    found.add(index)
    date_line = _date_line(grammars)
    for m in _LINE_END_DAY.finditer(text, start, end):
        index = _line_at(starts, m.start(), first)
        if index not in found and date_line.search(lines[index].text):
            signers, top = _signature_block(lines, first, index, grammars)
            if signers:
                found.add(top)
    return sorted(found)


_LINE_END_DAY = re.compile(r"日[ \t）)]*$", re.MULTILINE)  # …4月29日 ending a line: a date line's candidate


def _line_at(starts: list[int], offset: int, low: int) -> int:
    return bisect_right(starts, offset, lo=low) - 1


def _raw_starts(structure: Structure) -> list[int]:
    """Where every line starts in the text, built once per structure (line look-ups by offset)."""
    starts = structure.__dict__.get("_raw_starts")
    if starts is None:
        starts = structure.__dict__["_raw_starts"] = [line.raw_start for line in structure.lines]
    return starts


@cache
def _tail_shapes(grammars: GrammarSet) -> tuple[tuple[tuple[re.Pattern[str], tuple[str, ...]], ...],
                                                re.Pattern[str] | None]:
    """((pattern, the literals to find for it) of every closing line shape — meta.yaml `tail_lines`, the
    附件 label and the closing formula —, one scan for all those literals); the scan is None when a
    shape shows no literal (every line is then a candidate)."""
    fragments = [*grammars.vocab("meta", "tail_lines"), *grammars.vocab("meta", "attachment_label"),
                 *grammars.vocab("meta", "closing_formula")]
    shapes = tuple((pattern, _rarest_literals(pattern)) for pattern in map(re.compile, map(str, fragments)))
    literals = {literal for _, found in shapes for literal in found}
    if "" in literals:
        return shapes, None
    return shapes, re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))) or "(?!)")


def _rarest_literals(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Of the literal sets every match holds one of, the one least likely in running text: the longest
    shortest string, then one without ASCII (digits are everywhere), then the smaller set, then the
    later one; ("",) when
    the pattern shows none (every position is a candidate)."""
    options = literal_options(pattern)
    if not options:
        return ("",)
    ranked = max(enumerate(options), key=lambda item: (min(map(len, item[1])),
                                                       not any(s.isascii() for s in item[1]), -len(item[1]), item[0]))
    return tuple(sorted(ranked[1]))


def _signature_lines(lines: list[Line], first: int, date_line: int, grammars: GrammarSet) -> list[str]:
    """The issuer line(s) right above a date line; joint notices sign with one issuer per line."""
    return _signature_block(lines, first, date_line, grammars)[0]


def _signature_block(lines: list[Line], first: int, date_line: int,
                     grammars: GrammarSet) -> tuple[list[str], int]:
    """(issuers, index of the block's first line) above a date line: one issuer per line, or several
    on a line apart by spaces (`中共赣州市委      赣州市人民政府`, `农业农村部 最高人民法院`)."""
    found: list[list[str]] = []
    top = date_line
    for index in range(date_line - 1, first - 1, -1):
        text = lines[index].text
        if not text or (_BRACKETED.fullmatch(text) and (len(text) <= _SEAL_NOTE_CHARS or text[1:3] == "此件")):
            continue  # （代章） / （印章）: a seal's note between the issuer and the date; also （此件公开发布）
        if text.endswith(("）", ")")):  # 某办公厅（印章）: the seal's note on the signature's own line
            text = grammars.vocab_pattern("meta", "seal_note").sub("", text)
        if "  " in text:  # 青海省卫生厅 (24 spaces) 青海省发展和改革委员会: two columns; the gap is no length
            text = _SPACE_RUN.sub(" ", text)
        if len(found) >= 4 or not _looks_like_issuer(text, grammars):
            break
        found.append(_issuer_names(text, grammars))
        top = index
    return [name for names in reversed(found) for name in names], top


def _issuer_names(text: str, grammars: GrammarSet) -> list[str]:
    """A signature line's issuers: the pieces between its spaces when each is a name of 3+ characters
    (tidy keeps a space only between two unit names or in a layout gap), else the line without spaces."""
    pieces = text.split()
    suffixes = _unit_suffixes(grammars)  # 某县人民政府   办公室: a bare 办公室 is the end of a name, not one
    if len(pieces) > 1 and all(len(piece) >= 3 and piece not in suffixes and _looks_like_issuer(piece, grammars)
                               for piece in pieces):
        return pieces
    return [_SPACES.sub("", text)]


def _find_numbers(scan: _Scan, first: int, last: int, head_end: int, grammars: GrammarSet,
                  meta: MetaInfo) -> None:
    rules, texts = scan.rules, scan.texts
    number = rules.meta["doc-number"]
    required = rules.number_requires
    tails = grammars.vocab_pattern("meta", "number_line_tails")  # 湘政办发〔2022〕35号  签发人：张三
    cited: list[str] = []
    for index in scan.admitted(number.gate, first, last):
        text = texts[index]
        if required.search(text) is None:  # the rule's cheap pre-check (meta.yaml `requires`)
            continue
        for m in _finditer(number.pattern, number.hint, text):
            found = _cut_lead_in(normalise_doc_number(m.group("num")), grammars)
            rest = text[m.end():].lstrip()
            alone = (len(text) - len(m.group(0)) <= 4 or _closes_line(text, m.start(), m.end()) or _opens_head_line(
                text, m.start(), m.end()) or (m.start() == 0 and tails.match(rest) is not None)
            ) and not rest.startswith(_CITED_TAILS)
            if alone and index < head_end and meta.doc_number is None:
                meta.doc_number = found
                meta.rules["doc_number"] = number.ref
            elif found not in cited:
                cited.append(found)
    meta.cited_documents = [n for n in cited if n != meta.doc_number]


_CITED_TAILS = ("文件", "精神", "要求", "规定")  # 皖政〔2022〕9号文件: a number cited (a table's 任务来源 cell)


def _opens_head_line(text: str, start: int, end: int) -> bool:
    """某政办发〔2025〕26号各乡镇人民政府：/ 金政发〔2021〕1号关于印发…: a number glued before the addressees
    or the headline (a page that lost the line break) is the notice's own."""
    rest = text[end:].lstrip()
    return start == 0 and (rest.startswith("关于") or rest.endswith(("：", ":")))


def _closes_line(text: str, start: int, end: int) -> bool:
    """…的通知（甘政办发〔2022〕194号）: a number bracketed at the end of a head line is the notice's own."""
    return text[:start].rstrip().endswith(("（", "(")) and text[end:].strip() in ("）", ")")


def _cut_lead_in(number: str, grammars: GrammarSet) -> str:
    """落实甘政发〔2022〕57号 → 甘政发〔2022〕57号: running text can run into a cited number."""
    prefix_end = number.find("〔") if "〔" in number else len(number)
    prefix = number[:prefix_end]
    cut = 0
    words, any_word = _lead_ins(grammars)
    if not any_word.search(prefix):
        return number
    for word in words:
        pos = prefix.rfind(word)
        if pos >= 0 and prefix_end - (pos + len(word)) >= 2:
            cut = max(cut, pos + len(word))
    return number[cut:]


@cache
def _lead_ins(grammars: GrammarSet) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """The lead-in words, and one pattern finding any of them (most numbers have none)."""
    words = tuple(str(word) for word in grammars.vocab("meta", "number_lead_ins"))
    return words, re.compile("|".join(map(re.escape, words)) or "(?!)")


def normalise_doc_number(number: str) -> str:
    """Brackets of a 发文字号 restored to 〔〕, spaces and 第 dropped."""
    number = "".join(number.split())  # str.split() splits on the whitespace \s matches
    number = _BRACKETED_YEAR.sub(r"〔\1〕", number)
    return _NUMBER_PREFIX.sub(r"〕\1", number) if "〕第" in number else number


_PARAGRAPH_GAP = re.compile(r" {2,}|\u3000{2,}")


def _find_recipients(scan: _Scan, first: int, head_end: int, grammars: GrammarSet, meta: MetaInfo) -> None:
    """The 主送机关: a line ending in ：(recipients-line); else one after a 主送： label (recipients-label);
    else, in the notice's first lines, a line of unit names right above its opening (recipients-bare)."""
    rules = scan.rules
    fields = rules.field_labels
    for rule_id in ("recipients-line", "recipients-label", "recipients-bare"):
        recipients = rules.meta.get(rule_id)
        if recipients is None:
            continue
        bare = rule_id == "recipients-bare"
        last = min(head_end, first + grammars.number("meta", "info_table_lines", 40)) if bare else head_end
        for index in scan.admitted(recipients.gate, first, last):
            text = scan.texts[index]
            if meta.doc_number and text.startswith(meta.doc_number):  # 某政办发〔2025〕26号各乡镇人民政府：
                text = text[len(meta.doc_number):].lstrip()
            gapped = "  " in text
            if gapped:  # …方案的通知   各地级以上市人民政府，…： a flattened page's paragraph gap
                text = _PARAGRAPH_GAP.split(text)[-1]
            m = recipients.pattern.match(text)
            if m is None or text.startswith(fields) or (bare and not _opens_body(scan.texts, index, last, recipients)):
                continue
            if " " in text and recipients.pattern.match(_SPACES.sub("", text)) is None:
                continue  # 标  题： a table's label spaced out to its cell's width is no list either
            names = _recipient_names(m.group("list"), grammars)
            # a bare list, or one after a gap (a portal's info line ends `…   背景色：`), must name bodies
            if names and all(len(n) <= 30 for n in names) and (
                    not (bare or gapped) or all(_names_a_body(n, grammars) or _names_a_body(name_core(n), grammars)
                                                for n in names)):
                meta.recipients = names
                meta.rules["recipients"] = recipients.ref
                return


def _opens_body(texts: list[str], index: int, last: int, rule: _MetaRule) -> bool:
    """Is the next non-empty line a notice's opening (现将…, 根据…: the rule's `opening`)?"""
    following = next((t for t in texts[index + 1:last + 1] if t), "")
    return _opening(str(rule.rule.extra("opening", "(?!)"))).match(following) is not None


@cache
def _opening(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


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
    number = scan.rules.meta["doc-number"].pattern
    last = min(head_end, first + grammars.number("meta", "info_table_lines", 40))
    for index in scan.admitted(info.gate, first, last):
        for m in pattern.finditer(scan.texts[index]):
            label, value = _info_field(m)
            field_name = fills.get(label)
            if value.endswith((":", "：")):  # an empty cell: the value is the next cell's label
                continue
            if field_name == "doc_number":
                found = number.search(value)  # a run-on line (…1号泾县人民政府关于…) ends at the number
                value = normalise_doc_number(found.group("num")) if found else value
                if "〔" in value and _takes_number(meta, value, ref):
                    meta.doc_number, meta.rules["doc_number"] = value, ref
            elif field_name == "title" and title_kind(value, grammars):
                if not meta.title:
                    printed = scan.rules.meta["print-wrapper"].pattern.search(value)  # 关于印发X的通知: X
                    meta.title, meta.rules["title"] = clean_title(_wrapper_subject(printed) if printed else value), ref
                if not meta.issuer:  # 名称：X关于…的通知 names the issuer X, as a headline line does
                    _issuer_from_title(value, scan.rules, grammars, meta)
            elif field_name == "issuer" and _fuller_issuer(value, meta.issuer):
                meta.issuer, meta.rules["issuer"] = value, ref
            elif field_name == "date" and not meta.date:
                iso = parse_date_line(_dashed_to_cn(value), grammars)
                if iso:
                    meta.date, meta.rules["date"] = iso, ref


def _fuller_issuer(value: str, issuer: str | None) -> bool:
    """Does an info table's issuer fill a missing one or complete it (某县人民政府办公室 over the headline's
    县人民政府办公室)?"""
    return not issuer or (value != issuer and value.endswith(issuer))


def _takes_number(meta: MetaInfo, value: str, ref: str) -> bool:
    """A table's number fills a missing 发文字号, or replaces one found with a table label run into it."""
    return not meta.doc_number or (meta.rules.get("doc_number") != ref and meta.doc_number.endswith(value))


def _info_field(m: re.Match[str]) -> tuple[str, str]:
    """(label without spaces, value) of an info-table match, with or without its colon."""
    if m.groupdict().get("bare"):
        return _SPACES.sub("", m.group("bare")), m.group("bare_value").strip()
    return _SPACES.sub("", m.group("label")), m.group("value").strip()


def _dashed_to_cn(value: str) -> str:
    m = _DASHED_DATE.match(value)
    return f"{m.group(1)}年{m.group(2)}月{m.group(3)}日" if m else value


# ---------------------------------------------------------------- documents


def _split_documents(scan: _Scan, grammars: GrammarSet) -> list[DocumentPart]:
    """A new notice starts at a title line once the current one already has headings."""
    lines, head_lines = scan.lines, list(scan.heads)
    parts: list[DocumentPart] = []
    start = 0
    plan_first: int | None = None
    armed_after = -1  # a heading after this line arms a split (lines between a title's parts are not headings)
    seen: set[str] = set()  # title lines since the part began: a plan printed again is a new notice
    for index in scan.titles:  # other lines neither split nor arm a split
        after = bisect_right(head_lines, armed_after)
        text = scan.texts[index]
        if after == len(head_lines) or head_lines[after] > index:
            seen.add(text)
            continue  # no heading since the last split
        line = lines[index]
        if _is_title_text(line.text, grammars):
            attached = _is_attachment_title(lines, line)  # 附件 ⏎ title: an attachment, never a new notice
            title_first = title_start(lines, line, grammars, floor=start + 1)
            first_head = head_lines[bisect_right(head_lines, start - 1)] if head_lines else title_first
            title = clean_title("".join(scan.texts[title_first:index + 1]))
            if attached and _attachment_holds_nothing(scan, head_lines, index) and not _printed_by_wrapper(
                    scan, start, title_first, title, grammars, min(first_head, title_first)):
                seen.add(text)
                continue  # a ledger whose table is an image or a file of its own: the plan above keeps its tasks
            if plan_first is None and text not in seen and _printed_by_wrapper(
                    scan, start, title_first, title, grammars, min(first_head, title_first), attached):
                plan_first = title_first if plan_first is None else plan_first
                continue  # the plan a 关于印发《X》的通知 above prints: the same notice, not a new one
            if attached:
                seen.add(text)
                continue
            parts.append(DocumentPart(first=start, last=title_first, plan_first=plan_first))
            start, plan_first = title_first, None
            armed_after = index
            seen = set()
        seen.add(text)
    parts.append(DocumentPart(first=start, last=len(lines), plan_first=plan_first))
    return parts


def _attachment_holds_nothing(scan: _Scan, head_lines: list[int], index: int) -> bool:
    """附件 ⏎ X重点任务清单 as a page's last lines, its table an image or a file of its own: no heading and no
    table row below the title. Unless the cover letter prints it (关于印发《X》的通知: then the cover's own
    paragraphs are no tasks), such an attachment is not the plan the notice prints, though its 附件：X line
    names it, so the numbered items of the plan above stay its tasks."""
    if bisect_right(head_lines, index) < len(head_lines):
        return False
    return not any("\t" in text for text in scan.texts[index + 1:])


def _printed_by_wrapper(scan: _Scan, first: int, last: int, title: str, grammars: GrammarSet,
                        body_end: int, attached: bool = False) -> bool:
    """Does a print-wrapper line in [first, last) (关于印发《X》的通知), or a print sentence of the
    notice's opening, before its first heading (`body_end`: 现将《X》印发给你们), name this title as its X?
    A title under a bare 附件 line (`attached`) is also the notice's when its 附件：X line names it."""
    wrapper = scan.rules.meta["print-wrapper"]
    for index in scan.admitted(wrapper.gate, first, last):
        m = wrapper.pattern.search(scan.texts[index])
        if m and _wrapper_subject(m) == title:
            return True
    # 现将《X》印发给你们: the notice's body names it too
    if any(subject == title
           for index in scan.containing(("《",), first, body_end)
           for subject in _printed_subjects(scan.texts[index], grammars)):
        return True
    if not attached:
        return False
    # 附件：X among the notice's closing lines names the attachment whose title is X
    label = attachment_label(grammars)
    return any(_attachment_named(scan.texts[index], label) == title
               for index in scan.admitted(scan.rules.attachment_gate, first, last))


def _attachment_named(text: str, label: re.Pattern[str]) -> str | None:
    """What an 附件：X line names (X without its list number or 《》), or None for another line."""
    m = label.match(text)
    if m is None or m.end() == len(text):
        return None
    return clean_title(re.sub(r"^\s*(?:\d{1,2}[.．、]\s*)?", "", text[m.end():]).strip("《》 "))


def title_start(lines: list[Line], line: Line, grammars: GrammarSet, floor: int = 0) -> int:
    """A title wrapped over up to four lines (…承诺制改革 / 实施方案（试行）; 县人民政府办公室关于 / 对… /
    …的通知): where its first line is.

    A line before a title line belongs to it when it is short, has no sentence punctuation and is
    neither a heading, a date, a document number nor a title of its own; the whole stays within
    `title_max_chars`.
    """
    start, length = line.index, len(line.text)
    limit = grammars.number("meta", "title_max_chars", 90)
    while start - 1 >= max(floor, 0) and line.index - start < 3:
        index = start - 1
        previous = lines[index].text
        if not previous and start == line.index and index - 1 >= max(floor, 0) and not line.text.startswith("关于") \
                and (_OPENS_TITLE.match(lines[index - 1].text) or _bare_kind_line(line.text, grammars)):
            index -= 1  # 关于落实国务院《政府工作报告》 ⏎ ⏎ 重点工作的任务分工: a headline set over a blank line
            previous = lines[index].text  # (or …目标任务 ⏎ ⏎ 责任分解方案: a kind alone on the title's last line)
        if (not previous or length + len(previous) > limit
                or _TITLE_START_STOP.search(previous) or "\t" in previous or _BRACKETED.fullmatch(previous)
                or _YEAR_BRACKETS.search(previous)
                or match_heading(previous, grammars) or parse_date_line(previous, grammars)
                or (title_kind(previous, grammars) and not _runs_on_title(previous, lines[start].text, grammars))
                or _is_attachment_title(lines, lines[index])
                or attachment_label(grammars).match(previous)
                or grammars.vocab_pattern("meta", "header_elements").match(previous)
                or (not lines[start].text.startswith("关于") and _names_a_body(previous, grammars)
                    and "关于" not in previous)):
            break  # …; a site's banner (嵊州市人民政府) above a title that is no `X关于…` is not its first line
            # (X关于加强县级医院 ⏎ 能力建设的通知 holds 关于: a headline wrapped after a word ending like a unit)
        start, length = index, length + len(previous)
    return start


_BARE_KIND_CHARS = 8  # 责任分解方案, 实施方案（试行）: a title's last line holding little but its kind


def _bare_kind_line(text: str, grammars: GrammarSet) -> bool:
    """Is the line only a document kind with a word or two (责任分解方案), the end of a title set over lines?"""
    return len(text) <= _BARE_KIND_CHARS and title_kind(text, grammars) is not None and "。" not in text


def _runs_on_title(text: str, following: str, grammars: GrammarSet) -> bool:
    """Does a headline line that happens to end in a kind (关于分解落实2019年市政府工作报告) run on into the
    next line (主要目标任务的通知)? Only when it holds the headline's 关于 and the next line, without one,
    ends in the headline's own 的通知 / 的意见 …."""
    return ("关于" in text and "关于" not in following and following.endswith(_run_on_ends(grammars))
            and _is_title_text(following, grammars)
            and len(text) + len(following) <= grammars.number("meta", "title_max_chars", 90))


@cache
def _run_on_ends(grammars: GrammarSet) -> tuple[str, ...]:
    """How a headline's last line ends (的通知, 的意见 …: meta.yaml `headline_ends`)."""
    return tuple(map(str, grammars.vocab("meta", "headline_ends")))


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
    if previous is not None and _PAGE_NUMBER.fullmatch(previous.text):  # 附件1 ⏎ 2 ⏎ title: a PDF's page number
        previous = _previous_text_line(lines, previous.index)
    return previous is not None and bool(_ATTACHMENT_ONLY.match(previous.text))


def _head_end(part: DocumentPart) -> int:
    return part.headings[0].line if part.headings else part.last


def structure(text: str, grammars: GrammarSet, dropped: list[str] | None = None) -> Structure:
    """Find the notices in a text, their metadata and their headings."""
    scan = _Scan(text, grammars)
    parts = _split_documents(scan, grammars)
    attachments = set(scan.admitted(scan.rules.attachment_gate, 0, len(scan.lines)))
    events = sorted(attachments.union(scan.heads)) if attachments else list(scan.heads)
    for number, part in enumerate(parts):
        first, last = part.first, part.last
        part_events = scan.between(events, first, last)
        part.headings = _nest_headings(scan.texts, scan.heads, attachments, part_events, grammars, part.plan_first)
        head_end = _head_end(part)
        meta = part.meta
        _find_title(scan, first, head_end, grammars, meta, number == 0)
        if meta.title is None:
            _title_from_print_sentence(scan, first, head_end, grammars, meta)
        _find_signature(scan, first, last, grammars, meta)
        _find_numbers(scan, first, last, head_end, grammars, meta)
        _find_recipients(scan, first, head_end, grammars, meta)
        _find_info_table(scan, first, head_end, grammars, meta)
        if number == 0 and dropped:
            _find_source_site(dropped, grammars, meta)
        if meta.title:
            meta.kind = title_kind(meta.title, grammars)
        if meta.doc_number:  # a number from an info table may be cited too, or with a table label run into it
            meta.cited_documents = [n for n in meta.cited_documents if not n.endswith(meta.doc_number)]
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
    elif rule.id in _DATE_RULES:
        m = pattern.match(example.text)
        got = None
        if m:
            y, mo, d = (chinese_number(m.group(k)) for k in ("y", "m", "d"))
            got = f"{y:04d}-{mo:02d}-{d:02d}" if y and mo and d else None
    else:
        m = pattern.search(example.text)
        got = _first_group(m) if m else None
        if rule.id.startswith("recipients-") and got:
            got = "|".join(_recipient_names(got, load_grammars()))
        if rule.id == "info-table-field" and m:
            label, value = _info_field(m)
            got = f"{label}={value}"
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
