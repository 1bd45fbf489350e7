"""The grammar corpus checks for the extract stage's files (fields, units, layouts).

`policyparse.corpus` finds `check_example` and `check_not_matching` on `policyparse.extract`,
the module named by the files' `stage: extract`; the package re-exports these two.
"""

from __future__ import annotations

from ..grammar import Example, Grammar, Rule
from .fields import (
    _assign_units,
    _clause_role,
    _field_rules,
    _Fields,
    _label_table,
    _read_labels,
    parse_group,
    title_units,
)
from .units import split_units


def check_example(grammar: Grammar, rule: Rule, example: Example) -> str | None:
    """Run one corpus example of a fields / units / layouts rule."""
    from ..grammar import grammars_with

    grammars = grammars_with(grammar)
    expect = str(example.expect)
    if grammar.family == "units" and rule.extra("kind") == "convention":
        got = rule.id if rule.pattern and grammar.pattern(rule.id).search(example.text) else "nothing"
    elif grammar.family == "units":
        got = "|".join(split_units(example.text, grammars))
    elif grammar.family == "fields" and rule.extra("kind") == "group":
        parsed = parse_group(example.text, grammars, example.year or 2020, at_end=True)
        got = f"deadline {parsed.group_deadline}" if parsed and parsed.group_deadline else "nothing"
    elif grammar.family == "fields" and rule.extra("kind") == "bare":
        parsed = parse_group(example.text, grammars, 2020, True)
        got = (f"{'lead' if parsed.lead else 'responsible'} " + "|".join(parsed.lead or parsed.responsible)
               if parsed and (parsed.lead or parsed.responsible) else "nothing")
    elif grammar.family == "fields" and rule.extra("kind") == "title":
        found = title_units(example.text, grammars)
        got = f"{found[0]} " + "|".join(found[1]) if found else "nothing"
    elif grammar.family == "fields" and rule.extra("kind") == "label":
        fields = _Fields()
        table, start, _ = _label_table(grammars)
        m = start.match(example.text)
        if not m:
            return "label not recognised"
        role = table[m.group("label")].role
        if role in ("lead", "responsible"):
            _read_labels(example.text, fields, _field_rules(grammars), 0)
            got = f"{role} " + "|".join(fields.lead if role == "lead" else fields.responsible)
        elif role == "division":
            _read_labels(example.text, fields, _field_rules(grammars), 0, example.year or 2020)
            got = f"lead {'|'.join(fields.lead)} responsible {'|'.join(fields.responsible)}"
        else:
            got = f"{role} {example.text[m.end():]}"
    elif grammar.family == "fields":
        fields = _Fields()
        found = _clause_role(example.text, grammars)
        if not found:
            return "no role recognised"
        _assign_units(fields, found[0], found[1], _field_rules(grammars))
        parts = []
        if fields.lead:
            parts.append("lead " + "|".join(fields.lead))
        if fields.responsible:
            parts.append("responsible " + "|".join(fields.responsible))
        got = "; ".join(parts)
    else:
        return None
    return None if got == expect else f"expected {expect!r}, got {got!r}"


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    from ..grammar import grammars_with

    grammars = grammars_with(grammar)
    if grammar.family == "units" and rule.extra("kind") == "convention":
        return f"{rule.id} recognised" if grammar.pattern(rule.id).search(text) else None
    if grammar.family != "fields":
        return None
    if rule.extra("kind") == "bare":
        parsed = parse_group(text, grammars, 2020, True)
        return f"units {parsed.responsible} recognised" if parsed and parsed.responsible else None
    if rule.extra("kind") == "title":
        found = title_units(text, grammars)
        return f"{found[0]} units {found[1]} recognised" if found and found[2] == grammar.rule_ref(rule) else None
    if rule.extra("kind") == "group":
        parsed = parse_group(text, grammars, 2020, at_end=True)
        return f"deadline {parsed.group_deadline!r} recognised" if parsed and parsed.group_deadline else None
    if rule.extra("kind") == "label":
        table, start, _ = _label_table(grammars)
        m = start.match(text)
        return f"label {m.group('label')!r} recognised" if m and table[m.group("label")].rule_id == rule.id else None
    found = _clause_role(text, grammars)
    if found and found[0].rule_id == rule.id and split_units(found[1], grammars):
        return f"role {found[0].role} recognised"
    return None
