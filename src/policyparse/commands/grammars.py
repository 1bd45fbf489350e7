"""`policyparse grammars list|show|test|check`: see, test and check grammar files.

Grammars are data (grammars/*.yaml), so the CLI is how people read them and run their corpora
without opening Python. NAME is a built-in file's name (`fields` or `fields.yaml`) or a path to a
user grammar file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..grammar import Grammar

grammars_app = typer.Typer(
    name="grammars",
    help="List, show, test and check grammar files (the YAML rules the parser reads).\n\n"
    "Example: policyparse grammars test",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

NameArg = Annotated[str, typer.Argument(help="A built-in grammar (fields, fields.yaml) or a path to a grammar file.",
                                        show_default=False)]


def _resolve(names: list[str]) -> list[Grammar]:
    """Built-in grammars by name, user grammar files by path; GrammarError for anything else."""
    from ..grammar import GrammarError, load_grammar_file, load_grammars

    builtin = load_grammars()
    found: list[Grammar] = []
    for name in names:
        path = Path(name)
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found.append(load_grammar_file(path))
            continue
        try:
            found.append(builtin.by_name(name))
        except KeyError:
            known = ", ".join(g.name for g in builtin.files)
            raise GrammarError(f"{name}: no such grammar (built-in: {known}; or give a path to a .yaml file)") from None
    return found


def _fail(message: str, code: int = 2) -> typer.Exit:
    from ..cli import error_line

    error_line(message)
    return typer.Exit(code)


@grammars_app.command("list")
def list_command() -> None:
    """List the built-in grammar files: family, stage, rule and example counts, shapes covered.

    Example: policyparse grammars list
    """
    from rich.console import Console
    from rich.table import Table

    from ..grammar import GrammarError, load_grammars

    try:
        grammars = load_grammars().files
    except GrammarError as exc:
        raise _fail(str(exc)) from None
    table = Table(title="policyparse grammars", title_justify="left")
    for column in ("file", "family", "stage"):
        table.add_column(column, no_wrap=True)
    table.add_column("rules", justify="right")
    table.add_column("examples", justify="right")
    table.add_column("covers", overflow="fold")
    for grammar in grammars:
        table.add_row(grammar.path.name, grammar.family, grammar.spec.stage, str(grammar.rule_count),
                      str(grammar.example_count()), "; ".join(grammar.spec.covers))
    Console(highlight=False).print(table)


@grammars_app.command("show")
def show_command(name: NameArg) -> None:
    """Show one grammar file readably: its description and each rule with pattern and examples.

    Example: policyparse grammars show fields
    """
    from rich.console import Console
    from rich.markup import escape

    from ..grammar import GrammarError

    try:
        (grammar,) = _resolve([name])
    except GrammarError as exc:
        raise _fail(str(exc)) from None
    spec = grammar.spec
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"[bold]{escape(str(grammar.path))}[/]  family [cyan]{spec.family}[/], stage [cyan]{spec.stage}[/], "
              f"{grammar.rule_count} rules, {grammar.example_count()} examples")
    out.print(escape(spec.description.strip()))
    if spec.covers:
        out.print("[bold]covers[/]")
        for shape in spec.covers:
            out.print(f"  • {escape(shape)}")
    if spec.vocab:
        out.print("[bold]vocab[/] " + ", ".join(escape(k) for k in spec.vocab))
    for rule in spec.rules:
        line = grammar.lines.get(rule.id)
        where = f" [dim](line {line})[/]" if line else ""
        out.print(f"\n[bold cyan]{escape(rule.id)}[/] — {escape(rule.name)}{where}")
        if rule.pattern:
            out.print(f"  pattern: {escape(rule.pattern)}")
        for key, value in (rule.model_extra or {}).items():
            shown = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
            out.print(f"  {escape(key)}: {escape(shown)}")
        for example in rule.examples:
            year = f" (year {example.year})" if example.year is not None else ""
            out.print(f"  [green]✓[/] {escape(example.text)}{year} → {escape(str(example.expect))}")
        for text in rule.not_matching:
            out.print(f"  [red]✗[/] {escape(text)}")


@grammars_app.command("test")
def test_command(
    names: Annotated[list[str] | None, typer.Argument(
        help="Grammars to test (names or paths); default: every built-in grammar.", show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list every passing case.")] = False,
) -> None:
    """Run each grammar's own examples and not_matching entries; exit 1 on any failure.

    Example: policyparse grammars test

    Example: policyparse grammars test fields my-grammar.yaml
    """
    from rich.console import Console
    from rich.markup import escape

    from .. import corpus
    from ..grammar import GrammarError, load_grammars

    try:
        grammars = _resolve(names) if names else load_grammars().files
    except GrammarError as exc:
        raise _fail(str(exc)) from None
    out = Console(highlight=False, soft_wrap=True)
    outcomes = corpus.run(grammars)
    for outcome in outcomes:
        if not outcome.ok:
            text = f" {outcome.case.text!r}" if outcome.case.kind != "stage" else ""
            out.print(f"[bold red]FAIL[/] {escape(outcome.case.id)}{escape(text)}: {escape(outcome.error or '')}")
        elif verbose:
            out.print(f"[green]ok[/]   {escape(outcome.case.id)}")
    for grammar in grammars:
        untested = corpus.rules_without_corpus(grammar)
        if untested:
            out.print(f"[yellow]note:[/] {escape(grammar.path.name)}: rules without examples: "
                      + escape(", ".join(untested)))
    failed = sum(1 for o in outcomes if not o.ok)
    style = "red" if failed else "green"
    out.print(f"[{style}]{len(outcomes) - failed} passed, {failed} failed[/] ({len(grammars)} grammar files)")
    raise typer.Exit(1 if failed else 0)


@grammars_app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(help="Grammar files (YAML) to validate.", show_default=False)],
) -> None:
    """Validate grammar files: YAML, keys, regexes, unique ids, a stage that can run the examples.

    Each problem is one line naming the file, the line and the problem. Exit 1 if any file is bad.

    Example: policyparse grammars check my-grammar.yaml
    """
    from rich.console import Console
    from rich.markup import escape

    from .. import corpus
    from ..cli import error_line, note_line
    from ..grammar import GrammarError, load_grammar_file

    out = Console(highlight=False, soft_wrap=True)
    bad = 0
    for path in files:
        try:
            if not path.is_file():
                raise GrammarError(f"{path}: grammar file not found")
            grammar = load_grammar_file(path)
            corpus.stage_checks(grammar)
        except GrammarError as exc:
            error_line(str(exc))
            bad += 1
            continue
        except ValueError as exc:  # the stage module cannot run this file's examples
            error_line(f"{path}: line 2: {exc}")
            bad += 1
            continue
        untested = corpus.rules_without_corpus(grammar)
        if untested:
            note_line(f"{path}: rules without examples or not_matching: {', '.join(untested)}")
        out.print(f"[green]ok[/] {escape(str(path))}: {grammar.rule_count} rules, {grammar.example_count()} examples")
    raise typer.Exit(1 if bad else 0)


def register(app: typer.Typer) -> None:
    """Add the `grammars` command group to the CLI (found by cli._register_commands)."""
    app.add_typer(grammars_app, name="grammars")
