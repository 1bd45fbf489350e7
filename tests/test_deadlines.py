"""Deadline normaliser: the 87-phrase gold table, the conventions, and phrases that must never raise."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from policyparse import deadlines
from policyparse.deadlines import find_in_text, normalise
from policyparse.grammar import Example, load_grammars

TABLE = Path(__file__).parent / "data" / "deadline_phrases.tsv"
_DOC_DATE = re.compile(r"\(doc (\d{4}-\d{2}-\d{2})")


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _ref(row: dict[str, str]) -> date | None:
    """The document date noted in the source column, as the research benchmark used it."""
    match = _DOC_DATE.search(row["source"])
    return date.fromisoformat(match.group(1)) if match else None


def _run(row: dict[str, str]) -> deadlines.DeadlineResult:
    return normalise(row["phrase"], int(row["year"]), _ref(row))


ROWS = _rows()


# --- the gold table --------------------------------------------------------------------------


def test_table_has_every_row() -> None:
    assert len(ROWS) == 87
    assert sum(1 for row in ROWS if row["end"]) == 64


def test_table_accuracy_meets_the_issue_thresholds() -> None:
    results = [(row, _run(row)) for row in ROWS]
    kinds = sum(1 for row, got in results if got.kind == row["kind"])
    dated = [(row, got) for row, got in results if row["end"]]
    ends = sum(1 for row, got in dated if got.end == row["end"])
    assert kinds / len(ROWS) >= 0.98, f"kind {kinds}/{len(ROWS)}"
    assert ends / len(dated) >= 0.98, f"end {ends}/{len(dated)}"


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 1}:{r['phrase'][:16]}" for i, r in enumerate(ROWS)])
def test_table_row(row: dict[str, str]) -> None:
    got = _run(row)
    assert (got.kind, got.end) == (row["kind"], row["end"] or None)
    assert got.text == row["phrase"]
    assert got.rule, "every recognised phrase names the rule that read it"


# --- conventions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "year", "expected"),
    [
        ("2020年8月底前", None, "by_date 2020-08-31"),
        ("8月底前", 2020, "by_date 2020-08-31"),
        ("2月底前", 2024, "by_date 2024-02-29"),
        ("年底前", 2021, "by_date 2021-12-31"),
        ("年内", 2021, "by_date 2021-12-31"),
        ("2022年上半年", None, "by_date 2022-06-30"),
        ("下半年", 2022, "by_date 2022-12-31"),
        ("11月30日前", 2021, "by_date 2021-11-30"),
        ("2021年第三季度", None, "by_date 2021-09-30"),
        ("一季度", 2023, "by_date 2023-03-31"),
        ("四季度", 2023, "by_date 2023-12-31"),
        ("二、三季度", 2023, "by_date 2023-09-30"),
        ("10月中旬前", 2020, "by_date 2020-10-20"),
        ("3月上旬", 2020, "by_date 2020-03-10"),
        ("6月下旬", 2020, "by_date 2020-06-30"),
        ("到2025年", 2023, "by_date 2025-12-31"),
        ("从即日起到4月10日", 2020, "by_date 2020-04-10"),
        ("持续推进", 2020, "ongoing"),
        ("长期坚持", 2020, "ongoing"),
        ("常态化推进", 2020, "ongoing"),
        ("成熟一批、公布一批", 2020, "ongoing"),
        ("即日起", 2020, "ongoing"),
        ("即时", 2020, "ongoing"),
        ("即时办理", 2020, "ongoing"),
        ("每月20日前", 2020, "recurring"),
        ("每季度末", 2020, "recurring"),
        ("每月中旬和月底", 2020, "recurring"),
        ("每年年底前报送", 2020, "recurring"),
        ("10个工作日内", 2020, "none"),
        ("2小时内", 2020, "none"),
    ],
)
def test_shapes(phrase: str, year: int | None, expected: str) -> None:
    assert normalise(phrase, year).compact() == expected


def test_within_years_is_document_date_plus_n() -> None:
    assert normalise("三年内", ref=date(2020, 4, 29)).end == "2023-04-29"
    assert normalise("6个月内", ref=date(2020, 8, 31)).end == "2021-02-28"
    assert normalise("三年内", year=2020).end is None  # no document date: nothing to add to


def test_year_falls_back_to_ref_year() -> None:
    assert normalise("6月底前", ref=date(2019, 3, 1)).end == "2019-06-30"


def test_unknown_year_keeps_what_is_known() -> None:
    result = normalise("一季度")
    assert (result.kind, result.end) == ("by_date", None)
    plan = normalise("一季度,梳理问题清单;二、三季度,健全推进机制;四季度,总结。")
    assert plan.kind == "milestones" and plan.end is None
    assert [m.period for m in plan.milestones] == ["Q1", "Q2-Q3", "Q4"]
    assert [m.end for m in plan.milestones] == [None, None, None]
    assert [m.period for m in normalise("6月底前启动、9月底前完成").milestones] == ["--06", "--09"]


def test_unparsed_phrase_keeps_text_and_is_flagged() -> None:
    result = normalise("按要求完成", 2020)
    assert (result.text, result.kind, result.end, result.unparsed) == ("按要求完成", "none", None, True)
    assert normalise("10个工作日内", 2020).unparsed is False  # recognised: a processing-time limit
    assert normalise("", 2020).unparsed is False  # nothing stated, nothing to warn about
    assert normalise("2月30日前", 2021).unparsed is True  # no such day


@pytest.mark.parametrize(
    "phrase",
    ["2022年汛期前完成", "2022年主汛期前", "2022年秋季开学前完成", "2022年春季学期开学前", "2022年初", "2022年年初",
     "2022年供暖季前完成", "冬季供暖前", "2022年春耕前完成", "麦收前", "2022年春季", "2022年夏季", "2022年秋季",
     "2025年秋季学期前"],
)
def test_a_year_before_an_unknown_time_word_is_not_its_year_end(phrase: str) -> None:
    """2022年汛期前 is no 2022-12-31: the phrase keeps its text, names no date and is flagged."""
    result = normalise(phrase, 2022)
    assert (result.kind, result.end, result.unparsed, result.text) == ("none", None, True, phrase)
    assert result.states_time()  # a time phrase: a closing group keeps it as the deadline


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("2022年及以后持续推进", "ongoing"), ("2022年及以后", "ongoing"), ("2022年以后", "ongoing"), ("2022年后", "ongoing"),
     ("到2022年初步建成", "by_date 2022-12-31"), ("2022年春节前", "by_date 2022-01-31"),
     ("2022年度", "by_date 2022-12-31"), ("本年度", "by_date 2022-12-31"), ("当年", "by_date 2022-12-31"),
     ("当年完成", "by_date 2022-12-31"), ("全年", "by_date 2022-12-31"), ("全年推进", "by_date 2022-12-31"),
     ("常年开展", "ongoing"), ("常态推进", "ongoing"), ("每学期", "recurring"), ("7月1日起实施", "ongoing"),
     ("全年目标", "none")],
)
def test_year_phrases_starts_and_standing_duties(phrase: str, expected: str) -> None:
    assert normalise(phrase, 2022).compact() == expected


def test_year_words_in_a_body_are_no_targets() -> None:
    """2022年度 / 全年 / 当年 are read in fields and closing groups only: in a body they qualify a noun."""
    assert find_in_text("完成2022年度考核，全年完成率达到90%，当年新增就业1万人。", 2022) is None


# --- milestones, year carry and roll-over ----------------------------------------------------


def test_year_carries_to_later_steps() -> None:
    result = normalise("2017年9月底完成方案的制定、12月底前完成网络建设", 2020)
    assert (result.kind, result.end) == ("milestones", "2017-12-31")
    assert [(m.period, m.end, m.text) for m in result.milestones] == [
        ("2017-09", "2017-09-30", "完成方案的制定"),
        ("2017-12", "2017-12-31", "完成网络建设"),
    ]


def test_milestone_texts_with_full_width_punctuation() -> None:
    result = normalise("（牵头单位负责，2017年9月底完成方案的制定；到12月底前完成网络建设）", 2017)
    assert [m.text for m in result.milestones] == ["完成方案的制定", "完成网络建设"]


def test_later_step_rolls_into_next_year() -> None:
    assert normalise("2020年10月底前启动、3月底前完成", 2020).end == "2021-03-31"
    assert normalise("10月底前启动、一季度完成", 2020).end == "2021-03-31"
    assert normalise("12月1日至1月31日", 2016).compact() == "by_date 2017-01-31"


def test_quarter_plan_milestone_texts() -> None:
    plan = (
        "一季度,完善机关作风考评机制,完成一季度评议工作。完善电视问政节目方案;"
        "二季度,根据一季度线上测评反馈情况,加强完善测评程序;三、四季度,常态化开展评议工作。"
    )
    result = normalise(plan, 2024)
    assert (result.kind, result.end) == ("milestones", "2024-12-31")
    assert [(m.period, m.text) for m in result.milestones] == [
        ("2024-Q1", "完善机关作风考评机制,完成一季度评议工作。完善电视问政节目方案"),
        ("2024-Q2", "根据一季度线上测评反馈情况,加强完善测评程序"),
        ("2024-Q3-Q4", "常态化开展评议工作"),
    ]


def test_digits_inside_titles_and_quotes_are_not_years() -> None:
    result = normalise("一季度,印发《“2110”企业诉求机制实施方案》;四季度,纳入考核。", 2024)
    assert result.end == "2024-12-31"
    assert "2110" in result.milestones[0].text
    assert normalise("落实《2030年规划》", 2024).kind == "none"


def test_staged_rollout_is_milestones_not_ongoing() -> None:
    result = normalise("分阶段推进,2021年6月底前完成试点、2021年底前全面推开", 2021)
    assert (result.kind, result.end) == ("milestones", "2021-12-31")
    assert [m.text for m in result.milestones] == ["完成试点", "全面推开"]


# --- scripts, widths and numerals ------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("二〇二〇年十二月底前", "by_date 2020-12-31"),
        ("二零二一年三月十五日前", "by_date 2021-03-15"),
        ("十一月三十日前", "by_date 2020-11-30"),
        ("２０２１年６月３０日前", "by_date 2021-06-30"),
        ("完成时限：２０２０年８月底前", "by_date 2020-08-31"),
        ("（新区组织部牵头，2017年9月底完成）", "by_date 2017-09-30"),
        ("2017年9月底前完成建立；12月底完成建设", "milestones 2017-12-31"),
        ("第三季度", "by_date 2020-09-30"),
        ("長期堅持", "ongoing"),
        ("持續推進", "ongoing"),
        ("常態化開展", "ongoing"),
        ("成熟一批、公佈一批", "ongoing"),
        ("即時辦理", "ongoing"),
        ("10個工作日內", "none"),
        ("每兩月開展一期", "recurring"),
    ],
)
def test_numerals_widths_and_traditional(phrase: str, expected: str) -> None:
    assert normalise(phrase, 2020).compact() == expected


# --- dated targets in task bodies ------------------------------------------------------------


BODY_12 = (
    "根据国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见,"
    "2022年上半年,将工程建设项目审批时间压缩至120个工作日以内,建设工程建设项目审批制度框架和信息数据平台;"
    "到2022年底,实现工程建设项目审批管理系统与相关系统平台互联互通;"
    "到2022年底,与全国一道建成统一的工程建设项目审批和管理体系。"
)


def test_body_with_several_targets_gives_the_passage() -> None:
    result = find_in_text(BODY_12)
    assert result is not None
    assert (result.kind, result.end) == ("milestones", "2022-12-31")
    assert result.text == BODY_12[BODY_12.index("2022年上半年") : -1]
    assert [m.end for m in result.milestones] == ["2022-06-30", "2022-12-31", "2022-12-31"]


def test_body_with_one_target_gives_the_date_phrase() -> None:
    result = find_in_text("推动落实联合奖惩备忘录,2022年10月底前建成市级信用信息公示系统,加快推动应用。")
    assert result is not None
    assert (result.text, result.kind, result.end) == ("2022年10月底前", "by_date", "2022-10-31")
    year_end = find_in_text("清理规范行政备案等事项。年底前推动行政备案事项全部纳入清单管理。", 2020)
    assert year_end is not None and (year_end.text, year_end.end) == ("年底前", "2020-12-31")


@pytest.mark.parametrize(
    "body",
    [
        "在2022年清理取消证明事项的基础上,持续开展减证便民专项行动。",
        "持续推动政务服务事项办事指南标准化、规范化,常态化开展督查。",
        "2019年3月,省政府印发实施方案,明确了改革任务。",
        "自2020年起,每季度开展一次评估。",
        "原则上是甘肃省政府核准的投资项目目录(2022年本)以外的项目。",
    ],
)
def test_body_without_a_deadline_gives_none(body: str) -> None:
    assert find_in_text(body, 2022) is None


def test_body_past_year_is_background() -> None:
    result = find_in_text("2021年底前已完成试点,2023年6月底前全面推开。", 2023)
    assert result is not None and result.compact() == "by_date 2023-06-30"


# --- robustness ------------------------------------------------------------------------------

_ALPHABET = list(
    "0123456789０１２年月日号底末前后内起至到-~、,;:。()（）《》“”"
    "季度第上下半旬中初每个工作小时即持续常态化长期一二三四五六七八九十〇两今明"
)
_PHRASES = st.one_of(st.text(), st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))


@settings(max_examples=400, deadline=None)
@given(_PHRASES, st.one_of(st.none(), st.integers(-5, 10005)), st.one_of(st.none(), st.dates()))
def test_never_raises(text: str, year: int | None, ref: date | None) -> None:
    result = deadlines._normalise(text, year, ref)  # the unguarded path: a bug here must surface
    assert result.kind in deadlines.KINDS
    assert result.end is None or date.fromisoformat(result.end)
    assert normalise(text, year, ref).kind in deadlines.KINDS
    found = deadlines._find_in_text(text, year, ref)
    assert found is None or found.kind in ("by_date", "milestones")


# --- prefilters: the fast scans give exactly what the plain patterns give ---------------------

_EXAMPLE_TEXTS = [row["phrase"] for row in ROWS] + [
    text
    for grammar in load_grammars().files
    if grammar.spec.stage == "deadlines"
    for rule in grammar.spec.rules
    for text in [example.text for example in rule.examples] + list(rule.not_matching)  # type: ignore[attr-defined]
]
_SCAN_ALPHABET = _ALPHABET + list("\u3000 \t\n.．—~以之到至份旬内底末中度起来今本当去次")


def _scanners() -> list[deadlines._Scanner]:
    eng = deadlines._engine()
    return [eng.dates, eng.year_mention, *(scanner for _, _, scanner in eng.markers)]


def _same_scan(text: str) -> None:
    for scanner in _scanners():
        fast = [(m.span(), m.groups()) for m in scanner.matches(text)]
        assert fast == [(m.span(), m.groups()) for m in scanner.pattern.finditer(text)], scanner.pattern
        for stop in (0, len(text) // 2, len(text)):
            cut = [(m.span(), m.groups()) for m in scanner.matches(text, stop)]
            assert cut == [(m.span(), m.groups()) for m in scanner.pattern.finditer(text, 0, stop)]
        first = scanner.search(text)
        plain = scanner.pattern.search(text)
        assert (first and (first.span(), first.groups())) == (plain and (plain.span(), plain.groups()))


def test_the_date_scan_is_prefiltered() -> None:
    eng = deadlines._engine()
    assert eng.dates.starts is not None and eng.year_mention.starts is not None
    assert eng.date_starts is not None


@pytest.mark.parametrize("text", _EXAMPLE_TEXTS)
def test_prefiltered_scans_match_plain_ones_on_examples(text: str) -> None:
    eng = deadlines._engine()
    _same_scan(text)
    _same_scan(deadlines._prepare(eng, text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_SCAN_ALPHABET), max_size=60))
def test_prefiltered_scans_match_plain_ones(text: str) -> None:
    _same_scan(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*_SCAN_ALPHABET, *"（），；：０９Ａ｛個長堅續進態時內兩後"]), max_size=60))
def test_fold_equals_translate(text: str) -> None:
    eng = deadlines._engine()
    assert deadlines._fold(eng, text) == text.translate(eng.fold)


def test_fold_of_many_distinct_characters_equals_translate() -> None:
    eng = deadlines._engine()
    text = "年".join(chr(code) for code in sorted(eng.fold)) * 2
    assert deadlines._fold(eng, text) == text.translate(eng.fold)


_PREPARE_ALPHABET = [*_SCAN_ALPHABET, *"（），；：０２９個進時內《》“”每"]


def _general(text: str, year: int | None, ref: date | None) -> deadlines.DeadlineResult:
    """`normalise` through the general path only (every date read, placed and stepped)."""
    eng = deadlines._engine()
    if year is None and ref is not None:
        year = ref.year
    if not text or text.isspace():
        return deadlines.DeadlineResult(text=text, kind="none", end=None)
    s = deadlines._prepare(eng, text)
    tokens = deadlines._tokens(eng, s, year)
    if tokens and (tokens := deadlines._placed(eng, s, tokens, year, ref)):
        return deadlines._dated(eng, s, text, deadlines._steps(eng, s, tokens), text, len(s))
    return deadlines._undated(eng, s, text)


@pytest.mark.parametrize("text", _EXAMPLE_TEXTS)
def test_one_date_shortcut_equals_the_general_path(text: str) -> None:
    for year, ref in ((None, None), (2020, None), (2021, date(2021, 4, 2))):
        assert normalise(text, year, ref) == _general(text, year, ref), (text, year, ref)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_PREPARE_ALPHABET), min_size=1, max_size=24))
def test_one_date_shortcut_equals_the_general_path_on_any_text(text: str) -> None:
    try:
        expected = _general(text, 2020, date(2020, 4, 29))
    except Exception:
        expected = deadlines.DeadlineResult(text=text, kind="none", end=None, unparsed=True)
    assert normalise(text, 2020, date(2020, 4, 29)) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_PREPARE_ALPHABET), max_size=40))
def test_short_phrases_skip_preparation_only_when_it_changes_nothing(text: str) -> None:
    eng = deadlines._engine()
    full = deadlines._mask_long_runs(deadlines._mask_titles(eng, deadlines._fold(eng, text)))
    assert deadlines._prepare(eng, text) == full


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_PREPARE_ALPHABET), max_size=60))
def test_body_prefilter_misses_no_date_start(text: str) -> None:
    eng = deadlines._engine()
    assert eng.body_starts is not None and eng.dates.starts is not None
    if eng.body_starts.search(text) is None:
        assert eng.dates.starts.search(deadlines._mask_titles(eng, deadlines._fold(eng, text))) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*_SCAN_ALPHABET, *"截止力争取确保于\n"]), max_size=12))
def test_lead_in_gate_equals_the_search(text: str) -> None:
    eng = deadlines._engine()
    assert eng.lead_last is not None
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            gated = deadlines._lead_ending(eng, text, start, end)
            plain = eng.lead_in.search(text, start, end)
            assert (gated and gated.span()) == (plain and plain.span())


# --- grammar corpus and CLI ------------------------------------------------------------------


def _deadline_rules() -> list[tuple[object, object]]:
    return [(g, r) for g in load_grammars().files if g.spec.stage == "deadlines" for r in g.spec.rules]


def test_every_grammar_example_and_counter_example_holds() -> None:
    errors = []
    for grammar, rule in _deadline_rules():
        errors += [deadlines.check_example(grammar, rule, ex) for ex in rule.examples]  # type: ignore[attr-defined]
        errors += [deadlines.check_not_matching(grammar, rule, t) for t in rule.not_matching]  # type: ignore[attr-defined]
    assert [e for e in errors if e] == []


def test_corpus_runner_reports_a_wrong_gold() -> None:
    grammar = next(g for g in load_grammars().files if g.path.name == "deadlines.yaml")
    rule = grammar.rule("month-part")
    wrong = Example(text="8月底前", expect="by_date 2020-08-30", year=2020)
    assert "expected 'by_date 2020-08-30'" in (deadlines.check_example(grammar, rule, wrong) or "")
    other_rule = Example(text="年底前", expect="by_date 2020-12-31", year=2020)
    assert "did not fire" in (deadlines.check_example(grammar, rule, other_rule) or "")
    assert deadlines.check_not_matching(grammar, rule, "6月底前") is not None


def _app() -> typer.Typer:
    from policyparse.commands.deadline import register

    app = typer.Typer()
    register(app)
    app.callback()(lambda: None)
    return app


def test_cli_prints_json() -> None:
    result = CliRunner().invoke(_app(), ["deadline", "二、三季度", "--year", "2023"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == {
        "text": "二、三季度",
        "kind": "by_date",
        "end": "2023-09-30",
        "milestones": [],
        "rule": "deadlines.yaml::quarter",
    }
    dated = CliRunner().invoke(_app(), ["deadline", "三年内", "--date", "2020-04-29"])
    assert json.loads(dated.stdout)["end"] == "2023-04-29"


def test_cli_bad_date_is_one_line_exit_2() -> None:
    result = CliRunner().invoke(_app(), ["deadline", "年底前", "--date", "2020-13-45"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


# --- user grammar files: `-g my.yaml` adds deadline shapes -------------------------------------

_USER_DEADLINES = """\
family: deadlines
stage: deadlines
description: 斜线日期 (6/30前), 汛期前 and 久久为功, which the built-in grammars do not read.
defaults:
  year: 2020
  ref: "2020-04-29"
