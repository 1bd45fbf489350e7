"""What a pattern's parse tree says about its matches: cheap prefilters read off the grammar itself.

Most grammar patterns find nothing in most notices, yet `re` tries them at every position. A
necessary condition read off the pattern (a literal every match holds, the characters a match can
start or end with, a split into literal-led patterns scanned at memchr speed) lets a stage skip
that work, and the grammar stays the only source of rules.

The trees come from the standard library's private parser (`re._parser`, `_constants`,
`_compiler`), imported here and nowhere else. When those are missing (a future Python) or a tree
cannot be read, every helper answers "unknown" (None, or False where it says so) and the callers
run the plain pattern: slower, never wrong. Every answer over-approximates: anchors and
lookarounds read as matching anything; a pattern that ignores case is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, wraps
from typing import Any, NamedTuple, ParamSpec, TypeVar

try:  # private modules: a Python without them gets no prefilters, not an ImportError
    from re import _compiler as _sre_compile
    from re import _constants as _sre
    from re import _parser as _sre_parse

    _REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
    _ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
    _ENDS = ((_sre.AT, _sre.AT_END), (_sre.AT, _sre.AT_END_STRING))
    _STARTS = ((_sre.AT, _sre.AT_BEGINNING), (_sre.AT, _sre.AT_BEGINNING_STRING))
    _SPACE_CATEGORIES = (_sre.CATEGORY_SPACE, _sre.CATEGORY_UNI_SPACE)
    _CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
                   _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
except (ImportError, AttributeError):  # pragma: no cover - present on every supported Python
    _sre = _sre_parse = _sre_compile = None  # type: ignore[assignment]

_Node = tuple[Any, Any]  # one item of a parse tree: (opcode, argument)
Prefix = tuple[str | None, ...]  # up to two characters a match starts with
ANY = None  # in a prefix: any character
_SMALL_CLASS = 16  # a character class wider than this is no set of literals (gates, splits, hints)
_PRODUCT_MAX = 64  # exact-string sets (字(?:号|体) → 字号, 字体) are expanded up to this size
_WIDEST_CLASS = 4096  # a class wider than this is no useful set of first characters
_NEGATED = "[^"  # how a negated class starts among class pieces (a literal [ is escaped: \[)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _unknown_when_unreadable(unknown: Any) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """The helper answers `unknown` when the tree holds what it cannot read (say a future Python's
    parser builds other nodes): the caller then runs the plain pattern."""

    def decorate(helper: Callable[_P, _R]) -> Callable[_P, _R]:
        @wraps(helper)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return helper(*args, **kwargs)
            except Exception:
                return unknown  # type: ignore[no-any-return]

        return guarded

    return decorate


def _parse(pattern: re.Pattern[str]) -> Any | None:
    """The pattern's tree (a list-like `SubPattern` of nodes); None without the parser or when the
    pattern ignores case."""
    if _sre_parse is None:
        return None
    tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    return None if tree.state.flags & re.IGNORECASE else tree


# ---------------------------------------------------------------------------------------------
# character classes


@cache
def _whitespace() -> frozenset[str]:
    """What \\s matches in a str pattern (str.isspace; Unicode has no white space above U+3000)."""
    return frozenset(char for char in map(chr, range(0x3001)) if char.isspace())


def _class_chars(items: Iterable[_Node], most: int) -> frozenset[str] | None:
    """The characters a class matches (literals, ranges, \\s); None for a negated class, another
    category or more than `most` characters."""
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < most:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        elif op is _sre.CATEGORY and av in _SPACE_CATEGORIES:
            chars |= _whitespace()
        else:
            return None
    return frozenset(chars) if 0 < len(chars) <= most else None


def _few_chars(op: Any, av: Any) -> frozenset[str] | None:
    """The characters a literal or a small class matches."""
    if op is _sre.LITERAL:
        return frozenset(chr(av))
    if op is _sre.IN:
        return _class_chars(av, _SMALL_CLASS)
    return None


def _class_pieces(items: Iterable[_Node]) -> frozenset[str] | None:
    """A class as pieces of class source (a, a-z, \\d); a negated class is one piece, `[^…]`."""
    negate, pieces = False, []
    for op, av in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            pieces.append(re.escape(chr(av)))
        elif op is _sre.RANGE:
            pieces.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _sre.CATEGORY and av in _CATEGORIES:
            pieces.append(_CATEGORIES[av])
        else:
            return None
    return frozenset([f"{_NEGATED}{''.join(pieces)}]"]) if negate else frozenset(pieces)


def _is_negated(piece: str) -> bool:
    """Whether a class piece is a whole negated class (it matches nearly any character)."""
    return piece.startswith(_NEGATED)


def char_class(pieces: Iterable[str]) -> str:
    """One regex matching one character of the class pieces: the plain ones as one class, any
    negated class beside it; no pieces: a regex that matches nothing."""
    plain = sorted(piece for piece in pieces if not _is_negated(piece))
    negated = sorted(piece for piece in pieces if _is_negated(piece))
    return "|".join(([f"[{''.join(plain)}]"] if plain else []) + negated) or "(?!)"


# ---------------------------------------------------------------------------------------------
# where matches start and end, as class pieces


def _edge(items: Sequence[_Node], backwards: bool) -> tuple[frozenset[str], bool] | None:
    """(class pieces a non-empty match of the sequence can start with — end with, backwards —,
    whether it can match empty); None for parts not modelled (back-references, `.`, …)."""
    pieces: set[str] = set()
    for op, av in reversed(items) if backwards else items:
        found = _node_edge(op, av, backwards)
        if found is None:
            return None
        pieces |= found[0]
        if not found[1]:
            return frozenset(pieces), False
    return frozenset(pieces), True


def _node_edge(op: Any, av: Any, backwards: bool) -> tuple[frozenset[str], bool] | None:
    if op is _sre.LITERAL:
        return frozenset([re.escape(chr(av))]), False
    if op is _sre.NOT_LITERAL:
        return frozenset([f"{_NEGATED}{re.escape(chr(av))}]"]), False
    if op is _sre.IN:
        pieces = _class_pieces(av)
        return None if pieces is None else (pieces, False)
    if op in _ZERO_WIDTH:
        return frozenset(), True
    if op is _sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _edge(av[3], backwards)
    if op is _sre.ATOMIC_GROUP:
        return _edge(av, backwards)
    if op in _REPEATS:
        found = _edge(av[2], backwards)
        return None if found is None else (found[0], found[1] or av[0] == 0)
    if op is _sre.BRANCH:
        pieces: set[str] = set()
        nullable = False
        for branch in av[1]:
            found = _edge(branch, backwards)
            if found is None:
                return None
            pieces |= found[0]
            nullable = nullable or found[1]
        return frozenset(pieces), nullable
    return None


def _edge_class(patterns: Sequence[re.Pattern[str]], backwards: bool) -> str | None:
    pieces: set[str] = set()
    for pattern in patterns:
        tree = _parse(pattern)
        if tree is None or (backwards and (not tree or tree[-1] not in _ENDS)):
            return None
        found = _edge(tree, backwards)
        if found is None or found[1] or not found[0]:
            return None
        pieces |= found[0]
    return char_class(pieces)


@_unknown_when_unreadable(None)
def first_class(patterns: Sequence[re.Pattern[str]]) -> str | None:
    """A one-character regex that the first character of every match of these patterns matches
    (see char_class); None when one can match empty text or is unknown."""
    return _edge_class(patterns, False)


@_unknown_when_unreadable(None)
def last_class(patterns: Sequence[re.Pattern[str]]) -> str | None:
    """For patterns whose matches end at the end of the text ($), a one-character regex that the
    last character of every match matches; None when one is not so anchored, or is unknown."""
    return _edge_class(patterns, True)


@_unknown_when_unreadable(None)
def alternative_starts(pattern: re.Pattern[str], broad: frozenset[str]
                       ) -> list[tuple[frozenset[str] | None, frozenset[str] | None]] | None:
    """Per top-level alternative: the class pieces its matches start with, or (None, its literal
    gate) when those are unknown, negated or hold a `broad` piece; None when one shows neither."""
    tree = _parse(pattern)
    if tree is None:
        return None
    items = list(tree)
    out: list[tuple[frozenset[str] | None, frozenset[str] | None]] = []
    for alternative in items[0][1][1] if len(items) == 1 and items[0][0] is _sre.BRANCH else [items]:
        edge = _edge(alternative, False)
        if edge is not None and not edge[0] & broad and not any(map(_is_negated, edge[0])):
            out.append((edge[0], None))
        elif (gate := _cheapest(_options(alternative))) is not None:
            out.append((None, gate))
        else:
            return None
    return out


@_unknown_when_unreadable(False)
def starts_anchored(pattern: re.Pattern[str]) -> bool:
    """Whether every match starts at the start of the text (^ or \\A first, no MULTILINE): `match`
    finds what `search` finds."""
    tree = None if pattern.flags & re.MULTILINE else _parse(pattern)
    return bool(tree) and tree[0] in _STARTS


def _lead(tree: Any) -> _Node | None:
    """The first node of a tree, inside any groups that start it (as the engine reads it)."""
    items = list(tree)
    while items and items[0][0] is _sre.SUBPATTERN and not items[0][1][1] & re.IGNORECASE:
        items = list(items[0][1][3])
    return items[0] if items else None


@_unknown_when_unreadable(None)
def engine_lead(pattern: re.Pattern[str]) -> str | None:
    """What the engine scans for in C before it tries the pattern: "literal" (memchr speed: a
    literal test first would only add a scan), "class" (a class or literal-led alternatives), or
    None (it tries every position, or unknown)."""
    tree = _parse(pattern)
    lead = None if tree is None else _lead(tree)
    if lead is None:
        return None
    op, av = lead
    if op is _sre.LITERAL:
        return "literal"
    if op is _sre.IN or (op is _sre.BRANCH and all(branch and branch[0][0] is _sre.LITERAL for branch in av[1])):
        return "class"
    return None


# ---------------------------------------------------------------------------------------------
# where matches start, as the characters themselves: two-character prefixes


@cache
@_unknown_when_unreadable(None)
def prefixes(pattern: re.Pattern[str]) -> frozenset[Prefix] | None:
    """How matches start: their first two characters (fewer when a match may end sooner, ANY for
    any character); None when unknown. Lookbehinds and negative lookaheads are read as empty (they
    only ever reject); a lookahead narrows what follows it."""
    tree = _parse(pattern)
    found = None if tree is None else _sequence_prefixes(list(tree))
    return None if found is None else frozenset(found)


def _sequence_prefixes(items: list[_Node]) -> set[Prefix] | None:
    found: set[Prefix] = {()}
    for index, (op, av) in enumerate(items):
        if all(len(prefix) == 2 for prefix in found):
            break
        if op is _sre.ASSERT and av[0] == 1:  # a lookahead: what follows must also start with it
            ahead = _sequence_prefixes(list(av[1]))
            rest = _sequence_prefixes(items[index + 1:])
            if rest is None:
                return None
            if ahead is not None:
                rest = _narrowed(rest, ahead)
            return _joined(found, rest)
        part = _node_prefixes(op, av)
        if part is None:
            return None
        found = _joined(found, part)
    return found


def _node_prefixes(op: Any, av: Any) -> set[Prefix] | None:
    if op is _sre.LITERAL:
        return {(chr(av),)}
    if op is _sre.IN:
        chars = _class_chars(av, _WIDEST_CLASS)
        return {(ANY,)} if chars is None else {(char,) for char in chars}
    if op is _sre.ANY or op is _sre.NOT_LITERAL:
        return {(ANY,)}
    if op is _sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _sequence_prefixes(list(av[3]))
    if op is _sre.ATOMIC_GROUP:
        return _sequence_prefixes(list(av))
    if op is _sre.BRANCH:
        found: set[Prefix] = set()
        for branch in av[1]:
            part = _sequence_prefixes(list(branch))
            if part is None:
                return None
            found |= part
        return found
    if op in _REPEATS:
        return _repeat_prefixes(*av)
    if op in _ZERO_WIDTH:
        return {()}  # a lookahead that narrows is read by _sequence_prefixes
    return None  # back-references, conditionals


def _repeat_prefixes(low: int, high: int, body: Any) -> set[Prefix] | None:
    part = _sequence_prefixes(list(body))
    if part is None:
        return None
    found: set[Prefix] = {()} if low == 0 else set()
    repeated: set[Prefix] = {()}
    for count in (1, 2):
        if count > high:
            break
        repeated = _joined(repeated, part)
        if count >= low or count == 2:  # more repeats only lengthen a two-character prefix
            found |= repeated
    return found


def _joined(heads: set[Prefix], tails: set[Prefix]) -> set[Prefix]:
    """Every head followed by every tail, cut to two characters."""
    done = {head for head in heads if len(head) == 2}
    return done | {(head + tail)[:2] for head in heads if len(head) < 2 for tail in tails}


def _narrowed(found: set[Prefix], ahead: set[Prefix]) -> set[Prefix]:
    """The prefixes a text can start with when it also starts with one of `ahead`."""
    if all(len(other) == 1 and other[0] is not ANY for other in ahead):  # a class: (?=[…])
        firsts = {other[0] for other in ahead}
        return {prefix for prefix in found if not prefix or prefix[0] is ANY or prefix[0] in firsts}
    return {prefix for prefix in found if any(_agree(prefix, other) for other in ahead)}


def _agree(one: Prefix, other: Prefix) -> bool:
    """Whether one text can start with both prefixes."""
    return all(a is ANY or b is ANY or a == b for a, b in zip(one, other, strict=False))


def _known_starts(pattern: re.Pattern[str]) -> frozenset[Prefix] | None:
    """The prefixes, when every match is non-empty and starts with a known character."""
    found = prefixes(pattern)
    if found is None or () in found or any(prefix[0] is ANY for prefix in found):
        return None
    return found


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match can start with; None when unknown or a match may be empty."""
    found = _known_starts(pattern)
    return None if found is None else frozenset(str(prefix[0]) for prefix in found)


