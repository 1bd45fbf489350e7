"""Stage 6, deadlines: a deadline phrase plus the document's year → kind, end date, milestones.

Every shape lives in `grammars/deadlines*.yaml` (stage `deadlines`); this module only folds the
text, runs the compiled shapes and does the calendar arithmetic. Dated shapes win over keyword
shapes (a 四季度 step that says 常态化推进 is still a plan step); the keyword shapes decide the kind
of a phrase that names no date: recurring, then ongoing, then processing-time limits (none).
A year-less step takes the year of the step before it, rolling on when its date comes earlier.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from .regexinfo import ANY, char_class, engine_lead, first_chars, last_class, prefixes, starts_pattern

if TYPE_CHECKING:
    from .grammar import Example, Grammar, GrammarSet, Rule

STAGE = "deadlines"
KINDS = ("by_date", "ongoing", "recurring", "milestones", "none")
_MARKER_ROLES = ("recurring", "ongoing", "processing", "vague")
_MASK_CHAR = "\ue000"  # private-use filler: masked titles keep their length but match nothing


@dataclass(slots=True)
class MilestoneResult:
    period: str | None
    end: str | None
    text: str | None


@dataclass(slots=True)
class DeadlineResult:
    text: str | None
    kind: str
    end: str | None
    milestones: list[MilestoneResult] = field(default_factory=list)
    rule: str | None = None
    unparsed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by `policyparse deadline` (and used for explanations)."""
        data = asdict(self)
        del data["unparsed"]
        return data

    def states_time(self) -> bool:
        """Does the phrase say when (a date, a repeat, a standing duty, or a time word no shape reads,
        such as 汛期前)? A closing group's clause that does is its deadline, kept even when unread."""
        return self.kind != "none" or (self.unparsed and self.rule is not None)

    def copy(self) -> DeadlineResult:
        """A caller's own result: a cached one is shared by every caller that reads the same phrase."""
        return DeadlineResult(self.text, self.kind, self.end, list(self.milestones), self.rule, self.unparsed)

    def compact(self) -> str:
        """One-line form used by grammar corpora: `by_date 2020-08-31`, `ongoing`, `milestones`."""
        return f"{self.kind} {self.end}" if self.end else self.kind


# ---------------------------------------------------------------------------------------------
# Prefilters: where a compiled pattern's matches can start (read off the pattern, see regexinfo)


def _charset(chars: set[str] | frozenset[str]) -> re.Pattern[str]:
    """One character class; re scans for it in C (an empty set matches nothing)."""
    return re.compile(char_class(map(re.escape, chars)))


@dataclass(frozen=True, slots=True)
class _Scanner:
    """A pattern and a prefilter found wherever one of its matches can start: only there is it tried.

    re tries a pattern at every position, ~30 ns each even when a lookahead rejects it at once, and
    ~1 µs where a numeral starts all the date shapes in turn. The prefilter (first character, then
    the characters that may follow it) is scanned for in C. Results equal `pattern.search` /
    `pattern.finditer`.
    """

    pattern: re.Pattern[str]
    starts: re.Pattern[str] | None  # None: no usable prefilter, scan as re does

    def search(self, s: str) -> re.Match[str] | None:
        """The first match, as `pattern.search(s)`."""
        if self.starts is None:
            return self.pattern.search(s)
        find, match = self.starts.search, self.pattern.match
        hit = find(s)
        while hit is not None:
            start = hit.start()
            found = match(s, start)
            if found is not None:
                return found
            hit = find(s, start + 1)
        return None

    def matches(self, s: str, endpos: int | None = None) -> list[re.Match[str]]:
        """Every match, as `list(pattern.finditer(s, 0, endpos))` (no match is empty, so each scan
        resumes at the end of the last)."""
        stop = len(s) if endpos is None else endpos
        if self.starts is None:
            return list(self.pattern.finditer(s, 0, stop))
        find, match = self.starts.search, self.pattern.match
        found = []
        hit = find(s, 0, stop)
        while hit is not None:
            start = hit.start()
            token = match(s, start, stop)
            if token is None:
                hit = find(s, start + 1, stop)
            else:
                found.append(token)
                hit = find(s, token.end(), stop)
        return found


def _scanner(pattern: re.Pattern[str]) -> _Scanner:
    return _Scanner(pattern, None if engine_lead(pattern) else starts_pattern(pattern))


# ---------------------------------------------------------------------------------------------
# The compiled grammar


@dataclass(frozen=True, slots=True)
class _Fields:
    """Where the groups the readers know sit in a match's groups plus `_UNSET`; -1 (that None) for
    those the shape does not have. Indexing a tuple is what keeps reading a date cheap."""

    year: int
    rel: int
    before: int
    month: int
    month2: int
    day: int
    part: int
    q: int
    upto: int
    half: int
    n: int
    unit: int
    festival: int
    period: int
    now: int


_UNSET = (None,)
_Groups = tuple[str | None, ...]


def _given(value: str | None, name: str) -> str:
    """A group the reader needs: a shape without it (or matching it empty) fails as a missing key."""
    if not value:
        raise KeyError(name)
    return value


@dataclass(frozen=True)
class _DateRule:
    """A dated shape: how to read its groups (`resolve`) and when a task body counts it (`body`)."""

    ref: str
    group: str
    resolve: str
    body: str
    spec: dict[str, Any]
    after_chars: str | None
    groups: tuple[tuple[str, str], ...]  # (name in the combined regex, name in the rule's pattern)
    at: _Fields
    reader: Callable[[_Engine, _Token, _Groups], _Token | None] | None  # by `resolve`