vocab:
  token_start: '[汛]'
rules:
  - id: slash-day
    name: "M/D前 → that day"
    kind: by_date
    resolve: day
    body: cue
    pattern: '(?<![0-9/])(?P<month>1[0-2]|0?[1-9])/(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9/])(?P<before>以前|之前|前)'
    examples:
      - {text: "6/30前", expect: "by_date 2020-06-30"}
      - {text: "9/15前完成", year: 2021, expect: "by_date 2021-09-15"}
    not_matching: ["1/2的资金", "6/30"]
  - id: flood-season
    name: "汛期前 → 05-31 (a shape that starts with a character of this file's token_start)"
    kind: by_date
    resolve: half
    body: cue
    halves: {汛期: 5}
    pattern: '(?P<half>汛期)(?P<before>以前|之前|前)'
    examples:
      - {text: "汛期前", expect: "by_date 2020-05-31"}
  - id: long-haul
    name: "久久为功 / 滚动实施 → ongoing"
    kind: ongoing
    role: ongoing
    pattern: '久久为功|滚动实施'
    examples:
      - {text: "久久为功", expect: "ongoing"}
    not_matching: ["2020年8月底前"]
"""


def _user_deadlines(tmp_path: Path) -> Path:
    path = tmp_path / "my-deadlines.yaml"
    path.write_text(_USER_DEADLINES, encoding="utf-8")
    return path


@pytest.mark.parametrize(("phrase", "expected", "rule"), [
    ("6/30前", "by_date 2020-06-30", "my-deadlines.yaml::slash-day"),
    ("汛期前", "by_date 2020-05-31", "my-deadlines.yaml::flood-season"),
    ("久久为功", "ongoing", "my-deadlines.yaml::long-haul"),
])
def test_user_deadline_file_adds_shapes(tmp_path: Path, phrase: str, expected: str, rule: str) -> None:
    """A user file's dated shape, one starting with its own token_start, and an ongoing phrase:
    read with the set that holds the file, unknown to the built-ins."""
    builtin = normalise(phrase, 2020)
    assert (builtin.kind, builtin.unparsed) == ("none", True)
    grammars = load_grammars((_user_deadlines(tmp_path),))
    result = normalise(phrase, 2020, None, grammars)
    assert (result.compact(), result.rule) == (expected, rule)
    assert deadlines.may_name_deadline(phrase, grammars)


def test_user_deadline_shapes_are_found_in_task_bodies(tmp_path: Path) -> None:
    body = "汛期前建成市级信用信息公示系统，6/30前完成数据归集"
    assert find_in_text(body, 2020) is None
    found = find_in_text(body, 2020, None, load_grammars((_user_deadlines(tmp_path),)))
    assert found is not None
    assert (found.compact(), found.rule) == (
        "milestones 2020-06-30", "my-deadlines.yaml::flood-season + my-deadlines.yaml::slash-day")


def test_user_deadline_file_keeps_the_built_in_shapes(tmp_path: Path) -> None:
    grammars = load_grammars((_user_deadlines(tmp_path),))
    for phrase, year in [("2020年8月底前", 2020), ("二、三季度", 2023), ("持续推进", 2020), ("每月20日前", 2020)]:
        assert normalise(phrase, year, None, grammars) == normalise(phrase, year), phrase


def test_may_name_deadline_asks_the_grammar_set(tmp_path: Path) -> None:
    """The cheap pre-check callers skip clauses with must know the user's keyword shapes too."""
    assert not deadlines.may_name_deadline("久久为功")
    assert deadlines.may_name_deadline("久久为功", load_grammars((_user_deadlines(tmp_path),)))


