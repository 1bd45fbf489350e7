"""Stage 2, clean: repair what downloading did to the text.

Two passes around conversion (pinyin must go before traditional→simplified, 乾(qián)隆 → 乾隆):
`repair` (before convert) undoes byte- and markup-level damage; `tidy` (after convert) fixes
layout: widths, site chrome, broken lines, flattened documents, lost 〔〕 in document numbers.
Both return the new text and a Counter of repairs for `source.repairs`. Every word list and
pattern lives in `grammars/artefacts.yaml` and `grammars/boilerplate.yaml`; this module is the
engine. Each step is linear in the text (regex scans, translate, one pass over lines).

Most rules find nothing in most notices, so the engine first asks cheaply whether a rule could
fire: `Gate` reads off each pattern the literals every match must hold (tested with `in`, at
memchr speed) or splits a class-led pattern into literal-led ones; `LineMatcher` finds the few
lines a fullmatch-only pattern could match by their first character; one class scan tells which
byte-level repairs a text needs at all.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, repeat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the grammar loader pulls in pydantic and yaml: load it on first use only
    from .grammar import Grammar, GrammarSet, Rule
from .load.text import common_chars
from .regexinfo import (
    alternative_starts,
    char_class,
    engine_lead,
    first_class,
    last_class,
    literal_gate,
    literal_led_parts,
    minimal,
    starts_anchored,
)

ARTEFACTS = "artefacts"
BOILERPLATE = "boilerplate"
MAX_BOILERPLATE_LINE = 300
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a half-width mark beside CJK (after CJK or ）”, before CJK or （“) becomes full-width
_PUNCT_MARKS = (("(", "（"), (")", "）"), (",", "，"), (";", "；"), (":", "："), ("?", "？"), ("!", "！"))
_BRACKET_MARKS = "()"  # their full forms are the only ones that make a neighbour CJK-adjacent
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FULLWIDTH_TO_ASCII = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                       for c in range(r[0], r[1] + 1)}
_ODD_SPACE_CHARS = "\u3000\u00a0\u2002\u2003\u2009\u200a\u202f"
_BLANK_RUNS = re.compile(r"\n\n\n+")  # = \n{3,}, but literal-led: the engine scans for it at memchr speed
_CONTROL_CHARS = "\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
_NEWLINE_CHARS = "\r\u2028\u2029\x85"
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_OPENERS, _CLOSERS = "（(“《〔【[", "）)”》〕】]"
# a run of 2+ spaces with something on both sides on its line: maybe a space-aligned table row
_INNER_SPACES = re.compile(r"  (?<=[^ \n]  ) *[^ \n]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# NBSP (A0) is left out: tidy turns it into a space, and a run that only becomes repairable once its
# NBSP is gone would make cleaning change a text again on a second pass.
_LATIN1_CHARS = "\u0080-\u009f\u00a1-\u00ff"
_LATIN1_RUN = re.compile(f"[{_LATIN1_CHARS}][{_LATIN1_CHARS}]+")  # = {2,}, led by a class: a fast scan
# F1: '?' marks the lost lead byte; the run ends at a resynchronising ASCII trail byte, a '?'
# (an invalid pair whose next byte was swallowed) or anything else (trail lost).
_F1_RUN = re.compile(r"\?((?:[^\x00-\x7f\s\ufffd\u3000]|[!,:;()]){2,})([@-~?])?")
_F1_ASCII_BACK = str.maketrans({"!": "！", ",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})

Counts = Counter[str]


# Patterns with a CJK class cost ~1.5 ms each to compile (re fills its charset table code point by
# code point): those only some texts need are compiled on first need, not at import.

@cache
def _cjk_char() -> re.Pattern[str]:
    return re.compile(f"[{CJK}]")


@cache
def _punct_apart(index: int) -> re.Pattern[str]:
    """A literal-led pattern for one mark where it stays half-width (none found: every one changes)."""
    half = re.escape(_PUNCT_MARKS[index][0])
    return re.compile(rf"{half}(?<![{CJK}）”]{half})(?![{CJK}（“])")


@cache
def _split_space() -> re.Pattern[str]:
    """Spaces between paragraphs of a flattened document; space-led, a fast scan."""
    return re.compile(rf" (?<=[{CJK}。；：！？）)”》…] )(?=[{CJK}（(“《]|\d{{1,2}}[.．、])")


# ---------------------------------------------------------------------------------------------
# literal gates: strings one of which every match of a pattern holds, read off the pattern itself
#
# `in` on a str runs at memchr speed, a regex scan of the same text is ~30x slower; most rules find
# nothing in most notices, so a rule whose gate strings are all absent is skipped for almost nothing.

_GATE_IN_MAX = 8  # up to this many characters are tested with `in`; more with one alternation


class Gate:
    """A necessary condition for a pattern to match: one of `strings` occurs in the subject.

    `strings` is None when the pattern shows no such literal, or starts with one (the regex engine
    then scans for it as fast as a gate could): the gate admits everything. Lookaround contents
    count, as they are read from the same subject. `parts`, when set, is the pattern itself as one
    literal-led pattern per choice of its leading class or alternation: searched instead of it.
    """

    __slots__ = ("chars", "finder", "parts", "strings")

    def __init__(self, strings: Iterable[str] | None, parts: tuple[re.Pattern[str], ...] | None = None) -> None:
        self.strings = None if strings is None else tuple(sorted(strings, key=lambda s: (-len(s), s)))
        self.parts = parts
        chars = [s for s in self.strings or () if len(s) == 1]
        words = [s for s in self.strings or () if len(s) > 1]
        if len(chars) > _GATE_IN_MAX:
            words, chars = words + chars, []
        self.chars = tuple(chars)  # `in` on one character: a memchr scan
        self.finder = re.compile("|".join(map(re.escape, words))) if words else None  # faster than `in` on words

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gate:
        if engine_lead(pattern) == "literal":
            return cls(None)
        strings, parts = literal_gate(pattern), literal_led_parts(pattern, _GATE_IN_MAX)
        if parts is not None and strings is not None and any(len(s) > 1 for s in strings):
            strings = None  # words need a scan of their own: the literal-led parts are as cheap
        return cls(strings, parts)

    def admits(self, text: str) -> bool:
        if self.strings is None:
            return True
        return (any(c in text for c in self.chars)
                or (self.finder is not None and self.finder.search(text) is not None))

    def finds(self, pattern: re.Pattern[str], text: str) -> bool:
        """Whether `pattern` (the gate's own) matches somewhere in `text`."""
        if not self.admits(text):
            return False
        if self.parts is not None:
            return any(part.search(text) is not None for part in self.parts)
        return pattern.search(text) is not None


_BROAD_FIRST = frozenset({r"\d", r"\D", r"\S", r"\w", r"\W"})  # lines starting so are too many to tell apart


class LineMatcher:
    """Which lines some pattern fullmatches, for patterns only ever fullmatched on a whole line.

    A line can only fullmatch an alternative if it starts with a character the alternative can
    start with; an alternative that may start with nearly anything (.{0,80}ICP备) needs one of its
    gate strings somewhere in the line instead. So `lines` finds the candidate lines of a text in
    a few scans, and `fullmatch` tries a candidate only against the patterns it may match: those
    told by first character alone, and the others when their first characters or words are there.
    """

    __slots__ = ("first", "loose", "loose_first", "loose_words", "starts", "strict", "strict_first", "words")

    def __init__(self, patterns: list[re.Pattern[str]], extra_words: Iterable[str] = ()) -> None:
        strict: list[str] = []
        loose: list[str] = []
        strict_first: set[str] = set()
        loose_first: set[str] = set()
        loose_words: set[str] = set()
        everything = False
        for pattern in patterns:
            starts = alternative_starts(pattern, _BROAD_FIRST)
            if starts is None:
                everything = True
                loose.append(pattern.pattern)
                continue
            firsts = set().union(*(first for first, _ in starts if first is not None))
            words = set().union(*(gate for first, gate in starts if first is None and gate is not None))
            if all(first is not None for first, _ in starts):
                strict.append(pattern.pattern)
                strict_first |= firsts
            else:
                loose.append(pattern.pattern)
                loose_first |= firsts
                loose_words |= words
        self.strict = _alternation_of(strict)
        self.strict_first = re.compile(char_class(strict_first))
        self.loose = _alternation_of(loose)
        self.loose_first = None if everything else re.compile(char_class(loose_first))
        self.loose_words = None if everything or not loose_words else _words(loose_words)
        first = char_class(strict_first | loose_first)
        self.first = None if everything else re.compile(first)
        # an empty line never matches: \s must not take the next newline for a first character
        self.starts = None if everything else re.compile(f"\\n(?!\\n)(?={first})")
        words_anywhere = loose_words | set(extra_words)
        self.words = None if everything or not words_anywhere else re.compile(
            f"(?:{_words(words_anywhere).pattern})[^\\n]*")

    def lines(self, text: str) -> tuple[list[int], set[int]] | None:
        """Indexes of the lines of `text` that may match, in order, and those of them holding a gate
        word (or an extra word); None: every line may match."""
        if self.first is None or self.starts is None:
            return None
        found = [0] if self.first.match(text) else []
        index = done = 0
        for match in self.starts.finditer(text):
            index += text.count("\n", done, match.start()) + 1
            done = match.start() + 1
            found.append(index)
        worded: set[int] = set()
        if self.words is not None:
            index = done = 0
            for match in self.words.finditer(text):
                index += text.count("\n", done, match.start())
                done = match.start()
                worded.add(index)
        return sorted(worded.union(found)), worded

    def fullmatch(self, line: str, worded: bool = True) -> bool:
        """Whether one of the patterns fullmatches the line; `worded` False: `lines` found no gate
        word in it, so the patterns that need one are not tried."""
        if self.strict is not None and self.strict_first.match(line) and self.strict.fullmatch(line):
            return True
        if self.loose is None:
            return False
        if self.loose_first is not None and not self.loose_first.match(line) and (
                not worded or self.loose_words is None or self.loose_words.search(line) is None):
            return False
        return self.loose.fullmatch(line) is not None


def _alternation_of(sources: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in sources)) if sources else None


