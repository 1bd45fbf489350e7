"""Unit-name lists: what the recipients (structure) and the task units (extract) split alike.

Both stages split a printed list such as `各市、州、县人民政府，省政府各委、办、厅、局` on its
separators; these helpers keep the names that a plain split would cut apart. The shapes come from
`grammars/units.yaml` (`distributed_list`, `min_unit_chars`, `suffixes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from .grammar import GrammarSet
from .regexinfo import literal_gate

KEPT = "\ue000"  # stands in for a 、 that must not split (a private-use character, checked absent first)
_BRACKET_TAIL = re.compile(r"[（(].*$")


@cache
def distributed_list(grammars: GrammarSet) -> re.Pattern[str] | None:
    """units.yaml `distributed_list`: 各市、州、县人民政府 is one collective name."""
    found = next((g.spec.vocab["distributed_list"] for g in grammars.family("units")
                  if "distributed_list" in g.spec.vocab), None)
    return re.compile(str(found)) if found else None


@cache
def _required(pattern: re.Pattern[str]) -> frozenset[str]:
    """Strings one of which every distributed name holds (read off the pattern; none known: empty)."""
    return literal_gate(pattern) or frozenset()


def split_keeping_distributed(text: str, pattern: re.Pattern[str] | None,
                              split: Callable[[str], Sequence[str]]) -> list[str] | None:
    """`split(text)` with each distributed name kept whole; None when the text holds none (the
    caller then splits as usual)."""
    if pattern is None or KEPT in text or "、" not in text:
        return None
    required = _required(pattern)
    if required and not any(literal in text for literal in required):
        return None
    kept = pattern.sub(lambda m: m.group(0).replace("、", KEPT), text)
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