@dataclass(frozen=True)
class _Engine:
    fold: dict[int, str]
    fold_chars: re.Pattern[str] | None  # the class of characters `fold` changes; None: translate all
    fold_map: dict[str, str]
    mask: re.Pattern[str] | None
    unprepared: re.Pattern[str] | None  # characters folding or masking may change; None: unknown
    dates: _Scanner
    date_starts: re.Pattern[str] | None  # characters that start a date once folded, in unfolded text
    body_starts: re.Pattern[str] | None  # found in unfolded text wherever `dates.starts` is once folded and masked
    date_rules: dict[str, _DateRule]
    markers: tuple[tuple[str, str, _Scanner], ...]
    recurring: tuple[_Scanner, ...]
    year_mention: _Scanner
    lead_in: re.Pattern[str]
    lead_last: re.Pattern[str] | None  # what a lead-in's last character can be; None: unknown
    range_sep: re.Pattern[str]
    start_after: re.Pattern[str]
    target_after: re.Pattern[str]
    validity_before: re.Pattern[str] | None  # 实施期限至 / 有效期至 just before a date: how long a measure applies
    validity_after: re.Pattern[str] | None  # …2022年4月30日实施: the same, said after an uncued date
    status_after: re.Pattern[str] | None  # 截至4月底，全县已累计…: where the work stands, not a target
    clause_break: str
    clause_breaks: re.Pattern[str]
    step_break: str
    step_breaks: re.Pattern[str]
    trim_edges: str
    numerals: dict[str, int]
    ten: str
    char_numbers: dict[str, int]
    relative_years: dict[str, int]


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_GROUP = re.compile(r"\(\?P<([A-Za-z_]\w*)>")


def _expand(pattern: str, words: dict[str, Any]) -> str:
    """Paste vocab into a pattern: a string is a regex fragment, a list an escaped alternation."""

    def paste(match: re.Match[str]) -> str:
        value = words.get(match.group(1))
        if value is None:
            return match.group(0)
        if isinstance(value, list):
            items = sorted((str(v) for v in value), key=len, reverse=True)
            return "(?:" + "|".join(re.escape(v) for v in items) + ")"
        return f"(?:{value})"

    return _PLACEHOLDER.sub(paste, pattern)


def _merged_vocab(grammars: list[Grammar]) -> dict[str, Any]:
    """Vocab of every deadlines file: lists are joined, the first file's strings and maps win."""
    vocab: dict[str, Any] = {}
    for grammar in grammars:
        for key, value in grammar.spec.vocab.items():
            if isinstance(value, list) and isinstance(vocab.get(key), list):
                vocab[key] = vocab[key] + [v for v in value if v not in vocab[key]]
            else:
                vocab.setdefault(key, value)
    return vocab