def test_engine_is_compiled_once_per_grammar_set(tmp_path: Path) -> None:
    grammars = load_grammars((_user_deadlines(tmp_path),))
    assert deadlines._engine(grammars) is deadlines._engine(grammars)
    assert deadlines._engine(load_grammars()) is deadlines._engine()
    assert deadlines._engine(grammars) is not deadlines._engine()


_USER_NOTICE = """\
关于印发2020年重点工作任务的通知

各区县人民政府，市政府各部门：

一、优化营商环境
1.推行企业开办“一网通办”。
牵头单位：市市场监督管理局
完成时限：6/30前
2.建设政务数据共享平台。
牵头单位：市大数据局
完成时限：久久为功
3.汛期前建成市级信用信息公示系统（市发展改革委牵头）。
4.完善公共信用综合评价（市发展改革委牵头，6/30前完成）。

某某市人民政府
2020年4月29日
"""


def _task_deadlines(grammars: list[Path]) -> list[tuple[str | None, str, str | None]]:
    from policyparse.pipeline import extract_string

    (document,) = extract_string(_USER_NOTICE, grammars=grammars).documents
    return [(t.deadline.text, t.deadline.kind, t.deadline.end) for t in document.tasks]


def test_extract_reads_deadlines_with_user_grammar_files(tmp_path: Path) -> None:
    """A 完成时限 field, a body target and a closing group, each in a shape only the user file knows."""
    assert _task_deadlines([]) == [
        ("6/30前", "none", None), ("久久为功", "none", None), (None, "none", None), (None, "none", None)]
    assert _task_deadlines([_user_deadlines(tmp_path)]) == [
        ("6/30前", "by_date", "2020-06-30"),
        ("久久为功", "ongoing", None),
        ("汛期前", "by_date", "2020-05-31"),
        ("6/30前完成", "by_date", "2020-06-30"),
    ]