def starts_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern found wherever a match of `pattern` can start, and at few other places: the first
    character of a match, followed by one that can come second (re scans for the first in C)."""
    found = _known_starts(pattern)
    if found is None:
        return None
    seconds: dict[str, set[str] | None] = {}
    for first, *rest in found:
        known = seconds.setdefault(str(first), set())
        if known is not None:
            if not rest or rest[0] is ANY:
                seconds[str(first)] = None  # a match may end after it, or anything may follow
            else:
                known.add(rest[0])
    branches = [re.escape(first) + ("" if then is None else f"(?=[{''.join(re.escape(c) for c in sorted(then))}])")
                for first, then in sorted(seconds.items())]
    return re.compile("|".join(branches))


# ---------------------------------------------------------------------------------------------
# literals every match contains
#
# `in` on a str runs at memchr speed, a regex scan of the same text is ~30x slower; most rules find
# nothing in most notices, so a rule whose literals are all absent is skipped for almost nothing.


@_unknown_when_unreadable(None)
def literal_options(pattern: re.Pattern[str]) -> list[frozenset[str]] | None:
    """Sets of strings, in pattern order, such that every match contains a string of each set
    (lookaround contents count: they read the same subject); None when unknown."""
    tree = _parse(pattern)
    return None if tree is None else _options(tree)


def literal_gate(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains, the cheapest set to test for;
    None if the pattern shows none."""
    options = literal_options(pattern)
    return None if options is None else _cheapest(options)


