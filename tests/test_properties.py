"""Property tests over the text pipeline: whatever text arrives, the output is valid and well-formed.

Why: notices come from the open web, so example-based tests cannot cover what arrives. Hypothesis
draws arbitrary Unicode, and notice-like text (real sample lines shuffled with ordinals, field
labels, brackets and control characters) which reaches the deeper branches of structure and extract.
"""

from __future__ import annotations

import json
from functools import cache

import jsonschema
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from policyparse import extract_text
from policyparse.models import json_schema
from policyparse.pipeline import normalise_text, to_jsonable

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = ["一、", "（一）", "1.", "（1）", "①", "第一条", "牵头单位：", "责任单位：", "完成时限：", "2020年8月底前",
          "（发改委牵头，财政局参与，2020年底前完成）", "持续推进", "〔2020〕", "附件", "\t", "\f", "  ", "\n", "（", "）",
          "甘政办发2022194号", "各园区管委会：", "2020年4月29日", "一、二、三季度", "乾(qián)隆", "發展改革委"]


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


@cache
def _sample_lines() -> list[str]:
    return [line for p in sorted(SAMPLES.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]


def notice_like() -> st.SearchStrategy[str]:
    """Sample lines, notice vocabulary and arbitrary text, joined in any order."""
    piece = st.one_of(st.sampled_from(_sample_lines()), st.sampled_from(PIECES), st.text(max_size=20))
    return st.lists(piece, max_size=40).map("\n".join)


ANY_TEXT = st.one_of(st.text(max_size=300), notice_like())


def _check_extraction(text: str) -> None:
    result = extract_text(text)
    data = json.loads(json.dumps(to_jsonable(result), ensure_ascii=False))
    _validator().validate(data)
    normalised = normalise_text(text)[0]
    for document in result.documents:
        for task in document.tasks:
            start, end = task.span
            assert 0 <= start <= end <= len(normalised), (task.span, len(normalised))


@PROPERTY
@given(ANY_TEXT)
def test_any_text_gives_schema_valid_output_with_spans_inside_the_text(text: str) -> None:
    _check_extraction(text)


@PROPERTY
@given(ANY_TEXT)
@example("（\n（\n㐀")  # a repeated line joined to its own next line: the copy above it stays apart
@example("(\n0000年0月0日\n）")  # a date line kept apart inside a bracket stays apart once its ） joins it
def test_cleaning_is_idempotent(text: str) -> None:
    once = normalise_text(text)[0]
    assert normalise_text(once)[0] == once


@cache
def _simplified_lines() -> list[str]:
    return [line for p in sorted(SAMPLES.glob("*.txt")) if "traditional" not in p.name
            for line in p.read_text(encoding="utf-8").splitlines()]


@PROPERTY
@given(st.lists(st.sampled_from(_simplified_lines()), max_size=20).map("\n".join))
def test_converting_simplified_text_is_the_identity(text: str) -> None:
    from policyparse.convert import to_simplified

    assert to_simplified(text)[0] == text


@PROPERTY
@given(ANY_TEXT)
def test_converting_converted_text_is_the_identity(text: str) -> None:
    from policyparse.convert import to_simplified

    simplified = to_simplified(text)[0]
    assert to_simplified(simplified)[0] == simplified


@PROPERTY
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_conversion_keeps_length_so_offsets_survive(text: str) -> None:
    from policyparse.convert import to_simplified

    assert len(to_simplified(text)[0]) == len(text)
