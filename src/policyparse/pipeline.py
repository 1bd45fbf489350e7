"""The pipeline: load → clean.repair → convert → clean.tidy → structure → extract → output.

The only module that knows the order of the stages. Each stage is a plain function over plain
data; this module threads their results together and assembles the output models.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from . import clean, convert
from .grammar import GrammarSet, load_grammars
from .load import Loaded, load
from .models import Extraction


def grammars_for(extra_grammars: list[Path] | tuple[Path, ...] = ()) -> GrammarSet:
    return load_grammars(tuple(Path(p) for p in extra_grammars))


def extract_file(path: Path | str, *, display_path: str | None = None,
                 grammars: list[Path] | tuple[Path, ...] = (), explain: bool = False) -> Extraction:
    """One input file → its extraction (raises InputError for unusable input)."""
    loaded = load(Path(path), display_path=display_path)
    return extract_loaded(loaded, grammars=grammars, explain=explain)


def extract_string(text: str, *, path: str = "<text>", grammars: list[Path] | tuple[Path, ...] = (),
                   explain: bool = False) -> Extraction:
    """Text already in memory → its extraction (treated as a .txt notice)."""
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    loaded = Loaded(path=path, format="txt", sha256=digest, encoding=None, text=text)
    return extract_loaded(loaded, grammars=grammars, explain=explain)


def normalise_text(text: str) -> tuple[str, str, Counter[str], list[str]]:
    """The text stages alone: (normalised text, input script, repairs, dropped boilerplate lines)."""
    repairs: Counter[str] = Counter()
    text, found = clean.repair(text)
    repairs.update(found)
    text, script, found = convert.to_simplified(text)
    repairs.update(found)
    text, found, dropped = clean.tidy(text)
    repairs.update(found)
    return text, script, repairs, dropped


def extract_loaded(loaded: Loaded, *, grammars: list[Path] | tuple[Path, ...] = (),
                   explain: bool = False) -> Extraction:
    return extract_with_text(loaded, grammars=grammars, explain=explain)[0]


def extract_with_text(loaded: Loaded, *, grammars: list[Path] | tuple[Path, ...] = (),
                      explain: bool = False) -> tuple[Extraction, str]:
    """The extraction and the normalised text its spans index into (for `explain`)."""
    from .extract import extract_tasks
    from .output import assemble
    from .structure import structure

    grammar_set = grammars_for(grammars)
    text, script, repairs, dropped = normalise_text(loaded.text)
    repairs.update(loaded.repairs)
    found = structure(text, grammar_set, dropped)
    per_document = [extract_tasks(found, part, grammar_set) for part in found.documents]
    return assemble(loaded, text, script, repairs, found, per_document, grammar_set, explain=explain), text


def to_jsonable(extraction: Extraction) -> dict[str, Any]:
    return extraction.model_dump(mode="json", exclude_none=False)
