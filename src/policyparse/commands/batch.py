"""`policyparse batch`: convert folders and archives of notices in parallel, resumably."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class BatchFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"


class ProgressKind(StrEnum):
    auto = "auto"
    bar = "bar"
    plain = "plain"
    none = "none"


def batch(
    inputs: Annotated[list[Path], typer.Argument(help="Files, folders (recursive), globs, .zip / .tar / .tar.gz "
                                                 "archives.", show_default=False, metavar="INPUT")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder (created if needed).",
                                         show_default=False)],
    fmt: Annotated[BatchFormat, typer.Option("--format", "-f", help="json: OUTDIR/<relative path>.json per "
                                             "notice; jsonl: one OUTDIR/notices.jsonl.")] = BatchFormat.json,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Worker processes (default: all "
                                                "cores).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every input, even those already done.")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failed input.")] = False,
    grammar: Annotated[list[Path] | None, typer.Option("--grammar", "-g", help="Extra grammar file (YAML); "
                                                       "repeatable.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Skip paths (relative to an input folder) "
                                                      "matching this glob; repeatable.")] = None,
    max_member_mb: Annotated[float, typer.Option("--max-member-mb", help="Largest archive member accepted.")]
    = 50.0,
    max_total_mb: Annotated[float, typer.Option("--max-total-mb", help="Most uncompressed data read from one "
                                                "archive.")] = 2048.0,
    max_ratio: Annotated[float, typer.Option("--max-ratio", help="Highest compression ratio for members over "
                                             "1 MB.")] = 100.0,
    progress: Annotated[ProgressKind, typer.Option("--progress", help="auto: a bar on a terminal, periodic lines "
                                                   "otherwise.")] = ProgressKind.auto,
) -> None:
    """Convert whole archives: folders, .zip and .tar.gz files of notices, in parallel.

    Writes OUTDIR/<relative path>.json per notice (mirroring the inputs), OUTDIR/tasks.csv and
    OUTDIR/manifest.jsonl. Re-running the same command resumes; exit code 1 when some input failed.

    Example: policyparse batch notices/ archive-2020.zip -o out/
    """
    from ..batch.runner import BatchOptions, run_batch
    from ..batch.sources import Limits
    from ..cli import error_line
    from ..errors import PolicyparseError
    from ..grammar import GrammarError

    mb = 1024 * 1024
    options = BatchOptions(inputs=inputs, outdir=output, fmt=fmt.value, workers=workers, force=force,
                           fail_fast=fail_fast, grammars=grammar or [], excluded=exclude or [],
                           limits=Limits(max_member=int(max_member_mb * mb), max_total=int(max_total_mb * mb),
                                         max_ratio=max_ratio),
                           progress=progress.value)
    try:
        code = run_batch(options)
    except GrammarError as exc:
        error_line(str(exc))
        code = 2
    except PolicyparseError as exc:
        error_line(str(exc))
        code = exc.exit_code
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command(name="batch")(batch)
