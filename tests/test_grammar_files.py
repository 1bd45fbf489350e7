"""Grammar files as data: every built-in file validates, and the validator's errors are useful.

Errors must name the file, the line and the problem on one line (what `extract --grammar` and
`grammars check` print), so the validator is tested from a table of broken snippets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policyparse.grammar import GrammarError, builtin_grammar_dir, load_grammar_file, load_grammars

BUILTIN = sorted(builtin_grammar_dir().rglob("*.yaml"))

# Files whose rules are not text patterns and so have no corpus, with the test that covers them instead.
NO_CORPUS = {"layouts.yaml": "evidence lists over other rules' ids: see test_layout_evidence_names_known_rules"}
# Evidence the extract stage records without a grammar rule behind it (task sources; a deadline
# found in a closing parenthetical by the deadline stage).
TASK_SOURCES = {"numbered-item", "table-row", "parenthetical-deadline"}


def test_there_are_builtin_grammars() -> None:
    assert BUILTIN, f"no grammar files under {builtin_grammar_dir()}"


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_builtin_file_validates(path: Path) -> None:
    grammar = load_grammar_file(path)
    assert grammar.spec.rules, f"{path.name}: no rules"
    assert grammar.spec.covers, f"{path.name}: says nothing under `covers` (shown by `grammars list`)"


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_rule_ids_unique(path: Path) -> None:
    ids = [rule["id"] for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}"


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_every_rule_has_a_corpus(path: Path) -> None:
    if path.name in NO_CORPUS:
        pytest.skip(NO_CORPUS[path.name])
    grammar = load_grammar_file(path)
    bare = [r.id for r in grammar.spec.rules if not r.examples and not r.not_matching]
    assert not bare, f"{path.name}: rules without examples or not_matching: {', '.join(bare)}"


def test_layout_evidence_names_known_rules() -> None:
    grammars = load_grammars()
    known = {r.id for g in grammars.files for r in g.spec.rules} | TASK_SOURCES
    for grammar, rule in grammars.rules("layouts"):
        unknown = set(rule.extra("evidence", [])) - known
        assert not unknown, f"{grammar.rule_ref(rule)}: evidence names no rule: {sorted(unknown)}"


def test_families_and_stages_are_consistent() -> None:
    """All files of one family are read by one stage (user files extend the family)."""
    stages: dict[str, set[str]] = {}
    for grammar in load_grammars().files:
        stages.setdefault(grammar.family, set()).add(grammar.spec.stage)
    assert {f: s for f, s in stages.items() if len(s) > 1} == {}


HEAD = "family: fields\nstage: extract\ndescription: d\n"

# (snippet, line the error must name, words the problem must contain)
BROKEN = [
    pytest.param(HEAD + "rules:\n  - id: a\n    name: [A\n", 6, "invalid YAML", id="yaml-syntax"),
    pytest.param(HEAD + "rules:\n  - id: a\n\tname: A\n", 6, "invalid YAML", id="yaml-tab"),
    pytest.param("- family: fields\n", 1, "must be a mapping", id="not-a-mapping"),
    pytest.param("", 1, "must be a mapping", id="empty-file"),
    pytest.param(HEAD + "famly: x\nrules: []\n", 4, "unknown key 'famly'", id="unknown-top-key"),
    pytest.param("family: fields\ndescription: d\nrules: []\n", 1, "missing required key 'stage'", id="missing-stage"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n    pattern: '(unclosed'\n", 7, "pattern does not compile",
                 id="bad-regex"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n    pattern: '(?P<s>-)x(?P=s)'\n", 7, "refers back to a group",
                 id="group-reference"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n    pattern: '(a)b\\1'\n", 7, "refers back to a group",
                 id="numbered-reference"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n  - id: Bad_Id\n    name: B\n", 7, "rule 'Bad_Id': id",
                 id="bad-id"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", 7, "duplicate rule id 'a'",
                 id="duplicate-id"),
    pytest.param(HEAD + "rules:\n  - id: a\n    examples:\n      - {text: x, expect: y}\n", 5,
                 "missing required key 'name'", id="rule-without-name"),
    pytest.param(HEAD + "rules:\n  - id: a\n    name: A\n    examples:\n      - {text: x, expct: y}\n", 8,
                 "unknown key 'expct'", id="example-typo"),
    pytest.param(HEAD + "rules:\n  - just a string\n", 5, "rules.0", id="rule-not-a-mapping"),
    pytest.param("family: Fields!\nstage: extract\ndescription: d\n", 1, "family", id="bad-family-name"),
]


@pytest.mark.parametrize(("snippet", "line", "problem"), BROKEN)
def test_validator_names_file_line_and_problem(tmp_path: Path, snippet: str, line: int, problem: str) -> None:
    path = tmp_path / "user.yaml"
    path.write_text(snippet, encoding="utf-8")
    with pytest.raises(GrammarError) as caught:
        load_grammar_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert f"line {line}:" in message, message
    assert problem in message, message
    assert "\n" not in message, "one line, so the CLI prints exactly one line"


def test_missing_user_grammar_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match="grammar file not found"):
        load_grammars([tmp_path / "nope.yaml"])
