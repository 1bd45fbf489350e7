"""Every grammar corpus entry is a test case (`fields.yaml::lead-label::0`, `…::not-0`).

The runner is generic: it asks each file's stage module to check the entry. The runner itself is
tested too: a deliberately wrong example must fail, for every stage (ctparse's
test_run_corpus_failure, duckling's corpus asserts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyparse import corpus
from policyparse.grammar import Example, Grammar, load_grammar_file, load_grammars

CASES = list(corpus.cases(load_grammars().files))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_entry(case: corpus.Case) -> None:
    error = corpus.run_case(case)
    assert error is None, f"{case.id} {case.text!r}: {error}"


def _with_examples() -> list[Grammar]:
    return [g for g in load_grammars().files if any(r.examples for r in g.spec.rules)]


@pytest.mark.parametrize("grammar", _with_examples(), ids=lambda g: g.path.name)
def test_runner_fails_on_a_wrong_example(grammar: Grammar) -> None:
    """Each stage really checks `expect`: the file's first example with a wrong value must fail."""
    rule = next(r for r in grammar.spec.rules if r.examples)
    wrong = rule.examples[0].model_copy(update={"expect": "deliberately wrong ≠ anything"})
    case = corpus.Case(grammar=grammar, kind="example", rule=rule, index=0, text=wrong.text, example=wrong)
    assert corpus.run_case(case) is not None


def test_runner_fails_on_a_matching_not_matching_entry() -> None:
    """A not_matching entry that the rule does match must fail (headings `arabic-dot` matches "1.")."""
    grammar = load_grammars().by_name("headings")
    rule = grammar.rule("arabic-dot")
    case = corpus.Case(grammar=grammar, kind="not_matching", rule=rule, index=0, text="1.编制公布清单")
    assert "matched" in (corpus.run_case(case) or "")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("stage", ["output", "no_such_stage"])
def test_stage_without_check_functions_is_a_failure(tmp_path: Path, stage: str) -> None:
    """A file whose stage cannot check examples fails loudly instead of skipping its corpus."""
    path = _write(tmp_path, "x.yaml", f"family: x\nstage: {stage}\ndescription: d\nrules:\n"
                  "  - id: a\n    name: A\n    examples: [{text: t, expect: e}]\n")
    found = list(corpus.cases([load_grammar_file(path)]))
    assert [c.kind for c in found] == ["stage"]
    assert found[0].id == f"x.yaml::stage:{stage}"
    assert stage in (corpus.run_case(found[0]) or "")


def test_a_check_that_raises_is_reported_as_the_case_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import policyparse.structure as structure

    def boom(*_: object) -> str | None:
        raise RuntimeError("bad check")

    monkeypatch.setattr(structure, "check_example", boom)
    case = next(c for c in CASES if c.grammar.spec.stage == "structure" and c.kind == "example")
    assert corpus.run_case(case) == "check raised RuntimeError: bad check"


def test_user_grammar_examples_see_the_user_rules(tmp_path: Path) -> None:
    """A user fields file's label examples run against built-ins + that file (grammars_with)."""
    path = _write(tmp_path, "my-fields.yaml", """\
family: fields
stage: extract
description: 落实单位 as a responsible-unit label
rules:
  - id: carry-out-label
    name: "落实单位 label"
    kind: label
    role: responsible
    labels: [落实单位]
    examples:
      - {text: "落实单位：市财政局、市税务局", expect: "responsible 市财政局|市税务局"}
""")
    outcomes = corpus.run([load_grammar_file(path)])
    assert [(o.case.id, o.error) for o in outcomes] == [("my-fields.yaml::carry-out-label::0", None)]


_USER_DEADLINES = """\
family: deadlines
stage: deadlines
description: 斜线日期 (6/30前) and 久久为功
defaults:
  year: 2020
rules:
  - id: slash-day
    name: "M/D前 → that day"
    kind: by_date
    resolve: day
    pattern: '(?<![0-9/])(?P<month>1[0-2]|0?[1-9])/(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9/])(?P<before>前)'
    examples:
      - {text: "6/30前", expect: "by_date 2020-06-30"}
    not_matching: ["6/30", "%s"]
  - id: long-haul
    name: "久久为功 → ongoing"
    kind: ongoing
    role: ongoing
    pattern: '久久为功'
    examples:
      - {text: "久久为功", expect: "ongoing"}
"""


def test_user_deadline_examples_see_the_user_rules(tmp_path: Path) -> None:
    """A user deadlines file's examples run against built-ins + that file: its rules fire."""
    path = _write(tmp_path, "my-deadlines.yaml", _USER_DEADLINES % "1/2的资金")
    outcomes = corpus.run([load_grammar_file(path)])
    assert [(o.case.id, o.error) for o in outcomes] == [
        ("my-deadlines.yaml::slash-day::0", None),
        ("my-deadlines.yaml::slash-day::not-0", None),
        ("my-deadlines.yaml::slash-day::not-1", None),
        ("my-deadlines.yaml::long-haul::0", None),
    ]


def test_user_deadline_not_matching_sees_the_user_rules(tmp_path: Path) -> None:
    """A not_matching entry the user's own rule reads fails (it would pass unseen on built-ins alone)."""
    path = _write(tmp_path, "my-deadlines.yaml", _USER_DEADLINES % "9/1前")
    failed = {o.case.id: o.error for o in corpus.run([load_grammar_file(path)]) if not o.ok}
    assert list(failed) == ["my-deadlines.yaml::slash-day::not-1"]
    assert "fired on not_matching '9/1前'" in (failed["my-deadlines.yaml::slash-day::not-1"] or "")


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_example_model_is_the_corpus_entry() -> None:
    """Examples are the grammar's own model, so stages get `year` and `note` too."""
    assert {"text", "expect", "year", "note"} <= set(Example.model_fields)
