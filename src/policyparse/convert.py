"""Stage 3, convert: detect the script and convert traditional text to simplified.

OpenCC `tw2s` (never `tw2sp`, which rewrites mainland wording: 建立→创建, 文件→文档) keeps string
length in code points, so character offsets survive. What tw2s gets wrong is fixed from
`grammars/conversion.yaml`. Simplified text (the common case) is detected with one regex search
and returned untouched, so the fast path costs almost nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the grammar loader pulls in pydantic and yaml: load it on first use only
    from .grammar import Grammar, GrammarSet, Rule

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


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    """Longest first, so 程式化 wins over 程式."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _merged_map(grammars: GrammarSet, key: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for grammar in grammars.family(FAMILY):
        merged.update({str(k): str(v) for k, v in (grammar.spec.vocab.get(key) or {}).items()})
    return merged


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _in_big5(ch: str) -> bool:
    try:
        ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def _char_class(chars: set[str]) -> re.Pattern[str]:
    body = "".join(re.escape(c) for c in sorted(chars)) or r"\x00"
    return re.compile(f"[{body}]")


def _script_classes(extra_traditional: set[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Traditional-only = changed by tw2s and not a valid GB2312 character (so 著, 乾 stay neutral);
    simplified-only = GB2312 hanzi that Big5 cannot hold (们, 这)."""
    ideographs = "".join(chr(c) for lo, hi in CJK_RANGES for c in range(lo, hi + 1))
    converted = _converter().convert(ideographs)
    changed = {a for a, b in zip(ideographs, converted, strict=False) if a != b}
    traditional = {c for c in changed | extra_traditional if not _in_gb2312(c)}
    simplified = {chr(c) for c in range(0x4E00, 0xA000) if _in_gb2312(chr(c)) and not _in_big5(chr(c))}
    return _char_class(traditional), _char_class(simplified)


@cache
def _tables() -> Tables:
    from .grammar import load_grammars

    grammars = load_grammars()
    char_map = _merged_map(grammars, "char_fixes")
    phrase_map = _merged_map(grammars, "phrase_fixes")
    taiwan_map = _merged_map(grammars, "taiwan_phrases")
    markers = [str(m) for m in grammars.vocab(FAMILY, "taiwan_markers")]
    traditional, simplified = _script_classes({k for k in char_map if len(k) == 1})
    return Tables(
        traditional=traditional,
        simplified_only=simplified,
        char_fixes=str.maketrans(char_map),
        char_fix_keys=_char_class(set(char_map)),
        phrase_fixes=_alternation(list(phrase_map)),
        phrase_map=phrase_map,
        taiwan_markers=_alternation(markers),
        taiwan_phrases=_alternation(list(taiwan_map)),
        taiwan_map=taiwan_map,
    )


def detect_script(text: str) -> str:
    """simplified | traditional | mixed, from counts of script-only characters."""
    tables = _tables()
    if tables.traditional.search(text) is None:
        return "simplified"
    sample = text[:200000]
    trad = len(tables.traditional.findall(sample))
    simp = len(tables.simplified_only.findall(sample))
    if trad and trad / (trad + simp) >= MIXED_SHARE:
        return "traditional"
    return "mixed" if trad else "simplified"


def _post_fix(text: str, tables: Tables, repairs: Counter[str]) -> str:
    fixed = text
    if tables.char_fix_keys.search(text) is not None:  # str.translate is slow: skip when idle
        fixed = text.translate(tables.char_fixes)
        repairs["conversion_variants"] += len(text) - len(tables.char_fix_keys.sub("", text))
    if tables.phrase_fixes is not None:
        fixed, n = tables.phrase_fixes.subn(lambda m: tables.phrase_map[m.group(0)], fixed)
        if n:
            repairs["conversion_phrases"] += n
    return fixed


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
    script = detect_script(text)
    out = text
    if script != "simplified":
        out = _converter().convert(text)
        # traditional-only characters in the input: a C-speed count, unlike comparing two strings
        repairs["traditional_to_simplified"] += len(text) - len(tables.traditional.sub("", text))
    out = _post_fix(out, tables, repairs)
    out = _taiwan_wording(out, tables, repairs)
    return out, script, repairs


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