def test_table_deadlines_use_user_grammar_files(tmp_path: Path) -> None:
    from policyparse.pipeline import extract_string

    text = ("关于印发2020年重点工作任务分工方案的通知\n各部门：\n现印发给你们，请认真落实。\n"
            "序号\t重点任务\t牵头单位\t完成时限\n1\t建立工作机制。\t财政局\t6/30前\n"
            "2\t完善管理制度。\t税务局\t汛期前\n某某办公室\n2020年3月1日\n")
    tasks = extract_string(text, grammars=[_user_deadlines(tmp_path)]).documents[0].tasks
    assert [(t.table, t.deadline.end) for t in tasks] == [(1, "2020-06-30"), (1, "2020-05-31")]
    assert [t.deadline.end for t in extract_string(text).documents[0].tasks] == [None, None]


def test_cli_reads_grammar_files(tmp_path: Path) -> None:
    path = str(_user_deadlines(tmp_path))
    result = CliRunner().invoke(_app(), ["deadline", "6/30前", "--year", "2021", "-g", path])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["kind"], data["end"], data["rule"]) == ("by_date", "2021-06-30", "my-deadlines.yaml::slash-day")
    without = CliRunner().invoke(_app(), ["deadline", "6/30前", "--year", "2021"])
    assert json.loads(without.stdout)["kind"] == "none"


