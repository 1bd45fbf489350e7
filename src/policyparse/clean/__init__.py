"""Stage 2, clean: repair what downloading did to the text.

Two passes around conversion (pinyin must go before traditional→simplified, 乾(qián)隆 → 乾隆):
`repair` (before convert, in `damage`) undoes byte- and markup-level damage; `tidy` (after convert,
in `layout`) fixes layout: widths, site chrome, broken lines, flattened documents, lost 〔〕 in
document numbers. Both return the new text and a Counter of repairs for `source.repairs`. Every
word list and pattern lives in `grammars/artefacts.yaml` and `grammars/boilerplate.yaml`; `rules`
compiles them, with the cheap gates that let most rules be skipped; `checks` runs their examples.
This package is the engine: each step is linear in the text (regex scans, translate, one pass over
lines). Other stages import from here, not from the modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .damage import repair, repair_mojibake, strip_pinyin
from .layout import MAX_BOILERPLATE_LINE, drop_boilerplate, join_broken_lines, normalise_widths, split_flattened, tidy
from .rules import ARTEFACTS, BOILERPLATE, CJK, CleanRules, Counts, Gate, LineMatcher, Substitution

if TYPE_CHECKING:
    from .checks import check_example, check_not_matching

__all__ = [
    "ARTEFACTS",
    "BOILERPLATE",
    "CJK",
    "MAX_BOILERPLATE_LINE",
    "CleanRules",
    "Counts",
    "Gate",
    "LineMatcher",
    "Substitution",
    "check_example",
    "check_not_matching",
    "drop_boilerplate",
    "join_broken_lines",
    "normalise_widths",
    "repair",
    "repair_mojibake",
    "split_flattened",
    "strip_pinyin",
    "tidy",
]


def __getattr__(name: str) -> Any:
    """The example checks, imported on first use: only the grammar tests need them, not a run."""
    if name in ("check_example", "check_not_matching"):
        from . import checks

        return getattr(checks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