def _fold_table(vocab: dict[str, Any]) -> dict[int, str]:
    """Full-width ASCII → ASCII (０-９, （）, ，；：) and listed traditional characters → simplified."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for trad, simp in (vocab.get("traditional") or {}).items():
        if len(str(trad)) == 1 and len(str(simp)) == 1:
            table[ord(str(trad))] = str(simp)
    return table


def _in_trial_order(files: list[Grammar]) -> list[tuple[Grammar, Rule]]:
    """Rules in file order, `fallback: true` ones last: at one position the first shape that matches
    wins, and a fallback (到2025年 → year end) must not cut a longer shape short (2022年国庆前)."""
    rules = [(grammar, rule) for grammar in files for rule in grammar.spec.rules]
    return [pair for pair in rules if not pair[1].extra("fallback", False)] + [
        pair for pair in rules if pair[1].extra("fallback", False)
    ]


def _build(grammar_set: GrammarSet) -> _Engine:
    files = [g for g in grammar_set.files if g.spec.stage == STAGE]
    vocab = _merged_vocab(files)
    alternatives: list[str] = []
    shapes: list[tuple[Grammar, Rule, str, str]] = []  # (file, rule, group, expanded pattern)
    markers: dict[str, list[tuple[str, str]]] = {role: [] for role in _MARKER_ROLES}
    for grammar, rule in _in_trial_order(files):
        if rule.pattern is None:
            continue
        words = {**vocab, **(rule.model_extra or {})}
        pattern = _expand(rule.pattern, words)
        role = rule.extra("role")
        if role in markers:
            markers[role].append((grammar.rule_ref(rule), pattern))
            continue
        group = f"r{len(shapes)}"
        inner = _GROUP.sub(lambda m, g=group: f"(?P<{g}_{m.group(1)}>", pattern)
        alternatives.append(f"(?P<{group}>{inner})")
        shapes.append((grammar, rule, group, pattern))
    dates = _combined(alternatives, _token_start(files))
    numerals = {str(k): int(v) for k, v in (vocab.get("numerals") or {}).items()}
    ten = str(vocab.get("ten", ""))
    fold = _fold_table(vocab)
    clause_break = str(vocab.get("clause_break", "\n"))
    step_break = str(vocab.get("step_break", "\n"))
    masks = vocab.get("mask") or []
    scanned = [
        (role, ref, _scanner(re.compile(pattern))) for role in _MARKER_ROLES for ref, pattern in markers[role]
    ]
    return _Engine(
        fold=fold,
        fold_chars=_fold_chars(fold),
        fold_map={chr(code): value for code, value in fold.items()},
        mask=(mask := re.compile("|".join(masks)) if masks else None),
        unprepared=_unprepared(fold, mask),
        dates=_scanner(dates),
        date_starts=_unfolded_starts(dates, fold),
        body_starts=_unfolded_prefilter(dates, fold),
        date_rules={shape[2]: _date_rule(*shape, dates) for shape in shapes},
        markers=tuple(scanned),
        recurring=tuple(scanner for role, _, scanner in scanned if role == "recurring"),
        year_mention=_scanner(re.compile(f"({vocab.get('year4', '(?!)')})年")),
        lead_in=(lead_in := re.compile(f"(?:{vocab.get('lead_in', '(?!)')})$")),
        lead_last=_compiled(last_class([lead_in])),
        range_sep=re.compile(str(vocab.get("range_sep", "(?!)"))),
        start_after=re.compile(str(vocab.get("start_after", "(?!)"))),
        target_after=re.compile(str(vocab.get("target_after", "(?!)"))),
        validity_before=re.compile(f"(?:{vocab['validity_before']})$") if vocab.get("validity_before") else None,
        validity_after=re.compile(str(vocab["validity_after"])) if vocab.get("validity_after") else None,
        status_after=re.compile(str(vocab["status_after"])) if vocab.get("status_after") else None,
        clause_break=clause_break,
        clause_breaks=_charset(set(clause_break)),
        step_break=step_break,
        step_breaks=_charset(set(step_break)),
        trim_edges=" \t,:;、。" + step_break,
        numerals=numerals,
        ten=ten,
        char_numbers=_char_numbers(numerals, ten),
        relative_years={str(k): int(v) for k, v in (vocab.get("relative_years") or {}).items()},
    )


def _token_start(grammars: list[Grammar]) -> str | None:
    """What a dated shape may start with: every file's `token_start`, so that a user file's shapes
    may start with characters the built-in ones never do (国庆节前). None: no file says."""
    starts = list(dict.fromkeys(str(g.spec.vocab["token_start"]) for g in grammars if g.spec.vocab.get("token_start")))
    if not starts:
        return None
    if len(starts) == 1:  # the built-ins alone: their fragment as written
        return starts[0]
    return "|".join(f"(?:{start})" for start in starts)


def _date_rule(grammar: Grammar, rule: Rule, group: str, pattern: str, dates: re.Pattern[str]) -> _DateRule:
    names = _GROUP.findall(pattern)
    return _DateRule(
        ref=grammar.rule_ref(rule),
        group=group,
        resolve=str(rule.extra("resolve", "month")),
        body=str(rule.extra("body", "cue")),
        spec=dict(rule.model_extra or {}),
        after_chars=rule.extra("after_chars"),
        groups=tuple((f"{group}_{name}", name) for name in names),
        at=_Fields(
            **{name: dates.groupindex.get(f"{group}_{name}", 0) - 1 for name in _Fields.__dataclass_fields__}
        ),
        reader=_READERS.get(str(rule.extra("resolve", "month"))),
    )


def _unprepared(fold: dict[int, str], mask: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """The class of characters that folding changes or a title mask starts with: a short text
    without one is prepared as it is. None when a fold result folds again or a mask may start anywhere."""
    if _fold_chars(fold) is None:
        return None
    starts = frozenset[str]() if mask is None else first_chars(mask)
    if starts is None:
        return None
    return _charset({chr(code) for code, value in fold.items() if value != chr(code)} | starts)


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return None if pattern is None else re.compile(pattern)


def _fold_chars(fold: dict[int, str]) -> re.Pattern[str] | None:
    """The class of characters the fold changes, or None when a fold result is folded again
    (replacing one character at a time would then differ from one `translate`)."""
    changed = {chr(code) for code, value in fold.items() if value != chr(code)}
    if any(value in changed for value in fold.values()):
        return None
    return _charset(changed)


def _unfolded_starts(dates: re.Pattern[str], fold: dict[int, str]) -> re.Pattern[str] | None:
    """Characters that start a date once the text is folded: with none of them a text holds no date."""
    starts = first_chars(dates)
    if starts is None:
        return None
    return _charset(starts | {chr(code) for code, value in fold.items() if value in starts})


def _unfolded_prefilter(dates: re.Pattern[str], fold: dict[int, str]) -> re.Pattern[str] | None:
    """`dates.starts` for text not yet folded or masked: each of a match's first two characters may
    be any that folds to it, and a second that the mask filler could stand for is any character.
    Where this finds nothing, the folded and masked text holds no date: a body is not folded."""
    found = prefixes(dates)
    if found is None or () in found or any(prefix[0] is ANY for prefix in found):
        return None
    sources: dict[str, set[str]] = {}
    for code, value in fold.items():
        sources.setdefault(value, {value}).add(chr(code))
    seconds: dict[str, set[str] | None] = {}  # first character → what may follow it (None: anything)
    for first, *rest in found:
        second = rest[0] if rest else ANY
        for char in sources.get(str(first), {str(first)}):
            if second is ANY or second == _MASK_CHAR:
                seconds[char] = None
            elif (known := seconds.setdefault(char, set())) is not None:
                known |= sources.get(second, {second})
    branches = [re.escape(char) + ("" if then is None else f"(?={_class_of(then)})")
                for char, then in sorted(seconds.items())]
    return re.compile("|".join(branches))


def _class_of(chars: set[str]) -> str:
    return char_class(map(re.escape, sorted(chars)))


def _combined(alternatives: list[str], token_start: str | None) -> re.Pattern[str]:
    """One regex for every dated shape, behind a cheap first-character check."""
    body = "|".join(alternatives) or "(?!)"
    return re.compile(f"(?={token_start})(?:{body})" if token_start else body)


@cache
def _engine(grammars: GrammarSet | None = None) -> _Engine:
    """The compiled shapes of a grammar set (None: the built-ins), built once per set at first use
    (not at import: the CLI's cold start stays short).

    A set is what a run reads (the built-ins plus its `--grammar` files), so a user file's deadline
    rules take part wherever that run reads a deadline."""
    if grammars is None:
        from .grammar import load_grammars

        return _engine(load_grammars())
    return _build(grammars)


# ---------------------------------------------------------------------------------------------
# Reading dates


@dataclass(slots=True)
class _Token:
    """One dated shape found in the text, read but not yet placed in a year."""

    start: int
    end: int
    rule: _DateRule
    year: int | None  # stated (or relative to the document year)
    month: int  # the month of the end
    day: int | None  # None: the month's last day
    quarters: tuple[int, int] | None = None
    months_ahead: int | None = None  # N年内 / N个月内
    cue: bool = False  # the shape itself says "by" (底, 前, 旬)
    resolved: date | None = None
    resolved_year: int | None = None
    festival: str | None = None  # 春节前: its day depends on the year (`_festival_day`)
    from_ref: int | None = None  # 本月 0 / 下月 1 (本季度, 下季度): months (quarters) after the document date's


def _number(eng: _Engine, raw: str) -> int | None:
    """ASCII digits, digit-by-digit numerals (二〇二〇) or tens numerals (十二, 二十一)."""
    if raw.isascii():
        return int(raw) if raw.isdigit() else None
    known = eng.char_numbers.get(raw)  # one numeral (一, 十): most Chinese reads, one look-up
    return known if known is not None else _spelled_number(eng.numerals, eng.ten, raw)


def _spelled_number(numerals: dict[str, int], ten: str, raw: str) -> int | None:
    if raw.isascii():
        return int(raw) if raw.isdigit() else None
    if ten and ten in raw:
        high, _, low = raw.partition(ten)
        tens = numerals.get(high, 0) if high else 1
        units = numerals.get(low, 0) if low else 0
        return tens * 10 + units
    digits = [numerals.get(ch) for ch in raw]
    if None in digits:
        return None
    return int("".join(map(str, digits)))


def _char_numbers(numerals: dict[str, int], ten: str) -> dict[str, int]:
    """The value of every one-character number (0-9, 一, 十): `_number` looks these up."""
    chars = set("0123456789") | {ch for ch in [*numerals, ten] if len(ch) == 1}
    return {ch: value for ch in chars if (value := _spelled_number(numerals, ten, ch)) is not None}


# 16+ numerals in a row are in no date; rules that start with a numeral class rescan such a run from
# each of its positions (quadratic: 20,000 digits in a task body took 4 s, 200,000 would take 400 s).
# The class is spelled out once before the repeat so that re scans for its first character in C.
_LONG_RUN = 16
_NUMERAL_CLASS = "[0-9〇零一二两三四五六七八九十百千、，,.．]"
_LONG_NUMERAL_RUN = re.compile(f"{_NUMERAL_CLASS}{_NUMERAL_CLASS}{{{_LONG_RUN - 1},}}")


def _masked(match: re.Match[str]) -> str:
    return _MASK_CHAR * (match.end() - match.start())


_FOLD_ONE_BY_ONE = 16  # distinct foldable characters replaced one by one before translating the rest


def _fold(eng: _Engine, text: str) -> str:
    """Full width → ASCII, listed traditional → simplified. Each distinct foldable character is
    replaced everywhere at once: str.translate looks every character up in the table (~60 ns each),
    and a text holds a few distinct foldable ones, often only the full-width comma. A traditional
    text with many goes on with translate (folded characters fold no further). Length is unchanged."""
    if eng.fold_chars is None:
        return text.translate(eng.fold)
    find = eng.fold_chars.search
    hit = find(text)
    for _ in range(_FOLD_ONE_BY_ONE):
        if hit is None:
            return text
        char = hit.group()
        text = text.replace(char, eng.fold_map[char])
        hit = find(text, hit.start() + 1)
    return text if hit is None else text.translate(eng.fold)


def _mask_titles(eng: _Engine, folded: str) -> str:
    """《…》 and “…” become filler: a date in a title or a quote is no deadline."""
    if eng.mask is not None and eng.mask.search(folded) is not None:
        return eng.mask.sub(_masked, folded)
    return folded


def _mask_long_runs(folded: str) -> str:
    if len(folded) >= _LONG_RUN and _LONG_NUMERAL_RUN.search(folded) is not None:
        return _LONG_NUMERAL_RUN.sub(_masked, folded)
    return folded


def _prepare(eng: _Engine, text: str) -> str:
    """Fold widths and traditional characters, mask titles and quotes; length is unchanged. A short
    phrase (2021年8月底前) is mostly left as it is: one class search tells."""
    if len(text) < _LONG_RUN and eng.unprepared is not None and eng.unprepared.search(text) is None:
        return text
    return _mask_long_runs(_mask_titles(eng, _fold(eng, text)))


def _read(eng: _Engine, match: re.Match[str], doc_year: int | None) -> _Token | None:
    """Turn one match into a token (None when its numbers make no date)."""
    rule = eng.date_rules[match.lastgroup or ""]
    reader = rule.reader
    if reader is None:
        return None
    at, values = rule.at, match.groups() + _UNSET  # every group, then the None of absent ones
    raw_year = values[at.year]
    year = _number(eng, raw_year) if raw_year else None
    if doc_year is not None and (relative := values[at.rel]):
        year = doc_year + eng.relative_years.get(relative, 0)
    start, end = match.span()
    return reader(eng, _Token(start, end, rule, year, 12, None, None, None, bool(values[at.before])), values)


# Each reader completes a token from its shape's groups (year, span and the 前 cue are read already);
# None when the numbers make no date.


def _read_day(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    at = token.rule.at
    month = _number(eng, _given(values[at.month], "month"))
    day = _number(eng, _given(values[at.day], "day"))
    if not (month and day and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    token.month, token.day = month, day
    return token


def _read_now(token: _Token, values: _Groups) -> _Token | None:
    """本月 / 下季度: the rule's `now` table gives how many months (quarters) after the document
    date's; the month itself is known only once the document date is (`_anchor`)."""
    token.from_ref = int(token.rule.spec.get("now", {}).get(values[token.rule.at.now], 0))
    return token


def _read_month(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    at = token.rule.at
    if values[at.now]:
        _read_now(token, values)
        month = 12  # a stand-in until `_anchor`
    else:
        month = _number(eng, values[at.month2] or _given(values[at.month], "month"))
    if not month or not 1 <= month <= 12:
        return None
    token.month = month
    part = values[at.part]
    if part:
        token.cue = True
        token.day = int(token.rule.spec.get("parts", {}).get(part, 0)) or None
    return token


def _read_quarter(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    at = token.rule.at
    if values[at.now]:
        token.cue = bool(values[at.part]) or token.cue  # 本季度末 says "by", 本季度 alone does not
        return _read_now(token, values)
    value = eng.char_numbers.get  # `_number` of one character
    numbers = [n for ch in _given(values[at.q], "q") if (n := value(ch)) and 1 <= n <= 4]
    if not numbers:
        return None
    last = max(numbers)
    token.quarters = (1 if values[at.upto] else min(numbers), last)
    token.month = 3 * last
    return token


def _read_half(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    half = _given(values[token.rule.at.half], "half")
    token.month = int(token.rule.spec.get("halves", {}).get(half, 12))
    token.quarters = (1, 2) if token.month <= 6 else (3, 4)
    return token


def _read_year_end(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    return token  # month 12, last day: the defaults of a token


def _read_duration(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    at = token.rule.at
    unit = int(token.rule.spec.get("units", {}).get(_given(values[at.unit], "unit"), 1))
    count = _number(eng, _given(values[at.n], "n"))
    if count is None:  # 半年内: half of the unit
        token.months_ahead = unit // 2 or None
    else:
        token.months_ahead = count * unit
    return token if token.months_ahead else None


def _read_festival(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    token.festival = _given(values[token.rule.at.festival], "festival")
    token.cue = True
    return token


def _festival_day(token: _Token, year: int) -> date | None:
    """The day before the festival in `year` (春节前); None when the table has no such year."""
    day = token.rule.spec.get("festivals", {}).get(token.festival)
    if isinstance(day, dict):  # a lunar festival: its Gregorian day by year
        day = day.get(year)
    if not isinstance(day, str):
        return None
    month, _, dom = day.partition("-")
    try:
        festival = date(year, int(month), int(dom))
    except ValueError:
        return None
    return festival - timedelta(days=1) if festival != date.min else None  # 元旦 of year 1 has no eve


def _next_festival_year(token: _Token, ref: date) -> int:
    """A year-less festival is the first one on or after the document's date (元旦前 in November)."""
    day = _festival_day(token, ref.year)
    return ref.year + 1 if day is not None and day < ref else ref.year


def _read_plan_period(eng: _Engine, token: _Token, values: _Groups) -> _Token | None:
    """“十四五”期间: the last year of that five-year plan (the rule's `periods` table)."""
    last = token.rule.spec.get("periods", {}).get(_given(values[token.rule.at.period], "period"))
    if not isinstance(last, int):
        return None
    token.year = last
    return token


_READERS = {
    "day": _read_day,
    "month": _read_month,
    "quarter": _read_quarter,
    "half": _read_half,
    "year_end": _read_year_end,
    "duration": _read_duration,
    "festival": _read_festival,
    "plan_period": _read_plan_period,
}


def _fits_context(eng: _Engine, s: str, token: _Token) -> bool:
    """A date followed by 起/以来 is a start, not a deadline; some shapes must open a clause."""
    if eng.start_after.match(s, token.end):
        return False
    chars = token.rule.after_chars
    return chars is None or token.start == 0 or s[token.start - 1] in chars


def _owned_by_recurring(eng: _Engine, s: str, tokens: list[_Token]) -> list[_Token]:
    """Drop dates that spell out a repeat (每年3月底前): they follow a 每… marker in the same clause."""
    marker_ends = []
    for scanner in eng.recurring:
        if scanner.search(s) is not None:
            marker_ends += [m.end() for m in scanner.matches(s)]
    if not marker_ends:
        return tokens
    kept = []
    for token in tokens:
        owned = any(
            end <= token.start and eng.step_breaks.search(s, end, token.start) is None for end in marker_ends
        )
        if not owned:
            kept.append(token)
    return kept


def _tokens(eng: _Engine, s: str, doc_year: int | None) -> list[_Token]:
    return _read_all(eng, s, eng.dates.matches(s), doc_year)


def _read_all(eng: _Engine, s: str, matches: list[re.Match[str]], doc_year: int | None) -> list[_Token]:
    """The matches that make dates in their context, read (see `_tokens`)."""
    found = []
    for match in matches:
        token = _read(eng, match, doc_year)
        if token is not None and _fits_context(eng, s, token):
            found.append(token)
    return _owned_by_recurring(eng, s, found) if found else found


# ---------------------------------------------------------------------------------------------
# Placing dates in years


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    """As calendar.monthrange(year, month)[1], without its weekday arithmetic."""
    if not 1 <= month <= 12:
        raise calendar.IllegalMonthError(month)
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]


def _on(year: int, token: _Token) -> date | None:
    if not 1 <= year <= 9999:
        return None
    if token.festival is not None:
        return _festival_day(token, year)
    try:
        return date(year, token.month, token.day or _last_day(year, token.month))
    except ValueError:  # 2月30日
        return None


def _add_months(ref: date, months: int) -> date | None:
    total = ref.month - 1 + months
    year, month = ref.year + total // 12, total % 12 + 1
    if year > 9999:
        return None
    return date(year, month, min(ref.day, _last_day(year, month)))


def _anchor(token: _Token, ref: date | None) -> bool:
    """Place 本月 / 下月 / 本季度 on the document date's calendar (its year, month and quarter);
    False without a document date: the phrase is then a date with no end."""
    if token.from_ref is None:
        return True
    if ref is None:
        return False
    quarterly = token.rule.resolve == "quarter"
    base = 3 * ((ref.month - 1) // 3 + 1) if quarterly else ref.month
    total = base - 1 + token.from_ref * (3 if quarterly else 1)
    token.year, token.month = ref.year + total // 12, total % 12 + 1
    if quarterly:
        token.quarters = (token.month // 3, token.month // 3)
    return True


def _year_before(eng: _Engine, s: str, pos: int) -> int | None:
    """The nearest year stated before `pos` (the last fallback for a year-less phrase)."""
    years = eng.year_mention.matches(s, pos)
    return _number(eng, years[-1].group(1)) if years else None


def _placed(
    eng: _Engine, s: str, tokens: list[_Token], doc_year: int | None, ref: date | None
) -> list[_Token]:
    """Give each token its year: stated, else the step before (rolling on), else the document's.
    Returns the tokens without those that name no real day (2月30日)."""
    kept = []
    carry: int | None = None
    previous: date | None = None
    for token in tokens:
        if token.months_ahead is not None:
            token.resolved = _add_months(ref, token.months_ahead) if ref else None
            kept.append(token)
            continue
        if not _anchor(token, ref):
            kept.append(token)  # 本月 without a document date: kept, with no end
            continue
        year = token.year
        if year is None and carry is not None:
            year = carry
            candidate = _on(year, token)
            if previous is not None and candidate is not None and candidate < previous:
                year += 1
        if year is None and token.festival is not None and ref is not None:
            year = _next_festival_year(token, ref)
        if year is None:
            year = doc_year if doc_year is not None else _year_before(eng, s, token.start)
        if year is None:
            kept.append(token)  # no year anywhere: kept, with no end
            continue
        token.resolved_year = year
        token.resolved = _on(year, token)
        if token.resolved is not None:
            carry, previous = year, token.resolved
            kept.append(token)
        elif token.festival is not None:
            kept.append(token)  # a holiday outside its table: kept, with no end
    return kept


def _period(token: _Token) -> str | None:
    """'2023-Q1' / 'Q2-Q3' / '2023-06' / '--06' / '2021-02-03' / '2025'; what is known of the step."""
    year = token.resolved_year
    prefix = f"{year:04d}-" if year is not None else ""
    if token.quarters is not None:
        first, last = token.quarters
        label = f"Q{first}" if first == last else f"Q{first}-Q{last}"
        return prefix + label
    if token.months_ahead is not None or (token.from_ref is not None and year is None):
        return None
    if token.festival is not None:
        return token.resolved.isoformat() if token.resolved is not None else None
    if token.rule.resolve == "year_end":
        return f"{year:04d}" if year is not None else None
    month = f"{prefix or '--'}{token.month:02d}"
    if token.rule.resolve == "day" and token.day:
        return f"{month}-{token.day:02d}"
    return month


# ---------------------------------------------------------------------------------------------
# Steps: ranges merged, texts cut


@dataclass(slots=True)
class _Step:
    start: int
    end: int
    tokens: list[_Token]

    @property
    def last(self) -> _Token:
        return self.tokens[-1]


def _steps(eng: _Engine, s: str, tokens: list[_Token]) -> list[_Step]:
    """Join A至B into one step (its bound is B); every other date is a step of its own."""
    steps: list[_Step] = []
    for token in tokens:
        if steps and eng.range_sep.fullmatch(s, steps[-1].end, token.start):
            steps[-1].end = token.end
            steps[-1].tokens.append(token)
        else:
            steps.append(_Step(token.start, token.end, [token]))
    return steps


def _trim(eng: _Engine, s: str, start: int, end: int) -> tuple[int, int]:
    """A step's text span without separators, a dangling lead-in (到, 力争) or an unopened ')'."""
    edges = eng.trim_edges
    while start < end and s[start] in edges:
        start += 1
    while True:
        while end > start and s[end - 1] in edges:
            end -= 1
        lead = _lead_ending(eng, s, start, end)
        if lead is not None:
            end = lead.start()
        elif end > start and s[end - 1] == ")" and s.count("(", start, end) < s.count(")", start, end):
            end -= 1
        else:
            return start, end


def _lead_ending(eng: _Engine, s: str, start: int, end: int) -> re.Match[str] | None:
    """`lead_in.search(s, start, end)`: a lead-in ends the span, so a span whose last character
    ends none (and is no newline, before which `$` also matches) is not scanned."""
    last = eng.lead_last
    if last is not None and (end <= start or (s[end - 1] != "\n" and last.match(s, end - 1) is None)):
        return None
    return eng.lead_in.search(s, start, end)


def _milestones(eng: _Engine, s: str, text: str, steps: list[_Step], stop: int) -> list[MilestoneResult]:
    out = []
    for index, step in enumerate(steps):
        until = steps[index + 1].start if index + 1 < len(steps) else stop
        first, last = _trim(eng, s, step.end, until)
        token = step.tokens[-1]
        end = token.resolved.isoformat() if token.resolved else None
        out.append(MilestoneResult(_period(token), end, text[first:last] or None))
    return out


def _rule_refs(tokens: list[_Token]) -> str:
    if len(tokens) == 1:
        return tokens[0].rule.ref
    return " + ".join(dict.fromkeys(token.rule.ref for token in tokens))


def _dated(eng: _Engine, s: str, text: str, steps: list[_Step], shown: str, stop: int) -> DeadlineResult:
    """by_date for one step, milestones (end = the latest known step) for several."""
    if len(steps) == 1:
        tokens = steps[0].tokens
        end = tokens[-1].resolved
        rule = _rule_refs(tokens)
        return DeadlineResult(shown, "by_date", end.isoformat() if end else None, [], rule)
    rule = _rule_refs([t for step in steps for t in step.tokens])
    ends = [end for step in steps if (end := step.tokens[-1].resolved) is not None]
    latest = max(ends).isoformat() if ends else None
    milestones = _milestones(eng, s, text, steps, stop)
    return DeadlineResult(shown, "milestones", latest, milestones, rule)


# ---------------------------------------------------------------------------------------------
# Public API


def normalise(text: str, year: int | None = None, ref: date | None = None,
              grammars: GrammarSet | None = None) -> DeadlineResult:
    """Normalise one deadline phrase (a 完成时限 value, a parenthetical, a quarter plan); never raises.

    `grammars` is the run's grammar set (None: the built-ins), so user deadline files take part.
    A notice repeats its phrases (完成时限：2021年12月底前 under a dozen tasks): each is read once
    and every caller gets a copy of its own."""
    try:
        if type(text) is str:
            return _normalised(text, year, ref, grammars).copy()
        return _normalise(text, year, ref, grammars)
    except Exception:  # a deadline must never stop an extraction; the caller warns instead
        return DeadlineResult(
            text=text if isinstance(text, str) else None, kind="none", end=None, unparsed=True
        )


@lru_cache(maxsize=4096)
def _normalised(text: str, year: int | None, ref: date | None, grammars: GrammarSet | None) -> DeadlineResult:
    """`_normalise`, cached by phrase, year, date and grammar set; callers must not mutate the result."""
    return _normalise(text, year, ref, grammars)


def _normalise(text: str, year: int | None, ref: date | None, grammars: GrammarSet | None = None) -> DeadlineResult:
    if year is None and ref is not None:
        year = ref.year
    if not text or text.isspace():
        return DeadlineResult(text=text, kind="none", end=None)
    eng = _engine(grammars)
    s = _prepare(eng, text)
    matches = eng.dates.matches(s)
    if len(matches) == 1:  # one date (2021年8月底前): no steps to join
        single = _single_dated(eng, s, text, matches[0], year, ref)
        if single is not None:
            return single
    elif matches:
        tokens = _read_all(eng, s, matches, year)
        if tokens and (tokens := _placed(eng, s, tokens, year, ref)):
            return _dated(eng, s, text, _steps(eng, s, tokens), text, len(s))
    return _undated(eng, s, text)


def _undated(eng: _Engine, s: str, text: str) -> DeadlineResult:
    """A phrase without a usable date: the keyword shapes decide its kind. A `vague` one (汛期前,
    年初) is a time phrase no shape reads: kind none, flagged unparsed, with the rule that saw it."""
    for role, ref_id, scanner in eng.markers:
        if scanner.search(s):
            if role == "vague":
                return DeadlineResult(text, "none", None, [], ref_id, unparsed=True)
            kind = "none" if role == "processing" else role
            return DeadlineResult(text, kind, None, [], ref_id)
    return DeadlineResult(text=text, kind="none", end=None, unparsed=True)


def _single_dated(
    eng: _Engine, s: str, text: str, match: re.Match[str], year: int | None, ref: date | None
) -> DeadlineResult | None:
    """`_tokens` → `_placed` → `_dated` for a text whose only date is `match`, without the lists,
    steps and year carrying that several dates need; None when the date does not count."""
    token = _read(eng, match, year)
    if token is None or not _fits_context(eng, s, token) or _recurring_owns(eng, s, token):
        return None
    if token.months_ahead is not None:
        end = _add_months(ref, token.months_ahead) if ref else None
    elif not _anchor(token, ref):
        end = None  # 本月 without a document date
    else:
        token_year = token.year
        if token_year is None and token.festival is not None and ref is not None:
            token_year = _next_festival_year(token, ref)
        if token_year is None:
            token_year = year if year is not None else _year_before(eng, s, token.start)
        if token_year is None:
            end = None  # no year anywhere: a date with no end
        elif (end := _on(token_year, token)) is None and token.festival is None:
            return None  # 2月30日 names no day (a holiday outside its table: a date with no end)
    return DeadlineResult(text, "by_date", end.isoformat() if end else None, [], token.rule.ref)


def _recurring_owns(eng: _Engine, s: str, token: _Token) -> bool:
    """`_owned_by_recurring` for one token. A token that opens the text is owned only by a marker
    match that ends at 0, i.e. an empty one at 0 (finditer's first match would be it)."""
    if token.start > 0:
        return not _owned_by_recurring(eng, s, [token])
    for scanner in eng.recurring:
        found = scanner.pattern.match(s)
        if found is not None and found.end() == 0:
            return True
    return False


def _is_target(eng: _Engine, s: str, token: _Token, since: int | None) -> bool:
    """In a task body, a date is a deadline only when worded as one (年底前, 到2022年底, …前建成);
    one stated before the year `since` is past (see `find_in_text`)."""
    if token.rule.body == "never":
        return False
    if since is not None and token.year is not None and token.year < since:
        return False  # a past year is background (在2021年…的基础上), not a target
    if eng.validity_before is not None and eng.validity_before.search(s, max(0, token.start - _VALIDITY_REACH),
                                                                      token.start):
        return False  # 实施期限至2021年12月31日: how long a measure applies, not when a task is done
    if eng.status_after is not None and eng.status_after.match(s, token.end):
        return False  # 截至2023年4月底，全县已累计完成…: where the work stands, not when it is due
    if token.rule.body == "always" or token.cue:
        return True
    if eng.validity_after is not None and eng.validity_after.match(s, token.end) and (
            token.start > 0 and s[token.start - 1] in _RANGE_ENDS):
        return False  # …至2022年4月30日实施: the end of the period a measure applies
    return bool(
        eng.target_after.match(s, token.end) or _lead_ending(eng, s, max(0, token.start - 4), token.start)
    )


_RANGE_ENDS = "至到—-~"  # just before a date that ends a range
_VALIDITY_REACH = 8  # characters before a date where a validity phrase (实施期限至) may end


def _clause_end(eng: _Engine, s: str, pos: int) -> int:
    found = eng.clause_breaks.search(s, pos)
    return len(s) if found is None else found.start()


def _lead_start(eng: _Engine, s: str, start: int) -> int:
    lead = _lead_ending(eng, s, max(0, start - 4), start)
    return lead.start() if lead is not None else start


def find_in_text(text: str, year: int | None = None, ref: date | None = None,
                 grammars: GrammarSet | None = None, since: int | None = None) -> DeadlineResult | None:
    """The dated targets stated in a task body, or None (持续推动… in a body is a verb, not a deadline).

    `grammars` as for `normalise`. A stated year before `since` (default: `year`) is background, not
    a target; a plan's title period (（2021—2025年）) may set it earlier than the document year."""
    try:
        return _find_in_text(text, year, ref, grammars, since)
    except Exception:  # as normalise: never stop an extraction
        return None


def _find_in_text(text: str, year: int | None, ref: date | None,
                  grammars: GrammarSet | None = None, since: int | None = None) -> DeadlineResult | None:
    if year is None and ref is not None:
        year = ref.year
    if since is None or year is None:
        since = year
    if not text:
        return None
    eng = _engine(grammars)
    if eng.body_starts is not None and eng.body_starts.search(text) is None:
        return None  # no two characters that could start a date once folded: skip folding and masking
    elif eng.date_starts is not None and eng.date_starts.search(text) is None:
        return None  # no character that could start a date: skip folding and masking
    s = _mask_titles(eng, _fold(eng, text))
    if eng.dates.starts is not None and eng.dates.starts.search(s) is None:
        return None  # the only ones were in titles: masking long numeral runs would add none
    s = _mask_long_runs(s)
    targets = [t for t in _tokens(eng, s, year) if _is_target(eng, s, t, since)]
    tokens = _placed(eng, s, targets, year, ref)
    if not tokens:
        return None
    steps = _steps(eng, s, tokens)
    start = _lead_start(eng, s, steps[0].start)
    stop = steps[-1].end if len(steps) == 1 else _clause_end(eng, s, steps[-1].end)
    return _dated(eng, s, text, steps, text[start:stop].strip(), stop)


# ---------------------------------------------------------------------------------------------
# Grammar corpus checks (called by the generic grammar test runner)


def _example_context(
    grammar: Grammar, year: int | None, on: str | None = None
) -> tuple[int | None, date | None]:
    """The example's year (or the file default) and reference date: the example's own document date,
    else the file's when it is in that year."""
    if on is not None:
        ref_day = date.fromisoformat(on)
        return (year if year is not None else ref_day.year), ref_day
    defaults = grammar.spec.defaults
    year = year if year is not None else defaults.get("year")
    ref = defaults.get("ref")
    ref_date = date.fromisoformat(str(ref)) if ref else None
    if ref_date is not None and year is not None and ref_date.year != year:
        ref_date = None
    return year, ref_date


def _fired(result: DeadlineResult) -> list[str]:
    return result.rule.split(" + ") if result.rule else []


def check_example(grammar: Grammar, rule: Rule, example: Example) -> str | None:
    """None when the example gives its `expect` and this rule took part; else what went wrong.

    A user file's examples are read with the built-ins plus that file, the set it extends."""
    from .grammar import grammars_with

    year, ref = _example_context(grammar, example.year, example.date)
    result = normalise(example.text, year, ref, grammars_with(grammar))
    where = f"{grammar.rule_ref(rule)}: {example.text!r} (year {year})"
    if result.compact() != str(example.expect):
        return f"{where}: gave {result.compact()!r}, expected {example.expect!r} (rules: {result.rule})"
    if grammar.rule_ref(rule) not in _fired(result):
        return f"{where}: right answer, but the rule did not fire (rules: {result.rule})"
    return None


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    """None when the rule does not fire on `text`; else an error naming what it produced."""
    from .grammar import grammars_with

    year, ref = _example_context(grammar, None)
    result = normalise(text, year, ref, grammars_with(grammar))
    if grammar.rule_ref(rule) in _fired(result):
        return f"{grammar.rule_ref(rule)}: fired on not_matching {text!r} (gave {result.compact()!r})"
    return None


def opens_with_date(text: str, grammars: GrammarSet | None = None) -> bool:
    """Does a dated shape open the text (2023年6月底前，全部开工 / 二季度：启动整治)? A step line under an
    empty 时间节点/推进计划 label does; never raises."""
    try:
        eng = _engine(grammars)
        s = _prepare(eng, text.lstrip())
        found = eng.dates.pattern.match(s)
        if found is None:
            return False
        token = _read(eng, found, None)
        return token is not None and _fits_context(eng, s, token)
    except Exception:  # a line that cannot be read opens with no date
        return False


# ---------------------------------------------------------------------------------------------
# A cheap test for callers that only ask whether a clause is a deadline


def may_name_deadline(text: str, grammars: GrammarSet | None = None) -> bool:
    """False only when `normalise(text, year, ref, grammars).kind` is "none" for every year and ref.

    A phrase names a deadline through a dated shape or a recurring/ongoing keyword. A dated shape
    starts at a character of `date_starts` (what starts a date once folded; masking only puts in a
    filler that starts none), so without one the only question left is the keyword one, asked here
    just as `_normalise` asks it. Field groups are mostly role clauses: they skip reading dates.
    """
    try:
        if not text or text.isspace():
            return False
        eng = _engine(grammars)
        starts = eng.date_starts
        if starts is None or starts.search(text) is not None or starts.match(_MASK_CHAR) is not None:
            return True
        s = _prepare(eng, text)
        for role, _ref, scanner in eng.markers:
            if scanner.search(s):
                return role != "processing"
        return False
    except Exception:  # normalise would answer "none" after an error, but "maybe" is always safe
        return True
