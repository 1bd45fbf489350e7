"""Task tables (重点任务分工表): rows of tab-separated cells → one task per row.

Loaders render tables as one line per row with cells separated by tabs; this module recognises
a task table by its header row (column names from `grammars/tables.yaml`) and reads each row.
(Interim: no table support yet.)
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .grammar import GrammarSet

if TYPE_CHECKING:
    from .extract import RawTask
    from .structure import DocumentPart, Structure


def extract_table_tasks(structure: Structure, part: DocumentPart, grammars: GrammarSet,
                        year: int | None, ref: date | None) -> tuple[list[RawTask], set[int]]:
    """Tasks from task tables in one document, and the line indexes those tables occupy."""
    return [], set()
