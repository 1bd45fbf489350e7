"""Unit lists → unit names: 市发展改革委、市财政局和市税务局 → three names.

Lead and responsible fields print their units as lists; how a list splits (separators outside
brackets, joiners between two whole unit names, spaces between names, etc words, prefixes and
suffixes to strip) is the vocabulary of `grammars/units.yaml`, compiled once into a `_UnitVocab`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from ..grammar import GrammarSet
from ..names import Distributed, distributed_list, rejoin_short_names, split_keeping_distributed
from ..regexinfo import literal_finder, literal_gate
from .brackets import _CLOSE, _OPEN, _TRIM, _has_open


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


@dataclass(frozen=True, eq=False)
class _UnitVocab:
    separators: re.Pattern[str]
    joiners: tuple[str, ...]
    suffixes: tuple[str, ...]
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    etc: str
    max_chars: int
    min_chars: int  # a shorter piece belongs to the name before it (各委、办、局)
    distributed: Distributed | None  # 各市、州、县人民政府: one name across 、 (kept whole)
    not_names: re.Pattern[str] | None  # what no unit name is (a count: 10个部门)
    notes: re.Pattern[str] | None  # a note inside a list (（列第一位者为牵头单位，下同）), cut before splitting
    not_names_gate: re.Pattern[str] | None  # finds what a list holds where not_names can match (None: always try)
    collective_prefixes: tuple[str, ...]
    lead_markers: tuple[str, ...]
    shared_lead_markers: tuple[str, ...]  # 市人力社保局、市农业农村局分别牵头: every unit listed leads
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
    min_chars = next((g.spec.vocab["min_unit_chars"] for g in grammars.family("units")
                      if "min_unit_chars" in g.spec.vocab), 1)
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
        min_chars=int(min_chars),
        distributed=distributed_list(grammars),
        **_not_names(merged("not_names")),
        notes=_notes(grammars),
        collective_prefixes=tuple(merged("collective_prefixes")),
        lead_markers=lead_markers,
        shared_lead_markers=tuple(sorted(merged("shared_lead_markers"), key=len, reverse=True)),
        marker_ends=None if not all(lead_markers) else "".join({marker[-1] for marker in lead_markers}),
        suffix_set=frozenset(suffixes),
        suffix_ends=frozenset(suffix[-1:] for suffix in suffixes),
        longest_suffix=max(map(len, suffixes), default=0),
        splitter=splitter,
        joined=re.compile("|".join(map(re.escape, joiners)) or "(?!)"),
        **_untidy(splitter, (str(etc), *strip_prefixes, *strip_suffixes)),
    )


def _notes(grammars: GrammarSet) -> re.Pattern[str] | None:
    found = next((g.spec.vocab["notes"] for g in grammars.family("units") if "notes" in g.spec.vocab), None)
    return re.compile(str(found)) if found else None


def _not_names(patterns: list[str]) -> dict[str, Any]:
    """units.yaml `not_names` as one pattern, with the literals one of which a match holds (read off it)."""
    if not patterns:
        return {"not_names": None, "not_names_gate": None}
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns))
    return {"not_names": pattern, "not_names_gate": literal_finder(literal_gate(pattern) or ())}


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


_LETTERS_APART = re.compile(r"[A-Za-z0-9]\s+[A-Za-z0-9]")
_WHITESPACE = re.compile(r"\s")


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
    if vocab.notes is not None and ("（" in text or "(" in text):
        text = vocab.notes.sub("", text)
    text = text.strip(_TRIM)
    kept = split_keeping_distributed(text, vocab.distributed, lambda t: _split_units(t, grammars))
    if kept is not None:
        return tuple(kept)
    names = _split_tidy(text, vocab) if _is_tidy(text, vocab) else _split_untidy(text, vocab)
    if vocab.not_names is not None and (vocab.not_names_gate is None or vocab.not_names_gate.search(text)):
        names = tuple(name for name in names if not vocab.not_names.search(name))
    if vocab.min_chars > 1 and names and min(map(len, names)) < vocab.min_chars:
        return tuple(rejoin_short_names(list(names), vocab.min_chars, vocab.suffix_set))
    return names


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
        if vocab.etc and vocab.etc in part:
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
