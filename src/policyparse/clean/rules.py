"""The clean stage's grammar data, compiled once: `CleanRules` and the cheap tests that let most
rules be skipped.

`grammars/artefacts.yaml` and `grammars/boilerplate.yaml` hold every word list and pattern; this
module turns them into what both passes run. Most rules find nothing in most notices, so the engine
first asks cheaply whether a rule could fire: `Gate` reads off each pattern the literals every match
must hold (tested with `in`, at memchr speed) or splits a class-led pattern into literal-led ones;
`LineMatcher` finds the few lines a fullmatch-only pattern could match by their first character;
one class scan (`rare_chars`) tells which byte-level repairs a text needs at all. Large patterns
few texts need are compiled on first use, not at import.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the grammar loader pulls in pydantic and yaml: load it on first use only
    from ..grammar import GrammarSet
from ..load.text import common_chars
from ..regexinfo import (
    alternative_starts,
    char_class,
    engine_lead,
    first_class,
    last_class,
    literal_finder,
    literal_gate,
    literal_led_parts,
    minimal,
    starts_anchored,
)

ARTEFACTS = "artefacts"
BOILERPLATE = "boilerplate"
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CONTROL_CHARS = "\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff"
_NEWLINE_CHARS = "\r\u2028\u2029\x85"
# NBSP (A0) is left out: tidy turns it into a space, and a run that only becomes repairable once its
# NBSP is gone would make cleaning change a text again on a second pass.
_LATIN1_CHARS = "\u0080-\u009f\u00a1-\u00ff"
_RADICAL_CHARS = "\u2e80-\u2fdf"  # CJK Radicals Supplement and Kangxi Radicals

Counts = Counter[str]


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
        self.finder = literal_finder(words)  # faster than `in` on words

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
    return literal_finder(minimal(frozenset(strings))) or re.compile("")


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
    repeat: bool = False  # run again until nothing changes (a replacement may make a new match)

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
    # ordinals run into the middle of a line (engine `runin`), each with its cheap pre-check or None
    runin_markers: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]
    pipe_row: re.Pattern[str] | None  # a | cell | cell | row (`pipe-table`), None without the rule
    pipe_separator: re.Pattern[str] | None  # its |---|---| line
    pinyin_gates: tuple[re.Pattern[str], ...]  # one literal-led scan per opener
    rare_chars: re.Pattern[str]  # where a byte-level repair step could start
    radicals: dict[int, str]  # radical code points a PDF printed for ordinary characters (⼈ → 人)
    radical_chars: re.Pattern[str]  # one of them
    boilerplate_lines: LineMatcher  # the lines a boilerplate rule may fullmatch
    # a related list's heading (boilerplate `related-list`) and the item lines under it that go with it
    related_heading: re.Pattern[str] | None
    related_item: re.Pattern[str] | None
    related_not_after: re.Pattern[str] | None  # a line above a heading that makes it no list (a 序号 cell)
    # page labels (a boilerplate rule with `running_header`): a repeated line beside one is a running header
    page_label: re.Pattern[str] | None
    title_kinds: tuple[str, ...]  # meta.yaml's document kinds: a running header is a title ending in one
    join_boundary: re.Pattern[str] | None  # newlines where join_end and join_start both hold
    join_block_start: re.Pattern[str] | None  # the ^-anchored blockers: tried at the start only
    join_block_rest: re.Pattern[str] | None  # the others: searched
    join_in_bracket_block: re.Pattern[str] | None  # what keeps a line apart inside an open bracket
    join_continuation: re.Pattern[str] | None  # a line starting so continues the one before (、，；)
    join_end_block: re.Pattern[str] | None  # a line holding this (a portal's 文号：) never continues
    join_in_bracket_end: re.Pattern[str]  # how a line ending inside an open bracket may end
    join_in_bracket_start: re.Pattern[str]  # and how the line continuing it may start (a digit, a （)
    join_label_end: re.Pattern[str]  # a field label wrapped after its colon (牵头单位：⏎县财政局)
    join_recipients_head: re.Pattern[str]  # an addressee list wrapped at a fixed width …
    join_recipients_tail: re.Pattern[str]  # … and its short last line, ending in the salutation colon
    join_title_end: re.Pattern[str]  # a title line, which such an addressee list never continues

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
    def pinyin_toneless(self) -> re.Pattern[str]:
        """Every bracketed syllable after an ideograph, toned or not."""
        return _pinyin_toneless()

    def pinyin_led(self, opener: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """`pinyin` and `pinyin_toneless` for matches that open with the `opener`-th pinyin_open
        bracket alone (that of `pinyin_gates[opener]`): literal-led, so the engine scans for that
        bracket at memchr speed instead of testing a class at every character."""
        return _pinyin_led(opener)

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


def _pinyin_patterns(grammars: GrammarSet, spelling: _Pinyin,
                     first: str | None = None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The annotation and orphan patterns with the keep-or-drop test written into them.

    A syllable is the whole run of pinyin letters between the brackets (a bracket or space ends
    it), so lookaheads over that run decide exactly what testing the matched syllable would: no
    callback per match, one C-level subn. `first`: the one opening bracket an annotation starts
    with (escaped), instead of any of them.
    """
    opener, closer = _bracket_class(grammars, "pinyin_open"), _bracket_class(grammars, "pinyin_close")
    lead = opener if first is None else first
    neutral = sorted(map(str, grammars.vocab(ARTEFACTS, "pinyin_neutral")), key=len, reverse=True)
    letters, toned = spelling.letters, spelling.toned
    neutral_word = f"(?:{'|'.join(map(re.escape, neutral))})(?![{letters}])" if neutral else "(?!)"
    droppable = f"(?=[{letters}]*?[{toned}]|{neutral_word})"
    again = f"(?:{opener} ?{droppable}{spelling.syllable} ?{closer})*"  # 化(huà)(huà): a mirror doubled it
    annotation = re.compile(f"{lead}(?<=[{CJK}]{lead}) ?{droppable}({spelling.syllable}) ?{closer}{again}")
    orphan = re.compile(rf"\?(?=[{letters}]*?[{toned}])({spelling.syllable})\)")
    return annotation, orphan


