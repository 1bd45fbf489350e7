"""Stage 3, convert: detect the script and convert traditional text to simplified.

OpenCC `tw2s` (never `tw2sp`, which rewrites mainland wording: 建立→创建, 文件→文档) keeps string
length in code points, so character offsets survive. What tw2s gets wrong is fixed from
`grammars/conversion.yaml`. Simplified text (the common case) is detected with one regex search
and returned untouched, so the fast path costs almost nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the grammar loader pulls in pydantic and yaml: load it on first use only
    from .grammar import Grammar, Rule

FAMILY = "conversion"
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
MIXED_SHARE = 0.9  # below this share of traditional-only characters a text counts as mixed


@cache
def _converter() -> Any:
    import opencc

    try:
        return opencc.OpenCC("tw2s")
    except Exception:  # opencc-python-reimplemented wants the config file name
        return opencc.OpenCC("tw2s.json")


class FastConverter:
    """Exact stand-in for opencc-python-reimplemented, ~10× faster on whole texts.

    The reimplementation splits text at separators (punctuation, whitespace) and converts each piece
    on its own, phrases before characters. A piece holding no phrase key and no character with a
    non-1:1 mapping converts character by character, which one `str.translate` does at C speed; the
    few pieces that do hold one go to the slow converter, so the output is identical by construction.
    """

    def __init__(self, table: dict[int, str], trigger: re.Pattern[str] | None, separators: re.Pattern[str],
                 slow: Callable[[str], str]) -> None:
        self.table = table
        self.trigger = trigger
        self.separators = separators
        self.slow = slow

    def convert(self, text: str) -> str:
        if self.trigger is None:
            return text.translate(self.table)
        out: list[str] = []
        cursor = 0
        match = self.trigger.search(text)
        while match is not None:
            start = match.start()
            while start > cursor and self.separators.match(text, start - 1) is None:
                start -= 1
            after = self.separators.search(text, match.end())
            end = after.start() if after is not None else len(text)
            out.append(text[cursor:start].translate(self.table))
            out.append(self.slow(text[start:end]))
            cursor = end
            match = self.trigger.search(text, end)
        out.append(text[cursor:].translate(self.table))
        return "".join(out)


def _spellings(key: str, moved: dict[str, str], inverse: dict[str, set[str]]) -> list[str]:
    """Every input spelling the earlier stages turn into `key`."""
    choices = [sorted(inverse.get(c, set()) | ({c} if c not in moved else set())) for c in key]
    return ["".join(p) for p in product(*choices)]


def build_fast_converter(stages: list[list[dict[str, str]]], slow: Callable[[str], str],
                         separators: re.Pattern[str]) -> FastConverter:
    """Table of 1:1 characters (each converted alone by `slow`) plus a regex for pieces `slow` must do.

    `stages` is the conversion chain: per stage, its dictionaries in priority order (key → first value).
    Later stages see earlier stages' output, so their phrase keys are also searched in every spelling
    the earlier character mappings turn into them (TW 偽 becomes 僞 before TSPhrases sees it).
    """
    def valid(key: str) -> bool:  # a key holding a separator can never match: the text is split there
        return bool(key) and separators.search(key) is None

    candidates = sorted({k for stage in stages for d in stage for k in d if len(k) == 1 and valid(k)})
    converted = slow("\n".join(candidates)).split("\n")
    if len(converted) != len(candidates):  # "\n" is a separator for the real converter; be safe anyway
        converted = [slow(c) for c in candidates]
    table: dict[int, str] = {}
    awkward: set[str] = set()  # characters whose mapping changes the length: always slow
    for char, out in zip(candidates, converted, strict=True):
        if len(out) != 1:
            awkward.add(char)
        elif out != char:
            table[ord(char)] = out
    keys: set[str] = set()
    moved: dict[str, str] = {}  # input character → what the earlier stages made of it (identity left out)
    for stage in stages:
        inverse: dict[str, set[str]] = {}
        for src, dst in moved.items():
            inverse.setdefault(dst, set()).add(src)
        for d in stage:
            for key in d:
                if len(key) > 1 and valid(key):
                    keys.update(_spellings(key, moved, inverse))
        step: dict[str, str] = {}
        for d in stage:  # the first dictionary of a group that holds a key wins
            for k, v in d.items():
                if len(k) == 1:
                    step.setdefault(k, v)
        composed = {x: step.get(moved.get(x, x), moved.get(x, x)) for x in set(moved) | set(step)}
        moved = {x: y for x, y in composed.items() if x != y and len(y) == 1}
    words = sorted(keys, key=len, reverse=True)
    parts = [re.escape(w) for w in words] + ([_char_class(awkward).pattern] if awkward else [])
    trigger = re.compile("|".join(parts)) if parts else None
    return FastConverter(table, trigger, separators, slow)


def _read_dictionary(path: Path) -> dict[str, str]:
    """OpenCC text dictionary: `key<TAB>value1 value2`; the reimplementation uses the first value."""
    entries: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.strip().partition("\t")
        if key and values:
            entries.setdefault(key, values.split(" ")[0])
    return entries


def _reimplemented_stages(converter: Any) -> list[list[dict[str, str]]] | None:
    """The conversion chain of an opencc-python-reimplemented converter, read from its own files."""
    import opencc

    root = Path(opencc.__file__).parent
    name = str(getattr(converter, "conversion", "") or "tw2s").removesuffix(".json")
    config = root / "config" / f"{name}.json"
    if not config.is_file():
        return None
    stages: list[list[dict[str, str]]] = []
    for link in json.loads(config.read_text(encoding="utf-8")).get("conversion_chain", []):
        spec = link.get("dict", {})
        files = [d.get("file") for d in spec.get("dicts", [])] if spec.get("type") == "group" else [spec.get("file")]
        paths = [root / "dictionary" / str(f) for f in files]
        if not all(path.is_file() for path in paths):
            return None
        stages.append([_read_dictionary(path) for path in paths])
    return stages


@cache
def _fast_converter() -> FastConverter | None:
    """None under the native wheel (already C speed); else the fast stand-in for the pure-Python one."""
    import opencc

    if hasattr(opencc, "clib"):
        return None
    slow = _converter()
    separators = getattr(slow, "split_chars_re", None)
    stages = _reimplemented_stages(slow)
    if not isinstance(separators, re.Pattern) or not stages:
        return None  # an unknown implementation: convert whole texts with it
    return build_fast_converter(stages, slow.convert, separators)


def _convert(text: str) -> str:
    """tw2s over the whole text, through the fast path when OpenCC is the pure-Python one.

    The native library reads a C string: a NUL would end the text there, so the pieces between NULs
    are converted one by one."""
    fast = _fast_converter()
    convert = fast.convert if fast is not None else _converter().convert
    if "\x00" in text:
        return "\x00".join(convert(piece) if piece else piece for piece in text.split("\x00"))
    return convert(text)


@dataclass(frozen=True)
class Tables:
    """Compiled conversion data: built once, on first use, not at import."""

    traditional: re.Pattern[str]
    simplified_only: re.Pattern[str]
    char_fixes: dict[int, str]
    char_fix_keys: re.Pattern[str]
    phrase_fixes: re.Pattern[str] | None
    phrase_map: dict[str, str]
    taiwan_markers: re.Pattern[str] | None
    taiwan_phrases: re.Pattern[str] | None
    taiwan_map: dict[str, str]
    # what a text must hold for anything here to change it: traditional or variant characters, or
    # a phrase-fix key or Taiwan marker (first character, then the rest of one of the words)
    anything: re.Pattern[str]
    words: re.Pattern[str] | None  # the same for phrase-fix keys and Taiwan markers only
    char_pairs: tuple[tuple[str, str], ...] | None  # char fixes as (key, value) when replace() is exact
    simplified_set: frozenset[str]
    neither: re.Pattern[str]  # simplified-only, or neither GB2312 nor traditional


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    """Longest first, so 程式化 wins over 程式."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _char_class(chars: set[str]) -> re.Pattern[str]:
    return re.compile(f"[{_class_body(chars) or chr(92) + 'x00'}]")


