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
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .grammar import Example, Grammar, GrammarSet, Rule

STAGE = "deadlines"
KINDS = ("by_date", "ongoing", "recurring", "milestones", "none")
_MARKER_ROLES = ("recurring", "ongoing", "processing")
_MASK_CHAR = "\ue000"  # private-use filler: masked titles keep their length but match nothing


@dataclass
class MilestoneResult:
    period: str | None
    end: str | None
    text: str | None


@dataclass
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

    def compact(self) -> str:
        """One-line form used by grammar corpora: `by_date 2020-08-31`, `ongoing`, `milestones`."""
        return f"{self.kind} {self.end}" if self.end else self.kind


# ---------------------------------------------------------------------------------------------
# The compiled grammar


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


@dataclass(frozen=True)
class _Engine:
    fold: dict[int, str]
    mask: re.Pattern[str] | None
    dates: re.Pattern[str]
    date_rules: dict[str, _DateRule]
    markers: tuple[tuple[str, str, re.Pattern[str]], ...]
    year_mention: re.Pattern[str]
    lead_in: re.Pattern[str]
    range_sep: re.Pattern[str]
    start_after: re.Pattern[str]
    target_after: re.Pattern[str]
    clause_break: str
    step_break: str
    numerals: dict[str, int]
    ten: str
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


def _build(grammar_set: GrammarSet) -> _Engine:
    files = [g for g in grammar_set.files if g.spec.stage == STAGE]
    vocab = _merged_vocab(files)
    alternatives: list[str] = []
    date_rules: dict[str, _DateRule] = {}
    markers: dict[str, list[tuple[str, str]]] = {role: [] for role in _MARKER_ROLES}
    for grammar in files:
        for rule in grammar.spec.rules:
            if rule.pattern is None:
                continue
            words = {**vocab, **(rule.model_extra or {})}
            pattern = _expand(rule.pattern, words)
            role = rule.extra("role")
            if role in markers:
                markers[role].append((grammar.rule_ref(rule), pattern))
                continue
            group = f"r{len(date_rules)}"
            inner = _GROUP.sub(lambda m, g=group: f"(?P<{g}_{m.group(1)}>", pattern)
            alternatives.append(f"(?P<{group}>{inner})")
            date_rules[group] = _DateRule(
                ref=grammar.rule_ref(rule),
                group=group,
                resolve=str(rule.extra("resolve", "month")),
                body=str(rule.extra("body", "cue")),
                spec=dict(rule.model_extra or {}),
                after_chars=rule.extra("after_chars"),
                groups=tuple((f"{group}_{name}", name) for name in _GROUP.findall(pattern)),
            )
    masks = vocab.get("mask") or []
    return _Engine(
        fold=_fold_table(vocab),
        mask=re.compile("|".join(masks)) if masks else None,
        dates=_combined(alternatives, vocab.get("token_start")),
        date_rules=date_rules,
        markers=tuple(
            (role, ref, re.compile(pattern)) for role in _MARKER_ROLES for ref, pattern in markers[role]
        ),
        year_mention=re.compile(f"({vocab.get('year4', '(?!)')})年"),
        lead_in=re.compile(f"(?:{vocab.get('lead_in', '(?!)')})$"),
        range_sep=re.compile(str(vocab.get("range_sep", "(?!)"))),
        start_after=re.compile(str(vocab.get("start_after", "(?!)"))),
        target_after=re.compile(str(vocab.get("target_after", "(?!)"))),
        clause_break=str(vocab.get("clause_break", "\n")),
        step_break=str(vocab.get("step_break", "\n")),
        numerals={str(k): int(v) for k, v in (vocab.get("numerals") or {}).items()},
        ten=str(vocab.get("ten", "")),
        relative_years={str(k): int(v) for k, v in (vocab.get("relative_years") or {}).items()},
    )


def _combined(alternatives: list[str], token_start: str | None) -> re.Pattern[str]:
    """One regex for every dated shape, behind a cheap first-character check."""
    body = "|".join(alternatives) or "(?!)"
    return re.compile(f"(?={token_start})(?:{body})" if token_start else body)


@cache
def _engine() -> _Engine:
    """Compiled once, at first use (not at import: the CLI's cold start stays short)."""
    from .grammar import load_grammars

    return _build(load_grammars())


# ---------------------------------------------------------------------------------------------
# Reading dates


@dataclass
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