@cache
def _pinyin_toneless() -> re.Pattern[str]:
    """A bracketed syllable after an ideograph, toned or not (局(ju)(ju)): dropped only where a text
    holds many of them (see `damage.strip_pinyin`), since alone (e) or (an) may be real text."""
    from ..grammar import load_grammars

    return _toneless_pattern(load_grammars())


def _toneless_pattern(grammars: GrammarSet, first: str | None = None) -> re.Pattern[str]:
    """_pinyin_toneless; `first` as for _pinyin_patterns."""
    spelling = _pinyin(grammars)
    opener, closer = _bracket_class(grammars, "pinyin_open"), _bracket_class(grammars, "pinyin_close")
    lead = opener if first is None else first
    again = f"(?:{opener} ?{spelling.syllable} ?{closer})*"
    return re.compile(f"{lead}(?<=[{CJK}]{lead}) ?({spelling.syllable}) ?{closer}{again}")


@cache
def _pinyin_led(index: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The annotation and toneless patterns led by the index-th pinyin_open bracket (see
    CleanRules.pinyin_led); compiled on first need, as the whole-class ones are."""
    from ..grammar import load_grammars

    grammars = load_grammars()
    mark = re.escape(str(grammars.vocab(ARTEFACTS, "pinyin_open")[index]))
    return _pinyin_patterns(grammars, _pinyin(grammars), mark)[0], _toneless_pattern(grammars, mark)


def _pinyin_gates(grammars: GrammarSet, spelling: _Pinyin) -> tuple[re.Pattern[str], ...]:
    """Opener after an ideograph, then a letter a syllable starts with: most （ hold （一）, （2020）."""
    gates = []
    for opener in map(str, grammars.vocab(ARTEFACTS, "pinyin_open")):
        mark = re.escape(opener)
        gates.append(re.compile(f"{mark}(?<=[{CJK}]{mark}) ?[{spelling.starts}]"))
    return tuple(gates)


def _bracket_class(grammars: GrammarSet, key: str) -> str:
    return "[" + "".join(re.escape(str(c)) for c in grammars.vocab(ARTEFACTS, key)) + "]"


def _decodable(pairs: Iterator[tuple[int, int]]) -> list[str]:
    """The printable, non-private-use characters GBK decodes the byte pairs to."""
    out = []
    for pair in pairs:
        try:
            ch = bytes(pair).decode("gbk")
        except UnicodeDecodeError:
            continue
        if ch.isprintable() and not "\ue000" <= ch <= "\uf8ff":
            out.append(ch)
    return out


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
    """Where a byte-level repair step could start: a control character, an odd newline or a radical, a
    run of two Latin-1 characters, a second F2 marker on a line. One scan finds none in nearly every
    notice, and newline, control-character, F2 and F3 repairs are then skipped."""
    markers = _class_body(_f2_chars())
    plain = f"{_CONTROL_CHARS}{_NEWLINE_CHARS}{_RADICAL_CHARS}"
    return re.compile(f"[{plain}{_LATIN1_CHARS}{markers}]"
                      f"(?:(?<=[{plain}])|(?<=[{_LATIN1_CHARS}])(?=[{_LATIN1_CHARS}])"
                      f"|(?<=[{markers}])(?=[^\\n]*?[{markers}]))")


def _radicals(grammars: GrammarSet) -> dict[int, str]:
    """A translate table for the radicals PDF text extraction prints for ordinary characters: the
    Kangxi Radicals by their compatibility mapping (⼈ → 人), the supplement's simplified forms from
    artefacts.yaml `radicals` (⻓ → 长; Unicode maps only two of them)."""
    table = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)}
    for radical, char in grammars.vocab_map(ARTEFACTS, "radicals").items():
        if len(radical) == 1 and len(char) == 1:  # one for one, so offsets survive
            table[ord(radical)] = char
    return {code: char for code, char in table.items() if char != chr(code)}


def _boilerplate(grammars: GrammarSet) -> re.Pattern[str]:
    """Every boilerplate rule as one alternation: one fullmatch per line."""
    patterns = [g.pattern(r.id).pattern for g, r in grammars.rules(BOILERPLATE) if r.pattern]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


def _boilerplate_lines(grammars: GrammarSet) -> LineMatcher:
    """Lines a boilerplate rule may fullmatch, before or after tidying (a space is what tidying removes)."""
    return LineMatcher([g.pattern(r.id) for g, r in grammars.rules(BOILERPLATE) if r.pattern], {" "})


def _related_list(grammars: GrammarSet) -> dict[str, re.Pattern[str] | None]:
    """The boilerplate `related-list` rule's heading pattern, its `items` and `not_after` (None: no such rule)."""
    for grammar, rule in grammars.rules(BOILERPLATE):
        if rule.id == "related-list" and rule.pattern and rule.extra("items"):
            not_after = rule.extra("not_after")
            return {"related_heading": grammar.pattern(rule.id), "related_item": re.compile(str(rule.extra("items"))),
                    "related_not_after": re.compile(str(not_after)) if not_after else None}
    return {"related_heading": None, "related_item": None, "related_not_after": None}


def _page_label(grammars: GrammarSet) -> re.Pattern[str] | None:
    """The boilerplate rule marked `running_header` (page labels), or None."""
    for grammar, rule in grammars.rules(BOILERPLATE):
        if rule.extra("running_header") and rule.pattern:
            return grammar.pattern(rule.id)
    return None


def _blockers(grammars: GrammarSet, anchored: bool) -> re.Pattern[str] | None:
    """Join blockers that start with ^ (a match can only start at 0: `match`, not a scan of the
    line), or the others; together they decide what `join_block.search` decides."""
    chosen = [str(b) for b in grammars.vocab(ARTEFACTS, "join_blockers")
              if starts_anchored(re.compile(str(b))) == anchored]
    return re.compile("|".join(f"(?:{b})" for b in chosen)) if chosen else None


def _alternation(patterns: list[Any]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


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
            rule.id, pattern, replace, count, Gate.of(pattern), _compile_template(replace, pattern),
            bool(rule.extra("repeat", False))))
    return subs