def _words(strings: set[str]) -> re.Pattern[str]:
    ordered = sorted(minimal(frozenset(strings)), key=lambda s: (-len(s), s))
    return re.compile("|".join(map(re.escape, ordered)))


# ---------------------------------------------------------------------------------------------
# grammar data, compiled once on first use


@dataclass(frozen=True)
class Substitution:
    rule_id: str
    pattern: re.Pattern[str]
    replace: str
    count: str
    gate: Gate = field(default_factory=lambda: Gate(None))
    template: tuple[str | int, ...] | None = None  # `replace` as literals and group numbers

    def expand(self, match: re.Match[str]) -> str:
        """The replacement for one match: `match.expand` parses the template on every call."""
        if "\\" not in self.replace:
            return self.replace
        if self.template is None:
            return match.expand(self.replace)
        return "".join(part if isinstance(part, str) else (match.group(part) or "") for part in self.template)


_TEMPLATE_PART = re.compile(r"\\g<(\w+)>|\\([1-9])(?!\d)|(\\)|([^\\]+)")


def _compile_template(template: str, pattern: re.Pattern[str]) -> tuple[str | int, ...] | None:
    """Literals and \\1 / \\g<name> references; None for anything else (escapes), left to re."""
    parts: list[str | int] = []
    for match in _TEMPLATE_PART.finditer(template):
        name, digit, escape, literal = match.groups()
        if escape is not None:
            return None
        if literal is not None:
            parts.append(literal)
            continue
        ref = name if name is not None else digit
        group = int(ref) if ref.isdigit() else pattern.groupindex.get(ref, -1)
        if not 0 <= group <= pattern.groups:
            return None
        parts.append(group)
    return tuple(parts)