def _class_body(chars: set[str] | frozenset[str]) -> str:
    """The characters as a class body of ranges (a-z): thousands of code points parse in a few items."""
    codes = sorted(map(ord, chars))
    parts: list[str] = []
    start = 0
    for index in range(1, len(codes) + 1):
        if index == len(codes) or codes[index] != codes[index - 1] + 1:
            low, high = chr(codes[start]), chr(codes[index - 1])
            parts.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
            start = index
    return "".join(parts)


@cache
def _gb2312_chars() -> frozenset[str]:
    """Every character GB2312 encodes: ASCII and the decoded two-byte table (a bijection)."""
    chars = {chr(c) for c in range(0x80)}
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _script_sets(extra_traditional: set[str]) -> tuple[set[str], set[str]]:
    """Traditional-only = changed by tw2s and not a valid GB2312 character (so 著, 乾 stay neutral);
    simplified-only = GB2312 hanzi that Big5 cannot hold (们, 这)."""
    ideographs = "".join(chr(c) for lo, hi in CJK_RANGES for c in range(lo, hi + 1))
    fast = _fast_converter()  # character by character: the run of code points is no text
    converted = ideographs.translate(fast.table) if fast is not None else _converter().convert(ideographs)
    changed = {a for a, b in zip(ideographs, converted, strict=False) if a != b}
    gb2312 = _gb2312_chars()
    traditional = {c for c in changed | extra_traditional if c not in gb2312}
    simplified = {chr(c) for c in range(0x4E00, 0xA000)
                  if chr(c) in gb2312 and not _encodable(chr(c), "big5")}
    return traditional, simplified


