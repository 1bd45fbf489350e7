"""Run grammar corpora: every `examples:` and `not_matching:` entry of a grammar file is a test.

The runner knows no families. A file names its `stage`; the module `policyparse.<stage>` must
expose `check_example(grammar, rule, example)` and `check_not_matching(grammar, rule, text)`,
each returning an error message or None. A stage without them is itself reported as a failure,
so a new grammar file can never skip its tests silently. Used by `policyparse grammars test`
and by `tests/test_grammar_corpus.py` (one pytest case per entry, same ids).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .grammar import Example, Grammar, Rule

CaseKind = Literal["example", "not_matching", "stage"]
CHECKS = ("check_example", "check_not_matching")


@dataclass(frozen=True)
class Case:
    """One corpus entry (or, kind "stage", the stage module of a file that cannot run any)."""

    grammar: Grammar
    kind: CaseKind
    rule: Rule | None = None
    index: int = 0
    text: str = ""
    example: Example | None = None
    problem: str | None = None

    @property
    def id(self) -> str:
        """`fields.yaml::lead-label::0` for examples, `…::not-0` for not_matching entries."""
        base = self.grammar.path.name
        if self.kind == "stage" or self.rule is None:
            return f"{base}::stage:{self.grammar.spec.stage}"
        suffix = str(self.index) if self.kind == "example" else f"not-{self.index}"
        return f"{base}::{self.rule.id}::{suffix}"


@dataclass(frozen=True)
class Outcome:
    case: Case
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def stage_checks(grammar: Grammar) -> tuple[Callable[..., str | None], Callable[..., str | None]]:
    """The stage module's two check functions; ValueError says why a stage cannot run examples."""
    stage = grammar.spec.stage
    try:
        module = importlib.import_module(f"policyparse.{stage}")
    except ImportError as exc:
        raise ValueError(f"stage {stage!r}: no module policyparse.{stage} ({exc})") from exc
    found: list[Callable[..., str | None]] = []
    for name in CHECKS:
        check = getattr(module, name, None)
        if not callable(check):
            raise ValueError(f"stage {stage!r}: policyparse.{stage} has no {name}(grammar, rule, …) function, "
                             "so this file's examples cannot run")
        found.append(check)
    return found[0], found[1]


def cases(grammars: Iterable[Grammar]) -> Iterator[Case]:
    """Every entry of every given file, in file order; a stage that cannot check gives one failing case."""
    for grammar in grammars:
        try:
            stage_checks(grammar)
        except ValueError as exc:
            yield Case(grammar=grammar, kind="stage", problem=str(exc))
            continue
        for rule in grammar.spec.rules:
            for index, example in enumerate(rule.examples):
                yield Case(grammar=grammar, kind="example", rule=rule, index=index, text=example.text,
                           example=example)
            for index, text in enumerate(rule.not_matching):
                yield Case(grammar=grammar, kind="not_matching", rule=rule, index=index, text=text)


def run_case(case: Case) -> str | None:
    """The error of one case, or None; a check that raises is a failure, not a crash of the run."""
    if case.kind == "stage" or case.rule is None:
        return case.problem or "stage cannot check examples"
    try:
        check_example, check_not_matching = stage_checks(case.grammar)
        if case.kind == "example":
            error: Any = check_example(case.grammar, case.rule, case.example)
        else:
            error = check_not_matching(case.grammar, case.rule, case.text)
    except Exception as exc:  # a broken check must show up as this case's failure
        return f"check raised {type(exc).__name__}: {exc}"
    return None if error is None else str(error)


def run(grammars: Iterable[Grammar]) -> list[Outcome]:
    """Run every case of the given files."""
    return [Outcome(case, run_case(case)) for case in cases(grammars)]


def rules_without_corpus(grammar: Grammar) -> list[str]:
    """Ids of rules that have neither examples nor not_matching entries (untested rules)."""
    return [r.id for r in grammar.spec.rules if not r.examples and not r.not_matching]