@dataclass(frozen=True)
class CleanRules:
    """Everything clean needs from the grammar files, compiled once."""

    settings: dict[str, Any]
    subs: dict[str, list[Substitution]]
    numerals: tuple[str, ...]
    join_end: re.Pattern[str]
    join_start: re.Pattern[str]
    split_marker: re.Pattern[str]
    pinyin_gates: tuple[re.Pattern[str], ...]  # one literal-led scan per opener
    rare_chars: re.Pattern[str]  # where a byte-level repair step could start
    boilerplate_lines: LineMatcher  # the lines a boilerplate rule may fullmatch
    join_boundary: re.Pattern[str] | None  # newlines where join_end and join_start both hold
    join_block_start: re.Pattern[str] | None  # the ^-anchored blockers: tried at the start only
    join_block_rest: re.Pattern[str] | None  # the others: searched

    # Large patterns most texts never run (their gates or literal tests find nothing): compiled on
    # first need, not with the rest, which spares their ~1 ms each at start-up.

    @property
    def pinyin(self) -> re.Pattern[str]:
        """Only annotations to drop: after an ideograph, toned or a neutral particle."""
        return _pinyin_compiled()[0]

    @property
    def pinyin_orphan(self) -> re.Pattern[str]:
        """Only toned orphans."""
        return _pinyin_compiled()[1]

    @property
    def f2_pairs(self) -> re.Pattern[str]:
        """Two F2 marker characters on one line."""
        return _f2_pairs()

    @property
    def join_block(self) -> re.Pattern[str]:
        """Every join blocker as one alternation (join_block_start/_rest are what runs)."""
        return _join_block()

    @property
    def boilerplate(self) -> re.Pattern[str]:
        """Every boilerplate rule as one alternation (for a line only a space apart from one)."""
        return _boilerplate_combined()