def _number(eng: _Engine, raw: str) -> int | None:
    """ASCII digits, digit-by-digit numerals (二〇二〇) or tens numerals (十二, 二十一)."""
    if raw.isascii():
        return int(raw) if raw.isdigit() else None
    if eng.ten and eng.ten in raw:
        high, _, low = raw.partition(eng.ten)
        tens = eng.numerals.get(high, 0) if high else 1
        units = eng.numerals.get(low, 0) if low else 0
        return tens * 10 + units
    digits = [eng.numerals.get(ch) for ch in raw]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


# 16+ numerals in a row are in no date; rules that start with a numeral class rescan such a run from
# each of its positions (quadratic: 20,000 digits in a task body took 4 s, 200,000 would take 400 s)
_LONG_NUMERAL_RUN = re.compile(r"[0-9〇零一二两三四五六七八九十百千、，,.．]{16,}")


def _prepare(eng: _Engine, text: str) -> str:
    """Fold widths and traditional characters, mask titles and quotes; length is unchanged."""
    folded = text.translate(eng.fold)
    if eng.mask is not None:
        folded = eng.mask.sub(lambda m: _MASK_CHAR * len(m.group(0)), folded)
    if _LONG_NUMERAL_RUN.search(folded) is not None:
        folded = _LONG_NUMERAL_RUN.sub(lambda m: _MASK_CHAR * len(m.group(0)), folded)
    return folded


def _read(eng: _Engine, match: re.Match[str], doc_year: int | None) -> _Token | None:
    """Turn one match into a token (None when its numbers make no date)."""
    rule = eng.date_rules[match.lastgroup or ""]
    groups = {short: value for full, short in rule.groups if (value := match.group(full))}
    year = _number(eng, groups["year"]) if "year" in groups else None
    if "rel" in groups and doc_year is not None:
        year = doc_year + eng.relative_years.get(groups["rel"], 0)
    token = _Token(match.start(), match.end(), rule, year, 12, None, cue="before" in groups)
    reader = _READERS.get(rule.resolve)
    return token if reader is not None and reader(eng, token, groups) else None


