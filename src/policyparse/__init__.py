"""policyparse: Chinese government notices (通知, 实施方案, 工作要点) to normalised JSON.

The public API is `extract_file(path)` (one file → `Extraction`) and `extract_text(text)` for text
already in memory; the CLI (`policyparse`) is a thin layer over them. (`policyparse.extract` is the
extract stage's module, so the file function is named `extract_file`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .models import Extraction

__all__ = ["__version__", "extract_file", "extract_text"]


def extract_file(path: Any, **options: Any) -> Extraction:
    """Run the whole pipeline on one file (txt, html, docx, pdf, ofd)."""
    from . import pipeline

    return pipeline.extract_file(path, **options)


def extract_text(text: str, **options: Any) -> Extraction:
    """Run the pipeline on text already decoded (treated as a .txt notice)."""
    from .pipeline import extract_string

    return extract_string(text, **options)
