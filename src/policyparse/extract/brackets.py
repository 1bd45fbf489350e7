"""The bracket and trimming characters of printed notices, and the top-level bracket groups of a text.

Units, field groups and task titles all cut text at brackets (（X牵头，Y参与）, 市发展改革委（牵头）),
so the characters and the group scan live here, below every other extract module.
"""

from __future__ import annotations

import re

_OPEN = "（(〔【["
_CLOSE = "）)〕】]"
_PAIRS = dict(zip(_OPEN, _CLOSE, strict=True))
_TRIM = " \t　:：。；;，,、"


_ANY_OPEN = re.compile(f"[{re.escape(_OPEN)}]")


def _has_open(text: str) -> bool:
    """Does a bracket open in `text` (one of _OPEN)? Five `in` tests beat a regex on long lines."""
    return "（" in text or "(" in text or "〔" in text or "【" in text or "[" in text


_ANY_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")


def _opens(text: str) -> int:
    return sum(map(text.count, _OPEN))


def _closes(text: str) -> int:
    return sum(map(text.count, _CLOSE))


_Groups = list[tuple[int, int, str]]  # bracket groups: (start, end, inner text)


def bracket_groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level bracket groups (start, end, inner text) with balanced nesting."""
    groups: list[tuple[int, int, str]] = []
    first = _first_open(text)
    if first < 0:  # closing brackets alone open no group
        return groups
    depth = 0
    start = 0
    for m in _ANY_BRACKET.finditer(text, first):  # closing brackets before it close nothing
        if m.group() in _PAIRS:
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                groups.append((start, m.end(), text[start + 1:m.start()]))
    return groups


def _first_open(text: str) -> int:
    """Where the first bracket opens, or -1.

    str.find scans ten times faster than a character-class regex, and notices open their groups
    with （ almost always: the regex only runs when another opening bracket is present.
    """
    if "(" in text or "〔" in text or "【" in text or "[" in text:
        found = _ANY_OPEN.search(text)
        return found.start() if found else -1
    return text.find("（")


def _groups_in(line: str, offset: int, text: str, known: _Groups | None) -> _Groups:
    """bracket_groups(text) for `text` = line[offset:offset + len(text)], from the whole line's groups when known.

    Groups are found left to right, so a prefix holds the line's groups that close inside it; and
    with no bracket opening before `offset` the scan is at depth 0 there, as a scan of the rest
    starts (closing brackets at depth 0 close nothing).
    """
    if known is None or (offset and _has_open(line[:offset])):
        return bracket_groups(text)
    if not offset and len(text) == len(line):
        return known
    end = offset + len(text)
    return [(start - offset, stop - offset, inner) for start, stop, inner in known if stop <= end]