def _read_day(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    month, day = _number(eng, groups["month"]), _number(eng, groups["day"])
    if not (month and day and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    token.month, token.day = month, day
    return True


def _read_month(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    month = _number(eng, groups.get("month2") or groups["month"])
    if not month or not 1 <= month <= 12:
        return False
    token.month = month
    part = groups.get("part")
    if part:
        token.cue = True
        token.day = int(token.rule.spec.get("parts", {}).get(part, 0)) or None
    return True


def _read_quarter(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    numbers = [n for n in (_number(eng, ch) for ch in groups["q"]) if n and 1 <= n <= 4]
    if not numbers:
        return False
    first = 1 if "upto" in groups else min(numbers)
    token.quarters = (first, max(numbers))
    token.month = 3 * max(numbers)
    return True


def _read_half(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    token.month = int(token.rule.spec.get("halves", {}).get(groups["half"], 12))
    token.quarters = (1, 2) if token.month <= 6 else (3, 4)
    return True


def _read_year_end(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    return True  # month 12, last day: the defaults of a token


def _read_duration(eng: _Engine, token: _Token, groups: dict[str, str]) -> bool:
    unit = int(token.rule.spec.get("units", {}).get(groups["unit"], 1))
    raw = groups["n"]
    count = _number(eng, raw)
    if count is None:  # 半年内: half of the unit
        token.months_ahead = unit // 2 or None
    else:
        token.months_ahead = count * unit
    return bool(token.months_ahead)


_READERS = {
    "day": _read_day,
    "month": _read_month,
    "quarter": _read_quarter,
    "half": _read_half,
    "year_end": _read_year_end,
    "duration": _read_duration,
}


def _fits_context(eng: _Engine, s: str, token: _Token) -> bool:
    """A date followed by 起/以来 is a start, not a deadline; some shapes must open a clause."""
    if eng.start_after.match(s, token.end):
        return False
    chars = token.rule.after_chars
    return chars is None or token.start == 0 or s[token.start - 1] in chars


def _owned_by_recurring(eng: _Engine, s: str, tokens: list[_Token]) -> list[_Token]:
    """Drop dates that spell out a repeat (每年3月底前): they follow a 每… marker in the same clause."""
    marker_ends = [
        m.end() for role, _, pattern in eng.markers if role == "recurring" for m in pattern.finditer(s)
    ]
    if not marker_ends:
        return tokens
    kept = []
    for token in tokens:
        owned = any(
            end <= token.start and not any(ch in eng.step_break for ch in s[end : token.start])
            for end in marker_ends
        )
        if not owned:
            kept.append(token)
    return kept


def _tokens(eng: _Engine, s: str, doc_year: int | None) -> list[_Token]:
    found = []
    for match in eng.dates.finditer(s):
        token = _read(eng, match, doc_year)
        if token is not None and _fits_context(eng, s, token):
            found.append(token)
    return _owned_by_recurring(eng, s, found)


# ---------------------------------------------------------------------------------------------
# Placing dates in years


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _on(year: int, token: _Token) -> date | None:
    if not 1 <= year <= 9999:
        return None
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


def _year_before(eng: _Engine, s: str, pos: int) -> int | None:
    """The nearest year stated before `pos` (the last fallback for a year-less phrase)."""
    years = list(eng.year_mention.finditer(s, 0, pos))
    return _number(eng, years[-1].group(1)) if years else None


def _place(eng: _Engine, s: str, tokens: list[_Token], doc_year: int | None, ref: date | None) -> None:
    """Give each token its year: stated, else the step before (rolling on), else the document's."""
    carry: int | None = None
    previous: date | None = None
    for token in tokens:
        if token.months_ahead is not None:
            token.resolved = _add_months(ref, token.months_ahead) if ref else None
            continue
        year = token.year
        if year is None and carry is not None:
            year = carry
            candidate = _on(year, token)
            if previous is not None and candidate is not None and candidate < previous:
                year += 1
        if year is None:
            year = doc_year if doc_year is not None else _year_before(eng, s, token.start)
        if year is None:
            continue
        token.resolved_year = year
        token.resolved = _on(year, token)
        if token.resolved is not None:
            carry, previous = year, token.resolved


def _placed(
    eng: _Engine, s: str, tokens: list[_Token], doc_year: int | None, ref: date | None
) -> list[_Token]:
    """Tokens placed in their years, without those that name no real day (2月30日)."""
    _place(eng, s, tokens, doc_year, ref)
    return [t for t in tokens if t.resolved is not None or t.resolved_year is None]


def _period(token: _Token) -> str | None:
    """'2023-Q1' / 'Q2-Q3' / '2023-06' / '--06' / '2021-02-03' / '2025'; what is known of the step."""
    year = token.resolved_year
    prefix = f"{year:04d}-" if year is not None else ""
    if token.quarters is not None:
        first, last = token.quarters
        label = f"Q{first}" if first == last else f"Q{first}-Q{last}"
        return prefix + label
    if token.months_ahead is not None:
        return None
    if token.rule.resolve == "year_end":
        return f"{year:04d}" if year is not None else None
    month = f"{prefix or '--'}{token.month:02d}"
    if token.rule.resolve == "day" and token.day:
        return f"{month}-{token.day:02d}"
    return month


# ---------------------------------------------------------------------------------------------
# Steps: ranges merged, texts cut


@dataclass
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
    edges = " \t,:;、。" + eng.step_break
    while start < end and s[start] in edges:
        start += 1
    while True:
        while end > start and s[end - 1] in edges:
            end -= 1
        lead = eng.lead_in.search(s, start, end)
        if lead is not None:
            end = lead.start()
        elif end > start and s[end - 1] == ")" and s.count("(", start, end) < s.count(")", start, end):
            end -= 1
        else:
            return start, end


def _milestones(eng: _Engine, s: str, text: str, steps: list[_Step], stop: int) -> list[MilestoneResult]:
    out = []
    for index, step in enumerate(steps):
        until = steps[index + 1].start if index + 1 < len(steps) else stop
        first, last = _trim(eng, s, step.end, until)
        token = step.last
        end = token.resolved.isoformat() if token.resolved else None
        out.append(MilestoneResult(period=_period(token), end=end, text=text[first:last] or None))
    return out


def _rule_refs(tokens: list[_Token]) -> str:
    refs: list[str] = []
    for token in tokens:
        if token.rule.ref not in refs:
            refs.append(token.rule.ref)
    return " + ".join(refs)


def _dated(eng: _Engine, s: str, text: str, steps: list[_Step], shown: str, stop: int) -> DeadlineResult:
    """by_date for one step, milestones (end = the latest known step) for several."""
    tokens = [t for step in steps for t in step.tokens]
    rule = _rule_refs(tokens)
    if len(steps) == 1:
        end = steps[0].last.resolved
        return DeadlineResult(text=shown, kind="by_date", end=end.isoformat() if end else None, rule=rule)
    ends = [step.last.resolved for step in steps if step.last.resolved is not None]
    latest = max(ends).isoformat() if ends else None
    milestones = _milestones(eng, s, text, steps, stop)
    return DeadlineResult(text=shown, kind="milestones", end=latest, milestones=milestones, rule=rule)


# ---------------------------------------------------------------------------------------------
# Public API


def normalise(text: str, year: int | None = None, ref: date | None = None) -> DeadlineResult:
    """Normalise one deadline phrase (a 完成时限 value, a parenthetical, a quarter plan); never raises."""
    try:
        return _normalise(text, year, ref)
    except Exception:  # a deadline must never stop an extraction; the caller warns instead
        return DeadlineResult(
            text=text if isinstance(text, str) else None, kind="none", end=None, unparsed=True
        )


def _normalise(text: str, year: int | None, ref: date | None) -> DeadlineResult:
    if year is None and ref is not None:
        year = ref.year
    if not text or not text.strip():
        return DeadlineResult(text=text, kind="none", end=None)
    eng = _engine()
    s = _prepare(eng, text)
    tokens = _placed(eng, s, _tokens(eng, s, year), year, ref)
    if tokens:
        return _dated(eng, s, text, _steps(eng, s, tokens), text, len(s))
    for role, ref_id, pattern in eng.markers:
        if pattern.search(s):
            kind = "none" if role == "processing" else role
            return DeadlineResult(text=text, kind=kind, end=None, rule=ref_id)
    return DeadlineResult(text=text, kind="none", end=None, unparsed=True)


def _is_target(eng: _Engine, s: str, token: _Token, doc_year: int | None) -> bool:
    """In a task body, a date is a deadline only when worded as one (年底前, 到2022年底, …前建成)."""
    if token.rule.body == "never":
        return False
    if doc_year is not None and token.year is not None and token.year < doc_year:
        return False  # a past year is background (在2021年…的基础上), not a target
    if token.rule.body == "always" or token.cue:
        return True
    return bool(
        eng.target_after.match(s, token.end) or eng.lead_in.search(s, max(0, token.start - 4), token.start)
    )


def _clause_end(eng: _Engine, s: str, pos: int) -> int:
    for index in range(pos, len(s)):
        if s[index] in eng.clause_break:
            return index
    return len(s)


def _lead_start(eng: _Engine, s: str, start: int) -> int:
    lead = eng.lead_in.search(s, max(0, start - 4), start)
    return lead.start() if lead is not None else start


def find_in_text(text: str, year: int | None = None, ref: date | None = None) -> DeadlineResult | None:
    """The dated targets stated in a task body, or None (持续推动… in a body is a verb, not a deadline)."""
    try:
        return _find_in_text(text, year, ref)
    except Exception:  # as normalise: never stop an extraction
        return None


def _find_in_text(text: str, year: int | None, ref: date | None) -> DeadlineResult | None:
    if year is None and ref is not None:
        year = ref.year
    if not text:
        return None
    eng = _engine()
    s = _prepare(eng, text)
    targets = [t for t in _tokens(eng, s, year) if _is_target(eng, s, t, year)]
    tokens = _placed(eng, s, targets, year, ref)
    if not tokens:
        return None
    steps = _steps(eng, s, tokens)
    start = _lead_start(eng, s, steps[0].start)
    stop = steps[-1].end if len(steps) == 1 else _clause_end(eng, s, steps[-1].end)
    return _dated(eng, s, text, steps, text[start:stop].strip(), stop)


# ---------------------------------------------------------------------------------------------
# Grammar corpus checks (called by the generic grammar test runner)


def _example_context(grammar: Grammar, year: int | None) -> tuple[int | None, date | None]:
    """The example's year (or the file default) and the file's reference date when it is that year."""
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
    """None when the example gives its `expect` and this rule took part; else what went wrong."""
    year, ref = _example_context(grammar, example.year)
    result = normalise(example.text, year, ref)
    where = f"{grammar.rule_ref(rule)}: {example.text!r} (year {year})"
    if result.compact() != str(example.expect):
        return f"{where}: gave {result.compact()!r}, expected {example.expect!r} (rules: {result.rule})"
    if grammar.rule_ref(rule) not in _fired(result):
        return f"{where}: right answer, but the rule did not fire (rules: {result.rule})"
    return None


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    """None when the rule does not fire on `text`; else an error naming what it produced."""
    year, ref = _example_context(grammar, None)
    result = normalise(text, year, ref)
    if grammar.rule_ref(rule) in _fired(result):
        return f"{grammar.rule_ref(rule)}: fired on not_matching {text!r} (gave {result.compact()!r})"
    return None