def _defaults(grammars: GrammarSet, family: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for grammar in grammars.family(family):
        merged.update(grammar.spec.defaults)
    return merged


@dataclass(frozen=True)
class _Pinyin:
    """Pinyin spelling data from the grammar: syllable pattern, its characters, tone marks."""

    syllable: str
    letters: str  # class body: every character a syllable can hold
    starts: str  # class body: every character a syllable can start with
    toned: str  # class body: a tone-marked vowel or a tone digit


def _pinyin(grammars: GrammarSet) -> _Pinyin:
    """initial? + final, each vowel of the final allowed to carry its tone mark, + tone digit?"""
    tones = grammars.vocab_map(ARTEFACTS, "pinyin_tone_vowels")

    def spell(final: str) -> list[str]:
        return [f"[{re.escape(ch + tones[ch])}]" if ch in tones else re.escape(ch) for ch in final]

    def variants(ch: str) -> str:
        return ch + tones.get(ch, "")

    initials = list(map(str, grammars.vocab(ARTEFACTS, "pinyin_initials")))
    finals = list(map(str, grammars.vocab(ARTEFACTS, "pinyin_finals")))
    letters = {c for word in (*initials, *finals) for ch in word for c in variants(ch)} | set("12345")
    starts = {c for word in finals for c in variants(word[0])} | {word[0] for word in initials}
    # as a trie: the engine tries a handful of first letters, not forty finals one after another;
    # the strings matched are the same, and a syllable is always a whole run of letters
    initial_tokens = [[re.escape(ch) for ch in word] for word in initials]
    return _Pinyin(
        syllable=f"(?:{_trie(initial_tokens)})?(?:{_trie([spell(f) for f in finals])})[1-5]?",
        letters=_class_body(letters), starts=_class_body(starts),
        toned=re.escape("".join(tones.values())) + "1-5")


def _trie(words: list[list[str]]) -> str:
    """An alternation of token sequences with shared prefixes factored out: (?:a(?:n(?:g)?|i)?|…)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for token in word:
            node = node.setdefault(token, {})
        node[""] = {}
    return _trie_body(tree)


def _trie_body(node: dict[str, Any]) -> str:
    branches = [token + _trie_group(child) for token, child in node.items() if token]
    return "|".join(branches)


def _trie_group(node: dict[str, Any]) -> str:
    body = _trie_body(node)
    if not body:
        return ""
    return f"(?:{body})?" if "" in node else f"(?:{body})"


def _class_body(chars: Iterable[str]) -> str:
    return "".join(re.escape(c) for c in sorted(set(chars)))


def _pinyin_patterns(grammars: GrammarSet, spelling: _Pinyin) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The annotation and orphan patterns with the keep-or-drop test written into them.

    A syllable is the whole run of pinyin letters between the brackets (a bracket or space ends
    it), so lookaheads over that run decide exactly what testing the matched syllable would: no
    callback per match, one C-level subn.
    """
    opener, closer = _bracket_class(grammars, "pinyin_open"), _bracket_class(grammars, "pinyin_close")
    neutral = sorted(map(str, grammars.vocab(ARTEFACTS, "pinyin_neutral")), key=len, reverse=True)
    letters, toned = spelling.letters, spelling.toned
    neutral_word = f"(?:{'|'.join(map(re.escape, neutral))})(?![{letters}])" if neutral else "(?!)"
    droppable = f"(?=[{letters}]*?[{toned}]|{neutral_word})"
    annotation = re.compile(f"{opener}(?<=[{CJK}]{opener}) ?{droppable}({spelling.syllable}) ?{closer}")
    orphan = re.compile(rf"\?(?=[{letters}]*?[{toned}])({spelling.syllable})\)")
    return annotation, orphan


def _pinyin_gates(grammars: GrammarSet, spelling: _Pinyin) -> tuple[re.Pattern[str], ...]:
    """Opener after an ideograph, then a letter a syllable starts with: most （ hold （一）, （2020）."""
    gates = []
    for opener in map(str, grammars.vocab(ARTEFACTS, "pinyin_open")):
        mark = re.escape(opener)
        gates.append(re.compile(f"{mark}(?<=[{CJK}]{mark}) ?[{spelling.starts}]"))
    return tuple(gates)


def _bracket_class(grammars: GrammarSet, key: str) -> str:
    return "[" + "".join(re.escape(str(c)) for c in grammars.vocab(ARTEFACTS, key)) + "]"


@cache
def _f2_chars() -> frozenset[str]:
    """Characters that UTF-8 lead + continuation bytes become when read as GBK (锛, 銆, 鈥 …);
    rare in real text, so a line without two of them is not checked for F2 at all."""
    pairs = [(lead, trail) for lead in range(0xE2, 0xF0) for trail in range(0x80, 0xC0)]
    pairs += [(cont, lead) for cont in range(0x81, 0xC0) for lead in range(0xE2, 0xF0)]
    return frozenset(_decodable(iter(pairs))) - common_chars()


@cache
def _f2_pairs() -> re.Pattern[str]:
    """Two marker characters on one line: only such lines are re-read."""
    markers = _class_body(_f2_chars())
    return re.compile(f"[{markers}][^\\n]*?[{markers}]")


def _rare_chars() -> re.Pattern[str]:
    """Where a byte-level repair step could start: a control character or odd newline, a run of
    two Latin-1 characters, a second F2 marker on a line. One scan finds none in nearly every
    notice, and newline, control-character, F2 and F3 repairs are then skipped."""
    markers = _class_body(_f2_chars())
    plain = f"{_CONTROL_CHARS}{_NEWLINE_CHARS}"
    return re.compile(f"[{plain}{_LATIN1_CHARS}{markers}]"
                      f"(?:(?<=[{plain}])|(?<=[{_LATIN1_CHARS}])(?=[{_LATIN1_CHARS}])"
                      f"|(?<=[{markers}])(?=[^\\n]*?[{markers}]))")


def _boilerplate(grammars: GrammarSet) -> re.Pattern[str]:
    """Every boilerplate rule as one alternation: one fullmatch per line."""
    patterns = [g.pattern(r.id).pattern for g, r in grammars.rules(BOILERPLATE) if r.pattern]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


def _boilerplate_lines(grammars: GrammarSet) -> LineMatcher:
    """Lines a boilerplate rule may fullmatch, before or after tidying (a space is what tidying removes)."""
    return LineMatcher([g.pattern(r.id) for g, r in grammars.rules(BOILERPLATE) if r.pattern], {" "})


def _blockers(grammars: GrammarSet, anchored: bool) -> re.Pattern[str] | None:
    """Join blockers that start with ^ (a match can only start at 0: `match`, not a scan of the
    line), or the others; together they decide what `join_block.search` decides."""
    chosen = [str(b) for b in grammars.vocab(ARTEFACTS, "join_blockers")
              if starts_anchored(re.compile(str(b))) == anchored]
    return re.compile("|".join(f"(?:{b})" for b in chosen)) if chosen else None


def _join_boundary(ends: list[str], starts: list[str]) -> re.Pattern[str] | None:
    """The newlines after a character a line-end test can end a line with and before one a
    line-start test can start the next with, found in one scan (a newline-led pattern); None when
    the tests do not tell (then every line is tried)."""
    end = last_class([re.compile(pattern) for pattern in ends])
    start = first_class([re.compile(pattern) for pattern in starts])
    if not ends or not starts or end is None or start is None:
        return None
    return re.compile(f"\\n(?<=(?:{end})\\n)(?={start})")


def _substitutions(grammars: GrammarSet) -> dict[str, list[Substitution]]:
    subs: dict[str, list[Substitution]] = {"repair": [], "tidy": []}
    for grammar, rule in grammars.rules(ARTEFACTS):
        if rule.pattern is None or rule.extra("replace") is None:
            continue
        phase = str(rule.extra("phase", "tidy"))
        count = str(rule.extra("count", rule.id.replace("-", "_")))
        pattern = grammar.pattern(rule.id)
        replace = str(rule.extra("replace"))
        subs.setdefault(phase, []).append(Substitution(
            rule.id, pattern, replace, count, Gate.of(pattern), _compile_template(replace, pattern)))
    return subs


def _rule_pattern(grammars: GrammarSet, rule_id: str) -> re.Pattern[str]:
    for grammar, rule in grammars.rules(ARTEFACTS):
        if rule.id == rule_id and rule.pattern:
            return grammar.pattern(rule.id)
    return re.compile(r"(?!)")


@cache
def _rules() -> CleanRules:
    from .grammar import load_grammars

    grammars = load_grammars()
    spelling = _pinyin(grammars)
    return CleanRules(
        settings=_defaults(grammars, ARTEFACTS),
        subs=_substitutions(grammars),
        numerals=tuple(map(str, grammars.vocab(ARTEFACTS, "bracket_numerals"))),
        join_end=re.compile("|".join(map(str, grammars.vocab(ARTEFACTS, "join_line_end"))) or r"(?!)"),
        join_start=re.compile("|".join(map(str, grammars.vocab(ARTEFACTS, "join_next_start"))) or r"(?!)"),
        join_block_start=_blockers(grammars, anchored=True),
        join_block_rest=_blockers(grammars, anchored=False),
        split_marker=_rule_pattern(grammars, "flattened-split"),
        pinyin_gates=_pinyin_gates(grammars, spelling),
        rare_chars=_rare_chars(),
        boilerplate_lines=_boilerplate_lines(grammars),
        join_boundary=_join_boundary(list(map(str, grammars.vocab(ARTEFACTS, "join_line_end"))),
                                     list(map(str, grammars.vocab(ARTEFACTS, "join_next_start")))),
    )


@cache
def _join_block() -> re.Pattern[str]:
    from .grammar import load_grammars

    blockers = "|".join(f"(?:{b})" for b in load_grammars().vocab(ARTEFACTS, "join_blockers"))
    return re.compile(blockers or r"(?!)")


@cache
def _boilerplate_combined() -> re.Pattern[str]:
    from .grammar import load_grammars

    return _boilerplate(load_grammars())


@cache
def _pinyin_compiled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pinyin annotation and orphan patterns (see _pinyin_patterns)."""
    from .grammar import load_grammars

    grammars = load_grammars()
    return _pinyin_patterns(grammars, _pinyin(grammars))


def _count_subn(pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], text: str,
                repairs: Counts, key: str) -> str:
    """re.subn that counts only real changes (a rule may rewrite a match to itself)."""
    changed = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal changed
        new = repl(match) if callable(repl) else match.expand(repl)
        changed += new != match.group(0)
        return new

    text = pattern.sub(swap, text)
    if changed:
        repairs[key] += changed
    return text


def _run_subs(text: str, phase: str, rules: CleanRules, repairs: Counts) -> str:
    for sub in rules.subs.get(phase, []):
        if sub.gate.finds(sub.pattern, text):
            text = _count_subn(sub.pattern, sub.expand, text, repairs, sub.count)
    return text


# ---------------------------------------------------------------------------------------------
# repair (before conversion)


def repair(text: str) -> tuple[str, Counts]:
    """Undo decoding and markup damage before conversion (pinyin needs the original characters)."""
    repairs: Counts = Counter()
    rules = _rules()
    found: set[str] | None = _rare_kinds(text, rules)
    if "newline" in found:
        text = _NEWLINES.sub("\n", text)
    if "control" in found:
        text, removed = _CONTROL.subn("", text)
        repairs["control_chars"] += removed
        found = None  # removing one may join two Latin-1 characters into a run
    text = _repair_mojibake(text, repairs, rules, found)
    text = _run_subs(text, "repair", rules, repairs)
    text = strip_pinyin(text, repairs, rules)
    return text, repairs


def _rare_kinds(text: str, rules: CleanRules) -> set[str]:
    """Which byte-level repairs the text needs a look at, from one scan: {newline, control, latin1, f2}."""
    found: set[str] = set()
    for match in rules.rare_chars.finditer(text):
        char = match.group()
        if char in _NEWLINE_CHARS:
            found.add("newline")
        elif _CONTROL.match(char):
            found.add("control")
        elif _LATIN1_RUN.match(text, match.start()):
            found.add("latin1")
        else:
            found.add("f2")
        if len(found) == 4:
            break
    return found


def strip_pinyin(text: str, repairs: Counts, rules: CleanRules | None = None) -> str:
    """Drop 區(qū)-style annotations; a tone mark (or a neutral particle) keeps (PPP), (e) safe."""
    rules = rules or _rules()
    if any(gate.search(text) is not None for gate in rules.pinyin_gates):
        text, dropped = rules.pinyin.subn("", text)
        if dropped:
            repairs["pinyin_annotations"] += dropped
    if "?" in text:
        text, lost = rules.pinyin_orphan.subn("\ufffd", text)
        if lost:
            repairs["pinyin_orphans"] += lost
    return text


# ---- mojibake ---------------------------------------------------------------------------------


def _share(text: str) -> float:
    chars = [c for c in text if c != "\ufffd" and not c.isascii()]
    if not chars:
        return 0.0
    common = common_chars()
    return sum(1 for c in chars if c in common) / len(chars)


def _odd_chars(text: str) -> int:
    common = common_chars()
    return sum(1 for c in text if not c.isascii() and c not in common)


def _reads_better(garbled: str, fixed: str) -> bool:
    """The re-reading must be ordinary text and the garbled form must show rare characters
    (bopomofo, box drawing, private use): short runs make share thresholds alone unreliable."""
    return (len(fixed) >= 2 and _share(fixed) >= 0.9 and _cjk_char().search(fixed) is not None
            and _odd_chars(garbled) > _odd_chars(fixed))


def _gbk_bytes(text: str) -> bytes | None:
    """Bytes a GBK decoder read to produce `text`; cp936's € is byte 0x80."""
    try:
        parts = [part.encode("gb18030") for part in text.split("€")]
    except UnicodeEncodeError:
        return None
    raw = b"\x80".join(parts)
    return raw if len(raw) == 2 * len(text) - text.count("€") else None


class _Guesser:
    """Same-document guesses for bytes the garbling lost; counted apart from exact repairs."""

    def __init__(self, doc: str, rules: CleanRules, repairs: Counts) -> None:
        self.doc = doc
        self.rules = rules
        self.repairs = repairs
        self.enabled = bool(rules.settings.get("mojibake_guess", True))
        self.left = int(rules.settings.get("mojibake_max_guesses", 50))
        self.bigrams: dict[str, Counter[str]] = {}

    def _pick(self, ranks: dict[str, int], prev: str) -> str:
        """The candidate most often following `prev`, the earliest on a tie: the few followers are
        looked up among the candidates (`ranks`: candidate → position), not the other way round."""
        if not self.enabled or self.left <= 0 or not prev:
            return "\ufffd"
        self.left -= 1
        best, best_key = "\ufffd", (0, 0)
        for char, n in self._following(prev).items():
            rank = ranks.get(char)
            if rank is not None and (n, -rank) > best_key:
                best, best_key = char, (n, -rank)
        return best

    def _following(self, prev: str) -> Counter[str]:
        """What follows `prev` in the document: one scan per distinct character, memoised."""
        if prev not in self.bigrams:
            self.bigrams[prev] = Counter(re.findall(re.escape(prev) + "(.)", self.doc))
        return self.bigrams[prev]

    def first(self, trail: int, prev: str, at_line_start: bool) -> str:
        """Lead byte lost: at a line start A1xx can only be the indent 　 (A1A1)."""
        if at_line_start and trail == 0xA1 and self.enabled:
            return "\u3000"
        return self._pick(_trail_ranks(trail), prev)

    def last(self, lead: int, prev: str, open_bracket: bool, at_line_end: bool) -> str:
        """Trail byte lost: a numeral inside （ ）, 。 at a line end, else the document's bigram."""
        candidates = _with_lead(lead)
        if self.enabled and open_bracket:
            numerals = [c for c in candidates if c in self.rules.numerals]
            if len(numerals) == 1:
                return numerals[0]
        if self.enabled and at_line_end and lead == 0xA1:
            return "\u3002"
        return self._pick(_lead_ranks(lead), prev)


@cache
def _trail_ranks(trail: int) -> dict[str, int]:
    return _ranks(_with_trail(trail))


@cache
def _lead_ranks(lead: int) -> dict[str, int]:
    return _ranks(_with_lead(lead))


def _ranks(candidates: list[str]) -> dict[str, int]:
    """Position of each candidate (the first, should one repeat)."""
    return {c: i for i, c in reversed(list(enumerate(candidates)))}


@cache
def _with_trail(trail: int) -> list[str]:
    return _decodable((lead, trail) for lead in range(0x81, 0xFF))


@cache
def _with_lead(lead: int) -> list[str]:
    return _decodable((lead, trail) for trail in range(0x40, 0xFF) if trail != 0x7F)


def _decodable(pairs: Iterator[tuple[int, int]]) -> list[str]:
    out = []
    for pair in pairs:
        try:
            ch = bytes(pair).decode("gbk")
        except UnicodeDecodeError:
            continue
        if ch.isprintable() and not "\ue000" <= ch <= "\uf8ff":
            out.append(ch)
    return out


def _repair_f1(match: re.Match[str], guesser: _Guesser, counts: Counts) -> str | None:
    run, end = match.group(1), match.group(2)
    raw = _gbk_bytes(run.translate(_F1_ASCII_BACK))
    if raw is None or len(raw) < 4:
        return None
    try:
        middle = raw[1:-1].decode("gb18030")
    except UnicodeDecodeError:
        return None
    if not _reads_better(run, middle):
        return None
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    before = match.string[line_start:match.start()]
    first = guesser.first(raw[0], before[-1:], not before.strip())
    if end is not None and end != "?":
        last = bytes((raw[-1], ord(end))).decode("gbk", errors="replace")
    else:
        opened = middle.count("\uff08") > middle.count("\uff09")
        after = match.string[match.end():match.end() + 1]
        last = guesser.last(raw[-1], middle[-1:], opened, after in ("", "\n"))
    counts["mojibake_guessed"] += (first != "\ufffd") + (end in (None, "?") and last != "\ufffd")
    counts["mojibake_unrecovered"] += (first == "\ufffd") + (last == "\ufffd")
    return first + middle + last


def _repair_f2(run: str, counts: Counts) -> str | None:
    raw = _gbk_bytes(run)
    if raw is None:
        return None
    fixed = raw.decode("utf-8", errors="replace")
    lost = fixed.count("\ufffd")
    if lost > 1 + len(fixed) // 8 or not _reads_better(run, fixed):
        return None
    counts["mojibake_unrecovered"] += lost
    return fixed


def _repair_f3(run: str) -> str | None:
    if len(run) % 2:
        return None
    try:
        fixed = run.encode("latin-1").decode("gbk")
    except UnicodeDecodeError:
        return None
    return fixed if _share(fixed) >= 0.9 else None


def repair_mojibake(text: str, repairs: Counts, rules: CleanRules | None = None) -> str:
    """Byte-exact re-reading of three garbling forms; a text that reads better stays as is."""
    return _repair_mojibake(text, repairs, rules or _rules(), None)


def _repair_mojibake(text: str, repairs: Counts, rules: CleanRules, found: set[str] | None) -> str:
    """`found`: what `_rare_kinds` saw in the text, None to look for everything."""
    counts: Counts = Counter()
    if "?" in text:
        guesser = _Guesser(text, rules, counts)

        spans: list[tuple[int, int, int]] = []  # (start, end, length of the re-reading) in the old text

        def f1(match: re.Match[str]) -> str:
            fixed = _repair_f1(match, guesser, counts)
            if fixed is None:
                return match.group(0)
            counts["mojibake"] += 1
            spans.append((match.start(), match.end(), len(fixed)))
            return fixed

        text = _F1_RUN.sub(f1, text)
        if spans and found is not None:  # a re-read run may hold anything: look at its lines again
            found = found | _rare_kinds(_lines_around(text, spans), rules)
    if (found is None or "f2" in found) and rules.f2_pairs.search(text) is not None:
        text = _repair_f2_lines(text, rules, counts)
    if (found is None or "latin1" in found) and _LATIN1_RUN.search(text) is not None:
        text = _LATIN1_RUN.sub(lambda m: _counted(_repair_f3(m.group(0)), m.group(0), counts), text)
    repairs.update({key: n for key, n in counts.items() if n})
    return text


def _lines_around(text: str, spans: list[tuple[int, int, int]]) -> str:
    """The lines of the new text that hold the replaced spans, joined by newlines."""
    lines: list[str] = []
    shift = done = 0
    for start, end, length in spans:
        begin = start + shift
        shift += length - (end - start)
        if begin < done:  # on the line already taken
            continue
        first = text.rfind("\n", 0, begin) + 1
        last = text.find("\n", begin + length)
        done = len(text) if last < 0 else last
        lines.append(text[first:done])
    return "\n".join(lines)


def _counted(fixed: str | None, original: str, counts: Counts) -> str:
    if fixed is None:
        return original
    counts["mojibake"] += 1
    return fixed


def _repair_f2_lines(text: str, rules: CleanRules, counts: Counts) -> str:
    """Only lines holding two or more marker characters are re-read; real text has almost none."""
    pieces: list[str] = []
    done = 0
    for match in rules.f2_pairs.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if start < done:  # a further pair on a line already re-read
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        fixed = _NON_ASCII_RUN.sub(
            lambda m: _counted(_repair_f2(m.group(0), counts), m.group(0), counts), text[start:end])
        pieces += [text[done:start], fixed]
        done = end
    return "".join([*pieces, text[done:]]) if pieces else text


# ---------------------------------------------------------------------------------------------
# tidy (after conversion)


def tidy(text: str) -> tuple[str, Counts, list[str]]:
    """Normalise layout after conversion; return (text, repairs, dropped boilerplate lines)."""
    repairs: Counts = Counter()
    rules = _rules()
    text = normalise_widths(text, repairs)
    lines = split_flattened(_stripped_lines(text), repairs, rules)
    lines, dropped = drop_boilerplate(lines, rules)
    if dropped:
        repairs["boilerplate_lines"] += len(dropped)
    lines = join_broken_lines(lines, repairs, rules)
    text = _tidy_subs(lines, rules, repairs)
    text = _BLANK_RUNS.sub("\n\n", text)  # its literal-led scan is faster than `in` on "\n\n\n"
    text = text.strip("\n")
    return text, repairs, dropped


def _stripped_lines(text: str) -> list[str]:
    """`_strip_lines` of the text's lines; without tabs or inner space runs, every line is just stripped."""
    if "\t" in text or _INNER_SPACES.search(text) is not None:
        return _strip_lines(text.split("\n"))
    lines = text.split("\n")
    if " " not in text:  # a memchr scan; `in` on " \n" would be a slower substring search
        return lines
    return list(map(str.strip, lines, repeat(" ")))  # a line without end spaces comes back as is


def _strip_lines(lines: list[str]) -> list[str]:
    """Indentation goes, except where it carries table layout.

    A table row's tabs stay (an empty first or last cell is information). A line with a run of
    2+ inner spaces may be a row of a space-aligned table: it keeps its leading spaces, and so do
    the indented lines right after it, which continue a wrapped cell in the column they start at.
    """
    out: list[str] = []
    in_table = False
    for line in lines:
        if line.count("\t") >= 2 or "\t" in line.strip(" \t"):
            out.append(line.strip(" "))
            continue
        stripped = line.strip(" \t")
        if "  " in stripped or (in_table and stripped and line[:1] in " \t"):
            out.append(line.rstrip(" \t"))
            in_table = True
            continue
        in_table = False
        out.append(stripped)
    return out


def _tidy_subs(lines: list[str], rules: CleanRules, repairs: Counts) -> str:
    """Text-level substitutions, except inside table rows (a space there separates cell items)."""
    text = "\n".join(lines)
    if "\t" not in text:
        return _run_subs(text, "tidy", rules, repairs)
    out: list[str] = []
    prose: list[str] = []
    for line in lines:
        if "\t" in line:
            if prose:
                out.append(_run_subs("\n".join(prose), "tidy", rules, repairs))
                prose = []
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(_run_subs("\n".join(prose), "tidy", rules, repairs))
    return "\n".join(out)


def normalise_widths(text: str, repairs: Counts) -> str:
    """One spelling for grammars: ASCII digits/letters, full-width punctuation beside CJK, no odd spaces."""
    if _FULLWIDTH_ALNUM.search(text) is not None:
        text, n = _FULLWIDTH_ALNUM.subn(lambda m: m.group(0).translate(_FULLWIDTH_TO_ASCII), text)
        repairs["fullwidth_alnum"] += n
    for space in _ODD_SPACE_CHARS:
        if space in text:
            text = text.replace(space, " ")
    return _punctuation_widths(text, repairs)


def _punctuation_widths(text: str, repairs: Counts) -> str:
    """Half-width marks beside CJK become full-width, until nothing changes.

    Only a new （ or ） can make a neighbour CJK-adjacent. The other marks run after the brackets
    and so have seen every bracket of their pass: a further pass starts with the brackets alone,
    and the others follow only if a bracket changed. A mark absent from the text is not scanned for.
    """
    present = [index for index, (half, _) in enumerate(_PUNCT_MARKS) if half in text]
    brackets = [index for index in present if _PUNCT_MARKS[index][0] in _BRACKET_MARKS]
    others = [index for index in present if index not in brackets]
    text, changed = _widen_each(text, brackets)
    text, count = _widen_each(text, others)
    count += changed
    while changed:
        text, changed = _widen_each(text, brackets)
        if changed:
            text, widened = _widen_each(text, others)
            count += changed + widened
    if count:
        repairs["punctuation_width"] += count
    return text


def _widen_each(text: str, indexes: list[int]) -> tuple[str, int]:
    total = 0
    for index in indexes:
        if _PUNCT_MARKS[index][0] in text:
            text, n = _widen(text, index)
            total += n
    return text, total


def _widen(text: str, index: int) -> tuple[str, int]:
    """One mark's pass: every occurrence beside CJK changes, the few apart from it stay.

    A C-speed replace of them all, then the apart ones (found by a literal-led scan of the text as
    it was) put back: the same as a subn of the near ones, without a replacement per match.
    """
    half, full = _PUNCT_MARKS[index]
    pattern = _punct_apart(index)
    first = pattern.search(text)
    if first is None:
        return text.replace(half, full), text.count(half)
    apart = [match.start() for match in pattern.finditer(text, first.start())]
    return _put_back(text.replace(half, full), apart, half), text.count(half) - len(apart)


def _put_back(text: str, positions: list[int], char: str) -> str:
    """`text` with the character at each position replaced by `char` (one-for-one, so positions hold)."""
    pieces: list[str] = []
    done = 0
    for position in positions:
        pieces += [text[done:position], char]
        done = position + 1
    pieces.append(text[done:])
    return "".join(pieces)


def split_flattened(lines: list[str], repairs: Counts, rules: CleanRules,
                    min_length: int | None = None, min_markers: int | None = None) -> list[str]:
    """A .docx flattened onto one line: split at spaces between paragraphs, not inside brackets."""
    min_length = int(rules.settings.get("split_min_length", 2000)) if min_length is None else min_length
    min_markers = int(rules.settings.get("split_min_markers", 10)) if min_markers is None else min_markers
    window = int(rules.settings.get("split_bracket_window", 200))
    if not lines or max(map(len, lines)) < min_length:
        return list(lines)
    out: list[str] = []
    for line in lines:
        if len(line) < min_length or len(rules.split_marker.findall(line)) < min_markers:
            out.append(line)
            continue
        pieces = _split_line(line, window)
        repairs["paragraphs_split"] += len(pieces) - 1
        out.extend(pieces)
    return out


def _open_depth(segment: str) -> int:
    return sum(segment.count(o) - segment.count(c) for o, c in zip(_OPENERS, _CLOSERS, strict=True))


def _split_line(line: str, window: int) -> list[str]:
    """Cut at each split space unless an opener before it, both within `window` and since the
    last cut, is still unclosed (`_open_depth` of those stretches).

    The stretches between split spaces come from one C-level split, their bracket balances from
    C-level counts; only where an opener since the last cut is open is the window looked at.
    """
    segments = _split_space().split(line)
    balances = list(accumulate(_balances(segments, line)))  # balance of line[:cut k] = balances[k]
    pieces: list[str] = []
    current = [segments[0]]
    start = start_balance = 0
    cut = len(segments[0])
    for segment, balance in zip(segments[1:], balances, strict=False):
        if balance - start_balance > 0 and _open_depth(line[max(start, cut - window):cut]) > 0:
            current.append(segment)  # the space stays inside the piece
        else:
            pieces.append(" ".join(current))
            current = [segment]
            start, start_balance = cut + 1, balance
        cut += 1 + len(segment)
    pieces.append(" ".join(current))
    return [p for p in pieces if p]


def _balances(segments: list[str], line: str) -> list[int]:
    """Openers minus closers in each segment, counted per bracket the line holds."""
    totals = [0] * len(segments)
    for chars, sign in ((_OPENERS, operator.add), (_CLOSERS, operator.sub)):
        for char in chars:
            if char in line:
                totals = list(map(sign, totals, map(str.count, segments, repeat(char))))
    return totals


def drop_boilerplate(lines: list[str], rules: CleanRules) -> tuple[list[str], list[str]]:
    """Site chrome and download-site blurb: whole short lines only, never content.

    Only the lines `rules.boilerplate_lines` finds in the joined text are tried.
    """
    found = rules.boilerplate_lines.lines("\n".join(lines))
    if found is None:
        drop = [i for i, line in enumerate(lines) if _is_boilerplate(line, rules, True)]
    else:
        candidates, worded = found
        drop = [i for i in candidates if _is_boilerplate(lines[i], rules, i in worded)]
    kept: list[str] = []
    dropped: list[str] = []
    begin = 0
    for index in drop:
        kept += lines[begin:index]
        dropped.append(lines[index])
        begin = index + 1
    kept += lines[begin:]
    return kept, dropped


def _is_boilerplate(line: str, rules: CleanRules, worded: bool) -> bool:
    """Also as the line will read once tidied, so that tidy is idempotent (a space is a gate word:
    a line holding one is `worded`)."""
    if not line or len(line) > MAX_BOILERPLATE_LINE:
        return False
    if rules.boilerplate_lines.fullmatch(line, worded):
        return True
    if not worded or " " not in line:
        return False
    tidied = _run_subs(line, "tidy", rules, Counter())
    return tidied != line and rules.boilerplate.fullmatch(tidied) is not None


def join_broken_lines(lines: list[str], repairs: Counts, rules: CleanRules) -> list[str]:
    """Join a line broken mid-sentence to the next one, adding nothing; chains, so it is idempotent."""
    min_length = int(rules.settings.get("join_min_length", 40))
    joins: list[int] = []  # i: line i+1 is joined onto the line i ends
    current, current_end = "", -1
    for i in _join_candidates(lines, rules):
        head = current if current_end == i else lines[i]
        if _joins(head, lines[i + 1], min_length, rules):
            current, current_end = head + lines[i + 1], i + 1
            joins.append(i)
    if not joins:
        return list(lines)
    repairs["lines_joined"] += len(joins)
    out: list[str] = []
    begin = k = 0
    while k < len(joins):
        first = last = joins[k]
        while k + 1 < len(joins) and joins[k + 1] == last + 1:
            k += 1
            last += 1
        out += lines[begin:first]
        out.append("".join(lines[first:last + 2]))
        begin = last + 2
        k += 1
    out += lines[begin:]
    return out


def _join_candidates(lines: list[str], rules: CleanRules) -> Iterable[int]:
    """Indexes i where lines i and i+1 may join: every one, unless the grammar's line-end and
    line-start tests are single character classes, when one scan finds the newlines between them."""
    if rules.join_boundary is None:
        return range(len(lines) - 1)
    text = "\n".join(lines)
    found: list[int] = []
    index = done = 0
    for match in rules.join_boundary.finditer(text):
        index += text.count("\n", done, match.start())
        done = match.end()
        found.append(index)
        index += 1
    return found


def _blocked(following: str, rules: CleanRules) -> bool:
    """`join_block.search(following)`, the ^-anchored blockers tried at the start only."""
    if rules.join_block_start is None and rules.join_block_rest is None:
        return rules.join_block.search(following) is not None
    return ((rules.join_block_start is not None and rules.join_block_start.match(following) is not None)
            or (rules.join_block_rest is not None and rules.join_block_rest.search(following) is not None))


def _joins(current: str, following: str, min_length: int, rules: CleanRules) -> bool:
    """Table rows (tab-separated cells) and page breaks are never joined: loaders put them there."""
    if "\t" in current or "\t" in following or "\f" in current or "\f" in following:
        return False
    if "  " in current.strip(" ") or following.startswith(" "):  # rows of a space-aligned table
        return False
    return (rules.join_end.search(current, len(current) - 1) is not None
            and rules.join_start.match(following) is not None
            and not _blocked(following, rules)
            # judged as it will read once tidied (甘政办发2022194号 grows by 〔〕), so tidy is idempotent
            and (len(current) >= min_length or len(_run_subs(current, "tidy", rules, Counter())) >= min_length))


# ---------------------------------------------------------------------------------------------
# corpus checks (run over every grammar example by the generic grammar test)


def _phase_output(grammar: Grammar, rule: Rule, text: str) -> tuple[str, Counts, list[str]]:
    if grammar.family == BOILERPLATE or rule.extra("phase", "tidy") == "tidy":
        if rule.extra("engine") == "split":
            rules = _rules()
            repairs: Counts = Counter()
            lines = split_flattened(normalise_widths(text, repairs).split("\n"), repairs, rules, 0, 1)
            return tidy("\n".join(lines))[0], repairs, []
        return tidy(text)
    out, repairs = repair(text)
    return out, repairs, []


def check_example(grammar: Grammar, rule: Rule, example: Any) -> str | None:
    """A boilerplate example must be dropped by this rule; an artefact example must come out as expected."""
    ref = grammar.rule_ref(rule)
    if grammar.family == BOILERPLATE:
        if example.expect != "drop":
            return f"{ref}: boilerplate examples expect 'drop', got {example.expect!r}"
        pattern = grammar.pattern(rule.id) if rule.pattern else None
        line = normalise_widths(example.text, Counter())
        if pattern is None or not pattern.fullmatch(line):
            return f"{ref}: {example.text!r} is not matched by the rule's pattern"
        if line not in tidy(example.text)[2]:
            return f"{ref}: {example.text!r} is not dropped by tidy()"
        return None
    got = _phase_output(grammar, rule, example.text)[0]
    if got != example.expect:
        return f"{ref}: {example.text!r} → {got!r}, expected {example.expect!r}"
    return None


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    """The rule must leave this text alone: not dropped, not counted."""
    ref = grammar.rule_ref(rule)
    if grammar.family == BOILERPLATE:
        line = normalise_widths(text, Counter())
        if rule.pattern and grammar.pattern(rule.id).fullmatch(line):
            return f"{ref}: {text!r} must not match"
        if tidy(text)[2]:
            return f"{ref}: {text!r} must not be dropped (dropped by another boilerplate rule)"
        return None
    key = str(rule.extra("count", rule.id.replace("-", "_")))
    _, repairs, _ = _phase_output(grammar, rule, text)
    if repairs.get(key):
        return f"{ref}: {text!r} must be left alone, but {key} = {repairs[key]}"
    return None
