"""`policyparse explain FILE`: which grammar rule produced each extracted value, and where."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `explain` command to the policyparse app."""
    app.command("explain")(explain_cli)


def explain_cli(
    file: Annotated[Path, typer.Argument(help="The notice to explain.", show_default=False)],
    task: Annotated[list[str] | None, typer.Option("--task", "-t", help="Only these task ids (t3) or numbers; "
                                                   "repeatable.")] = None,
    grammar: Annotated[list[Path] | None, typer.Option("--grammar", "-g", help="Extra grammar file; repeatable.")]
    = None,
) -> None:
    """Show, task by task, the rule behind every field and the lines the task spans.

    Example: policyparse explain samples/xixian-2017-plan-traditional.txt --task t18
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    from ..cli import error_line
    from ..errors import PolicyparseError
    from ..load import load
    from ..pipeline import extract_with_text

    try:
        extraction, text = extract_with_text(load(file, display_path=str(file)), grammars=tuple(grammar or ()),
                                             explain=True)
    except PolicyparseError as exc:
        error_line(str(exc))
        raise typer.Exit(exc.exit_code) from None
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 240)
    console.print(f"[bold]{escape(str(file))}[/]  format {extraction.source.format}, layout "
                  f"{extraction.source.grammar or '—'}, repairs {', '.join(extraction.source.repairs) or '—'}")
    wanted = set(task or ())
    shown = 0
    for number, document in enumerate(extraction.documents, start=1):
        root = Tree(f"document {number}: {escape(document.meta.title or '(no title)')}")
        for item in document.tasks:
            if wanted and item.id not in wanted and (item.number or "") not in wanted:
                continue
            shown += 1
            first, last = (text.count("\n", 0, item.span[0]) + 1, text.count("\n", 0, item.span[1]) + 1)
            rules = item.rules or {}
            node = root.add(f"[bold]{item.id}[/] {escape(item.number or '-')} {escape(item.title)}  "
                            f"[dim]lines {first}–{last} of the normalised text[/]")
            node.add(f"found by {rules.get('task', 'a 具体举措 block or table row')}")
            for label, value, key in (
                ("lead", "、".join(item.lead_units) or "—", "lead_units"),
                ("responsible", "、".join(item.responsible_units) or "—", "responsible_units"),
                ("deadline", f"{item.deadline.kind} {item.deadline.end or ''} ← {item.deadline.text or '—'}",
                 "deadline"),
            ):
                rule = rules.get(key) or "—"
                if key == "deadline" and rules.get("deadline_kind"):
                    rule = f"{rule}; {rules['deadline_kind']}"
                node.add(f"{label}: {escape(value)}  [dim]{escape(rule)}[/]")
        for warning in document.warnings:
            root.add(f"[yellow]warning[/] {warning.code} {escape(warning.task_id or '')}: {escape(warning.message)}")
        console.print(root)
    if wanted and not shown:
        error_line(f"{file}: no task {', '.join(sorted(wanted))}")
        raise typer.Exit(1)