def test_cli_bad_grammar_file_is_one_line_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["deadline", "年底前", "-g", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "missing.yaml" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- holidays: 春节前, 国庆节前 (grammars/deadlines_festivals.yaml) --------------------------------


@pytest.mark.parametrize(("phrase", "year", "ref", "end"), [
    ("2024年春节前", None, None, "2024-02-09"),
    ("春节前", 2023, date(2023, 11, 20), "2024-02-09"),  # the next 春节 after the notice
    ("春节前", 2023, date(2023, 1, 5), "2023-01-21"),
    ("春节前", 2023, None, "2023-01-21"),  # a year only: that year's
    ("元旦前", 2023, date(2023, 11, 20), "2023-12-31"),
    ("2022年国庆前", 2023, date(2023, 11, 20), "2022-09-30"),  # a stated year wins
    ("2060年春节前", None, None, None),  # outside the lunar table: no end, never a wrong one
])
def test_holidays_end_the_day_before(phrase: str, year: int | None, ref: date | None, end: str | None) -> None:
    result = normalise(phrase, year, ref)
    assert (result.kind, result.end, result.rule) == ("by_date", end, "deadlines_festivals.yaml::festival")


# --- plan periods: “十四五”期间 (grammars/deadlines_periods.yaml) ------------------------------------


def test_a_plan_period_ends_with_its_last_year_and_counts_in_a_body_only_as_a_target() -> None:
    assert normalise("“十四五”期间", 2022).end == "2025-12-31"
    assert find_in_text("到“十四五”末，全县建成X。", 2022).end == "2025-12-31"
    assert find_in_text("“十四五”期间累计改造100个。", 2022) is None  # how long, not by when
    assert find_in_text("推进“2025年底前”专项行动。", 2022) is None  # other quotes stay masked


def test_a_fallback_shape_never_cuts_a_longer_one_short() -> None:
    """year-only (2022年) is tried after every other shape at its position, whatever the file."""
    assert normalise("2022年国庆节前完成", 2021).end == "2022-09-30"
    assert normalise("到2025年", 2023).end == "2025-12-31"


def test_holidays_in_a_notice_take_the_notice_date() -> None:
    from policyparse.pipeline import extract_string

    text = ("某县人民政府办公室关于做好岁末年初重点工作的通知\n各乡镇人民政府：\n"
            "一、重点工作\n1.全面排查农民工工资支付情况。（责任单位：县人社局；完成时限：春节前）\n"
            "2.开展安全生产大检查。（责任单位：县应急局；完成时限：元旦前）\n"
            "某县人民政府办公室\n2023年12月5日\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.deadline.end for t in tasks] == ["2024-02-09", "2023-12-31"]


def test_an_example_may_carry_its_document_date() -> None:
    assert Example(text="春节前", expect="by_date 2024-02-09", date="2023-11-20").date == "2023-11-20"
    with pytest.raises(ValueError):
        Example(text="春节前", date="2023/11/20")


@pytest.mark.parametrize(("body", "expected"), [
    ("降低缴费费率，实施期限至2021年12月31日。", None),
    ("政策有效期至2025年底。", None),
    ("2021年5月1日至2022年4月30日实施阶段性下调费率的政策。", None),
    ("原政策实施至2021年4月30日。", None),
    ("专项行动实施至2023年12月底。", "by_date 2023-12-31"),
    ("于2023年9月执行。", "by_date 2023-09-30"),
    ("2023年6月底前实施完毕。", "by_date 2023-06-30"),
    ("力争到2025年底建成。", "by_date 2025-12-31"),
])
def test_validity_periods_in_a_body_are_no_deadlines(body: str, expected: str | None) -> None:
    found = find_in_text(body, 2021)
    assert (found.compact() if found else None) == expected


def test_repeated_phrase_results_are_not_shared() -> None:
    """normalise reads a repeated phrase once (cached), but each caller may change its own result."""
    first = normalise("2023年一季度完成调研；2023年6月底前完成试点", 2023)
    hits = deadlines._normalised.cache_info().hits
    second = normalise("2023年一季度完成调研；2023年6月底前完成试点", 2023)
    assert deadlines._normalised.cache_info().hits == hits + 1
    assert first == second and first is not second and first.milestones is not second.milestones
    first.text, first.kind = None, "none"
    first.milestones.clear()
    again = normalise("2023年一季度完成调研；2023年6月底前完成试点", 2023)
    assert again == second and again.kind == "milestones" and again.milestones


# Round 7 sweep (/tmp/redteam7/deadlines-sweep.tsv): shapes real notices print that were read wrong
# or not at all. Document year 2023, dated 2023-03-15.
@pytest.mark.parametrize(("phrase", "expected"), [
    # a year spelled in numerals with an ASCII 0, a white circle ○ or a letter O for 〇
    ("二0二三年底前", "by_date 2023-12-31"),
    ("二○二四年六月底前", "by_date 2024-06-30"),
    ("二O二四年三月三十一日前", "by_date 2024-03-31"),
    # several holidays named together: the last one
    ("2023年中秋国庆前", "by_date 2023-09-30"),
    ("元旦、春节前", "by_date 2024-02-09"),
    # a table cell that is a numeric range
    ("2023.6—2023.12", "by_date 2023-12-31"),
    ("2023.06-2023.12", "by_date 2023-12-31"),
    ("2023.7.1-2023.9.30", "by_date 2023-09-30"),
    # two parts of a month
    ("9月上中旬", "by_date 2023-09-20"),
    ("2023年9月中下旬", "by_date 2023-09-30"),
    # standing and repeated work in other words
    ("动态调整", "ongoing"),
    ("动态更新", "ongoing"),
    ("逐年推进", "ongoing"),
    ("分步实施", "ongoing"),
    ("立行立改", "ongoing"),
    ("一年一次", "recurring"),
    ("一季度一调度", "recurring"),
    # traditional characters of holidays and periods
    ("國慶節前", "by_date 2023-09-30"),
    ("“十四五”期間", "by_date 2025-12-31"),
])
def test_round7_sweep_shapes(phrase: str, expected: str) -> None:
    assert normalise(phrase, 2023, date(2023, 3, 15)).compact() == expected


@pytest.mark.parametrize(("phrase", "expected"), [
    # 本月 / 下月 / 本季度: the document date's month or quarter
    ("本月底前", "by_date 2023-03-31"),
    ("本月底前启动", "by_date 2023-03-31"),
    ("下月底前", "by_date 2023-04-30"),
    ("本季度", "by_date 2023-03-31"),
    ("本季度末", "by_date 2023-03-31"),
    ("2023年3月底前完成摸底，本季度末前完成整改", "milestones 2023-03-31"),
])
def test_this_month_and_quarter_are_the_document_dates(phrase: str, expected: str) -> None:
    assert normalise(phrase, 2023, date(2023, 3, 15)).compact() == expected


@pytest.mark.parametrize("phrase", ["本月底前", "本季度"])
def test_this_month_without_a_document_date_has_no_end(phrase: str) -> None:
    """本月 needs the document's date; with only a year the phrase is read but has no end."""
    result = normalise(phrase, 2023)
    assert result.kind == "by_date" and result.end is None and not result.unparsed


def test_round7_shapes_in_closing_groups_end_to_end() -> None:
    """本月底前 takes the notice's date; 二0二三年 and 动态调整 are no longer dropped, 中秋国庆前 is 国庆."""
    from policyparse.pipeline import extract_string

    text = (
        "某市2023年优化营商环境工作要点\n\n一、重点任务\n"
        "1.推进政务服务标准化。梳理事项清单。（市政务服务局牵头，本月底前完成）\n"
        "2.建立动态调整机制。完善清单。（市司法局牵头，动态调整）\n"
        "3.深化工程建设项目审批制度改革。（市住建局牵头，二0二三年底前完成）\n"
        "4.完善信用修复机制。（市发展改革委牵头，2023年中秋国庆前完成）\n"
        "5.组织春季植树。2023年3月12日召开动员会，全面部署植树工作。（市林业局牵头）\n\n"
        "某市人民政府办公室\n2023年3月15日\n"
    )
    tasks = extract_string(text).documents[0].tasks
    got = [(t.deadline.kind, t.deadline.end) for t in tasks]
    assert got == [("by_date", "2023-03-31"), ("ongoing", None), ("by_date", "2023-12-31"),
                   ("by_date", "2023-09-30"), ("none", None)]


@pytest.mark.parametrize(("phrase", "expected"), [
    ("2022 年 12 月底前", "by_date 2022-12-31"),
    ("2022年 9月底前", "by_date 2022-09-30"),
    ("2023 年 9 月 30 日前", "by_date 2023-09-30"),
    ("2024 年", "by_date 2024-12-31"),
])
def test_spaces_around_year_and_month_as_pdf_copies_print_them(phrase: str, expected: str) -> None:
    """`policyparse deadline` and `normalise` get phrases uncleaned: 2022年 9月底前 was 2023-09-30."""
    assert normalise(phrase, 2023, date(2023, 3, 15)).compact() == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("本季度全市工业增加值增长5%。", None),
    ("下季度继续开展督查。", None),
    ("本月召开动员会，部署工作。", None),
    ("本季度末前完成整改。", "by_date 2023-03-31"),
    ("本月底前完成摸底。", "by_date 2023-03-31"),
])
def test_this_month_and_quarter_in_a_body_only_as_targets(body: str, expected: str | None) -> None:
    found = find_in_text(body, 2023, date(2023, 3, 15))
    assert (found.compact() if found else None) == expected


def test_a_date_that_says_where_the_work_stands_is_no_body_target() -> None:
    """截至本月底，全县已累计完成… / 到2022年底，已建成… report progress; 年底前完成 is the target."""
    from datetime import date

    from policyparse.deadlines import find_in_text

    found = find_in_text("截至3月底，全县已累计完成投资5亿元。年底前完成全部项目。", 2023, date(2023, 4, 10))
    assert found is not None and (found.kind, found.end) == ("by_date", "2023-12-31")
    assert find_in_text("截至2023年3月底，已改造完成120户。", 2023, date(2023, 4, 10)) is None
    kept = find_in_text("2023年6月底前已全面完成整改。", 2023, date(2023, 4, 10))
    assert kept is not None and kept.end == "2023-06-30"
    target = find_in_text("到2023年底新建3500个，到2024年底累计达到1万个。", 2022, date(2022, 5, 1))
    assert target is not None and target.end == "2024-12-31"
