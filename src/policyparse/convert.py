"""Stage 3, convert: detect the script and convert traditional text to simplified.

OpenCC `tw2s` (never `tw2sp`, which rewrites mainland wording) keeps string length in code points,
so character offsets survive conversion.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any


@cache
def _converter() -> Any:
    import opencc

    config = "tw2s"
    try:
        return opencc.OpenCC(config)
    except Exception:  # opencc-python-reimplemented wants the config with .json
        return opencc.OpenCC(config + ".json")


def detect_script(text: str) -> str:
    sample = text[:20000]
    converted = _converter().convert(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    if changed == 0:
        return "simplified"
    return "traditional" if changed > 10 else "mixed"


def to_simplified(text: str) -> tuple[str, str, Counter[str]]:
    """Return (simplified text, script of the input, repairs)."""
    repairs: Counter[str] = Counter()
    script = detect_script(text)
    if script == "simplified":
        return text, script, repairs
    out = _converter().convert(text)
    repairs["traditional_to_simplified"] += sum(1 for a, b in zip(text, out, strict=False) if a != b)
    return out, script, repairs
