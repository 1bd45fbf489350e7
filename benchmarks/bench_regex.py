"""Catastrophic backtracking check: time every regular expression policyparse uses on hostile strings.

Why: one pattern with nested or overlapping quantifiers makes a crafted line take minutes. Every
pattern is collected — each grammar rule's compiled `pattern` (grammars/*.yaml, all families),
every module-level compiled pattern in the package, and the patterns stages assemble from grammar
vocabularies (cached `_rules()`-style objects, walked for `re.Pattern` attributes) — and run with
`finditer` to the end (the same work as `search`, `sub` and `split`) over each adversarial string
at n and 10·n characters. Linear patterns take ~10× longer at 10·n; quadratic ones ~100×.

Run: .venv/bin/python benchmarks/bench_regex.py [n]   (default n = 10,000; prints the slowest)
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import sys
import time
from typing import Any

import policyparse

ADVERSARIAL = {
    "a": "a", "（": "（", "(": "(", "1.": "1.", "一、": "一、", "（一）": "（一）", "space": " ",
    "ideographic space": "\u3000", "digits": "1", "年": "年", "2020年": "2020年", "〔": "〔", "牵头": "牵头",
    "、": "、", "（1": "（1", "牵头单位：": "牵头单位：", "tab": "\t", "newline": "\n", "汉字": "推进",
    "mixed": "（一）1.（1）①牵头，", "dot-digit": "1.1.", "quote": "“", "打印 ": "打印  ", "form feed": "\f",
    "brackets": "[]", "space-bracket": " 【 大 】", "gt": " > ",
}


def _walk(value: Any, where: str, found: dict[str, re.Pattern[str]], depth: int = 0) -> None:
    """re.Pattern objects inside a value: dataclasses, dicts, lists, tuples (a few levels deep)."""
    if depth > 4:
        return
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            found.setdefault(value.pattern, value)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), f"{where}.{f.name}", found, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{where}[{key!r}]", found, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, where, found, depth + 1)


def collect_patterns() -> dict[str, tuple[str, re.Pattern[str]]]:
    """Every pattern policyparse compiles, keyed by its source, with where it was found."""
    from policyparse.clean import rules as clean_rules
    from policyparse.grammar import load_grammars

    found: dict[str, tuple[str, re.Pattern[str]]] = {}

    def add(where: str, value: Any) -> None:
        patterns: dict[str, re.Pattern[str]] = {}
        _walk(value, where, patterns)
        for source, pattern in patterns.items():
            found.setdefault(source, (where, pattern))

    grammars = load_grammars()
    for grammar in grammars.files:
        for rule_id, pattern in grammar.compiled.items():
            found.setdefault(pattern.pattern, (f"grammars/{grammar.path.name}::{rule_id}", pattern))
    add("clean.rules._rules()", clean_rules._rules())
    for info in pkgutil.walk_packages(policyparse.__path__, "policyparse."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                add(f"{info.name}.{name}", value)
            elif callable(value) and hasattr(value, "cache_info") and getattr(value, "__module__", "") == info.name:
                # cached builders: those taking the grammar set (or nothing) are called to get their patterns
                for args in ((), (grammars,)):
                    try:
                        add(f"{info.name}.{name}()", value(*args))
                        break
                    except TypeError:
                        continue
                    except Exception:  # a builder needing other arguments: its patterns are found elsewhere
                        break
    return found


def time_pattern(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - start


LINE_ONLY_PREFIXES = ("", "打印", "来源：", "分享到", "【", "发布时间：2020年", "字号：[]", "当前位置：", "首页 > ")


def _line_only(where: str, pattern: re.Pattern[str]) -> bool:
    """Boilerplate patterns are only ever `fullmatch`ed on lines of ≤ MAX_BOILERPLATE_LINE characters."""
    from policyparse.clean import rules as clean_rules

    return "boilerplate.yaml" in where or pattern is clean_rules._rules().boilerplate


def check(n: int) -> list[tuple[float, float, str, str, str]]:
    """(seconds, growth, where, string name, pattern) for every pattern × adversarial string.

    Scanned patterns: `finditer` at n and 10·n chars, growth = ratio (≈10 linear, ≈100 quadratic).
    Line-only patterns: the worst `fullmatch` of a capped line (prefix + repeated unit + 'x'), growth 0.
    """
    from policyparse.clean import MAX_BOILERPLATE_LINE

    results = []
    for source, (where, pattern) in collect_patterns().items():
        for name, unit in ADVERSARIAL.items():
            if _line_only(where, pattern):
                worst = 0.0
                for prefix in LINE_ONLY_PREFIXES:
                    line = (prefix + unit * MAX_BOILERPLATE_LINE)[:MAX_BOILERPLATE_LINE - 1] + "x"
                    start = time.perf_counter()
                    pattern.fullmatch(line)
                    worst = max(worst, time.perf_counter() - start)
                results.append((worst, 0.0, where + " (fullmatch, line)", name, source))
                continue
            small = (unit * (n // len(unit) + 1))[:n]
            large = (unit * (10 * n // len(unit) + 1))[:10 * n]
            t_small = time_pattern(pattern, small)
            t_large = time_pattern(pattern, large)
            results.append((t_large, t_large / max(t_small, 1e-6), where, name, source))
    return results


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    patterns = collect_patterns()
    print(f"{len(patterns)} patterns × {len(ADVERSARIAL)} adversarial strings at n={n:,} and {10 * n:,} chars")
    results = sorted(check(n), reverse=True)
    print("slowest (seconds at 10·n, growth ×):")
    for t_large, growth, where, name, source in results[:12]:
        print(f"  {t_large:8.4f}s  ×{growth:6.1f}  {name!r:>16}  {where}  {source[:70]!r}")
    worst = results[0][0]
    print(f"worst single scan of {10 * n:,} chars: {worst:.4f}s")


if __name__ == "__main__":
    main()