def _script_classes(extra_traditional: set[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    traditional, simplified = _script_sets(extra_traditional)
    return _char_class(traditional), _char_class(simplified)


def _word_gate(words: list[str], chars: set[str]) -> re.Pattern[str] | None:
    """Any of `chars`, or a word's first character followed by the rest of one of the words.

    Led by one character class, so the engine scans at class speed; a first character followed
    by another word's rest (编 + 佳化) is a false alarm the exact steps then dismiss.
    """
    if not words and not chars:
        return None
    firsts = {w[0] for w in words}
    rests = sorted({re.escape(w[1:]) for w in words}, key=len, reverse=True)
    tails = [f"(?<=[{_class_body(chars)}])"] if chars else []
    tails += rests
    return re.compile(f"[{_class_body(chars | firsts)}](?:{'|'.join(tails)})")


def _char_pairs(char_map: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
    """(key, value) pairs when replacing one after another equals one translate: no value holds a key."""
    if any(len(k) != 1 for k in char_map) or any(k in v for v in char_map.values() for k in char_map):
        return None
    return tuple(char_map.items())


@cache
def _tables() -> Tables:
    from .grammar import load_grammars

    grammars = load_grammars()
    char_map = grammars.vocab_map(FAMILY, "char_fixes")
    phrase_map = grammars.vocab_map(FAMILY, "phrase_fixes")
    taiwan_map = grammars.vocab_map(FAMILY, "taiwan_phrases")
    markers = [str(m) for m in grammars.vocab(FAMILY, "taiwan_markers")]
    traditional, simplified = _script_sets({k for k in char_map if len(k) == 1})
    words = [w for w in (*phrase_map, *markers) if w]
    everything = _word_gate(words, traditional | set(char_map))
    neither = traditional | (_gb2312_chars() - simplified)  # the class below is their complement
    return Tables(
        traditional=_char_class(traditional),
        simplified_only=_char_class(simplified),
        char_fixes=str.maketrans(char_map),
        char_fix_keys=_char_class(set(char_map)),
        phrase_fixes=_alternation(list(phrase_map)),
        phrase_map=phrase_map,
        taiwan_markers=_alternation(markers),
        taiwan_phrases=_alternation(list(taiwan_map)),
        taiwan_map=taiwan_map,
        anything=everything if everything is not None else re.compile("(?!)"),
        words=_word_gate(words, set()),
        char_pairs=_char_pairs(char_map),
        simplified_set=frozenset(simplified),
        neither=re.compile(f"[^{_class_body(neither)}]"),
    )


_HIGH_BYTES = bytes(range(0x80, 0x100))
DETECT_SAMPLE = 200000


def detect_script(text: str) -> str:
    """simplified | traditional | mixed, from counts of script-only characters."""
    return _detect(text, _tables())[0]


def _detect(text: str, tables: Tables) -> tuple[str, int]:
    """The script, and the number of traditional-only characters in the sample that decided it."""
    if tables.traditional.search(text) is None:
        return "simplified", 0
    trad, simp = _script_counts(text[:DETECT_SAMPLE], tables)
    if trad and trad / (trad + simp) >= MIXED_SHARE:
        return "traditional", trad
    return ("mixed" if trad else "simplified"), trad


def _script_counts(text: str, tables: Tables) -> tuple[int, int]:
    """(traditional-only, simplified-only) character counts, without a match object per character.

    Traditional-only characters are outside GB2312: their number is the characters GB2312 cannot
    encode (a C-speed encode) less the few that are not traditional either, found by one scan
    that also finds the simplified-only ones.
    """
    raw = text.encode("gb2312", "ignore")
    two_byte = (len(raw) - len(raw.translate(None, _HIGH_BYTES))) // 2  # EUC-CN: both bytes ≥ 0xA1
    outside = len(text) - (len(raw) - two_byte)
    simp = neither = 0
    for char in tables.neither.findall(text):
        if char in tables.simplified_set:
            simp += 1
        else:
            neither += 1
    return outside - neither, simp


def _post_fix(text: str, tables: Tables, repairs: Counter[str]) -> str:
    """What tw2s gets wrong: variant characters, zhù compounds, and Taiwan wording on marked pages."""
    fixed = _fix_chars(text, tables, repairs)
    if tables.words is not None and tables.words.search(fixed) is None:  # no phrase key, no marker
        return fixed
    if tables.phrase_fixes is not None:
        fixed, n = tables.phrase_fixes.subn(lambda m: tables.phrase_map[m.group(0)], fixed)
        if n:
            repairs["conversion_phrases"] += n
    return _taiwan_wording(fixed, tables, repairs)


def _fix_chars(text: str, tables: Tables, repairs: Counter[str]) -> str:
    """Variant characters: a count and a replace per key (a handful) beat a scan plus translate."""
    if tables.char_pairs is None:
        if tables.char_fix_keys.search(text) is None:  # str.translate is slow: skip when idle
            return text
        repairs["conversion_variants"] += len(text) - len(tables.char_fix_keys.sub("", text))
        return text.translate(tables.char_fixes)
    count = 0
    for key, value in tables.char_pairs:
        if key in text:  # a memchr scan; count() is a slower loop
            count += text.count(key)
            text = text.replace(key, value)
    if count:
        repairs["conversion_variants"] += count
    return text


def _taiwan_wording(text: str, tables: Tables, repairs: Counter[str]) -> str:
    """Only on pages a localising converter produced: 程式 alone is also mainland (程式化)."""
    if tables.taiwan_markers is None or tables.taiwan_phrases is None:
        return text
    if tables.taiwan_markers.search(text) is None:
        return text
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        new = tables.taiwan_map[match.group(0)]
        count += new != match.group(0)
        return new

    text = tables.taiwan_phrases.sub(swap, text)
    if count:
        repairs["taiwan_wording"] += count
    return text


def to_simplified(text: str) -> tuple[str, str, Counter[str]]:
    """Return (simplified text, script of the input, repairs)."""
    repairs: Counter[str] = Counter()
    tables = _tables()
    if tables.anything.search(text) is None:  # one scan settles the common case: nothing to do
        return text, "simplified", repairs
    script, trad = _detect(text, tables)
    out = text
    if script != "simplified":
        out = _convert(text)
        # traditional-only characters in the input: counted, not compared between two strings
        if len(text) > DETECT_SAMPLE:
            trad = _script_counts(text, tables)[0]
        repairs["traditional_to_simplified"] += trad
    return _post_fix(out, tables, repairs), script, repairs


def check_example(grammar: Grammar, rule: Rule, example: Any) -> str | None:
    """Corpus check: converting the example text must give exactly the expected text."""
    got = to_simplified(example.text)[0]
    if got != example.expect:
        return f"{grammar.rule_ref(rule)}: {example.text!r} → {got!r}, expected {example.expect!r}"
    return None


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    """Negative corpus: the text is already right and must come back unchanged."""
    got = to_simplified(text)[0]
    if got != text:
        return f"{grammar.rule_ref(rule)}: {text!r} must stay unchanged, got {got!r}"
    return None
