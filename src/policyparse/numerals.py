"""Chinese numerals as printed in notices: 一 … 九十九 (ordinals), 二〇二三 (years spelled digit by digit).

One reader for the stages that meet them outside a grammar (heading ordinals in clean.layout, dates
of metadata lines in structure); deadlines read theirs through `grammars/deadlines.yaml`.
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """ASCII digits, a four-digit spelled year (二〇二三) or a tens numeral (十二, 二十一); None otherwise."""
    if text.isdigit() and text.isascii():
        return int(text)
    if text == "元":  # 元月: the first month
        return 1
    if len(text) == 4 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in DIGITS:
            current = DIGITS[ch]
        else:
            return None
    return total + current if text else None