def _pipe_rules(grammars: GrammarSet) -> dict[str, re.Pattern[str] | None]:
    """The `engine: pipes` rule's row and separator patterns."""
    for grammar, rule in grammars.rules(ARTEFACTS):
        if rule.extra("engine") == "pipes" and rule.pattern:
            separator = rule.extra("separator")
            return {"pipe_row": grammar.pattern(rule.id),
                    "pipe_separator": re.compile(str(separator)) if separator else None}
    return {"pipe_row": None, "pipe_separator": None}


def _runin_markers(grammars: GrammarSet) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
    """Every `engine: runin` rule's marker, with its `requires` pre-check compiled (None: none)."""
    found = []
    for grammar, rule in grammars.rules(ARTEFACTS):
        if rule.extra("engine") == "runin" and rule.pattern:
            requires = rule.extra("requires")
            found.append((grammar.pattern(rule.id), re.compile(str(requires)) if requires else None))
    return tuple(found)


def _rule_pattern(grammars: GrammarSet, rule_id: str) -> re.Pattern[str]:
    for grammar, rule in grammars.rules(ARTEFACTS):
        if rule.id == rule_id and rule.pattern:
            return grammar.pattern(rule.id)
    return re.compile(r"(?!)")


@cache
def _rules() -> CleanRules:
    from ..grammar import load_grammars

    grammars = load_grammars()
    spelling = _pinyin(grammars)
    return CleanRules(
        settings=_defaults(grammars, ARTEFACTS),
        subs=_substitutions(grammars),
        numerals=tuple(map(str, grammars.vocab(ARTEFACTS, "bracket_numerals"))),
        join_end=grammars.vocab_pattern(ARTEFACTS, "join_line_end"),
        join_start=grammars.vocab_pattern(ARTEFACTS, "join_next_start"),
        join_block_start=_blockers(grammars, anchored=True),
        join_block_rest=_blockers(grammars, anchored=False),
        join_in_bracket_block=_alternation(grammars.vocab(ARTEFACTS, "join_in_bracket_blockers")),
        join_continuation=_alternation(grammars.vocab(ARTEFACTS, "join_continuation_start")),
        join_end_block=_alternation(grammars.vocab(ARTEFACTS, "join_end_blockers")),
        join_in_bracket_end=grammars.vocab_pattern(ARTEFACTS, "join_in_bracket_end"),
        join_in_bracket_start=grammars.vocab_pattern(ARTEFACTS, "join_in_bracket_start"),
        join_label_end=grammars.vocab_pattern(ARTEFACTS, "join_label_end"),
        join_recipients_head=grammars.vocab_pattern(ARTEFACTS, "join_recipients_head"),
        join_recipients_tail=grammars.vocab_pattern(ARTEFACTS, "join_recipients_tail"),
        join_title_end=grammars.vocab_pattern(ARTEFACTS, "join_title_end"),
        split_marker=_rule_pattern(grammars, "flattened-split"),
        runin_markers=_runin_markers(grammars),
        **_pipe_rules(grammars),
        pinyin_gates=_pinyin_gates(grammars, spelling),
        rare_chars=_rare_chars(),
        radicals=(radicals := _radicals(grammars)),
        radical_chars=re.compile("[" + "".join(map(chr, sorted(radicals))) + "]" if radicals else "(?!)"),
        boilerplate_lines=_boilerplate_lines(grammars),
        **_related_list(grammars),
        page_label=_page_label(grammars),
        title_kinds=tuple(map(str, grammars.vocab("meta", "kinds"))),
        join_boundary=_join_boundary(
            [str(p) for key in ("join_line_end", "join_in_bracket_end", "join_label_end")
             for p in grammars.vocab(ARTEFACTS, key)],
            [str(p) for key in ("join_next_start", "join_in_bracket_start") for p in grammars.vocab(ARTEFACTS, key)]),
    )


@cache
def _join_block() -> re.Pattern[str]:
    from ..grammar import load_grammars

    blockers = "|".join(f"(?:{b})" for b in load_grammars().vocab(ARTEFACTS, "join_blockers"))
    return re.compile(blockers or r"(?!)")


@cache
def _boilerplate_combined() -> re.Pattern[str]:
    from ..grammar import load_grammars

    return _boilerplate(load_grammars())


@cache
def _pinyin_compiled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pinyin annotation and orphan patterns (see _pinyin_patterns)."""
    from ..grammar import load_grammars

    grammars = load_grammars()
    return _pinyin_patterns(grammars, _pinyin(grammars))


# ---------------------------------------------------------------------------------------------
# substitutions: the grammar's rewrites, run by both passes


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
        for _ in range(_MAX_REPEATS if sub.repeat else 1):
            if not sub.gate.finds(sub.pattern, text):
                break
            changed = _count_subn(sub.pattern, sub.expand, text, repairs, sub.count)
            if changed == text:
                break
            text = changed
    return text


_MAX_REPEATS = 4  # a `repeat` rule settles in one or two more passes: 部 部各部 门 → 部 部各部门 → 部部各部门
