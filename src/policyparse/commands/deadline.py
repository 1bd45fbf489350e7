"""`policyparse deadline PHRASE`: normalise one deadline phrase and print it as JSON (grammar work)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cli import GrammarOption

if TYPE_CHECKING:
    from ..grammar import GrammarSet


def register(app: typer.Typer) -> None:
    """Add the `deadline` command to the policyparse app."""
    app.command("deadline")(deadline_cli)


def deadline_cli(
    phrase: Annotated[str, typer.Argument(help="The deadline phrase, e.g. 2020年8月底前 or 二、三季度.")],
    year: Annotated[int | None, typer.Option("--year", help="The document's year (8月底前, 年底前).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="The document date YYYY-MM-DD (三年内).")] = None,
    grammar: GrammarOption = None,
) -> None:
    """Print the normalised deadline (kind, end, text, milestones, rule) as JSON.

    Example: policyparse deadline "二、三季度" --year 2023

    Example: policyparse deadline "6/30前" --grammar my-deadlines.yaml
    """
    import datetime
    import json

    from policyparse.deadlines import normalise

    ref = None
    if date is not None:
        try:
            ref = datetime.date.fromisoformat(date)
        except ValueError:
            typer.echo(f"policyparse deadline: --date {date!r} is not a date (expected YYYY-MM-DD)", err=True)
            raise typer.Exit(2) from None
    result = normalise(phrase, year, ref, _grammar_set(grammar or []))
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _grammar_set(paths: list[Path]) -> GrammarSet:
    """The built-ins plus the `--grammar` files; a bad file is one line and exit 2, as for `extract`."""
    from ..cli import error_line
    from ..grammar import GrammarError
    from ..pipeline import grammars_for

    try:
        return grammars_for(paths)
    except GrammarError as exc:
        error_line(str(exc))
        raise typer.Exit(2) from None
