"""Before conversion: undo what downloading did to the bytes and the markup.

`repair` runs before traditional→simplified conversion because pinyin annotations must go while
the original characters are there (乾(qián)隆 → 乾隆). It unifies newlines, drops control
characters, re-reads the three mojibake forms (F1: GBK read with lost bytes, guessed from the same
document; F2: UTF-8 read as GBK; F3: GBK read as Latin-1) and strips pinyin. One scan
(`CleanRules.rare_chars`) tells which byte-level steps a text needs, so most notices skip them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ..load.text import common_chars
from .rules import (
    _CONTROL_CHARS,
    _LATIN1_CHARS,
    _NEWLINE_CHARS,
    _RADICAL_CHARS,
    CJK,
    CleanRules,
    Counts,
    _decodable,
    _rules,
    _run_subs,
)

_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
_RADICAL = re.compile(f"[{_RADICAL_CHARS}]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_LATIN1_RUN = re.compile(f"[{_LATIN1_CHARS}][{_LATIN1_CHARS}]+")  # = {2,}, led by a class: a fast scan
# F1: '?' marks the lost lead byte; the run ends at a resynchronising ASCII trail byte, a '?'
# (an invalid pair whose next byte was swallowed) or anything else (trail lost).
_F1_RUN = re.compile(r"\?((?:[^\x00-\x7f\s\ufffd\u3000]|[!,:;()]){2,})([@-~?])?")
_F1_ASCII_BACK = str.maketrans({"!": "！", ",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


# Patterns with a CJK class cost ~1.5 ms each to compile (re fills its charset table code point by
# code point): those only some texts need are compiled on first need, not at import.

@cache
def _cjk_char() -> re.Pattern[str]:
    return re.compile(f"[{CJK}]")


def repair(text: str) -> tuple[str, Counts]:
    """Undo decoding and markup damage before conversion (pinyin needs the original characters)."""
    repairs: Counts = Counter()
    rules = _rules()
    found: set[str] | None = _rare_kinds(text, rules)
    if "newline" in found:
        text = _NEWLINES.sub("\n", text)
    if "radical" in found:
        text = _unify_radicals(text, repairs, rules)
    if "control" in found:
        text, removed = _CONTROL.subn("", text)
        repairs["control_chars"] += removed
        found = None  # removing one may join two Latin-1 characters into a run
    text = _repair_mojibake(text, repairs, rules, found)
    text = _run_subs(text, "repair", rules, repairs)
    text = strip_pinyin(text, repairs, rules)
    return text, repairs


def _rare_kinds(text: str, rules: CleanRules) -> set[str]:
    """Which byte-level repairs the text needs a look at, from one scan: {newline, control, radical,
    latin1, f2}."""
    found: set[str] = set()
    for match in rules.rare_chars.finditer(text):
        char = match.group()
        if char in _NEWLINE_CHARS:
            found.add("newline")
        elif _RADICAL.match(char):
            found.add("radical")
        elif _CONTROL.match(char):
            found.add("control")
        elif _LATIN1_RUN.match(text, match.start()):
            found.add("latin1")
        else:
            found.add("f2")
        if len(found) == 5:
            break
    return found


def _unify_radicals(text: str, repairs: Counts, rules: CleanRules) -> str:
    """⼈⺠ → 人民: radicals that PDF text extraction printed for ordinary characters (fonts that map
    both to one glyph). Counted as `cjk_radicals`."""
    unified, count = rules.radical_chars.subn(lambda m: rules.radicals[ord(m.group())], text)
    repairs["cjk_radicals"] += count  # one character for one: offsets stay
    return unified


def _strip_toneless(text: str, repairs: Counts, rules: CleanRules) -> str:
    """Toneless annotations (农(nong)业(ye), 局(ju)(ju)) go only from a text annotated throughout:
    at least `pinyin_toneless_min` of them, spelling `pinyin_toneless_distinct` syllables or more.
    A lone (e) or (an) after a character may be text; dozens of syllables after characters are not."""
    least = int(rules.settings.get("pinyin_toneless_min", 5))
    distinct = int(rules.settings.get("pinyin_toneless_distinct", 3))
    # dropping the toned ones may have put a bracket right after an ideograph: the gates are asked again
    openers = _gated_openers(text, rules)
    if not openers:
        return text  # no annotation can start anywhere: nothing to find
    toneless = rules.pinyin_led(openers[0])[1] if len(openers) == 1 else rules.pinyin_toneless
    found = toneless.findall(text)
    if len(found) < least or len(set(found)) < distinct:
        return text
    text, dropped = toneless.subn("", text)
    repairs["pinyin_annotations"] += dropped
    return text


def _gated_openers(text: str, rules: CleanRules) -> list[int]:
    """The pinyin_open brackets whose gate finds a place where an annotation may start in `text`;
    an annotation opening with any other bracket there is impossible."""
    return [index for index, gate in enumerate(rules.pinyin_gates) if gate.search(text) is not None]


def strip_pinyin(text: str, repairs: Counts, rules: CleanRules | None = None) -> str:
    """Drop 區(qū)-style annotations; a tone mark (or a neutral particle) keeps (PPP), (e) safe.

    With one kind of bracket before annotations (the usual case) the patterns led by that bracket
    alone run: the same matches, found without testing the bracket class at every character."""
    rules = rules or _rules()
    openers = _gated_openers(text, rules)
    if openers:
        annotation = rules.pinyin_led(openers[0])[0] if len(openers) == 1 else rules.pinyin
        text, dropped = annotation.subn("", text)
        if dropped:
            repairs["pinyin_annotations"] += dropped
        text = _strip_toneless(text, repairs, rules)
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
