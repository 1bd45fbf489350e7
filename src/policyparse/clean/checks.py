"""The artefacts and boilerplate grammars' example checks, run over every example by the grammar tests.

`policyparse grammars test` finds a family's checks on its stage module, `policyparse.clean`,
which re-exports these two.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..grammar import Grammar, Rule
from .damage import repair
from .layout import normalise_widths, split_flattened, tidy
from .rules import BOILERPLATE, Counts, _rules


def _phase_output(grammar: Grammar, rule: Rule, text: str) -> tuple[str, Counts, list[str]]:
    if grammar.family == BOILERPLATE or rule.extra("phase", "tidy") == "tidy":
        if rule.extra("engine") == "split":
            rules = _rules()
            repairs: Counts = Counter()
            lines = split_flattened(normalise_widths(text, repairs).split("\n"), repairs, rules, 0, 1)
            return tidy("\n".join(lines))[0], repairs, []
        return tidy(text)
    out, repairs = repair(text)
    return out, repairs, []


def check_example(grammar: Grammar, rule: Rule, example: Any) -> str | None:
    """A boilerplate example must be dropped by this rule; an artefact example must come out as expected."""
    ref = grammar.rule_ref(rule)
    if grammar.family == BOILERPLATE:
        if example.expect != "drop":
            return f"{ref}: boilerplate examples expect 'drop', got {example.expect!r}"
        pattern = grammar.pattern(rule.id) if rule.pattern else None
        line = normalise_widths(example.text, Counter())
        if pattern is None or not pattern.fullmatch(line):
            return f"{ref}: {example.text!r} is not matched by the rule's pattern"
        if line not in tidy(example.text)[2]:
            return f"{ref}: {example.text!r} is not dropped by tidy()"
        return None
    got = _phase_output(grammar, rule, example.text)[0]
    if got != example.expect:
        return f"{ref}: {example.text!r} → {got!r}, expected {example.expect!r}"
    return None


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    """The rule must leave this text alone: not dropped, not counted."""
    ref = grammar.rule_ref(rule)
    if grammar.family == BOILERPLATE:
        line = normalise_widths(text, Counter())
        if rule.pattern and grammar.pattern(rule.id).fullmatch(line):
            return f"{ref}: {text!r} must not match"
        if tidy(text)[2]:
            return f"{ref}: {text!r} must not be dropped (dropped by another boilerplate rule)"
        return None
    key = str(rule.extra("count", rule.id.replace("-", "_")))
    _, repairs, _ = _phase_output(grammar, rule, text)
    if repairs.get(key):
        return f"{ref}: {text!r} must be left alone, but {key} = {repairs[key]}"
    return None
