"""`policyparse validate`: re-extract sample notices and compare with their expected files.

Exit codes: 0 every notice matches (or --update wrote the new expectations), 1 some notice differs
or could not be extracted, 2 usage error (nothing to validate, bad grammar, bad --fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import GrammarOption

if TYPE_CHECKING:
    from rich.console import Console

    from ..validate import NoticeResult

_SIGN_STYLE = {"+": "green", "−": "red", "~": "yellow"}


def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Folders of notices (or notice files); each notice <name>.txt|.html|.docx|.pdf|.ofd is compared "
             "with <name>.expected.json beside it. Default: the current folder.", show_default=False)] = None,
    update: Annotated[bool, typer.Option("--update", help="Rewrite expected files that differ (after showing "
                                         "the diff) and create missing ones.")] = False,
    junit: Annotated[Path | None, typer.Option("--junit", help="Also write a JUnit XML report (one test case "
                                               "per notice) to this file.")] = None,
    fields: Annotated[str | None, typer.Option("--fields", help="Compare only these groups, comma-separated: "
                                               "meta,sections,tasks,units,deadlines.")] = None,
    grammar: GrammarOption = None,
) -> None:
    """Check that notices still extract to their expected files; exit 1 on any difference.

    Compares metadata, section counts and each task's number, section, title, units and deadline;
    offsets, hashes and paths are ignored. Differences are shown per field.

    Example: policyparse validate samples

    Example: policyparse validate samples --update
    """
    raise typer.Exit(run_validate(paths or [Path(".")], update, junit, fields, grammar or []))


def run_validate(paths: list[Path], update: bool, junit: Path | None, fields: str | None,
                 grammars: list[Path]) -> int:
    """The command's work; returns the exit code."""
    from rich.console import Console

    from ..cli import error_line, note_line
    from ..grammar import GrammarError
    from ..pipeline import grammars_for
    from ..validate import ValidateUsageError, find_pairs, needs_update, parse_fields, validate_pair, write_expected

    try:
        if update and fields:
            raise ValidateUsageError("--update rewrites whole expected files, so it cannot be combined with --fields")
        groups = parse_fields(fields)
        grammars_for(grammars)
        pairs = find_pairs(paths, include_new=update)
    except (ValidateUsageError, GrammarError) as exc:
        error_line(str(exc))
        return 2
    where = " ".join(str(p) for p in paths)
    if not pairs:
        if update:
            error_line(f"no notices (.txt, .html, .docx, .pdf, .ofd) found in {where}")
        else:
            error_line(f"no notice with a <name>.expected.json beside it in {where}; "
                       f"create the expected files with: policyparse validate {where} --update")
        return 2
    if not update:
        skipped = [p for p in find_pairs(paths, include_new=True) if not p.expected.exists()]
        if skipped:
            note_line(f"{len(skipped)} notice(s) without an expected file, not checked: "
                      + ", ".join(p.notice.name for p in skipped))

    console = Console(highlight=False, soft_wrap=True)
    results = []
    for pair in pairs:
        result = validate_pair(pair, groups, grammars, keep_output=update)
        results.append(result)
        _print_result(console, result)
    _print_summary(console, results)

    if junit is not None:
        from ..validate import junit_xml
        from ..writefile import atomic_write_text

        atomic_write_text(junit, junit_xml(results))
    if update:
        written = [r for r in results if needs_update(r)]
        for result in written:
            write_expected(result)
            console.print(f"[green]wrote[/] {result.pair.expected}")
        if not written:
            console.print("expected files already up to date")
        return 1 if any(r.output is None for r in results) else 0
    return 0 if all(r.ok for r in results) else 1


def _print_result(console: Console, result: NoticeResult) -> None:
    """The per-notice block: a header line, then one line per difference."""
    from rich.markup import escape

    name = escape(str(result.pair.notice))
    if result.ok:
        console.print(f"[green]✓[/] {name}")
        return
    if result.status == "error":
        console.print(f"[bold red]✗ {name}[/]: {escape(result.error or '')}")
        return
    if result.status == "new":
        console.print(f"[yellow]+ {name}[/]: no expected file yet ({escape(result.pair.expected.name)})")
        return
    count = len(result.differences)
    console.print(f"[bold red]✗ {name}[/]: {count} difference{'s' * (count != 1)}")
    for diff in result.differences:
        console.print(f"    [{_SIGN_STYLE.get(diff.sign, 'yellow')}]{escape(diff.text)}[/]")


def _print_summary(console: Console, results: list[NoticeResult]) -> None:
    from rich.table import Table

    table = Table(title="policyparse validate", title_justify="left")
    table.add_column("notice", overflow="fold")
    table.add_column("tasks expected", justify="right", max_width=8)
    table.add_column("tasks got", justify="right", max_width=5)
    table.add_column("differences", justify="right", max_width=11)
    table.add_column("status")
    styles = {"ok": "green", "differs": "red", "error": "bold red", "new": "yellow"}
    for result in results:
        table.add_row(
            str(result.pair.notice),
            "–" if result.expected_tasks is None else str(result.expected_tasks),
            "–" if result.got_tasks is None else str(result.got_tasks),
            str(len(result.differences)),
            f"[{styles[result.status]}]{result.status}[/]",
        )
    console.print(table)
    bad = sum(1 for r in results if not r.ok)
    console.print(f"{len(results) - bad} of {len(results)} notice(s) match their expected files")


def register(app: typer.Typer) -> None:
    """Add `validate` to the CLI (found by cli._register_commands)."""
    app.command("validate")(validate_command)
