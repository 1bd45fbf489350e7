"""convert.build_fast_converter: translate table plus slow pieces, identical to the slow converter.

CI has the native wheel, so the builder is checked against a small model of opencc-python-reimplemented
(longest match anywhere first, phrases before characters, stage after stage, split at separators).
Under the reimplementation itself the real converter is compared on the traditional sample.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse import convert
from policyparse.clean import repair

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEPARATORS = re.compile(r"(\s+|，|。|「|」)")

# stage 1: Taiwan variant → OpenCC standard (偽→僞); stage 2: traditional → simplified
STAGES: list[list[dict[str, str]]] = [
    [{"吃個": "喫個"}, {"偽": "僞", "吃": "喫"}],
    [
        {"僞裝": "伪装", "乾隆": "乾隆", "著作": "著作", "開發區": "开发区", "發區": "发X", "喫個": "吃个"},
        {"僞": "伪", "裝": "装", "乾": "干", "隆": "隆", "著": "着", "作": "作", "開": "开", "發": "发",
         "區": "区", "喫": "吃", "個": "个", "㐀": "甲乙"},
    ],
]
ALPHABET = sorted({c for stage in STAGES for d in stage for k in d for c in k} | set("好，。 「」"))


def _find(text: str, entries: dict[str, str]) -> tuple[int, int, str] | None:
    for size in range(min(len(text), max(map(len, entries))), 0, -1):
        for i in range(len(text) - size + 1):
            if text[i:i + size] in entries:
                return i, size, entries[text[i:i + size]]
    return None


def _piece(text: str, group: list[dict[str, str]], index: int = 0) -> str:
    if not text or index == len(group):
        return text
    found = _find(text, group[index])
    if found is None:
        return _piece(text, group, index + 1)
    i, size, value = found
    return _piece(text[:i], group, index) + value + _piece(text[i + size:], group, index)


def model_slow(text: str) -> str:
    """What opencc-python-reimplemented does, in a few lines."""
    parts = SEPARATORS.split(text)
    for stage in STAGES:
        parts = [p if i % 2 else _piece(p, stage) for i, p in enumerate(parts)]
    return "".join(parts)


FAST = convert.build_fast_converter(STAGES, model_slow, SEPARATORS)


@pytest.mark.parametrize("text", ["偽裝", "開發區，發區", "吃個乾隆著作", "乾脆好", "㐀開", "好好", "", "。"])
def test_fast_matches_model(text: str) -> None:
    assert FAST.convert(text) == model_slow(text)


def test_table_holds_only_one_to_one_characters() -> None:
    assert FAST.table[ord("開")] == "开" and FAST.table[ord("偽")] == "伪"
    assert ord("㐀") not in FAST.table and ord("隆") not in FAST.table
    assert FAST.trigger is not None and FAST.trigger.search("偽裝") is not None  # TW spelling of 僞裝


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_fast_equals_model_on_any_text(text: str) -> None:
    assert FAST.convert(text) == model_slow(text)


def _native() -> bool:
    import opencc

    return hasattr(opencc, "clib")


@pytest.mark.skipif(not _native(), reason="native wheel only")
def test_native_wheel_needs_no_fast_path() -> None:
    assert convert._fast_converter() is None


@pytest.mark.skipif(_native(), reason="needs opencc-python-reimplemented")
def test_fast_equals_reimplemented_on_traditional_sample() -> None:
    text, _ = repair((SAMPLES / "xixian-2017-plan-traditional.txt").read_text(encoding="utf-8"))
    fast = convert._fast_converter()
    assert fast is not None
    slow = convert._converter().convert
    assert fast.convert(text) == slow(text)
    terms = ["隨著改革深入，著力打造", "陜西省西咸新區", "衞生健康委員會", "「放管服」改革", "成績卓著的論著",
             "建立健全整合效能許可權", "乾隆年間", "最佳化營商環境，建設政府入口網站和應用程式", "一口吃個胖子"]
    for term in terms:
        assert fast.convert(term) == slow(term), term
