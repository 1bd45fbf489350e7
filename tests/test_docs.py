"""Docs the tests keep true: every command has a section in docs/cli.md, every grammar file is named
in docs/grammars.md, docs/schema.md lists exactly the models' fields, and the worked example in
docs/grammars.md runs as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from policyparse import cli, models
from policyparse.grammar import builtin_grammar_dir

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"


def _command_paths() -> list[tuple[str, Any]]:
    """Every registered command as ("grammars list", click command), groups included."""
    cli._register_commands()
    root = typer.main.get_command(cli.app)
    found: list[tuple[str, Any]] = []

    def walk(command: Any, prefix: str) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            path = f"{prefix} {name}".strip()
            found.append((path, sub))
            walk(sub, path)

    walk(root, "")
    return found


COMMANDS = _command_paths()


def _cli_sections() -> set[str]:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    return {m.group(1).strip() for m in re.finditer(r"^#{2,4} policyparse ([a-z][a-z -]*)$", text, re.M)}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_a_cli_md_section(path: str, command: Any) -> None:
    assert (command.help or "").strip(), f"`policyparse {path}` has no help text"
    assert path in _cli_sections(), f"docs/cli.md has no section `## policyparse {path}`"


@pytest.mark.parametrize("path", sorted(builtin_grammar_dir().rglob("*.yaml")), ids=lambda p: p.name)
def test_every_grammar_file_is_named_in_grammars_md(path: Path) -> None:
    assert path.name in (DOCS / "grammars.md").read_text(encoding="utf-8"), \
        f"docs/grammars.md does not mention {path.name}"


SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    name: getattr(models, name)
    for name in ("Extraction", "Source", "Document", "Meta", "Section", "Task", "Deadline", "Milestone",
                 "ParseWarning")
}


def _documented_fields() -> dict[str, set[str]]:
    """`### Model` headings of docs/schema.md → the backticked names in the first column of its table."""
    fields: dict[str, set[str]] = {}
    current: str | None = None
    for line in (DOCS / "schema.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = heading.group(1)
            fields[current] = set()
        elif current and (row := re.match(r"^\|\s*`(\w+)`\s*\|", line)):
            fields[current].add(row.group(1))
    return fields


def test_schema_md_documents_every_model() -> None:
    assert set(_documented_fields()) == set(SCHEMA_MODELS)


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_schema_md_fields_match_the_model(name: str) -> None:
    documented = _documented_fields().get(name, set())
    actual = set(SCHEMA_MODELS[name].model_fields)
    assert documented == actual, (f"docs/schema.md {name}: missing {sorted(actual - documented)}, "
                                  f"not in the model {sorted(documented - actual)}")


def test_every_model_reachable_from_extraction_is_documented() -> None:
    """A model added to the contract (a new nested object) needs its own section."""
    seen: set[str] = set()
    stack: list[type[BaseModel]] = [models.Extraction]
    while stack:
        model = stack.pop()
        if model.__name__ in seen:
            continue
        seen.add(model.__name__)
        for info in model.model_fields.values():
            for arg in _types(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    stack.append(arg)
    assert seen == set(SCHEMA_MODELS)


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [t for a in args for t in _types(a)]


# ---------------------------------------------------------------- the worked example in grammars.md


def _run(*args: str) -> Any:
    cli._register_commands()
    return CliRunner().invoke(cli.app, list(args))


def test_worked_example_files_exist_and_are_quoted() -> None:
    text = (DOCS / "grammars.md").read_text(encoding="utf-8")
    for name in ("zhangye-2021-duban.txt", "duban-labels.yaml", "zhangye-2021-duban.expected.json"):
        assert (EXAMPLES / name).is_file()
        assert name in text
    body = (EXAMPLES / "duban-labels.yaml").read_text(encoding="utf-8")
    rules = body[body.index("family:"):]
    quoted = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert quoted is not None
    # the page shows the file (comments and the long description line aside)
    for line in quoted.group(1).splitlines():
        assert line.strip() in rules, f"docs/grammars.md shows a line not in duban-labels.yaml: {line!r}"


def test_worked_example_grammar_checks_and_tests() -> None:
    grammar = str(EXAMPLES / "duban-labels.yaml")
    assert _run("grammars", "check", grammar).exit_code == 0
    result = _run("grammars", "test", grammar)
    assert result.exit_code == 0 and "6 passed, 0 failed" in result.stdout


def test_worked_example_extracts_units_only_with_the_grammar() -> None:
    notice = str(EXAMPLES / "zhangye-2021-duban.txt")
    grammar = str(EXAMPLES / "duban-labels.yaml")
    before = json.loads(_run("extract", notice).stdout)["documents"][0]["tasks"]
    after = json.loads(_run("extract", notice, "--grammar", grammar).stdout)["documents"][0]["tasks"]
    assert [t["lead_units"] for t in before] == [[], [], []]
    assert after[0]["lead_units"] == ["市市场监督管理局"]
    assert after[0]["responsible_units"] == ["市税务局", "市人力资源和社会保障局"]
    assert after[0]["deadline"]["end"] == "2021-06-30"
    assert "主办部门" not in after[0]["text"]
    assert after[2]["deadline"]["kind"] == "ongoing"


def test_worked_example_validates() -> None:
    grammar = str(EXAMPLES / "duban-labels.yaml")
    assert _run("validate", str(EXAMPLES), "--grammar", grammar).exit_code == 0
    assert _run("validate", str(EXAMPLES)).exit_code == 1  # without the grammar the units are gone
