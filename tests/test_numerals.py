"""Chinese numerals read outside the deadline grammar (heading ordinals, metadata dates)."""

import pytest

from policyparse.numerals import chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("二〇二三", 2023), ("二○一七", 2017),
     ("2023", 2023), ("三十一", 31)],
)
def test_reads_ordinals_and_spelled_years(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["", "甲", "十x", "第一"])
def test_refuses_what_is_no_number(text: str) -> None:
    assert chinese_number(text) is None
