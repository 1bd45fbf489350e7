"""The `policyparse` command: a thin Typer layer over the library.

JSON goes to stdout so it can be piped; messages, warnings and errors go to stderr as one line
each. Exit codes: 0 success, 1 some input could not be processed, 2 usage error. Heavy modules
are imported inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import PolicyparseError

app = typer.Typer(
    name="policyparse",
    help="Turn Chinese government notices (通知, 实施方案, 工作要点) into clean, normalised JSON.\n\n"
    "Example: policyparse extract samples/lanzhou-2020-workpoints.txt",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def error_line(message: str) -> None:
    """One clear line on stderr (never a traceback)."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}")


def note_line(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[yellow]note:[/] {escape(message)}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policyparse {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Turn Chinese government notices into clean, normalised JSON."""


GrammarOption = Annotated[
    list[Path] | None,
    typer.Option("--grammar", "-g", help="Extra grammar file (YAML) to load beside the built-in ones; repeatable."),
]


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Notices to read (.txt, .html, .docx, .pdf, .ofd).",
                                                show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write one file per input into this folder.")]
    = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="json (pretty), jsonl (one line each) or "
                                              "csv (one row per task, UTF-8 with BOM).")] = OutputFormat.json,
    grammar: GrammarOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add to each task which grammar rule produced "
                                          "each field ('rules').")] = False,
) -> None:
    """Extract metadata, sections, tasks, units and deadlines from notices.

    Example: policyparse extract samples/lanzhou-2020-workpoints.txt > out.json

    Example: policyparse extract samples/*.txt -o out/ --format csv
    """
    from .commands.extract import run_extract

    code = run_extract(files, output, fmt.value, grammar or [], explain)
    raise typer.Exit(code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output (generated from the models).

    Example: policyparse schema > policyparse.schema.json
    """
    import json

    from .models import json_schema

    typer.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@cache
def _register_commands() -> None:
    """Commands kept in their own modules: every `commands/<name>.py` with a `register(app)` is added."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


def main() -> None:
    """Console entry point: every failure ends as one line on stderr and an exit code."""
    from .process import collect_garbage_less_often

    collect_garbage_less_often()
    _register_commands()
    try:
        app(standalone_mode=True)
    except PolicyparseError as exc:
        error_line(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(130)