def literal_finder(strings: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern whose search finds one of the strings wherever `any(s in text for s in strings)`
    holds: one scan in C instead of an `in` test per string (several times faster for a dozen);
    None for no strings."""
    ordered = sorted(set(strings), key=lambda s: (-len(s), s))
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def minimal(strings: frozenset[str]) -> frozenset[str]:
    """Drop strings holding another one of the set: where they occur, so does the shorter one."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def _gate_cost(strings: frozenset[str]) -> int:
    """Lower is better: a single character (：, -) occurs far more often than a word."""
    return sum(1 if len(s) >= 2 else 20 for s in strings)


def _cheapest(options: list[frozenset[str]]) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for option in options:
        if best is None or _gate_cost(option) < _gate_cost(best):
            best = minimal(option)
    return best


def _options(items: Iterable[_Node]) -> list[frozenset[str]]:
    """Runs of exact items as the strings they can match together, and each other required item's
    own options."""
    found: list[frozenset[str] | None] = []
    run: frozenset[str] | None = None  # exact strings of the current run of exact items
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None:
            joined = exact if run is None else frozenset(a + b for a in run for b in exact)
            if len(joined) <= _PRODUCT_MAX:
                run = joined
                continue
            found.append(run)
            run = exact
            continue
        found.append(run)
        run = None
        found += _node_options(op, av)
    found.append(run)
    return [option for option in found if option and "" not in option]


def _node_options(op: Any, av: Any) -> list[frozenset[str]]:
    """Options of a node that is not exact: those of its required parts."""
    if op is _sre.BRANCH:  # every alternative's cheapest, together
        alternatives = [_cheapest(_options(alt)) for alt in av[1]]
        if any(a is None for a in alternatives):
            return []
        return [minimal(frozenset().union(*alternatives))]  # type: ignore[arg-type]
    if op is _sre.SUBPATTERN:
        return [] if av[1] & re.IGNORECASE else _options(av[3])
    if op is _sre.ATOMIC_GROUP:
        return _options(av)
    if op in _REPEATS:
        return _options(av[2]) if av[0] >= 1 else []
    if op is _sre.ASSERT:  # a lookahead or lookbehind reads the subject too
        return _options(av[1])
    return []


def _exact(op: Any, av: Any) -> frozenset[str] | None:
    """Every string the node can match, when there are few (a literal, a small class, word choices)."""
    if op is _sre.LITERAL or op is _sre.IN:
        return _few_chars(op, av)
    if op is _sre.BRANCH:
        alternatives = [_exact_sequence(alt) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        merged = frozenset().union(*alternatives)  # type: ignore[arg-type]
        return merged if len(merged) <= _PRODUCT_MAX else None
    if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _exact_sequence(av[3])
    if op in _REPEATS and av[1] - av[0] <= 1 and av[1] <= 4:
        inner = _exact_sequence(av[2])
        if inner is None or len(inner) ** av[1] > _PRODUCT_MAX:  # too many: don't build them to find out
            return None
        out: set[str] = set()
        for count in range(av[0], av[1] + 1):
            product = frozenset([""])
            for _ in range(count):
                product = frozenset(a + b for a in product for b in inner)
            out |= product
        return frozenset(out) if len(out) <= _PRODUCT_MAX else None
    return None


def _exact_sequence(items: Iterable[_Node]) -> frozenset[str] | None:
    product = frozenset([""])
    for op, av in items:
        exact = _exact(op, av)
        if exact is None:
            return None
        product = frozenset(a + b for a in product for b in exact)
        if len(product) > _PRODUCT_MAX:
            return None
    return product


# ---------------------------------------------------------------------------------------------
# literal-led rewrites and scan hints


@_unknown_when_unreadable(None)
def literal_led_parts(pattern: re.Pattern[str], most: int) -> tuple[re.Pattern[str], ...] | None:
    """(19|20)X as 19X and 20X, [（(]X as （X and (X: the same matches between them, each led by a
    literal the engine scans for at memchr speed, where the class or alternation costs a slow
    test per character. None when the pattern does not start so, or has more than `most` choices.
    """
    tree = _parse(pattern)
    if not tree:
        return None
    choices = _leading_choices(tree.state, tree[0])
    if choices is None or not 1 < len(choices) <= most:
        return None
    rest = list(tree)[1:]
    return tuple(_sre_compile.compile(_sre_parse.SubPattern(tree.state, [head, *rest]), pattern.flags)
                 for head in choices)


def _leading_choices(state: Any, node: _Node) -> list[_Node] | None:
    """The node as one literal-led node per choice: the characters of a small class, the
    alternatives of an alternation that each start with a literal or such a choice, inside a plain
    group too."""
    op, av = node
    if op is _sre.IN:
        chars = _class_chars(av, _SMALL_CLASS)
        return None if chars is None else [(_sre.LITERAL, ord(c)) for c in sorted(chars)]
    if op is _sre.BRANCH:  # an alternative led by a small class ([列排]X|第一Y) gives one choice per character
        choices: list[_Node] = []
        for alt in map(list, av[1]):
            if not alt:
                return None
            heads = [alt[0]] if alt[0][0] is _sre.LITERAL else _leading_choices(state, alt[0])
            if heads is None:
                return None
            choices += [(_sre.SUBPATTERN, (None, 0, 0, _sre_parse.SubPattern(state, [head, *alt[1:]])))
                        for head in heads]
        return choices
    if op is _sre.SUBPATTERN and not av[1] and not av[2] and len(av[3]) == 1:
        inner = _leading_choices(state, av[3][0])
        if inner is None:
            return None
        return [(_sre.SUBPATTERN, (av[0], 0, 0, _sre_parse.SubPattern(state, [choice]))) for choice in inner]
    return None


class ScanHint(NamedTuple):
    """Every match holds a character `chars` matches at most `reach` characters after its start."""

    chars: re.Pattern[str]
    reach: int


@_unknown_when_unreadable(None)
def scan_hint(pattern: re.Pattern[str], most_reach: int) -> ScanHint | None:
    """For a pattern that starts with a part of bounded width followed by a literal or a small class
    (X{1,12}[〔（] …), where a search may start: `reach` before the next of those characters. None
    when the reach is over `most_reach`, unbounded or unknown, or a match may be empty."""
    tree = _parse(pattern)
    if tree is None or tree.getwidth()[0] == 0:
        return None
    items = list(tree)
    while len(items) == 1 and items[0][0] is _sre.SUBPATTERN and not items[0][1][1] & re.IGNORECASE:
        items = list(items[0][1][3])
    for count_before, (op, av) in enumerate(items):
        chars = _few_chars(op, av)
        if chars is not None:
            reach = _sre_parse.SubPattern(tree.state, items[:count_before]).getwidth()[1]
            return None if reach > most_reach else ScanHint(re.compile(char_class(map(re.escape, chars))), reach)
    return None
