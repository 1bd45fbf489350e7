"""`policyparse extract`: per-file extraction with one-line errors and atomic output files."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import PolicyparseError


def _unique_target(directory: Path, stem: str, suffix: str, taken: set[Path]) -> Path:
    """DIR/<stem><suffix>, or <stem>-2… when two inputs share a stem in one run."""
    target = directory / f"{stem}{suffix}"
    counter = 2
    while target in taken:
        target = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    taken.add(target)
    return target


def run_extract(files: list[Path], output: Path | None, fmt: str, grammars: list[Path], explain: bool) -> int:
    """Extract every file; failures are reported and counted, the other inputs still processed."""
    from ..cli import error_line
    from ..grammar import GrammarError
    from ..output import to_csv, to_json, to_jsonl_line
    from ..pipeline import extract_file, grammars_for
    from ..writefile import atomic_write_text

    try:
        grammars_for(grammars)
    except GrammarError as exc:
        error_line(str(exc))
        return 2
    if output is not None:
        if output.exists() and not output.is_dir():
            error_line(f"{output}: output must be a folder, and a file of that name exists")
            return 2
        output.mkdir(parents=True, exist_ok=True)
    inputs = {p.resolve() for p in files if p.exists()}
    failures = 0
    results = []
    taken: set[Path] = set()
    for path in files:
        try:
            extraction = extract_file(path, display_path=str(path), grammars=grammars, explain=explain)
        except PolicyparseError as exc:
            error_line(str(exc))
            failures += 1
            continue
        except Exception as exc:  # an internal bug must not hide the other inputs' results
            error_line(f"{path}: internal error ({type(exc).__name__}: {exc}); please report it")
            failures += 1
            continue
        if output is None:
            if fmt == "csv":
                results.append(extraction)
            elif fmt == "jsonl" or len(files) > 1:
                sys.stdout.write(to_jsonl_line(extraction) + "\n")
            else:
                sys.stdout.write(to_json(extraction) + "\n")
        elif fmt == "json":
            target = _unique_target(output, path.stem, ".json", taken)
            if target.resolve() in inputs:
                error_line(f"{target}: would overwrite an input file; choose another --output folder")
                failures += 1
                continue
            atomic_write_text(target, to_json(extraction) + "\n")
        else:
            results.append(extraction)
    if fmt == "csv":
        text = to_csv(results)
        if output is None:
            sys.stdout.write("\ufeff" + text)  # with a BOM like tasks.csv, so `> tasks.csv` opens in Excel
        else:
            atomic_write_text(output / "tasks.csv", "\ufeff" + text)
    elif fmt == "jsonl" and output is not None:
        atomic_write_text(output / "extractions.jsonl", "".join(to_jsonl_line(e) + "\n" for e in results))
    return 1 if failures else 0
