"""Grammar files: find them, validate them, compile their patterns once.

Every rule family lives in one YAML file under `grammars/` (shipped inside the wheel as
`policyparse/grammars`). A file names the pipeline stage that reads it (`stage:`); that stage's
module exposes `check_example(grammar, rule, example)` so each file's examples can be run as tests
without any registry in Python. Errors name the file, the line and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class GrammarError(ValueError):
    """A grammar file that cannot be used: says which file, line and problem."""


class Example(BaseModel):
    """One corpus entry: an input text and what the rule must produce (stage-specific form)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    expect: Any = None
    year: int | None = None
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")  # the document's date (春节前)
    note: str | None = None


class Rule(BaseModel):
    """The common envelope of every rule; stages add their own keys (kept in `model_extra`)."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(pattern=ID_PATTERN)
    name: str
    pattern: str | None = None
    examples: list[Example] = Field(default_factory=list)
    not_matching: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from exc
            if _GROUP_REFERENCE.search(value):
                raise ValueError("pattern refers back to a group ((?P=name), (?(name)…) or \\1): the stages "
                                 "combine rules into one pattern and rename their groups, so it cannot")
        return value

    def extra(self, key: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(key, default)


_GROUP_REFERENCE = re.compile(r"\(\?P=|\(\?\(|(?<!\\)\\[1-9]")


class GrammarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    family: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    stage: str = Field(pattern=r"^[a-z_]+$", description="policyparse module that reads this file")
    description: str
    covers: list[str] = Field(default_factory=list, description="shapes this file handles, for `grammars list`")
    defaults: dict[str, Any] = Field(default_factory=dict)
    vocab: dict[str, Any] = Field(default_factory=dict, description="word lists and fragments rules share")
    rules: list[Rule] = Field(default_factory=list)


@dataclass(eq=False)
class Grammar:
    """A validated grammar file with its compiled patterns."""

    path: Path
    spec: GrammarFile
    compiled: dict[str, re.Pattern[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def family(self) -> str:
        return self.spec.family

    def rule_ref(self, rule: Rule) -> str:
        return f"{self.path.name}::{rule.id}"

    def pattern(self, rule_id: str) -> re.Pattern[str]:
        return self.compiled[rule_id]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.spec.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"{self.path.name}: no rule {rule_id!r}")

    @property
    def rule_count(self) -> int:
        return len(self.spec.rules)

    def example_count(self) -> int:
        return sum(len(r.examples) + len(r.not_matching) for r in self.spec.rules)


def builtin_grammar_dir() -> Path:
    """The grammars shipped with the package (installed wheel) or beside the source tree (checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "grammars"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "grammars"


def _rule_lines(text: str) -> dict[str, int]:
    """Line number of each `- id: x` so errors and `grammars show` can point into the file."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*-\s*id:\s*['\"]?([A-Za-z0-9-]+)", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _node_line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """1-based line of the deepest YAML node on `loc` (a pydantic error location); 0 if unknown."""
    node, line = root, (root.start_mark.line + 1 if root is not None else 0)
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree (positions only); composed on error paths alone, to keep loading fast."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _problem(err: Any) -> str:
    """Pydantic's message, reworded for the two mistakes people make most in grammar files."""
    loc = err["loc"]
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if err["type"] == "missing":
        return f"missing required key {loc[-1]!r}"
    return str(err["msg"]).removeprefix("Value error, ")


def _error_line(exc: ValidationError, data: dict[str, Any], text: str) -> str:
    """Every validation problem as `line N: where: problem`, joined into one line."""
    root = _compose(text)
    parts: list[tuple[int, str]] = []
    for err in exc.errors():
        loc = err["loc"]
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") or []
            if loc[1] < len(rules) and isinstance(rules[loc[1]], dict) and rules[loc[1]].get("id"):
                inner = ".".join(str(p) for p in loc[2:]) or "rule"
                where = f"rule {rules[loc[1]]['id']!r}: {inner}"
        line = _node_line(root, loc)
        prefix = f"line {line}: " if line else ""
        parts.append((line, f"{prefix}{where}: {_problem(err)}"))
    return "; ".join(part for _, part in sorted(parts, key=lambda p: p[0]))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """`line N: invalid YAML (…)`; the line is where the construct began (an unclosed [ or "), if known."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None)
    detail = f"{context}: {problem}" if context else problem
    return f"line {mark.line + 1}: invalid YAML ({detail})" if mark is not None else f"invalid YAML ({detail})"


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~10× faster: start-up time


def load_grammar_file(path: Path) -> Grammar:
    """Read and validate one grammar file; raise GrammarError naming file, line and problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GrammarError(f"{path}: cannot read grammar file ({exc})") from exc
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (libyaml's when present)
    except yaml.YAMLError:
        data = None  # parse again with the pure-Python loader: its messages point at the right line
    try:
        if data is None:
            data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GrammarError(f"{path}: {_yaml_problem(exc)}") from exc
    if not isinstance(data, dict):
        raise GrammarError(f"{path}: line 1: a grammar file must be a mapping with family, stage and rules")
    lines = _rule_lines(text)
    try:
        spec = GrammarFile.model_validate(data)
    except ValidationError as exc:
        raise GrammarError(f"{path}: {_error_line(exc, data, text)}") from exc
    seen: set[str] = set()
    compiled: dict[str, re.Pattern[str]] = {}
    for index, rule in enumerate(spec.rules):
        if rule.id in seen:
            line = _node_line(_compose(text), ("rules", index, "id"))
            raise GrammarError(f"{path}: line {line}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        if rule.pattern is not None:
            compiled[rule.id] = re.compile(rule.pattern)
    return Grammar(path=path, spec=spec, compiled=compiled, lines=lines)


@dataclass(eq=False)
class GrammarSet:
    """All grammars in use, by family; user grammars extend the built-in ones."""

    files: list[Grammar]

    def family(self, name: str) -> list[Grammar]:
        memo: dict[str, list[Grammar]] = self.__dict__.setdefault("_family_memo", {})
        if name not in memo:
            memo[name] = [g for g in self.files if g.family == name]
        return memo[name]

    def rules(self, family: str) -> list[tuple[Grammar, Rule]]:
        """Every rule of a family in file order (memoised: stages ask for them on hot paths)."""
        memo: dict[str, list[tuple[Grammar, Rule]]] = self.__dict__.setdefault("_rules_memo", {})
        if family not in memo:
            memo[family] = [(g, r) for g in self.family(family) for r in g.spec.rules]
        return memo[family]

    def vocab(self, family: str, key: str) -> list[Any]:
        """A word list merged across every file of a family (user files add to built-in ones)."""
        merged: list[Any] = []
        for grammar in self.family(family):
            for item in grammar.spec.vocab.get(key, []) or []:
                if item not in merged:
                    merged.append(item)
        return merged

    def number(self, family: str, key: str, default: int) -> int:
        """A numeric setting from a family's vocab, the first file that sets it winning (memoised)."""
        memo: dict[tuple[str, str, int], int] = self.__dict__.setdefault("_number_memo", {})
        if (family, key, default) not in memo:
            memo[(family, key, default)] = next(
                (int(g.spec.vocab[key]) for g in self.family(family) if key in g.spec.vocab), default)
        return memo[(family, key, default)]

    def vocab_pattern(self, family: str, key: str) -> re.Pattern[str]:
        """A vocab list of regex fragments as one alternation (memoised); one that never matches when
        no file of the family has the key."""
        memo: dict[tuple[str, str], re.Pattern[str]] = self.__dict__.setdefault("_pattern_memo", {})
        if (family, key) not in memo:
            memo[(family, key)] = re.compile("|".join(map(str, self.vocab(family, key))) or "(?!)")
        return memo[(family, key)]

    def vocab_map(self, family: str, key: str) -> dict[str, str]:
        """A mapping merged across every file of a family (later files override earlier ones)."""
        merged: dict[str, str] = {}
        for grammar in self.family(family):
            merged.update({str(k): str(v) for k, v in (grammar.spec.vocab.get(key) or {}).items()})
        return merged

    def by_name(self, name: str) -> Grammar:
        for grammar in self.files:
            if grammar.name == name or grammar.path.name == name:
                return grammar
        raise KeyError(name)



def load_grammars(extra: Iterable[Path] = ()) -> GrammarSet:
    """The built-in grammars plus any user grammar files (validated); cached per set of paths."""
    return _load_grammars(tuple(str(Path(p).resolve()) for p in extra))


@cache
def _load_grammars(extra: tuple[str, ...]) -> GrammarSet:
    directory = builtin_grammar_dir()
    paths = sorted(directory.rglob("*.yaml"))
    files = [load_grammar_file(p) for p in paths]
    for item in extra:
        path = Path(item)
        if not path.is_file():
            raise GrammarError(f"{path}: grammar file not found")
        files.append(load_grammar_file(path))
    return GrammarSet(files=files)


def grammars_with(grammar: Grammar) -> GrammarSet:
    """The set a corpus example runs against: the built-ins, plus `grammar` when it is a user file.

    Stage check functions use this so that a user grammar's examples see the user's own rules.
    """
    builtin = load_grammars()
    target = grammar.path.resolve()
    if any(g.path.resolve() == target for g in builtin.files):
        return builtin
    return load_grammars((grammar.path,))
