"""Unit-name lists: what the recipients (structure) and the task units (extract) split alike.

Both stages split a printed list such as `各市、州、县人民政府，省政府各委、办、厅、局` on its
separators; these helpers keep the names that a plain split would cut apart. The shapes come from
`grammars/units.yaml` (`distributed_list`, `min_unit_chars`, `suffixes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from .grammar import GrammarSet
from .regexinfo import literal_finder, literal_gate

KEPT = "\ue000"  # stands in for a 、 that must not split (a private-use character, checked absent first)
_BRACKET_TAIL = re.compile(r"[（(].*$")


@dataclass(frozen=True)
class Distributed:
    """units.yaml `distributed_list` (各市、州、县人民政府 is one collective name) and its hint."""

    pattern: re.Pattern[str]
    hint: re.Pattern[str] | None  # every such name holds a match of it (None: no cheap test)
    finder: re.Pattern[str] | None = None  # finds one of the strings every such name holds (None: none known)


@cache
def distributed_list(grammars: GrammarSet) -> Distributed | None:
    def first(key: str) -> str | None:
        return next((str(g.spec.vocab[key]) for g in grammars.family("units") if key in g.spec.vocab), None)

    found, hint = first("distributed_list"), first("distributed_hint")
    if not found:
        return None
    pattern = re.compile(found)
    finder = literal_finder(literal_gate(pattern) or frozenset())
    return Distributed(pattern, re.compile(hint) if hint else None, finder)


def split_keeping_distributed(text: str, distributed: Distributed | None,
                              split: Callable[[str], Sequence[str]]) -> list[str] | None:
    """`split(text)` with each distributed name kept whole; None when the text holds none (the
    caller then splits as usual)."""
    if distributed is None or KEPT in text or "、" not in text:
        return None
    if distributed.finder is not None and distributed.finder.search(text) is None:
        return None
    if distributed.hint is not None and distributed.hint.search(text) is None:
        return None
    kept = distributed.pattern.sub(lambda m: m.group(0).replace("、", KEPT), text)
    if kept == text:
        return None
    return [name.replace(KEPT, "、") for name in split(kept)]


def name_core(name: str) -> str:
    """A name without its bracketed tail: 局（公司） → 局."""
    return _BRACKET_TAIL.sub("", name)


def rejoin_short_names(names: list[str], min_chars: int, suffixes: frozenset[str]) -> list[str]:
    """A piece that is only a unit suffix shorter than `min_chars` (brackets aside) rejoins the
    name before it with 、: 市直各委、办、局（公司） is one collective name, not 市直各委 + 办 + 局.
    Other short pieces (a name cut by a line break) stay as they are."""
    out: list[str] = []
    for name in names:
        core = name_core(name)
        if out and len(core) < min_chars and core in suffixes:
            out[-1] += "、" + name
        else:
            out.append(name)
    return out
